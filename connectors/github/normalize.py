"""Pure functions: raw GitHub payloads -> Items. Missing optional fields are tolerated."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from connectors.item import Item, excerpt

PLATFORM = "github"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def parse_time(value: Any) -> datetime | None:
    """GitHub's ISO 8601 timestamps (`...Z`) as aware UTC datetimes; None when absent."""
    if not value or not isinstance(value, str):
        return None
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def pr_ref(repo: str, number: Any) -> str:
    return f"{repo}#{number}"


def _login(actor: Any) -> str | None:
    return actor.get("login") if isinstance(actor, Mapping) else None


def _nodes(connection: Any) -> list[dict[str, Any]]:
    if not isinstance(connection, Mapping):
        return []
    return [n for n in connection.get("nodes") or [] if isinstance(n, dict)]


def pr_state(node: Mapping[str, Any]) -> str:
    state = str(node.get("state") or "").lower()
    if state == "merged" or node.get("mergedAt"):
        return "merged"
    return state if state in ("open", "closed") else "open"


def repo_name(node: Mapping[str, Any]) -> str:
    return str((node.get("repository") or {}).get("nameWithOwner") or "")


def normalize_pull_request(
    source: str, node: Mapping[str, Any], paths: list[str] | None = None
) -> Item:
    """An authored PR. `paths` overrides the first-page files when more were fetched."""
    repo = repo_name(node)
    created = parse_time(node.get("createdAt")) or _EPOCH
    updated = parse_time(node.get("updatedAt")) or created
    merged = parse_time(node.get("mergedAt"))
    closed = parse_time(node.get("closedAt"))
    author = _login(node.get("author"))
    files = node.get("files") or {}
    changed = [str(f.get("path")) for f in _nodes(files) if f.get("path")]
    return Item(
        source=source,
        kind="pull_request",
        external_id=pr_ref(repo, node.get("number")),
        url=str(node.get("url") or ""),
        title=str(node.get("title") or ""),
        body=excerpt(node.get("body")),
        repo=repo,
        author=author,
        created_at=created,
        updated_at=updated,
        occurred_at=merged or closed or created,
        state=pr_state(node),
        labels=tuple(str(n.get("name")) for n in _nodes(node.get("labels")) if n.get("name")),
        paths=tuple(paths if paths is not None else changed),
        additions=node.get("additions"),
        deletions=node.get("deletions"),
        changed_files=node.get("changedFiles"),
        extra={
            "platform": PLATFORM,
            "number": node.get("number"),
            "draft": bool(node.get("isDraft")),
            "merged_at": merged.isoformat() if merged else None,
            "closed_at": closed.isoformat() if closed else None,
            "files_total": files.get("totalCount") if isinstance(files, Mapping) else None,
            **_reviews_received(node, author),
        },
        raw=dict(node),
    )


def _reviews_received(node: Mapping[str, Any], author: str | None) -> dict[str, Any]:
    """Submitted reviews by others: the author's replies in threads and pending ones are not."""
    reviews = [
        r
        for r in _nodes(node.get("reviews"))
        if r.get("state") != "PENDING"
        and r.get("submittedAt")
        and _login(r.get("author")) != author
    ]
    approvers = {_login(r.get("author")) for r in reviews if r.get("state") == "APPROVED"}
    return {
        "reviews_received": len(reviews),
        "approvals": len(approvers),
        "reviewers": sorted({x for r in reviews if (x := _login(r.get("author")))}),
    }


def normalize_review(source: str, node: Mapping[str, Any], login: str) -> Item | None:
    """The owner's submitted reviews on someone else's PR; None when there is none."""
    author = _login(node.get("author"))
    if author is not None and author.lower() == login.lower():
        return None  # replies on one's own PR are not reviews given
    mine = sorted(
        (r for r in _nodes(node.get("reviews")) if _submitted_by(r, login)),
        key=lambda r: str(r["submittedAt"]),
    )
    if not mine:
        return None  # only a pending review, or none at all
    times = [t for r in mine if (t := parse_time(r.get("submittedAt")))]
    repo = repo_name(node)
    states = [str(r.get("state")) for r in mine]
    comments = sum(int((r.get("comments") or {}).get("totalCount") or 0) for r in mine)
    return Item(
        source=source,
        kind="review",
        external_id=pr_ref(repo, node.get("number")) + "/review",
        url=str(node.get("url") or ""),
        title=str(node.get("title") or ""),
        repo=repo,
        author=login,
        created_at=times[0],
        updated_at=times[-1],
        occurred_at=times[-1],
        state=states[-1].lower(),
        extra={
            "platform": PLATFORM,
            "number": node.get("number"),
            "pr_author": author,
            "pr_state": pr_state(node),
            "review_states": list(dict.fromkeys(states)),
            "review_count": len(mine),
            "review_comments": comments,
            "first_submitted_at": times[0].isoformat(),
            "last_submitted_at": times[-1].isoformat(),
            "review_urls": [r.get("url") for r in mine if r.get("url")],
        },
        raw=dict(node),
    )


def _submitted_by(review: Mapping[str, Any], login: str) -> bool:
    who = _login(review.get("author"))
    return (
        review.get("state") != "PENDING"
        and bool(review.get("submittedAt"))
        and who is not None
        and who.lower() == login.lower()
    )


def normalize_ticket(source: str, issue: Mapping[str, Any]) -> Item:
    """An issue from REST search (`/search/issues`), assigned to the owner and closed."""
    html_url = str(issue.get("html_url") or "")
    repo = "/".join(html_url.split("/")[3:5]) if html_url else ""
    created = parse_time(issue.get("created_at")) or _EPOCH
    updated = parse_time(issue.get("updated_at")) or created
    closed = parse_time(issue.get("closed_at"))
    labels = [lab.get("name") for lab in issue.get("labels") or [] if isinstance(lab, dict)]
    return Item(
        source=source,
        kind="ticket",
        external_id=pr_ref(repo, issue.get("number")),
        url=html_url,
        title=str(issue.get("title") or ""),
        body=excerpt(issue.get("body")),
        repo=repo,
        author=_login(issue.get("user")),
        created_at=created,
        updated_at=updated,
        occurred_at=closed or updated,
        state=str(issue.get("state") or "closed"),
        labels=tuple(str(x) for x in labels if x),
        extra={
            "platform": PLATFORM,
            "number": issue.get("number"),
            "closed_at": closed.isoformat() if closed else None,
            "state_reason": issue.get("state_reason"),
            "assignees": [a.get("login") for a in issue.get("assignees") or [] if a],
            "comments": issue.get("comments"),
        },
        raw=dict(issue),
    )
