"""A Jira site for tests: the owner (a Los Angeles user), a colleague, and tickets placed
around the edges that matter — minutes before "now", seconds after and minutes before the
window's start (whose date differs between Los Angeles and UTC), handed-over tickets,
reopened ones, an epic, a sub-task."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from fakes.jira import FakeJira
from fakes.jira_data import FakeIssue, FakeUser

NOW = datetime(2026, 11, 20, 18, 0, 0, tzinfo=UTC)  # 10:00 in Los Angeles
# 20:03:30 on Nov 13 in Los Angeles, already Nov 14 in UTC.
SINCE = datetime(2026, 11, 14, 4, 3, 30, tzinfo=UTC)
OWNER_ZONE = "America/Los_Angeles"
CLOUD_TOKEN = "cloud-api-token-7f3a9c"
SERVER_PAT = "server-pat-NjE3ODk0MjA"
EMAIL = "alice@example.com"
PROJECTS = {"CORE": "Core Platform", "PLAT": "Platform Tools", "OPS": "Operations"}

DESCRIPTION = (
    "Checkout calls the pricing API twice.\n!Cache the quote per cart.\n\n"
    "- add a cache\n- expire it after 5 minutes"
)


def users(deployment: str) -> tuple[FakeUser, FakeUser]:
    cloud = deployment == "cloud"
    owner = FakeUser(
        account_id="712020:5b10ac8d-82e0-4b22-cc7d-4ef5aa11" if cloud else "alice",
        display_name="Alice Example",
        email=EMAIL,
        time_zone=OWNER_ZONE,
        secret=CLOUD_TOKEN if cloud else SERVER_PAT,
    )
    colleague = FakeUser(
        account_id="712020:0c2b9a77-1d4e-4f60-9d8b-bb22cc33" if cloud else "bob",
        display_name="Bob Colleague",
        email="bob@example.com",
        time_zone="Europe/Berlin",
        secret="bob-secret",
    )
    return owner, colleague


def issues(
    owner: str, colleague: str, now: datetime = NOW, since: datetime = SINCE
) -> list[FakeIssue]:
    """Tickets in and around the window; `expected_keys` is the independent oracle."""
    day = timedelta(days=1)
    created = since - 20 * day

    def done(key: str, resolved: datetime, **kw: Any) -> FakeIssue:
        kw.setdefault("assignee", owner)
        kw.setdefault("resolution", "Done")
        # Creation order deliberately differs from key order.
        kw.setdefault("created", created + timedelta(hours=sum(map(ord, key)) * 7 % 200))
        return FakeIssue(
            key=key,
            summary=f"Work item {key}",
            resolved=resolved,
            updated=resolved + timedelta(minutes=3),
            **kw,
        )

    tickets = [
        FakeIssue(
            key="CORE-1",
            summary="Cache pricing quotes per cart",
            assignee=owner,
            created=created,
            resolved=since + 3 * day,
            updated=since + 3 * day,
            resolution="Done",
            description=DESCRIPTION,
            components=["API", "Billing"],
            labels=["backend", "perf"],
            priority="High",
            story_points=5.0,
            sprints=["CORE Sprint 41", "CORE Sprint 42"],
            epic="CORE-100",
        ),
        done("CORE-2", now - timedelta(minutes=2), issue_type="Bug"),
        done("CORE-3", since + timedelta(seconds=20)),
        done("CORE-4", since + timedelta(seconds=61)),
        done("CORE-5", since + timedelta(hours=1), issue_type="Sub-task", parent="CORE-1"),
        done("CORE-6", since - timedelta(hours=7)),
        done("CORE-7", since - timedelta(minutes=2)),
        FakeIssue(
            key="CORE-9",
            summary="Still in progress",
            assignee=owner,
            created=created,
            status="In Progress",
            category="indeterminate",
        ),
        done("CORE-10", since + 2 * day, status="Won't Do", resolution="Won't Do"),
        done("CORE-11", since + day, assignee=colleague),
        done("CORE-12", since + day, assignee=colleague, previous_assignees=[owner]),
        FakeIssue(
            key="CORE-13",
            summary="Reopened after review",
            assignee=owner,
            created=created,
            status="Reopened",
            category="new",
        ),
        FakeIssue(
            key="CORE-100",
            summary="Checkout revamp",
            assignee=colleague,
            created=created - 10 * day,
            status="In Progress",
            category="indeterminate",
            issue_type="Epic",
        ),
        done("OPS-1", since + 2 * day, components=["Runbooks"]),
        done("PLAT-7", since - 30 * day),
    ]
    for n in range(1, 7):
        tickets.append(
            done(
                f"PLAT-{n}",
                since + n * timedelta(hours=13),
                epic="CORE-100",
                story_points=float(n),
                sprints=[f"PLAT Sprint {n % 2 + 7}"],
            )
        )
    return tickets


def expected_keys(
    owner: str,
    tickets: list[FakeIssue],
    since: datetime,
    *,
    until: datetime | None = None,
    who: str = "assignee",
    projects: set[str] | None = None,
) -> set[str]:
    """Computed straight from the data, not through the fake's JQL engine."""
    result = set()
    for issue in tickets:
        mine = issue.assignee == owner or (
            who == "assignee_was" and owner in issue.previous_assignees
        )
        if not mine or issue.category != "done" or issue.resolved is None:
            continue
        if issue.resolved < since or (until is not None and issue.resolved >= until):
            continue
        if projects is not None and issue.project not in projects:
            continue
        result.add(issue.key)
    return result


def make_site(
    deployment: str, context: str = "", now: datetime = NOW, since: datetime = SINCE
) -> FakeJira:
    """A fake site whose tickets sit around `since` and `now`."""
    owner, colleague = users(deployment)
    tickets = issues(owner.account_id, colleague.account_id, now, since)
    return FakeJira(
        deployment, [owner, colleague], tickets, now=now, projects=dict(PROJECTS), context=context
    )
