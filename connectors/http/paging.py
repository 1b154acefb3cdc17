"""The one paging loop: follow a server's "next" marker until it has no more, bounded.

Every API pages its own way (GraphQL `endCursor`, Jira's `nextPageToken` or `startAt`,
GitHub's page numbers); each supplies how to fetch a page and how to read the next
marker from it. What every loop needs alike lives here: a bound on pages (a runaway
server must not keep a run going for ever) and a stop when a server hands out a marker
it handed out before (it would loop).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from typing import TypeVar

from connectors.errors import SourceUnavailable

Page = TypeVar("Page")
Marker = TypeVar("Marker", bound=Hashable)

MAX_PAGES = 10_000


def follow(
    fetch: Callable[[Marker | None], Page],
    next_marker: Callable[[Page], Marker | None],
    *,
    where: str,
    what: str,
    max_pages: int = MAX_PAGES,
) -> Iterator[Page]:
    """Pages from `fetch(None)` on, each next one from `fetch(next_marker(page))`."""
    marker: Marker | None = None
    seen: set[Marker] = set()
    for _ in range(max_pages):
        page = fetch(marker)
        yield page
        marker = next_marker(page)
        if marker is None:
            return
        if marker in seen:
            raise SourceUnavailable(f"{where}: the server repeated a page while {what}")
        seen.add(marker)
    raise SourceUnavailable(
        f"{where}: {what} did not end after {max_pages:,} pages; collect a shorter period "
        "(`--since`) at a time"
    )
