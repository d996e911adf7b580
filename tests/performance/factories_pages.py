"""Helpers for the deputy pages' tests: entries of the current year, evidence uploads."""

from django.core.files.uploadedfile import SimpleUploadedFile

from core import clock
from performance.models import EntryEvidence, EntryStatus
from tests.performance.factories import LedgerEntryFactory, rule_set

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)


def this_year() -> int:
    return clock.today().year


def current_rules():
    return rule_set(this_year())


def png(name: str = "photo.png", size: int | None = None) -> SimpleUploadedFile:
    content = PNG if size is None else PNG + b"\0" * (size - len(PNG))
    return SimpleUploadedFile(name, content, content_type="image/png")


def entry(deputy, code: str = "B01", status: str = EntryStatus.VERIFIED, **kwargs):
    """An entry of the current year (early January, so never in the future)."""
    year = kwargs.pop("year", this_year())
    rule_set(year)
    kwargs.setdefault("occurred_on", clock.today().replace(year=year, month=1, day=2))
    if status == EntryStatus.PENDING:
        kwargs.setdefault("reviewed_at", None)
    return LedgerEntryFactory(deputy=deputy, code=code, year=year, status=status, **kwargs)


def evidence(for_entry, name: str = "photo.png") -> EntryEvidence:
    return EntryEvidence.objects.create(entry=for_entry, file=png(name), name=name)
