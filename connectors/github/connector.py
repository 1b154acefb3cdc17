"""The GitHub connector: PRs authored, reviews given, design docs, and (opt-in) issues closed."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

from connectors.base import Connector, Runtime, Stream
from connectors.errors import SourceUnavailable
from connectors.github import queries
from connectors.github.commits import (
    CONTRIBUTION_SPAN,
    CommitReader,
    contribution_repos,
    iso,
)
from connectors.github.config import GitHubConfig
from connectors.github.design_docs import DesignDocCollector
from connectors.github.normalize import (
    normalize_pull_request,
    normalize_review,
    normalize_ticket,
    pr_ref,
    repo_name,
)
from connectors.github.search import SEARCH_CAP, Window, scope_qualifiers, search_nodes, window
from connectors.github.transport import GitHubTransport
from connectors.item import Item

_MAX_WINDOWS = 512
_MAX_FILE_PAGES = 30  # GitHub lists at most 3,000 files of a PR
# What the design-doc collector reads of a PR node (the authored-PR query has them all).
_DOC_NODE_KEYS = ("number", "url", "state", "createdAt", "updatedAt", "mergedAt", "repository")


@dataclass
class _AuthoredMemo:
    """The authored PRs one `pull_requests` fetch read in full, kept for `design_docs`:
    only those that touched a design document (node fields and paths), so it stays small."""

    since: datetime
    until: datetime
    doc_prs: list[tuple[dict[str, Any], list[str]]] = field(default_factory=list)


class GitHubConnector(Connector):
    """Collects one engineer's GitHub work: PRs authored, reviews given, design docs, issues.

    Every stream reads GitHub search through GraphQL (`search(type: ISSUE)`, sorted by
    update time ascending) so that one request brings a page of PRs with what an Item
    needs; REST serves only issue search (which reports `incomplete_results`) and the
    file lists of directly pushed commits. Windows over 1,000 results are halved until
    they fit. Streams' `lag` is `lag_minutes`: the search index trails writes. Retries,
    rate limits and error translation live in `GitHubTransport`.
    """

    type_name = "github"
    config_model = GitHubConfig
    all_streams: ClassVar[tuple[Stream, ...]] = (
        Stream("pull_requests", "pull_request", timedelta(minutes=10)),
        Stream("reviews", "review", timedelta(minutes=10)),
        Stream("design_docs", "design_doc", timedelta(minutes=10)),
        Stream("issues", "ticket", timedelta(minutes=10), default_enabled=False),
    )

    def __init__(self, config: GitHubConfig, token: str, runtime: Runtime | None = None) -> None:
        super().__init__(config, token, runtime)
        self.config: GitHubConfig = config
        self._transport = GitHubTransport(config, token, self.runtime, self.stats)
        self._login: str | None = config.login
        self._commits = CommitReader(self._transport)
        self._authored: _AuthoredMemo | None = None

    def streams(self) -> list[Stream]:
        # Every stream reads GitHub's search index (or contributions), which lags writes.
        lag = self.config.lag
        return [Stream(s.name, s.kind, lag, s.default_enabled) for s in super().streams()]

    def check(self) -> str:
        """One request: the token's own login (it must work even when `login` is set)."""
        login = self._viewer("checking the token")
        self._login = self._login or login
        return login

    def close(self) -> None:
        self._transport.close()

    def fetch(self, stream: str, since: datetime, until: datetime | None = None) -> Iterator[Item]:
        fetchers = {
            "pull_requests": self.fetch_pull_requests,
            "reviews": self.fetch_reviews,
            "design_docs": self.fetch_design_docs,
            "issues": self.fetch_issues,
        }
        if stream not in fetchers:
            raise ValueError(f"unknown GitHub stream {stream!r}")
        end = (until or self.runtime.now()).astimezone(UTC)
        start = since.astimezone(UTC)
        if start >= end:
            return iter(())
        return fetchers[stream](start, end)

    # -- streams -----------------------------------------------------------------------

    def fetch_pull_requests(self, since: datetime, until: datetime) -> Iterator[Item]:
        login = self._owner()
        seen: set[str] = set()
        self._authored = None
        memo = _AuthoredMemo(since, until)
        for node in self._search(
            queries.AUTHORED_PULL_REQUESTS,
            f"is:pr author:{login}",
            since,
            until,
            "reading authored pull requests",
        ):
            key = pr_ref(repo_name(node), node.get("number"))
            if key in seen:
                continue
            seen.add(key)
            paths = self._all_paths(node)
            if any(self.config.is_design_doc(p) for p in paths):
                memo.doc_prs.append(({k: node.get(k) for k in _DOC_NODE_KEYS}, paths))
            yield normalize_pull_request(self.name, node, paths)
        self._authored = memo  # complete: design_docs may reuse it instead of searching again

    def fetch_reviews(self, since: datetime, until: datetime) -> Iterator[Item]:
        login = self._owner()
        seen: set[str] = set()
        for node in self._search(
            queries.REVIEWED_PULL_REQUESTS,
            f"is:pr reviewed-by:{login} -author:{login}",
            since,
            until,
            "reading reviewed pull requests",
        ):
            item = normalize_review(self.name, node, login)
            if item is not None and item.external_id not in seen:
                seen.add(item.external_id)
                yield item

    def fetch_design_docs(self, since: datetime, until: datetime) -> Iterator[Item]:
        login = self._owner()
        docs = DesignDocCollector(self.name, self.config)
        users: list[dict[str, Any]] = []
        # Within a year, the owner's commit contributions come with the search's first page.
        together = until - since <= CONTRIBUTION_SPAN
        extra = {"from": iso(since), "to": iso(until), "withContributions": together}
        self._doc_pull_requests(docs, login, since, until, extra, users)
        if together and users:
            user_id, repos = str(users[0].get("id") or ""), contribution_repos(users[0])
        else:
            user_id, repos = self._commits.contribution_repositories(login, since, until)
        allowed = sorted(r for r in repos if self.config.repo_allowed(r))
        for repository, commit, paths in self._commits.direct_commits(
            allowed, user_id, since, until
        ):
            docs.add_commit(repository, commit, paths)
        if user_id:
            for details in self._commits.doc_details(docs.landed(), user_id):
                docs.add_details(details)
        yield from docs.items()

    def _doc_pull_requests(
        self,
        docs: DesignDocCollector,
        login: str,
        since: datetime,
        until: datetime,
        extra: dict[str, Any],
        users: list[dict[str, Any]],
    ) -> None:
        """Feed `docs` the owner's PRs that touched design documents in the window."""
        search_from = since
        memo = self._authored
        if memo is not None and memo.since == since and memo.until <= until:
            # pull_requests read these PRs in this run: search only what came after it.
            for node, paths in memo.doc_prs:
                docs.add_pull_request(node, paths)
            search_from = memo.until
        if search_from >= until:
            return
        for node in self._search(
            queries.DOC_PULL_REQUESTS,
            f"is:pr author:{login}",
            search_from,
            until,
            "reading pull requests for design docs",
            extra_vars=extra,
            on_user=users.append,
            page_scale=2,  # a light query (paths only): twice the PRs per page
        ):
            paths = self._all_paths(node)
            if any(self.config.is_design_doc(p) for p in paths):
                docs.add_pull_request(node, paths)

    def fetch_issues(self, since: datetime, until: datetime) -> Iterator[Item]:
        login = self._owner()
        base = f"is:issue assignee:{login} {self._scope()}".strip()
        seen: set[str] = set()
        pending = [window(since, until)]
        for _ in range(_MAX_WINDOWS):
            if not pending:
                return
            part = pending.pop()
            q = f"{base} {part.qualifier('closed')}"
            for issue in self._rest_search_window(q, part, pending):
                item = normalize_ticket(self.name, issue)
                if item.external_id not in seen and self.config.repo_allowed(item.repo or ""):
                    seen.add(item.external_id)
                    yield item
        raise SourceUnavailable(
            f"{self._transport.where()}: closed issues need more than {_MAX_WINDOWS} search "
            "windows; collect a shorter period at a time"
        )

    # -- helpers -----------------------------------------------------------------------

    def _owner(self) -> str:
        """The configured login, else the token's own user (one request, once)."""
        if self._login is None:
            self._login = self._viewer("identifying the token's user")
        return self._login

    def _viewer(self, what: str) -> str:
        data = self._transport.graphql(queries.VIEWER, {}, what=what).data
        login = str(((data or {}).get("viewer") or {}).get("login") or "")
        if not login:
            raise SourceUnavailable(
                f"{self._transport.where()}: GitHub did not name the token's user"
            )
        return login

    def _scope(self) -> str:
        return scope_qualifiers(self.config.repos, self.config.orgs)

    def _search(
        self,
        query: str,
        base: str,
        since: datetime,
        until: datetime,
        what: str,
        **more: Any,
    ) -> Iterator[dict[str, Any]]:
        login = self._owner()
        prefix = f"{base} {self._scope()}".strip()

        def build_q(part: Window) -> str:
            return f"{prefix} {part.qualifier('updated')} sort:updated-asc"

        for node in search_nodes(
            self._transport,
            query=query,
            build_q=build_q,
            whole=window(since, until),
            login=login,
            what=what,
            **more,
        ):
            if self.config.repo_allowed(repo_name(node)):
                yield node

    def _all_paths(self, node: Mapping[str, Any]) -> list[str]:
        """The PR's changed paths; more pages through GraphQL when it has over 100 files."""
        files = node.get("files") or {}
        paths = [str(f["path"]) for f in files.get("nodes") or [] if f and f.get("path")]
        info = files.get("pageInfo") or {}
        owner, _, name = repo_name(node).partition("/")
        after = info.get("endCursor")
        for _ in range(_MAX_FILE_PAGES):
            if not info.get("hasNextPage") or not after:
                break
            variables = {"owner": owner, "name": name, "number": node.get("number"), "after": after}
            response = self._transport.graphql(
                queries.PULL_REQUEST_FILES,
                variables,
                what=f"listing files of {repo_name(node)}#{node.get('number')}",
            )
            pr = ((response.data or {}).get("repository") or {}).get("pullRequest") or {}
            page = pr.get("files") or {}
            paths.extend(str(f["path"]) for f in page.get("nodes") or [] if f and f.get("path"))
            info = page.get("pageInfo") or {}
            after = info.get("endCursor")
        return paths

    def _rest_search_window(
        self, q: str, part: Window, pending: list[Window]
    ) -> Iterator[dict[str, Any]]:
        """Pages of REST issue search; a crowded window is split onto `pending` instead."""
        for page in range(1, SEARCH_CAP // 100 + 1):
            body = self._rest_search_page(q, page)
            total = int(body.get("total_count") or 0)
            if page == 1 and total >= SEARCH_CAP:
                halves = part.halves()
                if halves is not None:
                    pending.extend(reversed(halves))
                    return
            if page == 1 and total > SEARCH_CAP:
                self.runtime.logger.warning(
                    "%s: %d issues closed within one second; GitHub shows only %d",
                    self._transport.where(),
                    total,
                    SEARCH_CAP,
                )
            items = [i for i in body.get("items") or [] if isinstance(i, dict)]
            yield from items
            if len(items) < 100 or page * 100 >= total:
                return

    def _rest_search_page(self, q: str, page: int) -> dict[str, Any]:
        params = {"q": q, "sort": "updated", "order": "asc", "per_page": 100, "page": page}
        for attempt in range(self.config.max_retries + 1):
            body = self._transport.rest(
                "/search/issues", params, what="searching closed issues"
            ).data
            if not isinstance(body, dict):
                break
            if not body.get("incomplete_results"):
                return body
            # GitHub's search timed out on its side: the page may miss items. Ask again.
            self.stats.retries += 1
            self.runtime.sleep(min(30.0, 2.0**attempt))
        raise SourceUnavailable(
            f"{self._transport.where()}: GitHub kept answering issue search with incomplete results"
        )
