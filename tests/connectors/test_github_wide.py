"""Pull requests with more than 100 changed files: their further files are read for many
PRs at once (aliased GraphQL), and a request GitHub cannot finish is sent again smaller."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from fakes.github_data import generate
from fakes.github_fake import FakeGitHub, Seen
from fakes.github_harness import Clock, collect, connector, serving

SINCE = datetime(2026, 8, 1, tzinfo=UTC)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def fake(clock: Clock) -> Iterator[FakeGitHub]:
    """A third of the owner's PRs change 101 to 320 files."""
    with serving(generate(owner_prs=90, other_prs=10, wide_every=3), clock) as server:
        yield server


def file_requests(fake: FakeGitHub) -> list[Seen]:
    return [s for s in fake.log if s.body and "PullRequestFiles" in s.body["query"]]


def prs_asked(seen: Seen) -> int:
    return sum(1 for key in seen.body["variables"] if key.startswith("p"))


def test_every_file_of_wide_prs_in_a_few_batched_requests(fake: FakeGitHub, clock: Clock) -> None:
    conn = connector(fake, clock, login="octo")
    items = {i.external_id: i for i in collect(conn, "pull_requests", SINCE)}
    wide = [p for p in fake.dataset.prs if p.author == "octo" and len(p.files) > 100]

    assert len(wide) > 30
    for pr in wide:
        assert list(items[pr.ref].paths) == [f for f, _, _ in pr.files], pr.ref
    pages = sum((len(p.files) - 1) // 100 for p in wide)  # further pages of 100 files
    batches = file_requests(fake)
    assert sum(prs_asked(s) for s in batches) == pages
    assert len(batches) <= 4 < pages  # one PR per request would take `pages` requests
    assert conn.stats.requests == len(fake.log)


def test_a_batch_github_cannot_finish_is_sent_again_with_half_the_prs(
    fake: FakeGitHub, clock: Clock
) -> None:
    fake.inject("502", "graphql", skip=1)  # the search page passes; the first batch fails
    conn = connector(fake, clock, login="octo")
    items = {i.external_id: i for i in collect(conn, "pull_requests", SINCE)}

    first, retry = file_requests(fake)[:2]
    assert first.status == 502 and prs_asked(retry) == prs_asked(first) // 2
    for pr in fake.dataset.prs:
        if pr.author == "octo":
            assert len(items[pr.ref].paths) == len(pr.files), pr.ref
    assert conn.stats.retries == 1
