"""Commits on default branches: direct pushes, and the owner's history of each design doc.

GraphQL has no commit search and its `Commit` has no file list, so:
- `contributionsCollection` names the repositories where the owner has commits in the
  window (it rides along with the design-doc PR search, see `queries.DOC_PULL_REQUESTS`);
- one aliased query reads the owner's commits on the default branch of up to
  MAX_HISTORY_REPOS repositories, each with its associated PR;
- a commit with no PR (a direct push, usually rare) costs one REST request for its files;
- one aliased query per MAX_DOC_DETAILS documents reads each document's first heading and
  the owner's full history of that path, so a document's first change and the PRs and
  commits that touched it are right even when this run's window holds only the last one.

Trade-off: contributions cover repositories the token can see and commits whose date falls
in the window (a commit authored long before it was pushed is missed), and file lookups
grow with the number of direct pushes, not with the number of PRs.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import requests

from connectors.errors import NotFound
from connectors.github import queries
from connectors.github.transport import GitHubTransport
from connectors.http import follow

CONTRIBUTION_SPAN = timedelta(days=365)  # contributionsCollection spans at most a year
_LINK_NEXT = re.compile(r'<([^>]+)>;\s*rel="next"')
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$")
_TITLE_LINES = 60
_Cursors = tuple[tuple[str, str | None], ...]  # (repository, history cursor) per alias


@dataclass(frozen=True)
class DocDetails:
    repo: str
    path: str
    title: str | None
    history: list[dict[str, Any]]  # the owner's commits touching the path, newest first


class CommitReader:
    def __init__(self, transport: GitHubTransport) -> None:
        self.transport = transport

    def contribution_repositories(
        self, login: str, since: datetime, until: datetime
    ) -> tuple[str, set[str]]:
        """The owner's node id and the repositories of their commits, a year at a time."""

        def span(start: datetime | None) -> tuple[dict[str, Any], datetime]:
            lo = start or since
            hi = min(until, lo + CONTRIBUTION_SPAN)
            variables = {"login": login, "from": iso(lo), "to": iso(hi)}
            what = "finding repositories with direct commits"
            data = self.transport.graphql(queries.COMMIT_CONTRIBUTIONS, variables, what=what).data
            return data.get("user") or {}, hi

        user_id = ""
        repos: set[str] = set()
        for user, _ in follow(
            span,
            lambda page: page[1] if page[1] < until else None,
            where=self.transport.where,
            what="reading commit contributions",
        ):
            user_id = str(user.get("id") or user_id)
            repos |= contribution_repos(user)
        return user_id, repos

    def direct_commits(
        self, repos: list[str], user_id: str, since: datetime, until: datetime
    ) -> Iterator[tuple[dict[str, Any], dict[str, Any], list[str]]]:
        """(repository, commit, changed paths) of commits pushed without a PR."""
        if not user_id:
            return
        for start in range(0, len(repos), queries.MAX_HISTORY_REPOS):
            batch = repos[start : start + queries.MAX_HISTORY_REPOS]
            for repository, commit in self._default_branch_commits(batch, user_id, since, until):
                if associated_pr(commit) is not None:
                    continue  # landed through a PR: the PR search covers it
                paths = self.commit_paths(str(repository["nameWithOwner"]), str(commit["oid"]))
                yield repository, commit, paths

    def _default_branch_commits(
        self, batch: list[str], user_id: str, since: datetime, until: datetime
    ) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
        """The owner's commits on each repository's default branch, every repository's
        history paged with its own cursor in one aliased query per round."""
        window = {"authorId": user_id, "since": iso(since), "until": iso(until)}

        def page(pending: _Cursors | None) -> tuple[_Cursors, dict[str, Any], _Cursors]:
            asked = pending or tuple((name, None) for name in batch)
            variables: dict[str, Any] = dict(window)
            for i, (name, cursor) in enumerate(asked):
                owner, _, repo = name.partition("/")
                variables.update({f"o{i}": owner, f"n{i}": repo, f"a{i}": cursor})
            query = queries.default_branch_commits(len(asked))
            what = "reading commits on default branches"
            data = self.transport.graphql(query, variables, what=what).data
            return asked, data, self._next_cursors(asked, data)

        for asked, data, _ in follow(
            page, lambda p: p[2] or None, where=self.transport.where, what="reading commits"
        ):
            for i, (name, _cursor) in enumerate(asked):
                repository = data.get(f"r{i}")
                if repository is None:
                    self.transport.warn_unreadable(name)
                    continue
                nodes = _history(repository).get("nodes") or []
                yield from ((repository, c) for c in nodes if c and c.get("oid"))

    @staticmethod
    def _next_cursors(asked: _Cursors, data: Mapping[str, Any]) -> _Cursors:
        more = []
        for i, (name, _) in enumerate(asked):
            info = _history(data.get(f"r{i}") or {}).get("pageInfo") or {}
            if info.get("hasNextPage") and info.get("endCursor"):
                more.append((name, str(info["endCursor"])))
        return tuple(more)

    def commit_paths(self, repo: str, oid: str) -> list[str]:
        """A directly pushed commit's changed paths (REST: GraphQL's Commit has none)."""
        what = f"reading commit {oid[:10]} in {repo}"

        def page(url: str | None) -> requests.Response:
            return self.transport.rest(url or f"/repos/{repo}/commits/{oid}", what=what)

        paths: list[str] = []
        try:
            for response in follow(page, _next_link, where=self.transport.where, what=what):
                body = response.json()
                files = body.get("files") if isinstance(body, dict) else None
                paths.extend(str(f["filename"]) for f in files or [] if f.get("filename"))
        except NotFound:
            self.transport.warn_unreadable(repo)
        return paths

    def doc_details(self, docs: list[tuple[str, str, str]], user_id: str) -> Iterator[DocDetails]:
        """Title and the owner's history for (repo, default branch, path) documents."""
        for start in range(0, len(docs), queries.MAX_DOC_DETAILS):
            batch = docs[start : start + queries.MAX_DOC_DETAILS]
            variables: dict[str, Any] = {"authorId": user_id}
            for i, (repo, branch, path) in enumerate(batch):
                owner, _, name = repo.partition("/")
                variables.update(
                    {f"o{i}": owner, f"n{i}": name, f"e{i}": f"{branch}:{path}", f"p{i}": path}
                )
            query = queries.doc_details(len(batch))
            data = self.transport.graphql(query, variables, what="reading design documents").data
            for i, (repo, _, path) in enumerate(batch):
                repository = data.get(f"d{i}")
                if repository is None:
                    self.transport.warn_unreadable(repo)
                    continue
                blob = repository.get("object") or {}
                nodes = [c for c in _history(repository).get("nodes") or [] if c]
                yield DocDetails(repo, path, first_heading(blob), nodes)


