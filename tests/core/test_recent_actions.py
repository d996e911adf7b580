"""The admin index's recent actions (我的动作), read by one kept statement
(``core.templatetags.staff_desk.recent_actions``): the same entries and HTML as Django's
``get_admin_log``, the newest ten of the user's own, in one query whatever their number."""

from datetime import timedelta

import pytest
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.template import Context, Template
from django.utils import timezone, translation

from deputies.models import Deputy
from tests.accounts.factories import StaffUserFactory
from tests.deputies.factories import DeputyFactory

pytestmark = pytest.mark.django_db

# Django's block as admin/index.html has it, with its own tag.
DJANGO_SIDEBAR = """{% load i18n log %}{% get_admin_log 10 as admin_log for_user user %}
{% if not admin_log %}<p>{% translate 'None available' %}</p>{% else %}
{% for entry in admin_log %}
<li class="{% if entry.is_addition %}addlink{% endif %}{% if entry.is_change %}changelink{% endif %}{% if entry.is_deletion %}deletelink{% endif %}">
<span class="visually-hidden">{% if entry.is_addition %}{% translate 'Added:' %}{% elif entry.is_change %}{% translate 'Changed:' %}{% elif entry.is_deletion %}{% translate 'Deleted:' %}{% endif %}</span>
{% if entry.is_deletion or not entry.get_admin_url %}{{ entry.object_repr }}{% else %}<a href="{{ entry.get_admin_url }}">{{ entry.object_repr }}</a>{% endif %}
{% if entry.content_type %}{% filter capfirst %}{{ entry.content_type.name }}{% endfilter %}{% else %}{% translate 'Unknown content' %}{% endif %}
{% endfor %}{% endif %}"""  # noqa: E501
KEPT_SIDEBAR = DJANGO_SIDEBAR.replace("{% load i18n log %}", "{% load i18n staff_desk %}").replace(
    "{% get_admin_log 10 as admin_log for_user user %}", "{% recent_actions user as admin_log %}"
)


def _log(user, flag, *, obj=None, content_type=None, object_id=None, text="x", minutes=0):
    entry = LogEntry.objects.create(
        user=user,
        action_flag=flag,
        content_type=content_type,
        object_id=object_id if obj is None else str(obj.pk),
        object_repr=text,
        change_message="",
    )
    LogEntry.objects.filter(pk=entry.pk).update(
        action_time=timezone.now() - timedelta(minutes=minutes)
    )


def _both(user) -> tuple[str, str]:
    context = {"user": user, "log_entries": LogEntry.objects.select_related("content_type", "user")}
    return (
        Template(DJANGO_SIDEBAR).render(Context(context)),
        Template(KEPT_SIDEBAR).render(Context(context)),
    )


def test_the_same_entries_as_djangos_tag(django_assert_num_queries):
    clerk, other = StaffUserFactory(), StaffUserFactory()
    deputy_type = ContentType.objects.get_for_model(Deputy)
    deputy = DeputyFactory(name="张<三>")
    _log(clerk, ADDITION, obj=deputy, content_type=deputy_type, text="张<三>", minutes=1)
    _log(clerk, CHANGE, obj=deputy, content_type=deputy_type, text="改 & 动", minutes=2)
    _log(clerk, DELETION, object_id="99", content_type=deputy_type, text="删了", minutes=3)
    _log(clerk, CHANGE, text="无类型", minutes=4)  # its content type gone
    gone = ContentType.objects.create(app_label="gone", model="thing")
    _log(clerk, CHANGE, object_id="5", content_type=gone, text="无模型", minutes=5)
    _log(other, ADDITION, obj=deputy, content_type=deputy_type, text="别人的", minutes=0)
    for language in ("zh-hans", "en"):
        with translation.override(language):
            django, kept = _both(clerk)
        assert kept == django
    assert "别人的" not in kept and "张&lt;三&gt;" in kept and f"/{deputy.pk}/change/" in kept
    with django_assert_num_queries(1):
        Template(KEPT_SIDEBAR).render(Context({"user": clerk}))


def test_the_newest_ten_and_none(django_assert_num_queries):
    clerk = StaffUserFactory()
    django, kept = _both(clerk)
    assert kept == django and "<li" not in kept
    for minutes in range(12):
        _log(clerk, CHANGE, text=f"第{minutes}条", minutes=minutes)
    django, kept = _both(clerk)
    assert kept == django and kept.count("<li") == 10
    assert "第0条" in kept and "第9条" in kept and "第10条" not in kept


def test_the_desk_lists_the_clerks_actions(staff_client, staff_user):
    _log(staff_user, ADDITION, text="新增的记录")
    page = staff_client.get("/admin/").content.decode()
    assert 'id="recent-actions-module"' in page and "新增的记录" in page


def test_the_desk_writes_the_list_once_for_the_same_entries(staff_client, staff_user, monkeypatch):
    """The list is Django's block for the user's entries, written again only when they change
    (a new action) or in another language."""
    from core.templatetags import staff_desk

    _log(staff_user, ADDITION, text="第一条")
    written = []
    render = staff_desk.render_to_string
    monkeypatch.setattr(
        staff_desk, "render_to_string", lambda *a, **k: written.append(a) or render(*a, **k)
    )
    staff_desk._RECENT_HTML.clear()
    first = staff_client.get("/admin/").content.decode()
    again = staff_client.get("/admin/").content.decode()
    assert len(written) == 1 and "第一条" in first and "第一条" in again
    _log(staff_user, CHANGE, text="第二条")
    page = staff_client.get("/admin/").content.decode()
    assert len(written) == 2 and "第二条" in page and page.index("第二条") < page.index("第一条")
    clerk_html = staff_desk.recent_actions_html(staff_user)
    with translation.override("en"):
        english = staff_desk.recent_actions_html(staff_user)
    assert len(written) == 3 and "Changed:" in english and "Changed:" not in clerk_html
    django, _kept = _both(staff_user)
    assert [line.strip() for line in django.split("\n") if "<li" in line] == [
        line.strip() for line in clerk_html.split("\n") if "<li" in line
    ]
