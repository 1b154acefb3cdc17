"""Pure functions: GitLab payloads → `Item`s. No network here.

Payloads are in the REST API's shapes; GraphQL answers are put into the same shapes first
(`connectors.gitlab.shapes`), so an item reads the same whichever API served it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pathglob
from connectors.item import Item, excerpt

Payload = Mapping[str, Any]
MR_STATES = {"opened": "open", "locked": "open", "merged": "merged", "closed": "closed"}


@dataclass(frozen=True)
class Project:
    """The project an MR, issue or document belongs to.

    `path` comes from GitLab's own reference (`references.full`) or the project itself,
    never from the shape of a URL: older instances answer `web_url`s without `/-/`.
    """

    path: str
    web_url: str | None = None
    visibility: str | None = None

    def web(self, instance: str) -> str:
        """The project's web address; built from the instance when it could not be read."""
        return self.web_url or f"{instance.rstrip('/')}/{self.path}"


def reference_path(payload: Payload, separator: str) -> str | None:
    """The project part of GitLab's full reference (`group/project!3`, `group/project#4`)."""
    full = (payload.get("references") or {}).get("full")
    if not full or separator not in str(full):
        return None
    return str(full).rsplit(separator, 1)[0]


def extra_visibility(project: Project) -> dict[str, str]:
    """`visibility` (private / internal / public), which exports need to redact private
    work; absent when the project could not be read."""
    return {"visibility": project.visibility} if project.visibility else {}


def parse_time(value: str | None) -> datetime | None:
    """A GitLab timestamp (ISO 8601, `Z` or offset) as aware UTC; None stays None."""
    if not value:
        return None
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:  # GitLab always sends an offset; be lenient anyway
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def api_time(moment: datetime) -> str:
    """A datetime as GitLab's API expects it in `updated_after` and friends."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def is_design_doc(path: str, patterns: Iterable[str]) -> bool:
    """Whether a file's path matches one of the design-doc globs (case-sensitive)."""
    return pathglob.paths(patterns).matches(path)


def project_allowed(path: str, groups: Sequence[str], projects: Sequence[str]) -> bool:
    """Both allow-lists empty: every project. Else the project or one of its groups matches
    (names compare case-insensitively).

    A group glob is tried on every leading part of the path, the project's own included,
    so `/acme`, `acme/*` and `acme/infra` all mean "projects under that group".
    """
    if not groups and not projects:
        return True
    if pathglob.names(projects).matches(path):
        return True
    parts = path.split("/")
    prefixes = ["/".join(parts[: n + 1]) for n in range(len(parts))]
    return any(pathglob.names(groups).matches(prefix) for prefix in prefixes)


@dataclass(frozen=True)
class DiffSummary:
    """What the `/diffs` pages of a merge request (or a compare) say, without the text."""

    paths: tuple[str, ...] = ()
    additions: int | None = None
    deletions: int | None = None
    new_files: frozenset[str] = frozenset()
    deleted: frozenset[str] = frozenset()
    headings: Mapping[str, str] = field(default_factory=dict)


def summarize_diffs(diffs: Iterable[Payload]) -> DiffSummary:
    paths: list[str] = []
    adds = dels = 0
    complete = True
    new: set[str] = set()
    deleted: set[str] = set()
    headings: dict[str, str] = {}
    for diff in diffs:
        path = str(diff.get("new_path") or diff.get("old_path"))
        paths.append(path)
        text = diff.get("diff") or ""
        if diff.get("too_large") or (diff.get("collapsed") and not text):
            complete = False
        lines = text.splitlines()
        adds += sum(1 for line in lines if line.startswith("+") and not line.startswith("+++"))
        dels += sum(1 for line in lines if line.startswith("-") and not line.startswith("---"))
        if diff.get("new_file"):
            new.add(path)
        if diff.get("deleted_file"):
            deleted.add(path)
        heading = first_heading(lines)
        if heading:
            headings[path] = heading
    return DiffSummary(
        paths=tuple(dict.fromkeys(paths)),
        additions=adds if complete else None,
        deletions=dels if complete else None,
        new_files=frozenset(new),
        deleted=frozenset(deleted),
        headings=headings,
    )


