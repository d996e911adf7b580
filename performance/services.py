"""Writes to the duty ledger: rule sets, entries, reviews, disputes, activities, voter reports."""

import logging
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, models, transaction
from django.db.models import Exists, F, Max, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import User
from core.audit import audit_record
from core.notifications import notification_send
from deputies.models import Deputy, Status

from .defaults import DEFAULT_CAPS, DEFAULT_RULES, DEFAULT_THRESHOLDS
from .models import (
    ABSENCE_RULE,
    DECISIONS_BY_KIND,
    EVIDENCE_VALIDATORS,
    Activity,
    Attendance,
    AttendanceStatus,
    ConsequenceDecision,
    ConsequenceKind,
    Decision,
    Dispute,
    DisputeKind,
    DisputeStatus,
    EntryEvidence,
    EntryStatus,
    LedgerEntry,
    Publication,
    ReportStatus,
    Rule,
    RuleSet,
    SourceKind,
    SupervisionTopic,
    TopicSignup,
    VoterReport,
    VoterReportPlan,
)
from .scoring import assessment_compute, serving_deputies
from .selectors import standings

logger = logging.getLogger(__name__)


class LedgerError(Exception):
    """A ledger write that breaks a rule; the message is for the user."""


ERR_UNKNOWN_RULE = gettext_noop("%(year)s 年度没有编号为 %(code)s 的积分规则。")
ERR_DATE_OUTSIDE_YEAR = gettext_noop("履职日期 %(date)s 不在 %(year)s 年度内。")
ERR_DATE_IN_FUTURE = gettext_noop("履职日期不能晚于今天。")
ERR_YEAR_FROZEN = gettext_noop("%(year)s 年度考核已封存，不能再增改履职记录。")
ERR_DEPUTY_LEFT = gettext_noop("%(deputy)s 已于 %(date)s 离任，此后不能再记录履职。")
ERR_EVIDENCE_REQUIRED = gettext_noop("“%(rule)s”须上传佐证材料。")
ERR_RULE_NOT_SELF_SERVICE = gettext_noop("“%(rule)s”由工委或系统记录，代表不能自行申报。")
ERR_NEGATIVE_CAP = gettext_noop("上限不能为负数。")
ERR_REJECT_NEEDS_REASON = gettext_noop("退回须填写理由。")
ERR_RULE_SET_EXISTS = gettext_noop("%(year)s 年度已有积分规则。")
ERR_YEAR_IMPLAUSIBLE = gettext_noop("%(year)s 年不是有效的考核年度。")
ERR_ROLL_CLOSED = gettext_noop("该活动已结束点名。")
ERR_ROLL_EMPTY = gettext_noop("该活动还没有参加代表名单。")
ERR_ACTIVITY_NOT_HELD = gettext_noop("活动日期 %(date)s 还没到，活动举行后再结束点名。")
ERR_DISPUTE_RESOLVED = gettext_noop("该异议已处理。")
ERR_DISPUTE_NEEDS_ENTRY = gettext_noop("请指明有异议的履职记录。")
ERR_DISPUTE_MISSING_NEEDS_RULE = gettext_noop("补记须选择事项并填写日期。")
ERR_NOT_OWN_ENTRY = gettext_noop("只能对本人的履职记录提出异议。")
ERR_DISPUTE_WOULD_DUPLICATE = gettext_noop(
    "该来源已按“%(rule)s”记分，更正会重复计分；请改为按“重复”处理。"
)
ERR_DISPUTE_OPEN = gettext_noop("这条记录已有待处理的异议，请等工委处理后再提。")
ERR_REPORT_NOT_HELD = gettext_noop("请先登记述职日期和选民测评结果。")
ERR_REPORT_COUNTS = gettext_noop("测评票数合计（%(n)d）不能超过参会选民数（%(v)d）。")
ERR_REPORT_VERIFIED = gettext_noop("该述职已核实，不能再修改。")
ERR_REPORT_DATE = gettext_noop("述职日期须在 %(year)s 年度内且不晚于今天。")
ERR_PLAN_EXISTS = gettext_noop("%(year)s 年度已制定述职计划。")
ERR_NO_DEPUTIES = gettext_noop("%(year)s 年度没有在任代表。")
ERR_TOPIC_NOT_PUBLISHED = gettext_noop("该议题尚未发布。")
ERR_TOPIC_PAST = gettext_noop("%(year)s 年度的监督菜单已经结束，不能再认领或取消。")
ERR_BAD_QUARTER = gettext_noop("季度须为 1 至 4。")
ERR_QUARTER_NOT_STARTED = gettext_noop("%(year)s 年第 %(quarter)s 季度还没有开始，不能公布。")
ERR_NO_RULE_SET = gettext_noop("%(year)s 年度尚未设置积分规则。")
ERR_DECISION_KIND = gettext_noop("“%(decision)s”不是%(kind)s名单的处理决定。")

