"""GitHub's streams as readers: PRs authored, reviews given, design docs, pairing, issues
closed.

Every stream but issues reads GitHub search through GraphQL (`search(type: ISSUE)`, sorted
by update time ascending), so one request brings a page of PRs with what an Item needs;
issues come from REST issue search. The search index trails writes: each stream's `lag`
is the source's `lag_minutes`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from connectors.github import queries
from connectors.github.coauthored import coauthored_pull_requests
from connectors.github.commits import CONTRIBUTION_SPAN, contribution_repos, iso
from connectors.github.design_docs import DesignDocCollector, merge_design_docs
from connectors.github.files import paths_of
from connectors.github.more_pages import COMMITS, MorePages, first_nodes
from connectors.github.normalize import (
    normalize_pull_request,
    normalize_review,
    normalize_ticket,
    parse_time,
    pr_ref,
    repo_name,
)
from connectors.github.pairing import (
    AUTHORED_PAIRINGS,
    AuthoredPairings,
    owner_identity,
    pairings_of,
    without_commits,
)
from connectors.github.search import rest_issue_search, scope_qualifiers
from connectors.github.search import window as search_window
from connectors.github.source import GitHubSource
from connectors.item import Item
from connectors.pairing import REUSE_TAIL, OwnerIdentity
from connectors.streams import RunContext, Stream, StreamReader, Window

LAG = timedelta(minutes=10)  # the default `lag_minutes`; the connector sets the configured one
AUTHORED_DOC_PRS = "github.authored_doc_prs"
# What the design-doc collector reads of a PR node (the authored-PR query has them all).
_DOC_NODE_KEYS = ("number", "url", "state", "createdAt", "updatedAt", "mergedAt", "repository")


@dataclass(frozen=True)
class AuthoredDocPRs:
    """What pull_requests leaves for design_docs in the run: the window it searched and its
    PRs that touched a design document (node fields and every changed path), so small."""

    since: datetime
    until: datetime
    prs: tuple[tuple[dict[str, Any], tuple[str, ...]], ...]


class PullRequests(StreamReader[GitHubSource]):
    """The owner's PRs with their files and reviews, and (when the pairing stream runs)
    their commits, in the same pages: pairing reuses them through the run's context."""

    stream = Stream("pull_requests", "pull_request", LAG)

    def fetch(self, window: Window, run: RunContext) -> Iterator[Item]:
        source = self.source
        owner = _Owner(source)
        found = source.search(
            queries.AUTHORED_PULL_REQUESTS,
            f"is:pr author:{source.owner()}",
            window.since,
            window.until,
            "reading authored pull requests",
            extra_vars={"withCommits": source.pairing},
            on_user=owner.seen,
        )
        doc_prs, paired = [], []
        for node, entries in source.pr_pages.complete(_once(found)):
            paths = paths_of(entries["files"])
            if any(source.config.is_design_doc(p) for p in paths):
                doc_prs.append(({k: node.get(k) for k in _DOC_NODE_KEYS}, tuple(paths)))
            if source.pairing:
                items = pairings_of(source.name, node, paths, entries["commits"], owner.identity())
                if items:
                    paired.append((parse_time(node.get("updatedAt")), tuple(items)))
            yield normalize_pull_request(source.name, without_commits(node), paths)
        # Complete: design_docs and pairing may reuse it instead of searching again.
        run.put(AUTHORED_DOC_PRS, AuthoredDocPRs(window.since, window.until, tuple(doc_prs)))
        if source.pairing:
            done = AuthoredPairings(window.since, window.until, owner.known, tuple(paired))
            run.put(AUTHORED_PAIRINGS, done)


class _Owner:
    """The owner as the search pages name them (each page's `user`)."""

    def __init__(self, source: GitHubSource) -> None:
        self.source = source
        self.known: OwnerIdentity | None = None

    def seen(self, user: dict[str, Any]) -> None:
        if self.known is None and user.get("login"):
            self.known = owner_identity(user, self.source.config.base_url)

    def identity(self) -> OwnerIdentity:
        return self.known or OwnerIdentity.of(self.source.owner(), (), ())


class Reviews(StreamReader[GitHubSource]):
    stream = Stream("reviews", "review", LAG)

    def fetch(self, window: Window, run: RunContext) -> Iterator[Item]:
        source = self.source
        login = source.owner()
        seen: set[str] = set()
        for node in source.search(
            queries.REVIEWED_PULL_REQUESTS,
            f"is:pr reviewed-by:{login} -author:{login}",
            window.since,
            window.until,
            "reading reviewed pull requests",
        ):
            item = normalize_review(source.name, node, login)
            if item is not None and item.external_id not in seen:
                seen.add(item.external_id)
                yield item


