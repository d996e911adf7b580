"""Stations: the few writes the admin form does not cover (switching stations on and off),
each audited. Creating and editing a station is the admin's form, audited in the admin."""

from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import User
from accounts.roles import Role, user_has_role
from core.audit import audit_record

from ..models import Station

ERR_NOT_PERMITTED = gettext_noop("只有工委工作人员可以管理联络站点。")


class StationError(Exception):
    """A station write that breaks a rule; the message is for the user."""


@transaction.atomic
def station_set_active(*, stations: Iterable[Station], active: bool, actor: User | None) -> int:
    """Open or close stations. A closed station keeps its history (reception days, visits,
    opinions) but gets no new reception days and leaves residents' station choices. Staff
    only. Returns how many changed."""
    if actor is not None and not user_has_role(actor, Role.STAFF):
        raise StationError(_(ERR_NOT_PERMITTED))
    changing = [s for s in stations if s.is_active != active]
    Station.objects.filter(pk__in=[s.pk for s in changing]).update(is_active=active)
    for station in changing:
        audit_record(
            actor=actor,
            action="liaison.station.activate" if active else "liaison.station.deactivate",
            target=station,
            summary=station.name,
        )
    return len(changing)


def station_saved(*, station: Station, created: bool, actor: User | None) -> None:
    """The audit row of an admin save (the form did the write)."""
    audit_record(
        actor=actor,
        action="liaison.station.create" if created else "liaison.station.update",
        target=station,
        summary=station.name,
        data={"deputies": sorted(station.deputies.values_list("code", flat=True))},
    )
