"""What every Jira stream reader is handed for one run: the API, the config, and what is
asked once per run (deployment, the user and their timezone, the custom fields)."""

from __future__ import annotations

import logging
from datetime import datetime, tzinfo
from typing import Any

from connectors.errors import ConfigProblem
from connectors.jira.api import JiraApi, JqlRejected
from connectors.jira.config import JiraConfig
from connectors.jira.fields import CustomFields, resolve_fields
from connectors.jira.jql import tickets_jql, user_zone


class JiraSite:
    def __init__(self, config: JiraConfig, api: JiraApi, logger: logging.Logger) -> None:
        self.config = config
        self.api = api
        self.logger = logger
        self._me: dict[str, Any] | None = None
        self._zone: tzinfo | None = None
        self.custom: CustomFields | None = None  # None until the field catalog is read
        # Whether the search also finds tickets a status closed without a resolution;
        # off for a site whose search refuses that part (see `without_status_search`).
        self.by_status = True
        self._refused: JqlRejected | None = None  # said once the narrower search ran

    @property
    def name(self) -> str:
        return self.config.name

    def prepare(self) -> dict[str, Any]:
        """Deployment and user: asked once per run, not once per fetch."""
        if self._me is None:
            self.api.detect()
            self._me = self.api.myself()
            self._zone = user_zone(self._me.get("timeZone"))
            if self._zone is None:
                self.logger.warning(
                    "Jira source %r: unknown user timezone %r; widening the search window",
                    self.name,
                    self._me.get("timeZone"),
                )
        return self._me

    def custom_fields(self) -> CustomFields:
        """Story points, sprint and epic link fields, resolved once per run."""
        if self.custom is None:
            self.custom = resolve_fields(self.config.fields, self.api.fields, self.name)
        return self.custom

    def jql(self, since: datetime, until: datetime | None) -> str:
        return tickets_jql(
            self.config.who,
            since,
            until,
            self._zone,
            self.config.jql,
            deployment=self.api.detect(),
            by_status=self.by_status,
        )

    def without_status_search(self, err: JqlRejected) -> bool:
        """After the search was refused: whether to search again for tickets a resolution
        dates only (True once, when the search by status was on), saying so. A site that
        does not know `statusCategoryChangedDate` or `status CHANGED` (an old Data Center,
        a proxy's subset of JQL) still gives the tickets it can date."""
        if not self.by_status:
            return False
        self.by_status, self._refused = False, err
        return True

    def searched(self) -> None:
        """A search ran: if it is the narrower one, say once why (only now: had it been
        refused too, the fault was the configured `jql`, reported as such)."""
        if self._refused is None:
            return
        self.logger.warning(
            "Jira source %r: Jira refused the search for tickets a status closed without a "
            "resolution (%s); collecting the tickets a resolution closed only",
            self.name,
            "; ".join(self._refused.messages) or "no details",
        )
        self._refused = None

    def jql_problem(self, err: JqlRejected) -> ConfigProblem:
        said = "; ".join(err.messages) or "no details"
        if self.config.jql is None:
            return ConfigProblem(f"Jira source {self.name!r}: Jira rejected the search: {said}")
        return ConfigProblem(
            f"Jira source {self.name!r}: jql = {self.config.jql!r} is not valid here. "
            f"Jira says: {said}",
            hint=f"fix `jql` in the [[sources]] entry named {self.name!r}",
        )
