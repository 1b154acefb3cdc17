"""Helpers for the `responses`-based GitLab tests."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

import responses

from connectors.base import Runtime
from connectors.gitlab import GitLabConfig, GitLabConnector

BASE_URL = "https://gitlab.example.com"
API = f"{BASE_URL}/api/v4"
GRAPHQL = f"{BASE_URL}/api/graphql"
SINCE = datetime(2026, 11, 1, tzinfo=UTC)
NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)
ME = {"id": 1, "username": "ada"}
PROJECT = {
    "id": 7,
    "path_with_namespace": "g/p",
    "web_url": f"{BASE_URL}/g/p",
    "default_branch": "main",
    "visibility": "internal",
}


def connector(waits: list[float], **overrides: Any) -> GitLabConnector:
    settings: dict[str, Any] = {"name": "gl", "type": "gitlab", "base_url": BASE_URL, **overrides}
    runtime = Runtime(sleep=waits.append, now=lambda: NOW)
    return GitLabConnector(GitLabConfig(**settings), "glpat-secret", runtime)


def query_of(call: Any) -> dict[str, str]:
    return {k: v[-1] for k, v in parse_qs(urlsplit(call.request.url).query).items()}


def mr(iid: int, updated: str, *, author: dict[str, Any] = ME, pid: int = 7) -> dict[str, Any]:
    return {
        "id": 100 + iid,
        "iid": iid,
        "project_id": pid,
        "title": f"MR {iid}",
        "description": "x",
        "state": "merged",
        "created_at": "2026-11-02T10:00:00.000Z",
        "updated_at": updated,
        "merged_at": updated,
        "closed_at": None,
        "labels": ["a"],
        "draft": False,
        "author": author,
        "target_branch": "main",
        "references": {"full": f"g/p!{iid}"},
        "web_url": f"{BASE_URL}/g/p/-/merge_requests/{iid}",
    }


def enrich(rsps: responses.RequestsMock, iid: int, pid: int = 7) -> None:
    base = f"{API}/projects/{pid}/merge_requests/{iid}"
    rsps.get(f"{base}/diffs", json=[{"new_path": "docs/design/a.md", "diff": "+# A\n+b\n"}])
    rsps.get(f"{base}/approvals", json={"approved_by": [{"user": {"id": 2, "username": "bob"}}]})
