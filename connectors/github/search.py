"""GitHub search, read in full: search silently stops at 1,000 results, so a window that
holds more is halved until each part fits, and results are read in update order.

Both the window splitting and the pages within a window run on `connectors.http.follow`,
for GraphQL search (cursors) and REST issue search (page numbers) alike.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from connectors.errors import ConfigProblem
from connectors.github.classify import messages
from connectors.github.transport import GitHubTransport
from connectors.http import follow, quoted

SEARCH_CAP = 1000
_ONE_SECOND = timedelta(seconds=1)


@dataclass(frozen=True)
class Window:
    """An inclusive range of whole seconds, as GitHub's `a..b` qualifier reads it."""

    lo: datetime
    hi: datetime

    def qualifier(self, field: str) -> str:
        return f"{field}:{_iso(self.lo)}..{_iso(self.hi)}"

    def halves(self) -> tuple[Window, Window] | None:
        span = int((self.hi - self.lo).total_seconds())
        if span < 1:
            return None
        mid = self.lo + timedelta(seconds=span // 2)
        return Window(self.lo, mid), Window(mid + _ONE_SECOND, self.hi)


def window(since: datetime, until: datetime) -> Window:
    """The whole-second window for [since, until): until is exclusive, so its second is not."""
    lo = since.replace(microsecond=0)
    hi = until.replace(microsecond=0)
    if hi == until:
        hi -= _ONE_SECOND
    return Window(lo, max(lo, hi))


def scope_qualifiers(repos: list[str], orgs: list[str]) -> str:
    """Narrow the search server-side when the allow-lists are literal names (no globs).

    Glob entries cannot be expressed in search syntax; those are filtered client-side.
    """

    def literal(values: list[str], slashes: int) -> bool:
        # A name without wildcards or escapes, of the shape search takes: `owner/name`
        # or `owner` (a bare `payments` in `repos` means any owner's, see pathglob).
        return bool(values) and all(
            v.count("/") == slashes and not v.startswith("/") and not set(v) & set("*?[\\")
            for v in values
        )

    if literal(repos, 1):
        return " ".join(f"repo:{r}" for r in repos)
    if literal(orgs, 0):
        return " ".join(f"org:{o}" for o in orgs)
    return ""


@dataclass(frozen=True)
class SearchPage:
    """One page of a search: the total the server reports for the window, its results,
    and the marker of the next page (None on the last)."""

    count: int
    results: list[dict[str, Any]]
    next: Hashable | None = None


Fetch = Callable[[Window, Any], SearchPage]


@dataclass(frozen=True)
class _Step:
    part: Window
    first: SearchPage | None  # None: the window was split instead of read
    rest: tuple[Window, ...] = field(default=())


def windowed(
    transport: GitHubTransport, whole: Window, fetch: Fetch, *, what: str
) -> Iterator[dict[str, Any]]:
    """Every result in `whole`, oldest window first. `fetch(part, marker)` reads one page
    of a window (marker None: its first); a window whose first page reports 1,000 results
    or more is halved instead (at the cap exactly too: some servers report the capped
    count, not the true one)."""

    def step(pending: tuple[Window, ...] | None) -> _Step:
        *rest, part = pending or (whole,)
        first = fetch(part, None)
        halves = part.halves() if first.count >= SEARCH_CAP else None
        if halves is None:
            return _Step(part, first, tuple(rest))
        return _Step(part, None, (*rest, halves[1], halves[0]))  # the older half first

    where = transport.where
    for done in follow(step, lambda s: s.rest or None, where=where, what=f"{what} (windows)"):
        if done.first is not None:
            yield from _read_window(transport, fetch, done.part, done.first, what)


def _read_window(
    transport: GitHubTransport, fetch: Fetch, part: Window, first: SearchPage, what: str
) -> Iterator[dict[str, Any]]:
    if first.count > SEARCH_CAP:
        transport.logger.warning(
            "%s: %d results updated within one second at %s; GitHub shows only %d",
            transport.where,
            first.count,
            _iso(part.lo),
            SEARCH_CAP,
        )

    def page(marker: Any) -> SearchPage:
        return first if marker is None else fetch(part, marker)

    for found in follow(page, lambda p: p.next, where=transport.where, what=what):
        yield from found.results


def graphql_search(
    transport: GitHubTransport,
    *,
    query: str,
    build_q: Callable[[Window], str],
    whole: Window,
    login: str,
    what: str,
    extra_vars: dict[str, Any] | None = None,
    on_user: Callable[[dict[str, Any]], None] | None = None,
    page_scale: int = 1,
) -> Iterator[dict[str, Any]]:
    """Every PR node a GraphQL `search(type: ISSUE)` finds in `whole`, oldest update first.

    `extra_vars` go with every page; `on_user` sees the query's `user` field of each page.
    """

    def fetch(part: Window, cursor: str | None) -> SearchPage:
        variables = {**(extra_vars or {}), "q": build_q(part), "login": login, "after": cursor}
        answer = transport.paged(query, variables, what=what, scale=page_scale)
        user = answer.data.get("user")
        if user is None:
            raise ConfigProblem(
                f"{transport.where}: GitHub has no user {login!r}",
                hint="fix `login` in this source's config (or remove it to use the token's user)",
            )
        if on_user is not None:
            on_user(user)
        _warn_withheld(transport, answer.errors, what)
        search = answer.data.get("search") or {}
        info = search.get("pageInfo") or {}
        more = info.get("endCursor") if info.get("hasNextPage") else None
        return SearchPage(int(search.get("issueCount") or 0), _pull_requests(search), more)

    return windowed(transport, whole, fetch, what=what)


def _warn_withheld(transport: GitHubTransport, errors: list[dict[str, Any]], what: str) -> None:
    """Errors beside data: e.g. an organisation that requires SAML sign-in, whose PRs come
    back as null. The rest of the page is good; the user learns what is missing."""
    if errors:
        said = quoted(messages(errors), transport.session.secrets)
        transport.logger.warning("%s: GitHub withheld part of %s: %s", transport.where, what, said)


def _pull_requests(search: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        n
        for n in search.get("nodes") or []
        if n and n.get("__typename", "PullRequest") == "PullRequest" and "number" in n
    ]


def rest_issue_search(
    transport: GitHubTransport, build_q: Callable[[Window], str], whole: Window, *, what: str
) -> Iterator[dict[str, Any]]:
    """Every issue REST search finds in `whole`, oldest update first."""
    return rest_search(transport, "/search/issues", build_q, whole, what=what, sort="updated")


def rest_search(
    transport: GitHubTransport,
    path: str,
    build_q: Callable[[Window], str],
    whole: Window,
    *,
    what: str,
    sort: str,
) -> Iterator[dict[str, Any]]:
    """Every result a REST search (`/search/issues`, `/search/commits`) finds in `whole`,
    ascending by `sort` (it reports `incomplete_results`, which the session's policy
    retries), in pages of 100."""

    def fetch(part: Window, page: int | None) -> SearchPage:
        number = page or 1
        params = {"q": build_q(part), "sort": sort, "order": "asc", "per_page": 100}
        body = transport.rest(path, {**params, "page": number}, what=what).json()
        body = body if isinstance(body, dict) else {}
        total = int(body.get("total_count") or 0)
        items = [i for i in body.get("items") or [] if isinstance(i, dict)]
        last = len(items) < 100 or number * 100 >= min(total, SEARCH_CAP)
        return SearchPage(total, items, None if last else number + 1)

    return windowed(transport, whole, fetch, what=what)


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
