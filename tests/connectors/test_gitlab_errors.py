"""GitLab errors and waits with `responses`: status mapping, retries, rate limits."""

from __future__ import annotations

import socket
from datetime import timedelta

import pytest
import requests
import responses
from fakes.gitlab_mocks import API, GRAPHQL, NOW, SINCE, connector

from connectors.errors import (
    AuthError,
    ConfigProblem,
    RateLimited,
    SourceUnavailable,
    Unreachable,
)

pytest_plugins = ["fakes.gitlab_fixtures"]


@pytest.mark.parametrize(
    ("status", "error", "words"),
    [
        (401, AuthError, "rejected the token"),
        (403, AuthError, "read_api"),
        (404, ConfigProblem, "base_url"),
        (400, ConfigProblem, "HTTP 400"),
        (418, SourceUnavailable, "HTTP 418"),
    ],
)
def test_http_errors_map_to_the_error_tree(
    mocked: responses.RequestsMock, waits: list[float], status: int, error: type, words: str
) -> None:
    mocked.get(f"{API}/merge_requests", status=status, json={"message": f"{status} nope"})

    with pytest.raises(error) as caught:
        list(connector(waits).fetch("merge_requests", SINCE))

    assert words in caught.value.user_message()
    assert "glpat-secret" not in caught.value.user_message()
    assert waits == []


def test_server_errors_are_retried_up_to_max_retries(
    mocked: responses.RequestsMock, waits: list[float]
) -> None:
    mocked.get(f"{API}/merge_requests", status=503, body="down")

    with pytest.raises(SourceUnavailable, match="HTTP 503"):
        list(connector(waits, max_retries=3).fetch("merge_requests", SINCE))

    assert len(mocked.calls) == 1 + 1 + 4  # /user, the GraphQL attempt, 4 list attempts
    assert len(waits) == 3


def test_a_connection_reset_is_retried(mocked: responses.RequestsMock, waits: list[float]) -> None:
    mocked.get(f"{API}/merge_requests", body=requests.ConnectionError("reset by peer"))
    mocked.get(f"{API}/merge_requests", json=[])

    assert list(connector(waits).fetch("merge_requests", SINCE)) == []
    assert len(waits) == 1


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        # Retry-After as the server asked; a reset time, a second past it (whole seconds,
        # and clocks differ): never before the reset.
        ({"Retry-After": "12"}, 12.0),
        ({"Retry-After": "Fri, 20 Nov 2026 12:00:40 GMT"}, 40.0),
        ({"RateLimit-Reset": str(int(NOW.timestamp()) + 25)}, 26.0),
        ({}, 60.0),
    ],
)
def test_a_429_waits_as_its_headers_say(
    mocked: responses.RequestsMock, waits: list[float], headers: dict[str, str], expected: float
) -> None:
    mocked.get(f"{API}/merge_requests", status=429, body="Retry later", headers=headers)
    mocked.get(f"{API}/merge_requests", json=[])

    assert list(connector(waits).fetch("merge_requests", SINCE)) == []
    assert waits == [expected]


def test_a_429_beyond_the_allowed_wait_is_rate_limited(
    mocked: responses.RequestsMock, waits: list[float]
) -> None:
    mocked.get(f"{API}/merge_requests", status=429, headers={"Retry-After": "901"})

    with pytest.raises(RateLimited) as caught:
        list(connector(waits).fetch("merge_requests", SINCE))

    assert caught.value.reset_at is not None
    assert NOW + timedelta(seconds=901) <= caught.value.reset_at <= NOW + timedelta(seconds=902)
    assert waits == []


def test_a_body_that_is_not_json_is_source_unavailable(
    mocked: responses.RequestsMock, waits: list[float]
) -> None:
    mocked.get(f"{API}/merge_requests", body="<html>proxy error</html>", status=200)

    with pytest.raises(SourceUnavailable, match="not JSON"):
        list(connector(waits).fetch("merge_requests", SINCE))


def test_a_login_page_instead_of_json_is_source_unavailable(waits: list[float]) -> None:
    with responses.RequestsMock() as rsps:
        rsps.get(f"{API}/user", body="<html>sign in</html>", content_type="text/html")
        with pytest.raises(SourceUnavailable, match="not JSON"):
            connector(waits).check()


def test_a_token_graphql_rejects_is_an_auth_error_and_rest_is_not_tried(
    waits: list[float],
) -> None:
    with responses.RequestsMock() as rsps:
        rsps.get(f"{API}/user", json={"id": 1, "username": "ada"})
        rsps.post(GRAPHQL, status=401, json={"message": "401 Unauthorized"})
        with pytest.raises(AuthError) as caught:
            list(connector(waits).fetch("merge_requests", SINCE))
    assert "(401)" in caught.value.user_message()
    assert not any("/merge_requests" in c.request.url for c in rsps.calls)


@pytest.mark.parametrize(
    ("answer", "words"),
    [
        (
            {"json": {"errors": [{"message": "Internal server error"}], "data": None}},
            "Internal server error",
        ),
        (
            {"json": {"errors": [{"message": "Bad header PRIVATE-TOKEN: glpat-secret"}]}},
            "PRIVATE-TOKEN: ***",
        ),
        ({"body": "<html>sign in</html>", "content_type": "text/html"}, "not JSON"),
        ({"json": {"message": "404 Not Found"}}, "without data"),
    ],
    ids=["server-error", "echoed-token", "login-page", "not-graphql"],
)
def test_a_first_graphql_answer_that_is_not_data_sends_the_run_to_rest_saying_why(
    waits: list[float], answer: dict[str, object], words: str, caplog: pytest.LogCaptureFixture
) -> None:
    """Whatever an instance or a proxy in front of it answers on /api/graphql, REST then
    collects (and says its own error if it cannot): nothing is silently missed."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        rsps.get(f"{API}/user", json={"id": 1, "username": "ada"})
        rsps.post(GRAPHQL, **answer)  # type: ignore[arg-type]
        rsps.get(f"{API}/merge_requests", json=[])

        assert list(connector(waits).fetch("merge_requests", SINCE)) == []

        assert any("/merge_requests" in c.request.url for c in rsps.calls)  # REST collected
    said = [r.getMessage() for r in caplog.records if "REST API instead" in r.getMessage()]
    assert len(said) == 1 and words in said[0] and "glpat-secret" not in said[0]


def test_the_sessions_typed_errors_pass_through_python_gitlab(waits: list[float]) -> None:
    # python-gitlab catches only requests' own connection errors: a refused connection
    # reaches the caller as the session's Unreachable, after the session's retries.
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    gone = connector(waits, base_url=f"http://127.0.0.1:{port}", max_retries=1)

    with pytest.raises(Unreachable) as caught:
        gone.check()

    assert f"127.0.0.1:{port}" in str(caught.value)
    assert len(waits) == 1 and gone.stats.requests == 2
