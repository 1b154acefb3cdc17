"""What pairing costs: the owner's PRs / MRs read with and without the pairing stream, on
worlds of growing size (the same colleagues' PRs in each), on the fake GitHub and GitLab.

The claim measured: pull_requests (GitHub) and merge_requests (GitLab, GraphQL) send the
same requests with pairing on (the commits ride in the same pages), and the pairing stream's
own requests do not grow with the owner's PRs: on GitHub one commit search and one lookup
per 25 commits that name the owner on colleagues' PRs, on GitLab one request per four
projects of MRs the owner reviewed.

`python -m benchmarks.pairing` prints the Markdown section; the suite puts it in RESULTS.md.
The connectors run in this process against the fakes, without added latency: the figures
are request counts.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from benchmarks.worlds import GITHUB_TOKEN, FakeGitHub, FakeGitLab, generate_github, generate_gitlab
from connectors.base import Connector, Runtime
from connectors.github import GitHubConfig, GitHubConnector
from connectors.gitlab import GitLabConfig, GitLabConnector

OWNER_PRS = (100, 400, 1600)
COLLEAGUE_PRS = 200
GITHUB_SINCE = datetime(2026, 8, 1, tzinfo=UTC)
GITHUB_NOW = datetime(2026, 12, 1, tzinfo=UTC)
GITLAB_DAYS = 90


@dataclass(frozen=True)
class PairingFigure:
    """One world: the PR (MR) stream's requests without and with pairing, the pairing
    stream's own requests and the items it found (on the owner's changes, on colleagues')."""

    source: str
    owner_changes: int
    without: int
    with_pairing: int
    pairing: int
    own_items: int
    their_items: int

    @property
    def met(self) -> bool:
        return self.with_pairing == self.without


def _runtime(now: datetime) -> Runtime:
    quiet = logging.getLogger("growthmap.benchmarks.pairing")
    quiet.propagate, quiet.handlers = False, [logging.NullHandler()]  # skipped repos: expected
    return Runtime(sleep=lambda _: None, now=lambda: now, logger=quiet)


def _spent(connector: Connector, stream: str, since: datetime) -> tuple[int, list[object]]:
    before = connector.stats.requests
    items = list(connector.fetch(stream, since))
    return connector.stats.requests - before, items


def measure_github(owner_prs: int) -> PairingFigure:
    dataset = generate_github(owner_prs=owner_prs, other_prs=COLLEAGUE_PRS, wide_every=7)
    fake = FakeGitHub(dataset, clock=GITHUB_NOW.timestamp).start()
    try:

        def connector(*streams: str) -> GitHubConnector:
            config = GitHubConfig.model_validate(
                {"name": "gh", "type": "github", "base_url": fake.base_url, "streams": streams}
            )
            return GitHubConnector(config, GITHUB_TOKEN, _runtime(GITHUB_NOW))

        without, _ = _spent(connector("pull_requests"), "pull_requests", GITHUB_SINCE)
        paired = connector("pull_requests", "pairing")
        with_pairing, _ = _spent(paired, "pull_requests", GITHUB_SINCE)
        pairing, items = _spent(paired, "pairing", GITHUB_SINCE)
    finally:
        fake.stop()
    return _figure("GitHub", owner_prs, without, with_pairing, pairing, items)


def measure_gitlab(owner_mrs: int) -> PairingFigure:
    from fakes.gitlab_data import BASE as GITLAB_NOW  # tests/ is on sys.path (worlds)

    fake = FakeGitLab(
        generate_gitlab(owner_mrs=owner_mrs, other_mrs=COLLEAGUE_PRS, days=GITLAB_DAYS)
    )
    fake.start()
    since = GITLAB_NOW - timedelta(days=GITLAB_DAYS + 1)
    try:

        def connector(*streams: str) -> GitLabConnector:
            config = GitLabConfig(
                name="gl", type="gitlab", base_url=fake.url, streams=list(streams)
            )
            return GitLabConnector(config, fake.token, _runtime(GITLAB_NOW))

        without, _ = _spent(connector("merge_requests"), "merge_requests", since)
        paired = connector("merge_requests", "reviews", "pairing")
        with_pairing, _ = _spent(paired, "merge_requests", since)
        _spent(paired, "reviews", since)
        pairing, items = _spent(paired, "pairing", since)
    finally:
        fake.stop()
    return _figure("GitLab", owner_mrs, without, with_pairing, pairing, items)


def _figure(
    source: str, owner: int, without: int, with_pairing: int, pairing: int, items: list[object]
) -> PairingFigure:
    own = sum(1 for i in items if getattr(i, "extra", {}).get("own_change"))
    return PairingFigure(source, owner, without, with_pairing, pairing, own, len(items) - own)


def measure() -> list[PairingFigure]:
    gitlab_sizes = tuple(n // 4 for n in OWNER_PRS)
    return [measure_github(n) for n in OWNER_PRS] + [measure_gitlab(n) for n in gitlab_sizes]


def render_pairing(figures: list[PairingFigure]) -> list[str]:
    lines = [
        "## Pairing",
        "",
        f"Worlds of growing size with the same {COLLEAGUE_PRS} colleagues' PRs (MRs); no added "
        "latency. The owner's PR (MR) stream with the pairing stream off and on, and the "
        "pairing stream's own requests (GitLab over GraphQL; over REST each MR costs one "
        "request more for its commits).",
        "",
        "| source | owner's PRs / MRs | PR stream requests without pairing | with pairing "
        "| pairing stream requests | pairings on own / colleagues' | same PR cost |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for f in figures:
        lines.append(
            f"| {f.source} | {f.owner_changes:,} | {f.without} | {f.with_pairing} | {f.pairing} "
            f"| {f.own_items} / {f.their_items} | {'met' if f.met else '**missed**'} |"
        )
    return [*lines, ""]


def target_rows(figures: list[PairingFigure]) -> list[str]:
    """Rows of the report's targets table: pairing adds no request to the PR streams."""
    return [
        f"| {f.source} pairing, {f.owner_changes:,} owner's changes: the PR stream's requests "
        f"do not change | {f.without} without, {f.with_pairing} with (pairing: {f.pairing}) "
        f"| {'met' if f.met else '**missed**'} |"
        for f in figures
    ]


def main() -> int:
    print("\n".join(render_pairing(measure())))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