NOTIFY_REJECTED = "performance.rejected"
NOTIFY_DISPUTE = "performance.dispute"


# --- rule sets -----------------------------------------------------------------------------


@transaction.atomic
def rule_set_load_defaults(*, year: int, actor: User | None = None) -> RuleSet:
    """The year's rule set, created from the default table when missing (missing rules are
    added to an existing year; rules staff already edited are left as they are)."""
    rule_set, created = RuleSet.objects.get_or_create(
        year=year, defaults={**DEFAULT_CAPS, **DEFAULT_THRESHOLDS}
    )
    existing = set(rule_set.rules.values_list("code", flat=True))
    added = [
        Rule(
            rule_set=rule_set,
            code=code,
            name=name,
            dimension=dimension,
            points=points,
            yearly_cap=cap,
            evidence_required=evidence,
            deputy_can_submit=self_service,
        )
        for code, name, dimension, points, cap, evidence, self_service in DEFAULT_RULES
        if code not in existing
    ]
    if added and rule_set.frozen:
        raise LedgerError(_(ERR_YEAR_FROZEN) % {"year": year})
    Rule.objects.bulk_create(added)
    if created or added:
        audit_record(
            actor=actor,
            action="performance.rule_set_load_defaults",
            target=rule_set,
            summary=_("载入 %(year)s 年度默认积分规则（%(n)d 条）")
            % {"year": year, "n": len(added)},
        )
    return rule_set


def rule_set_for_year(year: int) -> RuleSet:
    """The year's rule set; a year not set up yet starts as a copy of the latest earlier year
    (so the committee's own changes carry over), or from the default table if there is none."""
    rule_set = RuleSet.objects.filter(year=year).first()
    if rule_set is not None:
        return rule_set
    previous = RuleSet.objects.filter(year__lt=year).order_by("-year").first()
    if previous is None:
        return rule_set_load_defaults(year=year)
    try:
        return rule_set_copy_forward(source=previous, year=year)
    except LedgerError:  # made meanwhile by another request
        return RuleSet.objects.get(year=year)


@transaction.atomic
def rule_set_copy_forward(*, source: RuleSet, year: int, actor: User | None = None) -> RuleSet:
    """Start ``year`` with the caps, thresholds and rules of ``source`` (not frozen)."""
    if RuleSet.objects.filter(year=year).exists():
        raise LedgerError(_(ERR_RULE_SET_EXISTS) % {"year": year})
    try:
        with transaction.atomic():
            target = RuleSet.objects.create(
                year=year,
                **{name: getattr(source, name) for name in (*DEFAULT_CAPS, *DEFAULT_THRESHOLDS)},
            )
    except IntegrityError as exc:  # created meanwhile by another request
        raise LedgerError(_(ERR_RULE_SET_EXISTS) % {"year": year}) from exc
    Rule.objects.bulk_create(
        Rule(
            rule_set=target,
            code=r.code,
            name=r.name,
            dimension=r.dimension,
            points=r.points,
            yearly_cap=r.yearly_cap,
            evidence_required=r.evidence_required,
            deputy_can_submit=r.deputy_can_submit,
        )
        for r in source.rules.all()
    )
    audit_record(
        actor=actor,
        action="performance.rule_set_copy_forward",
        target=target,
        summary=_("由 %(src)s 年度复制 %(year)s 年度积分规则") % {"src": source.year, "year": year},
    )
    return target


def rule_validate(rule: Rule) -> None:
    """Checks the admin form also runs; the database refuses the same things."""
    if rule.yearly_cap is not None and rule.yearly_cap < 0:
        raise LedgerError(_(ERR_NEGATIVE_CAP))
    if rule.rule_set_id and rule.rule_set.frozen:
        raise LedgerError(_(ERR_YEAR_FROZEN) % {"year": rule.rule_set.year})


# --- entries -------------------------------------------------------------------------------


def rule_by_code(year: int, code: str) -> Rule:
    """The rule ``code`` of ``year``; a plausible year without rules gets the defaults."""
    if not 2000 <= year <= timezone.localdate().year + 1:
        raise LedgerError(_(ERR_YEAR_IMPLAUSIBLE) % {"year": year})
    rule_set = rule_set_for_year(year)
    rule = rule_set.rules.filter(code=str(code).strip().upper()).select_related("rule_set").first()
    if rule is None:
        raise LedgerError(_(ERR_UNKNOWN_RULE) % {"year": year, "code": code})
    return rule


