"""History: who changed which field of a record that matters, from what to what, and when.

Services write one *semantic* audit row per act (``core.audit.audit_record``: "suggestion
assigned"). That says what was meant, not what the database holds afterwards, and it misses
every write that does not go through a service: an admin edit of a deputy's phone, a delete
in the admin, a bulk ``queryset.update()`` in a job. History adds rows to the same
``AuditEvent`` table (actions ``history.create`` / ``history.update`` / ``history.delete``)
with the old and new value of each changed field in ``changes``.

Why signals and guarded querysets rather than database triggers (django-pghistory): the
one-command start runs on SQLite and production on PostgreSQL, and the same tests must pass on
both; one code path in Python keeps them honest on either. Signals alone miss
``queryset.update()``, ``bulk_update()`` and ``bulk_create()``, so ``track`` also gives the
model's managers (default, base, and the related managers built from them) a queryset whose
bulk writes record one row per affected object (``core.history_queryset``). Deletes go
through ``post_delete``: a model with delete listeners cannot be fast-deleted, which is what
we want. The one way around it is raw SQL (``.raw()``, ``connection.cursor()``), which no app
code uses on tracked models (``tests/core/test_history.py`` checks both).

Apps register in ``AppConfig.ready`` (core never imports them)::

    track(Deputy, mask=("mobile",))

A save that changes nothing records nothing; ``mask`` keeps phone numbers masked in the
audit table; passwords, last logins and timestamps kept by Django are never recorded.
"""

import contextlib
import sys
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.utils import timezone
from django.utils.translation import gettext

from .models import AuditEvent
from .models import AuditSource as Source

CREATE, UPDATE, DELETE = "history.create", "history.update", "history.delete"
ACTIONS = (CREATE, UPDATE, DELETE)


# Never recorded, whatever a model registers: secrets and bookkeeping Django keeps itself.
ALWAYS_EXCLUDED = frozenset({"password", "last_login", "date_joined"})
# A text value longer than this is cut in the audit row (the record itself keeps it whole).
MAX_TEXT = 200
# Rows read per query when the affected rows' pks are listed (SQLite's variable limit).
BATCH = 900


# --- who acts, from where ----------------------------------------------------------------


@dataclass(frozen=True)
class Acting:
    """The actor and source of the writes in the current context. A web request sets
    ``request`` and the actor is read from it when a row is written (after a login it is the
    new user)."""

    source: str
    actor: Any = None
    request: Any = None

    def resolved_actor(self):
        user = getattr(self.request, "user", None) if self.request is not None else self.actor
        return user if getattr(user, "is_authenticated", False) else None


def _process_source(argv: list[str]) -> str:
    """The source of writes nothing else claims: ``manage.py <command>`` is a command (a
    web server, worker or test run sets its own per request or task)."""
    program = argv[0].rsplit("/", 1)[-1] if argv else ""
    if program in ("manage.py", "django-admin") and len(argv) > 1:
        return Source.SYSTEM if argv[1] in ("runserver", "test") else Source.COMMAND
    return Source.SYSTEM


_current: ContextVar[Acting | None] = ContextVar("lvzhi_history_acting", default=None)
_PROCESS_SOURCE = _process_source(sys.argv)


def current() -> Acting:
    return _current.get() or Acting(source=_PROCESS_SOURCE)


@contextlib.contextmanager
def acting(*, actor=None, source: str = Source.SYSTEM, request=None) -> Iterator[Acting]:
    """Attribute the writes inside the block: ``with acting(source="command"): ...``."""
    token = _current.set(Acting(source=source, actor=actor, request=request))
    try:
        yield _current.get()
    finally:
        _current.reset(token)


_task_tokens: dict[str, Any] = {}


def task_started(task_id=None, **kwargs) -> None:
    """Celery's ``task_prerun``: the task's writes are the task's, whoever queued it."""
    _task_tokens[task_id] = _current.set(Acting(source=Source.TASK))


def task_finished(task_id=None, **kwargs) -> None:
    """Celery's ``task_postrun``."""
    token = _task_tokens.pop(task_id, None)
    if token is not None:
        with contextlib.suppress(ValueError):
            _current.reset(token)


# --- what is tracked ---------------------------------------------------------------------


