"""design_docs reuses the authored PRs that pull_requests read in the same run, and
searches only what came after; the documents found are the same as without reuse."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from fakes.github_data import Dataset, generate
from fakes.github_fake import FakeGitHub
from fakes.github_harness import Clock, collect, connector, serving

SINCE = datetime(2026, 8, 1, tzinfo=UTC)


@pytest.fixture
def dataset() -> Dataset:
    return generate(owner_prs=300, other_prs=40)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def fake(dataset: Dataset, clock: Clock) -> Iterator[FakeGitHub]:
    with serving(dataset, clock) as server:
        yield server


def docs_searches(fake: FakeGitHub, start: int) -> int:
    return sum(
        1
        for seen in fake.log[start:]
        if seen.kind == "graphql" and "DesignDocPullRequests" in str(seen.body)
    )


def test_design_docs_after_pull_requests_searches_once(
    fake: FakeGitHub, clock: Clock, dataset: Dataset
) -> None:
    alone = collect(connector(fake, clock), "design_docs", SINCE, clock.now)
    alone_searches = docs_searches(fake, 0)

    conn = connector(fake, clock)
    collect(conn, "pull_requests", SINCE, clock.now)
    start = fake.requests
    shared = collect(conn, "design_docs", SINCE, clock.now)

    assert {i.external_id for i in shared} == dataset.expected_docs(SINCE, clock.now)
    assert shared == alone
    assert alone_searches >= 3  # 300 PRs at 100 a page: the saving is real
    assert docs_searches(fake, start) == 0  # the windows match: no search at all


def test_a_pr_updated_after_pull_requests_ran_is_still_found(
    fake: FakeGitHub, clock: Clock, dataset: Dataset
) -> None:
    conn = connector(fake, clock)
    until_prs = clock.now
    collect(conn, "pull_requests", SINCE, until_prs)
    # The owner merges a PR with a new design doc while the reviews stream runs.
    template = next(p for p in dataset.prs if p.author == dataset.owner)
    late = until_prs + timedelta(minutes=3)
    dataset.prs.append(
        replace(
            template,
            number=9999,
            state="MERGED",
            updated=late,
            merged=late,
            closed=late,
            files=[("docs/design/late-idea.md", 10, 0)],
        )
    )
    clock.sleep(600)
    start = fake.requests

    found = {i.external_id for i in collect(conn, "design_docs", SINCE, clock.now)}

    assert f"{template.repo}:docs/design/late-idea.md" in found
    assert found == dataset.expected_docs(SINCE, clock.now)
    assert docs_searches(fake, start) == 1  # only the few minutes after pull_requests


def test_a_different_window_searches_in_full(
    fake: FakeGitHub, clock: Clock, dataset: Dataset
) -> None:
    conn = connector(fake, clock)
    collect(conn, "pull_requests", SINCE + timedelta(days=20), clock.now)
    start = fake.requests

    found = {i.external_id for i in collect(conn, "design_docs", SINCE, clock.now)}

    assert found == dataset.expected_docs(SINCE, clock.now)
    assert docs_searches(fake, start) >= 3
