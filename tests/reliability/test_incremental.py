"""Incremental edge cases, through the real pipeline and the real connectors: after the
next run nothing is missing and nothing is doubled."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fakes.github_data import Review
from fakes.gitlab_data import OWNER as GITLAB_OWNER
from fakes.gitlab_world import approve
from fakes.jira import FakeJira
from fakes.jira_data import FakeIssue
from fakes.jira_fixtures import CLOUD_TOKEN, SERVER_PAT, users

from reliability.harness import collect, cursor_rows, open_config_ledger, stored_keys, write_config
from reliability.proxy import FaultProxy, Plan
from reliability.worlds import World, open_world, scale

BULK = 500 * scale()


def keys_of(config: Path, source: str) -> Counter[tuple[str, str]]:
    return Counter((kind, ext) for src, kind, ext in stored_keys(config) if src == source)


def assert_exactly(config: Path, world: World) -> None:
    got = keys_of(config, world.name)
    assert set(got) == world.expected(), set(world.expected()) ^ set(got)
    assert max(got.values()) == 1


# -- many items sharing one updated_at ---------------------------------------------------


def crowd(world: World, at: datetime) -> None:
    """Give BULK of the owner's items one and the same update time."""
    if world.name == "github":
        prs = [p for p in world.fake.dataset.prs if p.author == world.fake.dataset.owner]
        for pr in prs:
            pr.updated = at
    elif world.name == "gitlab":
        stamp = at.isoformat(timespec="milliseconds").replace("+00:00", "Z")
        for mr in world.fake.data.merge_requests:
            ref = mr["references"]["full"]
            if ref in world.fake.data.truth.owner_mrs:
                mr["updated_at"] = stamp
                world.fake.data.truth.owner_mrs[ref] = at
    else:
        owner = world.fake.users[0].account_id
        for n in range(1, BULK + 1):
            world.fake.issues.append(
                FakeIssue(
                    key=f"BULK-{n}",
                    summary=f"Bulk {n}",
                    assignee=owner,
                    created=at - timedelta(days=3),
                    resolved=at,
                    updated=at,
                    resolution="Done",
                    id=str(50_000 + n),
                )
            )
        world.fake.projects["BULK"] = "Bulk"


@pytest.fixture
def bulk_github() -> Iterator[World]:
    from fakes import github_data

    original = github_data.generate
    with open_world("github") as world:
        # The dataset of the world is small; replace it with one of BULK owner PRs.
        dataset = original(owner_prs=BULK, other_prs=10)
        dataset.tokens.update(world.fake.dataset.tokens)
        world.fake.dataset = dataset
        world.expected = lambda: _github_expected(dataset, world.since)
        yield world


def _github_expected(dataset: Any, since: datetime) -> set[tuple[str, str]]:
    now = datetime.now(UTC)
    return (
        {("pull_request", k) for k in dataset.expected_authored(since, now)}
        | {("review", k) for k in dataset.expected_reviewed(since, now)}
        | {("design_doc", k) for k in dataset.expected_docs(since, now)}
    )


def test_500_github_prs_updated_in_the_same_second_are_stored_once(
    bulk_github: World, tmp_path: Path
) -> None:
    world = bulk_github
    crowd(world, datetime(2026, 10, 1, 12, 0, 0, tzinfo=UTC))
    config = write_config(tmp_path, world.source_toml(page_size=50))

    first = collect(config, world.env, since=world.since)
    second = collect(config, world.env)

    assert first.ok and second.ok, [r.error for r in first.records + second.records]
    assert_exactly(config, world)
    prs = [k for k in keys_of(config, world.name) if k[0] == "pull_request"]
    assert len(prs) >= BULK
    assert sum(r.new for r in second.records) == 0


@pytest.mark.parametrize("connector", ["gitlab", "jira-cloud", "jira-server"])
def test_items_sharing_one_update_time_across_pages_are_stored_once(
    connector: str, tmp_path: Path
) -> None:
    with open_world(connector) as world:
        crowd(world, world.since + timedelta(days=1))
        config = write_config(tmp_path, world.source_toml(page_size=50))
        first = collect(config, world.env, since=world.since)
        second = collect(config, world.env)
        assert first.ok and second.ok, [r.error for r in first.records + second.records]
        want = world.expected()
        if connector.startswith("jira"):
            want |= {("ticket", f"BULK-{n}") for n in range(1, BULK + 1)}
            world.expected = lambda: want
        assert_exactly(config, world)


# -- a review given today on a pull request last touched months ago ---------------------


def test_a_github_review_today_on_an_old_pr_arrives_with_the_next_run(tmp_path: Path) -> None:
    with open_world("github") as world:
        dataset = world.fake.dataset
        old = next(p for p in dataset.prs if p.author != dataset.owner and not p.reviews)
        old.created = old.updated = datetime(2026, 6, 2, tzinfo=UTC)
        config = write_config(tmp_path, world.source_toml())
        assert collect(config, world.env, since=world.since).ok
        assert ("review", old.ref + "/review") not in keys_of(config, world.name)

        today = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=1)
        old.reviews.append(Review(dataset.owner, "APPROVED", today, 2))
        old.updated = today  # GitHub touches the PR when a review is submitted
        report = collect(config, world.env)  # incremental: from the stored cursors

        assert report.ok
        assert ("review", old.ref + "/review") in keys_of(config, world.name)
        assert_exactly(config, world)


