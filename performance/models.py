"""The duty ledger (履职档案): rule sets per year, ledger entries, organised activities, the
annual assessment and what follows from it."""

from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

RULE_CODE_VALIDATOR = RegexValidator(r"^[A-Z][0-9]{2}$", _("规则编号形如 B01、I02、C03。"))
EVIDENCE_EXTENSIONS = ("jpg", "jpeg", "png", "webp", "pdf", "doc", "docx", "xls", "xlsx")
ERR_FILE_TOO_BIG = gettext_noop("文件不能超过 %(mb)d MB。")
ERR_FILE_TYPE = gettext_noop("只支持图片（jpg/png/webp）、PDF、Word 或 Excel 文件。")
ERR_FILE_CONTENT = gettext_noop("文件内容与扩展名 .%(ext)s 不符，请上传原始文件。")

# The first bytes each accepted extension must start with, so that a renamed file (an .exe
# called photo.jpg) is refused, not only a wrong extension.
EVIDENCE_SIGNATURES = {
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG",),
    "webp": (b"RIFF",),
    "pdf": (b"%PDF",),
    "doc": (b"\xd0\xcf\x11\xe0",),
    "xls": (b"\xd0\xcf\x11\xe0",),
    "docx": (b"PK\x03\x04",),
    "xlsx": (b"PK\x03\x04",),
}


def validate_evidence_size(upload) -> None:
    limit = settings.LVZHI_LEDGER_EVIDENCE_MAX_MB * 1024 * 1024
    if upload.size > limit:
        raise ValidationError(
            _(ERR_FILE_TOO_BIG) % {"mb": settings.LVZHI_LEDGER_EVIDENCE_MAX_MB},
            code="file_too_big",
        )


def validate_evidence_content(upload) -> None:
    ext = Path(upload.name or "").suffix.lower().lstrip(".")
    signatures = EVIDENCE_SIGNATURES.get(ext)
    if signatures is None or getattr(upload, "_committed", False):
        return  # the extension validator refuses it / a stored file was checked on upload
    try:
        upload.seek(0)
        head = upload.read(16)
        upload.seek(0)
    except OSError:
        head = b""
    if isinstance(head, str):
        head = head.encode()
    if not head.startswith(signatures) or (ext == "webp" and head[8:12] != b"WEBP"):
        raise ValidationError(_(ERR_FILE_CONTENT) % {"ext": ext}, code="file_content")


EVIDENCE_VALIDATORS = [
    FileExtensionValidator(list(EVIDENCE_EXTENSIONS), message=_(ERR_FILE_TYPE)),
    validate_evidence_size,
    validate_evidence_content,
]


class Dimension(models.TextChoices):
    BASE = "base", _("基础分")
    INNOVATION = "innovation", _("创新分")
    CONTRIBUTION = "contribution", _("贡献分")


class Grade(models.TextChoices):
    EXCELLENT = "excellent", _("优秀")
    COMPETENT = "competent", _("称职")
    BASIC = "basic", _("基本称职")
    INCOMPETENT = "incompetent", _("不称职")


ONE_PLACE = {"max_digits": 6, "decimal_places": 1}


