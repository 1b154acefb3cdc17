"""Every connector, through the real pipeline, under injected network and server faults:
each run ends with every item stored once, in bounded time, retries in the run summary."""

from __future__ import annotations

from typing import Any

import pytest

from reliability.scenarios import run_changing, run_down, run_faults
from reliability.worlds import CONNECTORS

# Optional fields an API may leave out; a payload without them is stored with what there is.
OPTIONAL = {
    "body",
    "description",
    "labels",
    "draft",
    "components",
    "priority",
    "mergedAt",
    "merged_at",
    "closedAt",
    "closed_at",
    "additions",
    "deletions",
    "resolution",
    "epic",
    "parent",
    "user_notes_count",
}


def without_optional_fields(_path: str, data: Any) -> Any:
    if isinstance(data, dict):
        return {k: without_optional_fields(_path, v) for k, v in data.items() if k not in OPTIONAL}
    if isinstance(data, list):
        return [without_optional_fields(_path, v) for v in data]
    return data


@pytest.mark.parametrize("connector", CONNECTORS)
def test_transient_faults_lose_nothing_and_double_nothing(connector: str) -> None:
    outcome = run_faults(connector)

    assert outcome.faults >= 4, outcome
    assert set(outcome.statuses) == {"ok"}, outcome.errors
    assert outcome.expected > 0
    assert (outcome.lost, outcome.duplicates, outcome.extra) == (0, 0, 0), outcome
    # every fault cost a retry, and the run summary (StreamRecord.retries) says so
    assert outcome.retries >= outcome.faults, outcome
    assert outcome.seconds < 60


@pytest.mark.parametrize("connector", CONNECTORS)
@pytest.mark.parametrize("kind", ["malformed", "drop", "slow", "429"])
def test_each_fault_kind_alone_is_retried(connector: str, kind: str) -> None:
    outcome = run_faults(connector, kinds=(kind,), seed=5, scenario=f"only {kind}")

    assert outcome.by_kind.get(kind, 0) >= 1, outcome
    assert set(outcome.statuses) == {"ok"}, outcome.errors
    assert (outcome.lost, outcome.duplicates, outcome.extra) == (0, 0, 0), outcome
    assert outcome.retries >= outcome.faults


def test_github_403_rate_limits_with_reset_headers_are_waited_out() -> None:
    outcome = run_faults(
        "github", kinds=("403_primary", "403_secondary"), seed=2, scenario="only 403 rate limits"
    )

    assert outcome.faults >= 2, outcome
    assert set(outcome.statuses) == {"ok"}, outcome.errors
    assert (outcome.lost, outcome.duplicates, outcome.extra) == (0, 0, 0), outcome


@pytest.mark.parametrize("connector", CONNECTORS)
def test_payloads_missing_optional_fields_are_stored_with_what_there_is(connector: str) -> None:
    outcome = run_faults(
        connector, kinds=(), transform=without_optional_fields, scenario="optional fields missing"
    )

    assert set(outcome.statuses) == {"ok"}, outcome.errors
    assert (outcome.lost, outcome.duplicates, outcome.extra) == (0, 0, 0), outcome


@pytest.mark.parametrize("connector", CONNECTORS)
def test_items_edited_between_pages_end_up_once_with_their_new_title(connector: str) -> None:
    outcome, edits, titles = run_changing(connector)

    assert len(edits) == 3
    assert set(outcome.statuses) == {"ok"}, outcome.errors
    assert (outcome.lost, outcome.duplicates, outcome.extra) == (0, 0, 0), outcome
    assert titles == edits


@pytest.mark.parametrize("connector", CONNECTORS)
def test_a_source_that_stays_down_fails_alone_and_says_what_to_do(connector: str) -> None:
    outcome, message, healthy = run_down(connector)

    assert healthy and set(healthy) == {"ok"}
    assert (outcome.lost, outcome.duplicates) == (0, 0)
    assert "down" in message and "503" in message, message
    assert "the next run retries" in message and "nothing collected so far is lost" in message
    assert outcome.seconds < 30