def test_a_gitlab_approval_today_on_an_old_mr_arrives_with_the_next_run(tmp_path: Path) -> None:
    with open_world("gitlab") as world:
        data = world.fake.data
        old = next(
            m
            for m in data.merge_requests
            if m["author"]["id"] != GITLAB_OWNER["id"]
            and m["references"]["full"] not in data.truth.reviews
            and m["project_id"] != 13
        )
        old["created_at"] = old["updated_at"] = "2026-06-02T10:00:00.000Z"
        config = write_config(tmp_path, world.source_toml())
        assert collect(config, world.env, since=world.since).ok

        today = datetime.now(UTC) - timedelta(minutes=1)
        approve(data, old, GITLAB_OWNER, today)  # the MR itself is not touched
        data.truth.reviews.setdefault(old["references"]["full"], []).append(today)
        report = collect(config, world.env)

        assert report.ok, [r.error for r in report.records]
        assert ("review", old["references"]["full"] + ":review") in keys_of(config, world.name)
        assert_exactly(config, world)


# -- a search index that lags behind writes ------------------------------------------------


def test_github_cursor_never_passes_the_lag_window_and_late_indexed_items_arrive(
    tmp_path: Path,
) -> None:
    with open_world("github") as world:
        dataset = world.fake.dataset
        recent = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=3)
        fresh = [p for p in dataset.prs if p.author == dataset.owner][:3]
        for pr in fresh:
            pr.updated = recent
        lagging = {"on": True}

        def index_lag(_path: str, data: Any) -> Any:
            """The search index has not seen the last 5 minutes of writes yet."""
            search = ((data or {}).get("data") or {}).get("search") if lagging["on"] else None
            if isinstance(search, dict) and isinstance(search.get("nodes"), list):
                horizon = (datetime.now(UTC) - timedelta(minutes=5)).isoformat()
                search["nodes"] = [
                    n
                    for n in search["nodes"]
                    if not isinstance(n, dict) or (n.get("updatedAt") or "") < horizon[:19]
                ]
            return data

        with FaultProxy(world.upstream, Plan(transform=index_lag)) as proxy:
            config = write_config(tmp_path, world.source_toml(proxy.root, lag_minutes=10))
            started = datetime.now(UTC)
            assert collect(config, world.env, since=world.since).ok
            missing_now = {("pull_request", p.ref) for p in fresh}
            assert not missing_now & set(keys_of(config, world.name))  # not indexed yet
            ledger = open_config_ledger(config)
            try:
                cursors = cursor_rows(ledger)
            finally:
                ledger.close()
            assert cursors and all(
                c.position <= started - timedelta(minutes=10) + timedelta(seconds=1)
                for c in cursors
            )
            lagging["on"] = False  # the index catches up
            assert collect(config, world.env).ok

        assert missing_now <= set(keys_of(config, world.name))
        assert_exactly(config, world)


# -- a Jira user far from the host's timezone, across a DST change -----------------------


@pytest.fixture
def host_in_kolkata(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "Asia/Kolkata")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.parametrize("deployment", ["cloud", "server"])
def test_jira_tickets_around_the_end_of_dst_arrive_once(
    deployment: str, tmp_path: Path, host_in_kolkata: None
) -> None:
    # Los Angeles falls back at 09:00 UTC on 1 Nov 2026: 01:00-02:00 local happens twice.
    owner, colleague = users(deployment)
    resolved = [
        datetime(2026, 11, 1, h, m, tzinfo=UTC)
        for h, m in ((8, 20), (8, 50), (9, 10), (9, 40), (10, 5), (10, 25))
    ]
    tickets = [
        FakeIssue(
            key=f"DST-{n}",
            summary=f"Fix {n}",
            assignee=owner.account_id,
            created=at - timedelta(days=2),
            resolved=at,
            updated=at,
            resolution="Done",
        )
        for n, at in enumerate(resolved, start=1)
    ]
    context = "/jira" if deployment == "server" else ""
    clock = {"now": datetime(2026, 11, 1, 9, 15, tzinfo=UTC)}
    with FakeJira(
        deployment,
        [owner, colleague],
        tickets,
        now=clock["now"],
        projects={"DST": "Daylight"},
        context=context,
    ) as site:
        secret = CLOUD_TOKEN if deployment == "cloud" else SERVER_PAT
        email = '\nemail = "alice@example.com"' if deployment == "cloud" else ""
        config = write_config(
            tmp_path,
            f'[[sources]]\nname = "jira"\ntype = "jira"\nbase_url = "{site.base_url}"\n'
            f'token_env = "JIRA_TOKEN"\npage_size = 2{email}\n',
        )
        env = {"JIRA_TOKEN": secret}
        seen: list[set[str]] = []
        for now in (
            clock["now"],
            datetime(2026, 11, 1, 10, 10, tzinfo=UTC),
            datetime(2026, 11, 1, 11, 0, tzinfo=UTC),
        ):
            site.now = now
            site.issues[:] = [t for t in tickets if t.resolved and t.resolved < now]
            since = datetime(2026, 10, 31, tzinfo=UTC) if not seen else None
            report = collect(config, env, since=since, clock=lambda now=now: now)
            assert report.ok, [r.error for r in report.records]
            keys = keys_of(config, "jira")
            assert max(keys.values()) == 1
            seen.append({ext for _, ext in keys})
            assert seen[-1] == {t.key for t in tickets if t.resolved and t.resolved < now}
