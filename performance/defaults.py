"""The default rule set (issue 3): what a new assessment year starts from."""

from decimal import Decimal as D

# code, name, dimension, points, yearly cap (None = no cap), evidence required, deputy may submit
DEFAULT_RULES: list[tuple[str, str, str, D, D | None, bool, bool]] = [
    ("B01", "参加代表小组/工委会议及集中活动", "base", D("2"), D("16"), False, True),
    ("B02", "视察、调研、执法检查", "base", D("3"), D("15"), False, True),
    ("B03", "进站接待选民", "base", D("2"), D("12"), False, True),
    ("B04", "走访联系群众", "base", D("1"), D("6"), False, True),
    ("B05", "参加履职培训", "base", D("1"), D("6"), False, True),
    ("B06", "向选民述职", "base", D("5"), D("5"), False, False),
    ("B07", "无故缺席集中活动", "base", D("-3"), None, False, False),
    ("I01", "自选动作：自主开展调研、视察", "innovation", D("4"), D("12"), True, True),
    ("I02", "牵头专业小组活动、传帮带", "innovation", D("3"), D("6"), False, True),
    ("I03", "代表讲坛主讲", "innovation", D("3"), D("6"), False, True),
    ("I04", "履职方式创新（直播问政、线上议事等）", "innovation", D("4"), D("8"), True, True),
    ("C01", "提出建议、议案并被立案", "contribution", D("2"), D("8"), False, False),
    ("C02", "所提建议办理结果为已解决（A类）", "contribution", D("4"), D("12"), False, False),
    ("C03", "推动解决群众急难愁盼问题", "contribution", D("3"), D("12"), True, True),
    ("C04", "获得表彰、经验被推广", "contribution", D("5"), D("10"), True, True),
]

DEFAULT_CAPS = {"base_cap": D("60"), "innovation_cap": D("20"), "contribution_cap": D("20")}
DEFAULT_THRESHOLDS = {
    "excellent_min": D("85"),
    "competent_min": D("70"),
    "basic_min": D("60"),
    "excellence_quota": D("0.20"),
}
