"""The duty ledger's door for other apps: how suggestions, liaison and training earn points.

Other apps import ``performance`` only through this module (import-linter enforces it). What
it offers is small on purpose: credit one source, credit many at once, the credit record, and
the error a refused credit raises.
"""

from .services import Credit, LedgerError, ledger_credit, ledger_credit_many

__all__ = ["Credit", "LedgerError", "ledger_credit", "ledger_credit_many"]
