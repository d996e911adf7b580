"""Phone numbers: masked wherever they leave the database, except where staff ask for them.

Why
    Deputies', residents' and visitors' mobile numbers are personal data. Exports, printouts
    and pages show them as ``138****5678``; staff may ask for the full value (an export option,
    a reveal button), and each such request leaves an audit row (``export_record``,
    ``phone_reveal_record``). A deputy sees their own number in full on their own profile.

Logs
    No log line may carry a number, whoever writes it (Django's SQL debug log dumps query
    parameters, an exception message quotes a row). ``PhoneMaskFilter`` is named in
    ``LOGGING``; building it installs ``install_log_guard``, a log record factory that formats
    each record's message (and its traceback) and masks every mainland mobile number in it
    before any handler sees the record, so every handler (console, file, test capture, mail)
    gets the masked text. Records are created only for enabled levels, so the eager
    formatting costs nothing for the lines nobody writes.

This module imports nothing from the apps: the logging setup loads it before they are ready.
"""

import logging
import re
import traceback
from typing import Any

# An 11-digit mainland mobile number as people write it: optionally +86/86 first, optionally
# split 3-4-4 by a space or hyphen, not part of a longer run of digits.
PHONE_IN_TEXT = re.compile(r"(?<![\d+])(?:\+?86[- ]?)?(1\d{2})[- ]?(\d{4})[- ]?(\d{4})(?!\d)")
_NOT_DIGIT = re.compile(r"\D")


def mask_phone(value: Any) -> str:
    """``13912345678`` → ``139****5678``; shorter numbers keep only their last two digits.
    The middle is hidden whatever the input, so a masked value never gives a number away."""
    digits = _NOT_DIGIT.sub("", str(value or ""))
    if not digits:
        return ""
    if len(digits) >= 7:
        return f"{digits[:3]}****{digits[-4:]}"
    return f"****{digits[-2:]}"


def mask_phones_in(text: str) -> str:
    """Every mobile number written anywhere in ``text`` masked, the rest unchanged."""
    return PHONE_IN_TEXT.sub(lambda m: f"{m.group(1)}****{m.group(3)}", text)


# --- logs -----------------------------------------------------------------------------------

_guarded_factory = None


def _mask_record(record: logging.LogRecord) -> logging.LogRecord:
    """Format the message once, masked, so no handler can format the raw arguments again."""
    if getattr(record, "_phones_masked", False):
        return record
    try:
        message = record.getMessage()
    except Exception:  # a broken format string: leave it to the handler to report
        return record
    record.msg = mask_phones_in(message)
    record.args = None
    if isinstance(record.exc_info, tuple) and record.exc_info[0] and not record.exc_text:
        record.exc_text = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
    if record.exc_text:
        record.exc_text = mask_phones_in(record.exc_text)
    if record.stack_info:
        record.stack_info = mask_phones_in(record.stack_info)
    record._phones_masked = True
    return record


def install_log_guard() -> None:
    """Wrap the log record factory once, so every record of every logger is masked."""
    global _guarded_factory
    current = logging.getLogRecordFactory()
    if current is _guarded_factory:
        return
    inner = current

    def factory(*args, **kwargs):
        return _mask_record(inner(*args, **kwargs))

    _guarded_factory = factory
    logging.setLogRecordFactory(factory)


class PhoneMaskFilter(logging.Filter):
    """Named in ``LOGGING``: installs the record factory when logging is configured, and masks
    a record created before that (belt and braces) on its handler."""

    def __init__(self, name: str = ""):
        super().__init__(name)
        install_log_guard()

    def filter(self, record: logging.LogRecord) -> bool:
        _mask_record(record)
        return True


# --- audit ------------------------------------------------------------------------------------


def export_record(
    *,
    actor,
    export: str,
    count: int,
    full_phones: bool = False,
    filters: dict[str, Any] | None = None,
    summary: str = "",
) -> None:
    """One audit row for an export of personal data: who, which export (the action name, e.g.
    ``deputies.roster_export``), how many rows, the filters and whether full phones were in
    it. An actor that is not a saved user (a benchmark's stand-in) is recorded as the system."""
    from core.audit import audit_record

    audit_record(
        actor=actor if getattr(actor, "pk", None) else None,
        action=export,
        summary=summary,
        data={"count": count, "full_phones": full_phones, "filters": filters or {}},
    )


def phone_reveal_record(*, actor, target, field: str) -> None:
    """One audit row each time staff ask to see a full number on a page."""
    from core.audit import audit_record

    audit_record(
        actor=actor,
        action="privacy.phone_reveal",
        target=target,
        summary=f"{target._meta.verbose_name} {field}",
        data={"field": field},
    )
