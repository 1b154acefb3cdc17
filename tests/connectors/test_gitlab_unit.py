"""Focused GitLab connector tests with `responses`: queries, pagination, errors, costs.

These are about the REST API: the `mocked` fixture answers GraphQL with 404 (an instance
where it is disabled), so every stream collects over REST after one GraphQL attempt.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
import responses
from fakes.gitlab_mocks import API, BASE_URL, ME, SINCE, connector, enrich, mr, query_of
from pydantic import ValidationError

from connectors.errors import ConfigProblem
from connectors.gitlab import GitLabConfig, GitLabConnector
from connectors.registry import connector_class

pytest_plugins = ["fakes.gitlab_fixtures"]


def test_the_merge_request_query_uses_scope_all_and_ascending_update_time(
    mocked: responses.RequestsMock, waits: list[float]
) -> None:
    mocked.get(f"{API}/merge_requests", json=[])
    until = SINCE + timedelta(days=3)

    assert list(connector(waits).fetch("merge_requests", SINCE, until)) == []

    call = mocked.calls[2]  # after /user and the GraphQL attempt
    assert query_of(call) == {
        "scope": "all",
        "author_id": "1",
        "state": "all",
        "order_by": "updated_at",
        "sort": "asc",
        "updated_after": "2026-11-01T00:00:00.000Z",
        "updated_before": "2026-11-04T00:00:00.000Z",
        "per_page": "100",
        "page": "1",
    }
    assert call.request.headers["PRIVATE-TOKEN"] == "glpat-secret"
    assert call.request.req_kwargs["timeout"] == 30.0
    assert len(mocked.calls) == 3


def test_full_pages_continue_from_the_newest_update_time_without_repeats(
    mocked: responses.RequestsMock, waits: list[float]
) -> None:
    t1, t2, t3 = "2026-11-02T10:00:00.000Z", "2026-11-03T10:00:00.000Z", "2026-11-04T10:00:00.000Z"
    url = f"{API}/merge_requests"
    match = responses.matchers.query_param_matcher
    mocked.get(
        url,
        json=[mr(1, t1), mr(2, t2)],
        match=[match({"updated_after": "2026-11-01T00:00:00.000Z"}, strict_match=False)],
    )
    mocked.get(
        url,
        json=[mr(2, t2), mr(3, t3)],
        match=[match({"updated_after": t2, "page": "1"}, strict_match=False)],
    )
    mocked.get(url, json=[mr(3, t3)], match=[match({"updated_after": t3}, strict_match=False)])
    for iid in (1, 2, 3):
        enrich(mocked, iid)

    items = list(connector(waits, page_size=2).fetch("merge_requests", SINCE))

    assert [i.external_id for i in items] == ["g/p!1", "g/p!2", "g/p!3"]
    assert (
        sum(1 for c in mocked.calls if urlsplit(c.request.url).path.endswith("/merge_requests"))
        == 3
    )
    # /user, the GraphQL attempt, 3 list pages, diffs, approvals and (for the pairing
    # stream) commits per MR, the project once
    assert len(mocked.calls) == 1 + 1 + 3 + 3 * 3 + 1
    assert {i.extra["visibility"] for i in items} == {"internal"}


def test_a_full_page_of_one_timestamp_pages_on_within_it(
    mocked: responses.RequestsMock, waits: list[float]
) -> None:
    t = "2026-11-02T10:00:00.000Z"
    url = f"{API}/merge_requests"
    match = responses.matchers.query_param_matcher
    mocked.get(url, json=[mr(1, t), mr(2, t)], match=[match({"page": "1"}, strict_match=False)])
    mocked.get(
        url, json=[mr(3, t)], match=[match({"updated_after": t, "page": "2"}, strict_match=False)]
    )
    for iid in (1, 2, 3):
        enrich(mocked, iid)

    items = list(connector(waits, page_size=2).fetch("merge_requests", SINCE))

    assert sorted(i.external_id for i in items) == ["g/p!1", "g/p!2", "g/p!3"]


def test_merge_request_items_are_normalized(
    mocked: responses.RequestsMock, waits: list[float]
) -> None:
    mocked.get(f"{API}/merge_requests", json=[mr(4, "2026-11-05T08:30:00.000+01:00")])
    enrich(mocked, 4)

    (item,) = connector(waits).fetch("merge_requests", SINCE)

    assert item.kind == "pull_request" and item.state == "merged"
    assert item.occurred_at == datetime(2026, 11, 5, 7, 30, tzinfo=UTC)
    assert item.repo == "g/p" and item.paths == ("docs/design/a.md",)
    assert (item.additions, item.deletions, item.changed_files) == (2, 0, 1)
    assert item.extra["approved_by"] == ["bob"] and item.extra["platform"] == "gitlab"


def test_event_pages_follow_the_link_header(
    mocked: responses.RequestsMock, waits: list[float]
) -> None:
    events = f"{API}/users/1/events"
    page2 = f"{events}?action=approved&page=2&per_page=100"
    match = responses.matchers.query_param_matcher
    first = {
        "action": "approved",
        "after": "2026-10-31",
        "before": "2026-11-21",
        "sort": "asc",
        "per_page": "100",
    }
    mocked.get(
        events,
        json=[],
        headers={"Link": f'<{page2}>; rel="next"', "X-Next-Page": "2"},
        match=[match(first)],
    )  # exactly these: no `page` on the first request
    mocked.get(
        events, json=[], match=[match({"action": "approved", "page": "2"}, strict_match=False)]
    )
    mocked.get(events, json=[], match=[match({"action": "commented"}, strict_match=False)])

    assert list(connector(waits).fetch("reviews", SINCE)) == []

    actions = [query_of(c).get("action") for c in mocked.calls[1:]]
    assert actions == ["approved", "approved", "commented"]


def review_events(mocked: responses.RequestsMock, *targets: tuple[int, int]) -> None:
    at = "2026-11-10T09:00:00.000Z"
    approved = [
        {"project_id": p, "target_type": "MergeRequest", "target_iid": i, "created_at": at}
        for p, i in targets
    ]
    commented = [
        {
            "project_id": p,
            "target_type": "DiffNote",
            "target_iid": None,
            "created_at": at,
            "note": {"noteable_type": "MergeRequest", "noteable_iid": i},
        }
        for p, i in targets
    ]
    match = responses.matchers.query_param_matcher
    mocked.get(
        f"{API}/users/1/events",
        json=approved,
        match=[match({"action": "approved"}, strict_match=False)],
    )
    mocked.get(
        f"{API}/users/1/events",
        json=commented,
        match=[match({"action": "commented"}, strict_match=False)],
    )


def test_each_reviewed_merge_request_is_enriched_once_and_own_ones_are_dropped(
    mocked: responses.RequestsMock, waits: list[float]
) -> None:
    review_events(mocked, (7, 1), (7, 2))
    bob = {"id": 2, "username": "bob"}
    base = f"{API}/projects/7/merge_requests"
    mocked.get(f"{base}/1", json=mr(1, "2026-11-10T10:00:00.000Z", author=bob))
    mocked.get(f"{base}/2", json=mr(2, "2026-11-10T10:00:00.000Z"))  # the owner's own
    mocked.get(f"{base}/1/approvals", json={"approved_by": [{"user": ME}]})
    mocked.get(
        f"{base}/1/notes",
        json=[
            {"author": ME, "system": False, "created_at": "2026-11-10T09:00:00.000Z", "body": "?"},
            {
                "author": ME,
                "system": True,
                "created_at": "2026-11-10T09:05:00.000Z",
                "body": "approved this merge request",
            },
            {"author": bob, "system": False, "created_at": "2026-11-10T09:10:00.000Z", "body": "!"},
        ],
    )

    (item,) = connector(waits).fetch("reviews", SINCE)

    assert item.external_id == "g/p!1:review" and item.kind == "review"
    assert item.extra["comments"] == 1 and item.extra["approved"] is True
    assert item.extra["review_states"] == ["APPROVED", "COMMENTED"]
    assert item.extra["visibility"] == "internal"
    assert item.occurred_at == datetime(2026, 11, 10, 9, 5, tzinfo=UTC)
    # /user, 2 event pages, the GraphQL attempt, MR 1: get + approvals + notes, MR 2: get
    # only, the project once
    assert len(mocked.calls) == 1 + 2 + 1 + 3 + 1 + 1


def test_old_gitlab_without_diffs_falls_back_to_changes(
    mocked: responses.RequestsMock, waits: list[float]
) -> None:
    mocked.get(f"{API}/merge_requests", json=[mr(5, "2026-11-05T08:30:00.000Z")])
    base = f"{API}/projects/7/merge_requests/5"
    mocked.get(f"{base}/diffs", status=404, json={"error": "404 Not Found"})
    mocked.get(f"{base}/changes", json={"changes": [{"new_path": "rfcs/x.md", "diff": "+a\n"}]})
    mocked.get(f"{base}/approvals", json={"approved_by": []})

    (item,) = connector(waits).fetch("merge_requests", SINCE)

    assert item.paths == ("rfcs/x.md",)


def test_an_unreadable_merge_request_is_skipped_with_a_warning(
    mocked: responses.RequestsMock, waits: list[float], caplog: pytest.LogCaptureFixture
) -> None:
    mocked.get(
        f"{API}/merge_requests",
        json=[mr(1, "2026-11-05T08:30:00.000Z"), mr(2, "2026-11-06T08:30:00.000Z")],
    )
    mocked.get(
        f"{API}/projects/7/merge_requests/1/diffs",
        status=404,
        json={"message": "404 Project Not Found"},
    )
    mocked.get(
        f"{API}/projects/7/merge_requests/1/changes",
        status=404,
        json={"message": "404 Project Not Found"},
    )
    enrich(mocked, 2)

    with caplog.at_level(logging.WARNING, logger="growthmap"):
        items = list(connector(waits).fetch("merge_requests", SINCE))

    assert [i.external_id for i in items] == ["g/p!2"]
    assert "merge_requests/1" in caplog.text and "skipping" in caplog.text


def test_an_unknown_username_is_a_config_problem(
    mocked: responses.RequestsMock, waits: list[float]
) -> None:
    mocked.get(f"{API}/users", json=[])

    with pytest.raises(ConfigProblem, match="'ghost' does not exist"):
        connector(waits, username="ghost").check()


def test_check_returns_the_token_owner(mocked: responses.RequestsMock, waits: list[float]) -> None:
    assert connector(waits).check() == "ada"


def test_an_unknown_stream_is_a_config_problem(waits: list[float]) -> None:
    with pytest.raises(ConfigProblem, match="no stream 'wiki'"):
        connector(waits).fetch("wiki", SINCE)


def test_the_registry_finds_the_connector_and_its_config() -> None:
    cls = connector_class("gitlab")
    assert cls is GitLabConnector
    config = cls.config_model.model_validate({"name": "gl", "type": "gitlab"})
    assert isinstance(config, GitLabConfig)
    assert config.base_url == "https://gitlab.com" and config.token_env == "GITLAB_TOKEN"
    assert "docs/design/**" in config.design_doc_paths and config.username is None
    assert [s.name for s in cls(config, "t").streams()] == [
        "merge_requests",
        "reviews",
        "design_docs",
        "pairing",
    ]


@pytest.mark.parametrize(
    "bad",
    [{"repos": ["x"]}, {"type": "github"}, {"page_size": 500}, {"base_url": "gitlab.com"}],
)
def test_bad_config_is_rejected(bad: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        GitLabConfig.model_validate({"name": "gl", "type": "gitlab", **bad})


def test_the_token_stays_out_of_repr(waits: list[float]) -> None:
    built = connector(waits)
    assert "glpat-secret" not in repr(built) and "glpat-secret" not in repr(built.config)


def test_a_pasted_api_v4_suffix_is_tolerated(waits: list[float]) -> None:
    with responses.RequestsMock() as rsps:
        rsps.get(f"{API}/user", json=ME)
        assert connector(waits, base_url=f"{API}/").check() == "ada"


def test_payloads_missing_optional_fields_are_stored_with_what_there_is(
    mocked: responses.RequestsMock, waits: list[float]
) -> None:
    bare = {
        "id": 9,
        "iid": 3,
        "project_id": 7,
        "created_at": "2026-11-02T10:00:00Z",
        "updated_at": "2026-11-02T11:00:00Z",
        "web_url": f"{BASE_URL}/g/sub/p/-/merge_requests/3",
    }
    mocked.get(f"{API}/merge_requests", json=[bare])
    mocked.get(f"{API}/projects/7/merge_requests/3/diffs", json=[])
    mocked.get(f"{API}/projects/7/merge_requests/3/approvals", json={})

    (item,) = connector(waits).fetch("merge_requests", SINCE)

    # Without `references`, the project's own path (of project 7), never the URL's shape.
    assert item.external_id == "g/p!3" and item.repo == "g/p"
    assert item.title == "" and item.labels == () and item.author is None
    assert item.state == "open" and item.extra["approvals"] == 0
    assert item.occurred_at == datetime(2026, 11, 2, 10, tzinfo=UTC)
