"""Turn parsed TOML into validated Rules, collecting every problem instead of stopping."""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from rules.conditions import GLOB_KEYS, INT_KEYS, MATCH_KEYS, REGEX_KEYS, build_condition
from rules.model import GrowthMap, Rule, RuleProblem
from rules.patterns import PatternError

RULE_KEYS = ("id", "description", "destination", "skills", "weight", "match", "unless")
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]*$")


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


class _Collector:
    """Problems of one rule, each tagged with its file and rule id."""

    def __init__(self, file: str, rule_id: str, expect: Expectations) -> None:
        self.file, self.rule_id, self.expect = file, rule_id, expect
        self.problems: list[RuleProblem] = []

    def add(self, key: str | None, message: str) -> None:
        self.problems.append(RuleProblem(self.file, self.rule_id, key, message))


@dataclass
class ParsedFile:
    """One file's valid rules, its problems, and the id of every rule that has a usable
    one (valid or not, so duplicates are found among all of them)."""

    file: str
    rules: list[Rule]
    problems: list[RuleProblem]
    ids: list[str]


def parse_document(
    data: Mapping[str, Any], file: str, expect: Expectations | None = None
) -> ParsedFile:
    """Rules of one file's TOML data, and the problems found in it."""
    problems: list[RuleProblem] = []
    for key in data:
        if key != "rule":
            problems.append(RuleProblem(file, None, key, _unknown(key, ("rule",), "top-level")))
    tables = data.get("rule", [])
    if not isinstance(tables, list):
        problems.append(
            RuleProblem(
                file, None, "rule", "rules are written as [[rule]] (an array of tables), not [rule]"
            )
        )
        return ParsedFile(file, [], problems, [])
    rules: list[Rule] = []
    ids: list[str] = []
    for position, raw in enumerate(tables, start=1):
        rule, found = parse_rule(raw, file, position, expect or Expectations())
        problems.extend(found)
        if rule is not None:
            rules.append(rule)
        if isinstance(raw, Mapping) and isinstance(raw.get("id"), str) and _ID.match(raw["id"]):
            ids.append(raw["id"])
    return ParsedFile(file, rules, problems, ids)


def parse_rule(
    raw: Any, file: str, position: int, expect: Expectations
) -> tuple[Rule | None, list[RuleProblem]]:
    """One `[[rule]]` table; the Rule is None when it has any problem."""
    if not isinstance(raw, Mapping):
        return None, [RuleProblem(file, f"#{position}", None, "a rule must be a table")]
    raw_id = raw.get("id")
    label = raw_id if isinstance(raw_id, str) and _ID.match(raw_id) else f"#{position}"
    out = _Collector(file, label, expect)
    _check_id(raw_id, out)
    for key in raw:
        if key not in RULE_KEYS:
            out.add(key, _unknown(key, RULE_KEYS, "rule"))
    description = raw.get("description", "")
    if not isinstance(description, str):
        out.add("description", f"must be a string, not {_type(description)}")
    destination = _required_str(raw, "destination", out)
    skills = _skills(raw, out)
    weight = _weight(raw.get("weight", 1), out)
    if expect.growth_map is not None and destination:
        _check_growth_map(destination, skills, expect.growth_map, out)
    match = _conditions(raw, "match", out, required=True)
    unless = _conditions(raw, "unless", out, required=False)
    if out.problems:
        return None, out.problems
    assert isinstance(raw_id, str) and isinstance(description, str)  # checked above
    return Rule(
        id=raw_id,
        destination=destination,
        skills=skills,
        weight=weight,
        match=match,
        unless=unless,
        description=description,
        file=file,
    ), []


def _check_id(raw_id: Any, out: _Collector) -> None:
    if raw_id is None:
        out.add("id", 'missing: every rule needs an id, e.g. id = "tracing-work"')
    elif not isinstance(raw_id, str):
        out.add("id", f"must be a string, not {_type(raw_id)}")
    elif not _ID.match(raw_id):
        out.add("id", f"{raw_id!r} is not a valid id: use letters, digits and _ . : -")


