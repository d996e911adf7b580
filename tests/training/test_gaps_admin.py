"""The admin of topics and gap rules: the activity is picked from the registered counters, the
rule code must look like one (B03, C01), exactly one signal per rule, each refusal naming its
field; saves and deletes are audited; lists cost the same at any size."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.models import AuditEvent
from tests.training.factories import CourseFactory, GapRuleFactory, TopicFactory
from training.admin.gaps import (
    ERR_ACTIVITY_UNKNOWN,
    ERR_MIN_COUNT,
    ERR_RULE_CODE_FORMAT,
    ERR_SIGNAL_BOTH,
    ERR_SIGNAL_NONE,
    UNKNOWN_ACTIVITY,
    GapRuleForm,
)
from training.models import GapRule, Topic

pytestmark = pytest.mark.django_db
ADD = "/admin/training/gaprule/add/"


@pytest.fixture
def topic():
    return TopicFactory(name="建议撰写")


def _post(topic, **overrides):
    data = {
        "topic": topic.pk,
        "rule_code": "",
        "activity": "",
        "min_count": "1",
        "reason": "今年还没有提出建议",
        "is_active": "on",
        "order": "10",
    }
    data.update(overrides)
    return data


def test_the_form_offers_the_registered_activities():
    form = GapRuleForm()
    keys = [key for key, _label in form.fields["activity"].choices]
    assert keys[0] == "" and "suggestions" in keys and "visits" in keys


def test_an_activity_rule_is_saved_and_audited(staff_client, topic):
    response = staff_client.post(ADD, _post(topic, activity="suggestions"))
    assert response.status_code == 302
    rule = GapRule.objects.get()
    assert (rule.activity, rule.rule_code, rule.topic) == ("suggestions", "", topic)
    assert AuditEvent.objects.filter(action="training.gap_rule.create").count() == 1


def test_a_rule_code_is_kept_upper_case(staff_client, topic):
    assert staff_client.post(ADD, _post(topic, rule_code=" c01 ")).status_code == 302
    assert GapRule.objects.get().rule_code == "C01"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"rule_code": "B3"}, ERR_RULE_CODE_FORMAT),
        ({"rule_code": "X01"}, ERR_RULE_CODE_FORMAT),
        ({"rule_code": "B001"}, ERR_RULE_CODE_FORMAT),
        ({"rule_code": "B03", "activity": "suggestions"}, ERR_SIGNAL_BOTH),
        ({}, ERR_SIGNAL_NONE),
        ({"activity": "no-such"}, ERR_ACTIVITY_UNKNOWN % {"value": "no-such"}),
        ({"rule_code": "B03", "min_count": "0"}, ERR_MIN_COUNT),
        ({"rule_code": "B03", "min_count": "abc"}, None),
    ],
)
def test_bad_rules_are_refused_naming_the_field(staff_client, topic, overrides, message):
    response = staff_client.post(ADD, _post(topic, **overrides))
    assert response.status_code == 200
    page = response.content.decode()
    if message is not None:
        assert message in page
    assert "errornote" in page
    assert not GapRule.objects.exists()
    assert "履职规则代码" in ERR_RULE_CODE_FORMAT and "最低次数" in ERR_MIN_COUNT


def test_a_rule_on_an_activity_no_longer_counted_can_still_be_edited():
    rule = GapRuleFactory(rule_code="", activity="retired-app")
    form = GapRuleForm(instance=rule)
    assert ("retired-app", UNKNOWN_ACTIVITY % {"key": "retired-app"}) in form.fields[
        "activity"
    ].choices


def test_the_rule_list_shows_the_signal_and_costs_the_same(staff_client, topic):
    GapRuleFactory(topic=topic, rule_code="", activity="suggestions")
    GapRuleFactory(topic=topic, rule_code="B03")
    staff_client.get("/admin/training/gaprule/")
    with CaptureQueriesContext(connection) as small:
        page = staff_client.get("/admin/training/gaprule/").content.decode()
    assert "履职规则 B03" in page and "提出建议（领衔或附议）" in page
    for i in range(8):
        GapRuleFactory(topic=TopicFactory(name=f"专题{i}"), rule_code=f"B0{i % 8 + 1}")
    with CaptureQueriesContext(connection) as large:
        assert staff_client.get("/admin/training/gaprule/").status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)


def test_topics_list_their_course_counts(staff_client, topic):
    CourseFactory.create_batch(3, topic=topic)
    TopicFactory(name="接待选民")
    staff_client.get("/admin/training/topic/")
    with CaptureQueriesContext(connection) as small:
        page = staff_client.get("/admin/training/topic/").content.decode()
    assert '<td class="field-course_count">3</td>' in page
    assert '<td class="field-course_count">0</td>' in page
    for i in range(6):
        CourseFactory.create_batch(2, topic=TopicFactory(name=f"专题{i}"))
    with CaptureQueriesContext(connection) as large:
        assert staff_client.get("/admin/training/topic/").status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)


def test_topic_search_serves_the_autocomplete(staff_client, topic):
    response = staff_client.get(
        "/admin/autocomplete/",
        {
            "term": "建议",
            "app_label": "training",
            "model_name": "gaprule",
            "field_name": "topic",
        },
    )
    assert response.status_code == 200
    assert [row["text"] for row in response.json()["results"]] == ["建议撰写"]


def test_topic_saves_and_deletes_are_audited(staff_client, topic):
    response = staff_client.post(
        "/admin/training/topic/add/", {"name": "接待选民", "description": "", "order": "20"}
    )
    assert response.status_code == 302
    created = Topic.objects.get(name="接待选民")
    assert AuditEvent.objects.filter(action="training.topic.create").count() == 1
    response = staff_client.post(f"/admin/training/topic/{created.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302 and not Topic.objects.filter(pk=created.pk).exists()
    assert AuditEvent.objects.filter(action="training.topic.delete", summary="接待选民").exists()


def test_the_add_pages_render(staff_client):
    for url in (ADD, "/admin/training/topic/add/", "/admin/training/survey/add/"):
        assert staff_client.get(url).status_code == 200, url


def test_deputies_cannot_open_the_gap_rules(deputy_client):
    response = deputy_client.get("/admin/training/gaprule/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
