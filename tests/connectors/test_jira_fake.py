"""The Jira connector end to end against a loopback fake of Jira Cloud and of Data Center,
through the real `jira` client: the owner is in Los Angeles, this host in UTC."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from fakes.jira import FakeJira
from fakes.jira_fixtures import (
    CLOUD_TOKEN,
    EMAIL,
    NOW,
    SERVER_PAT,
    SINCE,
    expected_keys,
    make_site,
)

from connectors.base import Runtime
from connectors.errors import AuthError, ConfigProblem, SourceUnavailable
from connectors.item import Item
from connectors.jira import JiraConfig, JiraConnector

OVERLAP = timedelta(minutes=10)  # what the pipeline re-reads on the next run


class Sleeps(list[float]):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture(autouse=True)
def no_library_sleep(monkeypatch: pytest.MonkeyPatch) -> None:
    """The jira package's own retry loop must never sleep: waits go through runtime.sleep."""

    def forbidden(seconds: float) -> None:
        raise AssertionError(f"jira.resilientsession slept {seconds}s")

    monkeypatch.setattr("jira.resilientsession.time.sleep", forbidden)


@pytest.fixture(params=["cloud", "server"])
def site(request: pytest.FixtureRequest) -> Iterator[FakeJira]:
    # Data Center usually lives under a context path; Cloud at the root.
    context = "/jira" if request.param == "server" else ""
    with make_site(request.param, context=context) as fake:
        yield fake


def connect(
    site: FakeJira, *, token: str | None = None, sleeps: Sleeps | None = None, **kw: Any
) -> JiraConnector:
    values: dict[str, Any] = {"name": "work", "type": "jira", "base_url": site.base_url, **kw}
    if site.deployment == "cloud":
        values.setdefault("email", EMAIL)
    secret = token or (CLOUD_TOKEN if site.deployment == "cloud" else SERVER_PAT)
    # The connector's clock is the site's: "up to now" means the same moment to both.
    runtime = Runtime(sleep=Sleeps() if sleeps is None else sleeps, now=lambda: site.now)
    return JiraConnector(JiraConfig.model_validate(values), secret, runtime)


def collect(conn: JiraConnector, since: datetime, until: datetime | None = None) -> list[Item]:
    try:
        return list(conn.fetch("tickets", since, until))
    finally:
        conn.close()


def owner(site: FakeJira) -> str:
    return site.users[0].account_id


def keys(items: list[Item]) -> list[str]:
    return [i.external_id for i in items]


def test_every_ticket_closed_in_the_window_appears_exactly_once(site: FakeJira) -> None:
    conn = connect(site, page_size=3)
    found = keys(collect(conn, SINCE))

    want = expected_keys(owner(site), site.issues, SINCE)
    assert len(found) == len(set(found))
    assert set(found) == want
    # The edges: minutes before the run, seconds after the window opens (Nov 13 in Los
    # Angeles, Nov 14 in UTC); and what must stay out: just before it, a UTC-vs-local slip.
    assert {"CORE-2", "CORE-3", "CORE-4"} <= set(found)
    assert not {"CORE-6", "CORE-7", "CORE-9", "CORE-11", "CORE-12", "CORE-13"} & set(found)


def test_request_counts_are_measured_and_match_the_server(site: FakeJira) -> None:
    conn = connect(site)
    collect(conn, SINCE)

    # Data Center reads the epics' summaries and, for tickets closed by a status alone,
    # their changelogs and the site's statuses; Cloud's one search gives all of that.
    lookups = 2 if site.deployment == "server" else 0
    statuses = 1 if site.deployment == "server" else 0
    assert site.count("/serverInfo") == 1 and site.count("/myself") == 1
    assert site.count("/field") == 1
    assert site.count("/status") == statuses
    probe = 1  # one id, asked before the field catalog, to learn whether there is work
    assert len(site.searches()) == probe + 1 + lookups
    assert conn.stats.requests == len(site.requests) == 3 + probe + 1 + lookups + statuses


def test_changelogs_are_read_only_for_tickets_without_a_resolution(site: FakeJira) -> None:
    conn = connect(site, page_size=3)
    found = collect(conn, SINCE)

    expanded = [r for r in site.searches() if "changelog" in r.query.get("expand", [""])[0]]
    if site.deployment == "cloud":
        assert not expanded and site.count("/status") == 0
        return
    asked = {k for r in expanded for k in re.findall(r'"([A-Z]+-\d+)"', r.query["jql"][0])}
    without = {i.key for i in site.issues if i.resolved is None and i.category == "done"}
    assert asked <= without
    # Found by its move between two done statuses in the window, dated, and left out.
    assert "CORE-21" in asked and "CORE-21" not in keys(found)
    assert site.count("/status") == 1  # once per run, however many pages needed it
    pages = [
        r for r in site.searches() if r.query.get("fields") != ["id"] and "expand" not in r.query
    ]
    assert len(expanded) <= len(pages)
    assert conn.stats.requests == len(site.requests)