@dataclass
class Tracked:
    model: type[models.Model]
    fields: dict[str, models.Field]  # attname -> field
    masked: frozenset[str]
    m2m: dict[str, models.ManyToManyField] = field(default_factory=dict)

    def tracked_fields(self, names: Iterable[str]) -> list[models.Field]:
        """The tracked fields among ``names`` (field names or attnames), in model order."""
        wanted = set(names)
        return [f for a, f in self.fields.items() if a in wanted or f.name in wanted]


_registry: dict[type[models.Model], Tracked] = {}


def tracked_models() -> list[type[models.Model]]:
    return list(_registry)


def spec_for(model) -> Tracked | None:
    return _registry.get(model)


def track(
    model: type[models.Model], *, exclude: Iterable[str] = (), mask: Iterable[str] = ()
) -> None:
    """Record every change of ``model``'s fields (but ``exclude``) and many-to-many sets;
    ``mask`` the values of phone-like fields. Call once, from the app's ``ready``."""
    from .history_queryset import guard_managers

    excluded = ALWAYS_EXCLUDED | set(exclude)
    fields = {
        f.attname: f
        for f in model._meta.concrete_fields
        if f.name not in excluded
        and not f.primary_key
        and not getattr(f, "auto_now", False)
        and not getattr(f, "auto_now_add", False)
    }
    m2m = {
        f.name: f
        for f in model._meta.many_to_many
        if f.name not in excluded and f.remote_field.through._meta.auto_created
    }
    _registry[model] = Tracked(model=model, fields=fields, masked=frozenset(mask), m2m=m2m)
    uid = f"core.history.{model._meta.label_lower}"
    pre_save.connect(_before_save, sender=model, dispatch_uid=f"{uid}.pre_save")
    post_save.connect(_after_save, sender=model, dispatch_uid=f"{uid}.post_save")
    post_delete.connect(_after_delete, sender=model, dispatch_uid=f"{uid}.post_delete")
    for name, m2m_field in m2m.items():
        m2m_changed.connect(
            _m2m_changed, sender=m2m_field.remote_field.through, dispatch_uid=f"{uid}.{name}"
        )
    guard_managers(model)


# --- values shown ------------------------------------------------------------------------


def mask_value(value: str) -> str:
    """138****1234: enough to tell two numbers apart, not enough to call one."""
    text = str(value)
    if len(text) <= 4:
        return "*" * len(text)
    if len(text) < 8:
        return f"{text[:1]}***{text[-2:]}"
    return f"{text[:3]}****{text[-4:]}"


def normalise(model_field: models.Field, value):
    """The value as the database would hold it, for comparing an unsaved attribute (a form
    may leave "3" in a decimal field) with a stored one."""
    if isinstance(value, models.Model):
        return value.pk
    if value is None or model_field.is_relation:
        return value
    if isinstance(value, models.fields.files.FieldFile):
        return value.name or ""
    try:
        return model_field.to_python(value)
    except (ValidationError, TypeError, ValueError):
        return value


def display(model_field: models.Field, value, *, masked: bool, labels=None) -> str | None:
    """One value as a person reads it: choice labels, 是/否, local times, masked phones,
    related records by name (``labels``: pk -> text) or number."""
    if value is None or value == "":
        return None if value is None else ""
    if masked:
        return mask_value(value)
    if model_field.is_relation:
        if labels and value in labels:
            return labels[value]
        return f"#{value}"
    if model_field.choices:
        flat = dict(model_field.flatchoices)
        if value in flat:
            return str(flat[value])
    if isinstance(value, bool):
        return gettext("是") if value else gettext("否")
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else str(value)
    text = str(value)
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"


def cached_labels(instance: models.Model, spec: Tracked) -> dict[str, dict]:
    """Names of the related records ``instance`` already holds in memory (no query)."""
    labels: dict[str, dict] = {}
    for attname, model_field in spec.fields.items():
        if model_field.is_relation and model_field.is_cached(instance):
            related = model_field.get_cached_value(instance)
            if related is not None:
                labels[attname] = {related.pk: str(related)}
    return labels


