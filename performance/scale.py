"""Scale ledger: ``context.entries_per_deputy`` entries for every deputy (the demo's too) over
the current year and the two before, in every status, with evidence rows; the three years'
rule sets loaded with the defaults; and, once the suggestions have credited C01/C02, the annual
assessment computed for the three years so the pages show scores.

Entries are bulk-created, dated while the deputy held office (``context.data
["deputy_windows"]``, from the roster hook) and never after today. Pending entries are recent
ones of the current year; every rejected one has a reason; automatic rules (述职, 缺席, 建议)
are left to the objects that earn them. Evidence rows all point at one small placeholder image
(written once), so a hundred thousand entries need no hundred thousand files.

A year that ``seed_demo`` froze is reopened with a reason (the audit row says why) and frozen
again after the recompute, as staff would correct a closed year.
"""

from datetime import date, datetime, time, timedelta

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from core import clock
from core.scale import ScaleContext
from deputies.models import Deputy

from .demo import PLACES, REJECT_REASONS, TITLES, _photo
from .models import EntryEvidence, EntryStatus, LedgerEntry, RuleSet, SourceKind
from .scoring import assessment_compute, rule_set_freeze, rule_set_unfreeze
from .services import rule_set_load_defaults

BATCH = 2000
DEPUTIES_PER_CHUNK = 200
# How often each rule a person records comes up (the automatic ones B06, B07, C01, C02 are
# earned by voter reports, activity rolls and suggestions, not typed in).
RULE_WEIGHTS = {
    "B01": 25, "B02": 15, "B03": 15, "B04": 15, "B05": 8, "I01": 4, "I02": 3, "I03": 3,
    "I04": 2, "C03": 7, "C04": 3,
}  # fmt: skip
PENDING_SHARE = 0.12  # of the current year's entries in the last three months
REJECTED_SHARE = 0.03
EVIDENCE_SHARE = 0.15  # of entries whose rule does not require evidence
EVIDENCE_FILE = "ledger/scale/placeholder.png"
EVIDENCE_NAMES = ["现场照片.png", "签到表.png", "活动记录.png"]
UNFREEZE_REASON = "generate_scale_data：补充规模测试数据后重新计算并封存"


def generate(context: ScaleContext) -> None:
    rng = context.rng_for("performance")
    today = context.today
    refreeze = []
    for year in context.years:
        rule_set = RuleSet.objects.filter(year=year).first()
        if rule_set is not None and rule_set.frozen:
            rule_set_unfreeze(year=year, reason=UNFREEZE_REASON)
            refreeze.append(year)
        rule_set_load_defaults(year=year)
    context.data["refreeze_years"] = refreeze
    rules = _rules(context.years)
    _placeholder()

    deputies: list[Deputy] = context.data["deputies"]
    windows = context.data["deputy_windows"]
    staff_user = context.data["staff_user"]
    now = clock.now()
    forced = [EntryStatus.PENDING, EntryStatus.REJECTED, EntryStatus.VERIFIED]
    codes, weights = list(RULE_WEIGHTS), list(RULE_WEIGHTS.values())
    for start in range(0, len(deputies), DEPUTIES_PER_CHUNK):
        entries, evidence_counts = [], []
        for deputy in deputies[start : start + DEPUTIES_PER_CHUNK]:
            spans = _active_spans(windows[deputy.pk], context.years, today)
            days_active = sum((last - first).days + 1 for first, last in spans)
            if not days_active:
                continue
            for _i in range(context.entries_per_deputy):
                offset = rng.randrange(days_active)
                for first, last in spans:
                    length = (last - first).days + 1
                    if offset < length:
                        day = first + timedelta(days=offset)
                        break
                    offset -= length
                rule = rules[(day.year, rng.choices(codes, weights)[0])]
                status = _status(rng, day, today)
                if forced and day.year == today.year:
                    status = forced.pop(0)
                entries.append(_entry(rng, deputy, rule, day, status, staff_user, now))
                wanted = rule.evidence_required or rng.random() < EVIDENCE_SHARE
                evidence_counts.append(rng.randint(1, 2) if wanted else 0)
        LedgerEntry.objects.bulk_create(entries, batch_size=BATCH)
        EntryEvidence.objects.bulk_create(
            [
                EntryEvidence(entry_id=entry.pk, file=EVIDENCE_FILE, name=EVIDENCE_NAMES[k])
                for entry, count in zip(entries, evidence_counts, strict=True)
                for k in range(count)
            ],
            batch_size=BATCH,
        )


def finish(context: ScaleContext) -> None:
    """Score the three years (with the suggestions' credits in), then close again the years
    that were closed before."""
    assessed = {}
    for year in context.years:
        assessed[year] = assessment_compute(year=year, today=context.today).assessed
    for year in context.data.get("refreeze_years", []):
        rule_set_freeze(year=year)
    context.data["assessed"] = assessed


def _rules(years: list[int]) -> dict:
    return {
        (rule_set.year, rule.code): rule
        for rule_set in RuleSet.objects.filter(year__in=years).prefetch_related("rules")
        for rule in rule_set.rules.all()
    }


def _active_spans(
    window: tuple[date, date | None], years: list[int], today: date
) -> list[tuple[date, date]]:
    """The days of each year the deputy was in office, up to today."""
    start, end = window
    spans = []
    for year in years:
        first = max(date(year, 1, 1), start)
        last = min(date(year, 12, 31), today, end or today)
        if first <= last:
            spans.append((first, last))
    return spans


def _status(rng, day: date, today: date) -> str:
    if day.year == today.year and (today - day).days < 90 and rng.random() < PENDING_SHARE:
        return EntryStatus.PENDING
    return EntryStatus.REJECTED if rng.random() < REJECTED_SHARE else EntryStatus.VERIFIED


def _entry(rng, deputy, rule, day, status, staff_user, now) -> LedgerEntry:
    by_deputy = rule.deputy_can_submit and deputy.user_id and rng.random() < 0.5
    reviewed_at = None
    if status != EntryStatus.PENDING:
        reviewed_on = day + timedelta(days=rng.randint(0, 14))
        moment = datetime.combine(reviewed_on, time(9 + rng.randint(0, 8), rng.randint(0, 59)))
        reviewed_at = min(timezone.make_aware(moment), now)
    title = rng.choice(TITLES[rule.code])
    return LedgerEntry(
        deputy=deputy,
        rule=rule,
        occurred_on=day,
        title=title,
        description=f"{title}，记录于{day.isoformat()}。",
        place=rng.choice(PLACES),
        source_kind=SourceKind.DEPUTY if by_deputy else SourceKind.STAFF,
        status=status,
        reviewed_by=staff_user if reviewed_at else None,
        reviewed_at=reviewed_at,
        review_reason=rng.choice(REJECT_REASONS) if status == EntryStatus.REJECTED else "",
        created_by=deputy.user if by_deputy else staff_user,
    )


def _placeholder() -> None:
    """The one small image every evidence row points at."""
    if not default_storage.exists(EVIDENCE_FILE):
        default_storage.save(EVIDENCE_FILE, ContentFile(_photo("scale evidence")))
