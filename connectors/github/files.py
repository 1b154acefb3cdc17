"""The changed files of pull requests with more than 100 of them (GitHub's largest page):
the files after the first 100 are read for many PRs at once (`more_pages`)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from connectors.github.more_pages import FILES, MorePages, first_nodes
from connectors.github.transport import GitHubTransport


class FileLister:
    def __init__(self, transport: GitHubTransport) -> None:
        self.pages = MorePages(transport, (FILES,))

    def complete(
        self, nodes: Iterable[dict[str, Any]]
    ) -> Iterator[tuple[dict[str, Any], list[str]]]:
        """Each PR node with all its changed paths, in the order given."""
        for node, entries in self.pages.complete(nodes):
            yield node, paths_of(entries["files"])


def first_paths(node: Mapping[str, Any]) -> list[str]:
    """The paths on the PR's first page of files (the search page brought them)."""
    return paths_of(first_nodes(node, "files"))


def paths_of(files: Iterable[Mapping[str, Any]]) -> list[str]:
    return [str(f["path"]) for f in files if f.get("path")]
