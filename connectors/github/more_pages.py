"""The pages of a PR's connections (files, commits) after the first, which the search page
brought.

The next page is read for many PRs at once: one aliased query (`queries.pull_request_files`,
`queries.pull_request_commits`) asks for the next 100 entries of up to `most` PRs, each
with its own cursor; a PR with more pages goes into the next request. So wide PRs cost a
request per `most` of them per extra page, not one request per PR per page.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from connectors.github import queries
from connectors.github.normalize import repo_name
from connectors.github.transport import GitHubTransport
from connectors.http import Verdict, follow

# PRs held back while their wide neighbours' entries are read: bounds memory when wide
# PRs are rare (a batch is sent with fewer PRs rather than waiting for more).
HOLD = 400
Entries = dict[str, list[dict[str, Any]]]  # connection field -> every node of it


@dataclass(frozen=True)
class Connection:
    """A connection of a PR node that may go on after its first page of 100."""

    field: str  # the PR's field: files, commits
    alias: str  # the aliases' prefix in its query
    document: Callable[[int], str]  # the query for this many PRs
    most: int  # PRs per request


FILES = Connection("files", "f", queries.pull_request_files, queries.MAX_FILE_BATCH)
COMMITS = Connection("commits", "c", queries.pull_request_commits, queries.MAX_COMMIT_BATCH)


@dataclass(frozen=True)
class _More:
    """A PR whose entries go on after `cursor`; `index` is its place in the held nodes."""

    index: int
    owner: str
    name: str
    number: int
    cursor: str


class MorePages:
    def __init__(self, transport: GitHubTransport, connections: Sequence[Connection]) -> None:
        self.transport = transport
        self.connections = tuple(connections)

    def complete(self, nodes: Iterable[dict[str, Any]]) -> Iterator[tuple[dict[str, Any], Entries]]:
        """Each PR node with every node of its connections, in the order given."""
        held: list[dict[str, Any]] = []
        wide = dict.fromkeys((c.field for c in self.connections), 0)
        for node in nodes:
            held.append(node)
            for c in self.connections:
                wide[c.field] += cursor(node, c.field) is not None
            if len(held) >= HOLD or any(wide[c.field] >= c.most for c in self.connections):
                yield from self._completed(held)
                held, wide = [], dict.fromkeys(wide, 0)
        yield from self._completed(held)

    def _completed(self, nodes: list[dict[str, Any]]) -> Iterator[tuple[dict[str, Any], Entries]]:
        entries = [{c.field: first_nodes(n, c.field) for c in self.connections} for n in nodes]
        for c in self.connections:
            more = tuple(
                _More(i, *repo_name(node).partition("/")[::2], int(node["number"]), after)
                for i, node in enumerate(nodes)
                if (after := cursor(node, c.field)) is not None
            )
            if more:
                self._read_more(c, more, entries)
        yield from zip(nodes, entries, strict=True)

    def _read_more(self, c: Connection, more: tuple[_More, ...], entries: list[Entries]) -> None:
        batch = _Batch(c)

        def fetch(pending: tuple[_More, ...] | None) -> tuple[_More, ...]:
            todo = pending or more
            data = self.transport.send(
                lambda: batch.build(todo),
                what=f"listing {c.field} of {len(todo)} pull requests with over 100 {c.field}",
                on_retry=batch.shrink,
            ).data
            after: list[_More] = []
            for i, wide in enumerate(batch.sent):
                page = self._page(c, data.get(f"{c.alias}{i}"), wide)
                entries[wide.index][c.field].extend(nodes_of(page))
                info = page.get("pageInfo") or {}
                if info.get("hasNextPage") and info.get("endCursor"):
                    after.append(replace(wide, cursor=str(info["endCursor"])))
            return (*todo[len(batch.sent) :], *after)

        what = f"listing {c.field} of pull requests with over 100 {c.field}"
        for _ in follow(fetch, lambda rest: rest or None, where=self.transport.where, what=what):
            pass

    def _page(self, c: Connection, repository: Any, wide: _More) -> dict[str, Any]:
        if not isinstance(repository, dict):
            self.transport.warn_unreadable(f"{wide.owner}/{wide.name}")
            return {}
        pr = repository.get("pullRequest") or {}
        page: dict[str, Any] = pr.get(c.field) or {}
        return page


class _Batch:
    """The PRs one request asks for: up to the connection's `most`, halved when GitHub
    timed out."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.size = connection.most
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
        return self.connection.document(len(self.sent)), variables

    def shrink(self, verdict: Verdict) -> None:
        if verdict.smaller_page:
            self.size = max(1, len(self.sent) // 2)


def first_nodes(node: Mapping[str, Any], field: str) -> list[dict[str, Any]]:
    """The entries on the connection's first page (the search page brought them)."""
    return nodes_of(node.get(field) or {})


def nodes_of(connection: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [n for n in connection.get("nodes") or [] if isinstance(n, dict)]


def cursor(node: Mapping[str, Any], field: str) -> str | None:
    info = (node.get(field) or {}).get("pageInfo") or {}
    after = info.get("endCursor")
    return str(after) if info.get("hasNextPage") and after else None
