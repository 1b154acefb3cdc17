"""The owner's merge requests in a window, over GraphQL (one request a page of up to 100,
with diff stats, approvers and labels) or, where GraphQL cannot serve them, over REST
(a list page, then each MR's `/diffs` and `/approvals`)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from connectors.gitlab import shapes
from connectors.gitlab.client import Owner, Skipped
from connectors.gitlab.graphql import PageSize, decided
from connectors.gitlab.mr_pages import whole_connection
from connectors.gitlab.normalize import (
    DiffSummary,
    Project,
    api_time,
    is_design_doc,
    parse_time,
    reference_path,
    summarize_diffs,
    without_diff_text,
)
from connectors.gitlab.parallel import ordered_map
from connectors.gitlab.queries import MORE_MERGE_REQUEST_COMMITS, OWNER_MERGE_REQUESTS
from connectors.gitlab.source import GitLabSource
from connectors.http import follow
from connectors.item import Item
from connectors.streams import RunContext, Window

OWNER_MRS_KEY = "gitlab.owner_merge_requests"


@dataclass
class OwnerMr:
    """One MR of the owner, in REST's shapes, with what was read about it."""

    mr: dict[str, Any]
    project: Project
    summary: DiffSummary | None = None
    approvals: dict[str, Any] | None = None
    raw_diffs: list[dict[str, Any]] = field(default_factory=list)
    diffs_complete: bool = False  # REST's /diffs: new files and headings are known
    commits: list[dict[str, Any]] | None = None  # REST's shape; read for pairing only

    @property
    def key(self) -> tuple[int, int]:
        return int(self.mr.get("project_id") or 0), int(self.mr["iid"])

    @property
    def updated(self) -> datetime:
        moment = parse_time(self.mr.get("updated_at")) or parse_time(self.mr.get("created_at"))
        assert moment is not None, "GitLab MRs always carry created_at"
        return moment


@dataclass(frozen=True)
class OwnerMergeRequests:
    """What the merge_requests stream learnt in a run, for the streams after it: the
    owner's MRs (reviews skips them unread), of those merged the ones that touched a
    design-document path, and the pairings their commits show, in its window."""

    window: Window
    keys: frozenset[tuple[int, int]]
    merged_docs: tuple[OwnerMr, ...]
    # With the pairing stream on: each MR's update and its pairing items.
    pairings: tuple[tuple[datetime, tuple[Item, ...]], ...] | None = None


def touches_docs(record: OwnerMr, patterns: list[str]) -> bool:
    merged = record.mr.get("state") == "merged"
    return merged and any(
        is_design_doc(p, patterns) for p in (record.summary or DiffSummary()).paths
    )


def owner_mrs(
    source: GitLabSource,
    run: RunContext,
    owner: Owner,
    window: Window,
    state: str | None = None,
    *,
    approvals: bool = True,
    commits: bool = False,
) -> Iterator[OwnerMr]:
    """The owner's MRs updated in the window (any project the token sees), oldest first;
    over REST, their approvals only when asked for; their commits when asked for (over
    GraphQL in the same pages, over REST one request more per MR)."""
    pages = decided(run, source.graphql, graphql_pages(source, owner, window, state, commits))
    if pages is not None:
        for page in pages:
            yield from page
        return
    yield from rest_owner_mrs(
        source, run, owner, window, state, approvals=approvals, commits=commits
    )


def graphql_pages(
    source: GitLabSource, owner: Owner, window: Window, state: str | None, commits: bool = False
) -> Iterator[list[OwnerMr]]:
    size = PageSize(source.config.page_size)
    what = "the owner's merge requests (GraphQL)"

    def fetch(after: str | None) -> Mapping[str, Any]:
        def variables() -> dict[str, Any]:
            found: dict[str, Any] = {
                "username": owner.username,
                "first": size.value,
                "after": after,
                "updatedAfter": api_time(window.since),
                "updatedBefore": api_time(window.until),
            }
            return found | ({"state": state} if state else {}) | {"withCommits": commits}

        data = source.graphql.query(OWNER_MERGE_REQUESTS, variables, what=what, size=size)
        user = data.get("user")
        if not isinstance(user, dict):
            return {}  # the user's MRs are not visible to the token
        return user.get("authoredMergeRequests") or {}

    for connection in follow(fetch, _end_cursor, where=source.where, what=what):
        yield [from_node(node, commit_rows(source, node)) for node in shapes.nodes(connection)]


