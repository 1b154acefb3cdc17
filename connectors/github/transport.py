"""REST and GraphQL requests to one GitHub, on the source's one HTTP session.

Retries, rate-limit waits, budgets, jitter and counting are the session's (`connectors.http`,
with GitHub's classifier from `classify`); what stays here is GitHub's own: where its
APIs live, how the token is sent, page sizes that shrink when GitHub times out, and the
translation of refusals into the connector error tree.

PyGithub does two things here, both of them real work we would otherwise copy:
- its `Auth` classes put the credential in the `Authorization` header (`Auth.Token`:
  `token <t>`, what GitHub documents for personal and installation tokens);
- its Enterprise URL rules: `Requester.get_graphql_prefix` derives the GraphQL endpoint from
  `base_url` (`https://HOST/api/v3` -> `https://HOST/api/graphql`; `https://api.github.com`
  -> `https://api.github.com/graphql`).
Its own HTTP stack is not used: every request goes through the session, so that each one is
counted and retried under the same policy as every other source's.

GitHub App installation tokens (`ghs_...`) work as the token when minted outside growthmap
(`gh`, `actions/create-github-app-token`). growthmap does not mint them itself: PyGithub's
`AppInstallationAuth` fetches them through its own HTTP stack, outside this session's
counting and retries, and a token that changes within a run would escape the redaction
that knows the configured one.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import requests
from github import Auth
from github.Requester import Requester

from connectors.errors import AuthError, ConfigProblem, ConnectorError, NotFound, SourceUnavailable
from connectors.github.classify import messages
from connectors.github.config import GitHubConfig
from connectors.http import SourceSession, Verdict, quoted

MIN_PAGE = 5
# GitHub's REST API version, pinned so a future default cannot change the answers' shape.
API_VERSION = "2022-11-28"


@dataclass
class Answer:
    """A GraphQL answer: `data` (None when GitHub sent none) and the errors beside it
    (a repository the token cannot read comes back as null + NOT_FOUND/FORBIDDEN)."""

    data: dict[str, Any]
    errors: list[dict[str, Any]] = field(default_factory=list)


class TokenAuth(requests.auth.AuthBase):
    """PyGithub's `Auth` as a requests auth: it writes the `Authorization` header."""

    def __init__(self, auth: Auth.Auth) -> None:
        self.auth = auth

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        headers: dict[str, str] = {}
        self.auth.authentication(headers)
        request.headers.update(headers)
        return request


def graphql_url(base_url: str) -> str:
    parts = urlsplit(base_url)
    return urlunsplit(parts._replace(path=Requester.get_graphql_prefix(parts.path)))


class GitHubTransport:
    """Sends one source's REST and GraphQL requests; a refusal becomes a `ConnectorError`."""

    def __init__(self, config: GitHubConfig, session: SourceSession, token: str) -> None:
        self.config = config
        self.session = session
        self.graphql_url = graphql_url(config.base_url)
        self.page_size = config.page_size  # halved when GitHub times out on a page
        self._lock = threading.Lock()
        session.auth = TokenAuth(Auth.Token(token))
        session.headers.update(
            {
                "Accept": "application/vnd.github+json",
                "X-GitHub-Api-Version": API_VERSION,
                "User-Agent": "growthmap",  # GitHub refuses requests without one
            }
        )

    @property
    def where(self) -> str:
        return self.session.policy.where

    @property
    def logger(self) -> logging.Logger:
        return self.session.policy.runtime.logger

    def close(self) -> None:
        self.session.close()

    # -- REST --------------------------------------------------------------------------

    def rest(
        self, path: str, params: Mapping[str, Any] | None = None, *, what: str
    ) -> requests.Response:
        """GET a REST path (under base_url), or an absolute `Link` URL cut back to its path,
        so a request always goes to the configured host, never with the token elsewhere."""
        url = self.config.base_url + self._relative(path)
        response = self.session.call("GET", url, lambda: {"params": dict(params or {})}, what=what)
        self._check(response, what)
        return response

    def _relative(self, url: str) -> str:
        if url.startswith("/"):
            return url
        parts = urlsplit(url)
        prefix = urlsplit(self.config.base_url).path.rstrip("/")
        path = parts.path.removeprefix(prefix) if prefix else parts.path
        return path + (f"?{parts.query}" if parts.query else "")

    # -- GraphQL -----------------------------------------------------------------------

    def graphql(self, query: str, variables: dict[str, Any], *, what: str) -> Answer:
        """POST a GraphQL document with its variables."""
        return self.send(lambda: (query, variables), what=what)

    def send(
        self,
        build: Callable[[], tuple[str, dict[str, Any]]],
        *,
        what: str,
        on_retry: Callable[[Verdict], None] | None = None,
    ) -> Answer:
        """POST the GraphQL document and variables `build()` gives, asked again for each
        attempt after `on_retry` saw why the last one failed (to send a smaller page)."""

        def request() -> dict[str, Any]:
            query, variables = build()
            return {"json": {"query": query, "variables": variables}}

        response = self.session.call(
            "POST", self.graphql_url, request, what=what, on_retry=on_retry
        )
        self._check(response, what)
        body = response.json()
        body = body if isinstance(body, dict) else {}
        errors = [e for e in body.get("errors") or [] if isinstance(e, dict)]
        data = body.get("data")
        if not isinstance(data, dict):
            refused = quoted(messages(errors) or "no data and no errors", self.session.secrets)
            raise SourceUnavailable(f"{self.where}: GitHub refused {what}: {refused}")
        return Answer(data, errors)

    def paged(self, query: str, variables: dict[str, Any], *, what: str, scale: int = 1) -> Answer:
        """A GraphQL page whose `$first` is the page size (times `scale` for light
        queries, at most 100): halved for the retry when GitHub timed out on it."""

        def build() -> tuple[str, dict[str, Any]]:
            return query, {**variables, "first": min(100, self.page_size * scale)}

        return self.send(build, what=what, on_retry=self.shrink_page)

    def shrink_page(self, verdict: Verdict) -> None:
        if verdict.smaller_page:
            with self._lock:
                self.page_size = max(MIN_PAGE, self.page_size // 2)

    # -- refusals ----------------------------------------------------------------------

    def _check(self, response: requests.Response, what: str) -> None:
        status = response.status_code
        if 200 <= status < 300:
            return
        raise self._refusal(status, _message(response), what, response.url or "")

    def _refusal(self, status: int, message: str, what: str, url: str) -> ConnectorError:
        said = quoted(message, self.session.secrets)
        detail = f"{self.where}: {what} failed with HTTP {status}" + (f" ({said})" if said else "")
        if status == 401:
            return AuthError(f"{self.where}: GitHub rejected the token (HTTP 401)")
        if status == 404 or (status == 403 and "/repos/" in url):
            return NotFound(detail)
        if status == 403:
            return AuthError(detail, hint="the token lacks a scope or SSO authorization for this")
        if status == 422:
            return ConfigProblem(
                detail, hint="check `login`, `repos` and `orgs` in this source's config"
            )
        return SourceUnavailable(detail)

    def warn_unreadable(self, repo: str) -> None:
        self.logger.warning(
            "%s: repository %s cannot be read with this token; skipped", self.where, repo
        )


def _message(response: requests.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return ""
    return str(body.get("message") or "") if isinstance(body, dict) else ""
