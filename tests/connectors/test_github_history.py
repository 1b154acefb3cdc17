"""Stored design-doc history only grows: a narrower collect after a wide one, and a plain
collect after a new PR, change nothing upstream did not change (through the CLI, against
the fake GitHub)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fakes.github_data import OWNER, Commit, Dataset, PullRequest, generate
from fakes.github_fake import FakeGitHub
from fakes.github_harness import serving, write_config
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from collector.cli import app
from connectors.github.design_docs import merge_design_docs
from connectors.item import Item

runner = CliRunner()
DOC = "docs/design/roadmap.md"
NOW = datetime.now(UTC).replace(microsecond=0)
START = NOW - timedelta(days=90)


def touch_doc(ds: Dataset, at: datetime, *, state: str = "MERGED") -> PullRequest:
    """A PR of the owner's changing the roadmap document, landed unless `state` says not."""
    number = 5000 + len(ds.prs)
    merged = at if state == "MERGED" else None
    pr = PullRequest(
        "acme/api", number, OWNER, f"Roadmap {number}", "Why.", state, False,
        at - timedelta(hours=2), at, merged, merged, [], [(DOC, 5, 1), ("src/a.py", 1, 1)],
    )  # fmt: skip
    ds.prs.append(pr)
    if merged is not None:
        files = [DOC, "src/a.py"]
        ds.commits.append(Commit("acme/api", f"{number:040x}", OWNER, at, pr.title, files, number))
    return pr


@pytest.fixture
def dataset() -> Dataset:
    ds = generate(start=START, days=80, owner_prs=40, other_prs=10)
    touch_doc(ds, START + timedelta(days=30), state="OPEN")  # never landed: search only
    touch_doc(ds, START + timedelta(days=50))
    pushed = START + timedelta(days=70)
    ds.commits.append(Commit("acme/api", "d" * 40, OWNER, pushed, "Direct", [DOC], None))
    touch_doc(ds, NOW - timedelta(days=3))
    return ds


@pytest.fixture
def fake(dataset: Dataset) -> Iterator[FakeGitHub]:
    with serving(dataset) as server:
        yield server


def collect(cfg: str, *args: str) -> dict[str, tuple[int, int]]:
    """(new, updated) per stream of one `collect --json`."""
    result = runner.invoke(app, ["collect", "--config", cfg, "--json", *args])
    assert result.exit_code == 0, result.stderr
    streams = json.loads(result.stdout)["streams"]
    assert all(s["status"] == "ok" for s in streams), streams
    return {s["stream"]: (s["new"], s["updated"]) for s in streams}


def stored(cfg: str) -> dict[str, dict[str, Any]]:
    result = runner.invoke(app, ["items", "--config", cfg, "--format", "json"])
    assert result.exit_code == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    return {f"{r['kind']}:{r['external_id']}": r for r in rows}


