"""What the suggestions' history records (``core.history``): suggestions and their handling
(replies, extension and return requests), the deputies' evaluations, public ratings, tough
projects and the units' yearly scores."""

from core.history import track


def register() -> None:
    from .models import (
        Evaluation,
        ExtensionRequest,
        PublicRating,
        Reply,
        ReturnRequest,
        Suggestion,
        ToughProject,
        UnitYearScore,
    )

    for model in (
        Suggestion,
        Reply,
        ExtensionRequest,
        ReturnRequest,
        Evaluation,
        ToughProject,
        UnitYearScore,
    ):
        track(model)
    # Who rated is kept only as digests and device tokens: no one's business here.
    track(PublicRating, exclude=("phone_hash", "device_token"))
