"""JiraConnector: the tickets the owner closed, from Jira Cloud or Server / Data Center."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime, timedelta, tzinfo
from typing import Any

from connectors.base import Connector, Runtime, SourceConfig, Stream
from connectors.errors import ConfigProblem, SourceUnavailable
from connectors.item import Item
from connectors.jira.api import JIRA_RULES, EndpointMissing, JiraApi, JqlRejected
from connectors.jira.config import JiraConfig
from connectors.jira.fields import STANDARD_FIELDS, CustomFields, needs_lookup, resolve_fields
from connectors.jira.jql import keys_jql, tickets_jql, user_zone
from connectors.jira.normalize import (
    Closure,
    entered_done,
    epic_keys,
    needs_changelog,
    normalize_issue,
    parse_time,
)

# A runaway paginator (a server that keeps handing out tokens) stops here.
_MAX_PAGES = 10_000
_EPIC_BATCH = 50

Page = list[Mapping[str, Any]]


class JiraConnector(Connector):
    """Issues assigned to the owner that reached a done status category in the window,
    dated by their resolution, else by when they entered that category.

    Jira's search index trails writes slightly (Cloud's enhanced search is documented
    as eventually consistent), hence the stream's lag.
    """

    type_name = "jira"
    config_model = JiraConfig
    all_streams = (Stream("tickets", "ticket", lag=timedelta(minutes=5)),)

    config: JiraConfig

    def __init__(self, config: SourceConfig, token: str, runtime: Runtime | None = None) -> None:
        if not isinstance(config, JiraConfig):
            raise TypeError("JiraConnector needs a JiraConfig")
        super().__init__(config, token, runtime)
        session = self.open_session(JIRA_RULES, users=[config.email] if config.email else [])
        self._api = JiraApi(config, token, session)
        self._me: dict[str, Any] | None = None
        self._zone: tzinfo | None = None
        self._custom: CustomFields | None = None
        self._epics: dict[str, str] = {}
        self._done: frozenset[str] | None = None

    # -- contract -----------------------------------------------------------------------

    def fetch(self, stream: str, since: datetime, until: datetime | None = None) -> Iterator[Item]:
        if stream != "tickets":
            raise ConfigProblem(f"Jira source {self.name!r} has no stream {stream!r}")
        return self._fetch_tickets(since, until)

    def check(self) -> str:
        """Who the token belongs to; also runs the configured search for zero results,
        so an invalid `jql` fails here with Jira's own messages."""
        me = self._prepare()
        self._custom_fields()  # configured field names must exist on the site
        jql = self._jql(self.runtime.now() - timedelta(days=1), None)
        try:
            if self._api.detect() == "cloud":
                # search/jql refuses maxResults below 1; one id is the least it returns.
                self._api.search_cloud(jql, ["id"], 1, None)
            else:
                self._api.search_server(jql, ["id"], 0, 0)
        except JqlRejected as err:
            raise self._jql_problem(err) from None
        who = me.get("displayName") or me.get("emailAddress") or "?"
        ident = me.get("accountId") or me.get("name") or me.get("key") or "?"
        return f"{who} ({ident}) on {self.config.base_url}, {self._api.deployment}"

    def close(self) -> None:
        self._api.close()

    # -- tickets ------------------------------------------------------------------------

    def _fetch_tickets(self, since: datetime, until: datetime | None) -> Iterator[Item]:
        self._prepare()
        jql = self._jql(since, until)
        seen: set[str] = set()
        try:
            if self._custom is None and not self._window_has_tickets(jql):
                return
            custom = self._custom_fields()
            for page in self._pages(jql, [*STANDARD_FIELDS, *custom.ids()]):
                self._lookup_epics(page, custom)
                entries = self._entries_into_done(page)
                for issue in page:
                    key = str(issue.get("key", ""))
                    if not key or key in seen:
                        continue  # offset pages may repeat a row when results shift
                    seen.add(key)
                    item = normalize_issue(
                        issue,
                        source=self.name,
                        base_url=self.config.base_url,
                        custom=custom,
                        epics=self._epics,
                        entered=entries.get(key),
                    )
                    if _in_window(item.occurred_at, since, until):
                        yield item
        except JqlRejected as err:
            raise self._jql_problem(err) from None

    def _window_has_tickets(self, jql: str) -> bool:
        """Whether the search finds anything, asked before the field catalog is read.

        Most scheduled runs find nothing new; they then cost one search instead of the
        catalog and a search. A run that does find tickets pays one small search more.
        """
        if not needs_lookup(self.config.fields):
            return True
        if self._api.detect() == "cloud":
            data = self._api.search_cloud(jql, ["id"], 1, None)
        else:
            data = self._api.search_server(jql, ["id"], 0, 1)
        return bool(_issues(data))

    def _prepare(self) -> dict[str, Any]:
        """Deployment and user: asked once per run, not once per fetch."""
        if self._me is None:
            self._api.detect()
            self._me = self._api.myself()
            self._zone = user_zone(self._me.get("timeZone"))
            if self._zone is None:
                self.runtime.logger.warning(
                    "Jira source %r: unknown user timezone %r; widening the search window",
                    self.name,
                    self._me.get("timeZone"),
                )
        return self._me

    def _custom_fields(self) -> CustomFields:
        """Story points, sprint and epic link fields, resolved once per run."""
        if self._custom is None:
            self._custom = resolve_fields(self.config.fields, self._api.fields, self.name)
        return self._custom

    def _jql(self, since: datetime, until: datetime | None) -> str:
        return tickets_jql(
            self.config.who,
            since,
            until,
            self._zone,
            self.config.jql,
            deployment=self._api.detect(),
        )

    def _jql_problem(self, err: JqlRejected) -> ConfigProblem:
        said = "; ".join(err.messages) or "no details"
        if self.config.jql is None:
            return ConfigProblem(f"Jira source {self.name!r}: Jira rejected the search: {said}")
        return ConfigProblem(
            f"Jira source {self.name!r}: jql = {self.config.jql!r} is not valid here. "
            f"Jira says: {said}",
            hint=f"fix `jql` in the [[sources]] entry named {self.name!r}",
        )

    # -- pagination ---------------------------------------------------------------------

    def _pages(self, jql: str, fields: list[str]) -> Iterator[Page]:
        if self._api.detect() == "cloud":
            return self._cloud_pages(jql, fields)
        return self._server_pages(jql, fields)

    def _cloud_pages(self, jql: str, fields: list[str]) -> Iterator[Page]:
        token: str | None = None
        for _ in range(_MAX_PAGES):
            data = self._api.search_cloud(jql, fields, self.config.page_size, token)
            yield _issues(data)
            following = data.get("nextPageToken")
            if data.get("isLast") is True or not following:
                return
            if following == token:
                raise SourceUnavailable(f"Jira source {self.name!r}: Jira repeated a page token")
            token = str(following)
        raise SourceUnavailable(f"Jira source {self.name!r}: more than {_MAX_PAGES} pages")

    def _server_pages(self, jql: str, fields: list[str]) -> Iterator[Page]:
        start = 0
        total: int | None = None
        for _ in range(_MAX_PAGES):
            data = self._api.search_server(jql, fields, start, self.config.page_size)
            issues = _issues(data)
            yield issues
            reported = data.get("total")
            now_total = reported if isinstance(reported, int) else None
            shrunk = total - now_total if total and now_total is not None else 0
            total = now_total
            if shrunk > 0:
                # Rows left the result while paging (a ticket reopened): rows not yet read
                # moved up by as many places, so read again from there; repeats are dropped.
                start = max(0, start - shrunk)
                continue
            start += len(issues)
            if not issues or (total is not None and start >= total):
                return
            if total is None and len(issues) < self.config.page_size:
                return  # no total reported: a short page is the last one
        raise SourceUnavailable(f"Jira source {self.name!r}: more than {_MAX_PAGES} pages")

    def _lookup_epics(self, page: Page, custom: CustomFields) -> None:
        """Summaries of epics linked by Epic Link (Data Center), one search per page."""
        wanted = {k for issue in page for k in epic_keys(issue, custom)} - set(self._epics)
        keys = sorted(wanted)
        for i in range(0, len(keys), _EPIC_BATCH):
            batch = keys[i : i + _EPIC_BATCH]
            for key in batch:
                self._epics.setdefault(key, "")  # asked once, even if not visible
            try:
                if self._api.detect() == "cloud":
                    data = self._api.search_cloud(keys_jql(batch), ["summary"], len(batch), None)
                else:
                    data = self._api.search_server(
                        keys_jql(batch), ["summary"], 0, len(batch), validate=False
                    )
            except ConfigProblem:
                # An epic deleted or hidden, or a site that cannot look keys up: the
                # tickets keep the epic's key and go without its summary.
                continue
            for epic in _issues(data):
                summary = (epic.get("fields") or {}).get("summary")
                if epic.get("key") and summary:
                    self._epics[str(epic["key"])] = str(summary)

    # -- tickets closed by a status, without a resolution ---------------------------------

    def _entries_into_done(self, page: Page) -> dict[str, Closure]:
        """When the page's tickets that have neither a resolution date nor a status-category
        date (Data Center) entered Done, by key, read from their changelogs.

        Costs one search per page that has such tickets, and the status list once per
        run; pages, and warm runs, without them cost nothing more.
        """
        waiting = {str(i["key"]): i for i in page if i.get("key") and needs_changelog(i)}
        if not waiting:
            return {}
        changelogs = self._changelogs(sorted(waiting))
        done = self._done_statuses()
        entries: dict[str, Closure] = {}
        for key, issue in waiting.items():
            fields = issue.get("fields") or {}
            entry = entered_done(
                changelogs.get(key), done | _current_done(fields), parse_time(fields["created"])
            )
            if entry is not None:
                entries[key] = entry
        return entries

    def _changelogs(self, keys: list[str]) -> dict[str, Any]:
        """The changelogs of issues by key, one search per batch of keys."""
        found: dict[str, Any] = {}
        for i in range(0, len(keys), _EPIC_BATCH):
            batch = keys[i : i + _EPIC_BATCH]
            try:
                data = _search_with_changelog(self._api, keys_jql(batch), len(batch))
            except ConfigProblem as err:
                # A ticket deleted or hidden meanwhile: those left are dated by their last
                # update, the latest they can have closed.
                self.runtime.logger.warning(
                    "Jira source %r: no changelog for %s: %s", self.name, ", ".join(batch), err
                )
                continue
            for issue in _issues(data):
                if issue.get("key"):
                    found[str(issue["key"])] = issue.get("changelog")
        return found

    def _done_statuses(self) -> frozenset[str]:
        """Ids of the site's Done-category statuses: changelogs name statuses, not categories."""
        if self._done is None:
            try:
                self._done = _done_ids(self._api._get("status", ("2",)))
            except EndpointMissing:
                self._done = frozenset()  # each ticket's own status is still known to be done
        return self._done


