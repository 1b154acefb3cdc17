"""The changed files of pull requests with more than 100 of them (GitHub's largest page).

A search page brings each PR's first 100 files. The files after those are read for many
PRs at once: one aliased query (`queries.pull_request_files`) asks for the next 100 files
of up to MAX_FILE_BATCH PRs, each with its own cursor; a PR with more pages goes into the
next request. So wide PRs cost a request per MAX_FILE_BATCH of them per extra page, not
one request per PR per page.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Any

from connectors.github import queries
from connectors.github.normalize import repo_name
from connectors.github.transport import GitHubTransport
from connectors.http import Verdict, follow

# PRs held back while their wide neighbours' files are read: bounds memory when wide PRs
# are rare (a batch is sent with fewer PRs rather than waiting for more).
HOLD = 400


@dataclass(frozen=True)
class _More:
    """A PR whose files go on after `cursor`; `index` is its place in the held nodes."""

    index: int
    owner: str
    name: str
    number: int
    cursor: str


class FileLister:
    def __init__(self, transport: GitHubTransport) -> None:
        self.transport = transport

    def complete(
        self, nodes: Iterable[dict[str, Any]]
    ) -> Iterator[tuple[dict[str, Any], list[str]]]:
        """Each PR node with all its changed paths, in the order given."""
        held: list[dict[str, Any]] = []
        wide = 0
        for node in nodes:
            held.append(node)
            wide += _cursor(node) is not None
            if wide >= queries.MAX_FILE_BATCH or len(held) >= HOLD:
                yield from self._completed(held)
                held, wide = [], 0
        yield from self._completed(held)

    def _completed(self, nodes: list[dict[str, Any]]) -> Iterator[tuple[dict[str, Any], list[str]]]:
        paths = [first_paths(node) for node in nodes]
        more = tuple(
            _More(i, *repo_name(node).partition("/")[::2], int(node["number"]), cursor)
            for i, node in enumerate(nodes)
            if (cursor := _cursor(node)) is not None
        )
        if more:
            self._read_more(more, paths)
        yield from zip(nodes, paths, strict=True)

    def _read_more(self, more: tuple[_More, ...], paths: list[list[str]]) -> None:
        batch = _Batch()

        def fetch(pending: tuple[_More, ...] | None) -> tuple[_More, ...]:
            todo = pending or more
            data = self.transport.send(
                lambda: batch.build(todo),
                what=f"listing files of {len(todo)} pull requests with over 100 files",
                on_retry=batch.shrink,
            ).data
            after: list[_More] = []
            for i, wide in enumerate(batch.sent):
                page = self._page(data.get(f"f{i}"), wide)
                paths[wide.index].extend(_paths(page))
                info = page.get("pageInfo") or {}
                if info.get("hasNextPage") and info.get("endCursor"):
                    after.append(replace(wide, cursor=str(info["endCursor"])))
            return (*todo[len(batch.sent) :], *after)

        what = "listing files of pull requests with over 100 files"
        for _ in follow(fetch, lambda rest: rest or None, where=self.transport.where, what=what):
            pass

    def _page(self, repository: Any, wide: _More) -> dict[str, Any]:
        if not isinstance(repository, dict):
            self.transport.warn_unreadable(f"{wide.owner}/{wide.name}")
            return {}
        pr = repository.get("pullRequest") or {}
        files: dict[str, Any] = pr.get("files") or {}
        return files


class _Batch:
    """The PRs one request asks for: up to `size`, halved when GitHub timed out."""

    def __init__(self) -> None:
        self.size = queries.MAX_FILE_BATCH
        self.sent: tuple[_More, ...] = ()

    def build(self, todo: tuple[_More, ...]) -> tuple[str, dict[str, Any]]:
        self.sent = todo[: self.size]
        variables: dict[str, Any] = {}
        for i, wide in enumerate(self.sent):
            variables |= {
                f"o{i}": wide.owner,
                f"n{i}": wide.name,
                f"p{i}": wide.number,
                f"a{i}": wide.cursor,
            }
        return queries.pull_request_files(len(self.sent)), variables

    def shrink(self, verdict: Verdict) -> None:
        if verdict.smaller_page:
            self.size = max(1, len(self.sent) // 2)


def first_paths(node: Mapping[str, Any]) -> list[str]:
    """The paths on the PR's first page of files (the search page brought them)."""
    return _paths(node.get("files") or {})


def _paths(files: Mapping[str, Any]) -> list[str]:
    return [str(f["path"]) for f in files.get("nodes") or [] if f and f.get("path")]


def _cursor(node: Mapping[str, Any]) -> str | None:
    info = (node.get("files") or {}).get("pageInfo") or {}
    after = info.get("endCursor")
    return str(after) if info.get("hasNextPage") and after else None