def test_tickets_a_done_status_closed_without_a_resolution_are_dated_by_entering_it(
    site: FakeJira,
) -> None:
    items = {i.external_id: i for i in collect(connect(site), SINCE)}
    cloud = site.deployment == "cloud"

    signed = items["CORE-20"]
    assert signed.occurred_at == SINCE + timedelta(days=2, hours=5)
    assert signed.extra["status"] == "CLA On File" and signed.extra["resolution"] is None
    assert signed.extra["closed_by"] == "status"
    assert signed.extra["closed_at_from"] == ("statuscategorychangedate" if cloud else "changelog")
    # Reopened in the window and closed again: dated by the second close.
    assert items["CORE-23"].occurred_at == SINCE + timedelta(days=3)
    # Created in a done status: it closed when it was created.
    born = items["CORE-24"]
    assert born.occurred_at == SINCE + timedelta(days=1)
    assert born.extra["closed_at_from"] == ("statuscategorychangedate" if cloud else "created")
    # Closed before the window (moved on, commented or reopened since), or someone else's.
    assert not {"CORE-21", "CORE-22", "CORE-25", "CORE-26", "CORE-27"} & set(items)
    resolved = items["CORE-1"].extra
    assert (resolved["closed_by"], resolved["closed_at_from"]) == ("resolution", "resolutiondate")


def test_a_ticket_reopened_and_closed_again_is_redated_by_the_next_run(site: FakeJira) -> None:
    first = {i.external_id: i for i in collect(connect(site), SINCE)}
    assert first["CORE-20"].occurred_at == SINCE + timedelta(days=2, hours=5)

    ticket = next(i for i in site.issues if i.key == "CORE-20")
    ticket.move("Reopened", NOW + timedelta(minutes=20))
    ticket.move("Contributed", NOW + timedelta(minutes=40))
    site.now = NOW + timedelta(hours=1)
    again = collect(connect(site), NOW)

    assert keys(again) == ["CORE-20"]
    assert again[0].occurred_at == NOW + timedelta(minutes=40)
    assert again[0].extra["status"] == "Contributed"


def test_a_warm_run_with_the_deployment_configured_costs_two_requests(site: FakeJira) -> None:
    conn = connect(site, deployment=site.deployment)
    assert collect(conn, NOW - timedelta(minutes=1)) == []
    assert conn.stats.requests == len(site.requests) == 2  # myself and one search


def test_a_run_with_nothing_new_costs_the_user_and_one_search(site: FakeJira) -> None:
    conn = connect(site)
    assert collect(conn, NOW - timedelta(minutes=1)) == []

    assert site.count("/field") == 0  # no tickets, so no custom fields to read
    assert len(site.searches()) == 1
    assert conn.stats.requests == len(site.requests) == 3  # serverInfo, myself, search


def test_a_second_run_yields_the_same_ids_and_content(site: FakeJira) -> None:
    first = collect(connect(site), SINCE)
    again = collect(connect(site), SINCE)
    assert keys(first) == keys(again)
    assert [i.content_hash() for i in first] == [i.content_hash() for i in again]

    # The next scheduled run starts from the cursor less the overlap: it re-reads only
    # what it already has (the ticket closed minutes before the first run).
    cursor = NOW - JiraConnector.all_streams[0].lag
    follow_up = keys(collect(connect(site), cursor - OVERLAP))
    assert follow_up == ["CORE-2"]


def test_items_carry_the_ticket_details(site: FakeJira) -> None:
    items = {i.external_id: i for i in collect(connect(site), SINCE)}
    story = items["CORE-1"]
    assert story.title == "Cache pricing quotes per cart"
    assert story.url == f"{site.base_url}/browse/CORE-1"
    assert story.repo == "CORE" and story.labels == ("backend", "perf")
    assert story.occurred_at == SINCE + timedelta(days=3)
    assert "Checkout calls the pricing API twice." in story.body
    assert "add a cache" in story.body
    assert story.extra["platform"] == "jira"
    assert story.extra["components"] == ["API", "Billing"]
    assert story.extra["story_points"] == 5.0
    assert story.extra["sprints"] == ["CORE Sprint 41", "CORE Sprint 42"]
    assert story.extra["parent"] == {
        "key": "CORE-100",
        "summary": "Checkout revamp",
        "issue_type": "Epic",
    }
    assert items["CORE-5"].extra["parent"]["key"] == "CORE-1"
    assert items["CORE-10"].extra["resolution"] == "Won't Do"
    assert items["CORE-2"].extra["issue_type"] == "Bug"


