"""Demo: stations of every host type with their deputies, and a reception-day calendar around
``context.today`` (past days of the last three months with attendance marked and credited as
B03, coming days incl. tomorrow for the demo deputy d001). Idempotent: stations by name, days
by (station, date, time), duties by (day, deputy); valid on any date."""

import contextlib
from datetime import time, timedelta

from core.demo import DemoContext
from deputies.models import Community, Deputy, Status

from ..models import Duty, HostType, ReceptionDay, ReceptionTheme, Station, StationKind
from ..services.duties import DutyError, duty_mark_attendance

# name, kind, host type, community index, address, opening hours
STATIONS = [
    (
        "东湖社区人大代表之家",
        StationKind.HOME,
        HostType.COMMUNITY,
        0,
        "东湖路 18 号社区党群服务中心二楼",
        "每周三 9:00–11:30",
    ),
    (
        "西园社区代表联络站",
        StationKind.STATION,
        HostType.COMMUNITY,
        1,
        "西园街 6 号",
        "每月第一、三周周四 14:30–17:00",
    ),
    (
        "街道政务服务大厅代表联络站",
        StationKind.STATION,
        HostType.SERVICE_HALL,
        4,
        "中心大道 100 号政务服务中心一楼",
        "工作日 9:00–12:00",
    ),
    (
        "滨江产业园代表联系点",
        StationKind.POINT,
        HostType.INDUSTRIAL_PARK,
        5,
        "滨江产业园 A 座 1 楼",
        "每月第二周周二 15:00–17:00",
    ),
    (
        "南苑快递驿站民情收集点",
        StationKind.COLLECTION,
        HostType.COURIER,
        2,
        "南苑路 23 号快递驿站",
        "全天扫码，每月最后一个周五 18:30–20:00 代表在站",
    ),
    (
        "北辰网约车司机之家收集点",
        StationKind.COLLECTION,
        HostType.RIDE_HAILING,
        3,
        "北辰路网约车服务中心",
        "全天扫码，每月第四周周六 10:00–11:30 代表在站",
    ),
]

# days from today, start, theme, topic; each day is staffed by two of the station's deputies
CALENDAR = [
    (-42, time(9), ReceptionTheme.REGULAR, ""),
    (-28, time(9), ReceptionTheme.SPECIAL, "老旧小区加装电梯"),
    (-14, time(14, 30), ReceptionTheme.LEGISLATIVE, "物业管理条例（修订草案）征求意见"),
    (-7, time(9), ReceptionTheme.REGULAR, ""),
    (1, time(9), ReceptionTheme.REGULAR, ""),
    (8, time(14, 30), ReceptionTheme.BUDGET, "明年街道民生实事项目征询"),
    (21, time(9), ReceptionTheme.REGULAR, ""),
    # the earlier past, listed last so that the rota of the days above stays as it was
    (-98, time(9), ReceptionTheme.REGULAR, ""),
    (-70, time(9), ReceptionTheme.SPECIAL, "独居老人居家养老服务"),
]


def _communities() -> list[Community]:
    communities = list(Community.objects.filter(is_active=True).order_by("order", "name", "pk"))
    while len(communities) < 6:
        communities.append(Community.objects.get_or_create(name=f"示范社区{len(communities)}")[0])
    return communities


def seed(context: DemoContext) -> None:
    communities = _communities()
    deputies = list(Deputy.objects.filter(status=Status.SERVING).order_by("code")[:24])
    if not deputies:
        return
    stations = []
    for index, (name, kind, host, community, address, hours) in enumerate(STATIONS):
        station, created = Station.objects.get_or_create(
            name=name,
            defaults={
                "kind": kind,
                "host_type": host,
                "community": communities[community],
                "address": address,
                "opening_hours": hours,
            },
        )
        if created:  # four deputies each, the first station gets the demo deputy d001
            station.deputies.set(deputies[index * 4 : index * 4 + 4] or deputies[:4])
        stations.append(station)
    context.data["stations"] = stations
    _calendar(context, stations)


def _calendar(context: DemoContext, stations: list[Station]) -> None:
    today = context.today
    for s_index, station in enumerate(stations):
        roster = list(station.deputies.filter(status=Status.SERVING).order_by("code"))
        if not roster:
            continue
        for c_index, (offset, starts_at, theme, topic) in enumerate(CALENDAR):
            if offset > 1 and s_index % 2:  # the smaller points keep a lighter calendar
                continue
            on = today + timedelta(days=offset + (0 if offset == 1 else s_index))
            day, _created = ReceptionDay.objects.get_or_create(
                station=station,
                date=on,
                starts_at=starts_at,
                defaults={
                    "ends_at": time(starts_at.hour + 2, 30),
                    "theme": theme,
                    "topic": topic,
                },
            )
            # d001 (the first station's first deputy) is on duty tomorrow and in the past.
            pair = [roster[c_index % len(roster)], roster[(c_index + 1) % len(roster)]]
            if s_index == 0:
                pair[0] = roster[0]
            for deputy in {d.pk: d for d in pair}.values():
                duty, _created = Duty.objects.get_or_create(reception_day=day, deputy=deputy)
                if on < today and duty.attended is None:
                    _mark(duty, attended=(c_index + s_index) % 5 != 4, today=today)


def _mark(duty: Duty, *, attended: bool, today) -> None:
    """Attendance through the service, so attended past duties show as B03 in the ledger (a
    year without rules, or a frozen one, leaves the duty unmarked: the demo goes on)."""
    with contextlib.suppress(DutyError):
        duty_mark_attendance(duty=duty, attended=attended, actor=None, today=today)
