"""Turn parsed TOML into validated Rules, collecting every problem instead of stopping.

The shape of a rule file is declared as pydantic models (`rules.schema`); this module
runs them one rule at a time and words each error the way a rule author reads it: the
file, the rule id, the key, and the closest valid key or value.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from pathglob import Kind, changed_meaning
from rules.conditions import INT_KEYS, MATCH_KEYS, REGEX_KEYS
from rules.model import GrowthMap, Rule, RuleProblem
from rules.schema import ID, RULE_KEYS, RuleDocument, RuleTable


@dataclass(frozen=True)
class Expectations:
    """What the rules are checked against beyond their own shape.

    `growth_map`: destination id -> skill ids; destinations and skills must be in it.
    `known_values`: match key -> the values it can meet (e.g. "kind" -> the kinds the
    connectors yield, "source" -> configured source names and types), so a typo such as
    kind = "pull-request" is caught instead of silently matching nothing. None: no check.
    """

    growth_map: GrowthMap | None = None
    known_values: Mapping[str, Collection[str]] | None = None


@dataclass
class ParsedFile:
    """One file's valid rules, its problems, the id of every rule that has a usable one
    (valid or not, so duplicates are found among all of them), and its warnings (patterns
    that match differently than they used to)."""

    file: str
    rules: list[Rule]
    problems: list[RuleProblem]
    ids: list[str]
    warnings: list[RuleProblem] = field(default_factory=list)


def parse_document(
    data: Mapping[str, Any], file: str, expect: Expectations | None = None
) -> ParsedFile:
    """Rules of one file's TOML data, and the problems found in it."""
    try:
        tables = RuleDocument.model_validate(data).rule
    except ValidationError as exc:
        problems = [_document_problem(file, error) for error in exc.errors()]
        return ParsedFile(file, [], problems, [])
    parsed = ParsedFile(file, [], [], [])
    for position, raw in enumerate(tables, start=1):
        rule, found = parse_rule(raw, file, position, expect or Expectations())
        parsed.problems.extend(found)
        if rule is not None:
            parsed.rules.append(rule)
            parsed.warnings.extend(_pattern_warnings(rule))
        if isinstance(raw, Mapping) and isinstance(raw.get("id"), str) and ID.match(raw["id"]):
            parsed.ids.append(raw["id"])
    return parsed


def _document_problem(file: str, error: ErrorDetails) -> RuleProblem:
    key = str(error["loc"][0])
    if error["type"] == "extra_forbidden":
        return RuleProblem(file, None, key, _unknown(key, ("rule",), "top-level"))
    return RuleProblem(
        file, None, "rule", "rules are written as [[rule]] (an array of tables), not [rule]"
    )


def parse_rule(
    raw: Any, file: str, position: int, expect: Expectations
) -> tuple[Rule | None, list[RuleProblem]]:
    """One `[[rule]]` table; the Rule is None when it has any problem."""
    if not isinstance(raw, Mapping):
        return None, [RuleProblem(file, f"#{position}", None, "a rule must be a table")]
    raw_id = raw.get("id")
    label = raw_id if isinstance(raw_id, str) and ID.match(raw_id) else f"#{position}"
    context = {"growth_map": expect.growth_map, "known_values": expect.known_values}
    try:
        table = RuleTable.model_validate(raw, context=context)
    except ValidationError as exc:
        errors = sorted(exc.errors(), key=lambda e: _rank(raw, e["loc"]))
        problems = [RuleProblem(file, label, *_explain(raw, e)) for e in errors]
        return None, list(dict.fromkeys(problems))  # one problem per key and message
    return table.rule(file), []


def _rank(raw: Mapping[str, Any], loc: tuple[int | str, ...]) -> tuple[int, int]:
    """Problems in the order the keys are read (`_ORDER`; unknown keys right after the
    id); inside match and unless, in the table's own order."""
    top = str(loc[0])
    first = _ORDER.index(top if top in _ORDER else "?")
    table = raw.get(top)
    keys = list(table) if isinstance(table, Mapping) else []
    second = keys.index(loc[1]) if len(loc) > 1 and loc[1] in keys else len(keys)
    return first, second