def test_assignee_was_adds_tickets_handed_on_before_they_closed(site: FakeJira) -> None:
    found = set(keys(collect(connect(site, who="assignee_was"), SINCE)))
    assert "CORE-12" in found
    assert found == expected_keys(owner(site), site.issues, SINCE, who="assignee_was")


def test_jql_narrows_the_search(site: FakeJira) -> None:
    found = set(keys(collect(connect(site, jql="project in (PLAT, OPS)"), SINCE)))
    assert found == expected_keys(owner(site), site.issues, SINCE, projects={"PLAT", "OPS"})
    assert found


def test_until_bounds_the_window(site: FakeJira) -> None:
    until = SINCE + timedelta(days=2)
    found = keys(collect(connect(site), SINCE, until))
    assert set(found) == expected_keys(owner(site), site.issues, SINCE, until=until)


def test_fewer_rows_per_page_than_asked_still_reads_everything(site: FakeJira) -> None:
    site.cloud_page_cap = 4  # Cloud trims pages when many fields are asked for
    found = keys(collect(connect(site, page_size=50), SINCE))
    assert set(found) == expected_keys(owner(site), site.issues, SINCE)
    assert len(found) == len(set(found))


def test_a_ticket_reopened_while_paging_does_not_hide_others(site: FakeJira) -> None:
    conn = connect(site, page_size=3)
    stream = conn.fetch("tickets", SINCE)
    first_page = [next(stream) for _ in range(3)]
    reopened = next(i for i in site.issues if i.key == first_page[0].external_id)
    reopened.category, reopened.status, reopened.resolved = "new", "Reopened", None
    rest = list(stream)
    conn.close()

    found = keys(first_page + rest)
    assert len(found) == len(set(found))
    assert set(found) >= expected_keys(owner(site), site.issues, SINCE)


def test_the_host_timezone_does_not_matter(site: FakeJira, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "Asia/Kolkata")
    time.tzset()
    try:
        found = set(keys(collect(connect(site), SINCE)))
    finally:
        monkeypatch.undo()
        time.tzset()
    assert found == expected_keys(owner(site), site.issues, SINCE)


def test_invalid_jql_fails_with_jiras_own_message(site: FakeJira) -> None:
    conn = connect(site, jql="projct in (CORE)")
    with pytest.raises(ConfigProblem) as info:
        collect(conn, SINCE)
    message = info.value.user_message()
    assert "Field 'projct' does not exist or you do not have permission to view it." in message
    assert "jql = 'projct in (CORE)'" in message and "'work'" in message

    with pytest.raises(ConfigProblem) as checked:
        connect(site, jql="projct in (CORE)").check()
    assert str(checked.value) == str(info.value)


def test_check_names_the_user_and_runs_the_search(site: FakeJira) -> None:
    conn = connect(site, jql="project = CORE")
    assert conn.check().startswith(f"Alice Example ({owner(site)}) on {site.base_url}")
    assert len(site.searches()) == 1
    conn.close()


def test_bad_credentials_give_a_clear_401(site: FakeJira) -> None:
    conn = connect(site, token="not-the-token", token_env="WORK_JIRA_TOKEN")
    with pytest.raises(AuthError) as info:
        collect(conn, SINCE)
    message = info.value.user_message()
    assert "Jira source 'work'" in message and "HTTP 401" in message
    assert "$WORK_JIRA_TOKEN" in message
    assert "not-the-token" not in message
    assert not site.searches()


def test_rate_limits_and_server_errors_are_retried_with_runtime_sleep(site: FakeJira) -> None:
    site.fail("/search", 429, times=1, headers={"Retry-After": "30"})
    site.fail("/search", 503, times=2)
    sleeps = Sleeps()
    conn = connect(site, sleeps=sleeps, page_size=5)
    found = keys(collect(conn, SINCE))

    assert sorted(found) == sorted(expected_keys(owner(site), site.issues, SINCE))
    # the 429's own wait, then two jittered backoffs; every second waited is counted
    assert sleeps[0] == 30.0 and len(sleeps) == 3 and all(0.5 <= s <= 60 for s in sleeps[1:])
    assert conn.stats.waited_seconds == pytest.approx(sum(sleeps))
    assert conn.stats.retries == 3 and conn.stats.rate_limit_waits == 1
    assert conn.stats.requests == len(site.requests)


def test_persistent_failures_stop_after_max_retries(site: FakeJira) -> None:
    site.fail("/myself", 502, times=10)
    sleeps = Sleeps()
    with pytest.raises(SourceUnavailable, match="HTTP 502"):
        collect(connect(site, sleeps=sleeps, max_retries=2), SINCE)
    assert len(sleeps) == 2 and all(0.5 <= s <= 60 for s in sleeps)  # jittered backoffs
    assert site.count("/myself") == 3
