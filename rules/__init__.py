"""Rules engine: rule files that map evidence to growth-map destinations and skills.

Pure apart from `load_rules` and `starter_rules_text`, which read files. Knows nothing of
connectors or the ledger: the caller builds an `Evidence` from an item and stores what
`evaluate` returns (the ledger side decides what a re-evaluation may change:
`collector.ledger.suggestions.reconcile_many`).

How the CLI uses it:
- `rules check`: `load_rules(paths, growth_map, known_values=...)` (RulesInvalid lists
  every problem: exit 2), then `count_matches(ledger evidence, ruleset)`.
- `rules explain ITEM`: `explain(evidence, ruleset)`; `RuleVerdict.reason()` is one line.
- `collect` and `rules apply`: `evaluate(evidence, ruleset)` per item; the ledger's
  reconcile adds, refreshes and withdraws only `suggested` rows.

Rule file semantics (see rules/examples/starter.toml for a commented example):
- Every key of `[rule.match]` must hold; a list means any of its values. Any key of
  `[rule.unless]` that holds excludes the item.
- Case-insensitive: kind, source (the source's name or its type), author, state,
  review_state, labels, labels_all, project, issue_type, components, priority,
  resolution, parent, and `repo` globs. Case-sensitive: `paths` globs (as git is).
  Regexes (title, body, text = title + newline + body) run on RE2 exactly as written;
  add `(?i)` to ignore case. RE2 refuses lookaround and backreferences.
- `paths` and `repo` globs are .gitignore patterns, the one language of `pathglob` (its
  docstring has the rules). The item's own `path` (a design doc's file) counts as one of
  its paths. Patterns that match differently than before that language are warnings
  (`RuleSet.warnings`, logged by `load_rules`), not problems.
- Sizes: min_lines / max_lines compare additions + deletions; min_files compares
  changed_files (else the number of paths). An unknown size satisfies no bound.
"""

from rules.conditions import MATCH_KEYS
from rules.engine import RuleSet, count_matches, evaluate, explain, matched_rules
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

__all__ = [
    "MATCH_KEYS",
    "Evidence",
    "GrowthMap",
    "KeyCheck",
    "Rule",
    "RuleProblem",
    "RuleSet",
    "RuleVerdict",
    "RulesInvalid",
    "Suggestion",
    "count_matches",
    "evaluate",
    "explain",
    "load_rules",
    "matched_rules",
    "parse_rules",
    "starter_rules_text",
]
