"""Focused tests of the Jira connector's HTTP: the JQL and fields sent, pagination,
error mapping and request counts, with `responses` standing in for Jira."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import responses
from responses import matchers

from connectors.base import Runtime
from connectors.errors import AuthError, ConfigProblem, RateLimited, SourceUnavailable
from connectors.jira import JiraConfig, JiraConnector

CLOUD = "https://acme.atlassian.net"
SERVER = "https://jira.example.com/jira"
TOKEN = "tok-SECRET-0123456789"
NOW = datetime(2026, 11, 20, 18, 0, tzinfo=UTC)
SINCE = datetime(2026, 11, 14, 4, 3, 30, tzinfo=UTC)  # Nov 13, 20:03:30 in Los Angeles
CLOUD_FIELDS = [
    {
        "id": "customfield_10016",
        "name": "Story point estimate",
        "clauseNames": ["cf[10016]"],
        "schema": {"custom": "com.pyxis.greenhopper.jira:jsw-story-points"},
    },
    {
        "id": "customfield_10020",
        "name": "Sprint",
        "schema": {"custom": "com.pyxis.greenhopper.jira:gh-sprint"},
    },
    {
        "id": "customfield_10014",
        "name": "Epic Link",
        "schema": {"custom": "com.pyxis.greenhopper.jira:gh-epic-link"},
    },
    {"id": "summary", "name": "Summary", "schema": {"system": "summary"}},
]
SERVER_FIELDS = [
    {"id": "customfield_10106", "name": "Story Points", "schema": {"custom": "x:float"}},
    {
        "id": "customfield_10104",
        "name": "Sprint",
        "schema": {"custom": "com.pyxis.greenhopper.jira:gh-sprint"},
    },
    {
        "id": "customfield_10101",
        "name": "Epic Link",
        "schema": {"custom": "com.pyxis.greenhopper.jira:gh-epic-link"},
    },
]
ME_CLOUD = {
    "accountId": "712020:abc",
    "displayName": "Alice Example",
    "timeZone": "America/Los_Angeles",
}
ME_SERVER = {
    "name": "alice",
    "key": "JIRAUSER10000",
    "displayName": "Alice Example",
    "timeZone": "America/Los_Angeles",
}


class Sleeps(list[float]):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def rsps() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


@pytest.fixture(autouse=True)
def no_library_sleep(monkeypatch: pytest.MonkeyPatch) -> None:
    """The jira package's own retry loop must never sleep: waits go through runtime.sleep."""

    def forbidden(seconds: float) -> None:
        raise AssertionError(f"jira.resilientsession slept {seconds}s")

    monkeypatch.setattr("jira.resilientsession.time.sleep", forbidden)


def connector(base: str, sleeps: Sleeps | None = None, **kw: Any) -> JiraConnector:
    values: dict[str, Any] = {"name": "work", "type": "jira", "base_url": base, **kw}
    if base == CLOUD and "email" not in kw:
        values["email"] = "alice@example.com"
    config = JiraConfig.model_validate(values)
    runtime = Runtime(sleep=Sleeps() if sleeps is None else sleeps, now=lambda: NOW)
    return JiraConnector(config, TOKEN, runtime)


def issue(
    key: str, resolved: str = "2026-11-15T10:00:00.000-0800", **fields: Any
) -> dict[str, Any]:
    project = key.partition("-")[0]
    return {
        "id": str(sum(map(ord, key))),
        "key": key,
        "fields": {
            "summary": f"Ticket {key}",
            "created": "2026-11-01T09:00:00.000-0700",
            "updated": resolved,
            "resolutiondate": resolved,
            "project": {"key": project},
            "status": {"name": "Done"},
            **fields,
        },
    }


def query(call: Any) -> dict[str, list[str]]:
    return parse_qs(urlsplit(call.request.url).query)


def path(call: Any) -> str:
    return str(urlsplit(call.request.url).path)


def cloud_basics(rsps: responses.RequestsMock, probe: bool = True) -> None:
    rsps.get(f"{CLOUD}/rest/api/3/myself", json=ME_CLOUD)
    rsps.get(f"{CLOUD}/rest/api/3/field", json=CLOUD_FIELDS)
    if probe:
        there_is_work(rsps, f"{CLOUD}/rest/api/3/search/jql")


