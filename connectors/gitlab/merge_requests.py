"""The merge_requests and issues streams: the owner's MRs and the tickets they closed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from connectors.gitlab.mr_pairing import owner_identity, owner_mr_pairings
from connectors.gitlab.normalize import (
    DiffSummary,
    normalize_issue,
    normalize_merge_request,
    parse_time,
    reference_path,
)
from connectors.gitlab.owner_mrs import (
    OWNER_MRS_KEY,
    OwnerMergeRequests,
    OwnerMr,
    owner_mrs,
    touches_docs,
)
from connectors.gitlab.source import GitLabSource
from connectors.item import Item
from connectors.streams import RunContext, Stream, StreamReader, Window


class MergeRequests(StreamReader[GitLabSource]):
    """One item per MR of the owner. Over GraphQL a page of up to 100 MRs is one request
    with everything an item needs (and, with pairing on, its commits); over REST each MR
    costs two more (diffs, approvals), three with pairing on (commits).
    Puts `OwnerMergeRequests` in the run's context for reviews, design_docs and pairing."""

    stream = Stream("merge_requests", "pull_request")

    def fetch(self, window: Window, run: RunContext) -> Iterator[Item]:
        source = self.source
        owner = source.rest.owner()
        keys: set[tuple[int, int]] = set()
        merged_docs: list[OwnerMr] = []
        paired: list[tuple[datetime, tuple[Item, ...]]] = []
        identity = owner_identity(owner, source.config.base_url)
        for record in owner_mrs(source, run, owner, window, commits=source.pairing):
            keys.add(record.key)
            if not source.allowed(record.project.path):
                continue
            if touches_docs(record, source.config.design_doc_paths):
                merged_docs.append(record)
            if items := owner_mr_pairings(source.config.name, record, identity):
                paired.append((record.updated, tuple(items)))
            yield normalize_merge_request(
                source.config.name,
                record.mr,
                record.project,
                record.summary or DiffSummary(),
                record.approvals,
                record.raw_diffs,
            )
        pairings = tuple(paired) if source.pairing else None
        done = OwnerMergeRequests(window, frozenset(keys), tuple(merged_docs), pairings)
        run.put(OWNER_MRS_KEY, done)


class Issues(StreamReader[GitLabSource]):
    """Issues assigned to the owner and closed in the window; no per-issue requests."""

    stream = Stream("issues", "ticket", default_enabled=False)

    def fetch(self, window: Window, run: RunContext) -> Iterator[Item]:
        source = self.source
        owner = source.rest.owner()
        projects = source.projects(run)
        query = {"scope": "all", "assignee_id": owner.id, "state": "closed"}
        for issue in source.rest.walk_by_update("/issues", query, window, what="assigned issues"):
            closed = parse_time(issue.get("closed_at"))
            if closed is None or closed < window.since or closed >= window.until:
                continue
            path = reference_path(issue, "#")
            if path is not None and not source.allowed(path):
                continue  # no lookup for a project the allow-lists leave out
            project = projects.of(issue.get("project_id"), path)
            if source.allowed(project.path):
                yield normalize_issue(source.config.name, owner.username, issue, project)
