"""History (core.history): old and new values of every change to a tracked record, whoever
makes it and however (admin form, admin delete, bulk update, site, task, command)."""

import re
from datetime import date
from pathlib import Path

import pytest
from celery import shared_task
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.models import User
from accounts.roles import Role
from core import history
from core.admin_history import HistoryAdminMixin
from core.history_queryset import AuditedQuerySet, is_guarded
from core.models import AuditEvent
from deputies.models import Deputy
from performance.models import LedgerEntry, SupervisionTopic, TopicSignup
from suggestions.models import PublicRating, Suggestion
from tests.accounts.factories import UserFactory
from tests.core.admin_forms import admin_post_data
from tests.deputies.factories import DeputyFactory
from tests.performance.factories import LedgerEntryFactory
from tests.suggestions.factories import SuggestionFactory

pytestmark = pytest.mark.django_db

CHANGE = "admin:deputies_deputy_change"
PHONE, NEW_PHONE = "13812341234", "13987655678"


def rows(obj, action=None):
    found = AuditEvent.objects.filter(
        target_type=obj._meta.label_lower, target_id=str(obj.pk), action__startswith="history."
    )
    return list(found.filter(action=action) if action else found)


def test_an_admin_edit_of_status_and_phone_records_old_and_new_with_the_phone_masked(
    staff_client, staff_user
):
    deputy = DeputyFactory(mobile=PHONE)
    AuditEvent.objects.all().delete()
    url = reverse(CHANGE, args=[deputy.pk])
    data = admin_post_data(staff_client.get(url))
    data.update(
        mobile=NEW_PHONE, status="resigned", status_date="2025-06-30", status_reason="工作调动"
    )
    response = staff_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors

    [row] = rows(deputy, history.UPDATE)
    assert row.changes["status"] == ["在任", "辞职"]
    assert row.changes["mobile"] == ["138****1234", "139****5678"]
    assert row.changes["status_date"] == [None, "2025-06-30"]
    assert (row.actor, row.source) == (staff_user, "admin")
    assert "状态 在任 → 辞职" in row.summary and deputy.name in row.summary
    # No full number anywhere in the audit table.
    for stored in AuditEvent.objects.all():
        text = f"{stored.summary}{stored.changes}{stored.data}"
        assert PHONE not in text and NEW_PHONE not in text


