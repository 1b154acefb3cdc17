"""One fake server per connector, with its config section and the items a correct
collector stores (written from the fake's own data, not from the connector's logic)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from fakes.github_data import generate as github_data
from fakes.github_fake import FakeGitHub
from fakes.gitlab import FakeGitLab
from fakes.gitlab_world import generate as gitlab_data
from fakes.jira_fixtures import CLOUD_TOKEN, EMAIL, SERVER_PAT, expected_keys, make_site

CONNECTORS = ("github", "gitlab", "jira-cloud", "jira-server")
GITHUB_TOKEN = "owner-token"  # the fake's dataset knows this value
Key = tuple[str, str]  # (kind, external_id)


def scale() -> int:
    """GROWTHMAP_RELIABILITY_SCALE multiplies data sizes and trial counts (nightly: 5)."""
    return max(1, int(os.environ.get("GROWTHMAP_RELIABILITY_SCALE", "1")))


@dataclass
class World:
    name: str
    fake: Any
    upstream: str  # the fake's root; a proxy may stand in front of it
    suffix: str  # base_url = root + suffix
    since: datetime
    env: dict[str, str]
    expected: Callable[[], set[Key]]
    extra: str = ""  # more TOML keys for the source section

    @property
    def token(self) -> str:
        return next(iter(self.env.values()))

    def source_toml(self, root: str | None = None, *, name: str | None = None, **keys: Any) -> str:
        base = (root or self.upstream) + self.suffix
        lines = [
            "[[sources]]",
            f'name = "{name or self.name}"',
            f'type = "{self.name.split("-")[0]}"',
            f'base_url = "{base}"',
            f'token_env = "{next(iter(self.env))}"',
            *(line for line in self.extra.splitlines() if line.split(" = ")[0] not in keys),
            *(f"{k} = {_toml(v)}" for k, v in keys.items()),
        ]
        return "\n".join(line for line in lines if line) + "\n"


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return str(value)


@contextmanager
def open_world(name: str) -> Iterator[World]:
    opener = {
        "github": _github,
        "gitlab": _gitlab,
        "jira-cloud": lambda: _jira("cloud"),
        "jira-server": lambda: _jira("server"),
    }[name]
    with opener() as world:
        yield world


@contextmanager
def _github() -> Iterator[World]:
    dataset = github_data(owner_prs=30 * scale(), other_prs=20 * scale())
    fake = FakeGitHub(dataset).start()
    since = datetime(2026, 8, 1, tzinfo=UTC)

    def expected() -> set[Key]:
        now = datetime.now(UTC)
        return (
            {("pull_request", k) for k in dataset.expected_authored(since, now)}
            | {("review", k) for k in dataset.expected_reviewed(since, now)}
            | {("design_doc", k) for k in dataset.expected_docs(since, now)}
        )

    try:
        yield World(
            "github",
            fake,
            fake.root,
            "/api/v3",
            since,
            {"GITHUB_TOKEN": GITHUB_TOKEN},
            expected,
            'streams = ["pull_requests", "reviews", "design_docs"]',
        )
        # A client killed mid-answer breaks the pipe: that is the test, not a fake bug.
        bugs = [e for e in fake.errors if "BrokenPipe" not in e and "ConnectionReset" not in e]
        assert bugs == [], bugs
    finally:
        fake.stop()


@contextmanager
def _gitlab() -> Iterator[World]:
    data = gitlab_data(owner_mrs=15 * scale(), other_mrs=20 * scale())
    fake = FakeGitLab(data).start()
    since = datetime(2026, 10, 21, tzinfo=UTC)

    def expected() -> set[Key]:
        return (
            {("pull_request", k) for k in data.expected_mrs(since)}
            | {("review", f"{k}:review") for k in data.expected_reviews(since)}
            | {("design_doc", k) for k in data.expected_docs(since)}
        )

    try:
        yield World(
            "gitlab",
            fake,
            fake.url,
            "",
            since,
            {"GITLAB_TOKEN": fake.token},
            expected,
            'page_size = 10\nstreams = ["merge_requests", "reviews", "design_docs"]',
        )
    finally:
        fake.stop()


@contextmanager
def _jira(deployment: str) -> Iterator[World]:
    now = datetime.now(UTC).replace(microsecond=0)
    since = (now - timedelta(days=5)).replace(second=30)
    context = "/jira" if deployment == "server" else ""
    with make_site(deployment, context=context, now=now, since=since) as site:
        owner = site.users[0].account_id

        def expected() -> set[Key]:
            return {("ticket", k) for k in expected_keys(owner, site.issues, since)}

        secret = CLOUD_TOKEN if deployment == "cloud" else SERVER_PAT
        extra = "page_size = 2" + (f'\nemail = "{EMAIL}"' if deployment == "cloud" else "")
        root = site.base_url.removesuffix(context)
        yield World(
            f"jira-{deployment}",
            site,
            root,
            context,
            since,
            {"JIRA_TOKEN": secret},
            expected,
            extra,
        )


def edit_items(world: World, count: int, at: datetime) -> dict[str, str]:
    """Edit the titles of `count` of the owner's items upstream, as if someone had just
    done so; returns external_id -> new title."""
    edited: dict[str, str] = {}
    at = at.replace(microsecond=0)  # GitHub's timestamps are whole seconds
    if world.name == "github":
        wanted = {k for kind, k in world.expected() if kind == "pull_request"}
        for pr in world.fake.dataset.prs:
            if pr.ref in wanted and len(edited) < count:
                pr.title, pr.updated = pr.title + " (edited)", at
                edited[pr.ref] = pr.title
    elif world.name == "gitlab":
        for mr in world.fake.data.merge_requests:
            ref = mr["references"]["full"]
            if ref in world.fake.data.truth.owner_mrs and len(edited) < count:
                mr["title"] += " (edited)"
                mr["updated_at"] = at.isoformat(timespec="milliseconds").replace("+00:00", "Z")
                edited[ref] = mr["title"]
    else:
        wanted = {k for _, k in world.expected()}
        for issue in world.fake.issues:
            if issue.key in wanted and len(edited) < count:
                issue.summary, issue.updated = issue.summary + " (edited)", at
                edited[issue.key] = issue.summary
    return edited


def use_token(world: World, value: str) -> None:
    """Make the fake accept `value` as the owner's token, and the config use it."""
    if world.name == "github":
        world.fake.dataset.tokens[value] = world.fake.dataset.owner
    elif world.name == "gitlab":
        world.fake.token = value
    else:
        world.fake.users[0].secret = value
    variable = next(iter(world.env))
    world.env[variable] = value
