"""Colleagues' MRs the owner reviewed, with their commits: where the owner may be a
co-author. Over GraphQL several projects' MRs per request (`queries.paired_merge_requests`),
over REST two requests per MR (the MR, `/commits`).

Why only those the owner reviewed: GitLab has no commit search without Advanced Search
(a paid, instance-wide option), and its events record pushes, approvals and comments, not
co-authorship. So a colleague's MR the owner co-authored but neither approved nor
commented on is not found; reading every MR of every project to find it would cost far
more than all the other streams together.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from connectors.gitlab import shapes
from connectors.gitlab.client import Owner, Skipped
from connectors.gitlab.mr_pages import whole_connection
from connectors.gitlab.normalize import Project, reference_path
from connectors.gitlab.owner_mrs import rest_commits
from connectors.gitlab.queries import (
    MAX_PAIRED_ALIASES,
    MORE_MERGE_REQUEST_COMMITS,
    paired_merge_requests,
)
from connectors.gitlab.reviewed import Alias, MrKey, ProjectQuery, read_by_project
from connectors.gitlab.source import GitLabSource
from connectors.streams import RunContext

COMMITS = "commitsWithoutMergeCommits"


@dataclass(frozen=True)
class PairedMr:
    """A colleague's MR in REST's shapes, with its commits; `paths` None when not read yet
    (REST: read only for an MR the owner paired on)."""

    mr: dict[str, Any]
    project: Project
    commits: list[dict[str, Any]]
    paths: tuple[str, ...] | None


Found = PairedMr | Skipped | None  # None: the owner's own MR, or outside the allow-lists


def read_paired(
    source: GitLabSource, run: RunContext, owner: Owner, keys: Sequence[MrKey]
) -> Iterator[tuple[MrKey, Found]]:
    """Each key with what was found, over GraphQL when the instance serves it."""
    return read_by_project(
        source,
        run,
        keys,
        ProjectQuery(
            paired_merge_requests,
            MAX_PAIRED_ALIASES,
            "the commits of merge requests the owner reviewed (GraphQL)",
            lambda alias, found: _from_project(source, owner, alias, found),
        ),
        lambda key: _rest_paired(source, run, owner, key),
    )


def _from_project(
    source: GitLabSource, owner: Owner, alias: Alias, connection: Any
) -> Iterator[tuple[MrKey, Found]]:
    project_id, iids = alias
    project_nodes = shapes.nodes(connection)
    project_node = project_nodes[0] if project_nodes else {}
    by_iid = {int(n["iid"]): n for n in shapes.nodes(project_node.get("mergeRequests"))}
    for iid in iids:
        node, key = by_iid.get(iid), (project_id, iid)
        if node is None:
            yield key, Skipped("not found over GraphQL")
            continue
        project = shapes.project(node, project_node)
        if owner.is_(node.get("author")) or not source.allowed(project.path):
            yield key, None
            continue
        rows = whole_connection(
            source, key, node.get(COMMITS) or {}, MORE_MERGE_REQUEST_COMMITS, COMMITS
        )
        paths = tuple(dict.fromkeys(str(s["path"]) for s in node.get("diffStats") or () if s))
        commits = [shapes.commit(r) for r in rows]
        yield key, PairedMr(shapes.merge_request(node), project, commits, paths)


def _rest_paired(source: GitLabSource, run: RunContext, owner: Owner, key: MrKey) -> Found:
    project_id, iid = key
    try:
        mr = source.rest.get(
            f"/projects/{project_id}/merge_requests/{iid}", what=f"merge request {project_id}!{iid}"
        )
        project = source.projects(run).of(project_id, reference_path(mr, "!"))
        if owner.is_(mr.get("author")) or not source.allowed(project.path):
            return None
        return PairedMr(mr, project, rest_commits(source, mr), None)
    except Skipped as skip:
        return skip