def _search_with_changelog(api: JiraApi, jql: str, size: int) -> Mapping[str, Any]:
    """One page of issues with their changelogs (`expand=changelog`).

    JiraApi's searches take no `expand` (its HTTP code is being replaced by the shared
    HTTP layer), so this asks through its `_get`, with the same retries and errors.
    """
    params: dict[str, Any] = {"jql": jql, "maxResults": size, "fields": "status"}
    params["expand"] = "changelog"
    if api.detect() == "cloud":
        data = api._get("search/jql", ("3", "2"), params, "search")
    else:
        params |= {"startAt": 0, "validateQuery": "false"}  # a deleted key must not fail
        data = api._get("search", ("2",), params, "search")
    return data if isinstance(data, Mapping) else {}


def _done_ids(statuses: Any) -> frozenset[str]:
    """Ids of the Done-category statuses in `/status`'s answer."""
    listed = statuses if isinstance(statuses, list) else ()
    return frozenset(
        str(s["id"])
        for s in listed
        if isinstance(s, Mapping) and s.get("id") and _category(s) == "done"
    )


def _category(status: Mapping[str, Any]) -> Any:
    return (status.get("statusCategory") or {}).get("key")


def _current_done(fields: Mapping[str, Any]) -> frozenset[str]:
    """The ticket's own status id when it is Done: known even if the status list is not."""
    status = fields.get("status") or {}
    if isinstance(status, Mapping) and status.get("id") and _category(status) == "done":
        return frozenset({str(status["id"])})
    return frozenset()


def _in_window(at: datetime, since: datetime, until: datetime | None) -> bool:
    """JQL has minute precision, rounded outwards, and Data Center's search for tickets
    closed by a status is a superset: what lies outside [since, until) is dropped here."""
    return since <= at and (until is None or at < until)


def _issues(data: Mapping[str, Any]) -> Page:
    return [i for i in data.get("issues") or () if isinstance(i, Mapping)]