def fetch_labels(spec: Tracked, pairs: dict[str, set]) -> dict[str, dict]:
    """Names of related records by pk, one query per relation that changed."""
    labels: dict[str, dict] = {}
    for attname, pks in pairs.items():
        pks = {pk for pk in pks if pk is not None}
        if pks:
            related_model = spec.fields[attname].related_model
            objects = related_model._base_manager.in_bulk(pks)
            labels[attname] = {pk: str(obj) for pk, obj in objects.items()}
    return labels


def diff(
    spec: Tracked, before: dict | None, after: dict | None, labels: dict | None = None
) -> dict[str, list]:
    """``{field name: [old, new]}`` for the tracked fields whose value differs, keyed by the
    field's name (``group``, not ``group_id``). ``before`` is None for a create, ``after``
    for a delete."""
    labels = labels or {}
    changes: dict[str, list] = {}
    for attname, model_field in spec.fields.items():
        if (before is not None and attname not in before) or (
            after is not None and attname not in after
        ):
            continue
        old = before[attname] if before is not None else None
        new = after[attname] if after is not None else None
        if before is not None and after is not None and old == new:
            continue
        if (before is None and new in (None, "")) or (after is None and old in (None, "")):
            continue
        masked = attname in spec.masked or model_field.name in spec.masked
        field_labels = labels.get(attname)
        changes[model_field.name] = [
            display(model_field, old, masked=masked, labels=field_labels),
            display(model_field, new, masked=masked, labels=field_labels),
        ]
    return changes


def summary_for(spec: Tracked, action: str, label: str, changes: dict[str, list]) -> str:
    """代表 张三：状态 在任 → 暂停履职；手机 138****1234 → 139****5678"""
    name = f"{spec.model._meta.verbose_name} {label}"
    if action == CREATE:
        return gettext("新增 %(name)s") % {"name": name}
    if action == DELETE:
        return gettext("删除 %(name)s") % {"name": name}
    parts = []
    for field_name, (old, new) in changes.items():
        verbose = field_verbose_name(spec.model, field_name)
        parts.append(
            f"{verbose} {old if old not in (None, '') else '—'} → "
            f"{new if new not in (None, '') else '—'}"
        )
    return f"{name}：" + "；".join(parts)


def field_verbose_name(model, field_name: str) -> str:
    try:
        return str(model._meta.get_field(field_name).verbose_name)
    except Exception:
        return field_name


def new_event(*, spec: Tracked, action: str, pk, label: str, changes: dict[str, list]):
    """An unsaved ``AuditEvent`` for one history row (saved alone or in a bulk insert)."""
    now = current()
    return AuditEvent(
        actor=now.resolved_actor(),
        source=now.source,
        action=action,
        target_type=spec.model._meta.label_lower,
        target_id=str(pk),
        summary=summary_for(spec, action, label, changes)[:255],
        changes=changes,
    )


def write(events: list) -> None:
    if len(events) == 1:
        events[0].save(force_insert=True)
    elif events:
        AuditEvent.objects.bulk_create(events)


# --- one record at a time: signals -------------------------------------------------------

_BEFORE = "_history_before"


def stored_values(spec: Tracked, instance, update_fields=None) -> dict | None:
    """The row as stored before this save (one query), or None if there is none."""
    attnames = (
        [f.attname for f in spec.tracked_fields(update_fields)]
        if update_fields
        else list(spec.fields)
    )
    if not attnames:
        return {}
    return (
        spec.model._base_manager.using(instance._state.db or "default")
        .filter(pk=instance.pk)
        .values(*attnames)
        .first()
    )


def instance_values(spec: Tracked, instance, attnames: Iterable[str] | None = None) -> dict:
    names = spec.fields if attnames is None else attnames
    return {a: normalise(spec.fields[a], getattr(instance, a)) for a in names}