def first_heading(diff_lines: Sequence[str]) -> str | None:
    """The first Markdown heading among added lines, if a hunk starts at the file's top."""
    for line in diff_lines[:40]:
        match = re.match(r"^\+\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$", line)
        if match:
            return match.group(1)
    return None


def without_diff_text(diffs: Iterable[Payload]) -> list[dict[str, Any]]:
    """Diff metadata for `raw`: the diff text itself can be megabytes."""
    return [{k: v for k, v in d.items() if k != "diff"} for d in diffs]


def normalize_merge_request(
    source: str,
    mr: Payload,
    project: Project,
    diffs: DiffSummary,
    approvals: Payload | None,
    raw_diffs: list[Any],
) -> Item:
    created = parse_time(mr["created_at"])
    assert created is not None
    updated = parse_time(mr.get("updated_at")) or created
    merged = parse_time(mr.get("merged_at"))
    closed = parse_time(mr.get("closed_at"))
    approved_by = (approvals or {}).get("approved_by") or []
    approvers = [str(a["user"]["username"]) for a in approved_by if a.get("user")]
    state = mr_state(mr.get("state"), merged, closed)
    return Item(
        source=source,
        kind="pull_request",
        external_id=f"{project.path}!{mr['iid']}",
        url=str(mr["web_url"]),
        title=str(mr.get("title") or ""),
        body=excerpt(mr.get("description")),
        repo=project.path,
        author=(mr.get("author") or {}).get("username"),
        created_at=created,
        updated_at=updated,
        occurred_at=finished_at(state, merged or closed, updated) or created,
        state=state,
        labels=tuple(str(label) for label in mr.get("labels") or ()),
        paths=diffs.paths,
        additions=diffs.additions,
        deletions=diffs.deletions,
        changed_files=len(diffs.paths),
        extra={
            "platform": "gitlab",
            "iid": mr["iid"],
            "project_id": mr.get("project_id"),
            "draft": bool(mr.get("draft") or mr.get("work_in_progress")),
            "merged_at": merged.isoformat() if merged else None,
            "closed_at": closed.isoformat() if closed else None,
            "source_branch": mr.get("source_branch"),
            "target_branch": mr.get("target_branch"),
            "approvals": len(approvers),
            "approved_by": approvers,
            "user_notes_count": mr.get("user_notes_count"),
            **extra_visibility(project),
        },
        raw={"merge_request": dict(mr), "approvals": dict(approvals or {}), "diffs": raw_diffs},
    )


def mr_state(state: Any, merged: datetime | None, closed: datetime | None) -> str:
    """open / merged / closed; a payload without `state` is judged by its timestamps."""
    if state in MR_STATES:
        return MR_STATES[state]
    return "merged" if merged else "closed" if closed else "open"


def finished_at(state: str, finished: datetime | None, updated: datetime) -> datetime | None:
    """When a merged or closed MR was, else None. Older GitLab answers `merged_at: null`
    for some merged MRs (and GraphQL before 16.x has no `closedAt`): the latest time the
    payload gives, `updated_at`, is then the closest to it."""
    if state not in ("merged", "closed"):
        return None
    return finished or updated


def normalize_issue(source: str, owner: str, issue: Payload, project: Project) -> Item:
    created = parse_time(issue["created_at"])
    assert created is not None
    closed = parse_time(issue.get("closed_at"))
    updated = parse_time(issue.get("updated_at")) or created
    return Item(
        source=source,
        kind="ticket",
        external_id=f"{project.path}#{issue['iid']}",
        url=str(issue["web_url"]),
        title=str(issue.get("title") or ""),
        body=excerpt(issue.get("description")),
        repo=project.path,
        author=owner,
        created_at=created,
        updated_at=updated,
        occurred_at=closed or updated,
        state="closed" if issue.get("state") == "closed" else "open",
        labels=tuple(str(label) for label in issue.get("labels") or ()),
        extra={
            "platform": "gitlab",
            "iid": issue["iid"],
            "project_id": issue.get("project_id"),
            "reporter": (issue.get("author") or {}).get("username"),
            "closed_by": (issue.get("closed_by") or {}).get("username"),
            "closed_at": closed.isoformat() if closed else None,
            **extra_visibility(project),
        },
        raw=dict(issue),
    )
