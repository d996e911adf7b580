"""Liaison stations (代表之家、联络站、联系点、民情收集点) and their reception days."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class StationKind(models.TextChoices):
    HOME = "home", _("人大代表之家")
    STATION = "station", _("代表联络站")
    POINT = "point", _("代表联系点")
    COLLECTION = "collection", _("民情收集点")


class HostType(models.TextChoices):
    """Where the station stands (站网融合, "代表联络站+")."""

    COMMUNITY = "community", _("社区")
    SERVICE_HALL = "service_hall", _("政务服务大厅")
    INDUSTRIAL_PARK = "industrial_park", _("产业园区")
    BUSINESS_BUILDING = "business_building", _("商圈楼宇")
    COURIER = "courier", _("快递网点")
    RIDE_HAILING = "ride_hailing", _("网约车平台")
    OTHER = "other", _("其他")


class Station(models.Model):
    kind = models.CharField(_("类型"), max_length=12, choices=StationKind.choices)
    host_type = models.CharField(
        _("依托场所"), max_length=20, choices=HostType.choices, default=HostType.COMMUNITY
    )
    name = models.CharField(_("名称"), max_length=80, unique=True)
    community = models.ForeignKey(
        "deputies.Community",
        verbose_name=_("所在社区"),
        on_delete=models.PROTECT,
        related_name="stations",
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(
        _("经度"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    opening_hours = models.CharField(
        _("开放时间"), max_length=200, blank=True, help_text=_("例如：每周三 9:00–11:30")
    )
    deputies = models.ManyToManyField(
        "deputies.Deputy",
        verbose_name=_("进站代表"),
        blank=True,
        related_name="liaison_stations",
    )
    is_active = models.BooleanField(_("启用"), default=True, db_index=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("联络站点")
        verbose_name_plural = _("联络站点")
        ordering = ["community__order", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=StationKind.values), name="station_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(host_type__in=HostType.values), name="station_host_type_valid"
            ),
            models.CheckConstraint(
                condition=(Q(latitude__isnull=True) & Q(longitude__isnull=True))
                | (
                    # both present: a NULL in a range test would pass a CHECK (unknown ≠ false)
                    Q(latitude__isnull=False)
                    & Q(longitude__isnull=False)
                    & Q(latitude__gte=-90)
                    & Q(latitude__lte=90)
                    & Q(longitude__gte=-180)
                    & Q(longitude__lte=180)
                ),
                name="station_coordinates_pair_in_range",
                violation_error_message=_("经纬度须同时填写且在有效范围内。"),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ReceptionTheme(models.TextChoices):
    REGULAR = "regular", _("常规接待")
    SPECIAL = "special", _("专项接待日")
    LEGISLATIVE = "legislative", _("立法征询")
    BUDGET = "budget", _("预算征询")
    OTHER = "other", _("其他")


class ReceptionDay(models.Model):
    """接待日: a slot at a station with the deputies on duty (each a ``Duty`` row)."""

    station = models.ForeignKey(
        Station, verbose_name=_("站点"), on_delete=models.PROTECT, related_name="reception_days"
    )
    date = models.DateField(_("日期"))
    starts_at = models.TimeField(_("开始时间"))
    ends_at = models.TimeField(_("结束时间"), null=True, blank=True)
    theme = models.CharField(
        _("接待类型"), max_length=12, choices=ReceptionTheme.choices, default=ReceptionTheme.REGULAR
    )
    topic = models.CharField(
        _("主题"), max_length=100, blank=True, help_text=_("专项接待或立法征询的题目")
    )
    note = models.TextField(_("备注"), blank=True)
    deputies = models.ManyToManyField(
        "deputies.Deputy",
        verbose_name=_("值班代表"),
        through="Duty",
        related_name="reception_days",
        blank=True,
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("接待日")
        verbose_name_plural = _("接待日")
        ordering = ["-date", "starts_at"]
        indexes = [
            models.Index(fields=["date", "starts_at"], name="reception_day_date_idx"),
            # A deputy's duties in a week and their next three (the dashboard's to-do and card,
            # liaison.panels.duties.facts): each of their duty's days probed here for its date
            # and start, the rows never read, instead of hashing every reception day still to
            # come in the district (the next three: ~0.4 ms of the dashboard's statement at
            # district size, then a cost that grew with the stations' calendars).
            models.Index(fields=["id", "date", "starts_at"], name="reception_day_id_slot_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["station", "date", "starts_at"],
                name="reception_day_unique_slot",
                violation_error_message=_("该站点同一日期同一时间已有接待安排。"),
            ),
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gt=F("starts_at")),
                name="reception_day_ends_after_start",
                violation_error_message=_("结束时间须晚于开始时间。"),
            ),
            models.CheckConstraint(
                condition=Q(theme__in=ReceptionTheme.values), name="reception_day_theme_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.starts_at:%H:%M} {self.station}"


class Duty(models.Model):
    """One deputy on duty on one reception day; attendance earns B03 once."""

    reception_day = models.ForeignKey(
        ReceptionDay, verbose_name=_("接待日"), on_delete=models.CASCADE, related_name="duties"
    )
    deputy = models.ForeignKey(
        "deputies.Deputy",
        verbose_name=_("代表"),
        on_delete=models.PROTECT,
        related_name="reception_duties",
    )
    attended = models.BooleanField(
        _("到岗"), null=True, blank=True, help_text=_("空表示尚未登记。")
    )
    reminded_at = models.DateTimeField(_("提醒时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("值班代表")
        verbose_name_plural = _("值班代表")
        ordering = ["reception_day", "deputy"]
        indexes = [models.Index(fields=["deputy", "reception_day"], name="duty_deputy_day_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["reception_day", "deputy"],
                name="duty_unique_deputy_per_day",
                violation_error_message=_("该代表已在本接待日值班名单中。"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.reception_day} · {self.deputy}"