class RuleSet(models.Model):
    """The scoring rules of one assessment year. A frozen (closed) year is never recomputed."""

    year = models.PositiveSmallIntegerField(_("考核年度"), unique=True)
    base_cap = models.DecimalField(_("基础分上限"), default=Decimal("60"), **ONE_PLACE)
    innovation_cap = models.DecimalField(_("创新分上限"), default=Decimal("20"), **ONE_PLACE)
    contribution_cap = models.DecimalField(_("贡献分上限"), default=Decimal("20"), **ONE_PLACE)
    excellent_min = models.DecimalField(_("优秀分数线"), default=Decimal("85"), **ONE_PLACE)
    competent_min = models.DecimalField(_("称职分数线"), default=Decimal("70"), **ONE_PLACE)
    basic_min = models.DecimalField(_("基本称职分数线"), default=Decimal("60"), **ONE_PLACE)
    excellence_quota = models.DecimalField(
        _("优秀比例"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.20"),
        help_text=_("优秀须名次在前该比例之内（向上取整），如 0.20。"),
    )
    frozen = models.BooleanField(_("已封存"), default=False)
    frozen_at = models.DateTimeField(_("封存时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("年度积分规则")
        verbose_name_plural = _("年度积分规则")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(base_cap__gte=0, innovation_cap__gte=0, contribution_cap__gte=0),
                name="ruleset_caps_not_negative",
                violation_error_message=_("维度上限不能为负数。"),
            ),
            models.CheckConstraint(
                condition=Q(excellence_quota__gt=0, excellence_quota__lte=1),
                name="ruleset_quota_fraction",
                violation_error_message=_("优秀比例须大于 0 且不超过 1。"),
            ),
            models.CheckConstraint(
                condition=Q(excellent_min__gte=F("competent_min"))
                & Q(competent_min__gte=F("basic_min"))
                & Q(basic_min__gte=0),
                name="ruleset_grade_thresholds_ordered",
                violation_error_message=_("分数线须满足：优秀 ≥ 称职 ≥ 基本称职 ≥ 0。"),
            ),
            models.CheckConstraint(
                condition=Q(frozen=False) | Q(frozen_at__isnull=False),
                name="ruleset_frozen_has_time",
            ),
            models.CheckConstraint(condition=Q(year__gte=2000), name="ruleset_year_plausible"),
        ]

    def __str__(self) -> str:
        return f"{self.year} 年度"

    def dimension_cap(self, dimension: str) -> Decimal:
        return getattr(self, f"{dimension}_cap")

    @property
    def max_total(self) -> Decimal:
        """The highest total the caps allow (100 with the default caps)."""
        return self.base_cap + self.innovation_cap + self.contribution_cap

    @property
    def excellence_share(self) -> str:
        """The excellence quota as people read it: 0.20 → "20%"."""
        return f"{self.excellence_quota:.0%}"


class RuleQuerySet(models.QuerySet):
    def in_table_order(self, *first: str):
        """Base, innovation, contribution (the order of the scoring table), then by code;
        ``first`` orderings (e.g. ``"-rule_set__year"``) go before."""
        order = models.Case(
            *(models.When(dimension=d, then=i) for i, d in enumerate(Dimension.values)),
            default=len(Dimension.values),
        )
        return self.order_by(*first, order, "code")


class Rule(models.Model):
    rule_set = models.ForeignKey(
        RuleSet, verbose_name=_("年度规则"), on_delete=models.CASCADE, related_name="rules"
    )
    code = models.CharField(_("编号"), max_length=3, validators=[RULE_CODE_VALIDATOR])
    name = models.CharField(_("履职事项"), max_length=100)
    dimension = models.CharField(_("维度"), max_length=12, choices=Dimension.choices)
    points = models.DecimalField(
        _("每次分值"), max_digits=4, decimal_places=1, help_text=_("扣分项填负数。")
    )
    yearly_cap = models.DecimalField(
        _("年度上限"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("留空表示不设上限；扣分项的上限指最多扣除的分数。"),
    )
    evidence_required = models.BooleanField(_("须上传佐证"), default=False)
    deputy_can_submit = models.BooleanField(_("代表可自行申报"), default=True)

    objects = RuleQuerySet.as_manager()

    class Meta:
        verbose_name = _("积分规则")
        verbose_name_plural = _("积分规则")
        ordering = ["rule_set", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule_set", "code"],
                name="rule_code_unique_per_year",
                violation_error_message=_("同一年度的规则编号不能重复。"),
            ),
            models.CheckConstraint(
                condition=Q(yearly_cap__isnull=True) | Q(yearly_cap__gte=0),
                name="rule_cap_not_negative",
                violation_error_message=_("年度上限不能为负数。"),
            ),
            models.CheckConstraint(
                condition=Q(dimension__in=Dimension.values), name="rule_dimension_valid"
            ),
            models.CheckConstraint(
                condition=~Q(points=0),
                name="rule_points_not_zero",
                violation_error_message=_("每次分值不能为 0。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class SourceKind(models.TextChoices):
    STAFF = "staff", _("工委录入")
    DEPUTY = "deputy", _("代表申报")
    AUTOMATIC = "automatic", _("系统自动")


class EntryStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    VERIFIED = "verified", _("已核实")
    REJECTED = "rejected", _("未通过")


class LedgerEntryQuerySet(models.QuerySet):
    def verified(self):
        return self.filter(status=EntryStatus.VERIFIED)


class LedgerEntry(models.Model):
    """One thing a deputy did (履职记录). Only verified entries count towards the score."""

    deputy = models.ForeignKey(
        "deputies.Deputy",
        verbose_name=_("代表"),
        on_delete=models.PROTECT,
        related_name="ledger_entries",
    )
    rule = models.ForeignKey(
        Rule, verbose_name=_("积分规则"), on_delete=models.PROTECT, related_name="entries"
    )
    occurred_on = models.DateField(_("履职日期"))
    title = models.CharField(_("事项"), max_length=200)
    description = models.TextField(_("情况说明"), blank=True)
    place = models.CharField(_("地点"), max_length=100, blank=True)
    source_kind = models.CharField(
        _("来源"), max_length=10, choices=SourceKind.choices, default=SourceKind.STAFF
    )
    source_type = models.ForeignKey(
        ContentType,
        verbose_name=_("来源对象类型"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    source_id = models.PositiveBigIntegerField(_("来源对象编号"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=EntryStatus.choices, default=EntryStatus.PENDING
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    review_reason = models.CharField(_("审核意见"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    objects = LedgerEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("履职记录")
        verbose_name_plural = _("履职记录")
        ordering = ["-occurred_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["deputy", "rule", "source_type", "source_id"],
                condition=Q(source_type__isnull=False),
                name="ledger_entry_once_per_source",
            ),
            models.CheckConstraint(
                condition=Q(source_type__isnull=True, source_id__isnull=True)
                | Q(source_type__isnull=False, source_id__isnull=False),
                name="ledger_entry_source_complete",
            ),
            models.CheckConstraint(
                condition=~Q(source_kind=SourceKind.AUTOMATIC) | Q(source_type__isnull=False),
                name="ledger_entry_automatic_has_source",
            ),
            models.CheckConstraint(
                condition=Q(status=EntryStatus.PENDING) | Q(reviewed_at__isnull=False),
                name="ledger_entry_reviewed_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status=EntryStatus.REJECTED) | ~Q(review_reason=""),
                name="ledger_entry_rejection_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(status__in=EntryStatus.values), name="ledger_entry_status_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["deputy", "occurred_on"]),
            models.Index(fields=["rule", "status"]),
            models.Index(fields=["status", "created_at"]),
            # The admin list's order (newest first): its page is read from here, not sorted.
            models.Index(fields=["occurred_on", "id"], name="performance_entry_date_id_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_on} {self.title}"


class EntryEvidence(models.Model):
    entry = models.ForeignKey(
        LedgerEntry, verbose_name=_("履职记录"), on_delete=models.CASCADE, related_name="evidence"
    )
    file = models.FileField(
        _("佐证材料"), upload_to="ledger/%Y/%m/", validators=EVIDENCE_VALIDATORS
    )
    name = models.CharField(_("文件名"), max_length=200, blank=True)
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")
        ordering = ["entry", "id"]

    def __str__(self) -> str:
        return self.name or Path(self.file.name).name


class Assessment(models.Model):
    """The annual result of one deputy, written by ``performance.scoring`` only."""

    rule_set = models.ForeignKey(
        RuleSet, verbose_name=_("考核年度"), on_delete=models.PROTECT, related_name="assessments"
    )
    deputy = models.ForeignKey(
        "deputies.Deputy",
        verbose_name=_("代表"),
        on_delete=models.CASCADE,
        related_name="assessments",
    )
    base = models.DecimalField(_("基础分"), **ONE_PLACE)
    innovation = models.DecimalField(_("创新分"), **ONE_PLACE)
    contribution = models.DecimalField(_("贡献分"), **ONE_PLACE)
    total = models.DecimalField(_("总分"), **ONE_PLACE)
    rank = models.PositiveIntegerField(_("名次"))
    assessed_count = models.PositiveIntegerField(_("参评人数"))
    grade = models.CharField(_("等次"), max_length=12, choices=Grade.choices)
    duty_days = models.PositiveIntegerField(_("履职天数"), default=0)
    counts = models.JSONField(_("各项次数"), default=dict, blank=True)
    computed_at = models.DateTimeField(_("计算时间"))

    class Meta:
        verbose_name = _("年度考核")
        verbose_name_plural = _("年度考核")
        ordering = ["rule_set", "rank", "deputy"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule_set", "deputy"], name="assessment_once_per_deputy_year"
            ),
            models.CheckConstraint(
                condition=Q(base__gte=0, innovation__gte=0, contribution__gte=0, total__gte=0),
                name="assessment_scores_not_negative",
            ),
            models.CheckConstraint(condition=Q(rank__gte=1), name="assessment_rank_positive"),
        ]
        indexes = [
            models.Index(fields=["rule_set", "grade"]),
            # One year's ranking, in rank order (the admin list and the report).
            models.Index(fields=["rule_set", "rank"], name="perf_assessment_year_rank"),
        ]

    def __str__(self) -> str:
        return f"{self.rule_set.year} {self.deputy_id} {self.total}"


class ConsequenceKind(models.TextChoices):
    REELECTION = "reelection", _("连任推荐")
    EXIT = "exit", _("劝辞")


class Decision(models.TextChoices):
    RECOMMENDED = "recommended", _("推荐连任")
    NOT_RECOMMENDED = "not_recommended", _("暂不推荐")
    TALKED = "talked", _("已谈话提醒")
    PERSUADED = "persuaded", _("已劝辞")
    RESIGNED = "resigned", _("已辞职")
    RETAINED = "retained", _("经研究保留")


# Which decisions answer which list (a re-election candidate is not "persuaded to resign").
DECISIONS_BY_KIND = {
    ConsequenceKind.REELECTION: (Decision.RECOMMENDED, Decision.NOT_RECOMMENDED),
    ConsequenceKind.EXIT: (
        Decision.TALKED,
        Decision.PERSUADED,
        Decision.RESIGNED,
        Decision.RETAINED,
    ),
}


class ConsequenceDecision(models.Model):
    """What the committee decided for a deputy on the re-election or exit list."""

    deputy = models.ForeignKey(
        "deputies.Deputy",
        verbose_name=_("代表"),
        on_delete=models.CASCADE,
        related_name="consequence_decisions",
    )
    year = models.PositiveSmallIntegerField(_("考核年度"))
    kind = models.CharField(_("类别"), max_length=12, choices=ConsequenceKind.choices)
    decision = models.CharField(_("处理决定"), max_length=20, choices=Decision.choices)
    note = models.TextField(_("说明"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_on = models.DateField(_("决定日期"))

    class Meta:
        verbose_name = _("考核结果运用")
        verbose_name_plural = _("考核结果运用")
        ordering = ["-year", "kind", "deputy"]
        constraints = [
            models.UniqueConstraint(
                fields=["deputy", "year", "kind"], name="consequence_once_per_deputy_year_kind"
            ),
            models.CheckConstraint(
                condition=Q(
                    kind=ConsequenceKind.REELECTION,
                    decision__in=DECISIONS_BY_KIND[ConsequenceKind.REELECTION],
                )
                | Q(
                    kind=ConsequenceKind.EXIT,
                    decision__in=DECISIONS_BY_KIND[ConsequenceKind.EXIT],
                ),
                name="consequence_decision_fits_kind",
                violation_error_message=_("处理决定与名单类别不符。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.get_kind_display()} {self.get_decision_display()}"


class DisputeKind(models.TextChoices):
    WRONG = "wrong", _("错：记录有误")
    DUPLICATE = "duplicate", _("重：重复记录")
    MISSING = "missing", _("漏：遗漏未记")


class DisputeStatus(models.TextChoices):
    OPEN = "open", _("待处理")
    ACCEPTED = "accepted", _("已采纳")
    REJECTED = "rejected", _("不予采纳")


class Dispute(models.Model):
    """A deputy's objection to the ledger (错、重、漏), resolved by staff."""

    deputy = models.ForeignKey(
        "deputies.Deputy",
        verbose_name=_("代表"),
        on_delete=models.CASCADE,
        related_name="ledger_disputes",
    )
    kind = models.CharField(_("类型"), max_length=10, choices=DisputeKind.choices)
    entry = models.ForeignKey(
        LedgerEntry,
        verbose_name=_("所涉记录"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="disputes",
    )
    rule = models.ForeignKey(
        Rule,
        verbose_name=_("应记规则"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("遗漏时应补记的事项；记录有误时应更正为的事项（可不填）。"),
    )
    occurred_on = models.DateField(_("履职日期"), null=True, blank=True)
    title = models.CharField(_("事项"), max_length=200, blank=True)
    note = models.TextField(_("说明"))
    evidence = models.FileField(
        _("佐证材料"), upload_to="ledger/%Y/%m/", validators=EVIDENCE_VALIDATORS, blank=True
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=DisputeStatus.choices, default=DisputeStatus.OPEN
    )
    resolution = models.CharField(_("处理意见"), max_length=200, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("处理人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    resolved_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("提出时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("积分异议")
        verbose_name_plural = _("积分异议")
        ordering = ["status", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind=DisputeKind.MISSING) | Q(entry__isnull=False),
                name="dispute_names_entry_unless_missing",
            ),
            models.CheckConstraint(
                condition=~Q(kind=DisputeKind.MISSING)
                | Q(rule__isnull=False, occurred_on__isnull=False),
                name="dispute_missing_has_rule_and_date",
            ),
            models.CheckConstraint(
                condition=~Q(status=DisputeStatus.REJECTED) | ~Q(resolution=""),
                name="dispute_rejection_has_reason",
            ),
            models.UniqueConstraint(
                fields=["entry"],
                condition=Q(status=DisputeStatus.OPEN, entry__isnull=False),
                name="dispute_one_open_per_entry",
                violation_error_message=_("这条记录已有待处理的异议。"),
            ),
        ]
        # The staff desk's count of open disputes and the admin list's status filter.
        indexes = [
            models.Index(fields=["status", "created_at"], name="perf_dispute_status_created")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.title or self.entry_id}"


class Publication(models.Model):
    """A quarterly score table published to deputies (季度亮分), kept as it was published."""

    year = models.PositiveSmallIntegerField(_("年度"))
    quarter = models.PositiveSmallIntegerField(_("季度"))
    rows = models.JSONField(_("积分表"), default=list)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发布人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    published_at = models.DateTimeField(_("发布时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("季度亮分")
        verbose_name_plural = _("季度亮分")
        ordering = ["-year", "-quarter"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "quarter"], name="publication_once_per_quarter"
            ),
            models.CheckConstraint(
                condition=Q(quarter__gte=1, quarter__lte=4), name="publication_quarter_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} 年第 {self.quarter} 季度"


class ActivityKind(models.TextChoices):
    MEETING = "meeting", _("代表小组/工委会议")
    CONCENTRATED = "concentrated", _("集中活动")
    INSPECTION = "inspection", _("视察")
    RESEARCH = "research", _("调研")
    LAW_ENFORCEMENT = "law_enforcement", _("执法检查")
    FORUM = "forum", _("座谈")
    LECTURE = "lecture", _("代表讲坛")
    COURT = "court", _("旁听庭审")
    BUDGET = "budget", _("预算审查")
    LEGISLATION = "legislation", _("立法征询")
    TRAINING = "training", _("履职培训")


# Which rule the present participants of an activity of each kind are credited under.
ACTIVITY_RULE = {
    ActivityKind.MEETING: "B01",
    ActivityKind.CONCENTRATED: "B01",
    ActivityKind.FORUM: "B01",
    ActivityKind.LECTURE: "B01",
    ActivityKind.COURT: "B01",
    ActivityKind.LEGISLATION: "B01",
    ActivityKind.INSPECTION: "B02",
    ActivityKind.RESEARCH: "B02",
    ActivityKind.LAW_ENFORCEMENT: "B02",
    ActivityKind.BUDGET: "B02",
    ActivityKind.TRAINING: "B05",
}
ABSENCE_RULE = "B07"


class SupervisionTopic(models.Model):
    """One item of the year's menu-style supervision (菜单式监督)."""

    year = models.PositiveSmallIntegerField(_("年度"))
    title = models.CharField(_("监督议题"), max_length=100)
    description = models.TextField(_("内容说明"), blank=True)
    group = models.ForeignKey(
        "deputies.ProfessionalGroup",
        verbose_name=_("牵头专业小组"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    deputies = models.ManyToManyField(
        "deputies.Deputy",
        verbose_name=_("认领代表"),
        through="TopicSignup",
        related_name="supervision_topics",
        blank=True,
    )

    class Meta:
        verbose_name = _("监督菜单议题")
        verbose_name_plural = _("监督菜单议题")
        ordering = ["-year", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "title"],
                name="topic_title_unique_per_year",
                violation_error_message=_("本年度已有同名议题。"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.title}"


class TopicSignup(models.Model):
    topic = models.ForeignKey(
        SupervisionTopic, verbose_name=_("议题"), on_delete=models.CASCADE, related_name="signups"
    )
    deputy = models.ForeignKey(
        "deputies.Deputy", verbose_name=_("代表"), on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(_("认领时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("议题认领")
        verbose_name_plural = _("议题认领")
        ordering = ["topic", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["topic", "deputy"],
                name="topic_signup_once",
                violation_error_message=_("该代表已认领此议题。"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.topic} · {self.deputy_id}"


class Activity(models.Model):
    """An organised activity (视察、调研、座谈…) with deputies of any level on its roll."""

    title = models.CharField(_("活动主题"), max_length=200)
    kind = models.CharField(_("活动类型"), max_length=20, choices=ActivityKind.choices)
    topic = models.ForeignKey(
        SupervisionTopic,
        verbose_name=_("监督菜单议题"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="activities",
    )
    occurred_on = models.DateField(_("活动日期"))
    place = models.CharField(_("地点"), max_length=100, blank=True)
    organiser = models.CharField(_("组织单位"), max_length=100, blank=True)
    description = models.TextField(_("活动内容"), blank=True)
    roll_closed_at = models.DateTimeField(_("点名结束时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("组织活动")
        verbose_name_plural = _("组织活动")
        ordering = ["-occurred_on", "-id"]

    def __str__(self) -> str:
        return f"{self.occurred_on} {self.title}"

    @property
    def rule_code(self) -> str:
        return ACTIVITY_RULE[ActivityKind(self.kind)]


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("出席")
    EXCUSED = "excused", _("请假")
    UNEXCUSED = "unexcused", _("无故缺席")


class Attendance(models.Model):
    activity = models.ForeignKey(
        Activity, verbose_name=_("活动"), on_delete=models.CASCADE, related_name="attendances"
    )
    deputy = models.ForeignKey(
        "deputies.Deputy",
        verbose_name=_("代表"),
        on_delete=models.PROTECT,
        related_name="attendances",
    )
    status = models.CharField(
        _("出勤"), max_length=10, choices=AttendanceStatus.choices, default=AttendanceStatus.PRESENT
    )
    note = models.CharField(_("备注"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("出勤")
        verbose_name_plural = _("出勤")
        ordering = ["activity", "deputy"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "deputy"],
                name="attendance_once",
                violation_error_message=_("该代表已在名单中。"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.deputy} {self.get_status_display()}"


class VoterReportPlan(models.Model):
    """The year's plan of deputies who report to their voters (述职)."""

    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("制定人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("制定时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("述职计划")
        verbose_name_plural = _("述职计划")
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year} 年度述职计划"


class ReportStatus(models.TextChoices):
    PLANNED = "planned", _("已安排")
    HELD = "held", _("已述职")
    VERIFIED = "verified", _("已核实")


class VoterReport(models.Model):
    plan = models.ForeignKey(
        VoterReportPlan,
        verbose_name=_("述职计划"),
        on_delete=models.CASCADE,
        related_name="reports",
    )
    deputy = models.ForeignKey(
        "deputies.Deputy",
        verbose_name=_("代表"),
        on_delete=models.PROTECT,
        related_name="voter_reports",
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.PLANNED
    )
    held_on = models.DateField(_("述职日期"), null=True, blank=True)
    place = models.CharField(_("地点"), max_length=100, blank=True)
    voters_present = models.PositiveIntegerField(_("参会选民数"), default=0)
    satisfied = models.PositiveIntegerField(_("满意"), default=0)
    basically_satisfied = models.PositiveIntegerField(_("基本满意"), default=0)
    unsatisfied = models.PositiveIntegerField(_("不满意"), default=0)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("核实人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    verified_at = models.DateTimeField(_("核实时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("代表述职")
        verbose_name_plural = _("代表述职")
        ordering = ["plan", "deputy"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "deputy"], name="voter_report_once_per_plan"),
            models.CheckConstraint(
                condition=Q(status=ReportStatus.PLANNED) | Q(held_on__isnull=False),
                name="voter_report_held_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan.year} {self.deputy}"

    @property
    def evaluations(self) -> int:
        return self.satisfied + self.basically_satisfied + self.unsatisfied


class IdleReminder(models.Model):
    """A reminder to a deputy with no ledger entry for a while; the second unanswered one puts
    the deputy on the staff's talk list (提醒谈话)."""

    deputy = models.ForeignKey(
        "deputies.Deputy",
        verbose_name=_("代表"),
        on_delete=models.CASCADE,
        related_name="idle_reminders",
    )
    idle_since = models.DateField(_("最近履职日期"))
    sequence = models.PositiveSmallIntegerField(_("第几次提醒"))
    sent_on = models.DateField(_("提醒日期"))
    talked_on = models.DateField(_("谈话日期"), null=True, blank=True)
    talk_note = models.CharField(_("谈话记录"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("履职提醒")
        verbose_name_plural = _("履职提醒")
        ordering = ["-sent_on", "deputy"]
        constraints = [
            models.UniqueConstraint(
                fields=["deputy", "idle_since", "sequence"], name="idle_reminder_once"
            ),
            models.CheckConstraint(
                condition=Q(sequence__gte=1), name="idle_reminder_sequence_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.deputy} #{self.sequence} {self.sent_on}"
