"""Reviewing suggestions and manual artifacts: the engineer's decisions over the ledger.

- `reconcile`: what `collect` and `rules apply` call to bring rule suggestions up to date
  without touching a decision or a note (`reconcile_many`, `reconcile_suggestions`).
- `queue`, `card`, `interactive`: the interactive `growthmap review`.
- `decisions`: accept, reject, note, change, map by hand (each appends a DecisionRow).
- `listing`: `review list`, and `changed_since_acceptance` for exports.
- `rulefile`: a rule proposed from a hand mapping, appended to the user's rule file.
- `artifacts`: manual artifacts (`growthmap add`).
"""

from collector.review.listing import changed_since_acceptance, changed_since_decision
from collector.review.reconcile import (
    FreshSuggestion,
    ReconcileResult,
    reconcile_many,
    reconcile_suggestions,
)

__all__ = [
    "FreshSuggestion",
    "ReconcileResult",
    "changed_since_acceptance",
    "changed_since_decision",
    "reconcile_many",
    "reconcile_suggestions",
]
