"""The Jira REST calls growthmap makes, through the `jira` package's client and session.

The package's `ResilientSession` retries 429/503 on its own with real `time.sleep`
calls of up to a minute, unseen by `max_retries` and `max_rate_limit_wait`. It is
built with `max_retries=0` (one attempt, no sleep) and every call goes through
`_call`, which retries 429, 5xx and transport failures with `runtime.sleep`, so the
waits are bounded by the config and tests never really sleep.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from functools import partial
from typing import Any, TypeVar

import requests
from jira import JIRA, JIRAError
from jira.resilientsession import parse_errors

from connectors.base import RequestStats, Runtime, count_requests
from connectors.errors import (
    AuthError,
    ConfigProblem,
    ConnectorError,
    RateLimited,
    SourceUnavailable,
    Unreachable,
    connection_failure,
    no_connection,
)
from connectors.jira.config import JiraConfig

T = TypeVar("T")

_MAX_BACKOFF = 60.0
_MESSAGE_LIMIT = 300


class JiraApi:
    """One Jira site for one run. Knows HTTP and error translation, nothing of Items."""

    def __init__(
        self, config: JiraConfig, token: str, runtime: Runtime, stats: RequestStats
    ) -> None:
        self._config = config
        self._token = token
        self._runtime = runtime
        self._stats = stats
        self.deployment = config.deployment
        self._client: JIRA | None = None
        self._basic: bool | None = None

    @property
    def _source(self) -> str:
        return f"Jira source {self._config.name!r}"

    # -- client -------------------------------------------------------------------------

    def _wants_basic(self) -> bool:
        if self.deployment == "server":
            return False  # Data Center personal access tokens are bearer tokens
        return self._config.email is not None

    def client(self) -> JIRA:
        basic = self._wants_basic()
        if self._client is None or self._basic != basic:
            self.close()
            self._client = self._build(basic)
            self._basic = basic
        return self._client

    def _build(self, basic: bool) -> JIRA:
        # get_server_info=False: the constructor makes no request, so every request is
        # counted and retried here; serverInfo is asked only when the deployment is unknown.
        common: dict[str, Any] = {
            "server": self._config.base_url,
            "get_server_info": False,
            "max_retries": 0,
            "timeout": self._config.timeout,
            "logging": False,
        }
        if basic:
            assert self._config.email is not None
            client = JIRA(basic_auth=(self._config.email, self._token), **common)
        else:
            client = JIRA(token_auth=self._token, **common)
        count_requests(client._session, self._stats)
        return client

    def close(self) -> None:
        if self._client is not None:
            self._client._session.close()  # JIRA.close() is untyped; this is what it does
            self._client = None

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

    def search_cloud(
        self, jql: str, fields: Sequence[str], max_results: int, token: str | None
    ) -> dict[str, Any]:
        """One page of the enhanced search (`nextPageToken` pagination)."""
        params: dict[str, Any] = {"jql": jql, "maxResults": max_results, "fields": ",".join(fields)}
        if token:
            params["nextPageToken"] = token
        return _page(self._get("search/jql", ("3", "2"), params, "search"), self._source)

    def search_server(
        self,
        jql: str,
        fields: Sequence[str],
        start_at: int,
        max_results: int,
        validate: bool = True,
    ) -> dict[str, Any]:
        """One page of the classic search (`startAt` pagination), Server / Data Center."""
        params: dict[str, Any] = {
            "jql": jql,
            "startAt": start_at,
            "maxResults": max_results,
            "fields": ",".join(fields),
            # "true"/"false" rather than "strict"/"none": Jira 7 knows only the booleans.
            "validateQuery": "true" if validate else "false",
        }
        return _page(self._get("search", ("2",), params, "search"), self._source)

    def _get(
        self,
        path: str,
        versions: tuple[str, ...],
        params: dict[str, Any] | None = None,
        what: str | None = None,
    ) -> Any:
        """GET `/rest/api/{version}/{path}` as JSON, trying the next version on a 404."""
        session = self.client()._session
        for version in versions:
            url = f"{self._config.base_url}/rest/api/{version}/{path}"
            try:
                # Parsing inside the retried call: a truncated body is retried like a reset.
                return self._call(what or path, partial(_get_json, session, url, params))
            except EndpointMissing:
                if version == versions[-1]:
                    raise
                continue
        raise AssertionError("unreachable")  # versions is never empty

    # -- retries and errors -------------------------------------------------------------

    def _call(self, what: str, call: Callable[[], T]) -> T:
        """`call` with bounded retries on 429, 5xx and transport failures."""
        retries = self._config.max_retries
        for attempt in range(retries + 1):
            try:
                return call()
            except JIRAError as err:
                delay = self._retry_delay(err, attempt, what)
                failure: ConnectorError = self._exhausted(err, what, attempt + 1)
            except requests.RequestException as err:
                failure = self._unreachable(err, attempt + 1)
                if isinstance(err, requests.exceptions.SSLError):
                    raise failure from None  # a TLS mismatch does not heal by retrying
                delay = _backoff(attempt)
            if attempt == retries:
                raise failure from None
            self._stats.retries += 1
            self._runtime.sleep(delay)
        raise AssertionError("unreachable")  # the loop always returns or raises

    def _retry_delay(self, err: JIRAError, attempt: int, what: str) -> float:
        """Seconds to wait before retrying `err`; raises when it must not be retried."""
        status = err.status_code
        if status == 429:
            wait = _retry_after(err.response, self._runtime.now()) or _backoff(attempt)
            if wait > self._config.max_rate_limit_wait:
                raise RateLimited(
                    f"{self._source}: Jira asks to wait {wait:.0f}s (HTTP 429), more than "
                    f"max_rate_limit_wait = {self._config.max_rate_limit_wait:.0f}",
                    reset_at=self._runtime.now() + timedelta(seconds=wait),
                ) from None
            self._stats.rate_limit_waits += 1
            self._stats.waited_seconds += wait
            return wait
        if status is None or status >= 500:
            after = _retry_after(err.response, self._runtime.now())
            return min(after, _MAX_BACKOFF) if after else _backoff(attempt)
        raise self._translate(err, what) from None

    def _exhausted(self, err: JIRAError, what: str, attempts: int) -> ConnectorError:
        if err.status_code == 429:
            now = self._runtime.now()
            wait = _retry_after(err.response, now) or _MAX_BACKOFF
            return RateLimited(
                f"{self._source}: still rate limited (HTTP 429) after {attempts} attempts",
                reset_at=now + timedelta(seconds=wait),
            )
        return SourceUnavailable(
            f"{self._source}: {self._config.base_url} kept failing on {what} "
            f"(HTTP {err.status_code}) after {attempts} attempts"
        )

    def _unreachable(self, err: requests.RequestException, attempts: int) -> ConnectorError:
        if isinstance(err, requests.Timeout):
            reason = f"no answer within {self._config.timeout:g}s"
        elif isinstance(err, UnreadableBody):
            return ConfigProblem(
                f"{self._source}: {err} did not answer with JSON ({attempts} attempts)",
                hint="check base_url: it must be the Jira site itself",
            )
        elif no_connection(err):
            said = connection_failure(self._config.base_url, err)
            return Unreachable(f"{self._source}: {said}; {attempts} attempts")
        else:
            reason = f"could not connect ({type(err).__name__})"
        return SourceUnavailable(
            f"{self._source}: {self._config.base_url}: {reason}, {attempts} attempts"
        )

    def _translate(self, err: JIRAError, what: str) -> ConnectorError:
        status = err.status_code
        messages = _messages(err)
        if status in (401, 403):
            return self._auth_error(what, messages, status)
        detail = "; ".join(messages) or "no details"
        if status == 400 and what == "search":
            return JqlRejected(self._source, messages)
        if status in (404, 405, 410):
            return EndpointMissing(
                f"{self._source}: {self._config.base_url} has no Jira {what} API "
                f"(HTTP {status}: {detail})",
                hint="check base_url and deployment (cloud or server)",
            )
        return ConfigProblem(f"{self._source}: Jira refused {what} (HTTP {status}): {detail}")

    def _auth_error(self, what: str, messages: list[str], status: int = 401) -> AuthError:
        env = self._config.token_env
        if self._basic:
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


def _messages(err: JIRAError) -> list[str]:
    """Jira's own error messages, shortened (an HTML error page must not flood a log)."""
    found = parse_errors(err.response) if err.response is not None else [err.text or ""]
    return [m.strip()[:_MESSAGE_LIMIT] for m in found if m and m.strip()]


def _backoff(attempt: int) -> float:
    return min(float(2**attempt), _MAX_BACKOFF)


def _retry_after(response: requests.Response | None, now: datetime) -> float | None:
    """Seconds from a Retry-After header: delta-seconds or an HTTP date."""
    value = response.headers.get("Retry-After") if response is not None else None
    if not value:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max((when - now).total_seconds(), 0.0)


def _page(data: Any, source: str) -> dict[str, Any]:
    if not isinstance(data, dict) or not isinstance(data.get("issues", []), list):
        raise ConfigProblem(f"{source}: Jira answered a search with an unexpected body")
    return data


class UnreadableBody(requests.RequestException):
    """A 200 whose body is not JSON: cut short on the way, or not Jira at all."""


def _get_json(session: requests.Session, url: str, params: dict[str, Any] | None) -> Any:
    response = session.get(url, params=params)
    if not response.content.strip():
        return {}  # Jira sends some refusals as an empty 200 (see `myself`)
    try:
        return response.json()
    except ValueError:
        raise UnreadableBody(url) from None
