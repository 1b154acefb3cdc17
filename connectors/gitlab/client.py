"""GitLab's REST API (v4) through python-gitlab, on the source's one session.

python-gitlab does the REST plumbing: paths and query encoding, a list's pages
(`GitlabList`, its `X-Next-Page` and `Link` headers, `keep_base_url` for instances whose
`external_url` differs from the address configured), the `PRIVATE-TOKEN` header and its
error classes, which are translated here into the connector's error tree. Its own retry
loop stays idle (`retry_transient_errors=False`, `obey_rate_limit=False`): the session
under it retries and waits, and raises the typed errors (`RateLimited`,
`SourceUnavailable`, `Unreachable`) that python-gitlab lets pass (it catches only
requests' connection errors).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import gitlab
from gitlab.exceptions import GitlabAuthenticationError, GitlabError, GitlabParsingError

from connectors.errors import AuthError, ConfigProblem, ConnectorError, SourceUnavailable
from connectors.gitlab.config import GitLabConfig
from connectors.gitlab.normalize import api_time, parse_time
from connectors.http import SourceSession, follow
from connectors.streams import Window

SKIPPABLE = frozenset([403, 404])
# Per call: python-gitlab's own loop must never retry or sleep (the session does both).
IDLE: dict[str, Any] = {"obey_rate_limit": False, "retry_transient_errors": False}


@dataclass(frozen=True)
class Owner:
    """Whose work is collected: the account, and the name and e-mails it shows (what the
    token may read of them), which tell the owner apart in commits."""

    id: int
    username: str
    name: str = ""
    emails: tuple[str, ...] = ()

    @classmethod
    def of(cls, user: Mapping[str, Any]) -> Owner:
        keys = ("email", "public_email", "commit_email")
        emails = tuple(str(user[k]) for k in keys if isinstance(user.get(k), str) and user[k])
        return cls(int(user["id"]), str(user["username"]), str(user.get("name") or ""), emails)

    def is_(self, user: Mapping[str, Any] | None) -> bool:
        """Whether a payload's user is the owner (GitLab usernames ignore case)."""
        return str((user or {}).get("username") or "").lower() == self.username.lower()


class Skipped(Exception):
    """One project or merge request cannot be read (403/404): warn and go on."""


@dataclass(frozen=True)
class _Walk:
    """Where a walk by update time stands: rows updated at or after `lower`, page `page`
    among them, without the rows already yielded at `lower` itself."""

    lower: datetime
    page: int = 1
    seen: frozenset[int] = frozenset()


