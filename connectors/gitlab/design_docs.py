"""The design_docs stream: documents under the design globs the owner changed.

Two ways in: the owner's merged MRs in the window (reused from the merge_requests stream
of the same run when it covered the window; which of their documents are new, and their
headings, from `connectors.gitlab.documents`) and the owner's direct pushes to a
project's default branch (`connectors.gitlab.pushes`).
One item per (project, path). A partial stream: a run sees a document's changes in its
window only, and `merge` adds them to what the ledger holds.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from connectors.gitlab.client import Owner, Skipped
from connectors.gitlab.documents import document_summaries, project_rows
from connectors.gitlab.normalize import (
    DiffSummary,
    Project,
    extra_visibility,
    is_design_doc,
    parse_time,
)
from connectors.gitlab.owner_mrs import (
    OWNER_MRS_KEY,
    OwnerMergeRequests,
    OwnerMr,
    owner_mrs,
    touches_docs,
)
from connectors.gitlab.pushes import direct_pushes, read_push
from connectors.gitlab.source import GitLabSource
from connectors.history import HistoryKeys, merge_history, ordered_changes
from connectors.item import Item
from connectors.streams import RunContext, Stream, StreamReader, Window


@dataclass
class DocChanges:
    """What the window says about one document."""

    project: Project
    path: str
    url: str
    title: str | None = None
    added: bool = False
    changes: list[dict[str, Any]] = field(default_factory=list)

    def add(self, summary: DiffSummary, change: dict[str, Any]) -> None:
        self.added = self.added or self.path in summary.new_files
        self.title = self.title or summary.headings.get(self.path)
        if change not in self.changes:
            self.changes.append(change)


class DocCollector:
    def __init__(self, source: GitLabSource) -> None:
        self.source = source
        self.docs: dict[tuple[str, str], DocChanges] = {}

    def record(
        self, project: Project, branch: str, summary: DiffSummary, change: dict[str, Any]
    ) -> None:
        patterns = self.source.config.design_doc_paths
        web = project.web(self.source.config.base_url)
        for path in summary.paths:
            if path in summary.deleted or not is_design_doc(path, patterns):
                continue
            doc = self.docs.setdefault(
                (project.path, path), DocChanges(project, path, f"{web}/-/blob/{branch}/{path}")
            )
            doc.add(summary, change)

    def items(self, owner: Owner) -> Iterator[Item]:
        for doc in self.docs.values():
            yield normalize_design_doc(self.source.config.name, owner.username, doc)


class DesignDocs(StreamReader[GitLabSource]):
    stream = Stream("design_docs", "design_doc", partial=True, needs=("merge_requests",))

    def fetch(self, window: Window, run: RunContext) -> Iterator[Item]:
        source = self.source
        owner = source.rest.owner()
        collector = DocCollector(source)
        merged = list(merged_doc_mrs(source, run, owner, window))
        for record, summary in document_summaries(source, run, merged):
            if isinstance(summary, Skipped):
                source.warn_skip(str(record.mr["web_url"]), summary)
                continue
            branch = str(record.mr.get("target_branch") or "HEAD")
            collector.record(record.project, branch, summary, merge_request_change(record))
        pushes = list(direct_pushes(source, owner, window))
        project_rows(source, run, [int(event["project_id"]) for event in pushes])
        for event in pushes:
            push = read_push(source, run, event)
            if push is not None:
                collector.record(push.project, push.branch, push.summary, push.change)
        yield from collector.items(owner)

    def merge(self, stored: Item, fresh: Item) -> Item:
        return merge_history(stored, fresh, HISTORY)


def merged_doc_mrs(
    source: GitLabSource, run: RunContext, owner: Owner, window: Window
) -> Iterator[OwnerMr]:
    """The owner's merged MRs updated in the window that touched a design path: what the
    merge_requests stream of this run read, when its window covers this one (the rest of
    the window, if any, read here), else read here."""
    known = run.get(OWNER_MRS_KEY, OwnerMergeRequests)
    if known is not None and known.window.since <= window.since:
        yield from (r for r in known.merged_docs if window.since <= r.updated <= window.until)
        if known.window.until >= window.until:
            return
        window = Window(known.window.until, window.until)
    patterns = source.config.design_doc_paths
    for record in owner_mrs(source, run, owner, window, "merged", approvals=False):
        if source.allowed(record.project.path) and touches_docs(record, patterns):
            yield record


def merge_request_change(record: OwnerMr) -> dict[str, Any]:
    mr = record.mr
    at = parse_time(mr.get("merged_at")) or parse_time(mr.get("updated_at"))
    return {
        "type": "merge_request",
        "ref": f"{record.project.path}!{mr['iid']}",
        "url": mr["web_url"],
        "at": at.isoformat() if at else None,
    }


# Where a GitLab design doc keeps its history, for the shared merge (`connectors.history`).
HISTORY = HistoryKeys("changes", "first_change", "latest_change", "added")


def normalize_design_doc(source: str, owner: str, doc: DocChanges) -> Item:
    times = sorted(t for t in (parse_time(c.get("at")) for c in doc.changes) if t)
    assert times, "every recorded change has a time"
    first, latest = times[0], times[-1]
    return Item(
        source=source,
        kind="design_doc",
        external_id=f"{doc.project.path}:{doc.path}",
        url=doc.url,
        title=doc.title or PurePosixPath(doc.path).name,
        repo=doc.project.path,
        path=doc.path,
        author=owner,
        created_at=first,
        updated_at=latest,
        occurred_at=latest,
        state="added" if doc.added else "changed",
        paths=(doc.path,),
        extra={
            "platform": "gitlab",
            "changes": ordered_changes(doc.changes),
            "first_change": first.isoformat(),
            "latest_change": latest.isoformat(),
            **extra_visibility(doc.project),
        },
        raw={"changes": list(doc.changes)},
    )