def test_the_admin_history_page_shows_old_and_new_values_actor_and_source(staff_client, staff_user):
    deputy = DeputyFactory(mobile=PHONE, workplace="街道办")
    url = reverse(CHANGE, args=[deputy.pk])
    data = admin_post_data(staff_client.get(url))
    data["workplace"] = "区教育局"
    assert staff_client.post(url, data).status_code == 302

    page = staff_client.get(reverse("admin:deputies_deputy_history", args=[deputy.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert "工作单位" in body and "街道办" in body and "区教育局" in body
    assert "管理后台" in body and staff_user.get_username() in body
    assert PHONE not in body
    # An odd page number is the last page, not an error.
    assert staff_client.get(page.wsgi_request.path + "?p=x9").status_code == 200


def test_an_admin_delete_of_a_public_rating_records_the_old_values(staff_client, staff_user):
    rating = PublicRating.objects.create(
        suggestion=SuggestionFactory(), score=2, comment="不满意", device_token="dev-1"
    )
    pk = rating.pk
    url = reverse("admin:suggestions_publicrating_delete", args=[pk])
    response = staff_client.post(url, {"post": "yes"})
    assert response.status_code == 302 and not PublicRating.objects.filter(pk=pk).exists()

    [row] = AuditEvent.objects.filter(
        action=history.DELETE, target_type="suggestions.publicrating", target_id=str(pk)
    )
    assert row.changes["score"] == ["2", None]
    assert row.changes["comment"] == ["不满意", None]
    assert "device_token" not in row.changes  # who rated stays out of the audit table
    assert (row.actor, row.source) == (staff_user, "admin")


def test_a_bulk_update_records_one_row_per_changed_object_in_constant_queries(
    django_assert_num_queries,
):
    entries = [LedgerEntryFactory(title=f"活动{n}") for n in range(3)]
    unchanged = LedgerEntryFactory(title="早已如此")
    LedgerEntry.objects.filter(pk=unchanged.pk).update(title="不变")
    before = AuditEvent.objects.count()
    pks = [e.pk for e in entries] + [unchanged.pk]

    with django_assert_num_queries(3):  # read old values, UPDATE, one INSERT of the rows
        updated = LedgerEntry.objects.filter(pk__in=pks).update(title="不变")
    assert updated == 4
    assert AuditEvent.objects.count() == before + 3  # the row that already said 不变: none
    for entry in entries:
        [row] = rows(entry, history.UPDATE)[:1]
        assert row.changes == {"title": [entry.title, "不变"]}


def test_a_bulk_update_with_expressions_and_bulk_update_record_old_and_new():
    from django.db.models import F, Value
    from django.db.models.functions import Concat

    suggestions = [SuggestionFactory(title=f"建议{n}") for n in range(2)]
    Suggestion.objects.filter(pk__in=[s.pk for s in suggestions]).update(
        title=Concat(F("title"), Value("（修订）"))
    )
    for suggestion in suggestions:
        [row] = rows(suggestion, history.UPDATE)
        assert row.changes["title"] == [suggestion.title, f"{suggestion.title}（修订）"]

    entries = [LedgerEntryFactory(title="旧标题") for _ in range(2)]
    for entry in entries:
        entry.title = "新标题"
    LedgerEntry.objects.bulk_update(entries, ["title"])
    for entry in entries:
        [row] = rows(entry, history.UPDATE)
        assert row.changes == {"title": ["旧标题", "新标题"]}


def test_a_save_that_changes_nothing_records_nothing():
    deputy = DeputyFactory()
    entry = LedgerEntryFactory()
    before = AuditEvent.objects.count()
    Deputy.objects.get(pk=deputy.pk).save()
    LedgerEntry.objects.get(pk=entry.pk).save()
    LedgerEntry.objects.filter(pk=entry.pk).update(title=entry.title)
    assert AuditEvent.objects.count() == before


def test_creates_and_cascaded_deletes_are_recorded():
    entry = LedgerEntryFactory(title="入户走访")
    [created] = rows(entry, history.CREATE)
    assert created.changes["title"] == [None, "入户走访"]
    rating = PublicRating.objects.create(suggestion=SuggestionFactory(), score=5, device_token="d")
    suggestion_pk = rating.suggestion.pk
    rating.suggestion.delete()  # the rating goes with the suggestion (CASCADE): both recorded
    assert rows(rating, history.DELETE)
    assert AuditEvent.objects.filter(
        action=history.DELETE, target_type="suggestions.suggestion", target_id=str(suggestion_pk)
    ).exists()


def test_roles_added_to_and_removed_from_a_user_are_recorded(staff_client, staff_user):
    user = UserFactory(username="zhang", full_name="张三")
    staff, deputy_group = (Group.objects.get(name=r.value) for r in (Role.STAFF, Role.DEPUTY))
    user.groups.add(staff, deputy_group)
    user.groups.remove(staff)
    changes = [row.changes["groups"] for row in reversed(rows(user, history.UPDATE))]
    both = "、".join(sorted([staff.name, deputy_group.name]))
    assert changes == [["", both], [both, deputy_group.name]]
    # From the other side (a group's users) the user's row records it too.
    staff.user_set.add(user)
    assert rows(user, history.UPDATE)[0].changes["groups"] == [deputy_group.name, both]


def test_passwords_and_last_logins_are_never_recorded():
    user = UserFactory()
    user.set_password("another-long-password-1")
    user.last_login = user.date_joined
    user.save()
    assert not rows(user, history.UPDATE)
    assert all("password" not in r.changes for r in rows(user))


def test_a_site_write_is_the_signed_in_users_from_the_site(deputy_client, deputy):
    from core import clock

    topic = SupervisionTopic.objects.create(
        year=clock.today().year, title="老旧小区加装电梯", published_at=clock.now()
    )
    response = deputy_client.post(reverse("performance:topic_signup", args=[topic.pk]))
    assert response.status_code == 302
    signup = TopicSignup.objects.get(topic=topic)
    [row] = rows(signup, history.CREATE)
    assert (row.actor, row.source) == (deputy.user, "web")


@shared_task
def rename_deputy(deputy_id: int) -> None:
    Deputy.objects.filter(pk=deputy_id).update(workplace="任务改写")


def test_a_tasks_writes_are_the_tasks_and_a_commands_the_commands(staff_user):
    deputy = DeputyFactory(workplace="原单位")
    rename_deputy.delay(deputy.pk)  # eager in tests: Celery's prerun and postrun still run
    [row] = rows(deputy, history.UPDATE)
    assert (row.actor, row.source) == (None, "task")
    assert history.current().source == history.Source.SYSTEM  # reset after the task

    with history.acting(actor=staff_user, source=history.Source.COMMAND):
        Deputy.objects.filter(pk=deputy.pk).update(workplace="命令改写")
    row = rows(deputy, history.UPDATE)[0]
    assert (row.actor, row.source) == (staff_user, "command")


def test_manage_py_commands_are_commands():
    assert history._process_source(["manage.py", "compute_assessment"]) == "command"
    assert history._process_source(["/srv/manage.py", "runserver"]) == "system"
    assert history._process_source(["celery", "-A", "config", "worker"]) == "system"


def test_service_audit_rows_carry_the_source(staff_client):
    from core.audit import audit_record

    with history.acting(source=history.Source.TASK):
        event = audit_record(actor=None, action="test.thing", summary="x")
    assert event.source == "task"


def test_every_tracked_model_is_guarded_and_has_the_history_page():
    """A new bulk path cannot bypass history: every manager of a tracked model (default, base,
    the related managers built from them) hands out the audited queryset."""
    models = history.tracked_models()
    names = {m._meta.label_lower for m in models}
    assert {
        "accounts.user",
        "deputies.deputy",
        "performance.ledgerentry",
        "suggestions.publicrating",
        "suggestions.unityearscore",
        "liaison.duty",
        "training.attendance",
    } <= names
    for model in models:
        for manager in (*model._meta.managers, model._base_manager, model._default_manager):
            assert is_guarded(manager), (model, manager)
        if admin.site.is_registered(model):
            assert isinstance(admin.site.get_model_admin(model), HistoryAdminMixin), model
    deputy = DeputyFactory()
    LedgerEntryFactory(deputy=deputy)
    assert isinstance(deputy.ledger_entries.all(), AuditedQuerySet)
    assert AuditEvent not in models


APP_DIRS = ("accounts", "deputies", "performance", "suggestions", "liaison", "training")
RAW_SQL = re.compile(r"\.raw\(|\bcursor\(\)|\.extra\(")
# Modules that read with raw SQL (statistics, benchmarks) and write nothing.
RAW_READERS = {
    "performance/management/commands/bench_scoring.py",
    "performance/management/commands/bench_export_memory.py",
    "suggestions/management/commands/bench_statistics.py",
    "suggestions/statistics.py",
    "suggestions/scoring.py",
    "liaison/selectors_index.py",
    "deputies/facts.py",  # the deputy's facts: one SELECT compiled once a day
}


def test_raw_sql_in_app_code_only_reads_or_is_recorded():
    """Raw SQL is the one way around history: app code uses it only to read, or inside
    ``core.history_queryset.recording`` (the assessment's upsert)."""
    root = Path(apps.get_app_config("core").path).parent
    unrecorded = []
    for app in APP_DIRS:
        for path in (root / app).rglob("*.py"):
            name = path.relative_to(root).as_posix()
            if "migrations" in path.parts or name in RAW_READERS:
                continue
            text = path.read_text(encoding="utf-8")
            if RAW_SQL.search(text) and "recording(" not in text:
                unrecorded.append(name)
    assert unrecorded == []


def test_the_assessments_raw_upsert_records_changed_scores_and_a_rerun_records_nothing():
    """A year's new assessments are counted by the compute's audit row, not one history row
    each (derived rows, ten thousand in a district); a deputy whose scores change gets old and
    new values; a rerun that changes nothing records nothing."""
    from performance.scoring import assessment_compute
    from tests.performance.factories import rule_set

    rule_set(2025)
    entry = LedgerEntryFactory(year=2025)
    LedgerEntryFactory(year=2025)  # a second deputy, so the first one's rank can stay
    assessment_compute(year=2025, today=date(2025, 12, 31))
    assessment = entry.deputy.assessments.get()
    assert rows(assessment) == []
    computed = AuditEvent.objects.get(action="performance.assessment_compute")
    assert computed.data["changed"] == 2
    old_total = assessment.total

    LedgerEntryFactory(year=2025, deputy=entry.deputy, code="B02")
    assessment_compute(year=2025, today=date(2025, 12, 31))
    assessment.refresh_from_db()
    assert assessment.total > old_total
    [updated] = rows(assessment, history.UPDATE)
    assert updated.changes["total"] == [
        format(old_total.normalize(), "f"),
        format(assessment.total.normalize(), "f"),
    ]
    assert "counts" in updated.changes

    history_rows = AuditEvent.objects.filter(action__startswith="history.")
    before = history_rows.count()
    assessment_compute(year=2025, today=date(2025, 12, 31))
    assert history_rows.count() == before  # nothing changed, nothing recorded


def test_the_audit_log_admin_filters_by_source_and_actor_and_shows_changes(
    staff_client, staff_user
):
    deputy = DeputyFactory(workplace="甲")
    with history.acting(actor=staff_user, source=history.Source.ADMIN):
        Deputy.objects.filter(pk=deputy.pk).update(workplace="乙")
    url = reverse("admin:core_auditevent_changelist")
    listed = staff_client.get(url, {"source": "admin", "actor": str(staff_user.pk)})
    assert listed.status_code == 200
    shown = list(listed.context["cl"].result_list)
    assert shown and all(e.source == "admin" and e.actor == staff_user for e in shown)
    assert staff_client.get(url, {"actor": "nonsense"}).status_code == 200
    event = rows(deputy, history.UPDATE)[0]
    page = staff_client.get(reverse("admin:core_auditevent_change", args=[event.pk]))
    assert "工作单位" in page.content.decode() and "甲 → 乙" in page.content.decode()


def test_users_admin_history_page_lists_role_changes(staff_client):
    user = UserFactory(username="li")
    user.groups.add(Group.objects.get(name=Role.DEPUTY.value))
    page = staff_client.get(reverse("admin:accounts_user_history", args=[user.pk]))
    assert page.status_code == 200 and Role.DEPUTY.value in page.content.decode()
    assert isinstance(admin.site.get_model_admin(User), HistoryAdminMixin)
