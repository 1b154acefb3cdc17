"""A Jira site for tests: the owner (a Los Angeles user), a colleague, and tickets placed
around the edges that matter — minutes before "now", seconds after and minutes before the
window's start (whose date differs between Los Angeles and UTC), handed-over tickets,
reopened ones, an epic, a sub-task, and tickets that a Done-category status closed
without a resolution: in the window, before it, reopened, closed again, born done."""

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
    tickets += closed_by_status(owner, colleague, since)
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


def closed_by_status(owner: str, colleague: str, since: datetime) -> list[FakeIssue]:
    """Tickets whose workflow sets no resolution: a done status alone closes them."""
    day, hour = timedelta(days=1), timedelta(hours=1)

    def flow(key: str, *moves: tuple[str, datetime], **kw: Any) -> FakeIssue:
        kw.setdefault("assignee", owner)
        kw.setdefault("created", since - 12 * day)
        issue = FakeIssue(key=key, summary=f"Contribution {key}", status="To Do", **kw)
        issue.category = "new"
        for status, at in moves:
            issue.move(status, at)
        return issue

    started = ("In Progress", since - 6 * day)
    earlier = flow("CORE-25", started, ("Contributed", since - 5 * day))
    earlier.updated = since + day  # a comment in the window does not make it closed then
    signed = flow("CORE-20", started, ("CLA On File", since + 2 * day + 5 * hour))
    signed.updated = since + 4 * day  # commented on after it closed
    return [
        signed,
        # Entered Done before the window; moved between two done statuses within it.
        flow(
            "CORE-21",
            started,
            ("Contributed", since - 3 * day),
            ("Licenses Validated", since + day),
        ),
        flow("CORE-22", started, ("CLA On File", since + day), ("Reopened", since + 2 * day)),
        flow(
            "CORE-23",
            started,
            ("Contributed", since - 4 * day),
            ("Reopened", since + hour),
            ("Contributed", since + 3 * day),
        ),
        FakeIssue(
            key="CORE-24",
            summary="Recorded as validated",
            assignee=owner,
            created=since + day,
            status="Licenses Validated",
            created_status="Licenses Validated",
        ),
        earlier,
        flow("CORE-26", started, ("CLA On File", since - timedelta(seconds=20))),
        flow("CORE-27", started, ("Contributed", since + day), assignee=colleague),
    ]


def closed_at(issue: FakeIssue) -> datetime | None:
    """When a ticket closed, straight from its data: None while its category is not done,
    else its resolution date, else when it last entered a done status (or was created)."""
    if issue.category != "done":
        return None
    if issue.resolved is not None:
        return issue.resolved
    entered = issue.created
    for change in issue.history():
        done_before = issue.category_of(change.before) == "done"
        if issue.category_of(change.after) == "done" and not done_before:
            entered = change.at
    return entered


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
        closed = closed_at(issue)
        if not mine or closed is None:
            continue
        if closed < since or (until is not None and closed >= until):
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
