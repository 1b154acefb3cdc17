"""Generated worlds at a size, served by the fake GitHub, GitLab and Jira of `tests/fakes`.

The fakes live in the source checkout's `tests/` (not an installed package), so the
benchmarks run from a checkout: `tests/` is put on `sys.path` here.
"""

from __future__ import annotations

import random
import sys
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

TESTS = Path(__file__).resolve().parent.parent / "tests"
if not (TESTS / "fakes").is_dir():
    raise SystemExit("benchmarks need a source checkout: tests/fakes/ was not found")
if str(TESTS) not in sys.path:
    sys.path.append(str(TESTS))

from fakes.github_data import Dataset  # noqa: E402
from fakes.github_data import generate as generate_github  # noqa: E402
from fakes.github_fake import FakeGitHub  # noqa: E402
from fakes.gitlab import FakeGitLab  # noqa: E402
from fakes.gitlab_world import generate as generate_gitlab  # noqa: E402
from fakes.jira import FakeJira  # noqa: E402
from fakes.jira_data import FakeIssue  # noqa: E402
from fakes.jira_fixtures import CLOUD_TOKEN, EMAIL, users  # noqa: E402

# Authored PRs per size; reviews given, MRs and tickets follow in proportion.
SIZES = {"tiny": 20, "S": 200, "M": 2_000, "L": 10_000}
YEAR = 365
GITHUB_TOKEN = "owner-token"


@dataclass(frozen=True)
class Shape:
    """How many of each thing a world of `size` holds."""

    size: str
    authored_prs: int

    @property
    def other_prs(self) -> int:  # PRs by colleagues; about half carry the owner's review
        return self.authored_prs // 2

    @property
    def owner_mrs(self) -> int:
        return max(5, self.authored_prs // 4)

    @property
    def other_mrs(self) -> int:
        return max(5, self.authored_prs // 8)

    @property
    def tickets(self) -> int:
        return max(5, self.authored_prs // 2)


def shape(size: str) -> Shape:
    return Shape(size, SIZES[size])


def year_start(now: datetime) -> datetime:
    return (now - timedelta(days=YEAR)).replace(hour=0, minute=0, second=0, microsecond=0)


def jira_tickets(count: int, owner: str, colleague: str, now: datetime) -> list[FakeIssue]:
    """Tickets over the past year: most resolved by the owner, some open or a colleague's."""
    rng = random.Random(11)
    start = year_start(now) + timedelta(days=1)
    found = []
    for n in range(1, count + 1):
        created = start + timedelta(seconds=rng.randrange((YEAR - 10) * 86400))
        resolved = created + timedelta(hours=rng.randrange(1, 200))
        done = n % 7 != 0
        found.append(
            FakeIssue(
                key=f"{rng.choice(['CORE', 'OPS', 'PLAT'])}-{n}",
                summary=f"Work item {n}: {rng.choice(['cache', 'retry', 'deploy', 'alert'])}",
                created=created,
                assignee=owner if n % 5 else colleague,
                status="Done" if done else "In Progress",
                category="done" if done else "indeterminate",
                resolved=resolved if done else None,
                updated=resolved + timedelta(minutes=3),
                resolution="Done" if done else None,
                issue_type=rng.choice(["Story", "Bug", "Task"]),
                description="Why and how.\n- a step\n- another step",
                labels=rng.sample(["backend", "perf", "infra", "docs"], 2),
            )
        )
    return found


@dataclass
class World:
    """Running fake servers for one size, with what a config needs to reach them."""

    shape: Shape
    github: FakeGitHub
    gitlab: FakeGitLab
    jira: FakeJira
    since: datetime

    @property
    def dataset(self) -> Dataset:
        return self.github.dataset

    def set_latency(self, seconds: float) -> None:
        self.github.latency = self.gitlab.latency = self.jira.latency = seconds

    def requests(self) -> dict[str, int]:
        return {
            "github": self.github.requests,
            "gitlab": len(self.gitlab.requests),
            "jira": len(self.jira.requests),
        }

    def env(self) -> dict[str, str]:
        return {
            "BENCH_GITHUB_TOKEN": GITHUB_TOKEN,
            "BENCH_GITLAB_TOKEN": self.gitlab.token,
            "BENCH_JIRA_TOKEN": CLOUD_TOKEN,
        }

    def config_toml(self, ledger_url: str) -> str:
        return f"""[owner]
name = "Bench"
timezone = "UTC"

[ledger]
url = "{ledger_url}"

[[sources]]
name = "github"
type = "github"
base_url = "{self.github.base_url}"
token_env = "BENCH_GITHUB_TOKEN"

[[sources]]
name = "gitlab"
type = "gitlab"
base_url = "{self.gitlab.url}"
token_env = "BENCH_GITLAB_TOKEN"

[[sources]]
name = "jira"
type = "jira"
base_url = "{self.jira.base_url}"
token_env = "BENCH_JIRA_TOKEN"
email = "{EMAIL}"
deployment = "cloud"
"""


def open_world(size: str, stack: ExitStack, now: datetime | None = None) -> World:
    """Generate the world of `size` and start its three fake servers (stopped by `stack`)."""
    now = now or datetime.now(UTC)
    dims = shape(size)
    since = year_start(now)
    dataset = generate_github(
        start=since + timedelta(days=1),
        days=YEAR - 10,
        owner_prs=dims.authored_prs,
        other_prs=dims.other_prs,
    )
    github = FakeGitHub(dataset).start()
    stack.callback(github.stop)
    gitlab = FakeGitLab(
        generate_gitlab(owner_mrs=dims.owner_mrs, other_mrs=dims.other_mrs, days=YEAR - 10)
    ).start()
    stack.callback(gitlab.stop)
    owner, colleague = users("cloud")
    tickets = jira_tickets(dims.tickets, owner.account_id, colleague.account_id, now)
    jira = stack.enter_context(FakeJira("cloud", [owner, colleague], tickets, now=now))
    return World(dims, github, gitlab, jira, since)
