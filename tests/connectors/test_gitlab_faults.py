"""Rate limits, server errors, dropped connections and bad input against the fake GitLab,
over GraphQL (as gitlab.com) and over REST (an instance with GraphQL disabled)."""

from __future__ import annotations

import logging
import time
from datetime import timedelta
from typing import TYPE_CHECKING

import gitlab.utils
import pytest
from fakes.gitlab import FakeGitLab
from fakes.gitlab_data import BASE

from connectors.errors import AuthError, ConfigProblem, RateLimited, SourceUnavailable

if TYPE_CHECKING:
    from fakes.gitlab_fixtures import ConnectorFactory, SleepRecorder

pytest_plugins = ["fakes.gitlab_fixtures"]

SINCE = BASE - timedelta(days=30)
# Where each API path reads the owner's MRs, and the per-MR request REST adds.
MR_LIST = {"graphql": "/api/graphql", "rest": "/merge_requests"}
PER_MR = {"graphql": "/api/graphql", "rest": "/approvals"}


def over(fake: FakeGitLab, api: str) -> None:
    """Collect over `api`: "rest" disables the fake's GraphQL endpoint."""
    if api == "rest":
        fake.graphql.mode = "disabled"


def collect(connector_factory: ConnectorFactory, stream: str, **overrides: object) -> set[str]:
    return {i.external_id for i in connector_factory(**overrides).fetch(stream, SINCE)}


@pytest.fixture(autouse=True)
def _python_gitlab_never_sleeps(monkeypatch: pytest.MonkeyPatch) -> None:
    """python-gitlab's own retry loop calls time.sleep; the connector's backend must pre-empt it."""

    class NoSleep:
        def __getattr__(self, name: str) -> object:
            return getattr(time, name)

        @staticmethod
        def sleep(seconds: float) -> None:
            raise AssertionError(f"python-gitlab slept {seconds}s itself")

    monkeypatch.setattr(gitlab.utils, "time", NoSleep())


@pytest.mark.parametrize("api", ["graphql", "rest"])
def test_a_429_with_retry_after_is_waited_out_and_nothing_is_lost(
    fake_gitlab: FakeGitLab, make_connector: ConnectorFactory, sleeps: SleepRecorder, api: str
) -> None:
    over(fake_gitlab, api)
    fake_gitlab.inject(429, path=MR_LIST[api], Retry_After="7")
    fake_gitlab.inject(429, path=PER_MR[api], times=2, Retry_After="3")
    connector = make_connector()

    found = {i.external_id for i in connector.fetch("merge_requests", SINCE)}

    assert found == fake_gitlab.data.expected_mrs(SINCE)
    assert sleeps.waits == [7.0, 3.0, 3.0]  # each Retry-After, as the server asked
    assert connector.stats.rate_limit_waits == 3
    assert connector.stats.waited_seconds == 13.0
    assert connector.stats.requests == fake_gitlab.count()


def test_a_429_with_ratelimit_reset_waits_until_the_reset(
    fake_gitlab: FakeGitLab, make_connector: ConnectorFactory, sleeps: SleepRecorder
) -> None:
    fake_gitlab.inject(429, path="/events", RateLimit_Reset=str(int(time.time()) + 30))

    found = collect(make_connector, "reviews")

    assert found == {f"{r}:review" for r in fake_gitlab.data.expected_reviews(SINCE)}
    assert len(sleeps.waits) == 1 and 25 <= sleeps.waits[0] <= 31


@pytest.mark.parametrize("api", ["graphql", "rest"])
def test_a_rate_limit_longer_than_allowed_stops_with_rate_limited(
    fake_gitlab: FakeGitLab, make_connector: ConnectorFactory, sleeps: SleepRecorder, api: str
) -> None:
    over(fake_gitlab, api)
    fake_gitlab.inject(429, path=MR_LIST[api], Retry_After="3600")

    with pytest.raises(RateLimited) as caught:
        collect(make_connector, "merge_requests", max_rate_limit_wait=600)

    assert caught.value.reset_at is not None
    assert "max_rate_limit_wait" in str(caught.value)
    assert sleeps.waits == []


@pytest.mark.parametrize(("api", "per_review"), [("graphql", "/events"), ("rest", "/notes")])
def test_a_run_of_502s_is_retried_with_backoff_and_nothing_is_lost(
    fake_gitlab: FakeGitLab,
    make_connector: ConnectorFactory,
    sleeps: SleepRecorder,
    api: str,
    per_review: str,
) -> None:
    over(fake_gitlab, api)
    fake_gitlab.inject(502, times=3, path=MR_LIST[api])
    fake_gitlab.inject(502, times=2, path=per_review)
    connector = make_connector()

    mrs = {i.external_id for i in connector.fetch("merge_requests", SINCE)}
    reviews = {i.external_id for i in connector.fetch("reviews", SINCE)}

    assert mrs == fake_gitlab.data.expected_mrs(SINCE)
    assert reviews == {f"{r}:review" for r in fake_gitlab.data.expected_reviews(SINCE)}
    assert connector.stats.retries == 5
    assert len(sleeps.waits) == 5
    assert min(sleeps.waits) > 0 and max(sleeps.waits) < 10  # jittered backoff, bounded