def entry_check(*, deputy: Deputy, rule: Rule, occurred_on: date, future_ok: bool) -> None:
    year = rule.rule_set.year
    if occurred_on.year != year:
        raise LedgerError(
            _(ERR_DATE_OUTSIDE_YEAR) % {"date": occurred_on.isoformat(), "year": year}
        )
    if rule.rule_set.frozen:
        raise LedgerError(_(ERR_YEAR_FROZEN) % {"year": year})
    if not future_ok and occurred_on > timezone.localdate():
        raise LedgerError(_(ERR_DATE_IN_FUTURE))
    if (
        deputy.status != Status.SERVING
        and deputy.status_date is not None
        and occurred_on > deputy.status_date
    ):
        raise LedgerError(
            _(ERR_DEPUTY_LEFT) % {"deputy": deputy, "date": deputy.status_date.isoformat()}
        )


def evidence_validate(files: Sequence[UploadedFile]) -> None:
    for upload in files:
        try:
            for validator in EVIDENCE_VALIDATORS:
                validator(upload)
        except ValidationError as exc:
            raise LedgerError(f"{upload.name}：{' '.join(exc.messages)}") from exc


def _attach(entry: LedgerEntry, files: Sequence[UploadedFile]) -> None:
    for upload in files:
        EntryEvidence.objects.create(entry=entry, file=upload, name=upload.name[:200])


def ledger_credit(
    *,
    deputy: Deputy,
    rule_code: str,
    source: models.Model,
    occurred_on: date,
    title: str,
    description: str = "",
    actor: User | None = None,
) -> LedgerEntry:
    """Credit a deputy automatically for ``source`` (another app's object), verified at once.

    Idempotent per (deputy, rule, source object) through the unique constraint
    ``ledger_entry_once_per_source``: a repeated call returns the existing entry and writes
    nothing, also when two calls race (the loser's insert fails inside a savepoint).
    """
    rule = rule_by_code(occurred_on.year, rule_code)
    source_type = ContentType.objects.get_for_model(source)
    lookup = {"deputy": deputy, "rule": rule, "source_type": source_type, "source_id": source.pk}
    existing = LedgerEntry.objects.filter(**lookup).first()
    if existing is not None:
        return existing
    entry_check(deputy=deputy, rule=rule, occurred_on=occurred_on, future_ok=True)
    try:
        with transaction.atomic():
            entry = LedgerEntry.objects.create(
                **lookup,
                occurred_on=occurred_on,
                title=title[:200],
                description=description,
                source_kind=SourceKind.AUTOMATIC,
                status=EntryStatus.VERIFIED,
                reviewed_at=timezone.now(),
                created_by=actor if getattr(actor, "is_authenticated", False) else None,
            )
            audit_record(
                actor=actor,
                action="performance.ledger_credit",
                target=entry,
                summary=f"{deputy} {rule.code} {title}",
                data={"source": f"{source._meta.label_lower}:{source.pk}"},
            )
    except IntegrityError:
        return LedgerEntry.objects.get(**lookup)
    recompute_on_commit([occurred_on.year])
    return entry


@dataclass(frozen=True)
class Credit:
    """One automatic credit for :func:`ledger_credit_many`."""

    deputy: Deputy
    rule_code: str
    source: models.Model
    occurred_on: date
    title: str
    description: str = ""


@transaction.atomic
def ledger_credit_many(*, credits: Sequence[Credit], actor: User | None = None) -> int:
    """:func:`ledger_credit` for many sources at once, in a fixed number of queries (a closed
    roll of any size). The same unique constraint keeps it idempotent: a credit that already
    exists is skipped by the database (ON CONFLICT DO NOTHING). Returns how many were new."""
    rules: dict[tuple[int, str], Rule] = {}
    entries = []
    now = timezone.now()
    for credit in credits:
        key = (credit.occurred_on.year, credit.rule_code)
        if key not in rules:
            rules[key] = rule_by_code(*key)
        entry_check(
            deputy=credit.deputy, rule=rules[key], occurred_on=credit.occurred_on, future_ok=True
        )
        entries.append(
            LedgerEntry(
                deputy=credit.deputy,
                rule=rules[key],
                source_type=ContentType.objects.get_for_model(credit.source),
                source_id=credit.source.pk,
                occurred_on=credit.occurred_on,
                title=credit.title[:200],
                description=credit.description,
                source_kind=SourceKind.AUTOMATIC,
                status=EntryStatus.VERIFIED,
                reviewed_at=now,
                created_by=actor if getattr(actor, "is_authenticated", False) else None,
            )
        )
    if not entries:
        return 0
    by_type: dict[int, list[int]] = {}
    for entry in entries:
        by_type.setdefault(entry.source_type.pk, []).append(entry.source_id)
    sources = Q()
    for type_id, ids in by_type.items():
        sources |= Q(source_type_id=type_id, source_id__in=ids)
    existing = LedgerEntry.objects.filter(sources)
    counted = existing.count()
    LedgerEntry.objects.bulk_create(entries, ignore_conflicts=True)
    created = existing.count() - counted
    if created:
        audit_record(
            actor=actor,
            action="performance.ledger_credit_many",
            summary=_("自动记入履职记录 %(n)d 条") % {"n": created},
            data={
                "sources": sorted({f"{c.source._meta.label_lower}:{c.source.pk}" for c in credits})
            },
        )
        recompute_on_commit({c.occurred_on.year for c in credits})
    return created


