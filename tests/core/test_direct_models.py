"""``core.direct_models``: a list's page makes its instances directly, and they are the
instances Django's ``from_db`` makes (the same values, related rows, annotations and state),
on every registered admin's list; a model something listens to goes through ``from_db``."""

from unittest import mock

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.db.models.query import ModelIterable
from django.db.models.signals import post_init
from django.test import RequestFactory

from accounts.models import User
from core.direct_models import DirectModelIterable, maker
from deputies.models import Deputy

pytestmark = pytest.mark.django_db


def state(obj, depth: int = 0) -> dict:
    """Everything an instance holds: its values, its state, its related rows (recursively)."""
    values = {key: value for key, value in obj.__dict__.items() if key != "_state"}
    out = {
        "class": type(obj),
        "adding": obj._state.adding,
        "db": obj._state.db,
        "keys": list(values),
    }
    for key, value in values.items():
        out[key] = state(value, depth + 1) if hasattr(value, "_meta") else repr(value)
    cache = obj._state.__dict__.get("fields_cache", {})
    if depth < 3:
        out["related"] = {
            key: None if value is None else state(value, depth + 1) for key, value in cache.items()
        }
    return out


def read(queryset, iterable) -> list[dict]:
    rows = queryset._chain()
    rows._iterable_class = iterable
    return [state(obj) for obj in rows]


def test_every_list_page_makes_djangos_instances(db):
    call_command("seed_demo", verbosity=0)
    request = RequestFactory().get("/")
    request.user = User.objects.create_superuser("root", "root@example.org", "x")
    compared = 0
    for model_admin in admin.site._registry.values():
        queryset = model_admin.get_queryset(request)
        pages = [model_admin.list_rows(queryset)] if hasattr(model_admin, "list_rows") else []
        for page in (*pages, queryset, queryset.select_related()):
            page = page[:20]
            django_made = read(page, ModelIterable)
            assert read(page, DirectModelIterable) == django_made, model_admin
            compared += bool(django_made)
    assert compared >= 60


def test_a_model_with_a_listener_goes_through_from_db(db):
    call_command("seed_demo", verbosity=0)
    seen = []

    def listener(sender, instance, **kwargs):
        seen.append(instance)

    rows = Deputy.objects.only("code", "name")[:3]
    post_init.connect(listener, sender=Deputy)
    try:
        read(rows, DirectModelIterable)
    finally:
        post_init.disconnect(listener, sender=Deputy)
    assert len(seen) == 3
    with mock.patch.object(Deputy, "from_db", wraps=Deputy.from_db) as from_db:
        read(rows, DirectModelIterable)  # another from_db: Django's way
    assert from_db.call_count == 3


def test_columns_out_of_the_fields_order_go_through_from_db():
    """``from_db`` pairs values with the model's fields in their order: a list of columns in
    another order is left to it (and so gets what it gives)."""
    fields = [field.attname for field in Deputy._meta.concrete_fields]
    for names in ([fields[2], fields[1]], [fields[1], fields[2]]):
        made = maker(Deputy, names)("default", ("a", "b"))
        assert state(made) == state(Deputy.from_db("default", names, ("a", "b")))