def server_basics(rsps: responses.RequestsMock, info: bool = True, probe: bool = True) -> None:
    if info:
        rsps.get(
            f"{SERVER}/rest/api/2/serverInfo",
            json={"deploymentType": "Server", "versionNumbers": [9, 12, 15]},
        )
    rsps.get(f"{SERVER}/rest/api/2/myself", json=ME_SERVER)
    rsps.get(f"{SERVER}/rest/api/2/field", json=SERVER_FIELDS)
    if probe:
        there_is_work(rsps, f"{SERVER}/rest/api/2/search")


def there_is_work(rsps: responses.RequestsMock, url: str) -> None:
    """Answers the one-id search a fetch asks before reading the field catalog."""
    probe = matchers.query_param_matcher({"fields": "id", "maxResults": "1"}, strict_match=False)
    rsps.get(url, match=[probe], json={"issues": [{"id": "1"}], "isLast": True, "total": 1})


def searches(rsps: responses.RequestsMock) -> list[Any]:
    """The search calls a fetch made for its pages, without the probe for work."""
    return [c for c in rsps.calls if "search" in path(c) and query(c).get("fields") != ["id"]]


# -- what is sent, and pagination -------------------------------------------------------


def test_cloud_sends_the_jql_in_the_users_zone_and_follows_page_tokens(
    rsps: responses.RequestsMock,
) -> None:
    cloud_basics(rsps)
    search = f"{CLOUD}/rest/api/3/search/jql"
    rsps.get(
        search,
        json={
            "issues": [issue("CORE-1"), issue("CORE-2")],
            "nextPageToken": "tok-page-2",
            "isLast": False,
        },
    )
    rsps.get(search, json={"issues": [issue("CORE-3")], "isLast": True})
    conn = connector(CLOUD, deployment="cloud", page_size=2, jql="project in (CORE)")

    keys = [i.external_id for i in conn.fetch("tickets", SINCE)]

    assert keys == ["CORE-1", "CORE-2", "CORE-3"]
    assert [path(c) for c in rsps.calls] == [
        "/rest/api/3/myself",
        "/rest/api/3/search/jql",  # is there anything at all? (no: the catalog is skipped)
        "/rest/api/3/field",
        "/rest/api/3/search/jql",
        "/rest/api/3/search/jql",
    ]  # deployment given: no serverInfo
    first, second = (query(c) for c in searches(rsps))
    assert first["jql"] == [
        'assignee = currentUser() AND statusCategory = Done AND ((resolved >= "2026-11-13 20:03"'
        ' AND resolved < "2026-11-20 10:00") OR (resolved IS EMPTY AND'
        ' statusCategoryChangedDate >= "2026-11-13 20:03" AND'
        ' statusCategoryChangedDate < "2026-11-20 10:00"))'
        " AND (project in (CORE)) ORDER BY created ASC, key ASC"
    ]
    assert first["maxResults"] == ["2"]
    fields = first["fields"][0].split(",")
    assert {
        "summary",
        "description",
        "resolutiondate",
        "statuscategorychangedate",
        "parent",
        "customfield_10016",
        "customfield_10020",
        "customfield_10014",
    } <= set(fields)
    assert "nextPageToken" not in first
    assert second["nextPageToken"] == ["tok-page-2"]
    auth = searches(rsps)[0].request.headers["Authorization"]
    assert auth == "Basic " + base64.b64encode(f"alice@example.com:{TOKEN}".encode()).decode()


