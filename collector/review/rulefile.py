"""From a hand mapping, a rule that would have caught the item, appended to the user's
rule file. Existing content is never rewritten: the rule goes at the end of the file.

The rule file is the first of `[rules] paths`; when that is a folder, `manual.toml` in it.
Strings are written as TOML basic strings with every special character escaped, so an
upstream repo or label name cannot break out of its string.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from collector.core.textsafe import clean
from collector.ledger.models import ItemRow

MANUAL_FILE = "manual.toml"
_GLOB_CHARS = re.compile(r"[*?\[\]!]")
_ID_LINE = re.compile(r"""^\s*id\s*=\s*["']([^"']+)["']""", re.MULTILINE)
MAX_LABELS = 3


@dataclass(frozen=True)
class RuleProposal:
    label: str  # what it matches, for the prompt: "kind + repo acme/checkout"
    rule_id: str
    text: str  # the TOML to append


def rule_file_target(rules_paths: Sequence[Path]) -> Path | None:
    """Where hand-made rules go: the first rules path, or manual.toml in it if a folder."""
    if not rules_paths:
        return None
    first = rules_paths[0]
    if first.is_dir() or (not first.exists() and first.suffix != ".toml"):
        return first / MANUAL_FILE
    return first


def existing_rule_ids(rules_paths: Sequence[Path]) -> set[str]:
    """Rule ids in every rule file, so a new id never collides with one (ids are unique
    across files). A file that does not parse still gives its `id = "..."` lines."""
    ids: set[str] = set()
    for path in rules_paths:
        files = sorted(path.rglob("*.toml")) if path.is_dir() else [path]
        for file in files[:1000]:
            ids |= _ids_in(file)
    return ids


def _ids_in(file: Path) -> set[str]:
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return set()
    found = set(_ID_LINE.findall(text))
    try:
        rules = tomllib.loads(text).get("rule", [])
    except (tomllib.TOMLDecodeError, RecursionError):  # nested too deeply for tomllib
        return found
    if isinstance(rules, list):
        found |= {r["id"] for r in rules if isinstance(r, dict) and isinstance(r.get("id"), str)}
    return found


def propose_rules(
    item: ItemRow, destination: str, skill: str, taken: set[str], today: date
) -> list[RuleProposal]:
    """Rules that would have mapped `item`: by kind + repo, and by kind + labels."""
    proposals = []
    repo = clean(item.repo)
    if repo and not _GLOB_CHARS.search(repo):
        match = {"kind": [clean(item.kind)], "repo": [repo]}
        proposals.append(_proposal(f"kind + repo {repo}", repo, match, item, destination, skill))
    labels = [clean(label) for label in item.labels if clean(label)][:MAX_LABELS]
    if labels:
        match = {"kind": [clean(item.kind)], "labels": labels}
        text = ", ".join(labels)
        proposals.append(
            _proposal(f"kind + labels {text}", labels[0], match, item, destination, skill)
        )
    return [_unique(p, taken, today) for p in proposals]


def _proposal(
    label: str,
    topic: str,
    match: dict[str, list[str]],
    item: ItemRow,
    destination: str,
    skill: str,
) -> RuleProposal:
    base = _slug(f"manual-{skill}-{item.kind}-{topic}")
    lines = [
        "[[rule]]",
        f"id = {_string(base)}",
        f"description = {_string(f'{item.kind} {label} (mapped by hand in growthmap review)')}",
        f"destination = {_string(destination)}",
        f"skills = [{_string(skill)}]",
        "weight = 1",
        "[rule.match]",
        *(f"{key} = [{', '.join(_string(v) for v in values)}]" for key, values in match.items()),
    ]
    return RuleProposal(label, base, "\n".join(lines) + "\n")


def _unique(proposal: RuleProposal, taken: set[str], today: date) -> RuleProposal:
    """Suffix the id until no rule file has it; stamp the date in a comment."""
    rule_id = proposal.rule_id
    for number in range(2, 10_000):
        if rule_id not in taken:
            break
        rule_id = f"{proposal.rule_id}-{number}"
    text = proposal.text.replace(f"id = {_string(proposal.rule_id)}", f"id = {_string(rule_id)}", 1)
    header = f"# added by growthmap review on {today.isoformat()}\n"
    return RuleProposal(proposal.label, rule_id, header + text)


def append_rule(path: Path, proposal: RuleProposal) -> None:
    """Append the rule at the end of `path` (created if missing); nothing else changes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    existing = path.read_bytes() if path.exists() else b""
    separator = "" if not existing else ("\n" if existing.endswith(b"\n") else "\n\n")
    with path.open("a", encoding="utf-8") as handle:
        handle.write(separator + proposal.text)


def _string(value: str) -> str:
    """A TOML basic string. JSON's escapes are valid TOML; DEL is the one control character
    JSON leaves bare and TOML forbids. Non-ASCII stays literal (TOML refuses escaped surrogates)."""
    return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")


def _slug(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:80].rstrip("-") or "manual-rule"
