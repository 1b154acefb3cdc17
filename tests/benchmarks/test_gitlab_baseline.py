"""The GitLab benchmark beside its naive python-gitlab loop, on a small GitLab-only world:
it runs end to end and its figures add up (no timing asserts)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.gitlab_baseline import GitLabFigures, measure_world, render  # noqa: E402


@pytest.fixture(scope="module")
def figures() -> GitLabFigures:
    return measure_world(owner_mrs=12, other_mrs=8, days=60, latency_ms=0)


def test_the_naive_loop_reads_every_mr_with_its_changes_approvals_and_notes(
    figures: GitLabFigures,
) -> None:
    naive = figures.naive
    merge_requests = next(items for stream, items, _ in figures.cold if stream == "merge_requests")
    reviews = next(items for stream, items, _ in figures.cold if stream == "reviews")
    assert naive.merge_requests == merge_requests == 12
    assert naive.reviewed >= reviews > 0  # it cannot tell a review from a reply
    assert naive.requests >= 3 * (naive.merge_requests + naive.reviewed)


def test_growthmap_costs_a_fraction_of_the_loop_and_warm_runs_almost_nothing(
    figures: GitLabFigures,
) -> None:
    assert figures.like_for_like < figures.naive.requests / 5
    assert figures.cold_requests < figures.naive.requests
    streams = ["merge_requests", "reviews", "design_docs", "pairing"]
    assert sorted(stream for stream, _ in figures.warm) == sorted(streams)
    assert all(requests <= 2 for _, requests in figures.warm)


def test_the_table_names_both_and_the_target(figures: GitLabFigures) -> None:
    text = "\n".join(render(figures))
    assert "naive loop: 12 MRs" in text and "the whole source" in text
    assert "Target: cold <= 0.2 x the naive loop" in text
