"""The pages of one MR's connection (notes, commits) after the first, which came with the
MR: rare (more than 100 of them), so one page a request."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from connectors.gitlab import shapes
from connectors.gitlab.source import GitLabSource
from connectors.http import follow

MrKey = tuple[int, int]  # (project id, iid)


def whole_connection(
    source: GitLabSource, key: MrKey, first: Mapping[str, Any], document: str, field: str
) -> list[dict[str, Any]]:
    """Every node of the MR's `field`: the first page given, the rest read with `document`
    (`$project`, `$iid`, `$after`; the MR's `field` under `projects { mergeRequests }`)."""
    found = shapes.nodes(first)
    info = first.get("pageInfo") or {}
    if not info.get("hasNextPage"):
        return found
    project_id, iid = key
    what = f"the {field} of merge request {project_id}!{iid} (GraphQL)"

    def fetch(after: str | None) -> Mapping[str, Any]:
        def variables() -> dict[str, Any]:
            cursor = after or info.get("endCursor")
            return {
                "project": [shapes.gid("Project", project_id)],
                "iid": [str(iid)],
                "after": cursor,
            }

        data = source.graphql.query(document, variables, what=what)
        projects = shapes.nodes(data.get("projects"))
        mrs = shapes.nodes(projects[0].get("mergeRequests")) if projects else []
        return (mrs[0].get(field) if mrs else None) or {}

    def next_after(page: Mapping[str, Any]) -> str | None:
        more = page.get("pageInfo") or {}
        return str(more["endCursor"]) if more.get("hasNextPage") and more.get("endCursor") else None

    pages = follow(fetch, next_after, where=source.where, what=what)
    return found + [n for page in pages for n in shapes.nodes(page)]
