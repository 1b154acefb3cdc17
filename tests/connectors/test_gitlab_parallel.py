"""Per-MR REST requests run several at a time; items and their order are as if one at a
time, and every request counts for the stream that made it."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import TYPE_CHECKING

import pytest
from fakes.gitlab import FakeGitLab
from fakes.gitlab_data import BASE

from connectors.gitlab import parallel
from connectors.gitlab.parallel import ordered_map
from connectors.http import RequestStats, counting_into

if TYPE_CHECKING:
    from fakes.gitlab_fixtures import ConnectorFactory

pytest_plugins = ["fakes.gitlab_fixtures"]

SINCE = BASE - timedelta(days=30)


def test_ordered_map_overlaps_fetches_and_keeps_the_order() -> None:
    last_started = threading.Event()

    def fetch(n: int) -> int:
        if n == 0:
            # Only returns early if row 3 starts while row 0 is still running.
            assert last_started.wait(timeout=10), "rows were fetched one at a time"
        if n == 3:
            last_started.set()
        return n * 10

    assert list(ordered_map(fetch, range(4), workers=4)) == [(0, 0), (1, 10), (2, 20), (3, 30)]


def test_ordered_map_raises_at_the_failing_rows_turn() -> None:
    def fetch(n: int) -> int:
        if n == 2:
            raise ValueError("row 2 failed")
        return n

    seen = []
    with pytest.raises(ValueError, match="row 2 failed"):
        for row, _ in ordered_map(fetch, range(6), workers=3):
            seen.append(row)
    assert seen == [0, 1]


@pytest.mark.parametrize("stream", ["merge_requests", "reviews"])
def test_streams_overlap_requests_and_yield_what_one_at_a_time_yields(
    fake_gitlab: FakeGitLab,
    make_connector: ConnectorFactory,
    monkeypatch: pytest.MonkeyPatch,
    stream: str,
) -> None:
    fake_gitlab.graphql.mode = "disabled"  # per-MR requests are REST's (GraphQL batches)
    fake_gitlab.latency = 0.02  # a round trip, so that requests have time to overlap
    together = list(make_connector().fetch(stream, SINCE))
    overlapped = fake_gitlab.most_in_flight

    monkeypatch.setattr(parallel, "WORKERS", 1)
    fake_gitlab.most_in_flight = 0
    one_by_one = list(make_connector().fetch(stream, SINCE))

    assert together == one_by_one
    assert len(together) > 5
    assert overlapped > 1
    assert fake_gitlab.most_in_flight == 1


def test_requests_made_by_worker_threads_count_for_their_stream(
    fake_gitlab: FakeGitLab, make_connector: ConnectorFactory
) -> None:
    fake_gitlab.graphql.mode = "disabled"
    connector = make_connector()
    connector.check()  # the owner, outside the stream

    with counting_into(RequestStats()) as stream:
        items = list(connector.fetch("merge_requests", SINCE))

    assert len(items) > 5
    assert stream.requests == fake_gitlab.count() - 1 > 2 * len(items)  # diffs, approvals
