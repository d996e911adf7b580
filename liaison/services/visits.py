"""Writes of the visit log (接待记录): logging and editing a visit, its status, referring it to a
department, and turning it into a deputy's suggestion draft through ``suggestions.public``.

Who may write
    Committee staff log and edit every visit. A deputy logs a visit at a station they are
    assigned to or on duty at that day (and is always among the deputies present), and edits
    the visits they attended or logged. Anyone else is refused with ``ERR_NOT_PERMITTED``.

The visitor's phone is stored as given (digits only) and shown masked to everyone but staff
(``selectors_visits.phone_for``); audit rows never carry it.
"""

import re
from collections.abc import Iterable
from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import User
from core import clock
from core.audit import audit_record
from deputies.models import Community, Deputy
from suggestions.public import Category, SuggestionError, suggestion_draft_from_source

from ..models import ReceptionDay, Station, Visit, VisitStatus
from ..selectors_visits import deputy_may_log_at, is_staff, user_deputy

ERR_NOT_PERMITTED = gettext_noop("您无权登记或修改这条接待记录。")
ERR_STATION_NOT_YOURS = gettext_noop("您只能登记自己进站或值班站点的接待记录。")
ERR_STATION_INACTIVE = gettext_noop("该站点已停用。")
ERR_NO_DEPUTIES = gettext_noop("请至少选择一名接待代表。")
ERR_FUTURE_DATE = gettext_noop("接待日期不能晚于今天。")
ERR_PROBLEM_REQUIRED = gettext_noop("请填写反映的问题。")
ERR_BAD_PHONE = gettext_noop("联系电话格式不正确：请填写 11 位手机号或带区号的固定电话。")
ERR_REFERRED_NEEDS_DEPARTMENT = gettext_noop("转办时须填写转办部门。")
ERR_RECEPTION_DAY_MISMATCH = gettext_noop("所选接待日不属于该站点或日期不符。")
ERR_BAD_STATUS = gettext_noop("无效的状态。")
ERR_ALREADY_TURNED = gettext_noop("这条接待记录已转为建议，不能重复转。")
ERR_NOT_PRESENT = gettext_noop("只有参加接待的代表才能把这条记录转为建议。")
ERR_INACTIVE_CATEGORY = gettext_noop("所选类别已停用。")

PHONE_RE = re.compile(r"^(1[0-9]{10}|0[0-9]{9,11})$")  # ASCII digits: \d takes any script
EDITABLE = (
    "occurred_on",
    "station",
    "reception_day",
    "visitor_name",
    "visitor_phone",
    "category",
    "community",
    "problem",
    "answer",
    "follow_up",
    "status",
    "referred_to",
    "satisfaction",
)


class VisitError(Exception):
    """A refusal with a message for the user; nothing has been written."""


def normalise_phone(phone: str) -> str:
    """Digits only (``139 1234-5678`` → ``13912345678``); ``VisitError`` unless a mobile or a
    landline with its area code."""
    digits = re.sub(r"[\s\-()（）+]", "", phone or "")
    if digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    if digits and not PHONE_RE.match(digits):
        raise VisitError(_(ERR_BAD_PHONE))
    return digits


def may_edit(visit: Visit, actor: User | None) -> bool:
    """Staff always; a deputy who attended the visit or logged it."""
    if actor is None or is_staff(actor):
        return True
    deputy = user_deputy(actor)
    if deputy is None:
        return False
    return visit.created_by_id == actor.pk or visit.deputies.filter(pk=deputy.pk).exists()