def test_server_is_detected_and_paged_with_start_at(rsps: responses.RequestsMock) -> None:
    server_basics(rsps)
    search = f"{SERVER}/rest/api/2/search"
    rsps.get(
        search,
        json={
            "startAt": 0,
            "maxResults": 2,
            "total": 5,
            "issues": [issue("OPS-1"), issue("OPS-2")],
        },
    )
    rsps.get(
        search,
        json={
            "startAt": 2,
            "maxResults": 2,
            "total": 5,
            "issues": [issue("OPS-3"), issue("OPS-4")],
        },
    )
    rsps.get(search, json={"startAt": 4, "maxResults": 2, "total": 5, "issues": [issue("OPS-5")]})
    conn = connector(SERVER, page_size=2)

    keys = [i.external_id for i in conn.fetch("tickets", SINCE, SINCE + timedelta(days=3))]

    assert keys == ["OPS-1", "OPS-2", "OPS-3", "OPS-4", "OPS-5"]
    assert len(rsps.calls) == 7  # serverInfo, myself, probe for work, field, 3 pages
    pages = [query(c) for c in searches(rsps)]
    assert [p["startAt"] for p in pages] == [["0"], ["2"], ["4"]]
    assert pages[0]["validateQuery"] == ["true"]
    assert 'resolved < "2026-11-16 20:04"' in pages[0]["jql"][0]
    assert "customfield_10106" in pages[0]["fields"][0]
    assert searches(rsps)[0].request.headers["Authorization"] == f"Bearer {TOKEN}"


def test_server_steps_back_when_rows_leave_the_result_between_pages(
    rsps: responses.RequestsMock,
) -> None:
    server_basics(rsps, info=False)
    search = f"{SERVER}/rest/api/2/search"
    rsps.get(search, json={"startAt": 0, "total": 4, "issues": [issue("A-1"), issue("A-2")]})
    # A-1 was reopened: A-3 moved up to index 1, so startAt=2 would skip it.
    rsps.get(search, json={"startAt": 2, "total": 3, "issues": [issue("A-4")]})
    rsps.get(search, json={"startAt": 1, "total": 3, "issues": [issue("A-3"), issue("A-4")]})
    conn = connector(SERVER, deployment="server", page_size=2)

    keys = [i.external_id for i in conn.fetch("tickets", SINCE)]

    assert sorted(keys) == ["A-1", "A-2", "A-3", "A-4"]
    assert len(keys) == len(set(keys))
    assert [query(c)["startAt"] for c in searches(rsps)] == [["0"], ["2"], ["1"]]


def test_server_epic_summaries_are_looked_up_once_per_page(
    rsps: responses.RequestsMock,
) -> None:
    server_basics(rsps, info=False)
    search = f"{SERVER}/rest/api/2/search"
    rsps.get(
        search,
        json={
            "startAt": 0,
            "total": 2,
            "issues": [
                issue("CORE-1", customfield_10101="CORE-100"),
                issue("CORE-2", customfield_10101="CORE-100"),
            ],
        },
    )
    rsps.get(
        search,
        json={
            "startAt": 0,
            "total": 1,
            "issues": [{"key": "CORE-100", "fields": {"summary": "Checkout revamp"}}],
        },
    )
    conn = connector(SERVER, deployment="server")

    items = list(conn.fetch("tickets", SINCE))

    assert [i.extra["parent"] for i in items] == [
        {"key": "CORE-100", "summary": "Checkout revamp", "issue_type": "Epic"}
    ] * 2
    lookup = query(searches(rsps)[1])
    assert lookup["jql"] == ['key in ("CORE-100") ORDER BY key ASC']
    assert lookup["validateQuery"] == ["false"]  # a deleted epic must not fail the run
    assert len(rsps.calls) == 5  # myself, probe for work, field, page, epic


def test_check_runs_the_search_for_zero_results_and_names_the_user(
    rsps: responses.RequestsMock,
) -> None:
    server_basics(rsps)
    rsps.get(f"{SERVER}/rest/api/2/search", json={"startAt": 0, "total": 12, "issues": []})
    assert connector(SERVER).check() == (f"Alice Example (alice) on {SERVER}, server")
    assert query(rsps.calls[-1])["maxResults"] == ["0"]


def test_check_on_cloud_asks_for_one_id(rsps: responses.RequestsMock) -> None:
    rsps.get(f"{CLOUD}/rest/api/2/serverInfo", json={"deploymentType": "Cloud"})
    cloud_basics(rsps)
    rsps.get(f"{CLOUD}/rest/api/3/search/jql", json={"issues": [], "isLast": True})
    assert "Alice Example (712020:abc)" in connector(CLOUD).check()
    sent = query(rsps.calls[-1])
    assert (sent["maxResults"], sent["fields"]) == (["1"], ["id"])


# -- errors -----------------------------------------------------------------------------


