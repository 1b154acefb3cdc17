"""Read rule files from disk (the only I/O in `rules`) and the shipped starter file."""

from __future__ import annotations

import logging
import tomllib
from collections.abc import Collection, Iterable, Mapping
from importlib import resources
from pathlib import Path

from rules.engine import RuleSet
from rules.model import GrowthMap, RuleProblem, RulesInvalid
from rules.parse import Expectations, ParsedFile, parse_document

STARTER_FILE = "starter.toml"
log = logging.getLogger("growthmap.rules")


def load_rules(
    paths: Iterable[Path],
    growth_map: GrowthMap | None = None,
    *,
    known_values: Mapping[str, Collection[str]] | None = None,
) -> RuleSet:
    """Load, validate and compile the rules in `paths` (files, or folders searched for
    `*.toml` recursively, in sorted order).

    With `growth_map` (destination id -> skill ids), every destination and skill must be
    one it has; None skips that check. `known_values` (match key -> possible values, e.g.
    {"kind": KINDS}) catches values no item can have. Raises RulesInvalid listing every
    problem found. Patterns that match differently than they used to are logged as
    warnings (and kept in `RuleSet.warnings`).
    """
    expect = Expectations(growth_map, known_values)
    files, problems = _rule_files(paths)
    parsed = [_read_file(file, expect) for file in files]
    ruleset = _finish(parsed, problems)
    for warning in ruleset.warnings:  # said on every load until the pattern is rewritten
        log.warning("%s", warning)
    return ruleset


def parse_rules(
    text: str,
    file: str = "<rules>",
    growth_map: GrowthMap | None = None,
    *,
    known_values: Mapping[str, Collection[str]] | None = None,
) -> RuleSet:
    """Validate and compile rules from TOML text; `file` names it in problems."""
    return _finish([_parse_text(text, file, Expectations(growth_map, known_values))], [])


def _finish(parsed: list[ParsedFile], problems: list[RuleProblem]) -> RuleSet:
    for one in parsed:
        problems.extend(one.problems)
    problems.extend(_duplicate_ids(parsed))
    if problems:
        raise RulesInvalid(problems)
    warnings = [warning for one in parsed for warning in one.warnings]
    return RuleSet((rule for one in parsed for rule in one.rules), warnings)


def starter_rules_text() -> str:
    """The starter rule file shipped with the package, matched to the example growth map."""
    return resources.files("rules").joinpath("examples", STARTER_FILE).read_text("utf-8")


def _rule_files(paths: Iterable[Path]) -> tuple[list[Path], list[RuleProblem]]:
    files: list[Path] = []
    problems: list[RuleProblem] = []
    seen: set[Path] = set()
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.rglob("*.toml") if p.is_file())
        elif path.is_file():
            found = [path]
        else:
            problems.append(RuleProblem(str(path), None, None, "no such rule file or folder"))
            continue
        for file in found:
            resolved = file.resolve()
            if resolved not in seen:  # a folder and a file inside it name it once
                seen.add(resolved)
                files.append(file)
    return files, problems


def _read_file(file: Path, expect: Expectations) -> ParsedFile:
    name = str(file)
    try:
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        return _unreadable(name, f"not UTF-8 text: {exc.reason}")
    except OSError as exc:
        return _unreadable(name, f"cannot read: {exc.strerror}")
    return _parse_text(text, name, expect)


def _unreadable(file: str, message: str) -> ParsedFile:
    return ParsedFile(file, [], [RuleProblem(file, None, None, message)], [])


def _parse_text(text: str, file: str, expect: Expectations) -> ParsedFile:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # The message carries "(at line L, column C)".
        return _unreadable(file, f"invalid TOML: {exc}")
    except RecursionError:  # tomllib reads nested arrays and tables recursively
        return _unreadable(file, "invalid TOML: arrays or tables nested too deeply")
    return parse_document(data, file, expect)


def _duplicate_ids(parsed: list[ParsedFile]) -> list[RuleProblem]:
    first: dict[str, str] = {}  # rule id -> the file that defined it first
    problems: list[RuleProblem] = []
    for one in parsed:
        for rule_id in one.ids:
            if rule_id not in first:
                first[rule_id] = one.file
                continue
            earlier = first[rule_id]
            where = "earlier in this file" if earlier == one.file else f"in {earlier}"
            problems.append(
                RuleProblem(one.file, rule_id, "id", f"duplicate rule id: already defined {where}")
            )
    return problems
