"""The tickets stream: issues assigned to the owner that reached a Done-category status
in the window, dated by their resolution, else by when they entered that category.

Jira's search index trails writes slightly (Cloud's enhanced search is documented as
eventually consistent), hence the stream's lag.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from connectors.errors import ConfigProblem
from connectors.http import follow
from connectors.item import Item
from connectors.jira.api import JqlRejected
from connectors.jira.fields import STANDARD_FIELDS, CustomFields, needs_lookup
from connectors.jira.jql import keys_jql
from connectors.jira.normalize import (
    Closure,
    entered_done,
    epic_keys,
    needs_changelog,
    normalize_issue,
    parse_time,
)
from connectors.jira.site import JiraSite
from connectors.streams import RunContext, Stream, StreamReader, Window

_KEY_BATCH = 50  # keys per lookup search (epics, changelogs): well under JQL's limits

Page = list[Mapping[str, Any]]


class Tickets(StreamReader[JiraSite]):
    stream = Stream("tickets", "ticket", lag=timedelta(minutes=5))

    def __init__(self, source: JiraSite) -> None:
        super().__init__(source)
        self._epics: dict[str, str] = {}
        self._done: frozenset[str] | None = None

    def fetch(self, window: Window, run: RunContext) -> Iterator[Item]:
        site = self.source
        site.prepare()
        seen: set[str] = set()
        while True:
            try:
                yield from self._search(window, seen)
                return
            except JqlRejected as err:
                # Refused before a page was read: once more without the search by status.
                if seen or not site.without_status_search(err):
                    raise site.jql_problem(err) from None

    def _search(self, window: Window, seen: set[str]) -> Iterator[Item]:
        site = self.source
        jql = site.jql(window.since, window.until)
        if site.custom is None and not self._window_has_tickets(jql):
            site.searched()
            return
        custom = site.custom_fields()
        for page in search_pages(site, jql, [*STANDARD_FIELDS, *custom.ids()]):
            site.searched()
            fresh = [i for i in page if i.get("key") and str(i["key"]) not in seen]
            seen.update(str(i["key"]) for i in fresh)  # offset pages may repeat a row
            yield from self._items(fresh, custom, window)

    def _items(self, page: Page, custom: CustomFields, window: Window) -> Iterator[Item]:
        self._lookup_epics(page, custom)
        entries = self._entries_into_done(page)
        for issue in page:
            item = normalize_issue(
                issue,
                source=self.source.name,
                base_url=self.source.config.base_url,
                custom=custom,
                epics=self._epics,
                entered=entries.get(str(issue["key"])),
            )
            # JQL has minute precision, rounded outwards, and Data Center's search for
            # tickets closed by a status is a superset: outside [since, until) is dropped.
            if window.since <= item.occurred_at < window.until:
                yield item

    def _window_has_tickets(self, jql: str) -> bool:
        """Whether the search finds anything, asked before the field catalog is read.

        Most scheduled runs find nothing new; they then cost one search instead of the
        catalog and a search. A run that does find tickets pays one small search more.
        """
        if not needs_lookup(self.source.config.fields):
            return True
        return bool(_issues(self.source.api.search(jql, ["id"], 1)))

    def _lookup_epics(self, page: Page, custom: CustomFields) -> None:
        """Summaries of epics linked by Epic Link (Data Center), one search per batch."""
        keys = sorted({k for issue in page for k in epic_keys(issue, custom)} - set(self._epics))
        for key in keys:
            self._epics.setdefault(key, "")  # asked once, even if not visible
        for epic in self._lookup(keys, ["summary"], None):
            summary = (epic.get("fields") or {}).get("summary")
            if epic.get("key") and summary:
                self._epics[str(epic["key"])] = str(summary)

    def _lookup(self, keys: list[str], fields: list[str], expand: str | None) -> Page:
        """Issues by key, one search per batch. An issue deleted or hidden meanwhile, or a
        site that cannot look keys up, leaves its tickets without what was looked for."""
        found: Page = []
        for i in range(0, len(keys), _KEY_BATCH):
            batch = keys[i : i + _KEY_BATCH]
            try:
                data = self.source.api.search(
                    keys_jql(batch), fields, len(batch), validate=False, expand=expand
                )
            except ConfigProblem as err:
                self.source.logger.warning(
                    "Jira source %r: could not look up %s: %s",
                    self.source.name,
                    ", ".join(batch),
                    err,
                )
                continue
            found += _issues(data)
        return found

    # -- tickets closed by a status, without a resolution ---------------------------------

    def _entries_into_done(self, page: Page) -> dict[str, Closure]:
        """When the page's tickets that have neither a resolution date nor a status-category
        date (Data Center) entered Done, by key, read from their changelogs.

        Costs one search per page that has such tickets, and the status list once per
        run; pages, and warm runs, without them cost nothing more. A ticket whose
        changelog cannot be read is dated by its last update, the latest it can have closed.
        """
        waiting = {str(i["key"]): i for i in page if needs_changelog(i)}
        if not waiting:
            return {}
        changelogs = {
            str(i["key"]): i.get("changelog")
            for i in self._lookup(sorted(waiting), ["status"], "changelog")
            if i.get("key")
        }
        done = self._done_statuses()
        entries: dict[str, Closure] = {}
        for key, issue in waiting.items():
            fields = issue.get("fields") or {}
            created = parse_time(fields["created"])
            entry = entered_done(changelogs.get(key), done | _current_done(fields), created)
            if entry is not None:
                entries[key] = entry
        return entries

    def _done_statuses(self) -> frozenset[str]:
        """Ids of the site's Done-category statuses: changelogs name statuses, not categories."""
        if self._done is None:
            self._done = frozenset(
                str(s["id"]) for s in self.source.api.statuses() if s.get("id") and _done(s)
            )
        return self._done