def assert_no_token(err: BaseException) -> None:
    assert TOKEN not in str(err)
    assert TOKEN not in getattr(err, "user_message", lambda: "")()


def test_invalid_jql_is_a_config_problem_with_jiras_messages(
    rsps: responses.RequestsMock,
) -> None:
    cloud_basics(rsps, probe=False)
    said = "Field 'projct' does not exist or you do not have permission to view it."
    rsps.get(
        f"{CLOUD}/rest/api/3/search/jql", status=400, json={"errorMessages": [said], "errors": {}}
    )
    conn = connector(CLOUD, deployment="cloud", jql="projct = CORE")

    with pytest.raises(ConfigProblem) as info:
        list(conn.fetch("tickets", SINCE))

    message = info.value.user_message()
    assert "'work'" in message and "jql = 'projct = CORE'" in message and said in message
    assert "[[sources]]" in message
    # myself, the search, then the search without its part by status (a 400 is not
    # retried): refused too, so the configured jql is at fault, and said so.
    assert len(rsps.calls) == 3
    assert_no_token(info.value)


def test_check_reports_invalid_jql_the_same_way(rsps: responses.RequestsMock) -> None:
    server_basics(rsps)
    rsps.get(
        f"{SERVER}/rest/api/2/search",
        status=400,
        json={"errorMessages": ["The value 'NOPE' does not exist for the field 'project'."]},
    )
    with pytest.raises(ConfigProblem, match=r"NOPE.*does not exist"):
        connector(SERVER, jql="project = NOPE").check()


def test_rejected_credentials_name_the_source_and_the_variable(
    rsps: responses.RequestsMock,
) -> None:
    rsps.get(
        f"{CLOUD}/rest/api/3/myself",
        status=401,
        body="Client must be authenticated to access this resource.",
    )
    with pytest.raises(AuthError) as info:
        list(connector(CLOUD, deployment="cloud", token_env="WORK_JIRA").fetch("tickets", SINCE))
    message = info.value.user_message()
    assert "Jira source 'work'" in message and "HTTP 401" in message
    assert "$WORK_JIRA" in message and "Client must be authenticated" in message
    assert len(rsps.calls) == 1
    assert_no_token(info.value)


def test_cloud_refusing_a_bearer_token_says_email_is_needed(
    rsps: responses.RequestsMock,
) -> None:
    rsps.get(
        f"{CLOUD}/rest/api/2/serverInfo",
        status=403,
        json={"error": "Failed to parse Connect Session Auth Token"},
    )
    conn = connector(CLOUD, email=None)
    with pytest.raises(AuthError) as info:
        conn.check()
    assert "`email`" in info.value.user_message()
    assert rsps.calls[0].request.headers["Authorization"] == f"Bearer {TOKEN}"


def test_retired_search_api_points_at_the_deployment_setting(
    rsps: responses.RequestsMock,
) -> None:
    rsps.get(f"{CLOUD}/rest/api/2/myself", json=ME_CLOUD)
    rsps.get(f"{CLOUD}/rest/api/2/field", json=CLOUD_FIELDS)
    rsps.get(
        f"{CLOUD}/rest/api/2/search",
        status=410,
        json={"errorMessages": ["The requested API has been removed."]},
    )
    with pytest.raises(ConfigProblem) as info:
        list(connector(CLOUD, deployment="server").fetch("tickets", SINCE))
    assert "HTTP 410" in str(info.value) and "deployment" in info.value.user_message()


def test_rate_limit_waits_retry_after_through_runtime_sleep(
    rsps: responses.RequestsMock,
) -> None:
    cloud_basics(rsps)
    search = f"{CLOUD}/rest/api/3/search/jql"
    rsps.get(search, status=429, headers={"Retry-After": "7"}, json={"errorMessages": []})
    rsps.get(search, json={"issues": [issue("CORE-1")], "isLast": True})
    sleeps = Sleeps()
    conn = connector(CLOUD, sleeps, deployment="cloud")

    assert [i.external_id for i in conn.fetch("tickets", SINCE)] == ["CORE-1"]
    assert sleeps == [7.0]
    assert (conn.stats.retries, conn.stats.rate_limit_waits, conn.stats.waited_seconds) == (
        1,
        1,
        7.0,
    )
    assert len(rsps.calls) == 5  # myself, probe for work, field, 429, page


