"""What a refused ledger write says: the exceptions and their module-level messages (tests
assert them), the permission checks every write service starts with, and the notification
kinds the ledger sends."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import User
from deputies.models import Deputy

from ..access import ERR_NOT_PERMITTED, acts_as_staff, acts_for_deputy


class LedgerError(Exception):
    """A ledger write that breaks a rule; the message is for the user."""


class NoRuleSetError(LedgerError):
    """The year has no rule set, so nothing can be scored under it yet.

    Looking a rule up never creates the year's rules: staff set a year up explicitly (copy
    the previous year in the admin, or ``rule_set_load_defaults``). A staff or deputy write
    gets this error (message :data:`ERR_NO_RULE_SET`); an automatic credit from another app
    is skipped instead (see :func:`performance.public.ledger_credit`)."""


ERR_UNKNOWN_RULE = gettext_noop("%(year)s 年度没有编号为 %(code)s 的积分规则。")
ERR_DATE_OUTSIDE_YEAR = gettext_noop("履职日期 %(date)s 不在 %(year)s 年度内。")
ERR_DATE_IN_FUTURE = gettext_noop("履职日期不能晚于今天。")
ERR_YEAR_FROZEN = gettext_noop("%(year)s 年度考核已封存，不能再增改履职记录。")
ERR_DEPUTY_LEFT = gettext_noop("%(deputy)s 已于 %(date)s 离任，此后不能再记录履职。")
ERR_EVIDENCE_REQUIRED = gettext_noop("“%(rule)s”须上传佐证材料。")
ERR_RULE_NOT_SELF_SERVICE = gettext_noop("“%(rule)s”由工委或系统记录，代表不能自行申报。")
ERR_NEGATIVE_CAP = gettext_noop("上限不能为负数。")
ERR_REJECT_NEEDS_REASON = gettext_noop("退回须填写理由。")
ERR_RULE_SET_EXISTS = gettext_noop("%(year)s 年度已有积分规则。")
ERR_YEAR_IMPLAUSIBLE = gettext_noop("%(year)s 年不是有效的考核年度。")
ERR_ROLL_CLOSED = gettext_noop("该活动已结束点名。")
ERR_ROLL_EMPTY = gettext_noop("该活动还没有参加代表名单。")
ERR_ACTIVITY_NOT_HELD = gettext_noop("活动日期 %(date)s 还没到，活动举行后再结束点名。")
ERR_DISPUTE_RESOLVED = gettext_noop("该异议已处理。")
ERR_DISPUTE_NEEDS_ENTRY = gettext_noop("请指明有异议的履职记录。")
ERR_DISPUTE_MISSING_NEEDS_RULE = gettext_noop("补记须选择事项并填写日期。")
ERR_NOT_OWN_ENTRY = gettext_noop("只能对本人的履职记录提出异议。")
ERR_DISPUTE_WOULD_DUPLICATE = gettext_noop(
    "该来源已按“%(rule)s”记分，更正会重复计分；请改为按“重复”处理。"
)
ERR_DISPUTE_OPEN = gettext_noop("这条记录已有待处理的异议，请等工委处理后再提。")
ERR_REPORT_NOT_HELD = gettext_noop("请先登记述职日期和选民测评结果。")
ERR_REPORT_COUNTS = gettext_noop("测评票数合计（%(n)d）不能超过参会选民数（%(v)d）。")
ERR_REPORT_VERIFIED = gettext_noop("该述职已核实，不能再修改。")
ERR_REPORT_DATE = gettext_noop("述职日期须在 %(year)s 年度内且不晚于今天。")
ERR_PLAN_EXISTS = gettext_noop("%(year)s 年度已制定述职计划。")
ERR_NO_DEPUTIES = gettext_noop("%(year)s 年度没有在任代表。")
ERR_TOPIC_NOT_PUBLISHED = gettext_noop("该议题尚未发布。")
ERR_TOPIC_PAST = gettext_noop("%(year)s 年度的监督菜单已经结束，不能再认领或取消。")
ERR_BAD_QUARTER = gettext_noop("季度须为 1 至 4。")
ERR_QUARTER_NOT_STARTED = gettext_noop("%(year)s 年第 %(quarter)s 季度还没有开始，不能公布。")
ERR_NO_RULE_SET = gettext_noop("%(year)s 年度尚未设置积分规则。")
ERR_DECISION_KIND = gettext_noop("“%(decision)s”不是%(kind)s名单的处理决定。")


def staff_required(actor: User | None) -> None:
    """Refuse anyone but committee staff and the system (``actor=None``)."""
    if not acts_as_staff(actor):
        raise LedgerError(_(ERR_NOT_PERMITTED))


def deputy_self_required(actor: User | None, deputy: Deputy) -> None:
    """Refuse anyone but ``deputy``'s own login and the system (``actor=None``)."""
    if not acts_for_deputy(actor, deputy):
        raise LedgerError(_(ERR_NOT_PERMITTED))


NOTIFY_REJECTED = "performance.rejected"
NOTIFY_DISPUTE = "performance.dispute"
