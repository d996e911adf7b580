"""What the liaison stations' history records (``core.history``): reception duties (who
attended) and residents' opinions as they are assigned and answered. The resident's own
words, name, phone and tracking code stay out of the audit table."""

from core.history import track


def register() -> None:
    from .models import Duty, Opinion

    track(Duty)
    track(Opinion, exclude=("description", "contact_name", "contact_phone", "tracking_code"))
