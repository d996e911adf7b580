"""Default topics and gap rules: loaded once, idempotent, staff or the system only, audited;
the command says what it added; what staff changed stays."""

import pytest
from django.core.management import call_command

from core.models import AuditEvent
from tests.accounts.factories import StaffUserFactory
from tests.deputies.factories import DeputyWithUserFactory
from tests.training.factories import GapRuleFactory, TopicFactory
from training.defaults import DEFAULT_GAP_RULES, DEFAULT_TOPICS, training_defaults_load
from training.models import GapRule, Topic
from training.services import TrainingError
from training.services.common import ERR_STAFF_ONLY

pytestmark = pytest.mark.django_db


def _rows():
    return (
        sorted(Topic.objects.values_list("name", "description", "order")),
        sorted(GapRule.objects.values_list("topic__name", "rule_code", "activity", "reason")),
        AuditEvent.objects.filter(action="training.defaults.load").count(),
    )


def test_load_creates_every_default_once_and_a_second_run_adds_nothing():
    assert training_defaults_load() == (len(DEFAULT_TOPICS), len(DEFAULT_GAP_RULES))
    first = _rows()
    assert training_defaults_load() == (0, 0)
    assert _rows() == first
    assert first[2] == 1  # an audit row for the run that wrote, none for the one that did not


def test_the_rules_the_brief_names_point_where_they_should():
    training_defaults_load()
    by_signal = {
        (r.rule_code or r.activity): (r.topic.name, r.reason, r.min_count, r.is_active)
        for r in GapRule.objects.select_related("topic")
    }
    assert by_signal["suggestions"] == ("建议撰写", "今年还没有提出建议", 1, True)
    assert by_signal["C01"][0] == "建议撰写"
    assert by_signal["B03"][:2] == ("联系群众与接待选民", "今年还没有进站接待选民")
    assert by_signal["B02"][0] == "视察调研方法"
    # each rule reads exactly one signal (the model's check), and every topic is a default one
    for rule in GapRule.objects.all():
        assert bool(rule.rule_code) != bool(rule.activity)
    assert set(Topic.objects.values_list("name", flat=True)) == {t[0] for t in DEFAULT_TOPICS}


def test_what_staff_changed_stays_and_a_deleted_default_comes_back():
    training_defaults_load()
    rule = GapRule.objects.get(rule_code="B03")
    rule.reason, rule.is_active = "接待日还没有来过", False
    rule.save()
    GapRule.objects.filter(rule_code="B02").delete()
    topic = Topic.objects.get(name="法律法规")
    topic.description = "工委自定说明"
    topic.save()

    assert training_defaults_load() == (0, 1)
    rule.refresh_from_db()
    assert (rule.reason, rule.is_active) == ("接待日还没有来过", False)
    assert Topic.objects.get(name="法律法规").description == "工委自定说明"
    assert GapRule.objects.filter(rule_code="B02").count() == 1


def test_a_second_rule_staff_added_on_the_same_signal_is_no_error():
    training_defaults_load()
    topic = Topic.objects.get(name="联系群众与接待选民")
    GapRuleFactory(topic=topic, rule_code="B03", min_count=3, reason="接待次数偏少")
    assert training_defaults_load() == (0, 0)
    assert GapRule.objects.filter(rule_code="B03").count() == 2


def test_existing_topics_of_the_same_name_are_reused():
    TopicFactory(name="建议撰写")
    topics, rules = training_defaults_load()
    assert topics == len(DEFAULT_TOPICS) - 1 and rules == len(DEFAULT_GAP_RULES)
    assert Topic.objects.filter(name="建议撰写").count() == 1


def test_staff_may_load_and_the_audit_names_them():
    staff = StaffUserFactory()
    training_defaults_load(actor=staff)
    event = AuditEvent.objects.get(action="training.defaults.load")
    assert event.actor == staff
    assert event.data == {"topics": len(DEFAULT_TOPICS), "rules": len(DEFAULT_GAP_RULES)}


def test_a_deputy_may_not_load_and_nothing_is_written():
    deputy = DeputyWithUserFactory()
    with pytest.raises(TrainingError) as exc:
        training_defaults_load(actor=deputy.user)
    assert str(exc.value) == ERR_STAFF_ONLY
    assert not Topic.objects.exists() and not GapRule.objects.exists()


def test_the_command_reports_what_it_added(capsys):
    call_command("load_training_defaults")
    out = capsys.readouterr().out
    assert f"新增培训专题 {len(DEFAULT_TOPICS)} 个、短板规则 {len(DEFAULT_GAP_RULES)} 条" in out
    call_command("load_training_defaults")
    assert "新增培训专题 0 个、短板规则 0 条" in capsys.readouterr().out
    assert Topic.objects.count() == len(DEFAULT_TOPICS)
