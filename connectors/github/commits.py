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

from connectors.errors import NotFound
from connectors.github import queries
from connectors.github.transport import GitHubTransport

_MAX_HISTORY_ROUNDS = 50
CONTRIBUTION_SPAN = timedelta(days=365)  # contributionsCollection spans at most a year
_LINK_NEXT = re.compile(r'<([^>]+)>;\s*rel="next"')
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$")
_TITLE_LINES = 60


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
        user_id = ""
        repos: set[str] = set()
        start = since
        for _ in range(100):
            if start >= until:
                break
            end = min(until, start + CONTRIBUTION_SPAN)
            variables = {"login": login, "from": iso(start), "to": iso(end)}
            data = (
                self.transport.graphql(
                    queries.COMMIT_CONTRIBUTIONS,
                    variables,
                    what="finding repositories with direct commits",
                ).data
                or {}
            )
            user = data.get("user") or {}
            user_id = str(user.get("id") or user_id)
            repos |= contribution_repos(user)
            start = end
        return user_id, repos

    def direct_commits(
        self, repos: list[str], user_id: str, since: datetime, until: datetime
    ) -> Iterator[tuple[dict[str, Any], dict[str, Any], list[str]]]:
        """(repository, commit, changed paths) of commits pushed without a PR."""
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
        cursors: dict[str, str | None] = dict.fromkeys(batch)
        for _ in range(_MAX_HISTORY_ROUNDS):
            if not cursors or not user_id:
                return
            names = list(cursors)
            variables: dict[str, Any] = {
                "authorId": user_id,
                "since": iso(since),
                "until": iso(until),
            }
            for i, name in enumerate(names):
                owner, _, repo = name.partition("/")
                variables.update({f"o{i}": owner, f"n{i}": repo, f"a{i}": cursors[name]})
            data = (
                self.transport.graphql(
                    queries.default_branch_commits(len(names)),
                    variables,
                    what="reading commits on default branches",
                ).data
                or {}
            )
            cursors = {}
            for i, name in enumerate(names):
                repository = data.get(f"r{i}")
                if repository is None:
                    self.warn_unreadable(name)
                    continue
                history = _history(repository)
                yield from (
                    (repository, c) for c in history.get("nodes") or [] if c and c.get("oid")
                )
                info = history.get("pageInfo") or {}
                if info.get("hasNextPage") and info.get("endCursor"):
                    cursors[name] = info["endCursor"]

    def commit_paths(self, repo: str, oid: str) -> list[str]:
        url: str | None = f"/repos/{repo}/commits/{oid}"
        paths: list[str] = []
        for _ in range(10):  # GitHub lists at most 3,000 files of a commit, 300 per page
            if url is None:
                break
            try:
                response = self.transport.rest(url, what=f"reading commit {oid[:10]} in {repo}")
            except NotFound:
                self.warn_unreadable(repo)
                break
            body = response.data if isinstance(response.data, dict) else {}
            paths.extend(str(f["filename"]) for f in body.get("files") or [] if f.get("filename"))
            found = _LINK_NEXT.search(response.headers.get("link", ""))
            url = found.group(1) if found else None
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
            data = (
                self.transport.graphql(
                    queries.doc_details(len(batch)), variables, what="reading design documents"
                ).data
                or {}
            )
            for i, (repo, _, path) in enumerate(batch):
                repository = data.get(f"d{i}")
                if repository is None:
                    self.warn_unreadable(repo)
                    continue
                blob = repository.get("object") or {}
                nodes = [c for c in _history(repository).get("nodes") or [] if c]
                yield DocDetails(repo, path, first_heading(blob), nodes)

    def warn_unreadable(self, repo: str) -> None:
        self.transport.runtime.logger.warning(
            "%s: repository %s cannot be read with this token; skipped",
            self.transport.where(),
            repo,
        )


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


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
