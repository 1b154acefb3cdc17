"""GraphQL answers in the REST API's shapes, so one normalizer serves both APIs and an
item's `raw` payload looks the same whichever API served it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from connectors.gitlab.normalize import DiffSummary, Payload, Project, reference_path


def gid_number(gid: Any) -> int | None:
    """`gid://gitlab/MergeRequest/123` → 123."""
    tail = str(gid or "").rsplit("/", 1)[-1]
    return int(tail) if tail.isdigit() else None


def gid(kind: str, number: int) -> str:
    return f"gid://gitlab/{kind}/{number}"


def nodes(connection: Any) -> list[dict[str, Any]]:
    found = (connection or {}).get("nodes") if isinstance(connection, Mapping) else None
    return [n for n in found or () if isinstance(n, dict)]


def usernames(connection: Any) -> list[str]:
    return [str(n["username"]) for n in nodes(connection) if n.get("username")]


def merge_request(node: Payload) -> dict[str, Any]:
    """A GraphQL `MergeRequest` as the REST API spells it (the fields asked for)."""
    shaped: dict[str, Any] = {
        "id": gid_number(node.get("id")),
        "iid": int(node["iid"]),
        "project_id": node.get("projectId"),
        "title": node.get("title"),
        "state": node.get("state"),
        "created_at": node.get("createdAt"),
        "updated_at": node.get("updatedAt"),
        "merged_at": node.get("mergedAt"),
        "web_url": node.get("webUrl"),
        "author": {"username": (node.get("author") or {}).get("username")},
        "references": {"full": node.get("reference")},
    }
    optional = {
        "description": "description",
        "draft": "draft",
        "source_branch": "sourceBranch",
        "target_branch": "targetBranch",
        "user_notes_count": "userNotesCount",
    }
    shaped |= {rest: node[name] for rest, name in optional.items() if name in node}
    refs = node.get("diffRefs") or {}
    if refs:
        shaped["diff_refs"] = {"base_sha": refs.get("baseSha"), "head_sha": refs.get("headSha")}
    if "labels" in node:
        shaped["labels"] = [str(n["title"]) for n in nodes(node["labels"]) if "title" in n]
    return shaped


def project(node: Payload, project_node: Payload | None = None) -> Project:
    """The MR's project: its path from the MR's full reference, else the project's own."""
    found = project_node or node.get("project") or {}
    path = reference_path({"references": {"full": node.get("reference")}}, "!")
    path = path or str(found.get("fullPath") or node.get("projectId"))
    web, visibility = found.get("webUrl"), found.get("visibility")
    return Project(path, str(web) if web else None, str(visibility) if visibility else None)


def approvals(node: Payload) -> dict[str, Any]:
    return {"approved_by": [{"user": {"username": u}} for u in usernames(node.get("approvedBy"))]}


def diff_summary(node: Payload) -> tuple[DiffSummary, list[dict[str, Any]]]:
    """Changed paths and line counts from `diffStats` / `diffStatsSummary` (no diff text:
    GraphQL does not say which files are new, which a design document needs from REST)."""
    stats = [s for s in node.get("diffStats") or () if isinstance(s, dict) and s.get("path")]
    summary = node.get("diffStatsSummary") or {}
    paths = tuple(dict.fromkeys(str(s["path"]) for s in stats))
    raw = [
        {
            "new_path": str(s["path"]),
            "additions": s.get("additions"),
            "deletions": s.get("deletions"),
        }
        for s in stats
    ]
    return DiffSummary(paths, summary.get("additions"), summary.get("deletions")), raw


def note(node: Payload) -> dict[str, Any]:
    return {
        "author": {"username": (node.get("author") or {}).get("username")},
        "body": node.get("body"),
        "system": bool(node.get("system")),
        "created_at": node.get("createdAt"),
    }


def commit(node: Payload) -> dict[str, Any]:
    """A GraphQL `Commit` as REST's MR commits list it, with the account GraphQL attributes
    it to (`author_username`: REST does not say)."""
    return {
        "id": node.get("sha"),
        "message": node.get("message"),
        "author_name": node.get("authorName"),
        "author_email": node.get("authorEmail"),
        "authored_date": node.get("authoredDate"),
        "web_url": node.get("webUrl"),
        "author_username": (node.get("author") or {}).get("username"),
    }
