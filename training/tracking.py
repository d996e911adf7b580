"""What training's history records (``core.history``): enrolments and attendance, which
credit the duty ledger."""

from core.history import track


def register() -> None:
    from .models import Attendance, Enrollment

    track(Enrollment)
    track(Attendance)
