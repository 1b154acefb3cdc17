"""The Jira REST calls growthmap makes, on the source's one HTTP session.

Retries, rate-limit waits and request counting are the session's (`connectors.http`);
here: which endpoint, which auth, and what Jira's refusals mean. The `jira` package
does the Jira-specific parts that are real work: its `TokenAuth` (Data Center personal
access tokens) and `parse_errors` (Jira's error bodies, across versions). Its `JIRA`
client is not built: its constructor asks `serverInfo` uncounted, and its search reads
one page of 50 unless told otherwise (see the pitfalls in docs/architecture.md).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import requests
from jira.client import TokenAuth
from jira.resilientsession import parse_errors

from connectors.errors import AuthError, ConfigProblem, ConnectorError, RateLimited
from connectors.http import ApiRules, SourceSession, Verdict, classify_common, quoted
from connectors.jira.config import JiraConfig


def classify_jira(response: requests.Response, now: datetime) -> Verdict:
    """Jira Cloud sends 429 with Retry-After or an ISO `X-RateLimit-Reset`, and 503 with
    Retry-After under load: the common rules read both."""
    return classify_common(response, now)


JIRA_RULES = ApiRules("Jira", classify_jira)


class JiraApi:
    """One Jira site for one run. Knows endpoints, auth and error translation, nothing of
    Items."""

    def __init__(self, config: JiraConfig, token: str, session: SourceSession) -> None:
        self._config = config
        self._token = token
        self._session = session
        self.deployment = config.deployment

    @property
    def _source(self) -> str:
        return self._session.policy.where

    def _basic(self) -> bool:
        if self.deployment == "server":
            return False  # Data Center personal access tokens are bearer tokens
        return self._config.email is not None

    def _auth(self) -> requests.auth.AuthBase | tuple[str, str]:
        if self._basic():
            assert self._config.email is not None
            return (self._config.email, self._token)  # Cloud: email + API token
        return TokenAuth(self._token)

    def close(self) -> None:
        self._session.close()

    # -- endpoints ----------------------------------------------------------------------

    def detect(self) -> str:
        """The deployment, "cloud" or "server": from config, else from serverInfo."""
        if self.deployment is None:
            info = self._get("serverInfo", ("2", "3"))
            kind = info.get("deploymentType") if isinstance(info, Mapping) else None
            self.deployment = "cloud" if kind == "Cloud" else "server"
        if self.deployment == "cloud" and not self._config.email:
            raise ConfigProblem(
                f"{self._source}: {self._config.base_url} is Jira Cloud, which needs `email`",
                hint="set email = the Atlassian account's address; the API token goes in "
                f"${self._config.token_env}",
            )
        return self.deployment

    def _versions(self) -> tuple[str, ...]:
        # Cloud serves v3 and v2 alike; Server and Data Center have only v2.
        return ("3", "2") if self.detect() == "cloud" else ("2",)

    def myself(self) -> dict[str, Any]:
        data = self._get("myself", self._versions())
        if not isinstance(data, dict) or not data:
            # Server answers 200 with an empty body when the login failed (JRA-41559).
            raise self._auth_error("myself", ["the server did not accept the login"])
        return data

    def fields(self) -> list[Mapping[str, Any]]:
        """The field catalog; empty (custom fields unknown) where a site does not serve it."""
        try:
            data = self._get("field", self._versions())
        except EndpointMissing:
            return []
        return [f for f in data if isinstance(f, Mapping)] if isinstance(data, list) else []

    def search(
        self,
        jql: str,
        fields: Sequence[str],
        size: int,
        *,
        page: str | int | None = None,
        validate: bool = True,
        expand: str | None = None,
    ) -> dict[str, Any]:
        """One page of a search. Cloud: the enhanced search, paged by `nextPageToken`
        (`page` is the token). Server / Data Center: the classic search, paged by
        `startAt` (`page` is the offset); `validate=False` lets a key that no longer
        exists pass (epic and changelog lookups)."""
        params: dict[str, Any] = {"jql": jql, "maxResults": size, "fields": ",".join(fields)}
        if expand:
            params["expand"] = expand
        if self.detect() == "cloud":
            if page:
                params["nextPageToken"] = page
            return _page(self._get("search/jql", ("3", "2"), params, "search"), self._source)
        params["startAt"] = int(page or 0)
        # "true"/"false" rather than "strict"/"none": Jira 7 knows only the booleans.
        params["validateQuery"] = "true" if validate else "false"
        return _page(self._get("search", ("2",), params, "search"), self._source)

    def statuses(self) -> list[Mapping[str, Any]]:
        """Every status of the site with its category; empty where it is not served."""
        try:
            data = self._get("status", ("2",))
        except EndpointMissing:
            return []
        return [s for s in data if isinstance(s, Mapping)] if isinstance(data, list) else []

    def _get(
        self,
        path: str,
        versions: tuple[str, ...],
        params: dict[str, Any] | None = None,
        what: str | None = None,
    ) -> Any:
        """GET `/rest/api/{version}/{path}` as JSON, trying the next version on a 404."""
        for version in versions:
            url = f"{self._config.base_url}/rest/api/{version}/{path}"
            try:
                return self._json(
                    self._session.get(url, params=params, auth=self._auth()), what or path
                )
            except EndpointMissing:
                if version == versions[-1]:
                    raise
        raise AssertionError("unreachable")  # versions is never empty

    def _json(self, response: requests.Response, what: str) -> Any:
        if response.status_code >= 400:
            raise self._translate(response, what)
        if not response.content.strip():
            return {}  # Jira sends some refusals as an empty 200 (see `myself`)
        try:
            return response.json()
        except ValueError:
            raise ConfigProblem(
                f"{self._source}: {self._config.base_url} did not answer {what} with JSON",
                hint="check base_url: it must be the Jira site itself",
            ) from None

    # -- errors -------------------------------------------------------------------------

    def _translate(self, response: requests.Response, what: str) -> ConnectorError:
        status = response.status_code
        messages = self._messages(response)
        if status in (401, 403):
            return self._auth_error(what, messages, status)
        detail = "; ".join(messages) or "no details"
        if status == 429:  # only when the server named no wait the policy could honour
            return RateLimited(f"{self._source}: Jira kept answering {what} with HTTP 429")
        if status == 400 and what == "search":
            return JqlRejected(self._source, messages)
        if status in (404, 405, 410):
            return EndpointMissing(
                f"{self._source}: {self._config.base_url} has no Jira {what} API "
                f"(HTTP {status}: {detail})",
                hint="check base_url and deployment (cloud or server)",
            )
        return ConfigProblem(f"{self._source}: Jira refused {what} (HTTP {status}): {detail}")

    def _messages(self, response: requests.Response) -> list[str]:
        """Jira's own error messages, shortened and with every form of the credential
        masked (a proxy may echo the request's Authorization header)."""
        found = [quoted(m, self._session.secrets) for m in parse_errors(response)]
        return [m for m in found if m]

    def _auth_error(self, what: str, messages: list[str], status: int = 401) -> AuthError:
        env = self._config.token_env
        if self._basic():
            hint = f"check email and the API token in ${env}"
        elif self.deployment == "server":
            hint = f"check the personal access token in ${env}"
        else:
            hint = (
                f"Jira Cloud needs `email` with the API token in ${env}; "
                f"Data Center needs a personal access token in ${env}"
            )
        detail = "; ".join(messages) or ("not authenticated" if status == 401 else "forbidden")
        verb = "rejected the credentials" if status == 401 else "refused access"
        return AuthError(
            f"{self._source}: {self._config.base_url} {verb} (HTTP {status} on {what}: {detail})",
            hint=hint,
        )


class EndpointMissing(ConfigProblem):
    """404, 405 or 410: this site has no such API (wrong base_url or deployment)."""


class JqlRejected(ConfigProblem):
    """Jira answered a search with 400: its own messages say what is wrong with the JQL."""

    def __init__(self, source: str, messages: list[str]) -> None:
        self.messages = messages
        super().__init__(f"{source}: Jira rejected the search: {'; '.join(messages)}")


def _page(data: Any, source: str) -> dict[str, Any]:
    if not isinstance(data, dict) or not isinstance(data.get("issues", []), list):
        raise ConfigProblem(f"{source}: Jira answered a search with an unexpected body")
    return data