@transaction.atomic
def entry_submit(
    *,
    deputy: Deputy,
    rule_code: str,
    occurred_on: date,
    title: str,
    description: str = "",
    place: str = "",
    files: Sequence[UploadedFile] = (),
    actor: User | None = None,
) -> LedgerEntry:
    """A deputy reports something they did; it waits for staff to verify it."""
    rule = rule_by_code(occurred_on.year, rule_code)
    entry_check(deputy=deputy, rule=rule, occurred_on=occurred_on, future_ok=False)
    if not rule.deputy_can_submit:
        raise LedgerError(_(ERR_RULE_NOT_SELF_SERVICE) % {"rule": rule})
    if rule.evidence_required and not files:
        raise LedgerError(_(ERR_EVIDENCE_REQUIRED) % {"rule": rule})
    evidence_validate(files)
    entry = LedgerEntry.objects.create(
        deputy=deputy,
        rule=rule,
        occurred_on=occurred_on,
        title=title[:200],
        description=description,
        place=place[:100],
        source_kind=SourceKind.DEPUTY,
        status=EntryStatus.PENDING,
        created_by=actor,
    )
    _attach(entry, files)
    audit_record(actor=actor, action="performance.entry_submit", target=entry, summary=title)
    return entry


@transaction.atomic
def entry_create(
    *,
    deputy: Deputy,
    rule_code: str,
    occurred_on: date,
    title: str,
    description: str = "",
    place: str = "",
    files: Sequence[UploadedFile] = (),
    verified: bool = True,
    actor: User | None = None,
) -> LedgerEntry:
    """Staff record an entry (verified unless they say otherwise)."""
    rule = rule_by_code(occurred_on.year, rule_code)
    entry_check(deputy=deputy, rule=rule, occurred_on=occurred_on, future_ok=False)
    evidence_validate(files)
    entry = LedgerEntry.objects.create(
        deputy=deputy,
        rule=rule,
        occurred_on=occurred_on,
        title=title[:200],
        description=description,
        place=place[:100],
        source_kind=SourceKind.STAFF,
        status=EntryStatus.VERIFIED if verified else EntryStatus.PENDING,
        reviewed_by=actor if verified else None,
        reviewed_at=timezone.now() if verified else None,
        created_by=actor,
    )
    _attach(entry, files)
    audit_record(actor=actor, action="performance.entry_create", target=entry, summary=title)
    if verified:
        recompute_on_commit([occurred_on.year])
    return entry


def recompute_on_commit(years: Iterable[int]) -> None:
    """Queue one recompute per year after the commit, however many writes asked for it."""
    from django.db import connection

    from .tasks import recompute_assessment

    queued = {getattr(fn, "performance_year", None) for _sp, fn, *_rest in connection.run_on_commit}
    for year in set(years) - queued:

        def run(year=year):
            try:
                recompute_assessment.delay(year)
            except Exception:  # broker down: the nightly recompute catches up
                logger.exception("performance: could not queue the %s recompute", year)

        run.performance_year = year
        transaction.on_commit(run)


def _open_entries(entries: QuerySet[LedgerEntry] | Iterable[LedgerEntry]) -> QuerySet:
    ids = entries.values("pk") if isinstance(entries, QuerySet) else [e.pk for e in entries]
    return LedgerEntry.objects.filter(pk__in=ids, rule__rule_set__frozen=False)


@transaction.atomic
def entries_verify(*, entries, actor: User | None = None) -> int:
    """Verify the pending entries among ``entries`` (entries of frozen years are skipped)."""
    qs = _open_entries(entries).filter(status=EntryStatus.PENDING)
    ids = list(qs.values_list("pk", flat=True))
    years = set(qs.values_list("rule__rule_set__year", flat=True))
    done = LedgerEntry.objects.filter(pk__in=ids).update(
        status=EntryStatus.VERIFIED, reviewed_by=actor, reviewed_at=timezone.now(), review_reason=""
    )
    if done:
        audit_record(
            actor=actor,
            action="performance.entries_verify",
            summary=_("核实履职记录 %(n)d 条") % {"n": done},
            data={"ids": ids},
        )
        recompute_on_commit(years)
    return done


@transaction.atomic
def entries_reject(*, entries, reason: str, actor: User | None = None) -> int:
    """Reject (or withdraw the verification of) entries, with a reason the deputy sees."""
    reason = (reason or "").strip()
    if not reason:
        raise LedgerError(_(ERR_REJECT_NEEDS_REASON))
    qs = _open_entries(entries).exclude(status=EntryStatus.REJECTED)
    ids = list(qs.values_list("pk", flat=True))
    years = set(qs.values_list("rule__rule_set__year", flat=True))
    done = LedgerEntry.objects.filter(pk__in=ids).update(
        status=EntryStatus.REJECTED,
        reviewed_by=actor,
        reviewed_at=timezone.now(),
        review_reason=reason[:200],
    )
    if done:
        _notify_rejected(ids, reason)
        audit_record(
            actor=actor,
            action="performance.entries_reject",
            summary=_("退回履职记录 %(n)d 条：%(r)s") % {"n": done, "r": reason},
            data={"ids": ids, "reason": reason},
        )
        recompute_on_commit(years)
    return done


