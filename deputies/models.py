from datetime import date

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import Length
from django.utils.translation import gettext_lazy as _

from core import clock
from core.choices import choice_label
from core.uploads import RandomName

models.CharField.register_lookup(Length)

MOBILE_VALIDATOR = RegexValidator(
    r"^1[3-9][0-9]{9}$", _("请输入 11 位中国大陆手机号码，例如 13800138000。")
)
CODE_VALIDATOR = RegexValidator(
    r"^[A-Za-z0-9\-]{2,32}$", _("代表编号只能包含字母、数字和连字符（2–32 位）。")
)


class TermQuerySet(models.QuerySet):
    def on(self, day):
        return self.filter(start_date__lte=day, end_date__gte=day)


class Term(models.Model):
    """届次: the congress term a deputy serves in."""

    number = models.PositiveSmallIntegerField(_("届次"), unique=True)
    name = models.CharField(_("名称"), max_length=50, blank=True)
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"))

    objects = TermQuerySet.as_manager()

    class Meta:
        verbose_name = _("届次")
        verbose_name_plural = _("届次")
        ordering = ["-number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gt=F("start_date")),
                name="term_ends_after_start",
                violation_error_message=_("结束日期必须晚于开始日期。"),
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1),
                name="term_number_positive",
                violation_error_message=_("届次必须是正整数。"),
            ),
        ]

    def __str__(self) -> str:
        return self.name or f"第{self.number}届"

    @classmethod
    def current(cls, *, today: date | None = None) -> "Term | None":
        """The term in office on ``today``; None between a term's end and the change-over."""
        return cls.objects.on(today or clock.today()).order_by("-number").first()


