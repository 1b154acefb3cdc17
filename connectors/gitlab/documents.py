"""What design_docs needs of an MR's documents and of the projects the owner pushed to,
over GraphQL where the instance serves it (many MRs or projects a request), else REST
(each MR's `/diffs`; each project looked up).

An MR's diff stats name the documents it touched but not which it added: GraphQL's
`Repository.blobs` says which exist at the MR's head commit (the text gives an added
one's heading) and which existed at its base. A document at neither was deleted.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from connectors.gitlab import shapes
from connectors.gitlab.client import Skipped
from connectors.gitlab.graphql import PageSize, decided
from connectors.gitlab.normalize import DiffSummary, first_heading, is_design_doc, summarize_diffs
from connectors.gitlab.owner_mrs import OwnerMr, fetch_diffs
from connectors.gitlab.parallel import ordered_map
from connectors.gitlab.queries import MAX_DOCUMENT_ALIASES, PUSHED_PROJECTS, design_documents
from connectors.gitlab.source import GitLabSource
from connectors.http import follow
from connectors.streams import RunContext

Found = tuple[OwnerMr, DiffSummary | Skipped]
PROJECTS_PER_REQUEST = 100


def document_summaries(
    source: GitLabSource, run: RunContext, records: Sequence[OwnerMr]
) -> Iterator[Found]:
    """Each merged MR with what it did to design documents: known when REST read its
    diffs already, else over GraphQL (by its head and base commits), else from `/diffs`."""
    unread: list[OwnerMr] = []
    for record in records:
        if record.diffs_complete and record.summary is not None:
            yield record, record.summary
        else:
            unread.append(record)
    with_refs = [r for r in unread if _ref(r, "head_sha") and _ref(r, "base_sha")]
    pages = decided(run, source.graphql, _graphql(source, with_refs)) if with_refs else None
    if pages is not None:
        for page in pages:
            yield from page
        unread = [r for r in unread if not (_ref(r, "head_sha") and _ref(r, "base_sha"))]
    yield from ordered_map(lambda record: _from_diffs(source, record), unread)


def _from_diffs(source: GitLabSource, record: OwnerMr) -> DiffSummary | Skipped:
    try:
        return summarize_diffs(fetch_diffs(source, record.mr))
    except Skipped as skip:
        return skip


def _ref(record: OwnerMr, name: str) -> str | None:
    found = (record.mr.get("diff_refs") or {}).get(name)
    return str(found) if found else None


def _graphql(source: GitLabSource, records: list[OwnerMr]) -> Iterator[list[Found]]:
    size = PageSize(MAX_DOCUMENT_ALIASES)
    patterns = source.config.design_doc_paths
    what = "the design documents of the owner's merge requests (GraphQL)"

    def paths(record: OwnerMr) -> list[str]:
        return [p for p in (record.summary or DiffSummary()).paths if is_design_doc(p, patterns)]

    def fetch(at: int | None) -> tuple[int, list[OwnerMr], dict[str, Any]]:
        start, sent = at or 0, list[OwnerMr]()

        def document() -> str:
            sent[:] = records[start : start + size.value]
            return design_documents(len(sent))

        def variables() -> dict[str, Any]:
            found: dict[str, Any] = {}
            for n, record in enumerate(sent):
                found |= {f"f{n}": record.project.path, f"p{n}": paths(record)}
                found |= {f"h{n}": _ref(record, "head_sha"), f"b{n}": _ref(record, "base_sha")}
            return found

        return start, sent, source.graphql.query(document, variables, what=what, size=size)

    def next_start(page: tuple[int, list[OwnerMr], dict[str, Any]]) -> int | None:
        done = page[0] + len(page[1])
        return done if done < len(records) else None

    for _, sent, data in follow(fetch, next_start, where=source.where, what=what):
        yield [(r, _summary(paths(r), data.get(f"d{n}"))) for n, r in enumerate(sent)]


def _summary(paths: list[str], project: Any) -> DiffSummary | Skipped:
    if not isinstance(project, dict):
        return Skipped("the project cannot be read over GraphQL")
    repository = project.get("repository") or {}
    after = {str(n["path"]): n for n in shapes.nodes(repository.get("after")) if n.get("path")}
    before = {str(n["path"]) for n in shapes.nodes(repository.get("before")) if n.get("path")}
    added = frozenset(p for p in paths if p in after and p not in before)
    headings = {p: h for p in added if (h := heading(after[p].get("rawTextBlob")))}
    deleted = frozenset(p for p in paths if p not in after)
    return DiffSummary(tuple(paths), None, None, added, deleted, headings)


def heading(text: Any) -> str | None:
    """A document's first Markdown heading, as `first_heading` finds it in an added file."""
    lines = str(text or "").splitlines()
    return first_heading([f"+{line}" for line in lines])


def project_rows(source: GitLabSource, run: RunContext, ids: Sequence[int]) -> None:
    """Put the projects the owner pushed to in the run's lookups, in as few requests as
    GraphQL allows; those it does not return are the ones the token cannot read."""
    wanted = sorted(set(ids))
    if not wanted:
        return
    pages = decided(run, source.graphql, _projects(source, wanted))
    if pages is None:
        return  # looked up one by one over REST when asked for
    found: dict[int, dict[str, Any]] = {}
    for page in pages:
        found |= page
    source.projects(run).known(found, missing=[i for i in wanted if i not in found])


def _projects(source: GitLabSource, ids: list[int]) -> Iterator[dict[int, dict[str, Any]]]:
    what = "the projects the owner pushed to (GraphQL)"
    for start in range(0, len(ids), PROJECTS_PER_REQUEST):
        chunk = {
            "ids": [shapes.gid("Project", i) for i in ids[start : start + PROJECTS_PER_REQUEST]]
        }
        data = source.graphql.query(PUSHED_PROJECTS, chunk.copy, what=what)
        rows = (_project_row(n) for n in shapes.nodes(data.get("projects")))
        yield {row["id"]: row for row in rows if row["id"] is not None}


def _project_row(node: dict[str, Any]) -> dict[str, Any]:
    """A GraphQL project in the REST API's shape."""
    return {
        "id": shapes.gid_number(node.get("id")),
        "path_with_namespace": node.get("fullPath"),
        "web_url": node.get("webUrl"),
        "visibility": node.get("visibility"),
        "default_branch": (node.get("repository") or {}).get("rootRef"),
    }