def test_a_rate_limit_longer_than_allowed_gives_up_without_waiting(
    rsps: responses.RequestsMock,
) -> None:
    rsps.get(f"{CLOUD}/rest/api/3/myself", status=429, headers={"Retry-After": "3600"})
    sleeps = Sleeps()
    with pytest.raises(RateLimited) as info:
        connector(CLOUD, sleeps, deployment="cloud", max_rate_limit_wait=900).check()
    assert sleeps == []
    assert info.value.reset_at == NOW + timedelta(seconds=3600)
    assert len(rsps.calls) == 1


def test_server_errors_back_off_and_give_up_after_max_retries(
    rsps: responses.RequestsMock,
) -> None:
    rsps.get(f"{SERVER}/rest/api/2/myself", status=503, body="upgrading")
    sleeps = Sleeps()
    with pytest.raises(SourceUnavailable) as info:
        connector(SERVER, sleeps, deployment="server", max_retries=3).check()
    assert len(sleeps) == 3 and all(0.5 <= s <= 60 for s in sleeps)  # jittered backoffs
    assert len(rsps.calls) == 4
    assert "HTTP 503" in str(info.value) and "4 attempts" in str(info.value)


def test_a_500_then_success_is_retried_once(rsps: responses.RequestsMock) -> None:
    rsps.get(f"{SERVER}/rest/api/2/myself", status=500, json={"errorMessages": ["oops"]})
    server_basics(rsps, info=False, probe=False)
    rsps.get(f"{SERVER}/rest/api/2/search", json={"startAt": 0, "total": 0, "issues": []})
    conn = connector(SERVER, deployment="server")
    assert list(conn.fetch("tickets", SINCE)) == []
    assert conn.stats.retries == 1
    assert len(rsps.calls) == 3  # myself twice, one search finding nothing: no field catalog


def test_timeouts_are_retried_then_reported(rsps: responses.RequestsMock) -> None:
    rsps.get(f"{SERVER}/rest/api/2/myself", body=requests.ConnectTimeout("slow"))
    sleeps = Sleeps()
    with pytest.raises(SourceUnavailable, match="no answer within 4s"):
        connector(SERVER, sleeps, deployment="server", max_retries=1, timeout=4).check()
    assert len(sleeps) == 1


def test_the_timeout_reaches_every_request(rsps: responses.RequestsMock) -> None:
    server_basics(rsps, info=False)
    rsps.get(f"{SERVER}/rest/api/2/search", json={"startAt": 0, "total": 0, "issues": []})
    list(connector(SERVER, deployment="server", timeout=12.5).fetch("tickets", SINCE))
    # responses keeps the keyword arguments requests' adapter was called with
    assert {c.request.req_kwargs["timeout"] for c in rsps.calls} == {12.5}  # type: ignore[attr-defined]


def test_a_login_page_instead_of_json_is_a_base_url_problem(
    rsps: responses.RequestsMock,
) -> None:
    rsps.get(
        f"{SERVER}/rest/api/2/serverInfo", body="<html>Log in</html>", content_type="text/html"
    )
    with pytest.raises(ConfigProblem) as info:
        connector(SERVER).check()
    assert "JSON" in str(info.value) and "base_url" in info.value.user_message()


def test_unknown_stream_is_refused() -> None:
    with pytest.raises(ConfigProblem, match="no stream 'reviews'"):
        connector(SERVER).fetch("reviews", SINCE)


def test_repr_never_shows_the_token() -> None:
    conn = connector(CLOUD)
    assert TOKEN not in repr(conn)
    assert TOKEN not in repr(conn.config)


