"""The guard: tracked models' querysets record their bulk writes (see ``core.history``).

``queryset.update()``, ``bulk_update()`` and ``bulk_create()`` send no signals. A tracked
model's managers therefore hand out an ``AuditedQuerySet``, whose ``update()`` and
``bulk_update()`` read the affected rows' old values first (one SELECT, in the same
transaction), write, and add one history row per object that really changed (one bulk
INSERT); ``bulk_create()`` records the creates. A job that rewrites rows with the values they
already hold records nothing.

``guard_managers`` swaps each manager's class for a subclass that builds the audited queryset.
Related managers (``suggestion.replies``) subclass the default manager's class, so they are
guarded too; the manager still deconstructs as its original class, so migrations never see
the swap. ``tests/core/test_history.py`` asserts every tracked model's managers are guarded.
"""

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar

from django.db import models, transaction
from django.db.models.expressions import Combinable

from . import history

# Set while bulk_update() runs Django's own update() calls, which it records itself.
_inside_bulk_update: ContextVar[bool] = ContextVar("lvzhi_history_bulk", default=False)


def _is_expression(value) -> bool:
    return hasattr(value, "resolve_expression") or isinstance(value, Combinable)


def _read(model, db: str, pks, attnames: list[str]) -> dict:
    """{pk: {attname: value}} for ``pks``, in batches SQLite accepts."""
    pks = list(pks)
    rows: dict = {}
    for start in range(0, len(pks), history.BATCH):
        chunk = pks[start : start + history.BATCH]
        for row in model._base_manager.using(db).filter(pk__in=chunk).values("pk", *attnames):
            rows[row.pop("pk")] = row
    return rows


def _events(spec, action: str, before: dict, after: dict) -> list:
    """One unsaved history row per object whose tracked values changed."""
    changed = {
        pk: {a for a in old if old[a] != after.get(pk, old)[a]} for pk, old in before.items()
    }
    changed = {pk: attnames for pk, attnames in changed.items() if attnames}
    if not changed:
        return []
    related: dict[str, set] = {}
    for pk, attnames in changed.items():
        for attname in attnames:
            if spec.fields[attname].is_relation:
                related.setdefault(attname, set()).update({before[pk][attname], after[pk][attname]})
    labels = history.fetch_labels(spec, related)
    events = []
    for pk, attnames in changed.items():
        old = {a: before[pk][a] for a in attnames}
        new = {a: after[pk][a] for a in attnames}
        changes = history.diff(spec, old, new, labels)
        if changes:
            events.append(
                history.new_event(spec=spec, action=action, pk=pk, label=f"#{pk}", changes=changes)
            )
    return events


class AuditedQuerySet(models.QuerySet):
    """A queryset whose bulk writes leave history rows (a tracked model's every manager)."""

    def update(self, **kwargs):
        spec = history.spec_for(self.model._meta.concrete_model)
        if spec is None or _inside_bulk_update.get() or self.query.is_sliced:
            return super().update(**kwargs)
        fields = spec.tracked_fields(kwargs)
        if not fields:
            return super().update(**kwargs)
        attnames = [f.attname for f in fields]
        with transaction.atomic(using=self.db, savepoint=False):
            before = {row.pop("pk"): row for row in self.order_by().values("pk", *attnames)}
            count = super().update(**kwargs)
            if not before:
                return count
            values = {f.attname: kwargs[f.name if f.name in kwargs else f.attname] for f in fields}
            if any(_is_expression(value) for value in values.values()):
                after = _read(self.model, self.db, before, attnames)
            else:
                new = {a: history.normalise(spec.fields[a], v) for a, v in values.items()}
                after = {pk: new for pk in before}
            history.write(_events(spec, history.UPDATE, before, after))
        return count

    update.alters_data = True

    def bulk_update(self, objs, fields, batch_size=None):
        spec = history.spec_for(self.model._meta.concrete_model)
        objs = list(objs)
        tracked = spec.tracked_fields(fields) if spec is not None else []
        if not tracked or not objs:
            return super().bulk_update(objs, fields, batch_size=batch_size)
        attnames = [f.attname for f in tracked]
        with transaction.atomic(using=self.db, savepoint=False):
            before = _read(self.model, self.db, {obj.pk for obj in objs}, attnames)
            token = _inside_bulk_update.set(True)
            try:
                count = super().bulk_update(objs, fields, batch_size=batch_size)
            finally:
                _inside_bulk_update.reset(token)
            if any(_is_expression(getattr(obj, a)) for obj in objs for a in attnames):
                after = _read(self.model, self.db, before, attnames)
            else:
                after = {obj.pk: history.instance_values(spec, obj, attnames) for obj in objs}
            history.write(_events(spec, history.UPDATE, before, after))
        return count

    bulk_update.alters_data = True

    def bulk_create(self, objs, *args, **kwargs):
        spec = history.spec_for(self.model._meta.concrete_model)
        with transaction.atomic(using=self.db, savepoint=False):
            created = super().bulk_create(objs, *args, **kwargs)
            if spec is not None:
                events = [
                    history.new_event(
                        spec=spec,
                        action=history.CREATE,
                        pk=obj.pk,
                        label=f"#{obj.pk}",  # str() may read related rows: none per object
                        changes=history.diff(
                            spec,
                            None,
                            # Related records by number: their str() may read more rows.
                            history.instance_values(spec, obj),
                        ),
                    )
                    for obj in created
                    if obj.pk is not None
                ]
                history.write(events)
        return created

    bulk_create.alters_data = True


