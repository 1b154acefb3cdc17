"""The evidence ledger (SQLAlchemy 2.x; SQLite by default, PostgreSQL by URL)."""

from collector.ledger.db import Ledger, LedgerFailure, failure_message, open_ledger

__all__ = ["Ledger", "LedgerFailure", "failure_message", "open_ledger"]