class Constituency(models.Model):
    """选区: an electoral district, usually one or more residential communities."""

    name = models.CharField(_("选区名称"), max_length=50, unique=True)
    communities = models.CharField(_("包含社区"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("选区")
        verbose_name_plural = _("选区")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Community(models.Model):
    """社区: where a station stands and where residents' opinions, visits and hotline events
    are counted (the public-opinion index groups by community × category)."""

    name = models.CharField(_("社区名称"), max_length=50, unique=True)
    constituency = models.ForeignKey(
        Constituency,
        verbose_name=_("所属选区"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="community_set",
    )
    order = models.PositiveSmallIntegerField(_("排序"), default=100)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("社区")
        verbose_name_plural = _("社区")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class ProfessionalGroup(models.Model):
    """专业代表小组: deputies grouped by field, led by one of them."""

    name = models.CharField(_("小组名称"), max_length=50, unique=True)
    leader = models.ForeignKey(
        "Deputy",
        verbose_name=_("组长"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="led_groups",
    )
    description = models.TextField(_("职责说明"), blank=True)

    class Meta:
        verbose_name = _("专业代表小组")
        verbose_name_plural = _("专业代表小组")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Level(models.TextChoices):
    PROVINCE = "province", _("省人大代表")
    CITY = "city", _("市人大代表")
    DISTRICT = "district", _("区人大代表")
    STREET = "street", _("街道议政代表")


class Gender(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class Status(models.TextChoices):
    SERVING = "serving", _("在任")
    RESIGNED = "resigned", _("辞职")
    TERMINATED = "terminated", _("终止资格")
    TERM_ENDED = "term_ended", _("届满离任")


# Statuses of a deputy out of office: each carries the date and the reason.
LEFT_OFFICE = [Status.RESIGNED, Status.TERMINATED, Status.TERM_ENDED]


class PoliticalAffiliation(models.TextChoices):
    CPC = "cpc", _("中共党员")
    CPC_PROBATIONARY = "cpc_probationary", _("中共预备党员")
    CYL = "cyl", _("共青团员")
    DEMOCRATIC_PARTY = "democratic_party", _("民主党派")
    NONE = "masses", _("群众")


class Education(models.TextChoices):
    POSTGRADUATE = "postgraduate", _("研究生")
    BACHELOR = "bachelor", _("大学本科")
    COLLEGE = "college", _("大学专科")
    SECONDARY = "secondary", _("高中/中专")
    JUNIOR = "junior", _("初中及以下")


class Sector(models.TextChoices):
    """代表构成: the sector a deputy comes from, as rosters usually classify it."""

    WORKER = "worker", _("工人")
    FARMER = "farmer", _("农民")
    PROFESSIONAL = "professional", _("专业技术人员")
    CADRE = "cadre", _("党政干部")
    ENTERPRISE = "enterprise", _("企业负责人")
    COMMUNITY = "community", _("社区工作者")
    OTHER = "other", _("其他")


class DeputyQuerySet(models.QuerySet):
    def serving(self):
        return self.filter(status=Status.SERVING)

    def serving_on(self, day):
        """Deputies in office on ``day``: serving, or left after that day.

        A resignation or termination takes effect on its date; a deputy whose term ended
        (届满离任, dated the term's last day) served through that day.
        """
        return self.filter(
            Q(status=Status.SERVING)
            | Q(status_date__gt=day)
            | Q(status=Status.TERM_ENDED, status_date=day)
        )

    def held_office_between(self, start: date, end: date):
        """Deputies who belonged to a term overlapping ``start``..``end``: through their
        current term, or through a membership of an earlier one (a deputy who continued into
        the next term, or whose term ended, still belongs to the years of the old one)."""
        earlier = TermMembership.objects.filter(
            deputy=OuterRef("pk"),
            term__start_date__lte=end,
            term__end_date__gte=start,
            joined_on__lte=end,
        )
        return self.filter(
            Q(term__start_date__lte=end, term__end_date__gte=start) | Q(Exists(earlier))
        )

    def with_relations(self):
        return self.select_related("constituency", "group", "term", "first_elected_term")


class Deputy(models.Model):
    code = models.CharField(_("代表编号"), max_length=32, unique=True, validators=[CODE_VALIDATOR])
    name = models.CharField(_("姓名"), max_length=50)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices)
    ethnicity = models.CharField(_("民族"), max_length=20, default="汉族")
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    political_affiliation = models.CharField(
        _("政治面貌"), max_length=20, choices=PoliticalAffiliation.choices, blank=True
    )
    education = models.CharField(_("学历"), max_length=20, choices=Education.choices, blank=True)
    workplace = models.CharField(_("工作单位"), max_length=100, blank=True)
    post = models.CharField(_("职务"), max_length=50, blank=True)
    mobile = models.CharField(_("手机"), max_length=11, validators=[MOBILE_VALIDATOR])
    photo = models.ImageField(
        _("照片"),
        upload_to=RandomName("deputies/photos"),
        blank=True,
        help_text=_("用于联络站海报和公开页面（亮身份）；建议 3:4 证件照。"),
    )
    email = models.EmailField(_("电子邮箱"), blank=True)
    level = models.CharField(_("代表层级"), max_length=10, choices=Level.choices, db_index=True)
    constituency = models.ForeignKey(
        Constituency, verbose_name=_("选区"), on_delete=models.PROTECT, related_name="deputies"
    )
    sector = models.CharField(_("代表构成"), max_length=20, choices=Sector.choices, blank=True)
    specialties = models.CharField(_("专业特长"), max_length=200, blank=True)
    group = models.ForeignKey(
        ProfessionalGroup,
        verbose_name=_("专业代表小组"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
    )
    term = models.ForeignKey(
        Term, verbose_name=_("本届"), on_delete=models.PROTECT, related_name="deputies"
    )
    first_elected_term = models.ForeignKey(
        Term,
        verbose_name=_("首次当选届次"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="first_elected_deputies",
        help_text=_("留空表示本届首次当选。"),
    )
    status = models.CharField(
        _("状态"), max_length=12, choices=Status.choices, default=Status.SERVING, db_index=True
    )
    status_date = models.DateField(_("状态变更日期"), null=True, blank=True)
    status_reason = models.CharField(_("变更原因"), max_length=200, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登录账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deputy",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = DeputyQuerySet.as_manager()

    class Meta:
        verbose_name = _("代表")
        verbose_name_plural = _("代表")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                fields=["mobile"],
                name="deputy_mobile_unique",
                violation_error_message=_("该手机号已被其他代表使用。"),
            ),
            models.CheckConstraint(
                condition=Q(level__in=Level.values),
                name="deputy_level_valid",
                violation_error_message=_("代表层级无效。"),
            ),
            models.CheckConstraint(
                condition=Q(gender__in=Gender.values),
                name="deputy_gender_valid",
                violation_error_message=_("性别无效。"),
            ),
            models.CheckConstraint(
                condition=Q(mobile__startswith="1", mobile__length=11),
                name="deputy_mobile_format",
                violation_error_message=_("手机号应为 1 开头的 11 位数字。"),
            ),
            models.CheckConstraint(
                condition=(
                    Q(status=Status.SERVING, status_date__isnull=True)
                    | (
                        Q(status__in=LEFT_OFFICE)
                        & Q(status_date__isnull=False)
                        & ~Q(status_reason="")
                    )
                ),
                name="deputy_status_date_reason",
                violation_error_message=_(
                    "在任代表不填离任日期；辞职、终止资格或届满离任须填写日期和原因。"
                ),
            ),
            models.CheckConstraint(
                condition=Q(birth_date__isnull=True) | Q(birth_date__gt=date(1900, 1, 1)),
                name="deputy_birth_date_plausible",
                violation_error_message=_("出生日期不合理。"),
            ),
        ]
        indexes = [models.Index(fields=["name"]), models.Index(fields=["level", "status"])]

    def __str__(self) -> str:
        return self.label_of(self.name, self.code)

    def save(self, *args, **kwargs) -> None:
        """Save, and keep the membership of the current term in step with the term and the
        status (every path that creates a deputy or changes them gets the history for free:
        admin, import, status service, change-over, demo, factories)."""
        update_fields = kwargs.get("update_fields")
        with transaction.atomic():
            super().save(*args, **kwargs)
            if update_fields is None or MEMBERSHIP_FIELDS.intersection(update_fields):
                TermMembership.sync(self)

    @staticmethod
    def label_of(name: str, code: str) -> str:
        """A deputy's label from their name and code, for a list that read those without the
        deputy's row."""
        return f"{name}（{code}）"

    def get_level_display(self) -> str:
        """Django's ``get_level_display``, from the labels translated once per language
        (``core.choices``): the deputy's dashboard shows the level four times (issue #8)."""
        return choice_label(self, "level")

    @property
    def masked_mobile(self) -> str:
        return f"{self.mobile[:3]}****{self.mobile[-4:]}" if len(self.mobile) == 11 else ""

    @property
    def is_new(self) -> bool:
        """新任: first elected in the current term (or no earlier term recorded)."""
        return self.first_elected_term_id in (None, self.term_id)

    @property
    def is_serving(self) -> bool:
        return self.status == Status.SERVING


# The fields of a deputy that their current membership mirrors.
MEMBERSHIP_FIELDS = frozenset({"term", "term_id", "status", "status_date"})


class MembershipEnd(models.TextChoices):
    """How a deputy's membership of a term ended."""

    CONTINUED = "continued", _("连任下一届")
    TERM_ENDED = "term_ended", _("届满离任")
    RESIGNED = "resigned", _("辞职")
    TERMINATED = "terminated", _("终止资格")


class TermMembership(models.Model):
    """One deputy in one term (任职记录): the history that ``Deputy.term`` (the current term
    only) cannot hold. The change-over closes the old term's memberships and opens the new
    term's for those who continue; assessments of the old term's years find their deputies
    through it."""

    deputy = models.ForeignKey(
        Deputy, verbose_name=_("代表"), on_delete=models.CASCADE, related_name="memberships"
    )
    term = models.ForeignKey(
        Term, verbose_name=_("届次"), on_delete=models.PROTECT, related_name="memberships"
    )
    joined_on = models.DateField(_("就任日期"))
    left_on = models.DateField(_("离任日期"), null=True, blank=True)
    end_reason = models.CharField(
        _("离任方式"), max_length=12, choices=MembershipEnd.choices, blank=True
    )

    class Meta:
        verbose_name = _("任职记录")
        verbose_name_plural = _("任职记录")
        ordering = ["deputy", "-term__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["deputy", "term"],
                name="membership_once_per_term",
                violation_error_message=_("该代表在这一届已有任职记录。"),
            ),
            models.UniqueConstraint(
                fields=["deputy"],
                condition=Q(left_on__isnull=True),
                name="membership_one_open",
                violation_error_message=_("一名代表同时只能在一届中在任。"),
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True, end_reason="")
                | (Q(left_on__isnull=False) & ~Q(end_reason="")),
                name="membership_left_with_reason",
                violation_error_message=_("离任须同时填写离任日期和离任方式。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.deputy} · {self.term}"

    @classmethod
    def sync(cls, deputy: Deputy) -> "TermMembership":
        """Make the deputy's membership of their current term exist and match their status.

        Idempotent. A membership left open in another term (the term changed by hand rather
        than through a change-over) is closed first, as continued, so a deputy is never in
        office in two terms at once.
        """
        term = deputy.term
        left_on = deputy.status_date if deputy.status != Status.SERVING else None
        end_reason = MembershipEnd(deputy.status) if left_on else ""
        for stale in cls.objects.filter(deputy=deputy, left_on__isnull=True).exclude(term=term):
            stale.left_on = max(stale.joined_on, min(stale.term.end_date, term.start_date))
            stale.end_reason = MembershipEnd.CONTINUED
            stale.save(update_fields=["left_on", "end_reason"])
        joined_on = min(term.start_date, left_on) if left_on else term.start_date
        membership, created = cls.objects.get_or_create(
            deputy=deputy,
            term=term,
            defaults={"joined_on": joined_on, "left_on": left_on, "end_reason": end_reason},
        )
        if not created and (membership.left_on, membership.end_reason) != (left_on, end_reason):
            membership.left_on, membership.end_reason = left_on, end_reason
            membership.save(update_fields=["left_on", "end_reason"])
        return membership
