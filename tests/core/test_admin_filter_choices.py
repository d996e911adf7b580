"""``NamedRelatedFilter`` writes each choice's query string from one built with a stand-in for
the key; its choices are Django's (``RelatedFieldListFilter.choices``) for every registered
list, with and without other filters, a selected choice, the empty choice and odd values."""

from datetime import date

import pytest
from django.contrib import admin
from django.contrib.admin.filters import RelatedFieldListFilter
from django.test import RequestFactory

from core.admin_lists import NamedRelatedFilter
from tests.liaison.factories import OpinionFactory, StationFactory, VisitFactory

pytestmark = pytest.mark.django_db


def _lists_with_named_filters():
    for model, model_admin in admin.site._registry.items():
        for entry in model_admin.list_filter:
            if isinstance(entry, tuple) and issubclass(entry[1], NamedRelatedFilter):
                yield model, model_admin
                break


LISTS = list(_lists_with_named_filters())


def _params(spec):
    key = spec.lookup_choices[0][0] if spec.lookup_choices else 1
    return [
        {spec.lookup_kwarg: str(key)},
        {spec.lookup_kwarg: str(key), "q": "a b&c=d", "o": "1"},
        {spec.lookup_kwarg_isnull: "True", "o": "1"},
        {"q": "lvzhiKeyStandIn7e3c"},  # the stand-in typed: Django's own route
        {"q": "数字 %2B+ &=", "p": "1"},
    ]


def _changelist(model_admin, user, params):
    request = RequestFactory().get("/", params)
    request.user = user
    return model_admin.get_changelist_instance(request)


def test_the_project_has_named_filters():
    assert len(LISTS) >= 2


@pytest.mark.parametrize(("model", "model_admin"), LISTS, ids=lambda c: getattr(c, "__name__", ""))
def test_choices_are_djangos(staff_user, model, model_admin):
    stations = StationFactory.create_batch(3)
    VisitFactory(station=stations[0])
    OpinionFactory(station=stations[1])
    compared = 0
    plain = _changelist(model_admin, staff_user, {})
    cases = [{}]
    for spec in plain.filter_specs:
        if isinstance(spec, NamedRelatedFilter):
            cases += _params(spec)
    for params in cases:
        cl = _changelist(model_admin, staff_user, params)
        for spec in cl.filter_specs:
            if isinstance(spec, NamedRelatedFilter):
                ours = list(spec.choices(cl))
                djangos = list(RelatedFieldListFilter.choices(spec, cl))
                assert [(c["selected"], c["query_string"], str(c["display"])) for c in ours] == [
                    (c["selected"], c["query_string"], str(c["display"])) for c in djangos
                ]
                compared += len(ours)
    assert compared or model.__name__ not in {"Visit", "Opinion"}  # others: no rows made


@pytest.mark.parametrize(("model", "model_admin"), LISTS, ids=lambda c: getattr(c, "__name__", ""))
def test_named_choices_are_the_rows_names(staff_user, model, model_admin):
    """A filter reading its choices as values (``named``) offers what ``str()`` of the rows
    does, in the same order."""
    StationFactory.create_batch(3)
    VisitFactory()
    OpinionFactory()
    cl = _changelist(model_admin, staff_user, {})
    for spec in cl.filter_specs:
        if isinstance(spec, NamedRelatedFilter) and spec.text_column:
            field = spec.field
            as_rows = type("AsRows", (type(spec),), {"text_column": None})
            expected = as_rows.field_choices(spec, field, None, model_admin)
            assert spec.lookup_choices == expected
            assert [str(text) for _key, text in expected] == [t for _k, t in expected]


def test_kept_values_are_djangos_and_fresh(staff_user):
    """``KeptValuesFilter`` offers what Django's ``AllValuesFieldListFilter`` does (the
    courses' years), and a year added since the last page at once."""
    from django.contrib.admin.filters import AllValuesFieldListFilter

    from core.admin_lists import KeptValuesFilter
    from tests.training.factories import CourseFactory
    from training.models import Course

    model_admin = admin.site._registry[Course]
    CourseFactory(year=2025)
    CourseFactory(year=2023)

    def choices(params):
        cl = _changelist(model_admin, staff_user, params)
        (spec,) = [s for s in cl.filter_specs if isinstance(s, KeptValuesFilter)]
        request = RequestFactory().get("/", params)
        request.user = staff_user
        stock = AllValuesFieldListFilter(
            spec.field, request, dict(request.GET.lists()), Course, model_admin, "year"
        )
        ours = [(c["selected"], c["query_string"], str(c["display"])) for c in spec.choices(cl)]
        djangos = [(c["selected"], c["query_string"], str(c["display"])) for c in stock.choices(cl)]
        assert ours == djangos
        return [c[2] for c in ours]

    assert choices({})[1:] == ["2023", "2025"]  # after "All"
    assert "2023" in choices({"year__exact": "2023", "q": "x"})
    CourseFactory(year=2024)
    assert choices({})[1:] == ["2023", "2024", "2025"]


def test_read_choices_are_djangos_and_fresh(staff_user):
    """A ``reading`` filter (the deputies' term) offers Django's own choices, the keys and
    ``str()`` of the rows in the admin's order, read from a kept statement: a term added since
    the last page at once."""
    from django.contrib.admin.filters import RelatedFieldListFilter

    from deputies.models import Deputy
    from tests.deputies.factories import TermFactory

    model_admin = admin.site._registry[Deputy]
    TermFactory(number=17, name="")
    TermFactory(number=16, name="第十六届人大")

    def specs():
        cl = _changelist(model_admin, staff_user, {})
        found = [s for s in cl.filter_specs if isinstance(s, NamedRelatedFilter)]
        return [s for s in found if not s.text_column]

    (term,) = specs()
    request = RequestFactory().get("/")
    request.user = staff_user
    djangos = RelatedFieldListFilter.field_choices(term, term.field, request, model_admin)
    assert term.lookup_choices == djangos
    assert [text for _key, text in djangos] == ["第17届", "第十六届人大"]
    TermFactory(number=18, start_date=date(2027, 1, 1), end_date=date(2031, 12, 31))
    (term,) = specs()
    assert [text for _key, text in term.lookup_choices] == ["第18届", "第17届", "第十六届人大"]
