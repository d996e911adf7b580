"""Uploaded files: stored under names nobody can guess, and within a budget per request and per
user per day (issue #11).

Names: the stored file is ``<prefix>/<year>/<random hex><ext>``; the name the user gave is kept
on the row (``name`` fields) for downloads, which go through role-checked views only. A name
built from the upload (``ledger/2026/05/体检报告.pdf``) could be guessed and, wherever media were
served directly, fetched by anyone.

Budget: one submission may carry at most ``LVZHI_UPLOAD_MAX_PER_REQUEST_MB`` in all, and one
account at most ``LVZHI_UPLOAD_MAX_PER_USER_DAY_MB`` a day (counted in the shared cache, so
every worker process sees the same total; a cache that is down lets the upload through).
"""

import logging
import uuid
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from . import clock
from .ratelimit import shared_cache

logger = logging.getLogger(__name__)

DAY = 24 * 3600
MB = 1024 * 1024
ERR_REQUEST_TOO_BIG = gettext_noop(
    "本次上传的文件合计 %(got).1f MB，超过每次 %(mb)d MB 的上限，请删减后再提交。"
)
ERR_DAY_TOO_BIG = gettext_noop(
    "您今天已上传 %(used).1f MB，再上传 %(got).1f MB 将超过每天 %(mb)d MB 的上限，请明天再传。"
)


@deconstructible
class RandomName:
    """``upload_to`` that keeps only the extension of the uploaded name."""

    def __init__(self, prefix: str):
        self.prefix = prefix.strip("/")

    def __call__(self, instance, filename: str) -> str:
        suffix = Path(filename).suffix.lower()[:10]
        year = clock.today().year
        return f"{self.prefix}/{year}/{uuid.uuid4().hex}{suffix}"

    def __eq__(self, other) -> bool:
        return isinstance(other, RandomName) and other.prefix == self.prefix


def _day_key(user_id: int, now: datetime) -> str:
    return f"upload-bytes:{user_id}:{clock.day_of(now).isoformat()}"


def upload_budget_check(files: Iterable, *, user=None, now: datetime | None = None) -> int:
    """Refuse ``files`` (uploads with a ``size``) past the per-request or the user's daily
    budget with a ``ValidationError`` in the user's language; otherwise count them against the
    user's day and return their total bytes. Call it once per submission, after each file's own
    checks (type, size)."""
    total = sum(getattr(f, "size", 0) or 0 for f in files)
    if not total:
        return 0
    per_request = settings.LVZHI_UPLOAD_MAX_PER_REQUEST_MB
    if total > per_request * MB:
        raise ValidationError(
            _(ERR_REQUEST_TOO_BIG) % {"got": total / MB, "mb": per_request}, code="too_big"
        )
    if user is None or not getattr(user, "is_authenticated", False):
        return total
    per_day = settings.LVZHI_UPLOAD_MAX_PER_USER_DAY_MB
    key = _day_key(user.pk, now or clock.now())
    cache = shared_cache()
    try:
        used = cache.get(key) or 0
        if used + total > per_day * MB:
            raise ValidationError(
                _(ERR_DAY_TOO_BIG) % {"used": used / MB, "got": total / MB, "mb": per_day},
                code="day_too_big",
            )
        if not cache.add(key, total, DAY):
            cache.incr(key, total)
    except ValidationError:
        raise
    except Exception:  # a cache that is down must not refuse the upload
        logger.exception("upload budget: cache unavailable, upload allowed")
    return total


def form_upload_budget(form, field: str, user) -> bool:
    """After ``form.is_valid()``: count the field's files against ``user``'s day; on refusal the
    error goes on the field (the user's text stays in the form) and the answer is False."""
    try:
        upload_budget_check(form.cleaned_data.get(field) or [], user=user)
    except ValidationError as exc:
        form.add_error(field, exc)
        return False
    return True
