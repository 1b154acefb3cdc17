"""The connector's one door to GitLab: python-gitlab calls with errors translated at the edge."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

import gitlab
from gitlab.exceptions import GitlabAuthenticationError, GitlabError, GitlabParsingError

from connectors.base import RequestStats, Runtime, count_requests
from connectors.errors import AuthError, ConfigProblem, ConnectorError, SourceUnavailable
from connectors.gitlab.config import GitLabConfig
from connectors.gitlab.normalize import DiffSummary, api_time, parse_time
from connectors.gitlab.transport import RetryPolicy, backend_factory
from connectors.item import Item

MAX_PAGES = 10_000
SKIPPABLE = frozenset([403, 404])


@dataclass(frozen=True)
class Owner:
    """Whose work is collected."""

    id: int
    username: str


class Skipped(Exception):
    """One project or merge request cannot be read (403/404): warn and go on."""


class GitLabClient:
    """python-gitlab with the connector's retry backend, request counting and error mapping."""

    def __init__(
        self, config: GitLabConfig, token: str, runtime: Runtime, stats: RequestStats
    ) -> None:
        self.config = config
        self.runtime = runtime
        policy = RetryPolicy(
            config.name, config.max_retries, config.max_rate_limit_wait, runtime, stats
        )
        self.gl = gitlab.Gitlab(
            instance_url(config.base_url),
            private_token=token,
            timeout=config.timeout,
            # Inert by design: the backend below retries and raises before python-gitlab's
            # own loop (which sleeps with time.sleep) could see a retryable status.
            retry_transient_errors=True,
            keep_base_url=True,
            per_page=config.page_size,
            backend=backend_factory(policy),
        )
        count_requests(self.gl.session, stats)
        self._owner: Owner | None = None
        self._projects: dict[int, Mapping[str, Any] | None] = {}
        self._projects_lock = threading.Lock()  # one lookup per project, whichever thread asks
        # Filled by the merge_requests stream, read by design_docs: one run, small values.
        self.diff_summaries: dict[tuple[int, int, str], DiffSummary] = {}
        # (project id, iid) of MRs the owner authored, seen this run: reviews skips them unread.
        self.owner_merge_requests: set[tuple[int, int]] = set()

    def close(self) -> None:
        self.gl.session.close()

    @contextmanager
    def translate(self, what: str, *, skippable: bool = False) -> Iterator[None]:
        """Turn python-gitlab's exceptions into the connector's error tree."""
        name, url = self.config.name, self.config.base_url
        try:
            yield
        except ConnectorError:
            raise
        except GitlabAuthenticationError:
            raise AuthError(f"source {name}: GitLab at {url} rejected the token (401)") from None
        except GitlabParsingError:
            raise SourceUnavailable(
                f"source {name}: GitLab at {url} answered {what} with something not JSON"
            ) from None
        except GitlabError as exc:
            code = exc.response_code
            if skippable and code in SKIPPABLE:
                raise Skipped(f"{what}: HTTP {code}") from None
            raise _http_error(name, url, what, code) from None

    def owner(self) -> Owner:
        """The configured user, else the token's own; one request, once per connector."""
        if self._owner is None:
            self._owner = self._resolve_owner()
        return self._owner

    def _resolve_owner(self) -> Owner:
        username = self.config.username
        if username is None:
            what = "the token's user (/user)"
            with self.translate(what):
                me = self.json_object(self.gl.http_get("/user"), what)
            return Owner(int(me["id"]), str(me["username"]))
        with self.translate(f"user {username!r}"):
            found = self.gl.http_list("/users", {"username": username}, get_all=False)
        match = [u for u in found if str(u.get("username", "")).lower() == username.lower()]
        if not match:
            raise ConfigProblem(
                f"source {self.config.name}: GitLab user {username!r} does not exist on "
                f"{self.config.base_url}",
                hint="fix `username` in the source config, or remove it to use the token's user",
            )
        return Owner(int(match[0]["id"]), str(match[0]["username"]))

    def get(
        self, path: str, query: Mapping[str, Any] | None = None, *, what: str
    ) -> dict[str, Any]:
        """One object; raises `Skipped` on 403/404."""
        with self.translate(what, skippable=True):
            return self.json_object(self.gl.http_get(path, dict(query or {})), what)

    def json_object(self, answer: Any, what: str) -> dict[str, Any]:
        """python-gitlab hands back the raw response when it is not JSON: a broken proxy."""
        if not isinstance(answer, dict):
            raise SourceUnavailable(
                f"source {self.config.name}: GitLab at {self.config.base_url} answered "
                f"{what} with something not JSON"
            )
        return answer

    def iterate(
        self, path: str, query: Mapping[str, Any], *, what: str, skippable: bool = False
    ) -> Iterator[dict[str, Any]]:
        """Every row of an offset-paginated list, following python-gitlab's iterator."""
        params = {"per_page": self.config.page_size, **query}
        with self.translate(what, skippable=skippable):
            rows = self.gl.http_list(path, params, iterator=True)
            for count, row in enumerate(rows):
                if count >= MAX_PAGES * self.config.page_size:
                    raise SourceUnavailable(f"source {self.config.name}: {what} never ends")
                yield row

    def walk_by_update(
        self,
        path: str,
        query: Mapping[str, Any],
        since: datetime,
        until: datetime | None,
        *,
        what: str,
    ) -> Iterator[dict[str, Any]]:
        """Rows updated in [since, until), oldest first, each once.

        Offset pages over a list sorted by update time skip a row whenever another row is
        updated mid-walk (it jumps to the end and everything shifts left by one). So each
        page restarts from the newest `updated_at` seen (GitLab's `updated_after` is
        inclusive): a row that moves is seen again later, never skipped.
        """
        size = self.config.page_size
        lower, page, seen = since, 1, set[int]()
        for _ in range(MAX_PAGES):
            params: dict[str, Any] = {
                **query,
                "updated_after": api_time(lower),
                "order_by": "updated_at",
                "sort": "asc",
                "per_page": size,
                "page": page,
            }
            if until is not None:
                params["updated_before"] = api_time(until)
            with self.translate(what):
                rows = self.gl.http_list(path, params, get_all=False)
            yield from (row for row in rows if row["id"] not in seen)
            if len(rows) < size:
                return
            newest = max(_updated(row) for row in rows)
            at_newest = {row["id"] for row in rows if _updated(row) == newest}
            if newest > lower:
                lower, page, seen = newest, 1, at_newest
            else:  # a full page of one timestamp: page on within it
                page, seen = page + 1, seen | at_newest
        raise SourceUnavailable(f"source {self.config.name}: {what} never ends")

    def project(self, project_id: int) -> Mapping[str, Any] | None:
        """A project's metadata (cached per connector); None with a warning when unreadable."""
        with self._projects_lock:
            if project_id not in self._projects:
                try:
                    found = self.get(f"/projects/{project_id}", what=f"project {project_id}")
                except Skipped as skip:
                    self.warn_skip(f"project {project_id}", skip)
                    found = None
                self._projects[project_id] = found
            return self._projects[project_id]

    def with_visibility(self, item: Item, project_id: Any) -> Item:
        """The item with its project's `visibility` (private / internal / public) in extra,
        which exports need to redact private work. One lookup per project per run, shared
        by every stream; the item as it is when the project cannot be read."""
        project = self.project(int(project_id)) if project_id is not None else None
        visibility = (project or {}).get("visibility")
        if not isinstance(visibility, str):
            return item
        return replace(item, extra={**item.extra, "visibility": visibility})

    def warn_skip(self, what: str, skip: Skipped) -> None:
        self.runtime.logger.warning(
            "source %s: skipping %s, which the token cannot read (%s)",
            self.config.name,
            what,
            skip,
        )


def instance_url(base_url: str) -> str:
    """The instance's address; python-gitlab adds /api/v4 itself, so a pasted one is dropped."""
    return re.sub(r"/api/v4/?$", "", base_url.rstrip("/"))


def _updated(row: Mapping[str, Any]) -> datetime:
    moment = parse_time(row.get("updated_at")) or parse_time(row.get("created_at"))
    assert moment is not None, "GitLab rows always carry created_at"
    return moment


def _http_error(name: str, url: str, what: str, code: int | None) -> ConnectorError:
    if code == 403:
        return AuthError(
            f"source {name}: GitLab at {url} refused {what} (403)",
            hint="the token needs the read_api scope",
        )
    if code in (400, 404, 422):
        return ConfigProblem(
            f"source {name}: GitLab at {url} rejected the request for {what} (HTTP {code})",
            hint="check base_url (the instance's address, without /api/v4) and username",
        )
    return SourceUnavailable(f"source {name}: GitLab at {url} failed on {what} (HTTP {code})")
