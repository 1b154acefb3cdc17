"""JiraConnector: the tickets the owner closed, from Jira Cloud or Server / Data Center."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime, timedelta, tzinfo
from typing import Any

from connectors.base import Connector, Runtime, SourceConfig, Stream
from connectors.errors import ConfigProblem, SourceUnavailable
from connectors.item import Item
from connectors.jira.api import JIRA_RULES, JiraApi, JqlRejected
from connectors.jira.config import JiraConfig
from connectors.jira.fields import STANDARD_FIELDS, CustomFields, needs_lookup, resolve_fields
from connectors.jira.jql import keys_jql, tickets_jql, user_zone
from connectors.jira.normalize import epic_keys, normalize_issue

# A runaway paginator (a server that keeps handing out tokens) stops here.
_MAX_PAGES = 10_000
_EPIC_BATCH = 50

Page = list[Mapping[str, Any]]


class JiraConnector(Connector):
    """Issues assigned to the owner that reached a done status category in the window.

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
                    )
                    # JQL has minute precision and is rounded outwards; trim the far end.
                    if until is None or item.occurred_at < until:
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
        return tickets_jql(self.config.who, since, until, self._zone, self.config.jql)

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


def _issues(data: Mapping[str, Any]) -> Page:
    return [i for i in data.get("issues") or () if isinstance(i, Mapping)]
