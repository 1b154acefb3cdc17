"""Canned GitHub answers and a connector for focused tests with `responses`."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

import responses

from connectors.base import Runtime
from connectors.github import GitHubConfig, GitHubConnector
from fakes.github_harness import Clock

API = "https://ghe.example.com/api/v3"
GRAPHQL = "https://ghe.example.com/api/graphql"
SINCE = datetime(2026, 10, 1, tzinfo=UTC)
UNTIL = datetime(2026, 10, 8, tzinfo=UTC)


def make(clock: Clock, **settings: Any) -> GitHubConnector:
    """A connector for Enterprise Server at API, as `octo`, with the token `tok-123`."""
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
