"""GitHub with wide pull requests (one in seven changes more than 100 files): growthmap's
cold collect beside the naive PyGithub loop, in the same run, on the same fake GitHub.

Two worlds, from issue 15's targets:
- 1,000 authored PRs over 150 days: growthmap's requests <= 0.05 x the naive loop's;
- 1,305 PRs updated within one month, over GitHub's 1,000-result search cap: <= 60
  requests for the whole GitHub source.
The worlds run without added latency: the figures are request counts (latency multiplies
the naive loop's thousands of requests into minutes without changing the ratio).
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from benchmarks.baseline import BaselineRun, fetch_naive
from benchmarks.runs import CollectRun, run_collect
from benchmarks.worlds import GITHUB_TOKEN, FakeGitHub, generate_github

WIDE_EVERY = 7  # one authored PR in seven changes more than 100 files


@dataclass(frozen=True)
class WideWorld:
    """A world of `authored` PRs over `days`; `ratio` or `most` is its target."""

    label: str
    authored: int
    days: int
    ratio: float | None = None  # growthmap's requests / the naive loop's, at most
    most: int | None = None  # growthmap's requests, at most


WORLDS = (
    WideWorld("1,000 authored PRs over 150 days", 1_000, 150, ratio=0.05),
    WideWorld("1,305 PRs in one month, over the search cap", 1_305, 30, most=60),
)


@dataclass
class WideFigure:
    world: WideWorld
    wide_prs: int
    cold: CollectRun
    baseline: BaselineRun
    per_stream: dict[str, int] = field(default_factory=dict)

    @property
    def requests(self) -> int:
        """The whole GitHub source's requests, as the fake GitHub served them."""
        return self.cold.served["gh"]

    @property
    def baseline_requests(self) -> float:
        """The naive loop's requests for every authored PR (scaled per PR when search's
        cap stopped it short, as it silently does)."""
        b = self.baseline
        return b.requests * self.world.authored / b.prs if b.prs else float("inf")

    @property
    def met(self) -> bool:
        ratio, most = self.world.ratio, self.world.most
        if ratio is not None and self.requests > ratio * self.baseline_requests:
            return False
        return most is None or self.requests <= most

    @property
    def target(self) -> str:
        if self.world.ratio is not None:
            return f"<= {self.world.ratio:g} x the naive loop's requests"
        return f"<= {self.world.most} requests"


class _GitHubOnly:
    """What `run_collect` and `fetch_naive` read of a world: the fake GitHub, its
    request count and the token's environment (no GitLab or Jira here)."""

    def __init__(self, github: FakeGitHub) -> None:
        self.github = github

    def requests(self) -> dict[str, int]:
        return {"gh": self.github.requests}

    def env(self) -> dict[str, str]:
        return {"GITHUB_TOKEN": GITHUB_TOKEN}


def measure_wide(world: WideWorld, now: datetime | None = None) -> WideFigure:
    """Cold `growthmap collect` (a child process) and the naive loop on one world."""
    from fakes.github_harness import write_config  # tests/ is on sys.path (worlds)

    now = now or datetime.now(UTC)
    # PRs are created within `days` and done up to three days later: all before `now`.
    since = (now - timedelta(days=world.days + 5)).replace(hour=0, minute=0, second=0)
    dataset = generate_github(
        start=since + timedelta(days=1),
        days=world.days,
        owner_prs=world.authored - 1,  # the generator adds one 150-file PR of its own
        other_prs=world.authored // 10,
        wide_every=WIDE_EVERY,
    )
    fake = FakeGitHub(dataset).start()
    try:
        served = _GitHubOnly(fake)
        with tempfile.TemporaryDirectory(prefix="gm-bench-wide-") as folder:
            config = write_config(Path(folder), fake)
            cold = run_collect(served, config, "cold", since.date().isoformat())  # type: ignore[arg-type]
        baseline = fetch_naive(served, dataset.owner, since, None)  # type: ignore[arg-type]
    finally:
        fake.stop()
    if fake.errors:
        raise RuntimeError(f"the fake GitHub failed: {fake.errors[:3]}")
    wide = sum(1 for p in dataset.prs if p.author == dataset.owner and len(p.files) > 100)
    per_stream = {s.stream: s.requests for s in cold.streams}
    return WideFigure(world, wide, cold, baseline, per_stream)


def render_wide(figures: list[WideFigure]) -> list[str]:
    """The section of RESULTS.md, and its rows of the targets table."""
    lines = [
        "## GitHub with wide pull requests",
        "",
        f"One authored PR in {WIDE_EVERY} changes 101 to 320 files; no added latency. growthmap "
        "is a cold `collect` of the whole GitHub source (PRs, reviews given, design docs); "
        "the naive loop is the PyGithub loop above (`search_issues`, then per PR `get_pull`, "
        "`get_reviews`, `get_files`), scaled per PR where search's cap stopped it short.",
        "",
        "| world | wide PRs | growthmap requests (pull_requests / reviews / design_docs) "
        "| naive loop requests | ratio | target | verdict |",
        "|---|---:|---:|---:|---:|---|---|",
    ]
    for f in figures:
        streams = " / ".join(
            str(f.per_stream.get(s, 0)) for s in ("pull_requests", "reviews", "design_docs")
        )
        b = f.baseline
        naive = f"{f.baseline_requests:,.0f}" + (
            f" ({b.requests:,} for {b.prs:,} PRs)" if b.prs < f.world.authored else ""
        )
        lines.append(
            f"| {f.world.label} | {f.wide_prs} | {f.requests} ({streams}) | {naive} "
            f"| {f.requests / f.baseline_requests:.4f} | {f.target} "
            f"| {'met' if f.met else '**missed**'} |"
        )
    return [*lines, ""]


def target_rows(figures: list[WideFigure]) -> list[str]:
    """Rows of the report's targets table."""
    return [
        f"| GitHub cold, {f.world.label}: {f.target} | {f.requests} requests, "
        f"{f.requests / f.baseline_requests:.4f} of {f.baseline_requests:,.0f} "
        f"| {'met' if f.met else '**missed**'} |"
        for f in figures
    ]
