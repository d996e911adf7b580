"""The topics and gap rules a committee starts from (履职数据建模的默认映射).

A new installation has no topics and no gap rules, so no deputy would see a recommended course
"because" of their record. ``load_training_defaults`` (and the demo) load these; staff then edit
them in the admin. Loading is get-or-create on natural keys: a topic by name, a rule by (topic,
signal). Nothing that exists is touched, so a reason staff reworded or a rule they switched off
stays as they left it, and running the load again only puts back what is missing.

The signals are the ledger's default rule codes (``performance/defaults.py``: B02 视察、调研、执法
检查, B03 进站接待选民, B04 走访联系群众, C01 提出建议、议案并被立案) and the activity counters
other apps register in ``core.activity`` (``suggestions``: suggestions the deputy put forward).
"""

from django.db import transaction

from accounts.models import User
from core.audit import audit_record

from .models import GapRule, Topic
from .services.common import staff_required

# name, description, order
DEFAULT_TOPICS: list[tuple[str, str, int]] = [
    ("履职基础知识", "代表的权利和义务、履职的基本流程和要求，新任代表的第一课。", 10),
    ("建议撰写", "从发现问题、调研论证到写出一件具体可办的代表建议。", 20),
    ("联系群众与接待选民", "进站接待、入户走访、回应群众诉求的方法。", 30),
    ("视察调研方法", "视察、专题调研和执法检查怎样准备、怎样形成报告。", 40),
    ("监督工作实务", "菜单式监督、预算审查和专项工作评议的实务。", 50),
    ("法律法规", "宪法、代表法、地方组织法等与履职相关的法律法规。", 60),
]

# topic, rule code, activity (one of the two), min count, reason the deputy reads, order
DEFAULT_GAP_RULES: list[tuple[str, str, str, int, str, int]] = [
    ("建议撰写", "", "suggestions", 1, "今年还没有提出建议", 10),
    ("建议撰写", "C01", "", 1, "今年还没有建议、议案被立案", 20),
    ("联系群众与接待选民", "B03", "", 1, "今年还没有进站接待选民", 30),
    ("联系群众与接待选民", "B04", "", 1, "今年还没有走访联系群众的记录", 40),
    ("视察调研方法", "B02", "", 1, "今年还没有参加视察、调研或执法检查", 50),
]


@transaction.atomic
def training_defaults_load(*, actor: User | None = None) -> tuple[int, int]:
    """Create the default topics and gap rules that are missing; returns (topics created,
    rules created). Staff or the system (a command, the demo). Idempotent: a second run
    creates nothing and leaves no audit row."""
    staff_required(actor)
    topics: dict[str, Topic] = {}
    topics_created = 0
    for name, description, order in DEFAULT_TOPICS:
        topic, created = Topic.objects.get_or_create(
            name=name, defaults={"description": description, "order": order}
        )
        topics[name] = topic
        topics_created += created
    rules_created = 0
    for topic_name, rule_code, activity, min_count, reason, order in DEFAULT_GAP_RULES:
        signal = {"topic": topics[topic_name], "rule_code": rule_code, "activity": activity}
        if GapRule.objects.filter(**signal).exists():  # staff may have added a second one
            continue
        GapRule.objects.create(**signal, min_count=min_count, reason=reason, order=order)
        rules_created += 1
    if topics_created or rules_created:
        audit_record(
            actor=actor,
            action="training.defaults.load",
            summary=f"默认培训专题 {topics_created} 个，短板规则 {rules_created} 条",
            data={"topics": topics_created, "rules": rules_created},
        )
    return topics_created, rules_created