def test_a_site_serving_only_one_api_version_is_still_read(
    rsps: responses.RequestsMock,
) -> None:
    rsps.get(f"{CLOUD}/rest/api/3/myself", status=404, json={"errorMessages": ["no"]})
    rsps.get(f"{CLOUD}/rest/api/2/myself", json=ME_CLOUD)
    rsps.get(f"{CLOUD}/rest/api/3/field", status=404, json={"errorMessages": ["no"]})
    rsps.get(f"{CLOUD}/rest/api/2/field", status=404, json={"errorMessages": ["no"]})
    rsps.get(f"{CLOUD}/rest/api/3/search/jql", json={"issues": [issue("CORE-1")]})
    conn = connector(CLOUD, deployment="cloud")

    items = list(conn.fetch("tickets", SINCE))

    assert [i.external_id for i in items] == ["CORE-1"]
    assert items[0].extra["story_points"] is None  # no field catalog: no custom fields
    fields = query(rsps.calls[-1])["fields"][0].split(",")
    assert "summary" in fields and not [f for f in fields if f.startswith("customfield_")]
    assert len(rsps.calls) == 6  # myself twice, probe for work, field twice, page


def test_a_server_answer_without_total_is_paged_until_a_short_page(
    rsps: responses.RequestsMock,
) -> None:
    server_basics(rsps, info=False)
    search = f"{SERVER}/rest/api/2/search"
    rsps.get(search, json={"issues": [issue("A-1"), issue("A-2")]})
    rsps.get(search, json={"issues": [issue("A-3")]})
    conn = connector(SERVER, deployment="server", page_size=2)
    assert [i.external_id for i in conn.fetch("tickets", SINCE)] == ["A-1", "A-2", "A-3"]
    assert len(searches(rsps)) == 2


def test_an_epic_that_cannot_be_looked_up_leaves_its_key(rsps: responses.RequestsMock) -> None:
    server_basics(rsps, info=False)
    search = f"{SERVER}/rest/api/2/search"
    rsps.get(
        search,
        json={"startAt": 0, "total": 1, "issues": [issue("CORE-1", customfield_10101="GONE-9")]},
    )
    rsps.get(search, status=400, json={"errorMessages": ["Field 'key' cannot be searched."]})
    items = list(connector(SERVER, deployment="server").fetch("tickets", SINCE))
    assert items[0].extra["parent"] == {"key": "GONE-9", "summary": None, "issue_type": "Epic"}


# -- tickets closed by a done status, without a resolution ------------------------------

DONE_STATUSES = [
    {"id": "3", "name": "In Progress", "statusCategory": {"key": "indeterminate"}},
    {"id": "10001", "name": "Done", "statusCategory": {"key": "done"}},
    {"id": "10101", "name": "Contributed", "statusCategory": {"key": "done"}},
    {"id": "10102", "name": "Licenses Validated", "statusCategory": {"key": "done"}},
]


def by_status(key: str, status: str = "10102", **fields: Any) -> dict[str, Any]:
    """A ticket in a done status that set no resolution."""
    name = next(s["name"] for s in DONE_STATUSES if s["id"] == status)
    ticket = issue(key, resolved="2026-11-19T09:00:00.000-0800", **fields)
    ticket["fields"]["resolutiondate"] = None
    ticket["fields"]["status"] = {"id": status, "name": name, "statusCategory": {"key": "done"}}
    return ticket


def move(at: str, before: str, after: str) -> dict[str, Any]:
    item = {"field": "status", "fieldtype": "jira", "from": before, "to": after}
    return {"id": at[8:10] + at[11:13], "created": at, "items": [item]}


def test_server_dates_a_ticket_closed_by_status_from_its_changelog(
    rsps: responses.RequestsMock,
) -> None:
    server_basics(rsps, info=False)
    search = f"{SERVER}/rest/api/2/search"
    rsps.get(search, json={"startAt": 0, "total": 2, "issues": [issue("A-1"), by_status("A-2")]})
    history = [
        move("2026-11-14T10:00:00.000-0800", "3", "10101"),  # entered Done here
        {"id": "2", "created": "2026-11-15T08:00:00.000-0800", "items": [{"field": "labels"}]},
        move("2026-11-16T11:30:00.000-0800", "10101", "10102"),  # done to done
    ]
    changelog = {"startAt": 0, "maxResults": 3, "total": 3, "histories": history}
    rsps.get(search, json={"issues": [{"key": "A-2", "changelog": changelog}]})
    rsps.get(f"{SERVER}/rest/api/2/status", json=DONE_STATUSES)
    conn = connector(SERVER, deployment="server")

    items = {i.external_id: i for i in conn.fetch("tickets", SINCE)}

    assert items["A-2"].occurred_at == datetime(2026, 11, 14, 18, 0, tzinfo=UTC)
    assert items["A-2"].extra["closed_at_from"] == "changelog"
    assert items["A-1"].extra["closed_by"] == "resolution"
    lookup = query(searches(rsps)[1])
    assert lookup["jql"] == ['key in ("A-2") ORDER BY key ASC']  # only the one without
    assert (lookup["expand"], lookup["fields"]) == (["changelog"], ["status"])
    assert lookup["validateQuery"] == ["false"]
    assert [path(c) for c in rsps.calls][-1] == "/jira/rest/api/2/status"
    assert len(rsps.calls) == 6  # myself, probe, field, page, changelogs, statuses