class GitLabClient:
    def __init__(self, config: GitLabConfig, token: str, session: SourceSession) -> None:
        self.config = config
        self.session = session
        self.gl = gitlab.Gitlab(
            instance_url(config.base_url),
            private_token=token,
            timeout=config.timeout,
            retry_transient_errors=False,
            keep_base_url=True,
            session=session,
        )
        self._owner: Owner | None = None
        self._owner_lock = threading.Lock()

    @property
    def where(self) -> str:
        return self.session.policy.where

    def close(self) -> None:
        self.session.close()

    @contextmanager
    def translate(self, what: str, *, skippable: bool = False) -> Iterator[None]:
        """Turn python-gitlab's exceptions into the connector's error tree."""
        url = self.config.base_url
        try:
            yield
        except ConnectorError:
            raise
        except GitlabAuthenticationError:
            raise AuthError(f"{self.where}: GitLab at {url} rejected the token (401)") from None
        except GitlabParsingError:
            raise self.not_json(what) from None
        except GitlabError as exc:
            code = exc.response_code
            if skippable and code in SKIPPABLE:
                raise Skipped(f"{what}: HTTP {code}") from None
            raise _http_error(self.where, url, what, code) from None

    def not_json(self, what: str) -> SourceUnavailable:
        return SourceUnavailable(
            f"{self.where}: GitLab at {self.config.base_url} answered {what} with something "
            "not JSON"
        )

    def owner(self) -> Owner:
        """The configured user, else the token's own: one request, once per run."""
        with self._owner_lock:
            if self._owner is None:
                self._owner = self._resolve_owner()
            return self._owner

    def _resolve_owner(self) -> Owner:
        username = self.config.username
        if username is None:
            what = "the token's user (/user)"
            with self.translate(what):
                me = self.json_object(self.gl.http_get("/user", **IDLE), what)
            return Owner.of(me)
        with self.translate(f"user {username!r}"):
            found = self.gl.http_list("/users", {"username": username}, get_all=False, **IDLE)
        match = [u for u in found if str(u.get("username", "")).lower() == username.lower()]
        if not match:
            raise ConfigProblem(
                f"{self.where}: GitLab user {username!r} does not exist on {self.config.base_url}",
                hint="fix `username` in the source config, or remove it to use the token's user",
            )
        return Owner.of(match[0])

    def get(
        self, path: str, query: Mapping[str, Any] | None = None, *, what: str
    ) -> dict[str, Any]:
        """One object; raises `Skipped` on 403/404."""
        with self.translate(what, skippable=True):
            return self.json_object(self.gl.http_get(path, dict(query or {}), **IDLE), what)

    def get_list(self, path: str, query: Mapping[str, Any], *, what: str) -> list[dict[str, Any]]:
        """One page of a list; raises `Skipped` on 403/404."""
        with self.translate(what, skippable=True):
            rows = self.gl.http_list(path, dict(query), get_all=False, **IDLE)
        return [row for row in rows if isinstance(row, dict)]

    def json_object(self, answer: Any, what: str) -> dict[str, Any]:
        """python-gitlab hands back the raw response when it is not JSON: a broken proxy."""
        if not isinstance(answer, dict):
            raise self.not_json(what)
        return answer

    def iterate(
        self, path: str, query: Mapping[str, Any], *, what: str, skippable: bool = False
    ) -> Iterator[dict[str, Any]]:
        """Every row of an offset-paginated list: python-gitlab reads each page and its
        `X-Next-Page`; `follow` bounds the walk."""
        params = {"per_page": self.config.page_size, **query}

        def fetch(page: int | None) -> gitlab.GitlabList:
            at = {"page": page} if page is not None else {}
            with self.translate(what, skippable=skippable):
                found = self.gl.http_list(
                    path, {**params, **at}, iterator=True, get_next=False, **IDLE
                )
            assert isinstance(found, gitlab.GitlabList)
            return found

        for rows in follow(fetch, _next_page, where=self.where, what=what):
            yield from rows

    def walk_by_update(
        self, path: str, query: Mapping[str, Any], window: Window, *, what: str
    ) -> Iterator[dict[str, Any]]:
        """Rows updated in the window (bounds inclusive, as GitLab's are), oldest first.

        Offset pages over a list sorted by update time skip a row whenever another row is
        updated mid-walk (it jumps to the end and everything shifts left by one). So each
        page restarts from the newest `updated_at` seen (GitLab's `updated_after` is
        inclusive): a row that moves is seen again later, never skipped.
        """
        size = self.config.page_size
        base = {
            **query,
            "order_by": "updated_at",
            "sort": "asc",
            "per_page": size,
            "updated_before": api_time(window.until),
        }

        def fetch(at: _Walk | None) -> tuple[_Walk, list[dict[str, Any]]]:
            at = at or _Walk(window.since)
            params = {**base, "updated_after": api_time(at.lower), "page": at.page}
            with self.translate(what):
                rows = self.gl.http_list(path, params, get_all=False, **IDLE)
            return at, list(rows)

        def next_walk(page: tuple[_Walk, list[dict[str, Any]]]) -> _Walk | None:
            at, rows = page
            if len(rows) < size:
                return None
            newest = max(_updated(row) for row in rows)
            at_newest = frozenset(row["id"] for row in rows if _updated(row) == newest)
            if newest > at.lower:
                return _Walk(newest, 1, at_newest)
            return _Walk(at.lower, at.page + 1, at.seen | at_newest)  # a page of one time

        for at, rows in follow(fetch, next_walk, where=self.where, what=what):
            yield from (row for row in rows if row["id"] not in at.seen)


def _next_page(rows: gitlab.GitlabList) -> int | None:
    return rows.next_page


def instance_url(base_url: str) -> str:
    """The instance's address; python-gitlab adds /api/v4 itself, so a pasted one is dropped."""
    return re.sub(r"/api/v4/?$", "", base_url.rstrip("/"))


def _updated(row: Mapping[str, Any]) -> datetime:
    moment = parse_time(row.get("updated_at")) or parse_time(row.get("created_at"))
    assert moment is not None, "GitLab rows always carry created_at"
    return moment


def _http_error(where: str, url: str, what: str, code: int | None) -> ConnectorError:
    if code == 403:
        return AuthError(
            f"{where}: GitLab at {url} refused {what} (403)",
            hint="the token needs the read_api scope",
        )
    if code in (400, 404, 422):
        return ConfigProblem(
            f"{where}: GitLab at {url} rejected the request for {what} (HTTP {code})",
            hint="check base_url (the instance's address, without /api/v4) and username",
        )
    return SourceUnavailable(f"{where}: GitLab at {url} failed on {what} (HTTP {code})")
