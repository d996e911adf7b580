"""The issue's "done when", in the suite: ``scripts/api_smoke.sh`` (curl only) signs in as a
deputy against a live server, reads the score, submits an entry with a photo and sees it
pending, then logs out."""

import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

from core import clock
from performance.models import EntryEvidence, EntryStatus, LedgerEntry
from tests.accounts.factories import PASSWORD
from tests.deputies.factories import DeputyWithUserFactory
from tests.performance.factories import rule_set

SCRIPT = Path(settings.BASE_DIR) / "scripts" / "api_smoke.sh"


@pytest.fixture
def reference_data(transactional_db):
    """As tests/browser: a flush by an earlier transactional test may have taken the role
    groups; the shared cache's table (rate limits) outlives flushes, so empty it."""
    from django.contrib.auth.models import Group
    from django.core.cache import caches

    from accounts.roles import Role, sync_staff_permissions

    caches["shared"].clear()
    for role in Role:
        Group.objects.get_or_create(name=role.value)
    sync_staff_permissions()


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_the_curl_script_submits_an_entry_with_a_photo(reference_data, live_server):
    rule_set(clock.today().year)
    deputy = DeputyWithUserFactory()
    run = subprocess.run(
        ["sh", str(SCRIPT), live_server.url, deputy.user.username, PASSWORD],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.rstrip().endswith("OK")
    entry = LedgerEntry.objects.get(deputy=deputy)
    assert entry.status == EntryStatus.PENDING
    assert EntryEvidence.objects.get(entry=entry).name == "photo.png"
