"""What every GitHub stream reader is handed: the source's transport, config and owner."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from connectors.errors import SourceUnavailable
from connectors.github import queries
from connectors.github.commits import CommitReader
from connectors.github.config import GitHubConfig
from connectors.github.files import FileLister
from connectors.github.more_pages import COMMITS, FILES, MorePages
from connectors.github.normalize import repo_name
from connectors.github.search import Window, graphql_search, scope_qualifiers, window
from connectors.github.transport import GitHubTransport


class GitHubSource:
    """One GitHub source for one run. The owner's login is the configured one, else the
    token's own user, learned once (the streams may ask at the same time)."""

    def __init__(
        self, name: str, config: GitHubConfig, transport: GitHubTransport, *, pairing: bool = False
    ) -> None:
        self.name = name
        self.config = config
        self.transport = transport
        self.commits = CommitReader(transport)
        self.files = FileLister(transport)
        # Whether the pairing stream runs: pull_requests then reads each PR's commits too.
        self.pairing = pairing
        self.pr_pages = MorePages(transport, (FILES, COMMITS) if pairing else (FILES,))
        self._login = config.login
        self._lock = threading.Lock()

    def owner(self) -> str:
        with self._lock:
            if self._login is None:
                self._login = self._viewer("identifying the token's user")
            return self._login

    def check(self) -> str:
        """The token's own login (one request), which also becomes the owner when no
        `login` is configured."""
        login = self._viewer("checking the token")
        with self._lock:
            self._login = self._login or login
        return login

    def _viewer(self, what: str) -> str:
        data = self.transport.graphql(queries.VIEWER, {}, what=what).data
        login = str((data.get("viewer") or {}).get("login") or "")
        if not login:
            raise SourceUnavailable(f"{self.transport.where}: GitHub did not name the token's user")
        return login

    def search(
        self,
        query: str,
        base: str,
        since: datetime,
        until: datetime,
        what: str,
        **more: Any,
    ) -> Iterator[dict[str, Any]]:
        """PR nodes of a GraphQL search in [since, until), oldest update first, within the
        `repos`/`orgs` allow-lists."""
        login = self.owner()
        scope = scope_qualifiers(self.config.repos, self.config.orgs)
        prefix = f"{base} {scope}".strip()

        def build_q(part: Window) -> str:
            return f"{prefix} {part.qualifier('updated')} sort:updated-asc"

        for node in graphql_search(
            self.transport,
            query=query,
            build_q=build_q,
            whole=window(since, until),
            login=login,
            what=what,
            **more,
        ):
            if self.config.repo_allowed(repo_name(node)):
                yield node