_audited_querysets: dict[type, type] = {}


def audited_queryset_class(queryset_class: type) -> type:
    if issubclass(queryset_class, AuditedQuerySet):
        return queryset_class
    if queryset_class not in _audited_querysets:
        _audited_querysets[queryset_class] = type(
            f"Audited{queryset_class.__name__}", (AuditedQuerySet, queryset_class), {}
        )
    return _audited_querysets[queryset_class]


class _GuardedManager:
    """Mixed into a swapped manager's class; deconstructs as the original class."""

    _history_original_class: type

    def __eq__(self, other):
        # Equal to the unguarded manager, so migrations see no change of managers.
        return (
            isinstance(other, self._history_original_class)
            and self._constructor_args == other._constructor_args
        )

    def __hash__(self):
        return id(self)

    def deconstruct(self):
        original = self.__class__._history_original_class
        clone = object.__new__(original)
        clone.__dict__.update(self.__dict__)
        return clone.deconstruct()


def guard(manager: models.Manager) -> None:
    cls = manager.__class__
    if issubclass(cls, _GuardedManager):
        return
    guarded = type(
        cls.__name__,
        (_GuardedManager, cls),
        {
            "_queryset_class": audited_queryset_class(manager._queryset_class),
            "_history_original_class": cls,
            "__module__": cls.__module__,
        },
    )
    manager.__class__ = guarded


def guard_managers(model: type[models.Model]) -> None:
    """Give every manager ``model`` has (and will copy) the audited queryset."""
    for manager in (*model._meta.local_managers, *model._meta.managers):
        guard(manager)
    guard(model._meta.base_manager)
    guard(model._meta.default_manager)


def is_guarded(manager: models.Manager) -> bool:
    return isinstance(manager.get_queryset(), AuditedQuerySet)


@contextlib.contextmanager
def recording(queryset: models.QuerySet) -> Iterator[None]:
    """Record the changes a write the ORM does not make leaves on ``queryset``'s rows::

        with recording(Assessment.objects.filter(rule_set=rule_set)):
            cursor.execute(upsert_sql, params)

    The rows ``queryset`` selects are read before and after (two SELECTs); rows that appeared
    are creates, rows that went are deletes, rows whose values differ are updates (one bulk
    INSERT). The one sanctioned way to write a tracked table with raw SQL."""
    spec = history.spec_for(queryset.model._meta.concrete_model)
    if spec is None:
        yield
        return
    attnames = list(spec.fields)

    def read() -> dict:
        return {row.pop("pk"): row for row in queryset.order_by().values("pk", *attnames)}

    with transaction.atomic(using=queryset.db, savepoint=False):
        before = read()
        yield
        after = read()
        both = {pk: before[pk] for pk in before if pk in after}
        events = _events(spec, history.UPDATE, both, after)
        for action, pks, values, is_new in (
            (history.CREATE, after.keys() - before.keys(), after, True),
            (history.DELETE, before.keys() - after.keys(), before, False),
        ):
            for pk in sorted(pks):
                old, new = (None, values[pk]) if is_new else (values[pk], None)
                events.append(
                    history.new_event(
                        spec=spec,
                        action=action,
                        pk=pk,
                        label=f"#{pk}",
                        changes=history.diff(spec, old, new),
                    )
                )
        history.write(events)
