"""What the duty ledger's history records (``core.history``): the rules and their sets, every
ledger entry, the annual assessment and its consequences, disputes, supervision topics with
their sign-ups, and activity attendance."""

from core.history import track


def register() -> None:
    from .models import (
        Assessment,
        Attendance,
        ConsequenceDecision,
        Dispute,
        LedgerEntry,
        Rule,
        RuleSet,
        SupervisionTopic,
        TopicSignup,
    )

    # When and out of how many were computed change on every recompute; the scores matter.
    track(Assessment, exclude=("computed_at", "assessed_count"))
    for model in (
        RuleSet,
        Rule,
        LedgerEntry,
        ConsequenceDecision,
        Dispute,
        SupervisionTopic,
        TopicSignup,
        Attendance,
    ):
        track(model)
