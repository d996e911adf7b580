"""Committee staff run the duty ledger from the admin, one module per subject; importing them
registers the models. The admin only configures and shows; every change of state (verify,
reject, close a roll, freeze a year, record a decision...) goes through
``performance.services`` / ``performance.scoring`` / ``performance.reminders``."""

from . import (  # noqa: F401
    activities,
    assessment,
    commendations,
    disputes,
    imports,
    ledger,
    links,
    publication,
    rules,
    voter_reports,
)
from .rules import ERR_ENDED_NOT_FROZEN  # noqa: F401
