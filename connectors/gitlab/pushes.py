"""Design documents changed by the owner's direct pushes to a default branch: `pushed`
events (REST: GraphQL has no events), then what each push changed (REST `compare`)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from connectors.gitlab.client import Owner, Skipped
from connectors.gitlab.normalize import DiffSummary, Project, parse_time, summarize_diffs
from connectors.gitlab.reviews import event_window, in_window
from connectors.gitlab.source import GitLabSource
from connectors.streams import RunContext, Window

MERGE_TITLE_PREFIXES = ("Merge branch '", "Merge remote-tracking branch '")
MAX_PUSH_COMMITS = 100  # one page of a push's commits; a longer push is read from there


@dataclass(frozen=True)
class Push:
    project: Project
    branch: str
    summary: DiffSummary
    change: dict[str, Any]


def direct_pushes(
    source: GitLabSource, owner: Owner, window: Window
) -> Iterator[Mapping[str, Any]]:
    """The owner's branch pushes in the window, minus merge commits (their MR counts).
    A push that creates the branch (`pushed new`, `commit_from: null`) counts too: the
    first push of a new repository's default branch is one."""
    query = {"action": "pushed", **event_window(window)}
    events = source.rest.iterate(f"/users/{owner.id}/events", query, what="the owner's pushes")
    for event in events:
        push = event.get("push_data") or {}
        title = str(push.get("commit_title") or "")
        if (
            in_window(parse_time(event.get("created_at")), window)
            and push.get("ref_type") == "branch"
            and push.get("action") in ("pushed", "created")
            and push.get("commit_to")
            and not title.startswith(MERGE_TITLE_PREFIXES)
        ):
            yield event


def read_push(source: GitLabSource, run: RunContext, event: Mapping[str, Any]) -> Push | None:
    """What a push to its project's default branch changed; None for other branches,
    projects outside the allow-lists, or what the token cannot read (with a warning)."""
    found = source.projects(run).raw(int(event["project_id"]))
    push = event["push_data"]
    if found is None or push.get("ref") != found.get("default_branch"):
        return None
    project = source.projects(run).of(found["id"])
    if not source.allowed(project.path):
        return None
    try:
        diffs = push_diffs(source, int(found["id"]), push, project.path)
    except Skipped as skip:
        source.warn_skip(f"a push to {project.path}", skip)
        return None
    to = push["commit_to"]
    change = {
        "type": "push",
        "ref": f"{project.path}@{to}",
        "url": f"{project.web(source.config.base_url)}/-/commit/{to}",
        "at": event["created_at"],
        "commit_title": push.get("commit_title"),
    }
    return Push(project, str(push["ref"]), summarize_diffs(diffs), change)


def push_diffs(
    source: GitLabSource, project_id: int, push: Mapping[str, Any], repo: str
) -> list[dict[str, Any]]:
    """The files a push changed: `compare` from the commit before it; for a push that
    created the branch, from the parent of its oldest commit, or for a new repository's
    first push (a root commit) that commit's own diff and the compare after it."""
    what = f"a push to {repo}"
    to = str(push["commit_to"])
    if push.get("commit_from"):
        return compare(source, project_id, str(push["commit_from"]), to, what)
    commits = source.rest.get_list(
        f"/projects/{project_id}/repository/commits",
        {"ref_name": to, "per_page": min(int(push.get("commit_count") or 1), MAX_PUSH_COMMITS)},
        what=what,
    )
    if not commits:
        return []
    oldest = commits[-1]
    parents = oldest.get("parent_ids") or []
    if parents:
        return compare(source, project_id, str(parents[0]), to, what)
    base = f"/projects/{project_id}/repository/commits/{oldest['id']}/diff"
    diffs = list(source.rest.iterate(base, {}, what=what, skippable=True))
    if oldest["id"] != to:
        diffs += compare(source, project_id, str(oldest["id"]), to, what)
    return diffs


def compare(
    source: GitLabSource, project_id: int, start: str, end: str, what: str
) -> list[dict[str, Any]]:
    found = source.rest.get(
        f"/projects/{project_id}/repository/compare", {"from": start, "to": end}, what=what
    )
    return list(found.get("diffs") or [])
