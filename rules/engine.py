"""Compiled rule sets and the pure functions that apply them: `evaluate` and `explain`."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from rules.conditions import MATCH_KEYS, Condition, Facts, build_condition
from rules.model import Evidence, KeyCheck, Rule, RuleVerdict, Suggestion, combined_hash

_KEY_ORDER = {key: i for i, key in enumerate(MATCH_KEYS)}
_INDEXED = ("kind", "source")
_MAX_BUCKETS = 4096  # (kind, sources) combinations seen; real ledgers have a handful


class CompiledRule:
    """A rule with its keys compiled, cheapest first, and its definition hash."""

    __slots__ = ("checks", "hash", "kinds", "rest", "rule", "sources", "unless")

    def __init__(self, rule: Rule) -> None:
        self.rule = rule
        self.hash = rule.hash
        self.checks = _compile(rule.match.items())
        self.unless = _compile(rule.unless.items())
        kinds, sources = rule.match.get("kind"), rule.match.get("source")
        self.kinds = frozenset(kinds) if kinds is not None else None
        self.sources = frozenset(sources) if sources is not None else None
        # kind and source are settled by the index, so the hot path skips them.
        self.rest = tuple(c for c in self.checks if c.key not in _INDEXED)

    def admits(self, kind: str, sources: frozenset[str]) -> bool:
        return (self.kinds is None or kind in self.kinds) and (
            self.sources is None or not self.sources.isdisjoint(sources)
        )

    def accepts(self, facts: Facts) -> bool:
        """Match (kind and source aside) holds and no unless key does."""
        for check in self.rest:
            if not check.holds(facts):
                return False
        return not any(check.holds(facts) for check in self.unless)


def _compile(items: Iterable[tuple[str, object]]) -> tuple[Condition, ...]:
    conditions = (build_condition(key, value) for key, value in items)
    return tuple(sorted(conditions, key=lambda c: (c.cost, _KEY_ORDER[c.key])))


class RuleSet:
    """Validated rules, sorted by id and compiled once. Build it with `load_rules` or
    `parse_rules`; it is immutable once built (its bucket index fills in lazily)."""

    def __init__(self, rules: Iterable[Rule]) -> None:
        ordered = sorted(rules, key=lambda r: r.id)
        ids = [r.id for r in ordered]
        if len(set(ids)) != len(ids):
            raise ValueError("rule ids must be unique")
        self.rules: tuple[Rule, ...] = tuple(ordered)
        self.compiled: tuple[CompiledRule, ...] = tuple(CompiledRule(r) for r in ordered)
        self._by_id = {c.rule.id: c for c in self.compiled}
        self._buckets: dict[tuple[str, frozenset[str]], tuple[CompiledRule, ...]] = {}
        self._combined: dict[tuple[str, ...], str] = {}

    def __len__(self) -> int:
        return len(self.rules)

    def __iter__(self) -> Iterator[Rule]:
        return iter(self.rules)

    def __getitem__(self, rule_id: str) -> Rule:
        return self._by_id[rule_id].rule

    def hash_of(self, rule_id: str) -> str:
        return self._by_id[rule_id].hash

    def candidates(self, facts: Facts) -> tuple[CompiledRule, ...]:
        """Rules whose kind and source keys admit the item: the (kind, source) index."""
        key = (facts.kind_name, facts.source)
        found = self._buckets.get(key)
        if found is None:
            found = tuple(c for c in self.compiled if c.admits(facts.kind_name, facts.source))
            if len(self._buckets) < _MAX_BUCKETS:
                self._buckets[key] = found
        return found

    def provenance(self, group: list[CompiledRule]) -> tuple[tuple[str, ...], tuple[str, ...], str]:
        ids = tuple(c.rule.id for c in group)
        hashes = tuple(c.hash for c in group)
        combined = self._combined.get(ids)
        if combined is None:
            combined = combined_hash(list(zip(ids, hashes, strict=True)))
            self._combined[ids] = combined
        return ids, hashes, combined


def evaluate(evidence: Evidence, ruleset: RuleSet) -> list[Suggestion]:
    """The suggestions the rules give for one item: one per (destination, skill), sorted,
    with the largest weight and every rule that gave it. Pure: no I/O."""
    facts = Facts(evidence)
    hits = [c for c in ruleset.candidates(facts) if c.accepts(facts)]
    return _merge(hits, ruleset)


def _merge(hits: list[CompiledRule], ruleset: RuleSet) -> list[Suggestion]:
    groups: dict[tuple[str, str], list[CompiledRule]] = {}
    for compiled in hits:  # hits come in rule-id order, so groups do too
        for skill in compiled.rule.skills:
            groups.setdefault((compiled.rule.destination, skill), []).append(compiled)
    suggestions = []
    for (destination, skill), group in sorted(groups.items()):
        ids, hashes, combined = ruleset.provenance(group)
        weight = max(c.rule.weight for c in group)
        suggestions.append(Suggestion(destination, skill, weight, ids, hashes, combined))
    return suggestions


def explain(evidence: Evidence, ruleset: RuleSet) -> list[RuleVerdict]:
    """Every rule's verdict on one item: matched, or which match keys failed, or which
    unless keys excluded it. Agrees with `evaluate` by construction."""
    facts = Facts(evidence)
    return [_verdict(compiled, facts) for compiled in ruleset.compiled]


def _verdict(compiled: CompiledRule, facts: Facts) -> RuleVerdict:
    rule = compiled.rule
    failed = _by_key(
        KeyCheck(c.key, False, c.describe(facts, False))
        for c in compiled.checks if not c.holds(facts)
    )
    excluded: tuple[KeyCheck, ...] = ()
    if not failed:
        excluded = _by_key(
            KeyCheck(c.key, True, c.describe(facts, True))
            for c in compiled.unless if c.holds(facts)
        )
    return RuleVerdict(
        rule_id=rule.id, destination=rule.destination, skills=rule.skills,
        matched=not failed and not excluded, failed=failed, excluded_by=excluded,
    )


def _by_key(checks: Iterable[KeyCheck]) -> tuple[KeyCheck, ...]:
    return tuple(sorted(checks, key=lambda c: _KEY_ORDER[c.key]))
