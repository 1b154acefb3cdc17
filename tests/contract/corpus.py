"""Reading the recorded answers in `corpus/`, each in the format its project stored it.

Every file keeps the answer as the server gave it (trimmed to the rows used, rows
untouched); `<file>.source.toml` beside it says where it comes from. The helpers here
only unwrap the recording format (a nock array, a DevLake raw-table row, a PyGithub
replay block), never the answer.
"""

from __future__ import annotations

import csv
import json
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from connectors.item import Item

CORPUS = Path(__file__).parent / "corpus"
SOURCE_SUFFIX = ".source.toml"
# Tickets and reviews change no files: their Items carry no paths or sizes.
NO_CHANGES: dict[str, Any] = {
    "paths": [],
    "additions": None,
    "deletions": None,
    "changed_files": None,
}


def corpus_files() -> list[Path]:
    """Every recorded answer (not the records of where they come from)."""
    return sorted(
        p for p in CORPUS.rglob("*") if p.is_file() and not p.name.endswith(SOURCE_SUFFIX)
    )


def source_of(path: Path) -> dict[str, Any]:
    return tomllib.loads(path.with_name(path.name + SOURCE_SUFFIX).read_text("utf-8"))


def nock_response(name: str, index: int = 0) -> Any:
    """The response body of one request in a nock recording (danger-js, octokit/fixtures)."""
    recording = json.loads((CORPUS / name).read_text("utf-8"))
    return recording[index]["response"]


def json_file(name: str) -> Any:
    return json.loads((CORPUS / name).read_text("utf-8"))


def pygithub_replay_body(name: str) -> Any:
    """The JSON body of a PyGithub replay block: ten lines, the last one the body."""
    lines = (CORPUS / name).read_text("utf-8").split("\n")
    return json.loads(lines[9])


@dataclass(frozen=True)
class RawRow:
    """One row of a DevLake `_raw_*` table: the answer (`data`) and the request behind it."""

    id: str
    params: dict[str, Any]
    data: dict[str, Any]
    url: str
    input: Any


def devlake_rows(name: str) -> dict[str, RawRow]:
    """Rows by their `id` column."""
    with (CORPUS / name).open(encoding="utf-8", newline="") as handle:
        return {
            row["id"]: RawRow(
                id=row["id"],
                params=json.loads(row["params"]),
                data=json.loads(row["data"]),
                url=row["url"],
                input=json.loads(row["input"]),
            )
            for row in csv.DictReader(handle)
        }


def utc_iso(raw: str | None) -> str | None:
    """A recorded timestamp as the UTC ISO string an Item must carry (None stays None)."""
    if raw is None:
        return None
    return datetime.fromisoformat(raw.replace("Z", "+00:00")).astimezone(UTC).isoformat()


def fields_of(item: Item) -> dict[str, Any]:
    """Every normalized field, `extra` flattened to `extra.<key>`, so each is checked."""
    fields = item.normalized()
    extra = fields.pop("extra")
    fields.update({f"extra.{key}": value for key, value in extra.items()})
    return fields


def check_item(
    item: Item,
    expected: Mapping[str, Any],
    *,
    known_wrong: Iterable[str] = (),
    not_recorded: Iterable[str] = (),
) -> None:
    """`expected` must account for every field the Item has, except those named in
    `known_wrong` (a strict-xfail test checks them instead, and fails once they are fixed)
    and `not_recorded` (they come from answers the corpus does not hold)."""
    actual = fields_of(item)
    skipped = set(known_wrong) | set(not_recorded)
    unaccounted = set(actual) - set(expected) - skipped
    missing = set(expected) - set(actual)
    assert not unaccounted, f"fields the contract does not check yet: {sorted(unaccounted)}"
    assert not missing, f"fields the Item no longer has: {sorted(missing)}"
    differ = {k: {"item": actual[k], "raw": v} for k, v in expected.items() if actual[k] != v}
    assert not differ, f"fields that do not match the recorded answer: {differ}"