def test_a_changelog_that_cannot_be_read_dates_the_ticket_by_its_last_update(
    rsps: responses.RequestsMock, caplog: pytest.LogCaptureFixture
) -> None:
    server_basics(rsps, info=False)
    search = f"{SERVER}/rest/api/2/search"
    rsps.get(search, json={"startAt": 0, "total": 1, "issues": [by_status("A-2")]})
    rsps.get(search, status=400, json={"errorMessages": ["The issue no longer exists."]})
    rsps.get(f"{SERVER}/rest/api/2/status", json=DONE_STATUSES)

    items = list(connector(SERVER, deployment="server").fetch("tickets", SINCE))

    assert items[0].occurred_at == datetime(2026, 11, 19, 17, 0, tzinfo=UTC)
    assert items[0].extra["closed_at_from"] == "updated"
    assert "could not look up A-2" in caplog.text and "no longer exists" in caplog.text


def test_cloud_dates_a_ticket_closed_by_status_from_the_search_alone(
    rsps: responses.RequestsMock,
) -> None:
    cloud_basics(rsps)
    ticket = by_status("CORE-4", statuscategorychangedate="2026-11-15T10:00:00.000-0800")
    rsps.get(f"{CLOUD}/rest/api/3/search/jql", json={"issues": [ticket], "isLast": True})

    items = list(connector(CLOUD, deployment="cloud").fetch("tickets", SINCE))

    assert items[0].occurred_at == datetime(2026, 11, 15, 18, 0, tzinfo=UTC)
    assert (items[0].extra["closed_by"], items[0].extra["closed_at_from"]) == (
        "status",
        "statuscategorychangedate",
    )
    assert len(rsps.calls) == 4  # myself, probe, field, page: no changelog, no statuses


@pytest.mark.parametrize(
    ("deployment", "refused"),
    [
        ("cloud", "Field 'statusCategoryChangedDate' does not exist or you cannot view it."),
        ("server", "History searches are not supported for the field 'status'."),
    ],
)
def test_a_site_that_refuses_the_search_by_status_still_gives_resolved_tickets(
    rsps: responses.RequestsMock, caplog: pytest.LogCaptureFixture, deployment: str, refused: str
) -> None:
    """An older site, or a proxy's subset of JQL: the tickets a resolution dates are still
    collected, and the run says once what it could not search."""
    cloud = deployment == "cloud"
    site = CLOUD if cloud else SERVER
    rsps.get(f"{site}/rest/api/{3 if cloud else 2}/myself", json=ME_CLOUD if cloud else ME_SERVER)
    search = f"{site}/rest/api/3/search/jql" if cloud else f"{site}/rest/api/2/search"
    rsps.get(search, status=400, json={"errorMessages": [refused], "errors": {}})
    page = {"issues": [issue("CORE-1")], "isLast": True, "startAt": 0, "total": 1}
    rsps.get(search, json=page)  # every later search
    rsps.get(f"{site}/rest/api/{3 if cloud else 2}/field", json=[])

    found = list(connector(site, deployment=deployment).fetch("tickets", SINCE))

    assert [i.external_id for i in found] == ["CORE-1"]
    jqls = [query(c)["jql"][0] for c in rsps.calls if "search" in path(c)]
    assert ("statusCategoryChangedDate" in jqls[0]) if cloud else ("CHANGED" in jqls[0])
    assert all("statusCategoryChangedDate" not in j and "CHANGED" not in j for j in jqls[1:])
    said = [r.getMessage() for r in caplog.records if "closed only" in r.getMessage()]
    assert len(said) == 1 and refused in said[0]
