"""The liaison app's tables, by subject: stations and their reception days, the visit log,
residents' opinions, and the public-opinion index (imported events and weekly flags)."""

from .index import EventSource, ExternalEvent, FlagStatus, OpinionFlag
from .opinions import Opinion, OpinionStatus
from .stations import Duty, HostType, ReceptionDay, ReceptionTheme, Station, StationKind
from .visits import Satisfaction, Visit, VisitStatus

__all__ = [
    "Duty",
    "EventSource",
    "ExternalEvent",
    "FlagStatus",
    "HostType",
    "Opinion",
    "OpinionFlag",
    "OpinionStatus",
    "ReceptionDay",
    "ReceptionTheme",
    "Satisfaction",
    "Station",
    "StationKind",
    "Visit",
    "VisitStatus",
]