def _before_save(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    spec = _registry.get(sender)
    if spec is None or raw:
        return
    if instance._state.adding or instance.pk is None:
        setattr(instance, _BEFORE, None)
        return
    setattr(instance, _BEFORE, stored_values(spec, instance, update_fields))


def _after_save(sender, instance, created=False, raw=False, update_fields=None, **kwargs) -> None:
    spec = _registry.get(sender)
    if spec is None or raw:
        return
    before = instance.__dict__.pop(_BEFORE, None)
    if created or before is None:
        changes = diff(spec, None, instance_values(spec, instance), cached_labels(instance, spec))
        write(
            [
                new_event(
                    spec=spec, action=CREATE, pk=instance.pk, label=str(instance), changes=changes
                )
            ]
        )
        return
    after = instance_values(spec, instance, before.keys())
    changed = {a for a in before if before[a] != after[a]}
    if not changed:
        return
    related = {a: {before[a], after[a]} for a in changed if spec.fields[a].is_relation}
    changes = diff(spec, before, after, fetch_labels(spec, related))
    if changes:
        write(
            [
                new_event(
                    spec=spec, action=UPDATE, pk=instance.pk, label=str(instance), changes=changes
                )
            ]
        )


def _after_delete(sender, instance, origin=None, **kwargs) -> None:
    spec = _registry.get(sender)
    if spec is None:
        return
    values = {
        a: normalise(f, instance.__dict__[a])
        for a, f in spec.fields.items()
        if a in instance.__dict__
    }
    changes = diff(spec, values, None, cached_labels(instance, spec))
    write(
        [new_event(spec=spec, action=DELETE, pk=instance.pk, label=str(instance), changes=changes)]
    )


# --- many-to-many sets (a user's roles) ----------------------------------------------------

_M2M_BEFORE = "_history_m2m_before"


def _m2m_field(sender) -> tuple[Tracked, models.ManyToManyField] | None:
    for spec in _registry.values():
        for m2m_field in spec.m2m.values():
            if m2m_field.remote_field.through is sender:
                return spec, m2m_field
    return None


def _m2m_current(m2m_field, owner_ids) -> dict:
    """{owner pk: set of related pks} read from the through table in one query."""
    through = m2m_field.remote_field.through
    source = m2m_field.m2m_field_name()
    target = m2m_field.m2m_reverse_field_name()
    current: dict = {pk: set() for pk in owner_ids}
    rows = through._base_manager.filter(**{f"{source}__in": list(owner_ids)}).values_list(
        f"{source}_id", f"{target}_id"
    )
    for owner, related in rows:
        current[owner].add(related)
    return current


def _m2m_changed(sender, instance, action, reverse, model, pk_set, **kwargs) -> None:
    found = _m2m_field(sender)
    if found is None or action not in (
        "pre_add",
        "pre_remove",
        "pre_clear",
        "post_add",
        "post_remove",
        "post_clear",
    ):
        return
    spec, m2m_field = found
    if action.startswith("pre_"):
        if reverse:
            if action == "pre_clear":
                through = m2m_field.remote_field.through
                owner_ids = set(
                    through._base_manager.filter(
                        **{m2m_field.m2m_reverse_field_name(): instance.pk}
                    ).values_list(f"{m2m_field.m2m_field_name()}_id", flat=True)
                )
            else:
                owner_ids = set(pk_set or ())
        else:
            owner_ids = {instance.pk}
        setattr(instance, _M2M_BEFORE, _m2m_current(m2m_field, owner_ids))
        return
    before: dict = instance.__dict__.pop(_M2M_BEFORE, {})
    events = []
    changed: dict = {}
    for owner, old in before.items():
        if action == "post_clear":
            new = set() if not reverse else old - {instance.pk}
        elif reverse:
            new = old | {instance.pk} if action == "post_add" else old - {instance.pk}
        else:
            new = old | set(pk_set or ()) if action == "post_add" else old - set(pk_set or ())
        if new != old:
            changed[owner] = (old, new)
    if not changed:
        return
    related_model = m2m_field.related_model
    related_pks = set().union(*(old | new for old, new in changed.values()))
    names = {pk: str(obj) for pk, obj in related_model._base_manager.in_bulk(related_pks).items()}
    owners = (
        {instance.pk: instance} if not reverse else spec.model._base_manager.in_bulk(list(changed))
    )
    for owner, (old, new) in changed.items():
        changes = {m2m_field.name: [_names(old, names), _names(new, names)]}
        label = str(owners.get(owner, f"#{owner}"))
        events.append(new_event(spec=spec, action=UPDATE, pk=owner, label=label, changes=changes))
    write(events)


def _names(pks: set, names: dict) -> str:
    return "、".join(sorted(names.get(pk, f"#{pk}") for pk in pks))