def _notify_rejected(ids: list[int], reason: str) -> None:
    """One notification per deputy with a login: which entries came back, and why."""
    by_deputy: dict[int, list[LedgerEntry]] = {}
    for entry in LedgerEntry.objects.filter(pk__in=ids, deputy__user__isnull=False).select_related(
        "deputy__user"
    ):
        by_deputy.setdefault(entry.deputy_id, []).append(entry)
    for entries in by_deputy.values():
        first = entries[0]
        url = (
            reverse("performance:entry_detail", args=[first.pk])
            if len(entries) == 1
            else reverse("performance:my_ledger")
        )
        notification_send(
            recipient=first.deputy.user,
            kind=NOTIFY_REJECTED,
            title=_("%(n)d 条履职记录未通过审核") % {"n": len(entries)},
            body=_("退回理由：%(r)s。涉及：%(t)s。如有异议，可在履职档案中提出。")
            % {"r": reason, "t": "；".join(f"{e.occurred_on} {e.title}" for e in entries[:5])},
            url=url,
        )


# --- disputes ------------------------------------------------------------------------------


@transaction.atomic
def dispute_open(
    *,
    deputy: Deputy,
    kind: str,
    note: str,
    entry: LedgerEntry | None = None,
    rule_code: str = "",
    occurred_on: date | None = None,
    title: str = "",
    evidence: UploadedFile | None = None,
    actor: User | None = None,
) -> Dispute:
    """A deputy says an entry is wrong or duplicated, or that one is missing (错、重、漏)."""
    rule = None
    if kind == DisputeKind.MISSING:
        if not rule_code or occurred_on is None:
            raise LedgerError(_(ERR_DISPUTE_MISSING_NEEDS_RULE))
        rule = rule_by_code(occurred_on.year, rule_code)
        entry_check(deputy=deputy, rule=rule, occurred_on=occurred_on, future_ok=False)
        entry = None
    else:
        if entry is None:
            raise LedgerError(_(ERR_DISPUTE_NEEDS_ENTRY))
        if entry.deputy_id != deputy.pk:
            raise LedgerError(_(ERR_NOT_OWN_ENTRY))
        if entry.rule.rule_set.frozen:
            raise LedgerError(_(ERR_YEAR_FROZEN) % {"year": entry.rule.rule_set.year})
        if kind == DisputeKind.WRONG and rule_code:
            rule = rule_by_code(entry.occurred_on.year, rule_code)
        if Dispute.objects.filter(entry=entry, status=DisputeStatus.OPEN).exists():
            raise LedgerError(_(ERR_DISPUTE_OPEN))
    if evidence is not None:
        evidence_validate([evidence])
    try:
        with transaction.atomic():
            dispute = Dispute.objects.create(
                deputy=deputy,
                kind=kind,
                entry=entry,
                rule=rule,
                occurred_on=occurred_on if kind == DisputeKind.MISSING else None,
                title=title[:200],
                note=note,
                evidence=evidence or "",
            )
    except IntegrityError as exc:  # the same entry disputed twice at once
        raise LedgerError(_(ERR_DISPUTE_OPEN)) from exc
    audit_record(
        actor=actor, action="performance.dispute_open", target=dispute, summary=str(dispute)
    )
    return dispute