def _end_cursor(connection: Mapping[str, Any]) -> str | None:
    info = connection.get("pageInfo") or {}
    cursor = info.get("endCursor")
    return str(cursor) if info.get("hasNextPage") and cursor else None


def from_node(node: Mapping[str, Any], commits: list[dict[str, Any]] | None = None) -> OwnerMr:
    summary, raw = shapes.diff_summary(node)
    mr = shapes.merge_request(node)
    project = shapes.project(node)
    return OwnerMr(mr, project, summary, shapes.approvals(node), raw, commits=commits)


def commit_rows(source: GitLabSource, node: Mapping[str, Any]) -> list[dict[str, Any]] | None:
    """The MR node's commits in REST's shape (the pages after the first read here), or
    None when the query did not ask for them."""
    first = node.get("commitsWithoutMergeCommits")
    if not isinstance(first, dict):
        return None
    key = (int(node.get("projectId") or 0), int(node["iid"]))
    rows = whole_connection(
        source, key, first, MORE_MERGE_REQUEST_COMMITS, "commitsWithoutMergeCommits"
    )
    return [shapes.commit(row) for row in rows]


def rest_owner_mrs(
    source: GitLabSource,
    run: RunContext,
    owner: Owner,
    window: Window,
    state: str | None,
    *,
    approvals: bool,
    commits: bool = False,
) -> Iterator[OwnerMr]:
    """The REST way: each MR's `/diffs`, `/approvals` and (for pairing) `/commits`, several
    MRs in flight at once."""
    query = {"scope": "all", "author_id": owner.id, "state": state or "all"}
    projects = source.projects(run)
    rows = source.rest.walk_by_update(
        "/merge_requests", query, window, what="the owner's merge requests"
    )

    def details(mr: dict[str, Any]) -> OwnerMr | Skipped:
        project = projects.of(mr.get("project_id"), reference_path(mr, "!"))
        if not source.allowed(project.path):
            return OwnerMr(mr, project)  # counted as the owner's, never read further
        base = f"/projects/{mr['project_id']}/merge_requests/{mr['iid']}"
        try:
            diffs = fetch_diffs(source, mr)
            approved = (
                source.rest.get(f"{base}/approvals", what=f"approvals of {mr['web_url']}")
                if approvals
                else None
            )
        except Skipped as skip:
            return skip
        rows = _commits_if_readable(source, mr) if commits else None
        summary = summarize_diffs(diffs)
        raw = without_diff_text(diffs)
        return OwnerMr(mr, project, summary, approved, raw, True, commits=rows)

    for mr, found in ordered_map(details, rows):
        if isinstance(found, Skipped):
            source.warn_skip(str(mr["web_url"]), found)
            continue
        yield found


def fetch_diffs(source: GitLabSource, mr: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The MR's changed files with their diff text: `/diffs` (GitLab ≥ 15.7), else the
    older `/changes`. Raises `Skipped` when neither can be read."""
    base = f"/projects/{mr['project_id']}/merge_requests/{mr['iid']}"
    what = f"the changes of {mr.get('web_url', base)}"
    try:
        return list(source.rest.iterate(f"{base}/diffs", {}, what=what, skippable=True))
    except Skipped:
        pass
    changes = source.rest.get(f"{base}/changes", what=what)
    return list(changes.get("changes") or [])


def _commits_if_readable(
    source: GitLabSource, mr: Mapping[str, Any]
) -> list[dict[str, Any]] | None:
    """The MR's commits for pairing; None (the MR item stays) when they cannot be read."""
    try:
        return rest_commits(source, mr)
    except Skipped as skip:
        source.warn_skip(f"the commits of {mr.get('web_url')}", skip)
        return None


def rest_commits(source: GitLabSource, mr: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The MR's commits over REST (`/commits`, newest first, merge commits among them: the
    pairing rules find no co-author in those). Raises `Skipped` when it cannot be read."""
    base = f"/projects/{mr['project_id']}/merge_requests/{mr['iid']}"
    what = f"the commits of {mr.get('web_url', base)}"
    return list(source.rest.iterate(f"{base}/commits", {}, what=what, skippable=True))
