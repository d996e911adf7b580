"""Suggestions and proposals (议案建议) from draft to closed, the units that handle them, and the
two-dimension evaluation that scores those units. Status changes go through
``suggestions.workflow.suggestion_transition`` only."""

# The models live in modules by subject; this package re-exports every name the single
# ``models.py`` had, so ``from suggestions.models import X`` and the dotted paths recorded in
# migrations (``suggestions.models._attachment_path``, ``suggestions.models.validate_attachment``)
# keep working.
from .attachments import Attachment, _attachment_path, validate_attachment
from .choices import (
    CHECK_ORDER,
    CONCLUDED_STATES,
    OPEN_HANDLING,
    PRE_REGISTRATION,
    STAFF_LIVE_STATES,
    UNDER_HANDLING,
    CheckKind,
    CommitmentStatus,
    ExtensionStatus,
    Kind,
    Origin,
    ProblemKind,
    ResultClass,
    ReturnStatus,
    Status,
    Verdict,
)
from .evaluation import (
    Evaluation,
    FollowUpCheck,
    PublicRating,
    QuarterlyReport,
    ToughProject,
    _score_range,
)
from .handling import Commitment, CoreProblem, Meeting, Milestone, Reply, SupervisionPlan
from .requests import ExtensionRequest, ReturnRequest
from .reviews import UnitReview
from .suggestion import (
    DEFAULT_CATEGORIES,
    Category,
    RegistrationCounter,
    StatusChange,
    Suggestion,
    SuggestionQuerySet,
)
from .units import HandlingUnit, UnitYearScore

__all__ = [
    "CHECK_ORDER",
    "CONCLUDED_STATES",
    "DEFAULT_CATEGORIES",
    "OPEN_HANDLING",
    "PRE_REGISTRATION",
    "STAFF_LIVE_STATES",
    "UNDER_HANDLING",
    "Attachment",
    "Category",
    "CheckKind",
    "Commitment",
    "CommitmentStatus",
    "CoreProblem",
    "Evaluation",
    "ExtensionRequest",
    "ExtensionStatus",
    "FollowUpCheck",
    "HandlingUnit",
    "Kind",
    "Meeting",
    "Milestone",
    "Origin",
    "ProblemKind",
    "PublicRating",
    "QuarterlyReport",
    "RegistrationCounter",
    "Reply",
    "ResultClass",
    "ReturnRequest",
    "ReturnStatus",
    "Status",
    "StatusChange",
    "Suggestion",
    "SuggestionQuerySet",
    "SupervisionPlan",
    "ToughProject",
    "UnitReview",
    "UnitYearScore",
    "Verdict",
    "_attachment_path",
    "_score_range",
    "validate_attachment",
]
