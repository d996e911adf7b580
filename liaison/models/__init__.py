"""The liaison app's tables, by subject: stations and their reception days, the visit log,
residents' opinions, the public-opinion index (imported events and weekly flags), and deputy
stories (代表在身边)."""

from .index import EventSource, ExternalEvent, FlagStatus, OpinionFlag
from .opinions import Opinion, OpinionStatus
from .stations import Duty, HostType, ReceptionDay, ReceptionTheme, Station, StationKind
from .stories import Story, StoryPhoto, StoryStatus
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
    "Story",
    "StoryPhoto",
    "StoryStatus",
    "Visit",
    "VisitStatus",
]