def search_pages(site: JiraSite, jql: str, fields: list[str]) -> Iterator[Page]:
    """Every page of a search, through the one paging loop."""
    size = site.config.page_size
    if site.api.detect() == "cloud":
        pages = follow(
            lambda token: site.api.search(jql, fields, size, page=token),
            _next_token,
            where=f"Jira source {site.name!r}",
            what="reading the search's pages",
        )
    else:
        offsets = _Offsets(size)
        pages = follow(
            lambda at: site.api.search(jql, fields, size, page=at[0] if at else 0),
            offsets.next,
            where=f"Jira source {site.name!r}",
            what="reading the search's pages",
        )
    return (_issues(data) for data in pages)


def _next_token(data: Mapping[str, Any]) -> str | None:
    following = data.get("nextPageToken")
    return None if data.get("isLast") is True or not following else str(following)


@dataclass
class _Offsets:
    """`startAt` paging (Server / Data Center). The marker is (offset, total): the same
    offset may come back when the total changed, never with the same total."""

    size: int
    start: int = 0
    total: int | None = None

    def next(self, data: Mapping[str, Any]) -> tuple[int, int | None] | None:
        issues = _issues(data)
        reported = data.get("total")
        now_total = reported if isinstance(reported, int) else None
        shrunk = self.total - now_total if self.total and now_total is not None else 0
        self.total = now_total
        if shrunk > 0:
            # Rows left the result while paging (a ticket reopened): rows not yet read
            # moved up by as many places, so read again from there; repeats are dropped.
            self.start = max(0, self.start - shrunk)
            return self.start, now_total
        self.start += len(issues)
        if not issues or (now_total is not None and self.start >= now_total):
            return None
        if now_total is None and len(issues) < self.size:
            return None  # no total reported: a short page is the last one
        return self.start, now_total


def _done(status: Mapping[str, Any]) -> bool:
    return (status.get("statusCategory") or {}).get("key") == "done"


def _current_done(fields: Mapping[str, Any]) -> frozenset[str]:
    """The ticket's own status id when it is Done: known even if the status list is not."""
    status = fields.get("status") or {}
    if isinstance(status, Mapping) and status.get("id") and _done(status):
        return frozenset({str(status["id"])})
    return frozenset()


def _issues(data: Mapping[str, Any]) -> Page:
    return [i for i in data.get("issues") or () if isinstance(i, Mapping)]
