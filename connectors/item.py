"""The one envelope every connector yields: a normalized piece of the owner's work."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

KINDS = ("pull_request", "review", "design_doc", "ticket", "pairing")
# What a review's state can be (GitHub's review states, lower case; GitLab's two).
REVIEW_STATES = ("approved", "changes_requested", "commented", "dismissed", "pending")
# Every `state` the connectors give: pull/merge requests, reviews, design docs, tickets.
STATES = ("open", "closed", "merged", *REVIEW_STATES, "added", "changed", "done")


@dataclass(frozen=True, slots=True)
class Item:
    """A normalized item. All timestamps are timezone-aware UTC.

    `external_id` is stable for the life of the upstream object and unique within
    (source, kind). `occurred_at` is the moment the work counts as done (merged,
    submitted, resolved, last changed). `raw` is the untouched upstream payload, kept
    so rules and exports can be regenerated without fetching again.
    """

    source: str
    kind: str
    external_id: str
    url: str
    title: str
    created_at: datetime
    updated_at: datetime
    occurred_at: datetime
    state: str
    body: str = ""
    repo: str | None = None
    path: str | None = None
    author: str | None = None
    labels: tuple[str, ...] = ()
    paths: tuple[str, ...] = ()
    additions: int | None = None
    deletions: int | None = None
    changed_files: int | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)
    raw: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name in ("created_at", "updated_at", "occurred_at"):
            value = getattr(self, name)
            if value.tzinfo is None or value.utcoffset() is None:
                raise ValueError(f"Item {self.external_id}: {name} must be timezone-aware")
            if value.utcoffset().total_seconds() != 0:
                object.__setattr__(self, name, value.astimezone(UTC))

    def normalized(self) -> dict[str, Any]:
        """The normalized fields (everything but `raw`), JSON-ready."""
        return {
            "source": self.source,
            "kind": self.kind,
            "external_id": self.external_id,
            "url": self.url,
            "title": self.title,
            "body": self.body,
            "repo": self.repo,
            "path": self.path,
            "author": self.author,
            "created_at": self.created_at.isoformat(),
            "updated_at": self.updated_at.isoformat(),
            "occurred_at": self.occurred_at.isoformat(),
            "state": self.state,
            "labels": list(self.labels),
            "paths": list(self.paths),
            "additions": self.additions,
            "deletions": self.deletions,
            "changed_files": self.changed_files,
            "extra": dict(self.extra),
        }

    def content_hash(self) -> str:
        """A hash of the normalized fields: equal hashes mean nothing a user sees changed."""
        blob = json.dumps(self.normalized(), sort_keys=True, default=str, ensure_ascii=False)
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def excerpt(text: str | None, limit: int = 1000) -> str:
    """The first `limit` characters of an upstream text, never None."""
    if not text:
        return ""
    return text if len(text) <= limit else text[:limit]
