"""Focused tests of the GitHub connector with `responses`: parameters, paging, error mapping."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pydantic
import pytest
import requests
import responses
from fakes.github_harness import Clock

from connectors.base import Runtime
from connectors.errors import AuthError, ConfigProblem, SourceUnavailable
from connectors.github import GitHubConfig, GitHubConnector
from connectors.github.normalize import normalize_pull_request, normalize_review
from connectors.github.search import window
from connectors.globs import glob_match

API = "https://ghe.example.com/api/v3"
MOCK_API = API
GRAPHQL = "https://ghe.example.com/api/graphql"
SINCE = datetime(2026, 10, 1, tzinfo=UTC)
UNTIL = datetime(2026, 10, 8, tzinfo=UTC)


@pytest.fixture
def clock() -> Clock:
    return Clock(now=UNTIL)


@pytest.fixture
def mocked() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        yield rsps


def make(clock: Clock, **settings: Any) -> GitHubConnector:
    config = GitHubConfig.model_validate(
        {"name": "ghe", "type": "github", "base_url": API, "login": "octo", **settings}
    )
    runtime = Runtime(sleep=clock.sleep, now=lambda: clock.now, logger=logging.getLogger("t"))
    return GitHubConnector(config, "tok-123", runtime)


def search_page(
    nodes: list[dict[str, Any]], *, count: int | None = None, next_cursor: str | None = None
) -> dict[str, Any]:
    return {
        "data": {
            "rateLimit": {"cost": 1, "remaining": 4000, "resetAt": "2026-10-08T01:00:00Z"},
            "user": {"login": "octo"},
            "search": {
                "issueCount": len(nodes) if count is None else count,
                "pageInfo": {"hasNextPage": next_cursor is not None, "endCursor": next_cursor},
                "nodes": nodes,
            },
        }
    }


def pr_node(number: int, **fields: Any) -> dict[str, Any]:
    return {
        "__typename": "PullRequest",
        "number": number,
        "title": f"PR {number}",
        "url": f"https://ghe.example.com/acme/api/pull/{number}",
        "state": "OPEN",
        "createdAt": "2026-10-02T10:00:00Z",
        "updatedAt": "2026-10-03T10:00:00Z",
        "repository": {"nameWithOwner": "acme/api"},
        **fields,
    }


def bodies(rsps: responses.RequestsMock) -> list[dict[str, Any]]:
    return [json.loads(c.request.body or b"{}") for c in rsps.calls]


# -- configuration ----------------------------------------------------------------------


def test_config_defaults_and_validation() -> None:
    config = GitHubConfig.model_validate({"name": "gh", "type": "github", "base_url": API + "/"})
    assert config.base_url == API and config.token_env == "GITHUB_TOKEN"
    assert config.page_size == 100 and config.lag_minutes == 10
    assert "docs/design/**" in config.design_doc_paths
    for bad in (
        {"streams": ["pull_request"]},
        {"page_size": 101},
        {"tokn_env": "X"},
        {"type": "gitlab"},
        {"base_url": "ghe.example.com"},
    ):
        with pytest.raises(pydantic.ValidationError):
            GitHubConfig.model_validate({"name": "gh", "type": "github", **bad})


def test_streams_default_and_lag(clock: Clock) -> None:
    conn = make(clock, lag_minutes=25)
    assert [s.name for s in conn.streams()] == ["pull_requests", "reviews", "design_docs"]
    assert {s.lag for s in conn.streams()} == {timedelta(minutes=25)}
    assert [s.kind for s in make(clock, streams=["issues"]).streams()] == ["ticket"]


@pytest.mark.parametrize(
    ("pattern", "path", "hit"),
    [
        ("docs/design/**", "docs/design/a/b.md", True),
        ("docs/design/**", "docs/designs/b.md", False),
        ("**/adr/**", "adr/0001.md", True),
        ("**/adr/**", "svc/x/adr/0001.md", True),
        ("**/adr/**", "svc/adrenaline/0001.md", False),
        ("**/*design-doc*.md", "my-design-doc.md", True),
        ("**/*design-doc*.md", "a/b/the-design-doc-v2.md", True),
        ("rfcs/**", "x/rfcs/1.md", False),
        ("acme/*", "acme/api", True),
        ("acme/*", "acme/api/extra", False),
    ],
)
def test_glob_match(pattern: str, path: str, hit: bool) -> None:
    assert glob_match(pattern, path) is hit


def test_windows_split_without_gap_or_overlap() -> None:
    whole = window(SINCE, UNTIL)
    assert whole.hi == UNTIL - timedelta(seconds=1)  # until is exclusive
    halves = whole.halves()
    assert halves is not None
    left, right = halves
    assert left.lo == whole.lo and right.hi == whole.hi
    assert right.lo - left.hi == timedelta(seconds=1)
    assert window(SINCE, SINCE + timedelta(seconds=1)).halves() is None


# -- GraphQL search ---------------------------------------------------------------------


def test_search_query_pagination_and_request_count(
    clock: Clock, mocked: responses.RequestsMock
) -> None:
    mocked.post(GRAPHQL, json=search_page([pr_node(1), pr_node(2)], count=3, next_cursor="c2"))
    mocked.post(GRAPHQL, json=search_page([pr_node(3)], count=3))
    conn = make(clock, orgs=["acme"])
    items = list(conn.fetch("pull_requests", SINCE, UNTIL))

    assert [i.external_id for i in items] == ["acme/api#1", "acme/api#2", "acme/api#3"]
    assert conn.stats.requests == 2
    first, second = (b["variables"] for b in bodies(mocked))
    assert first["q"] == (
        "is:pr author:octo org:acme "
        "updated:2026-10-01T00:00:00Z..2026-10-07T23:59:59Z sort:updated-asc"
    )
    assert first["first"] == 100 and first["after"] is None and second["after"] == "c2"
    assert mocked.calls[0].request.headers["Authorization"] == "token tok-123"


def test_crowded_window_is_halved(clock: Clock, mocked: responses.RequestsMock) -> None:
    mocked.post(GRAPHQL, json=search_page([pr_node(1)], count=1500))
    mocked.post(GRAPHQL, json=search_page([pr_node(1)], count=1))
    mocked.post(GRAPHQL, json=search_page([pr_node(2)], count=1))
    items = list(make(clock).fetch("pull_requests", SINCE, UNTIL))

    queries = [b["variables"]["q"] for b in bodies(mocked)]
    assert [i.external_id for i in items] == ["acme/api#1", "acme/api#2"]
    assert "updated:2026-10-01T00:00:00Z..2026-10-04T11:59:59Z" in queries[1]
    assert "updated:2026-10-04T12:00:00Z..2026-10-07T23:59:59Z" in queries[2]


def test_502_retries_with_a_smaller_page(clock: Clock, mocked: responses.RequestsMock) -> None:
    mocked.post(GRAPHQL, status=502, body="<html>bad gateway</html>")
    mocked.post(GRAPHQL, json=search_page([pr_node(1)]))
    conn = make(clock)
    assert len(list(conn.fetch("pull_requests", SINCE, UNTIL))) == 1
    assert [b["variables"]["first"] for b in bodies(mocked)] == [100, 50]
    assert conn.stats.requests == 2 and conn.stats.retries == 1 and len(clock.sleeps) == 1


def test_graphql_without_data_is_retried_smaller(
    clock: Clock, mocked: responses.RequestsMock
) -> None:
    mocked.post(GRAPHQL, json={"data": None, "errors": [{"message": "Something went wrong"}]})
    mocked.post(GRAPHQL, json=search_page([pr_node(1)]))
    assert len(list(make(clock).fetch("pull_requests", SINCE, UNTIL))) == 1
    assert [b["variables"]["first"] for b in bodies(mocked)] == [100, 50]


def test_graphql_rate_limited_at_http_200(clock: Clock, mocked: responses.RequestsMock) -> None:
    reset = int((clock.now + timedelta(seconds=300)).timestamp())
    mocked.post(
        GRAPHQL,
        json={"errors": [{"type": "RATE_LIMITED", "message": "API rate limit exceeded"}]},
        headers={"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(reset)},
    )
    mocked.post(GRAPHQL, json=search_page([pr_node(1)]))
    conn = make(clock)
    assert len(list(conn.fetch("pull_requests", SINCE, UNTIL))) == 1
    assert clock.sleeps == [301] and conn.stats.rate_limit_waits == 1


@pytest.mark.parametrize(
    "failure",
    [
        requests.exceptions.ConnectTimeout("slow"),
        requests.exceptions.ConnectionError("reset by peer"),
        requests.exceptions.RetryError("too many 502 error responses"),
    ],
)
def test_network_failures_are_retried_then_unavailable(
    clock: Clock, mocked: responses.RequestsMock, failure: Exception
) -> None:
    mocked.post(GRAPHQL, body=failure)
    conn = make(clock, max_retries=2)
    with pytest.raises(SourceUnavailable, match="after 3 attempts") as raised:
        list(conn.fetch("reviews", SINCE, UNTIL))
    assert conn.stats.requests == 3
    assert "tok-123" not in raised.value.user_message()
    delays = clock.sleeps
    # jittered exponential backoff: up to 1 s, then up to 2 s (never under half a second)
    assert len(delays) == 2 and 0.5 <= delays[0] <= 1 and 0.5 <= delays[1] <= 2


def test_bad_credentials(clock: Clock, mocked: responses.RequestsMock) -> None:
    mocked.post(GRAPHQL, status=401, json={"message": "Bad credentials"})
    with pytest.raises(AuthError, match="401"):
        list(make(clock).fetch("pull_requests", SINCE, UNTIL))


def test_exhausted_budget_waits_before_the_next_request(
    clock: Clock, mocked: responses.RequestsMock
) -> None:
    reset = int((clock.now + timedelta(seconds=100)).timestamp())
    headers = {
        "x-ratelimit-remaining": "0",
        "x-ratelimit-reset": str(reset),
        "x-ratelimit-resource": "graphql",
    }
    mocked.post(GRAPHQL, json=search_page([pr_node(1)], count=2, next_cursor="c"), headers=headers)
    mocked.post(GRAPHQL, json=search_page([pr_node(2)], count=2))
    items = list(make(clock).fetch("pull_requests", SINCE, UNTIL))
    assert len(items) == 2 and clock.sleeps == [101]


# -- REST issue search ------------------------------------------------------------------


def issue(number: int) -> dict[str, Any]:
    return {
        "number": number,
        "title": f"Issue {number}",
        "state": "closed",
        "html_url": f"https://ghe.example.com/acme/api/issues/{number}",
        "created_at": "2026-10-01T10:00:00Z",
        "updated_at": "2026-10-02T10:00:00Z",
        "closed_at": "2026-10-02T10:00:00Z",
        "labels": [{"name": "bug"}],
    }


def test_issue_search_parameters_and_pages(clock: Clock, mocked: responses.RequestsMock) -> None:
    url = MOCK_API + "/search/issues"
    mocked.get(
        url,
        json={
            "total_count": 150,
            "incomplete_results": False,
            "items": [issue(n) for n in range(100)],
        },
    )
    mocked.get(
        url,
        json={
            "total_count": 150,
            "incomplete_results": False,
            "items": [issue(n) for n in range(100, 150)],
        },
    )
    conn = make(clock, streams=["issues"])
    items = list(conn.fetch("issues", SINCE, UNTIL))

    assert len(items) == 150 and conn.stats.requests == 2
    assert items[0].kind == "ticket" and items[0].external_id == "acme/api#0"
    assert items[0].occurred_at == datetime(2026, 10, 2, 10, tzinfo=UTC)
    params = mocked.calls[1].request.params
    assert params["q"] == "is:issue assignee:octo closed:2026-10-01T00:00:00Z..2026-10-07T23:59:59Z"
    assert (params["sort"], params["order"], params["per_page"], params["page"]) == (
        "updated",
        "asc",
        "100",
        "2",
    )


def test_incomplete_results_never_pass_as_complete(
    clock: Clock, mocked: responses.RequestsMock
) -> None:
    mocked.get(
        MOCK_API + "/search/issues",
        json={"total_count": 3, "incomplete_results": True, "items": [issue(1)]},
    )
    with pytest.raises(SourceUnavailable, match="incomplete"):
        list(make(clock, max_retries=2).fetch("issues", SINCE, UNTIL))
    assert len(mocked.calls) == 3


def test_invalid_search_is_a_config_problem(clock: Clock, mocked: responses.RequestsMock) -> None:
    mocked.get(
        MOCK_API + "/search/issues",
        status=422,
        json={
            "message": "Validation Failed",
            "errors": [{"message": "The listed users cannot be searched", "code": "invalid"}],
        },
    )
    with pytest.raises(ConfigProblem, match="422"):
        list(make(clock).fetch("issues", SINCE, UNTIL))


# -- normalizers ------------------------------------------------------------------------


def test_payload_missing_optional_fields_is_stored_with_what_there_is() -> None:
    item = normalize_pull_request(
        "gh",
        {
            "number": 5,
            "repository": {"nameWithOwner": "a/b"},
            "createdAt": "2026-10-01T00:00:00Z",
            "author": None,
        },
    )
    assert item.external_id == "a/b#5" and item.author is None and item.labels == ()
    assert item.state == "open" and item.occurred_at == datetime(2026, 10, 1, tzinfo=UTC)
    assert item.extra["reviews_received"] == 0


def test_review_of_a_deleted_author_and_pending_only() -> None:
    node = {
        "number": 9,
        "repository": {"nameWithOwner": "a/b"},
        "author": None,
        "reviews": {
            "nodes": [{"state": "PENDING", "submittedAt": None, "author": {"login": "octo"}}]
        },
    }
    assert normalize_review("gh", node, "octo") is None
    node["reviews"]["nodes"].append(  # type: ignore[index]
        {"state": "APPROVED", "submittedAt": "2026-10-03T00:00:00Z", "author": {"login": "Octo"}}
    )
    item = normalize_review("gh", node, "octo")
    assert item is not None and item.extra["review_states"] == ["APPROVED"]
    assert item.external_id == "a/b#9/review"


# -- REST commit files (direct pushes) --------------------------------------------------


def test_commit_files_follow_link_even_with_another_host_spelling(
    clock: Clock, mocked: responses.RequestsMock
) -> None:
    url = MOCK_API + "/repos/acme/api/commits/abc"
    next_link = "https://ghe.example.com:443/api/v3/repos/acme/api/commits/abc?page=2"
    mocked.get(
        url, json={"files": [{"filename": "a.md"}]}, headers={"Link": f'<{next_link}>; rel="next"'}
    )
    mocked.get(url + "?page=2", json={"files": [{"filename": "b.md"}]})
    conn = make(clock)
    assert conn.reader_source().commits.commit_paths("acme/api", "abc") == ["a.md", "b.md"]
    assert conn.stats.requests == 2


@pytest.mark.parametrize("status", [403, 404])
def test_unreadable_repository_is_skipped_with_a_warning(
    clock: Clock, mocked: responses.RequestsMock, caplog: pytest.LogCaptureFixture, status: int
) -> None:
    mocked.get(
        MOCK_API + "/repos/acme/secret/commits/abc",
        status=status,
        json={"message": "Not Found" if status == 404 else "Resource not accessible"},
    )
    with caplog.at_level(logging.WARNING):
        assert make(clock).reader_source().commits.commit_paths("acme/secret", "abc") == []
    assert "acme/secret cannot be read" in caplog.text


def test_forbidden_search_is_an_auth_error(clock: Clock, mocked: responses.RequestsMock) -> None:
    mocked.post(GRAPHQL, status=403, json={"message": "Resource protected by organization SAML"})
    with pytest.raises(AuthError, match="SAML"):
        list(make(clock).fetch("pull_requests", SINCE, UNTIL))


# -- GitHub's own rate limits and refusals, on the one HTTP layer ------------------------


def test_secondary_limit_without_retry_after_waits_a_minute_then_longer(
    clock: Clock, mocked: responses.RequestsMock
) -> None:
    limited = {"message": "You have exceeded a secondary rate limit. Please wait."}
    headers = {"x-ratelimit-remaining": "4000", "x-ratelimit-reset": "9999999999"}
    mocked.get(MOCK_API + "/search/issues", status=403, json=limited, headers=headers)
    mocked.get(MOCK_API + "/search/issues", status=403, json=limited, headers=headers)
    mocked.get(
        MOCK_API + "/search/issues",
        json={"total_count": 1, "incomplete_results": False, "items": [issue(1)]},
    )
    conn = make(clock, streams=["issues"])
    assert len(list(conn.fetch("issues", SINCE, UNTIL))) == 1
    # GitHub's advice: a minute, then exponentially longer; never the primary reset
    assert clock.sleeps == [60, 120] and conn.stats.rate_limit_waits == 2


def test_graphql_secondary_limit_honours_retry_after(
    clock: Clock, mocked: responses.RequestsMock
) -> None:
    mocked.post(
        GRAPHQL,
        json={"errors": [{"type": "RATE_LIMITED", "message": "secondary rate limit"}]},
        headers={"retry-after": "5", "x-ratelimit-remaining": "0", "x-ratelimit-reset": "1"},
    )
    mocked.post(GRAPHQL, json=search_page([pr_node(1)]))
    assert len(list(make(clock).fetch("reviews", SINCE, UNTIL))) == 0
    assert clock.sleeps == [6]  # a second past what GitHub asked


def test_an_emptied_search_budget_does_not_stall_graphql(
    clock: Clock, mocked: responses.RequestsMock
) -> None:
    reset = int((clock.now + timedelta(seconds=200)).timestamp())
    emptied = {
        "x-ratelimit-remaining": "0",
        "x-ratelimit-reset": str(reset),
        "x-ratelimit-resource": "search",
    }
    page = {"total_count": 1, "incomplete_results": False, "items": [issue(1)]}
    mocked.get(MOCK_API + "/search/issues", json=page, headers=emptied)
    mocked.post(GRAPHQL, json=search_page([pr_node(1)]))
    conn = make(clock, streams=["issues", "pull_requests"])
    assert len(list(conn.fetch("issues", SINCE, UNTIL))) == 1
    assert len(list(conn.fetch("pull_requests", SINCE, UNTIL))) == 1
    assert clock.sleeps == []  # GraphQL has its own budget
    mocked.get(MOCK_API + "/search/issues", json=page)
    assert len(list(conn.fetch("issues", SINCE, UNTIL))) == 1
    assert clock.sleeps == [201]  # the next search waits for the search budget's reset


def test_a_query_github_refuses_is_named_without_retries(
    clock: Clock, mocked: responses.RequestsMock
) -> None:
    mocked.post(GRAPHQL, json={"errors": [{"message": "Field 'x' doesn't exist on type 'Y'"}]})
    conn = make(clock)
    with pytest.raises(SourceUnavailable, match="Field 'x' doesn't exist"):
        list(conn.fetch("reviews", SINCE, UNTIL))
    assert conn.stats.requests == 1


def test_an_upstream_message_echoing_the_token_is_masked(
    clock: Clock, mocked: responses.RequestsMock
) -> None:
    mocked.get(
        MOCK_API + "/search/issues",
        status=422,
        json={"message": "Validation Failed for Authorization: token tok-123"},
    )
    with pytest.raises(ConfigProblem) as raised:
        list(make(clock).fetch("issues", SINCE, UNTIL))
    assert "tok-123" not in raised.value.user_message()
    assert "Authorization: token ***" in str(raised.value)
