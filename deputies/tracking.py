"""What the deputies' history records (``core.history``): a deputy's record (status, phone,
professional group, term) and their memberships of terms."""

from core.history import track


def register() -> None:
    from .models import Deputy, TermMembership

    # The phone is kept masked in the audit table; the photo is named, not copied.
    track(Deputy, mask=("mobile",))
    track(TermMembership)