def test_narrow_and_plain_collects_keep_design_doc_history(
    tmp_path: Path, fake: FakeGitHub, dataset: Dataset, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", "owner-token")
    cfg = str(write_config(tmp_path, fake))
    collect(cfg, "--since", START.date().isoformat())
    wide = stored(cfg)
    doc = wide[f"design_doc:acme/api:{DOC}"]
    first = next(p for p in dataset.prs if p.title.startswith("Roadmap"))
    assert len(doc["extra"]["touched_by"]) == 4
    assert doc["created_at"] == first.updated.isoformat()

    # Upstream unchanged: the narrower window learns nothing, and says so.
    assert collect(cfg, "--since", "7d") == {
        s: (0, 0) for s in ("pull_requests", "reviews", "design_docs", "pairing")
    }
    assert stored(cfg) == wide

    # A new PR touches the document: one change more, the rest as it was.
    late = touch_doc(dataset, datetime.now(UTC).replace(microsecond=0) - timedelta(seconds=5))
    counts = collect(cfg)
    after = stored(cfg)
    grown = after[f"design_doc:acme/api:{DOC}"]
    assert counts["design_docs"] == (0, 1) and counts["pull_requests"] == (1, 0)
    assert [t["ref"] for t in grown["extra"]["touched_by"]] == [
        *(t["ref"] for t in doc["extra"]["touched_by"]),
        late.ref,
    ]
    assert grown["created_at"] == doc["created_at"] and grown["title"] == doc["title"]
    changed = {k for k in after if after[k] != wide.get(k)}
    assert changed == {f"design_doc:acme/api:{DOC}", f"pull_request:{late.ref}"}


def doc_item(refs: list[tuple[str, str]], title: str = "roadmap.md", **raw: Any) -> Item:
    touches = [{"type": "pull_request", "ref": r, "url": "", "at": at} for r, at in refs]
    return Item(
        source="gh",
        kind="design_doc",
        external_id=f"acme/api:{DOC}",
        url="u",
        title=title,
        path=DOC,
        created_at=datetime.fromisoformat(refs[0][1]),
        updated_at=datetime.fromisoformat(refs[-1][1]),
        occurred_at=datetime.fromisoformat(refs[-1][1]),
        state="open",
        extra={"touched_by": touches},
        raw=raw,
    )


def test_merge_keeps_every_change_once_and_the_read_title() -> None:
    stored_item = doc_item(
        [("a#1", "2026-09-01T00:00:00+00:00"), ("a#2", "2026-10-01T00:00:00+00:00")],
        title="Design: Roadmap",
    )
    fresh = doc_item([("a#2", "2026-10-01T00:00:00+00:00"), ("a#3", "2026-11-01T00:00:00+00:00")])
    merged = merge_design_docs(stored_item, fresh)

    assert [t["ref"] for t in merged.extra["touched_by"]] == ["a#1", "a#2", "a#3"]
    assert merged.created_at == stored_item.created_at
    assert merged.occurred_at == fresh.occurred_at
    assert merged.title == "Design: Roadmap"  # the heading over the file name
    assert merge_design_docs(merged, merged) == merged  # nothing new: nothing changes


def test_a_pr_closed_without_merging_leaves_the_history() -> None:
    stored_item = doc_item(
        [("a#1", "2026-09-01T00:00:00+00:00"), ("a#2", "2026-10-01T00:00:00+00:00")]
    )
    fresh = doc_item([("a#2", "2026-10-01T00:00:00+00:00")], withdrawn=["a#1"])
    merged = merge_design_docs(stored_item, fresh)
    assert [t["ref"] for t in merged.extra["touched_by"]] == ["a#2"]
    assert merged.created_at == fresh.created_at


SECONDS = st.integers(0, 10**6)
# (PR number, seconds after the epoch of the test) of each change, and collect windows.
CHANGES = st.lists(
    st.tuples(st.integers(1, 30), SECONDS), min_size=1, max_size=12, unique_by=lambda c: c[0]
)
WINDOWS = st.lists(st.tuples(SECONDS, SECONDS), min_size=1, max_size=6)


@given(CHANGES, WINDOWS)
def test_stored_history_only_grows_over_any_sequence_of_windows(
    changes: list[tuple[int, int]], windows: list[tuple[int, int]]
) -> None:
    """Each run sees the changes its window holds (none removed upstream): what is stored
    after every run holds every change any run saw, once, from the earliest on."""
    base = datetime(2026, 1, 1, tzinfo=UTC)
    timed = sorted((s, f"a#{n}") for n, s in changes)
    kept: Item | None = None
    seen: set[str] = set()
    for lo, hi in windows:
        inside = [
            (ref, (base + timedelta(seconds=s)).isoformat())
            for s, ref in timed
            if min(lo, hi) <= s <= max(lo, hi)
        ]
        if not inside:
            continue
        fresh = doc_item(inside)
        kept = fresh if kept is None else merge_design_docs(kept, fresh)
        seen |= {ref for ref, _ in inside}
        touched = kept.extra["touched_by"]
        assert sorted(t["ref"] for t in touched) == sorted(seen)  # each change seen, once
        times = [datetime.fromisoformat(t["at"]) for t in touched]
        assert times == sorted(times) and kept.created_at == times[0]
