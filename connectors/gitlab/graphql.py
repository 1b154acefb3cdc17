"""GitLab's GraphQL API (`POST /api/graphql`) on the source's one session.

python-gitlab has a GraphQL client, but it runs on httpx with a retry loop of its own,
outside the session every request of a source goes through: so documents are posted
here, with `SourceSession.call` (which rebuilds the body for each attempt, so a page
refused as too complex is asked again smaller).

An instance may not serve GraphQL at all (disabled: 404; a proxy or a token's scope:
403), or be too old for a field this connector asks for ("Field 'x' doesn't exist on type
'y'"). That is `GraphQLUnusable`; the streams then collect over REST, decided on the
first GraphQL request of the run, before any item is yielded, and said once per run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import chain
from typing import Any, TypeVar

import requests

from connectors.errors import AuthError, SourceUnavailable
from connectors.http import SourceSession, Verdict, joined, quoted
from connectors.streams import RunContext

T = TypeVar("T")

REFUSED_KEY = "gitlab.graphql_refused"


class GraphQLUnusable(Exception):
    """This instance cannot serve the query over GraphQL; REST can."""


@dataclass(frozen=True)
class GraphQLRefused:
    """Put in the run's context once GraphQL is found unusable: later streams go to REST."""

    reason: str


class PageSize:
    """A page size that halves when the server finds the page too heavy."""

    def __init__(self, size: int) -> None:
        self.value = max(1, size)

    def shrink(self, verdict: Verdict) -> None:
        if verdict.smaller_page:
            self.value = max(1, self.value // 2)


@dataclass
class GitLabGraphQL:
    session: SourceSession
    url: str  # the instance's /api/graphql
    headers: Mapping[str, str] = field(repr=False)  # the token, as python-gitlab sends it

    @property
    def where(self) -> str:
        return self.session.policy.where

    def query(
        self,
        document: str | Callable[[], str],
        variables: Callable[[], Mapping[str, Any]],
        *,
        what: str,
        size: PageSize | None = None,
    ) -> dict[str, Any]:
        """The `data` of one document; the document (when a callable) and `variables()`
        are built again for each attempt, after `size` saw why the last one failed."""

        def build() -> Mapping[str, Any]:
            text = document() if callable(document) else document
            body = {"query": text, "variables": dict(variables())}
            return {"json": body, "headers": self.headers}

        response = self.session.call(
            "POST", self.url, build, what=what, on_retry=size.shrink if size else None
        )
        return self._data(response, what)

    def _data(self, response: requests.Response, what: str) -> dict[str, Any]:
        """The answer's `data`. Anything else GitLab's GraphQL would not answer (an error
        status, a body that is not JSON or has no `data`, GraphQL errors) is
        `GraphQLUnusable`: on a run's first request that sends the run to REST (an instance
        or proxy without GraphQL may answer anything there); later, it fails the stream."""
        status = response.status_code
        if status == 401:
            raise AuthError(f"{self.where}: {self.url} rejected the token (401) for {what}")
        if status >= 400:
            raise GraphQLUnusable(f"HTTP {status} from {self.url}")
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            raise GraphQLUnusable(f"{self.url} answered {what} with something not JSON")
        messages = [
            str(e.get("message", e)) for e in body.get("errors") or () if isinstance(e, dict)
        ]
        if messages:
            said = joined(dict.fromkeys(messages), self.session.secrets)  # each once
            raise GraphQLUnusable(f"GraphQL refused {what}: {said}")
        data = body.get("data")
        if not isinstance(data, dict):
            raise GraphQLUnusable(f"{self.url} answered {what} without data")
        return data


def decided(run: RunContext, graphql: GitLabGraphQL, pages: Iterator[T]) -> Iterator[T] | None:
    """`pages`, or None when GraphQL cannot serve them and the caller collects over REST.

    The first page decides, before the caller has yielded anything: a run is never
    half GraphQL, half silently missing. Once a run found GraphQL unusable, no stream
    tries it again. A refusal after the first page is an error like any other.
    """
    if run.get(REFUSED_KEY, GraphQLRefused) is not None:
        return None
    try:
        first = next(pages)
    except GraphQLUnusable as why:
        refuse(run, graphql, str(why))
        return None
    return chain([first], _strictly(pages, graphql))


def refuse(run: RunContext, graphql: GitLabGraphQL, reason: str) -> None:
    _, first = run.setdefault(REFUSED_KEY, GraphQLRefused(reason))
    if not first:  # another stream found it first, and said so
        return
    graphql.session.policy.runtime.logger.warning(
        "%s: GitLab's GraphQL API cannot serve this collection (%s); collecting over the "
        "REST API instead, which takes more requests",
        graphql.where,
        quoted(reason, graphql.session.secrets, limit=200),
    )


def _strictly(pages: Iterator[T], graphql: GitLabGraphQL) -> Iterator[T]:
    try:
        yield from pages
    except GraphQLUnusable as why:
        raise SourceUnavailable(f"{graphql.where}: GraphQL stopped answering: {why}") from None
