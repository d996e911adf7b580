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

from django.db import connection, models, transaction
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
def recording(queryset: models.QuerySet, *, creates: bool = True) -> Iterator[None]:
    """Record the changes a write the ORM does not make leaves on ``queryset``'s rows::

        with recording(Assessment.objects.filter(rule_set=rule_set)):
            cursor.execute(upsert_sql, params)

    The rows ``queryset`` selects are read before and after (two SELECTs); rows that appeared
    are creates, rows that went are deletes, rows whose values differ are updates (one bulk
    INSERT). The one sanctioned way to write a tracked table with raw SQL; on PostgreSQL an
    upsert can do better with :func:`upsert_returning_changes`. ``creates=False`` leaves new
    rows to a summary the caller writes (rows derived in bulk, such as a year's assessments,
    whose creation one audit row already counts)."""
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
            (history.CREATE, after.keys() - before.keys() if creates else (), after, True),
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


def upsert_returning_changes(
    model: type[models.Model], upsert_sql: str, scope_sql: str
) -> tuple[str, list[str]]:
    """PostgreSQL: ``upsert_sql`` (an ``INSERT … ON CONFLICT … DO UPDATE … WHERE changed``)
    wrapped so that it returns, for each row it wrote, the pk, whether it was inserted and the
    tracked columns after and before; parameters: ``scope_sql``'s, then ``upsert_sql``'s.

    A data-modifying ``WITH`` sees the table as it was when the statement began, so the old
    values come from the same statement: no reading of the untouched rows into Python before
    and after (:func:`recording` does that, and for a district's year of assessments the two
    reads and their comparison cost more than computing the scores). Pass the rows to
    :func:`record_returned`. ``scope_sql`` narrows the old rows to those the upsert can touch
    (e.g. ``rule_set_id = %s``)."""
    spec = history.spec_for(model._meta.concrete_model)
    assert spec is not None, f"{model.__name__} is not tracked"
    q = connection.ops.quote_name
    table = q(model._meta.db_table)
    pk = q(model._meta.pk.column)
    attnames = list(spec.fields)
    columns = [q(spec.fields[a].column) for a in attnames]
    new = ", ".join(f"w.{c}" for c in columns)
    old = ", ".join(f"o.{c}" for c in columns)
    sql = (
        f"WITH o AS (SELECT {pk}, {', '.join(columns)} FROM {table} WHERE {scope_sql}), "
        f"w AS ({upsert_sql} RETURNING {pk}, {', '.join(columns)}) "
        f"SELECT w.{pk}, o.{pk} IS NULL, {new}, {old} FROM w LEFT JOIN o ON o.{pk} = w.{pk}"
    )
    return sql, attnames


def record_returned(
    model: type[models.Model], attnames: list[str], rows: list[tuple], *, creates: bool = True
) -> None:
    """History rows for what :func:`upsert_returning_changes` returned: one update per row
    whose tracked values changed (one query per relation for names, one bulk INSERT), and one
    create per inserted row unless ``creates`` is False."""
    spec = history.spec_for(model._meta.concrete_model)
    fields = [spec.fields[a] for a in attnames]
    width = len(attnames)

    def values(raw: tuple) -> dict:
        return {
            a: _from_db(f, v, connection) for a, f, v in zip(attnames, fields, raw, strict=True)
        }

    before, after, created = {}, {}, []
    for row in rows:
        pk, inserted = row[0], row[1]
        new = values(row[2 : 2 + width])
        if inserted:
            if creates:
                created.append((pk, new))
            continue
        before[pk], after[pk] = values(row[2 + width :]), new
    events = _events(spec, history.UPDATE, before, after)
    for pk, new in created:
        events.append(
            history.new_event(
                spec=spec,
                action=history.CREATE,
                pk=pk,
                label=f"#{pk}",
                changes=history.diff(spec, None, new),
            )
        )
    history.write(events)


def _from_db(model_field: models.Field, value, connection):
    """A raw column value as ``values()`` gives it (JSON parsed, for one)."""
    if value is not None and hasattr(model_field, "from_db_value"):
        return model_field.from_db_value(value, None, connection)
    return value
