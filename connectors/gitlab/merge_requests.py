"""The merge_requests and issues streams: the owner's MRs and the tickets they closed."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any

from connectors.gitlab.client import GitLabClient, Skipped
from connectors.gitlab.normalize import (
    DiffSummary,
    normalize_issue,
    normalize_merge_request,
    parse_time,
    project_allowed,
    project_of,
    summarize_diffs,
    without_diff_text,
)
from connectors.gitlab.parallel import ordered_map
from connectors.item import Item


def allowed(client: GitLabClient, project_path: str) -> bool:
    config = client.config
    return project_allowed(project_path, config.groups, config.projects)


def fetch_owner_merge_requests(
    client: GitLabClient, since: datetime, until: datetime | None, *, state: str = "all"
) -> Iterator[dict[str, Any]]:
    """The owner's MRs (any project the token sees) updated in the window, allow-listed."""
    owner = client.owner()
    query = {"scope": "all", "author_id": owner.id, "state": state}
    for mr in client.walk_by_update(
        "/merge_requests", query, since, until, what="the owner's merge requests"
    ):
        client.owner_merge_requests.add((int(mr["project_id"]), int(mr["iid"])))
        if allowed(client, project_of(mr)):
            yield mr


def fetch_diffs(client: GitLabClient, mr: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The MR's changed files: `/diffs` (GitLab ≥ 15.7), else the older `/changes`."""
    base = f"/projects/{mr['project_id']}/merge_requests/{mr['iid']}"
    what = f"the changes of {mr.get('web_url', base)}"
    try:
        return list(client.iterate(f"{base}/diffs", {}, what=what, skippable=True))
    except Skipped:
        pass
    changes = client.get(f"{base}/changes", what=what)
    return list(changes.get("changes") or [])


def fetch_merge_requests(
    client: GitLabClient, since: datetime, until: datetime | None
) -> Iterator[Item]:
    """One item per MR; costs the list pages plus two requests per MR (diffs, approvals).

    The diff summaries are kept for this connector's life (one run), so design_docs
    need not read the same diffs again.
    """

    def details(mr: dict[str, Any]) -> tuple[list[dict[str, Any]], Any] | Skipped:
        base = f"/projects/{mr['project_id']}/merge_requests/{mr['iid']}"
        try:
            diffs = fetch_diffs(client, mr)
            approvals = client.get(f"{base}/approvals", what=f"approvals of {mr['web_url']}")
        except Skipped as skip:
            return skip
        return diffs, approvals

    # Several MRs' requests in flight at once; items still come in the list's order.
    for mr, found in ordered_map(details, fetch_owner_merge_requests(client, since, until)):
        if isinstance(found, Skipped):
            client.warn_skip(str(mr["web_url"]), found)
            continue
        diffs, approvals = found
        summary = summarize_diffs(diffs)
        client.diff_summaries[diff_key(mr)] = summary
        item = normalize_merge_request(
            client.config.name, mr, summary, approvals, without_diff_text(diffs)
        )
        yield client.with_visibility(item, mr.get("project_id"))


def fetch_issues(client: GitLabClient, since: datetime, until: datetime | None) -> Iterator[Item]:
    """Issues assigned to the owner and closed in the window; no per-issue requests."""
    owner = client.owner()
    query = {"scope": "all", "assignee_id": owner.id, "state": "closed"}
    for issue in client.walk_by_update("/issues", query, since, until, what="assigned issues"):
        closed = parse_time(issue.get("closed_at"))
        if closed is None or closed < since or (until is not None and closed >= until):
            continue
        item = normalize_issue(client.config.name, owner.username, issue)
        if allowed(client, item.repo or ""):
            yield client.with_visibility(item, issue.get("project_id"))


def diff_key(mr: Mapping[str, Any]) -> tuple[int, int, str]:
    """An MR version: a changed MR has a new `updated_at`, so a stale summary is never used."""
    return int(mr["project_id"]), int(mr["iid"]), str(mr.get("updated_at"))


def summary_of(client: GitLabClient, mr: Mapping[str, Any]) -> DiffSummary | None:
    """The MR's changed files; free when the merge_requests stream just read them."""
    cached = client.diff_summaries.get(diff_key(mr))
    if cached is not None:
        return cached
    try:
        return summarize_diffs(fetch_diffs(client, mr))
    except Skipped as skip:
        client.warn_skip(str(mr["web_url"]), skip)
        return None
