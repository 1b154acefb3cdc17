"""Pure parts of the Jira connector: time bounds, JQL, config, fields, normalization."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from fakes.jira_data import adf, field_catalog, server_sprint
from pydantic import ValidationError

from connectors.errors import ConfigProblem
from connectors.jira import JiraConfig, JiraFields
from connectors.jira.fields import CustomFields, needs_lookup, resolve_fields
from connectors.jira.jql import lower_bound, tickets_jql, upper_bound, user_zone
from connectors.jira.normalize import adf_text, description_text, normalize_issue, sprint_names

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


def test_tickets_jql_combines_who_window_narrowing_and_a_stable_order() -> None:
    since = datetime(2026, 11, 14, 4, 3, 30, tzinfo=UTC)
    until = since + timedelta(days=2)
    text = tickets_jql("assignee_was", since, until, LA, "project in (CORE, PLAT)")
    assert text == (
        'assignee was currentUser() AND statusCategory = Done AND resolved >= "2026-11-13 20:03"'
        ' AND resolved < "2026-11-15 20:04" AND (project in (CORE, PLAT))'
        " ORDER BY created ASC, key ASC"
    )


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