@transaction.atomic
def dispute_resolve(
    *, dispute: Dispute, accept: bool, resolution: str = "", actor: User | None = None
) -> Dispute:
    """Accepting corrects the ledger: a wrong entry is re-ruled (or withdrawn), a duplicate is
    withdrawn, a missing one is added verified. Rejecting needs a reason."""
    dispute = (
        Dispute.objects.select_for_update(of=("self",))
        .select_related("entry__rule__rule_set", "rule__rule_set", "deputy__user")
        .get(pk=dispute.pk)
    )
    if dispute.status != DisputeStatus.OPEN:
        raise LedgerError(_(ERR_DISPUTE_RESOLVED))
    resolution = (resolution or "").strip()
    if not accept and not resolution:
        raise LedgerError(_(ERR_REJECT_NEEDS_REASON))
    if accept:
        # The year may have been frozen since the dispute was raised; accepting would then
        # leave the ledger as it was while telling the deputy it was corrected.
        rule_set = (dispute.entry.rule if dispute.entry_id else dispute.rule).rule_set
        if rule_set.frozen:
            raise LedgerError(_(ERR_YEAR_FROZEN) % {"year": rule_set.year})
        reason = resolution or _("经核查采纳代表异议")
        if dispute.kind == DisputeKind.MISSING:
            ledger_credit(
                deputy=dispute.deputy,
                rule_code=dispute.rule.code,
                source=dispute,
                occurred_on=dispute.occurred_on,
                title=dispute.title or dispute.rule.name,
                description=dispute.note,
                actor=actor,
            )
            recompute_on_commit([dispute.occurred_on.year])
        elif dispute.kind == DisputeKind.WRONG and dispute.rule_id:
            entry = dispute.entry
            entry_check(
                deputy=entry.deputy,
                rule=dispute.rule,
                occurred_on=entry.occurred_on,
                future_ok=True,
            )
            entry.rule = dispute.rule
            entry.status = EntryStatus.VERIFIED
            entry.reviewed_by, entry.reviewed_at, entry.review_reason = (
                actor,
                timezone.now(),
                reason,
            )
            try:
                with transaction.atomic():
                    entry.save(
                        update_fields=[
                            "rule",
                            "status",
                            "reviewed_by",
                            "reviewed_at",
                            "review_reason",
                        ]
                    )
            except IntegrityError as exc:  # the same source already earned that rule
                raise LedgerError(_(ERR_DISPUTE_WOULD_DUPLICATE) % {"rule": dispute.rule}) from exc
            recompute_on_commit([entry.occurred_on.year])
        else:
            entries_reject(entries=[dispute.entry], reason=reason, actor=actor)
    dispute.status = DisputeStatus.ACCEPTED if accept else DisputeStatus.REJECTED
    dispute.resolution = resolution[:200]
    dispute.resolved_by = actor
    dispute.resolved_at = timezone.now()
    dispute.save(update_fields=["status", "resolution", "resolved_by", "resolved_at"])
    user = dispute.deputy.user
    if user is not None:
        notification_send(
            recipient=user,
            kind=NOTIFY_DISPUTE,
            title=_("您的积分异议已处理：%(s)s") % {"s": dispute.get_status_display()},
            body=resolution or dispute.get_kind_display(),
            url=reverse("performance:my_ledger"),
            dedupe_key=f"performance:dispute:{dispute.pk}:resolved",
        )
    audit_record(
        actor=actor,
        action="performance.dispute_resolve",
        target=dispute,
        summary=f"{dispute} → {dispute.get_status_display()}",
        data={"resolution": resolution},
    )
    return dispute


# --- publication ---------------------------------------------------------------------------


