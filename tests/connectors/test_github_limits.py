"""GitHub's failures on the one HTTP layer, with `responses`: rate limits of every kind,
budgets, retries with smaller pages, and refusals translated into the error tree."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
import requests
import responses
from fakes.github_harness import Clock
from fakes.github_mocks import API, GRAPHQL, SINCE, UNTIL, bodies, issue, make, pr_node, search_page

from connectors.errors import AuthError, ConfigProblem, SourceUnavailable


@pytest.fixture
def clock() -> Clock:
    return Clock(now=UNTIL)


@pytest.fixture
def mocked() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        yield rsps


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


def test_incomplete_results_never_pass_as_complete(
    clock: Clock, mocked: responses.RequestsMock
) -> None:
    mocked.get(
        API + "/search/issues",
        json={"total_count": 3, "incomplete_results": True, "items": [issue(1)]},
    )
    with pytest.raises(SourceUnavailable, match="incomplete"):
        list(make(clock, max_retries=2).fetch("issues", SINCE, UNTIL))
    assert len(mocked.calls) == 3


def test_invalid_search_is_a_config_problem(clock: Clock, mocked: responses.RequestsMock) -> None:
    mocked.get(
        API + "/search/issues",
        status=422,
        json={
            "message": "Validation Failed",
            "errors": [{"message": "The listed users cannot be searched", "code": "invalid"}],
        },
    )
    with pytest.raises(ConfigProblem, match="422"):
        list(make(clock).fetch("issues", SINCE, UNTIL))


def test_forbidden_search_is_an_auth_error(clock: Clock, mocked: responses.RequestsMock) -> None:
    mocked.post(GRAPHQL, status=403, json={"message": "Resource protected by organization SAML"})
    with pytest.raises(AuthError, match="SAML"):
        list(make(clock).fetch("pull_requests", SINCE, UNTIL))


def test_secondary_limit_without_retry_after_waits_a_minute_then_longer(
    clock: Clock, mocked: responses.RequestsMock
) -> None:
    limited = {"message": "You have exceeded a secondary rate limit. Please wait."}
    headers = {"x-ratelimit-remaining": "4000", "x-ratelimit-reset": "9999999999"}
    mocked.get(API + "/search/issues", status=403, json=limited, headers=headers)
    mocked.get(API + "/search/issues", status=403, json=limited, headers=headers)
    mocked.get(
        API + "/search/issues",
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
    assert clock.sleeps == [5]  # what GitHub asked


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
    mocked.get(API + "/search/issues", json=page, headers=emptied)
    mocked.post(GRAPHQL, json=search_page([pr_node(1)]))
    conn = make(clock, streams=["issues", "pull_requests"])
    assert len(list(conn.fetch("issues", SINCE, UNTIL))) == 1
    assert len(list(conn.fetch("pull_requests", SINCE, UNTIL))) == 1
    assert clock.sleeps == []  # GraphQL has its own budget
    mocked.get(API + "/search/issues", json=page)
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
        API + "/search/issues",
        status=422,
        json={"message": "Validation Failed for Authorization: token tok-123"},
    )
    with pytest.raises(ConfigProblem) as raised:
        list(make(clock).fetch("issues", SINCE, UNTIL))
    assert "tok-123" not in raised.value.user_message()
    assert "Authorization: token ***" in str(raised.value)