class DesignDocs(StreamReader[GitHubSource]):
    """Documents the owner changed by PR or by direct push; partial (see design_docs)."""

    stream = Stream("design_docs", "design_doc", LAG, partial=True, needs=("pull_requests",))

    def fetch(self, window: Window, run: RunContext) -> Iterator[Item]:
        source = self.source
        docs = DesignDocCollector(source.name, source.config)
        users: list[dict[str, Any]] = []
        self._pull_requests(docs, window, run.get(AUTHORED_DOC_PRS, AuthoredDocPRs), users)
        if users and _within_a_year(window):  # contributions came with the search's pages
            user_id, repos = str(users[0].get("id") or ""), contribution_repos(users[0])
        else:
            user_id, repos = source.commits.contribution_repositories(
                source.owner(), window.since, window.until
            )
        allowed = sorted(r for r in repos if source.config.repo_allowed(r))
        for repository, commit, paths in source.commits.direct_commits(
            allowed, user_id, window.since, window.until
        ):
            docs.add_commit(repository, commit, paths)
        if user_id:
            for details in source.commits.doc_details(docs.landed(), user_id):
                docs.add_details(details)
        yield from docs.items()

    def merge(self, stored: Item, fresh: Item) -> Item:
        return merge_design_docs(stored, fresh)

    def _pull_requests(
        self,
        docs: DesignDocCollector,
        window: Window,
        authored: AuthoredDocPRs | None,
        users: list[dict[str, Any]],
    ) -> None:
        """Feed `docs` the owner's PRs that touched design documents in the window: those
        pull_requests read in this run, and a search of what it did not cover."""
        search_from = window.since
        if authored is not None and _covers(authored.since, authored.until, window):
            for node, paths in _in_window(authored, window):
                docs.add_pull_request(node, list(paths))
            search_from = authored.until
        if search_from >= window.until:
            return
        source = self.source
        login = source.owner()
        extra = {
            "from": iso(window.since),
            "to": iso(window.until),
            "withContributions": _within_a_year(window),
        }
        found = source.search(
            queries.DOC_PULL_REQUESTS,
            f"is:pr author:{login}",
            search_from,
            window.until,
            "reading pull requests for design docs",
            extra_vars=extra,
            on_user=users.append,
            page_scale=2,  # a light query (paths only): twice the PRs per page
        )
        for node, changed in source.files.complete(_once(found)):
            if any(source.config.is_design_doc(p) for p in changed):
                docs.add_pull_request(node, changed)


class Pairing(StreamReader[GitHubSource]):
    """Who the owner wrote commits with (`connectors.pairing`): on the owner's PRs, from the
    commits pull_requests read in this run (no request of its own where its window covers
    this one), and on colleagues' PRs, through commit search (`coauthored`)."""

    stream = Stream("pairing", "pairing", LAG, needs=("pull_requests",))

    def fetch(self, window: Window, run: RunContext) -> Iterator[Item]:
        source = self.source
        owner = _Owner(source)
        seen: set[str] = set()
        for item in self._own(window, run, owner):
            if item.external_id not in seen:
                seen.add(item.external_id)
                yield item
        identity = owner.identity()
        for node, entries in coauthored_pull_requests(source, identity, window):
            paths = paths_of(first_nodes(node, "files"))
            for item in pairings_of(source.name, node, paths, entries["commits"], identity):
                if item.external_id not in seen:
                    seen.add(item.external_id)
                    yield item

    def _own(self, window: Window, run: RunContext, owner: _Owner) -> Iterator[Item]:
        """Pairings on the owner's PRs updated in the window: those pull_requests read in
        this run, and a search of what it did not cover."""
        authored = run.get(AUTHORED_PAIRINGS, AuthoredPairings)
        search_from, tail = window.since, timedelta(0)
        if authored is not None and _covers(authored.since, authored.until, window):
            owner.known = authored.owner
            for updated, items in authored.prs:
                if authored.since == window.since or _updated_in(updated, window):
                    yield from items
            search_from, tail = authored.until, REUSE_TAIL
        if search_from >= window.until - tail:
            return
        source = self.source
        found = source.search(
            queries.PAIRING_PULL_REQUESTS,
            f"is:pr author:{source.owner()}",
            search_from,
            window.until,
            "reading pull requests for pairing",
            on_user=owner.seen,
        )
        for node, entries in MorePages(source.transport, (COMMITS,)).complete(_once(found)):
            paths = paths_of(first_nodes(node, "files"))
            yield from pairings_of(source.name, node, paths, entries["commits"], owner.identity())


class Issues(StreamReader[GitHubSource]):
    """Issues assigned to the owner and closed in the window (opt-in)."""

    stream = Stream("issues", "ticket", LAG, default_enabled=False)

    def fetch(self, window: Window, run: RunContext) -> Iterator[Item]:
        source = self.source
        config = source.config
        scope = scope_qualifiers(config.repos, config.orgs)
        base = f"is:issue assignee:{source.owner()} {scope}".strip()
        seen: set[str] = set()
        for issue in rest_issue_search(
            source.transport,
            lambda part: f"{base} {part.qualifier('closed')}",
            search_window(window.since, window.until),
            what="searching closed issues",
        ):
            item = normalize_ticket(source.name, issue)
            if item.external_id not in seen and config.repo_allowed(item.repo or ""):
                seen.add(item.external_id)
                yield item


def _within_a_year(span: Window) -> bool:
    return span.until - span.since <= CONTRIBUTION_SPAN


def _once(nodes: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Each PR once: a PR updated while the pages are read may show up on two of them."""
    seen: set[str] = set()
    for node in nodes:
        key = pr_ref(repo_name(node), node.get("number"))
        if key not in seen:
            seen.add(key)
            yield node


def _covers(since: datetime, until: datetime, span: Window) -> bool:
    """Whether the PRs pull_requests read (in [since, until)) are a start of this window:
    what is left to search then begins where it stopped."""
    return since <= span.since <= until <= span.until


def _updated_in(updated: datetime | None, span: Window) -> bool:
    """Whether a reused PR's update falls in this stream's window (unknown: it does)."""
    return updated is None or updated >= span.since.replace(microsecond=0)  # whole seconds


def _in_window(
    authored: AuthoredDocPRs, span: Window
) -> Iterator[tuple[dict[str, Any], tuple[str, ...]]]:
    """The reused PRs this stream's window holds (all of them when the windows start alike)."""
    for node, paths in authored.prs:
        if authored.since == span.since or _updated_in(parse_time(node.get("updatedAt")), span):
            yield node, paths
