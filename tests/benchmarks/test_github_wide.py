"""The wide-PR GitHub benchmark at a small size: it runs end to end beside the naive loop,
and its figures add up (no timing asserts)."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.github_wide import WideWorld, measure_wide, render_wide, target_rows  # noqa: E402


def test_a_small_wide_world_beside_the_naive_loop() -> None:
    world = WideWorld("140 authored PRs over 20 days", 140, 20, ratio=0.05)
    figure = measure_wide(world)

    pull_requests = next(s for s in figure.cold.streams if s.stream == "pull_requests")
    assert pull_requests.items == 140 == figure.baseline.prs
    assert figure.wide_prs >= 140 // 7
    # the naive loop pays per PR and per page of files; growthmap per page of PRs
    assert figure.baseline.requests > 3 * 140 + figure.wide_prs
    assert figure.requests == sum(figure.per_stream.values())
    assert figure.met, (figure.requests, figure.baseline_requests)
    text = "\n".join([*render_wide([figure]), *target_rows([figure])])
    assert "140 authored PRs over 20 days" in text and "| met |" in text
