"""The duty ledger (履职档案): rule sets per year, ledger entries, organised activities, the
annual assessment and what follows from it.

The models live in one module per subject; every name is re-exported here so that
``from performance.models import X`` and the dotted paths in migrations keep working."""

# isort: off
# Imported in the order the models were declared in the old single module, so that the
# app registry lists them in the same order as before.
from performance.models.rules import (
    ONE_PLACE,
    RULE_CODE_VALIDATOR,
    Dimension,
    Rule,
    RuleQuerySet,
    RuleSet,
)
from performance.models.ledger import (
    ERR_FILE_CONTENT,
    ERR_FILE_TOO_BIG,
    ERR_FILE_TYPE,
    EVIDENCE_EXTENSIONS,
    EVIDENCE_SIGNATURES,
    EVIDENCE_VALIDATORS,
    EntryEvidence,
    EntryStatus,
    LedgerEntry,
    LedgerEntryQuerySet,
    SourceKind,
    validate_evidence_content,
    validate_evidence_size,
)
from performance.models.assessment import (
    DECISIONS_BY_KIND,
    Assessment,
    ConsequenceDecision,
    ConsequenceKind,
    Decision,
    Grade,
    IdleReminder,
    Publication,
)
from performance.models.disputes import Dispute, DisputeKind, DisputeStatus
from performance.models.activities import (
    ABSENCE_RULE,
    ACTIVITY_RULE,
    Activity,
    ActivityKind,
    Attendance,
    AttendanceStatus,
    SupervisionTopic,
    TopicSignup,
)
from performance.models.voter_reports import ReportStatus, VoterReport, VoterReportPlan
from performance.models.commendations import Commendation, CommendedDeputy

# isort: on

__all__ = [
    "ABSENCE_RULE",
    "ACTIVITY_RULE",
    "DECISIONS_BY_KIND",
    "ERR_FILE_CONTENT",
    "ERR_FILE_TOO_BIG",
    "ERR_FILE_TYPE",
    "EVIDENCE_EXTENSIONS",
    "EVIDENCE_SIGNATURES",
    "EVIDENCE_VALIDATORS",
    "ONE_PLACE",
    "RULE_CODE_VALIDATOR",
    "Activity",
    "ActivityKind",
    "Assessment",
    "Attendance",
    "AttendanceStatus",
    "Commendation",
    "CommendedDeputy",
    "ConsequenceDecision",
    "ConsequenceKind",
    "Decision",
    "Dimension",
    "Dispute",
    "DisputeKind",
    "DisputeStatus",
    "EntryEvidence",
    "EntryStatus",
    "Grade",
    "IdleReminder",
    "LedgerEntry",
    "LedgerEntryQuerySet",
    "Publication",
    "ReportStatus",
    "Rule",
    "RuleQuerySet",
    "RuleSet",
    "SourceKind",
    "SupervisionTopic",
    "TopicSignup",
    "VoterReport",
    "VoterReportPlan",
    "validate_evidence_content",
    "validate_evidence_size",
]
