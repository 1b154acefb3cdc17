"""Reviewing suggestions and manual artifacts: the engineer's decisions over the ledger.

- `queue`, `card`, `interactive`: the interactive `growthmap review`.
- `decisions`: accept, reject, note, change, map by hand (each appends a DecisionRow).
- `listing`: `review list`, and `changed_since_acceptance` for exports.
- `rulefile`: a rule proposed from a hand mapping, appended to the user's rule file.
- `manual_artifacts`: evidence no connector sees (`growthmap add`, `artifacts list`).

What `collect` and `rules apply` call to bring rule suggestions up to date without
touching a decision or a note is the ledger's (`collector.ledger.suggestions`).
"""

from collector.review.listing import changed_since_acceptance, changed_since_decision

__all__ = ["changed_since_acceptance", "changed_since_decision"]
