"""JiraConnector: the tickets the owner closed, from Jira Cloud or Server / Data Center."""

from __future__ import annotations

from datetime import timedelta

from connectors.base import Connector, Runtime, SourceConfig
from connectors.jira.api import JIRA_RULES, JiraApi, JqlRejected
from connectors.jira.config import JiraConfig
from connectors.jira.site import JiraSite
from connectors.jira.tickets import Tickets


class JiraConnector(Connector):
    type_name = "jira"
    config_model = JiraConfig
    readers = (Tickets,)

    config: JiraConfig

    def __init__(self, config: SourceConfig, token: str, runtime: Runtime | None = None) -> None:
        super().__init__(config, token, runtime)
        email = self.config.email
        session = self.open_session(JIRA_RULES, users=[email] if email else [])
        self._site = JiraSite(
            self.config, JiraApi(self.config, token, session), self.runtime.logger
        )

    def reader_source(self) -> JiraSite:
        return self._site

    def check(self) -> str:
        """Who the token belongs to; also runs the configured search for at most one
        result, so an invalid `jql` fails here with Jira's own messages."""
        site = self._site
        me = site.prepare()
        site.custom_fields()  # configured field names must exist on the site
        while True:
            jql = site.jql(self.runtime.now() - timedelta(days=1), None)
            try:
                # Cloud's search/jql refuses maxResults below 1; Data Center takes 0.
                site.api.search(jql, ["id"], 1 if site.api.detect() == "cloud" else 0)
                site.searched()
                break
            except JqlRejected as err:
                if not site.without_status_search(err):
                    raise site.jql_problem(err) from None
        who = me.get("displayName") or me.get("emailAddress") or "?"
        ident = me.get("accountId") or me.get("name") or me.get("key") or "?"
        return f"{who} ({ident}) on {self.config.base_url}, {site.api.deployment}"

    def close(self) -> None:
        self._site.api.close()