def _check_growth_map(
    destination: str, skills: tuple[str, ...], growth_map: GrowthMap, out: _Collector
) -> None:
    if destination not in growth_map:
        known = tuple(sorted(growth_map))
        close = difflib.get_close_matches(destination, known, n=1)
        hint = f"did you mean {close[0]!r}?" if close else f"it has: {', '.join(known) or '(none)'}"
        out.add("destination", f"the growth map has no destination {destination!r}; {hint}")
        return
    own = growth_map[destination]
    for skill in skills:
        if skill in own:
            continue
        elsewhere = sorted(d for d, s in growth_map.items() if skill in s)
        hint = (
            f"it belongs to destination {', '.join(elsewhere)}"
            if elsewhere
            else f"its skills are: {', '.join(sorted(own)) or '(none)'}"
        )
        out.add("skills", f"destination {destination!r} has no skill {skill!r}; {hint}")


def _required_str(raw: Mapping[str, Any], key: str, out: _Collector) -> str:
    value = raw.get(key)
    if value is None:
        out.add(key, f"missing: every rule needs a {key}")
    elif not isinstance(value, str) or not value.strip():
        out.add(key, f"must be a non-empty string, not {_type(value)}")
    else:
        return value
    return ""


def _skills(raw: Mapping[str, Any], out: _Collector) -> tuple[str, ...]:
    value = raw.get("skills")
    if value is None:
        out.add("skills", 'missing: every rule needs skills = ["skill-id", ...]')
        return ()
    if not isinstance(value, list) or not value:
        out.add("skills", f"must be a non-empty list of skill ids, not {_type(value)}")
        return ()
    if not all(isinstance(s, str) and s.strip() for s in value):
        out.add("skills", "every skill id must be a non-empty string")
        return ()
    return tuple(dict.fromkeys(value))


def _weight(value: Any, out: _Collector) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        out.add("weight", f"must be a number, not {_type(value)}")
    elif not math.isfinite(value) or value <= 0:
        out.add("weight", f"must be greater than 0, not {value}")
    else:
        return float(value)
    return 1.0


def _conditions(
    raw: Mapping[str, Any], section: str, out: _Collector, *, required: bool
) -> dict[str, Any]:
    table = raw.get(section)
    if table is None:
        if required:
            out.add(section, "missing: add a [rule.match] table with at least one key")
        return {}
    if not isinstance(table, Mapping):
        out.add(section, f"must be a table ([rule.{section}]), not {_type(table)}")
        return {}
    if required and not table:
        out.add(section, "is empty: a rule must match on at least one key")
    normalized: dict[str, Any] = {}
    for key, value in table.items():
        where = f"{section}.{key}"
        if key not in MATCH_KEYS:
            out.add(where, _unknown(key, MATCH_KEYS, "match"))
            continue
        clean = _normalize(key, value, where, out)
        if clean is None:
            continue
        _check_known(key, clean, where, out)
        try:
            build_condition(key, clean)
        except PatternError as exc:
            out.add(where, str(exc))
            continue
        normalized[key] = clean
    _check_bounds(normalized, section, out)
    return normalized


def _normalize(key: str, value: Any, where: str, out: _Collector) -> Any:
    """The canonical value of a key (sorted unique tuple or int), or None if invalid."""
    if key in INT_KEYS:
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            out.add(where, f"must be a whole number >= 0, not {value!r}")
            return None
        return value
    what = "regular expression" if key in REGEX_KEYS else "glob" if key in GLOB_KEYS else "value"
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        out.add(where, f"must be a string or a list of strings ({what}s), not {_type(value)}")
        return None
    if not values:
        out.add(where, "is an empty list, which matches nothing: remove the key or add values")
        return None
    if key in REGEX_KEYS or key in GLOB_KEYS:
        return tuple(sorted(set(values)))
    return tuple(sorted({v.lower() for v in values}))


def _check_known(key: str, values: Any, where: str, out: _Collector) -> None:
    known_values = out.expect.known_values
    if known_values is None or key not in known_values:
        return
    known = sorted({k.lower() for k in known_values[key]})
    for value in values:
        if value not in known:
            close = difflib.get_close_matches(value, known, n=1)
            hint = f"did you mean {close[0]!r}?" if close else f"known: {', '.join(known)}"
            out.add(where, f"no item can have {key} {value!r}; {hint}")


def _check_bounds(conditions: Mapping[str, Any], section: str, out: _Collector) -> None:
    low, high = conditions.get("min_lines"), conditions.get("max_lines")
    if low is not None and high is not None and low > high:
        out.add(
            f"{section}.max_lines",
            f"max_lines {high} is below min_lines {low}: nothing can match both",
        )


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