def _check(fields: dict, deputies: list[Deputy], actor: User | None, today: date) -> None:
    station: Station = fields["station"]
    if not station.is_active:
        raise VisitError(_(ERR_STATION_INACTIVE))
    if not deputies:
        raise VisitError(_(ERR_NO_DEPUTIES))
    if fields["occurred_on"] > today:
        raise VisitError(_(ERR_FUTURE_DATE))
    if not (fields.get("problem") or "").strip():
        raise VisitError(_(ERR_PROBLEM_REQUIRED))
    if fields.get("status", VisitStatus.OPEN) not in VisitStatus.values:
        raise VisitError(_(ERR_BAD_STATUS))
    if (
        fields.get("status") == VisitStatus.REFERRED
        and not (fields.get("referred_to") or "").strip()
    ):
        raise VisitError(_(ERR_REFERRED_NEEDS_DEPARTMENT))
    day: ReceptionDay | None = fields.get("reception_day")
    if day is not None and (day.station_id != station.pk or day.date != fields["occurred_on"]):
        raise VisitError(_(ERR_RECEPTION_DAY_MISMATCH))
    if actor is not None and not is_staff(actor):
        deputy = user_deputy(actor)
        if deputy is None:
            raise VisitError(_(ERR_NOT_PERMITTED))
        if not deputy_may_log_at(deputy, station, on=fields["occurred_on"]):
            raise VisitError(_(ERR_STATION_NOT_YOURS))


def visit_validate(
    *, fields: dict, deputies: list[Deputy], actor: User | None, today: date | None = None
) -> None:
    """The checks ``visit_create`` makes, for forms that want the message before saving."""
    values = dict(fields)
    if "visitor_phone" in values:
        values["visitor_phone"] = normalise_phone(values["visitor_phone"] or "")
    if values.get("station") is None or values.get("occurred_on") is None:
        return  # the form reports the missing field itself
    _check(values, deputies, actor, today or clock.today())


def visits_exported(*, actor: User | None, count: int, full_phone: bool) -> None:
    """Record an export of the visit log (who, how many rows, whether with full phones).
    Full phones only for staff."""
    if full_phone and actor is not None and not is_staff(actor):
        raise VisitError(_(ERR_NOT_PERMITTED))
    audit_record(
        actor=actor,
        action="liaison.visit.export",
        summary=_("导出接待记录 %(n)d 条%(full)s")
        % {"n": count, "full": _("（含完整电话）") if full_phone else ""},
        data={"count": count, "full_phone": full_phone},
    )


@transaction.atomic
def visit_create(
    *,
    actor: User | None,
    station: Station,
    occurred_on: date,
    deputies: Iterable[Deputy],
    category: Category,
    community: Community,
    problem: str,
    today: date | None = None,
    **fields,
) -> Visit:
    """Log a visit. A deputy logging it is always among the deputies present."""
    today = today or clock.today()
    deputies = list(deputies)
    if actor is not None and not is_staff(actor):
        own = user_deputy(actor)
        if own is None:
            raise VisitError(_(ERR_NOT_PERMITTED))
        if all(d.pk != own.pk for d in deputies):
            deputies.append(own)
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise TypeError(f"visit_create() got unexpected fields {sorted(unknown)}")
    values = {
        **fields,
        "station": station,
        "occurred_on": occurred_on,
        "category": category,
        "community": community,
        "problem": (problem or "").strip(),
    }
    values["visitor_phone"] = normalise_phone(values.get("visitor_phone", ""))
    if values.get("reception_day") is None:
        # A visit on a reception day belongs to it (the only one at that station that day).
        days = list(ReceptionDay.objects.filter(station=station, date=occurred_on)[:2])
        values["reception_day"] = days[0] if len(days) == 1 else None
    _check(values, deputies, actor, today)
    visit = Visit(**values, created_by=actor if getattr(actor, "pk", None) else None)
    visit.save()
    visit.deputies.set(deputies)
    audit_record(
        actor=actor,
        action="liaison.visit.create",
        target=visit,
        summary=f"{visit.occurred_on:%Y-%m-%d} {station}",
        data={"deputies": [d.pk for d in deputies], "status": visit.status},
    )
    return visit