@pytest.mark.parametrize("api", ["graphql", "rest"])
def test_a_dropped_connection_is_retried(
    fake_gitlab: FakeGitLab, make_connector: ConnectorFactory, sleeps: SleepRecorder, api: str
) -> None:
    over(fake_gitlab, api)
    fake_gitlab.inject(0, times=2, path="/compare")

    found = collect(make_connector, "design_docs")

    assert found == fake_gitlab.data.expected_docs(SINCE)
    assert len(sleeps.waits) == 2


@pytest.mark.parametrize("api", ["graphql", "rest"])
def test_502s_beyond_max_retries_end_in_source_unavailable(
    fake_gitlab: FakeGitLab, make_connector: ConnectorFactory, sleeps: SleepRecorder, api: str
) -> None:
    over(fake_gitlab, api)
    fake_gitlab.inject(502, times=100, path=MR_LIST[api])

    with pytest.raises(SourceUnavailable) as caught:
        collect(make_connector, "merge_requests", max_retries=2)

    assert fake_gitlab.count(MR_LIST[api]) == 3  # never a silent fall back to REST
    assert len(sleeps.waits) == 2
    named = "/api/v4/merge_requests" if api == "rest" else "the owner's merge requests"
    assert named in str(caught.value) and "502" in str(caught.value)
    assert "work-gitlab" in str(caught.value)


def test_an_invalid_token_is_an_auth_error_that_never_shows_the_token(
    make_connector: ConnectorFactory,
) -> None:
    secret = "glpat-WRONG-secret-value"
    connector = make_connector(token=secret)

    with pytest.raises(AuthError) as caught:
        list(connector.fetch("merge_requests", SINCE))

    assert "401" in str(caught.value)
    assert secret not in caught.value.user_message()
    assert secret not in repr(connector)
    assert secret not in repr(caught.value.__cause__) + repr(caught.value.__context__)


def test_an_unknown_username_is_a_config_problem(make_connector: ConnectorFactory) -> None:
    with pytest.raises(ConfigProblem) as caught:
        list(make_connector(username="nobody-here").fetch("reviews", SINCE))
    assert "nobody-here" in str(caught.value)
    assert "username" in caught.value.user_message()


def test_a_configured_username_finds_the_same_work(
    fake_gitlab: FakeGitLab, make_connector: ConnectorFactory
) -> None:
    assert collect(make_connector, "merge_requests", username="ada") == (
        fake_gitlab.data.expected_mrs(SINCE)
    )
    assert fake_gitlab.count("/api/v4/users") == 1
    assert fake_gitlab.count("/api/v4/user") == 1  # the /users lookup, not /user


def test_allow_lists_keep_only_the_named_projects_and_groups(
    fake_gitlab: FakeGitLab, make_connector: ConnectorFactory
) -> None:
    only_tools = collect(make_connector, "merge_requests", projects=["tools/*"])
    only_platform = collect(make_connector, "merge_requests", groups=["platform"])
    everything = fake_gitlab.data.expected_mrs(SINCE)

    assert only_tools == {ref for ref in everything if ref.startswith("tools/cli!")}
    assert only_platform == {ref for ref in everything if ref.startswith("platform/")}
    assert only_tools and only_platform and only_tools | only_platform == everything


def test_pagination_links_from_a_different_external_url_are_followed(
    fake_gitlab: FakeGitLab, make_connector: ConnectorFactory
) -> None:
    """Behind a proxy GitLab's Link headers name its external_url, not the address we used."""
    fake_gitlab.external_url = "https://gitlab.internal.example:8443"

    found = collect(make_connector, "reviews")

    assert found == {f"{r}:review" for r in fake_gitlab.data.expected_reviews(SINCE)}


def test_a_project_deleted_since_is_skipped_with_a_warning(
    fake_gitlab: FakeGitLab, make_connector: ConnectorFactory, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="growthmap"):
        found = collect(make_connector, "design_docs")
    assert found == fake_gitlab.data.expected_docs(SINCE)
    assert "skipping project 13" in caplog.text


def test_an_allow_listed_project_that_is_gone_is_skipped_with_a_warning(
    fake_gitlab: FakeGitLab, make_connector: ConnectorFactory, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="growthmap"):
        found = collect(make_connector, "design_docs", groups=["legacy", "platform"])

    expected = {key for key in fake_gitlab.data.expected_docs(SINCE) if key.startswith("platform/")}
    assert found == expected and expected
    assert "skipping project 13" in caplog.text
