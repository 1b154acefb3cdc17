"""Focused tests of the GitHub connector with `responses`: parameters, paging, error mapping."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pydantic
import pytest
import responses
from fakes.github_harness import Clock
from fakes.github_mocks import API, GRAPHQL, SINCE, UNTIL, bodies, issue, make, pr_node, search_page

import pathglob
from connectors.github import GitHubConfig
from connectors.github.normalize import normalize_pull_request, normalize_review
from connectors.github.search import window


@pytest.fixture
def clock() -> Clock:
    return Clock(now=UNTIL)


@pytest.fixture
def mocked() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        yield rsps


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
    defaults = ["pull_requests", "reviews", "design_docs", "pairing"]
    assert [s.name for s in conn.streams()] == defaults
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
    assert pathglob.paths([pattern]).matches(path) is hit


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


# -- REST issue search ------------------------------------------------------------------


def test_issue_search_parameters_and_pages(clock: Clock, mocked: responses.RequestsMock) -> None:
    url = API + "/search/issues"
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
    url = API + "/repos/acme/api/commits/abc"
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
        API + "/repos/acme/secret/commits/abc",
        status=status,
        json={"message": "Not Found" if status == 404 else "Resource not accessible"},
    )
    with caplog.at_level(logging.WARNING):
        assert make(clock).reader_source().commits.commit_paths("acme/secret", "abc") == []
    assert "acme/secret cannot be read" in caplog.text


# -- GitHub's own rate limits and refusals, on the one HTTP layer ------------------------
