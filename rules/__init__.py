"""Rules engine: rule files that map evidence to growth-map destinations and skills.

Pure apart from `load_rules` and `starter_rules_text`, which read files. Knows nothing of
connectors or the ledger: the caller builds an `Evidence` from an item and stores what
`evaluate` / `reconcile` return.
"""

from rules.engine import RuleSet, evaluate, explain
from rules.loader import load_rules, parse_rules, starter_rules_text
from rules.model import (
    Evidence,
    GrowthMap,
    KeyCheck,
    Rule,
    RuleProblem,
    RulesInvalid,
    RuleVerdict,
    Suggestion,
)
from rules.reconcile import (
    ACCEPTED,
    REJECTED,
    SUGGESTED,
    WITHDRAWN,
    ExistingSuggestion,
    Reconciliation,
    reconcile,
)

__all__ = [
    "ACCEPTED",
    "REJECTED",
    "SUGGESTED",
    "WITHDRAWN",
    "Evidence",
    "ExistingSuggestion",
    "GrowthMap",
    "KeyCheck",
    "Reconciliation",
    "Rule",
    "RuleProblem",
    "RuleSet",
    "RuleVerdict",
    "RulesInvalid",
    "Suggestion",
    "evaluate",
    "explain",
    "load_rules",
    "parse_rules",
    "reconcile",
    "starter_rules_text",
]
