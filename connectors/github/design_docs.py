"""Design documents: one item per (repo, path) the owner added or changed, by PR or by a
commit pushed straight to the default branch. How commits are found: see `commits`.

The stream is `partial`: a run sees the changes in its window (and the owner's landed
history of each document it finds), so an item is merged with the stored one
(`connectors.history`) instead of replacing it: a narrower run never shrinks what a wider
one stored.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any
from urllib.parse import quote

from connectors.github.commits import DocDetails, associated_pr
from connectors.github.config import GitHubConfig
from connectors.github.normalize import PLATFORM, parse_time, pr_ref, repo_name
from connectors.history import HistoryKeys, merge_history
from connectors.item import Item


@dataclass(frozen=True)
class Touch:
    kind: str  # "pull_request" or "commit"
    ref: str
    url: str
    at: datetime
    landed: bool


@dataclass
class _Doc:
    repo: str
    path: str
    repo_url: str
    branch: str
    title: str | None = None
    touches: dict[str, Touch] = field(default_factory=dict)
    private: bool | None = None  # None: the payload did not say


class DesignDocCollector:
    """Gathers touches per document across PRs and direct commits, then builds Items."""

    def __init__(self, source: str, config: GitHubConfig) -> None:
        self.source = source
        self.config = config
        self._docs: dict[tuple[str, str], _Doc] = {}
        self._withdrawn: dict[tuple[str, str], set[str]] = {}

    def add_pull_request(self, node: Mapping[str, Any], paths: list[str]) -> None:
        merged = parse_time(node.get("mergedAt"))
        repo = repo_name(node)
        ref = pr_ref(repo, node.get("number"))
        if node.get("state") == "CLOSED" and merged is None:
            self._withdraw(repo, paths, ref)  # a closed, unmerged PR changed nothing
            return
        at = merged or parse_time(node.get("updatedAt")) or parse_time(node.get("createdAt"))
        if at is None:
            return
        repository = node.get("repository") or {}
        touch = Touch("pull_request", ref, str(node.get("url") or ""), at, merged is not None)
        for path in paths:
            self._add(repo, path, repository, touch)

    def _withdraw(self, repo: str, paths: list[str], ref: str) -> None:
        """Remember, for documents this run finds anyway, a PR a stored item may still
        count from when it was open (a document only such a PR touched is not found)."""
        for path in paths:
            if self.config.is_design_doc(path):
                self._withdrawn.setdefault((repo, path), set()).add(ref)

    def add_commit(
        self, repository: Mapping[str, Any], commit: Mapping[str, Any], paths: list[str]
    ) -> None:
        at = parse_time(commit.get("committedDate"))
        if at is None:
            return
        repo = str(repository.get("nameWithOwner") or "")
        touch = Touch(
            "commit", f"{repo}@{commit.get('oid')}", str(commit.get("url") or ""), at, True
        )
        for path in paths:
            self._add(repo, path, repository, touch)

    def _add(self, repo: str, path: str, repository: Mapping[str, Any], touch: Touch) -> None:
        if not self.config.is_design_doc(path):
            return
        branch = str((repository.get("defaultBranchRef") or {}).get("name") or "HEAD")
        doc = self._docs.setdefault(
            (repo, path), _Doc(repo, path, str(repository.get("url") or ""), branch)
        )
        doc.touches[touch.ref] = touch
        if isinstance(repository.get("isPrivate"), bool):
            doc.private = repository["isPrivate"]

    def landed(self) -> list[tuple[str, str, str]]:
        """(repo, default branch, path) of documents that reached a default branch."""
        return [
            (d.repo, d.branch, d.path)
            for _, d in sorted(self._docs.items())
            if any(t.landed for t in d.touches.values())
        ]

    def add_details(self, details: DocDetails) -> None:
        """The document's title and the owner's earlier changes to it on the default branch."""
        doc = self._docs.get((details.repo, details.path))
        if doc is None:
            return
        doc.title = details.title
        for commit in details.history:
            at = parse_time(commit.get("committedDate"))
            if at is None:
                continue
            pr = associated_pr(commit)
            if pr is not None:
                ref = pr_ref(doc.repo, pr.get("number"))
                touch = Touch("pull_request", ref, str(pr.get("url") or ""), at, True)
            else:
                ref = f"{doc.repo}@{commit.get('oid')}"
                touch = Touch("commit", ref, str(commit.get("url") or ""), at, True)
            doc.touches.setdefault(ref, touch)  # what the search saw wins (merge time)

    def items(self) -> Iterator[Item]:
        for key in sorted(self._docs):
            yield self._item(self._docs[key], self._withdrawn.get(key, set()))

    def _item(self, doc: _Doc, withdrawn: set[str]) -> Item:
        touches = sorted(doc.touches.values(), key=lambda t: (t.at, t.ref))
        first, last = touches[0], touches[-1]
        name = doc.path.rsplit("/", 1)[-1]
        return Item(
            source=self.source,
            kind="design_doc",
            external_id=f"{doc.repo}:{doc.path}",
            url=f"{doc.repo_url}/blob/{quote(doc.branch)}/{quote(doc.path)}",
            title=doc.title or name,
            repo=doc.repo,
            path=doc.path,
            created_at=first.at,
            updated_at=last.at,
            occurred_at=last.at,
            state="merged" if any(t.landed for t in touches) else "open",
            paths=(doc.path,),
            extra={
                "platform": PLATFORM,
                "default_branch": doc.branch,
                "touched_by": [
                    {"type": t.kind, "ref": t.ref, "url": t.url, "at": t.at.isoformat()}
                    for t in touches
                ],
                "first_change_at": first.at.isoformat(),
                "latest_change_at": last.at.isoformat(),
                **({} if doc.private is None else {"private": doc.private}),
            },
            raw={"withdrawn": sorted(withdrawn)} if withdrawn else {},
        )


DOC_HISTORY = HistoryKeys(
    changes="touched_by", first="first_change_at", latest="latest_change_at", sticky_state="merged"
)


def merge_design_docs(stored: Item, fresh: Item) -> Item:
    """A document as a stored, wider run and this run saw it: every PR and commit either
    saw, once, the earliest first change, the title read from the document; minus the PRs
    this run saw closed without merging."""
    withdrawn = set(fresh.raw.get("withdrawn") or ())
    if withdrawn:
        kept = [t for t in stored.extra.get("touched_by") or () if t.get("ref") not in withdrawn]
        stored = replace(stored, extra={**stored.extra, "touched_by": kept})
    return merge_history(stored, fresh, DOC_HISTORY)