def first_heading(blob: Mapping[str, Any]) -> str | None:
    """The first Markdown heading of a text blob, if it has one near the top."""
    text = blob.get("text")
    if not isinstance(text, str) or blob.get("isBinary"):
        return None
    for line in text.splitlines()[:_TITLE_LINES]:
        found = _HEADING.match(line)
        if found:
            return found.group(1)[:200]
    return None


def contribution_repos(user: Mapping[str, Any]) -> set[str]:
    collection = user.get("contributionsCollection") or {}
    names = set()
    for entry in collection.get("commitContributionsByRepository") or []:
        name = ((entry or {}).get("repository") or {}).get("nameWithOwner")
        if name:
            names.add(str(name))
    return names


def associated_pr(commit: Mapping[str, Any]) -> dict[str, Any] | None:
    nodes = (commit.get("associatedPullRequests") or {}).get("nodes") or []
    return nodes[0] if nodes and isinstance(nodes[0], dict) else None


def _history(repository: Mapping[str, Any]) -> dict[str, Any]:
    ref = repository.get("defaultBranchRef") or {}
    target = ref.get("target") or {}
    history: dict[str, Any] = target.get("history") or {}
    return history


def _next_link(response: requests.Response) -> str | None:
    found = _LINK_NEXT.search(response.headers.get("link", ""))
    return found.group(1) if found else None


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
