"""Search windows: GitHub search silently stops at 1,000 results, so a window that holds
more is halved until each part fits, and results are read in update order."""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from connectors.errors import ConfigProblem
from connectors.github.transport import GitHubTransport

SEARCH_CAP = 1000
_ONE_SECOND = timedelta(seconds=1)
_MAX_WINDOWS = 512


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

    def literal(values: list[str]) -> bool:
        return bool(values) and not any(ch in v for v in values for ch in "*?[")

    if literal(repos):
        return " ".join(f"repo:{r}" for r in repos)
    if literal(orgs):
        return " ".join(f"org:{o}" for o in orgs)
    return ""


def search_nodes(
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
    """Yield every search node in `whole` (oldest update first), splitting crowded windows.

    `extra_vars` go with every page; `on_user` sees the query's `user` field of each page.
    """
    pending = [whole]
    done = 0
    while pending and done < _MAX_WINDOWS:
        part = pending.pop()
        done += 1
        variables = {**(extra_vars or {}), "q": build_q(part), "login": login}
        pages = _pages(transport, query, variables, what, on_user, page_scale)
        count, first_nodes = next(pages)
        # At the cap exactly, split too: some servers report the capped count, not the true one.
        halves = part.halves() if count >= SEARCH_CAP else None
        if halves is not None:
            pages.close()
            pending.extend(reversed(halves))  # the older half is read first
            continue
        if count > SEARCH_CAP:
            transport.runtime.logger.warning(
                "%s: %d results updated within one second at %s; GitHub shows only %d",
                transport.where(),
                count,
                _iso(part.lo),
                SEARCH_CAP,
            )
        yield from first_nodes
        for _, nodes in pages:
            yield from nodes
    if pending:
        raise ConfigProblem(f"{transport.where()}: {what} needs more than {_MAX_WINDOWS} windows")


def _pages(
    transport: GitHubTransport,
    query: str,
    base_vars: dict[str, Any],
    what: str,
    on_user: Callable[[dict[str, Any]], None] | None,
    page_scale: int,
) -> Generator[tuple[int, list[dict[str, Any]]], None, None]:
    after: str | None = None
    login = base_vars["login"]
    # 1,000 reachable results at the smallest page size after 502s, plus slack.
    for _ in range(SEARCH_CAP // 5 + 2):
        variables = {**base_vars, "first": transport.page_size, "after": after}
        response = transport.graphql(query, variables, what=what, paged=True, page_scale=page_scale)
        data = response.data or {}
        if data.get("user") is None:
            raise ConfigProblem(
                f"{transport.where()}: GitHub has no user {login!r}",
                hint="fix `login` in this source's config (or remove it to use the token's user)",
            )
        if on_user is not None:
            on_user(data["user"])
        if response.errors:
            # e.g. an organisation that requires SAML sign-in: its PRs come back as null.
            transport.runtime.logger.warning(
                "%s: GitHub withheld part of %s: %s",
                transport.where(),
                what,
                "; ".join(str(e.get("message", "?")) for e in response.errors)[:300],
            )
        search = data.get("search") or {}
        nodes = [
            n
            for n in search.get("nodes") or []
            if n and n.get("__typename", "PullRequest") == "PullRequest" and "number" in n
        ]
        yield int(search.get("issueCount") or 0), nodes
        info = search.get("pageInfo") or {}
        if not info.get("hasNextPage") or not info.get("endCursor"):
            return
        after = info["endCursor"]


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
