from datetime import date

import pytest
from django.db import IntegrityError, transaction

from deputies.models import Deputy, Level, Status
from tests.deputies.factories import DeputyFactory, TermFactory

pytestmark = pytest.mark.django_db


def _violates(**changes) -> bool:
    deputy = DeputyFactory()
    for field, value in changes.items():
        setattr(deputy, field, value)
    try:
        with transaction.atomic():
            deputy.save()
    except IntegrityError:
        return True
    return False


def test_code_is_unique():
    DeputyFactory(code="D100")
    with pytest.raises(IntegrityError), transaction.atomic():
        DeputyFactory(code="D100")


def test_mobile_is_unique():
    DeputyFactory(mobile="13900000001")
    with pytest.raises(IntegrityError), transaction.atomic():
        DeputyFactory(mobile="13900000001")


@pytest.mark.parametrize(
    "changes",
    [
        {"level": "village"},
        {"gender": "X"},
        {"mobile": "2390000000"},
        {"mobile": "1390000"},
        {"status": Status.RESIGNED},
        {"status": Status.RESIGNED, "status_date": date(2024, 1, 1)},
        {"status": Status.SERVING, "status_date": date(2024, 1, 1)},
        {"birth_date": date(1800, 1, 1)},
    ],
)
def test_database_refuses_invalid_rows(changes):
    assert _violates(**changes)


def test_database_accepts_a_resignation_with_date_and_reason():
    assert not _violates(
        status=Status.RESIGNED, status_date=date(2024, 1, 1), status_reason="工作调动"
    )


def test_term_must_end_after_it_starts():
    with pytest.raises(IntegrityError), transaction.atomic():
        TermFactory(number=3, start_date=date(2022, 1, 1), end_date=date(2021, 1, 1))


def test_new_and_reelected():
    current = TermFactory(number=17)
    previous = TermFactory(number=16, start_date=date(2017, 1, 1), end_date=date(2021, 12, 31))
    assert DeputyFactory(term=current, first_elected_term=None).is_new
    assert DeputyFactory(term=current, first_elected_term=current).is_new
    assert not DeputyFactory(term=current, first_elected_term=previous).is_new


def test_masked_mobile_and_str():
    deputy = DeputyFactory(code="D007", name="王芳", mobile="13912345678")
    assert deputy.masked_mobile == "139****5678"
    assert str(deputy) == "王芳（D007）"


def test_serving_on_counts_those_who_left_later():
    stayed = DeputyFactory()
    left_late = DeputyFactory(
        status=Status.RESIGNED, status_date=date(2026, 6, 1), status_reason="工作调动"
    )
    left_early = DeputyFactory(
        status=Status.TERMINATED, status_date=date(2026, 1, 1), status_reason="依法终止"
    )
    on_day = set(Deputy.objects.serving_on(date(2026, 3, 1)))
    assert stayed in on_day and left_late in on_day and left_early not in on_day


def test_all_four_levels_exist():
    assert set(Level.values) == {"province", "city", "district", "street"}


def test_current_term_is_the_one_in_office():
    from deputies.models import Term

    TermFactory(number=16, start_date=date(2017, 1, 1), end_date=date(2021, 12, 31))
    assert Term.current(today=date(2026, 5, 1)) is None
    TermFactory(number=17)
    assert Term.current(today=date(2026, 5, 1)).number == 17
