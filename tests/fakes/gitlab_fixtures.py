"""Pytest fixtures for the GitLab tests (load with `pytest_plugins`)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import responses

from connectors.base import Runtime
from connectors.gitlab import GitLabConfig, GitLabConnector
from fakes.gitlab import FakeGitLab
from fakes.gitlab_mocks import API, GRAPHQL, ME, PROJECT
from fakes.gitlab_world import generate


class SleepRecorder:
    """Stands in for `time.sleep`: records each wait, returns at once."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


@pytest.fixture
def sleeps() -> SleepRecorder:
    return SleepRecorder()


@pytest.fixture
def fake_gitlab() -> Iterator[FakeGitLab]:
    fake = FakeGitLab(generate()).start()
    try:
        yield fake
    finally:
        fake.stop()


ConnectorFactory = Callable[..., GitLabConnector]


@pytest.fixture
def make_connector(fake_gitlab: FakeGitLab, sleeps: SleepRecorder) -> Iterator[ConnectorFactory]:
    made: list[GitLabConnector] = []

    def build(token: str | None = None, **overrides: Any) -> GitLabConnector:
        settings: dict[str, Any] = {
            "name": "work-gitlab",
            "type": "gitlab",
            "base_url": fake_gitlab.url,
            "page_size": 5,
            "timeout": 5.0,
            **overrides,
        }
        connector = GitLabConnector(
            GitLabConfig(**settings), token or fake_gitlab.token, Runtime(sleep=sleeps)
        )
        made.append(connector)
        return connector

    yield build
    for connector in made:
        connector.close()


@pytest.fixture
def mocked() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        rsps.get(f"{API}/user", json=ME)
        # These tests are about the REST API: an instance with GraphQL disabled.
        rsps.post(GRAPHQL, status=404, json={"message": "404 Not Found"})
        # Over REST every item asks its project once per run: its path, web address and
        # visibility (exports redact private work).
        rsps.get(f"{API}/projects/7", json=PROJECT)
        # With the pairing stream on (a default), merge_requests reads each MR's commits.
        rsps.get(re.compile(rf"{re.escape(API)}/projects/\d+/merge_requests/\d+/commits"), json=[])
        yield rsps


@pytest.fixture
def waits() -> list[float]:
    return []