# Growth-map problems (destination, skills) come after the rule's own values, as before.
_ORDER = ("id", "?", "description", "weight", "destination", "skills", "match", "unless")

_MISSING = {
    "id": 'missing: every rule needs an id, e.g. id = "tracing-work"',
    "destination": "missing: every rule needs a destination",
    "skills": 'missing: every rule needs skills = ["skill-id", ...]',
    "match": "missing: add a [rule.match] table with at least one key",
}


def _explain(raw: Mapping[str, Any], error: ErrorDetails) -> tuple[str, str]:
    """The key path and the message for one pydantic error."""
    names = [str(part) for part in error["loc"] if isinstance(part, str)]
    key, kind, given = ".".join(names[:2]), error["type"], error["input"]
    value = _raw_at(raw, names[:2])
    if kind == "value_error":
        return key, str(error.get("ctx", {}).get("error", error["msg"]))
    if kind == "missing":
        return key, _MISSING[key]
    if kind == "extra_forbidden":
        known = RULE_KEYS if len(names) == 1 else MATCH_KEYS
        return key, _unknown(names[-1], known, "rule" if len(names) == 1 else "match")
    if len(names) == 2:
        return key, _match_value(names[1], kind, value)
    return key, _rule_value(names[0], kind, given, value, error["loc"])


def _rule_value(key: str, kind: str, given: Any, value: Any, loc: tuple[int | str, ...]) -> str:
    if key == "id" and kind == "string_pattern_mismatch":
        return f"{given!r} is not a valid id: use letters, digits and _ . : -"
    if key in ("id", "description"):
        return f"must be a string, not {_type(given)}"
    if key == "destination":
        return f"must be a non-empty string, not {_type(value)}"
    if key == "skills":
        if len(loc) > 1:
            return "every skill id must be a non-empty string"
        return f"must be a non-empty list of skill ids, not {_type(value)}"
    if key == "weight":
        if kind in ("greater_than", "finite_number"):
            return f"must be greater than 0, not {given}"
        return f"must be a number, not {_type(given)}"
    return f"must be a table ([rule.{key}]), not {_type(value)}"  # match, unless


def _match_value(key: str, kind: str, value: Any) -> str:
    if key in INT_KEYS:
        return f"must be a whole number >= 0, not {value!r}"
    if kind == "too_short":
        return "is an empty list, which matches nothing: remove the key or add values"
    what = "regular expression" if key in REGEX_KEYS else "glob" if key in _GLOBS else "value"
    return f"must be a string or a list of strings ({what}s), not {_type(value)}"


_GLOBS = {"paths": Kind.RULE_PATHS, "repo": Kind.RULE_REPO}


def _raw_at(raw: Mapping[str, Any], names: list[str]) -> Any:
    value: Any = raw
    for name in names:
        value = value.get(name) if isinstance(value, Mapping) else None
    return value


def _pattern_warnings(rule: Rule) -> list[RuleProblem]:
    """Globs of a valid rule that match differently than they did before the one glob
    language (see `pathglob.migration`)."""
    found = []
    for section, keys in (("match", rule.match), ("unless", rule.unless)):
        for key, kind in _GLOBS.items():
            for pattern in keys.get(key, ()):
                change = changed_meaning(pattern, kind)
                if change is not None:
                    where = f"{section}.{key}"
                    found.append(RuleProblem(rule.file, rule.id, where, f"{pattern!r} {change}"))
    return found


def _unknown(key: str, known: tuple[str, ...], where: str) -> str:
    close = difflib.get_close_matches(key, known, n=1)
    hint = f"; did you mean {close[0]!r}?" if close else f"; known keys: {', '.join(known)}"
    return f"unknown {where} key {key!r}{hint}"


def _type(value: Any) -> str:
    names = {
        str: "a string",
        int: "an integer",
        float: "a number",
        bool: "a boolean",
        list: "a list",
        dict: "a table",
    }
    return names.get(type(value), type(value).__name__) if value is not None else "nothing"