@transaction.atomic
def visit_update(
    *,
    visit: Visit,
    actor: User | None,
    deputies: Iterable[Deputy] | None = None,
    today: date | None = None,
    **fields,
) -> Visit:
    """Edit a visit (staff, or a deputy who attended or logged it)."""
    today = today or clock.today()
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    if not may_edit(visit, actor):
        raise VisitError(_(ERR_NOT_PERMITTED))
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise TypeError(f"visit_update() got unexpected fields {sorted(unknown)}")
    if "visitor_phone" in fields:
        fields["visitor_phone"] = normalise_phone(fields["visitor_phone"])
    present = list(deputies) if deputies is not None else list(visit.deputies.all())
    values = {name: getattr(visit, name) for name in EDITABLE} | fields
    if "station" in fields or "occurred_on" in fields:
        _check(values, present, actor, today)
    else:
        _check(values, present, None, today)  # the station is unchanged: only the content
    changed = sorted(name for name in fields if getattr(visit, name) != fields[name])
    for name, value in fields.items():
        setattr(visit, name, value)
    visit.save()
    if deputies is not None:
        visit.deputies.set(present)
        changed.append("deputies")
    audit_record(
        actor=actor,
        action="liaison.visit.update",
        target=visit,
        summary=", ".join(changed)[:255],
        data={"changed": changed},
    )
    return visit


@transaction.atomic
def visit_set_status(
    *, visit: Visit, status: str, actor: User | None, follow_up: str | None = None
) -> Visit:
    """Move a visit to ``status`` (referring needs ``visit_refer`` for its department)."""
    if status == VisitStatus.REFERRED:
        raise VisitError(_(ERR_REFERRED_NEEDS_DEPARTMENT))
    fields: dict = {"status": status}
    if follow_up is not None:
        fields["follow_up"] = follow_up
    return visit_update(visit=visit, actor=actor, **fields)


@transaction.atomic
def visit_refer(*, visit: Visit, department: str, actor: User | None, note: str = "") -> Visit:
    """Refer the visit to a department (转办): status 已转办, the department named."""
    department = " ".join((department or "").split())[:100]
    if not department:
        raise VisitError(_(ERR_REFERRED_NEEDS_DEPARTMENT))
    fields = {"status": VisitStatus.REFERRED, "referred_to": department}
    if note.strip():
        fields["follow_up"] = note.strip()
    return visit_update(visit=visit, actor=actor, **fields)


def _origin_reference(visit: Visit) -> str:
    return _("联络站接待记录 #%(id)s · %(day)s %(station)s") % {
        "id": visit.pk,
        "day": f"{visit.occurred_on:%Y-%m-%d}",
        "station": visit.station.name,
    }


@transaction.atomic
def visit_to_suggestion(*, visit: Visit, deputy: Deputy, actor: User | None, origin_url: str = ""):
    """Turn the visit into a suggestion draft led by ``deputy``, who was present; staff may do
    it for a deputy present. The draft says where it came from; the visit links it. Once."""
    visit = (
        Visit.objects.select_for_update(of=("self",))
        .select_related("station", "category")
        .get(pk=visit.pk)
    )
    if actor is not None and not is_staff(actor):
        own = user_deputy(actor)
        if own is None or own.pk != deputy.pk:
            raise VisitError(_(ERR_NOT_PERMITTED))
    if visit.suggestion_id is not None:
        raise VisitError(_(ERR_ALREADY_TURNED))
    if not visit.deputies.filter(pk=deputy.pk).exists():
        raise VisitError(_(ERR_NOT_PRESENT))
    parts = [visit.problem.strip()]
    if visit.answer.strip():
        parts.append(_("现场答复：%(t)s") % {"t": visit.answer.strip()})
    if visit.follow_up.strip():
        parts.append(_("后续跟进：%(t)s") % {"t": visit.follow_up.strip()})
    first_line = " ".join(visit.problem.split())
    title = _("关于%(category)s的建议：%(problem)s") % {
        "category": visit.category.name,
        "problem": first_line[:40],
    }
    category = visit.category if visit.category.is_active else None
    try:
        suggestion = suggestion_draft_from_source(
            deputy=deputy,
            title=title,
            body="\n\n".join(parts),
            category=category,
            origin_reference=_origin_reference(visit),
            origin_url=origin_url,
            community=visit.community,
            actor=actor,
        )
    except SuggestionError as exc:
        raise VisitError(str(exc)) from exc
    visit.suggestion = suggestion
    visit.save(update_fields=["suggestion", "updated_at"])
    audit_record(
        actor=actor,
        action="liaison.visit.to_suggestion",
        target=visit,
        summary=suggestion.title,
        data={"suggestion": suggestion.pk, "deputy": deputy.pk},
    )
    return suggestion
