"""The GitHub connector records whether an item's repository is private (the export's
`--redact private` relies on it); a payload that does not say records nothing."""

from __future__ import annotations

from typing import Any

import pytest

from connectors.github.normalize import normalize_pull_request, normalize_review
from connectors.github.queries import (
    AUTHORED_PULL_REQUESTS,
    DOC_PULL_REQUESTS,
    REVIEWED_PULL_REQUESTS,
)


def node(repository: dict[str, Any]) -> dict[str, Any]:
    return {
        "number": 7,
        "title": "Migrate payroll",
        "url": "https://github.example/acme/secret/pull/7",
        "state": "MERGED",
        "createdAt": "2026-11-01T10:00:00Z",
        "updatedAt": "2026-11-02T10:00:00Z",
        "mergedAt": "2026-11-02T10:00:00Z",
        "author": {"login": "someone"},
        "repository": {"nameWithOwner": "acme/secret", **repository},
        "reviews": {
            "nodes": [
                {
                    "state": "APPROVED",
                    "submittedAt": "2026-11-02T09:00:00Z",
                    "author": {"login": "ada"},
                    "comments": {"totalCount": 1},
                }
            ]
        },
    }


@pytest.mark.parametrize(("flag", "expected"), [(True, True), (False, False)])
def test_pull_requests_and_reviews_carry_the_flag(flag: bool, expected: bool) -> None:
    pr = normalize_pull_request("gh", node({"isPrivate": flag}))
    review = normalize_review("gh", node({"isPrivate": flag}), "ada")
    assert review is not None
    assert pr.extra["private"] is expected and review.extra["private"] is expected


def test_no_flag_when_the_payload_does_not_say() -> None:
    assert "private" not in normalize_pull_request("gh", node({})).extra


def test_the_queries_ask_for_it() -> None:
    for query in (AUTHORED_PULL_REQUESTS, REVIEWED_PULL_REQUESTS, DOC_PULL_REQUESTS):
        assert "isPrivate" in query
