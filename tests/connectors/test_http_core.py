"""The one HTTP layer under every connector: retries, rate limits, counting, credentials."""

from __future__ import annotations

import contextvars
import logging
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
import requests
import responses

from connectors.errors import RateLimited, SourceUnavailable, Unreachable
from connectors.http import (
    ApiRules,
    Limits,
    RequestStats,
    Runtime,
    Secrets,
    SourceSession,
    classify_common,
    counting_into,
    follow,
    quoted,
)

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
URL = "https://api.example.test/things"


class Clock:
    def __init__(self) -> None:
        self.now = NOW
        self.sleeps: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += timedelta(seconds=seconds)


def session(clock: Clock, *, retries: int = 3, max_wait: float = 900.0) -> SourceSession:
    runtime = Runtime(sleep=clock.sleep, now=lambda: clock.now, logger=logging.getLogger("t"))
    return SourceSession(
        where="Test source 'x'",
        base_url="https://api.example.test",
        api=ApiRules("Test", classify_common),
        limits=Limits(max_retries=retries, max_rate_limit_wait=max_wait),
        runtime=runtime,
        stats=RequestStats(),
        timeout=5.0,
        secrets=Secrets.of("s3cret-token", ["ada@example.test"]),
    )


@responses.activate
def test_transient_failures_are_retried_with_jittered_backoff_and_counted() -> None:
    responses.get(URL, status=502)
    responses.get(URL, status=503)
    responses.get(URL, json={"ok": True})
    clock = Clock()
    s = session(clock)
    assert s.get(URL).json() == {"ok": True}
    stats = s.policy.stats
    assert (stats.requests, stats.retries, stats.rate_limit_waits) == (3, 2, 0)
    assert len(clock.sleeps) == 2 and all(0.5 <= w <= 60 for w in clock.sleeps)
    assert stats.waited_seconds == pytest.approx(sum(clock.sleeps))


@responses.activate
def test_retry_after_as_an_http_date_is_honoured() -> None:
    later = NOW + timedelta(seconds=42)
    responses.get(URL, status=429, headers={"Retry-After": format_datetime(later, usegmt=True)})
    responses.get(URL, json={})
    clock = Clock()
    s = session(clock)
    s.get(URL)
    assert clock.sleeps == [42.0]
    assert s.policy.stats.rate_limit_waits == 1


@responses.activate
def test_a_reset_beyond_the_allowed_wait_fails_at_once_with_its_time() -> None:
    reset = NOW + timedelta(hours=2)
    responses.get(URL, status=429, headers={"RateLimit-Reset": str(int(reset.timestamp()))})
    clock = Clock()
    s = session(clock, max_wait=600)
    with pytest.raises(RateLimited) as caught:
        s.get(URL)
    assert clock.sleeps == [] and s.policy.stats.requests == 1
    assert caught.value.reset_at is not None and caught.value.reset_at >= reset
    assert "max_rate_limit_wait (600 s)" in str(caught.value)


@responses.activate
def test_a_server_that_stays_down_gives_up_after_max_retries() -> None:
    responses.get(URL, status=500)
    clock = Clock()
    s = session(clock, retries=2)
    with pytest.raises(SourceUnavailable, match=r"kept failing \(HTTP 500\) after 3 attempts"):
        s.get(URL)
    assert s.policy.stats.requests == 3 and len(clock.sleeps) == 2


def test_a_refused_connection_is_unreachable() -> None:
    clock = Clock()
    s = session(clock, retries=1)
    with pytest.raises(Unreachable, match="refused the connection"):
        s.get("http://127.0.0.1:9/nothing")  # the discard port: nothing listens
    assert s.policy.stats.requests == 2


@responses.activate
def test_an_emptied_budget_waits_for_its_reset_before_the_next_request() -> None:
    reset = int((NOW + timedelta(seconds=30)).timestamp())
    headers = {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(reset)}
    responses.get(URL, json={}, headers=headers)
    responses.get(URL, json={})
    clock = Clock()
    s = session(clock)
    s.get(URL)
    assert clock.sleeps == []
    s.get(URL)
    assert clock.sleeps == [31.0] and s.policy.stats.requests == 2


