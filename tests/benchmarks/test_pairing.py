"""The pairing benchmark at small sizes: the PR streams cost the same with pairing on, and
the pairing stream's own requests do not grow with the owner's PRs (no timing asserts)."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.pairing import (  # noqa: E402
    measure_github,
    measure_gitlab,
    render_pairing,
    target_rows,
)


def test_pairing_adds_no_request_per_pull_request() -> None:
    small, large = measure_github(40), measure_github(160)
    assert small.met and large.met
    assert large.without > small.without  # more PRs, more pages of them
    assert large.pairing == small.pairing <= 3  # one search, a lookup or two
    assert large.own_items > small.own_items > 0 and small.their_items > 0
    text = "\n".join([*render_pairing([small, large]), *target_rows([small, large])])
    assert "| GitHub | 160 |" in text and "**missed**" not in text


def test_pairing_adds_no_request_per_merge_request_on_graphql() -> None:
    small, large = measure_gitlab(10), measure_gitlab(80)
    assert small.met and large.met
    assert large.pairing == small.pairing == 1  # the reviewed MRs' commits, one request
    assert large.own_items > small.own_items > 0
