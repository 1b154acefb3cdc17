"""Reading the MRs the owner reviewed: over GraphQL, several projects' MRs per request
(`projects(ids:) { mergeRequests(iids:) }`: the MR, its approvers and its notes); over
REST, three requests per MR (the MR, `/approvals`, `/notes`)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import groupby
from typing import Any, Generic, TypeVar

from connectors.gitlab import shapes
from connectors.gitlab.client import Owner, Skipped
from connectors.gitlab.graphql import PageSize, decided
from connectors.gitlab.mr_pages import whole_connection
from connectors.gitlab.normalize import Project, reference_path
from connectors.gitlab.parallel import ordered_map
from connectors.gitlab.queries import (
    MAX_IIDS,
    MAX_REVIEWED_ALIASES,
    MERGE_REQUEST_NOTES,
    reviewed_merge_requests,
)
from connectors.gitlab.source import GitLabSource
from connectors.http import follow
from connectors.streams import RunContext

T = TypeVar("T")
MrKey = tuple[int, int]  # (project id, iid)
Alias = tuple[int, tuple[int, ...]]  # one project's id and up to MAX_IIDS of its MRs' iids


@dataclass(frozen=True)
class Reviewed:
    """An MR by someone else, in REST's shapes, with the owner's notes on it."""

    mr: dict[str, Any]
    project: Project
    approvals: dict[str, Any]
    owner_notes: list[dict[str, Any]]


Found = Reviewed | Skipped | None  # None: the owner's own MR, or outside the allow-lists


def read_reviewed(
    source: GitLabSource, run: RunContext, owner: Owner, keys: Sequence[MrKey]
) -> Iterator[tuple[MrKey, Found]]:
    """Each key with what was found, over GraphQL when the instance serves it."""
    return read_by_project(
        source,
        run,
        keys,
        ProjectQuery(
            reviewed_merge_requests,
            MAX_REVIEWED_ALIASES,
            "the merge requests the owner reviewed (GraphQL)",
            lambda alias, found: from_project(source, owner, alias, found),
        ),
        lambda key: rest_reviewed(source, run, owner, key),
    )


@dataclass(frozen=True)
class ProjectQuery(Generic[T]):
    """MRs read over GraphQL a project alias each (`$pN` its id, `$iN` its MRs' iids):
    the document for a number of aliases, how many at most, and what an alias's answer
    holds for each of its MRs."""

    document_for: Callable[[int], str]
    most: int
    what: str
    parse: Callable[[Alias, Any], Iterator[tuple[MrKey, T]]]


def read_by_project(
    source: GitLabSource,
    run: RunContext,
    keys: Sequence[MrKey],
    query: ProjectQuery[T],
    rest: Callable[[MrKey], T],
) -> Iterator[tuple[MrKey, T]]:
    """Each MR with what was found: over GraphQL several projects a request when the
    instance serves it, else `rest(key)` for each, several in flight."""
    if not keys:
        return

    def batches() -> Iterator[list[tuple[MrKey, T]]]:
        aliases = to_aliases(keys)
        for sent, data in alias_batches(
            source, aliases, query.document_for, query.most, query.what
        ):
            yield [
                found
                for n, alias in enumerate(sent)
                for found in query.parse(alias, data.get(f"p{n}"))
            ]

    decided_batches = decided(run, source.graphql, batches())
    if decided_batches is not None:
        for batch in decided_batches:
            yield from batch
        return
    yield from ordered_map(rest, keys)


def alias_batches(
    source: GitLabSource,
    aliases: Sequence[Alias],
    document_for: Callable[[int], str],
    most: int,
    what: str,
) -> Iterator[tuple[list[Alias], dict[str, Any]]]:
    """(aliases sent, data) of requests of up to `most` project aliases (`$pN` the
    project's global id, `$iN` its MRs' iids), fewer when GitLab finds one too complex."""
    size = PageSize(most)

    def fetch(at: int | None) -> tuple[int, list[Alias], dict[str, Any]]:
        start = at or 0
        sent: list[Alias] = []

        def document() -> str:
            sent[:] = aliases[start : start + size.value]
            return document_for(len(sent))

        def variables() -> dict[str, Any]:
            found: dict[str, Any] = {}
            for n, (project_id, iids) in enumerate(sent):
                found[f"p{n}"] = [shapes.gid("Project", project_id)]
                found[f"i{n}"] = [str(iid) for iid in iids]
            return found

        data = source.graphql.query(document, variables, what=what, size=size)
        return start, sent, data

    def next_start(page: tuple[int, list[Alias], dict[str, Any]]) -> int | None:
        done = page[0] + len(page[1])
        return done if done < len(aliases) else None

    for _, sent, data in follow(fetch, next_start, where=source.where, what=what):
        yield sent, data


def to_aliases(keys: Sequence[MrKey]) -> list[Alias]:
    ordered = sorted(set(keys))
    aliases: list[Alias] = []
    for project_id, group in groupby(ordered, key=lambda key: key[0]):
        iids = [iid for _, iid in group]
        for n in range(0, len(iids), MAX_IIDS):
            aliases.append((project_id, tuple(iids[n : n + MAX_IIDS])))
    return aliases


def from_project(
    source: GitLabSource, owner: Owner, alias: Alias, connection: Any
) -> Iterator[tuple[MrKey, Found]]:
    project_id, iids = alias
    project_nodes = shapes.nodes(connection)
    project_node = project_nodes[0] if project_nodes else {}
    by_iid = {int(n["iid"]): n for n in shapes.nodes(project_node.get("mergeRequests"))}
    for iid in iids:
        node = by_iid.get(iid)
        key = (project_id, iid)
        if node is None:
            yield key, Skipped("not found over GraphQL")
            continue
        project = shapes.project(node, project_node)
        if owner.is_(node.get("author")) or not source.allowed(project.path):
            yield key, None
            continue
        notes = [shapes.note(n) for n in all_notes(source, key, node)]
        mine = [n for n in notes if owner.is_(n["author"])]
        yield key, Reviewed(shapes.merge_request(node), project, shapes.approvals(node), mine)


def all_notes(source: GitLabSource, key: MrKey, node: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The MR's notes: the first page came with it; the rest, rarely, one page a request."""
    return whole_connection(source, key, node.get("notes") or {}, MERGE_REQUEST_NOTES, "notes")


def rest_reviewed(source: GitLabSource, run: RunContext, owner: Owner, key: MrKey) -> Found:
    """The MR, its approvals and the owner's notes on it, over REST."""
    project_id, iid = key
    base = f"/projects/{project_id}/merge_requests/{iid}"
    try:
        mr = source.rest.get(base, what=f"merge request {project_id}!{iid}")
        project = source.projects(run).of(project_id, reference_path(mr, "!"))
        if owner.is_(mr.get("author")) or not source.allowed(project.path):
            return None
        approvals = source.rest.get(f"{base}/approvals", what=f"approvals of {mr['web_url']}")
        notes = source.rest.iterate(
            f"{base}/notes",
            {"sort": "asc", "order_by": "created_at"},
            what=f"notes of {mr['web_url']}",
            skippable=True,
        )
        mine = [n for n in notes if owner.is_(n.get("author"))]
    except Skipped as skip:
        return skip
    return Reviewed(mr, project, approvals, mine)
