"""(stub: being written) Recommended courses for a deputy, each with its reasons."""

from dataclasses import dataclass, field
from datetime import date

from deputies.models import Deputy

from .models import Course


@dataclass
class Recommendation:
    course: Course
    reasons: list[str] = field(default_factory=list)


def recommended_courses(
    deputy: Deputy, *, today: date | None = None, limit: int | None = None
) -> list[Recommendation]:
    return []
