"""Pure parts of the Jira connector: time bounds, JQL, config, fields, normalization."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from fakes import jira_jql as jql
from fakes.jira import field_value
from fakes.jira_data import FakeIssue, adf, field_catalog, server_sprint
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from connectors.errors import ConfigProblem
from connectors.jira import JiraConfig, JiraFields
from connectors.jira.fields import CustomFields, needs_lookup, resolve_fields
from connectors.jira.jql import lower_bound, tickets_jql, upper_bound, user_zone
from connectors.jira.normalize import (
    Closure,
    adf_text,
    closure_of,
    description_text,
    entered_done,
    normalize_issue,
    sprint_names,
)

LA = ZoneInfo("America/Los_Angeles")


def cfg(**kw: object) -> JiraConfig:
    base = {"name": "work", "type": "jira", "base_url": "https://acme.atlassian.net"}
    return JiraConfig.model_validate({**base, **kw})


# -- time bounds ------------------------------------------------------------------------


def test_lower_bound_is_the_wall_minute_in_the_users_zone() -> None:
    since = datetime(2026, 11, 14, 4, 3, 30, tzinfo=UTC)  # Nov 13, 20:03:30 in LA
    assert lower_bound(since, LA) == "2026-11-13 20:03"


def test_upper_bound_rounds_up_to_the_next_minute() -> None:
    until = datetime(2026, 11, 14, 4, 3, 30, tzinfo=UTC)
    assert upper_bound(until, LA) == "2026-11-13 20:04"
    exact = datetime(2026, 11, 14, 4, 3, 0, tzinfo=UTC)
    assert upper_bound(exact, LA) == "2026-11-13 20:03"


def test_lower_bound_in_the_repeated_dst_hour_still_covers_since() -> None:
    # 01:30 PDT on 2026-11-01 (08:30 UTC); 01:30 happens again an hour later in PST.
    since = datetime(2026, 11, 1, 8, 30, tzinfo=UTC)
    literal = lower_bound(since, LA)
    wall = datetime.strptime(literal, "%Y-%m-%d %H:%M")
    for fold in (0, 1):
        assert wall.replace(tzinfo=LA, fold=fold) <= since


def test_upper_bound_in_the_repeated_dst_hour_still_covers_until() -> None:
    until = datetime(2026, 11, 1, 9, 30, tzinfo=UTC)  # 01:30 PST, the second 01:30
    wall = datetime.strptime(upper_bound(until, LA), "%Y-%m-%d %H:%M")
    for fold in (0, 1):
        assert wall.replace(tzinfo=LA, fold=fold) >= until


def test_unknown_zone_widens_the_window_by_the_widest_offset() -> None:
    since = datetime(2026, 11, 14, 4, 3, 30, tzinfo=UTC)
    assert user_zone("Mars/Olympus_Mons") is None
    assert user_zone(None) is None
    wall = datetime.strptime(lower_bound(since, None), "%Y-%m-%d %H:%M")
    for zone in ("Pacific/Kiritimati", "Pacific/Pago_Pago", "UTC"):
        assert wall.replace(tzinfo=ZoneInfo(zone)) <= since


def test_tickets_jql_on_cloud_bounds_resolution_and_status_category_dates() -> None:
    since = datetime(2026, 11, 14, 4, 3, 30, tzinfo=UTC)
    until = since + timedelta(days=2)
    text = tickets_jql(
        "assignee_was", since, until, LA, "project in (CORE, PLAT)", deployment="cloud"
    )
    assert text == (
        "assignee was currentUser() AND statusCategory = Done"
        ' AND ((resolved >= "2026-11-13 20:03" AND resolved < "2026-11-15 20:04")'
        ' OR (resolved IS EMPTY AND statusCategoryChangedDate >= "2026-11-13 20:03"'
        ' AND statusCategoryChangedDate < "2026-11-15 20:04"))'
        " AND (project in (CORE, PLAT)) ORDER BY created ASC, key ASC"
    )


def test_tickets_jql_on_data_center_asks_the_status_history() -> None:
    since = datetime(2026, 11, 14, 4, 3, 30, tzinfo=UTC)
    text = tickets_jql("assignee", since, None, LA, None, deployment="server")
    assert text == (
        "assignee = currentUser() AND statusCategory = Done"
        ' AND ((resolved >= "2026-11-13 20:03") OR (resolved IS EMPTY'
        ' AND (status CHANGED AFTER "2026-11-13 20:03" OR (created >= "2026-11-13 20:03"))))'
        " ORDER BY created ASC, key ASC"
    )
    until = since + timedelta(days=2)
    bounded = tickets_jql("assignee", since, until, LA, None, deployment="server")
    assert 'status CHANGED AFTER "2026-11-13 20:03" BEFORE "2026-11-15 20:04"' in bounded
    assert '(created >= "2026-11-13 20:03" AND created < "2026-11-15 20:04")' in bounded
    assert "statusCategoryChangedDate" not in bounded


def test_status_changed_after_a_whole_minute_starts_a_minute_earlier() -> None:
    # AFTER may be strict: a change at exactly `since` must still be after the bound.
    since = datetime(2026, 11, 14, 4, 3, tzinfo=UTC)
    text = tickets_jql("assignee", since, None, LA, None, deployment="server")
    assert 'status CHANGED AFTER "2026-11-13 20:02"' in text
    assert 'resolved >= "2026-11-13 20:03"' in text


WINDOWS = st.datetimes(
    min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(UTC)
)
ZONES = st.sampled_from(["America/Los_Angeles", "Europe/Berlin", "Asia/Kolkata", "UTC"])
FOLD = datetime(2026, 11, 1, 8, 30, 0, 500, tzinfo=UTC)  # 01:30 PDT; 01:30 PST follows


def closed_at(since: datetime, length: timedelta, share: float) -> datetime:
    """An instant of [since, since + length) with Jira's millisecond precision."""
    at = since + length * share
    return at.replace(microsecond=at.microsecond // 1000 * 1000)


def issue_matches(text: str, issue: FakeIssue, zone: str, deployment: str) -> bool:
    """Whether Jira, as the fake reads JQL, finds `issue` with the search `text`."""
    ctx = jql.Context(user="me", zone=ZoneInfo(zone), now=FOLD, projects={"CORE"}, keys={"CORE-1"})
    query = jql.parse(text)
    jql.check(query, ctx, jql.known_fields(deployment))
    return jql.matches(query.where, issue, ctx, field_value)


@settings(max_examples=200, deadline=None)
@given(
    since=WINDOWS,
    length=st.timedeltas(min_value=timedelta(milliseconds=2), max_value=timedelta(days=20)),
    share=st.floats(min_value=0, max_value=1, exclude_max=True),
    zone=ZONES,
    deployment=st.sampled_from(["cloud", "server"]),
    by_status=st.booleans(),
)
@example(FOLD, timedelta(hours=1), 0.0, "America/Los_Angeles", "server", True)
@example(FOLD, timedelta(hours=1), 0.999, "America/Los_Angeles", "cloud", True)
@example(FOLD.replace(microsecond=0), timedelta(minutes=1), 0.0, "UTC", "server", True)
def test_a_ticket_closed_anywhere_in_the_window_matches_the_search(
    since: datetime,
    length: timedelta,
    share: float,
    zone: str,
    deployment: str,
    by_status: bool,
) -> None:
    """A close at any instant of [since, until), both ends and DST folds included, by a
    resolution or by a done status alone, is found on either deployment."""
    until = since + length
    closed = closed_at(since, length, share)
    assume(since <= closed < until)
    issue = FakeIssue("CORE-1", "x", created=since - timedelta(days=30), assignee="me")
    issue.status, issue.category = "To Do", "new"
    issue.move("In Progress", since - timedelta(days=1))
    if by_status:
        issue.move("Contributed", closed)
    else:
        issue.move("Done", closed, resolution="Done")
    for end in (until, None):
        text = tickets_jql("assignee", since, end, ZoneInfo(zone), None, deployment=deployment)
        assert issue_matches(text, issue, zone, deployment), text


@pytest.mark.parametrize("deployment", ["cloud", "server"])
def test_the_search_stays_bounded_by_the_window(deployment: str) -> None:
    since = FOLD + timedelta(days=10)
    old = FakeIssue("CORE-1", "x", created=FOLD - timedelta(days=300), assignee="me")
    old.status, old.category = "In Progress", "indeterminate"
    old.move("Contributed", FOLD - timedelta(days=200))
    old.updated = since + timedelta(hours=1)  # a comment today: not a close today
    text = tickets_jql("assignee", since, None, LA, None, deployment=deployment)
    assert not issue_matches(text, old, "America/Los_Angeles", deployment)

    # A move between two done statuses: Cloud's date stays; Data Center's history search
    # finds it and leaves the dating, and dropping, to the changelog.
    old.move("Licenses Validated", since + timedelta(hours=2))
    found = issue_matches(text, old, "America/Los_Angeles", deployment)
    assert found == (deployment == "server")


def test_the_status_category_date_is_a_cloud_field_only() -> None:
    issue = FakeIssue("CORE-1", "x", created=FOLD, assignee="me", status="Contributed")
    cloud = tickets_jql("assignee", FOLD, None, LA, None, deployment="cloud")
    assert issue_matches(cloud, issue, "UTC", "cloud")
    with pytest.raises(jql.JqlError, match="statuscategorychangeddate' does not exist"):
        issue_matches(cloud, issue, "UTC", "server")


# -- config -----------------------------------------------------------------------------


def test_config_defaults() -> None:
    config = cfg(base_url="https://acme.atlassian.net/", email="a@example.com")
    assert config.base_url == "https://acme.atlassian.net"
    assert config.token_env == "JIRA_TOKEN"
    assert config.who == "assignee"
    assert config.deployment is None


@pytest.mark.parametrize(
    ("extra", "fragment"),
    [
        ({"deployment": "cloud"}, "email is required"),
        ({"jql": "project = CORE ORDER BY key"}, "ORDER BY"),
        ({"jql": "   "}, "must not be empty"),
        ({"base_url": "acme.atlassian.net"}, "http(s) URL"),
        ({"who": "reporter"}, "who"),
        ({"fields": {"points": "x"}}, "points"),
        ({"page_size": 0}, "page_size"),
        ({"projects": ["CORE"]}, "projects"),
    ],
)
def test_config_rejects_what_cannot_work(extra: dict[str, object], fragment: str) -> None:
    with pytest.raises(ValidationError) as info:
        cfg(**extra)
    assert fragment in str(info.value)


# -- custom fields ----------------------------------------------------------------------


def test_fields_are_found_by_type_and_name_on_each_flavour() -> None:
    cloud = resolve_fields(JiraFields(), lambda: field_catalog("cloud"), "work")
    assert cloud.story_points == ("customfield_10016", "customfield_10028")
    assert cloud.sprint == ("customfield_10020",)
    assert cloud.epic_link == ("customfield_10014",)
    server = resolve_fields(JiraFields(), lambda: field_catalog("server"), "work")
    assert server == CustomFields(
        ("customfield_10106",), ("customfield_10104",), ("customfield_10101",)
    )


def test_configured_field_names_resolve_and_unknown_ones_fail_by_key() -> None:
    chosen = resolve_fields(
        JiraFields(story_points="story points", sprint="cf[10104]"),
        lambda: field_catalog("server"),
        "work",
    )
    assert chosen.story_points == ("customfield_10106",)
    assert chosen.sprint == ("customfield_10104",)
    with pytest.raises(ConfigProblem) as info:
        resolve_fields(JiraFields(story_points="Effort"), lambda: field_catalog("server"), "work")
    assert "fields.story_points = 'Effort'" in str(info.value)


def test_field_ids_for_everything_skip_the_field_request() -> None:
    ids = JiraFields(
        story_points="customfield_1", sprint="customfield_2", epic_link="customfield_3"
    )
    assert not needs_lookup(ids)

    def boom() -> list[dict[str, object]]:
        raise AssertionError("/field must not be read")

    assert resolve_fields(ids, boom, "w").ids() == [
        "customfield_1",
        "customfield_2",
        "customfield_3",
    ]


# -- normalization ----------------------------------------------------------------------


def test_adf_is_flattened_to_readable_text() -> None:
    doc = adf("First line\nsecond line\n\n- one\n- two")
    assert description_text(doc) == "First line\nsecond line\n\n- one\n- two"
    mention = {
        "type": "paragraph",
        "content": [
            {"type": "text", "text": "ask "},
            {"type": "mention", "attrs": {"text": "@Bob"}},
        ],
    }
    assert adf_text(mention).strip() == "ask @Bob"


def test_adf_nested_too_deep_stops_instead_of_recursing_forever() -> None:
    node: dict[str, object] = {"type": "text", "text": "deep"}
    for _ in range(200):
        node = {"type": "blockquote", "content": [node]}
    assert "deep" not in adf_text(node)  # cut at the depth limit, no RecursionError


def test_sprint_names_from_objects_and_greenhopper_strings() -> None:
    assert sprint_names([{"id": 1, "name": "Sprint 41"}]) == ["Sprint 41"]
    assert sprint_names([server_sprint(3, "PLAT Sprint 8, hotfixes")]) == [
        "PLAT Sprint 8, hotfixes"
    ]
    assert sprint_names(None) == []


def test_normalize_keeps_key_url_times_and_extra() -> None:
    issue = {
        "key": "CORE-7",
        "fields": {
            "summary": "Fix login",
            "description": "h1. Steps\n* one",
            "created": "2026-11-01T09:00:00.000-0700",
            "updated": "2026-11-13T21:00:00.000-0800",
            "resolutiondate": "2026-11-13T20:59:00.000-0800",
            "project": {"key": "CORE", "name": "Core"},
            "issuetype": {"name": "Bug"},
            "status": {"name": "Closed"},
            "components": [{"name": "Auth"}],
            "labels": ["security"],
            "priority": {"name": "High"},
            "resolution": {"name": "Fixed"},
            "assignee": {"name": "alice"},
            "parent": {
                "key": "CORE-1",
                "fields": {"summary": "Login", "issuetype": {"name": "Story"}},
            },
            "customfield_10106": 3,
        },
    }
    item = normalize_issue(
        issue,
        source="work",
        base_url="https://jira.example.com/jira",
        custom=CustomFields(story_points=("customfield_10106",)),
        epics={},
    )
    assert item.url == "https://jira.example.com/jira/browse/CORE-7"
    assert item.occurred_at == datetime(2026, 11, 14, 4, 59, tzinfo=UTC)
    assert item.created_at.tzinfo == UTC
    assert (item.kind, item.repo, item.author, item.labels) == (
        "ticket",
        "CORE",
        "alice",
        ("security",),
    )
    assert item.body == "h1. Steps\n* one"
    assert item.extra["parent"] == {"key": "CORE-1", "summary": "Login", "issue_type": "Story"}
    assert item.extra["story_points"] == 3.0
    assert item.extra["resolution"] == "Fixed"
    assert item.raw["key"] == "CORE-7"


def test_import_jira_inside_the_connector_is_the_third_party_package() -> None:
    from connectors.jira import api

    assert api.TokenAuth.__module__ == "jira.client"
    assert api.parse_errors.__module__ == "jira.resilientsession"


# -- when a ticket closed ---------------------------------------------------------------

CREATED = datetime(2026, 11, 1, 17, 0, tzinfo=UTC)
DONE_IDS = frozenset({"10001", "10101", "10102"})


def moved(*moves: tuple[str, str, str], total: int | None = None) -> dict[str, object]:
    """A changelog of status moves (local time in Los Angeles, from id, to id)."""
    histories = [
        {
            "id": str(n),
            "created": f"{at}.000-0800",
            "items": [{"field": "status", "from": before, "to": after}],
        }
        for n, (at, before, after) in enumerate(moves)
    ]
    count = len(histories) if total is None else total
    return {"startAt": 0, "maxResults": count, "total": count, "histories": histories}


def la(text: str) -> datetime:
    return datetime.fromisoformat(f"{text}-08:00").astimezone(UTC)


def test_entering_done_is_the_last_move_from_an_open_status_into_a_done_one() -> None:
    log = moved(
        ("2026-11-03T09:00:00", "1", "3"),
        ("2026-11-04T09:00:00", "3", "10101"),  # closed
        ("2026-11-05T09:00:00", "10101", "4"),  # reopened
        ("2026-11-06T09:00:00", "4", "10101"),  # closed again: this one
        ("2026-11-07T09:00:00", "10101", "10102"),  # done to done: not a close
    )
    entry = entered_done(log, DONE_IDS, CREATED)
    assert entry == Closure(la("2026-11-06T09:00:00"), "status", "changelog")


def test_histories_out_of_order_and_other_fields_do_not_confuse_the_entry() -> None:
    log = moved(("2026-11-06T09:00:00", "4", "10001"), ("2026-11-04T09:00:00", "3", "4"))
    log["histories"].append(  # type: ignore[attr-defined]
        {"created": "2026-11-08T09:00:00.000-0800", "items": [{"field": "resolution"}]}
    )
    entry = entered_done(log, DONE_IDS, CREATED)
    assert entry is not None and entry.at == la("2026-11-06T09:00:00")


def test_a_ticket_created_in_a_done_status_closed_when_it_was_created() -> None:
    assert entered_done(moved(), DONE_IDS, CREATED) == Closure(CREATED, "status", "created")
    between = moved(("2026-11-05T09:00:00", "10101", "10102"))
    assert entered_done(between, DONE_IDS, CREATED) == Closure(CREATED, "status", "created")


def test_no_entry_is_guessed_from_a_missing_or_partial_changelog() -> None:
    assert entered_done(None, DONE_IDS, CREATED) is None
    partial = moved(("2026-11-06T09:00:00", "3", "10001"), total=120)
    assert entered_done(partial, DONE_IDS, CREATED) is None
    still_open = moved(("2026-11-06T09:00:00", "10001", "4"))
    assert entered_done(still_open, DONE_IDS, CREATED) is None


def test_the_close_time_prefers_resolution_then_status_category_then_changelog() -> None:
    fields: dict[str, object] = {
        "created": "2026-11-01T09:00:00.000-0800",
        "updated": "2026-11-09T09:00:00.000-0800",
        "resolutiondate": "2026-11-04T09:00:00.000-0800",
        "statuscategorychangedate": "2026-11-05T09:00:00.000-0800",
    }
    entry = Closure(la("2026-11-06T09:00:00"), "status", "changelog")
    assert closure_of(fields, entry) == Closure(
        la("2026-11-04T09:00:00"), "resolution", "resolutiondate"
    )
    fields["resolutiondate"] = None
    assert closure_of(fields, entry).at_from == "statuscategorychangedate"
    del fields["statuscategorychangedate"]
    assert closure_of(fields, entry) == entry
    assert closure_of(fields, None) == Closure(la("2026-11-09T09:00:00"), "status", "updated")
