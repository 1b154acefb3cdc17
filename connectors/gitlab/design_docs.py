"""The design_docs stream: documents under the design globs the owner changed.

Two ways in: the owner's merged MRs in the window (their `/diffs`, one request each) and
the owner's pushes to a project's default branch (`pushed` events, then one `compare`
per push and one project lookup per project). One item per (project, path).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import PurePosixPath
from typing import Any

from connectors.gitlab.client import GitLabClient, Skipped
from connectors.gitlab.merge_requests import allowed, fetch_owner_merge_requests, summary_of
from connectors.gitlab.normalize import (
    DiffSummary,
    glob_match,
    mr_reference,
    parse_time,
    project_of,
    project_web_url,
    summarize_diffs,
)
from connectors.gitlab.reviews import event_window, in_window
from connectors.item import Item

MERGE_TITLE_PREFIXES = ("Merge branch '", "Merge remote-tracking branch '")


@dataclass
class DocChanges:
    """What the window says about one document."""

    repo: str
    path: str
    url: str
    project_id: int | None = None
    title: str | None = None
    added: bool = False
    changes: list[dict[str, Any]] = field(default_factory=list)

    def add(self, summary: DiffSummary, change: dict[str, Any]) -> None:
        self.added = self.added or self.path in summary.new_files
        self.title = self.title or summary.headings.get(self.path)
        if change not in self.changes:
            self.changes.append(change)


class DocCollector:
    def __init__(self, client: GitLabClient) -> None:
        self.client = client
        self.docs: dict[tuple[str, str], DocChanges] = {}

    def record(
        self,
        project_id: int | None,
        repo: str,
        web: str,
        branch: str,
        summary: DiffSummary,
        change: dict[str, Any],
    ) -> None:
        patterns = self.client.config.design_doc_paths
        for path in summary.paths:
            if path in summary.deleted or not glob_match(path, patterns):
                continue
            doc = self.docs.setdefault(
                (repo, path),
                DocChanges(repo, path, f"{web}/-/blob/{branch}/{path}", project_id),
            )
            doc.add(summary, change)

    def items(self) -> Iterator[Item]:
        for doc in self.docs.values():
            item = normalize_design_doc(self.client.config.name, self.client.owner().username, doc)
            yield self.client.with_visibility(item, doc.project_id)


def fetch_design_docs(
    client: GitLabClient, since: datetime, until: datetime | None
) -> Iterator[Item]:
    collector = DocCollector(client)
    for mr in fetch_owner_merge_requests(client, since, until, state="merged"):
        summary = summary_of(client, mr)
        if summary is not None:
            collector.record(
                mr.get("project_id"),
                project_of(mr),
                project_web_url(mr),
                str(mr.get("target_branch") or "HEAD"),
                summary,
                merge_request_change(mr),
            )
    for event in direct_pushes(client, since, until):
        record_push(client, collector, event)
    yield from collector.items()


def merge_request_change(mr: Mapping[str, Any]) -> dict[str, Any]:
    at = parse_time(mr.get("merged_at")) or parse_time(mr.get("updated_at"))
    return {
        "type": "merge_request",
        "ref": mr_reference(mr),
        "url": mr["web_url"],
        "at": at.isoformat() if at else None,
    }


def direct_pushes(
    client: GitLabClient, since: datetime, until: datetime | None
) -> Iterator[Mapping[str, Any]]:
    """The owner's branch pushes in the window, minus merge commits (their MR counts)."""
    owner = client.owner()
    query = {"action": "pushed", **event_window(since, until)}
    for event in client.iterate(f"/users/{owner.id}/events", query, what="the owner's pushes"):
        push = event.get("push_data") or {}
        title = str(push.get("commit_title") or "")
        if (
            in_window(parse_time(event.get("created_at")), since, until)
            and push.get("ref_type") == "branch"
            and push.get("action") in ("pushed", "created")
            and push.get("commit_from")
            and push.get("commit_to")
            and not title.startswith(MERGE_TITLE_PREFIXES)
        ):
            yield event


def record_push(client: GitLabClient, collector: DocCollector, event: Mapping[str, Any]) -> None:
    project = client.project(int(event["project_id"]))
    push = event["push_data"]
    if project is None or push.get("ref") != project.get("default_branch"):
        return
    repo = str(project["path_with_namespace"])
    if not allowed(client, repo):
        return
    try:
        compare = client.get(
            f"/projects/{project['id']}/repository/compare",
            {"from": push["commit_from"], "to": push["commit_to"]},
            what=f"a push to {repo}",
        )
    except Skipped as skip:
        client.warn_skip(f"a push to {repo}", skip)
        return
    change = {
        "type": "push",
        "ref": f"{repo}@{push['commit_to']}",
        "url": f"{project['web_url']}/-/commit/{push['commit_to']}",
        "at": event["created_at"],
        "commit_title": push.get("commit_title"),
    }
    summary = summarize_diffs(compare.get("diffs") or [])
    collector.record(
        int(project["id"]), repo, str(project["web_url"]), str(push["ref"]), summary, change
    )


def change_order(change: Mapping[str, Any]) -> tuple[str, str]:
    """Time, then ref: one order for a document's changes however they were gathered."""
    return str(change.get("at")), str(change.get("ref"))


def merge_design_docs(stored: Item, fresh: Item) -> Item:
    """One document as two windows saw it: every change either saw, once; the title read
    from the document's heading, even when only the stored window saw the file added."""
    changes: dict[str, dict[str, Any]] = {}
    for change in [*stored.extra.get("changes", ()), *fresh.extra.get("changes", ())]:
        changes[str(change.get("ref"))] = change  # the fresh version of a change wins
    ordered = sorted(changes.values(), key=change_order)
    times = sorted(t for t in (parse_time(c.get("at")) for c in ordered) if t)
    if not times:
        return fresh
    fallback = PurePosixPath(fresh.path or "").name
    title = stored.title if fresh.title == fallback and stored.title else fresh.title
    return replace(
        fresh,
        title=title,
        created_at=times[0],
        updated_at=times[-1],
        occurred_at=times[-1],
        state="added" if "added" in (stored.state, fresh.state) else fresh.state,
        extra={
            **stored.extra,
            **fresh.extra,
            "changes": ordered,
            "first_change": times[0].isoformat(),
            "latest_change": times[-1].isoformat(),
        },
        raw={"changes": ordered},
    )


def normalize_design_doc(source: str, owner: str, doc: DocChanges) -> Item:
    times = sorted(t for t in (parse_time(c.get("at")) for c in doc.changes) if t)
    assert times, "every recorded change has a time"
    first, latest = times[0], times[-1]
    return Item(
        source=source,
        kind="design_doc",
        external_id=f"{doc.repo}:{doc.path}",
        url=doc.url,
        title=doc.title or PurePosixPath(doc.path).name,
        repo=doc.repo,
        path=doc.path,
        author=owner,
        created_at=first,
        updated_at=latest,
        occurred_at=latest,
        state="added" if doc.added else "changed",
        paths=(doc.path,),
        extra={
            "platform": "gitlab",
            "changes": sorted(doc.changes, key=change_order),
            "first_change": first.isoformat(),
            "latest_change": latest.isoformat(),
        },
        raw={"changes": list(doc.changes)},
    )