@responses.activate
def test_a_json_body_cut_short_is_asked_again() -> None:
    responses.get(URL, body='{"items": [1, 2', content_type="application/json")
    responses.get(URL, json={"items": [1, 2]})
    s = session(Clock())
    assert s.get(URL).json() == {"items": [1, 2]}
    assert s.policy.stats.retries == 1


@responses.activate
def test_a_stop_signal_ends_a_wait_at_once() -> None:
    responses.get(URL, status=429, headers={"Retry-After": "600"})

    def stopped(seconds: float) -> None:
        raise KeyboardInterrupt

    s = session(Clock())
    s.policy.runtime = Runtime(sleep=stopped, now=lambda: NOW)
    with pytest.raises(KeyboardInterrupt):
        s.get(URL)
    assert s.policy.stats.requests == 1


@responses.activate
def test_requests_are_counted_per_stream_across_worker_threads() -> None:
    responses.get(URL, json={})
    s = session(Clock())
    one, two = RequestStats(), RequestStats()
    with counting_into(one):
        s.get(URL)
        context = contextvars.copy_context()
        with ThreadPoolExecutor(2) as pool:
            list(pool.map(lambda _: context.copy().run(s.get, URL), range(3)))
    with counting_into(two):
        s.get(URL)
    assert (one.requests, two.requests, s.policy.stats.requests) == (4, 1, 5)


@responses.activate
def test_a_redirect_to_another_host_carries_no_credential_header() -> None:
    responses.get(URL, status=302, headers={"Location": "https://elsewhere.test/x"})
    responses.get("https://elsewhere.test/x", json={})
    s = session(Clock())
    s.get(URL, headers={"PRIVATE-TOKEN": "s3cret-token", "Authorization": "Bearer s3cret-token"})
    sent = responses.calls[1].request.headers
    assert "PRIVATE-TOKEN" not in sent and "Authorization" not in sent


def test_quoted_upstream_text_masks_every_form_of_the_credential() -> None:
    secrets = Secrets.of("s3cret-token", ["ada@example.test"])
    body = (
        "echo: Authorization: Basic YWRhQGV4YW1wbGUudGVzdDpzM2NyZXQtdG9rZW4= "
        "token s3cret-token, url ?t=s3cret-token&u=ada%40example.test%3As3cret-token"
    )
    said = quoted(body, secrets)
    assert "s3cret" not in said and "YWRhQGV4YW1wbGUudGVzdDpzM2NyZXQtdG9rZW4" not in said
    assert "ada%40example.test%3As3cret" not in said


def test_the_paging_loop_stops_on_a_repeated_marker_and_at_its_bound() -> None:
    pages = follow(lambda m: m or 0, lambda p: 1, where="w", what="reading")
    with pytest.raises(SourceUnavailable, match="repeated a page"):
        list(pages)
    endless = follow(lambda m: m or 0, lambda p: p + 1, where="w", what="reading", max_pages=5)
    with pytest.raises(SourceUnavailable, match="did not end after 5 pages"):
        list(endless)
    assert list(
        follow(lambda m: m or 0, lambda p: None if p >= 2 else p + 1, where="w", what="r")
    ) == [0, 1, 2]


def test_the_session_sets_a_timeout_when_the_caller_sets_none() -> None:
    s = session(Clock())
    seen: dict[str, object] = {}

    def fake_send(request: requests.PreparedRequest, **kwargs: object) -> requests.Response:
        seen.update(kwargs)
        response = requests.Response()
        response.status_code = 200
        response._content = b"{}"
        response.request = request
        return response

    s.get_adapter(URL).send = fake_send  # type: ignore[method-assign]
    s.get(URL)
    assert seen["timeout"] == 5.0


def test_streams_at_once_learn_an_unreachable_server_from_one_request() -> None:
    clock = Clock()
    s = session(clock, retries=1)

    def read() -> str:
        try:
            s.get("http://127.0.0.1:9/nothing")
        except Unreachable as down:
            return str(down)
        return "answered"

    with ThreadPoolExecutor(3) as pool:
        said = list(pool.map(lambda _: read(), range(3)))
    assert all("refused the connection" in m for m in said)
    assert s.policy.stats.requests == 2  # one request and its retry, not one per caller