@transaction.atomic
def publication_publish(*, year: int, quarter: int, actor: User | None = None) -> Publication:
    """Publish the current score table to deputies (季度亮分); publishing a quarter again
    replaces its table."""
    if quarter not in (1, 2, 3, 4):
        raise LedgerError(_(ERR_BAD_QUARTER))
    today = timezone.localdate()
    if (year, quarter) > (today.year, (today.month - 1) // 3 + 1):
        raise LedgerError(_(ERR_QUARTER_NOT_STARTED) % {"year": year, "quarter": quarter})
    rule_set = RuleSet.objects.filter(year=year).first()
    if rule_set is None:  # publishing must not invent a year's rules
        raise LedgerError(_(ERR_NO_RULE_SET) % {"year": year})
    if not rule_set.frozen:
        assessment_compute(year=year, actor=actor)
    rows = [
        {
            "rank": a.rank,
            "code": a.deputy.code,
            "name": a.deputy.name,
            "level": a.deputy.get_level_display(),
            "base": str(a.base),
            "innovation": str(a.innovation),
            "contribution": str(a.contribution),
            "total": str(a.total),
            "duty_days": a.duty_days,
        }
        for a in standings(year)
    ]
    publication, _created = Publication.objects.update_or_create(
        year=year, quarter=quarter, defaults={"rows": rows, "published_by": actor}
    )
    audit_record(
        actor=actor,
        action="performance.publication_publish",
        target=publication,
        summary=str(publication),
        data={"rows": len(rows)},
    )
    return publication


# --- consequences --------------------------------------------------------------------------


@transaction.atomic
def decision_record(
    *,
    deputy: Deputy,
    year: int,
    kind: str,
    decision: str,
    note: str = "",
    actor: User | None = None,
) -> ConsequenceDecision:
    if decision not in DECISIONS_BY_KIND.get(kind, ()):
        raise LedgerError(
            _(ERR_DECISION_KIND)
            % {
                "decision": Decision(decision).label if decision in Decision.values else decision,
                "kind": ConsequenceKind(kind).label if kind in ConsequenceKind.values else kind,
            }
        )
    record, _created = ConsequenceDecision.objects.update_or_create(
        deputy=deputy,
        year=year,
        kind=kind,
        defaults={
            "decision": decision,
            "note": note,
            "decided_by": actor,
            "decided_on": timezone.localdate(),
        },
    )
    audit_record(
        actor=actor,
        action="performance.decision_record",
        target=record,
        summary=f"{deputy} {record}",
    )
    return record


# --- activities and menu-style supervision -------------------------------------------------


@transaction.atomic
def topic_publish(*, topics: QuerySet[SupervisionTopic], actor: User | None = None) -> int:
    ids = list(topics.filter(published_at__isnull=True).values_list("pk", flat=True))
    done = SupervisionTopic.objects.filter(pk__in=ids).update(published_at=timezone.now())
    if done:
        audit_record(
            actor=actor,
            action="performance.topic_publish",
            summary=_("发布监督菜单议题 %(n)d 项") % {"n": done},
            data={"ids": ids},
        )
    return done


@transaction.atomic
def topic_signup(
    *, topic: SupervisionTopic, deputy: Deputy, actor: User | None = None, withdraw: bool = False
) -> bool:
    """Sign a deputy up for a published topic (or withdraw); returns whether anything changed."""
    if topic.published_at is None:
        raise LedgerError(_(ERR_TOPIC_NOT_PUBLISHED))
    if topic.year < timezone.localdate().year:
        raise LedgerError(_(ERR_TOPIC_PAST) % {"year": topic.year})
    if withdraw:
        changed = TopicSignup.objects.filter(topic=topic, deputy=deputy).delete()[0] > 0
    else:
        changed = TopicSignup.objects.get_or_create(topic=topic, deputy=deputy)[1]
    if changed:
        audit_record(
            actor=actor,
            action="performance.topic_withdraw" if withdraw else "performance.topic_signup",
            target=topic,
            summary=f"{deputy} {topic}",
        )
    return changed


@transaction.atomic
def activity_roll_add(
    *, activity: Activity, deputies: QuerySet[Deputy], actor: User | None = None
) -> int:
    """Put deputies (e.g. a professional group, or every deputy of a level) on the roll as
    present; those already on it are left as they are. Returns how many were added."""
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    if activity.roll_closed_at is not None:
        raise LedgerError(_(ERR_ROLL_CLOSED))
    on_roll = set(activity.attendances.values_list("deputy_id", flat=True))
    added = Attendance.objects.bulk_create(
        [
            Attendance(activity=activity, deputy_id=pk)
            for pk in deputies.values_list("pk", flat=True)
            if pk not in on_roll
        ],
        ignore_conflicts=True,
    )
    if added:
        audit_record(
            actor=actor,
            action="performance.activity_roll_add",
            target=activity,
            summary=_("%(a)s 增加参加代表 %(n)d 人") % {"a": activity, "n": len(added)},
        )
    return len(added)


@transaction.atomic
def activity_close_roll(*, activity: Activity, actor: User | None = None) -> int:
    """Close the attendance roll: present deputies are credited under the activity's rule,
    unexcused absences get the B07 deduction. Safe to repeat (credits are idempotent)."""
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    if activity.roll_closed_at is not None:
        raise LedgerError(_(ERR_ROLL_CLOSED))
    attendances = list(activity.attendances.select_related("deputy"))
    if not attendances:
        raise LedgerError(_(ERR_ROLL_EMPTY))
    if activity.occurred_on > timezone.localdate():
        raise LedgerError(_(ERR_ACTIVITY_NOT_HELD) % {"date": activity.occurred_on.isoformat()})
    credits = [
        Credit(
            deputy=attendance.deputy,
            rule_code=activity.rule_code if present else ABSENCE_RULE,
            source=attendance,
            occurred_on=activity.occurred_on,
            title=activity.title if present else _("无故缺席：%(t)s") % {"t": activity.title},
            description=activity.place,
        )
        for attendance in attendances
        if attendance.status != AttendanceStatus.EXCUSED
        for present in [attendance.status == AttendanceStatus.PRESENT]
    ]
    ledger_credit_many(credits=credits, actor=actor)
    credited = len(credits)
    activity.roll_closed_at = timezone.now()
    activity.save(update_fields=["roll_closed_at"])
    audit_record(
        actor=actor,
        action="performance.activity_close_roll",
        target=activity,
        summary=_("%(a)s 结束点名，记入 %(n)d 人次") % {"a": activity, "n": credited},
    )
    recompute_on_commit([activity.occurred_on.year])
    return credited


# --- report to voters ----------------------------------------------------------------------


@transaction.atomic
def voter_report_plan_create(
    *,
    year: int,
    share: Decimal | float = Decimal("0.2"),
    actor: User | None = None,
    today: date | None = None,
) -> VoterReportPlan:
    """Pick at least ``share`` of the deputies serving in ``year`` to report to their voters,
    those who have not yet reported in their current term first (then the longest ago)."""
    if VoterReportPlan.objects.filter(year=year).exists():
        raise LedgerError(_(ERR_PLAN_EXISTS) % {"year": year})
    serving = serving_deputies(year, today)
    total = serving.count()
    if not total:
        raise LedgerError(_(ERR_NO_DEPUTIES) % {"year": year})
    done = [ReportStatus.HELD, ReportStatus.VERIFIED]
    reported_this_term = VoterReport.objects.filter(
        deputy=OuterRef("pk"),
        status__in=done,
        plan__year__gte=OuterRef("term__start_date__year"),
        plan__year__lte=OuterRef("term__end_date__year"),
    )
    chosen = list(
        serving.annotate(
            reported=Exists(reported_this_term),
            last_reported=Max(
                "voter_reports__plan__year", filter=Q(voter_reports__status__in=done)
            ),
        )
        .order_by("reported", F("last_reported").asc(nulls_first=True), "code")
        .values_list("pk", flat=True)[: math.ceil(Decimal(str(share)) * total)]
    )
    try:
        with transaction.atomic():
            plan = VoterReportPlan.objects.create(year=year, created_by=actor)
    except IntegrityError as exc:  # another request made the plan meanwhile
        raise LedgerError(_(ERR_PLAN_EXISTS) % {"year": year}) from exc
    VoterReport.objects.bulk_create(VoterReport(plan=plan, deputy_id=pk) for pk in chosen)
    audit_record(
        actor=actor,
        action="performance.voter_report_plan_create",
        target=plan,
        summary=_("%(year)s 年度述职计划：%(n)d / %(t)d 名代表")
        % {"year": year, "n": len(chosen), "t": total},
    )
    return plan


def voter_report_date_check(*, year: int, held_on: date) -> None:
    """A report to voters is held within its plan's year, and not in the future."""
    if held_on.year != year or held_on > timezone.localdate():
        raise LedgerError(_(ERR_REPORT_DATE) % {"year": year})


def voter_report_counts_check(
    *, voters_present: int, satisfied: int, basically_satisfied: int, unsatisfied: int
) -> None:
    """The evaluation votes cannot outnumber the voters present (when that is known)."""
    votes = satisfied + basically_satisfied + unsatisfied
    if voters_present and votes > voters_present:
        raise LedgerError(_(ERR_REPORT_COUNTS) % {"n": votes, "v": voters_present})


@transaction.atomic
def voter_report_record(
    *,
    report: VoterReport,
    held_on: date,
    place: str = "",
    voters_present: int = 0,
    satisfied: int = 0,
    basically_satisfied: int = 0,
    unsatisfied: int = 0,
    actor: User | None = None,
) -> VoterReport:
    """Record the meeting and the voters' evaluation (满意 / 基本满意 / 不满意 counts)."""
    report = VoterReport.objects.select_for_update().select_related("plan").get(pk=report.pk)
    if report.status == ReportStatus.VERIFIED:
        raise LedgerError(_(ERR_REPORT_VERIFIED))
    voter_report_date_check(year=report.plan.year, held_on=held_on)
    voter_report_counts_check(
        voters_present=voters_present,
        satisfied=satisfied,
        basically_satisfied=basically_satisfied,
        unsatisfied=unsatisfied,
    )
    report.held_on, report.place = held_on, place[:100]
    report.voters_present = voters_present
    report.satisfied, report.basically_satisfied = satisfied, basically_satisfied
    report.unsatisfied = unsatisfied
    report.status = ReportStatus.HELD
    report.save()
    audit_record(
        actor=actor,
        action="performance.voter_report_record",
        target=report,
        summary=_("%(r)s：满意 %(s)d，基本满意 %(b)d，不满意 %(u)d")
        % {"r": report, "s": satisfied, "b": basically_satisfied, "u": unsatisfied},
    )
    return report


@transaction.atomic
def voter_report_verify(*, report: VoterReport, actor: User | None = None) -> LedgerEntry:
    """Confirm a held report; the deputy is credited B06 once."""
    report = (
        VoterReport.objects.select_for_update().select_related("deputy", "plan").get(pk=report.pk)
    )
    if report.held_on is None:
        raise LedgerError(_(ERR_REPORT_NOT_HELD))
    entry = ledger_credit(
        deputy=report.deputy,
        rule_code="B06",
        source=report,
        occurred_on=report.held_on,
        title=_("向选民述职（满意 %(s)d，基本满意 %(b)d，不满意 %(u)d）")
        % {"s": report.satisfied, "b": report.basically_satisfied, "u": report.unsatisfied},
        description=report.place,
        actor=actor,
    )
    if report.status != ReportStatus.VERIFIED:
        report.status = ReportStatus.VERIFIED
        report.verified_by, report.verified_at = actor, timezone.now()
        report.save(update_fields=["status", "verified_by", "verified_at"])
        audit_record(
            actor=actor,
            action="performance.voter_report_verify",
            target=report,
            summary=str(report),
        )
        recompute_on_commit([report.held_on.year])
    return entry
