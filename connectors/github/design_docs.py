"""Design documents: one item per (repo, path) the owner added or changed, by PR or by a
commit pushed straight to the default branch. How commits are found: see `commits`."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import quote

from connectors.github.commits import DocDetails, associated_pr
from connectors.github.config import GitHubConfig
from connectors.github.normalize import PLATFORM, parse_time, pr_ref, repo_name
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


class DesignDocCollector:
    """Gathers touches per document across PRs and direct commits, then builds Items."""

    def __init__(self, source: str, config: GitHubConfig) -> None:
        self.source = source
        self.config = config
        self._docs: dict[tuple[str, str], _Doc] = {}

    def add_pull_request(self, node: Mapping[str, Any], paths: list[str]) -> None:
        merged = parse_time(node.get("mergedAt"))
        if node.get("state") == "CLOSED" and merged is None:
            return  # a closed, unmerged PR changed nothing
        at = merged or parse_time(node.get("updatedAt")) or parse_time(node.get("createdAt"))
        if at is None:
            return
        repo = repo_name(node)
        repository = node.get("repository") or {}
        touch = Touch(
            "pull_request",
            pr_ref(repo, node.get("number")),
            str(node.get("url") or ""),
            at,
            merged is not None,
        )
        for path in paths:
            self._add(repo, path, repository, touch)

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
            yield self._item(self._docs[key])

    def _item(self, doc: _Doc) -> Item:
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
            },
        )
