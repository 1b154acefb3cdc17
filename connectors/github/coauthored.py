"""Colleagues' PRs the owner co-authored, without reading everyone's PRs.

GitHub's PR search has no co-author qualifier, `involves:` does not cover commits, and the
owner's commit contributions name repositories, not commits. Commit search does: it reads
commit messages, where `Co-authored-by:` trailers are. So:
- one REST commit search per window (`/search/commits`): messages naming the owner (their
  profile name, no-reply or public e-mail) on commits they did not author, committed in
  the window or up to SLACK before it;
- one aliased GraphQL query per MAX_COMMIT_LOOKUPS of those commits reads each one's PR
  with its commits, where the pairing rules then check that the owner co-authored one.
The cost grows with the commits naming the owner, not with the PRs read.

Bounds, from what commit search is: it covers default branches (a PR counts once merged),
and GitHub's squash keeps every co-author in the merged commit's message. A commit whose
trailer names the owner by something else (a work e-mail not on their profile, a
nickname) is not found; nor a commit the owner authored on a colleague's PR that was
merged without squashing (`-author:` leaves the owner's own commits out, which would
otherwise bring every one of their signed-off commits). A merge commit keeps its commits'
dates: one committed more than SLACK before its merge is missed.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from connectors.github import queries
from connectors.github.more_pages import COMMITS, Entries, MorePages
from connectors.github.normalize import pr_ref, repo_name
from connectors.github.search import Window, rest_search, scope_qualifiers, window
from connectors.github.source import GitHubSource
from connectors.http import Verdict, follow
from connectors.pairing import OwnerIdentity
from connectors.streams import Window as StreamWindow

SLACK = timedelta(days=30)
MAX_QUERY = 256  # GitHub refuses longer search queries
_Found = tuple[str, str]  # (repository, commit oid)


def coauthored_pull_requests(
    source: GitHubSource, owner: OwnerIdentity, span: StreamWindow
) -> Iterator[tuple[dict[str, Any], Entries]]:
    """Colleagues' PRs with a commit that names the owner, each with all its commits."""
    found = list(dict.fromkeys(_commits_naming(source, owner, span)))
    prs = _pull_requests_of(source, found, owner)
    yield from MorePages(source.transport, (COMMITS,)).complete(prs)


def search_terms(owner: OwnerIdentity) -> list[str]:
    """What names the owner in a message, most telling first: profile names, e-mails."""
    return [*sorted(owner.names), *sorted(owner.emails, key=lambda e: ("+" not in e, e))]


def commit_query(owner: OwnerIdentity, part: Window, scope: str) -> str:
    """`"name" OR "e-mail" ... -author:login merge:false committer-date:a..b [scope]`,
    terms dropped from the end (and then the scope) to stay within GitHub's length."""
    fixed = f"-author:{owner.login} merge:false {part.qualifier('committer-date')}"
    terms = ['"' + t.replace('"', "") + '"' for t in search_terms(owner)][:4]
    for with_scope in (scope, ""):
        for count in range(len(terms), 0, -1):
            query = " ".join([" OR ".join(terms[:count]), fixed, with_scope]).strip()
            if len(query) <= MAX_QUERY:
                return query
    return f"{terms[0]} {fixed}"  # never without a term: that would be every commit


def _commits_naming(
    source: GitHubSource, owner: OwnerIdentity, span: StreamWindow
) -> Iterator[_Found]:
    if not search_terms(owner):
        return  # nothing names the owner in a message but their login, which is too common
    config = source.config
    scope = scope_qualifiers(config.repos, config.orgs)
    whole = window(span.since - SLACK, span.until)
    for commit in rest_search(
        source.transport,
        "/search/commits",
        lambda part: commit_query(owner, part, scope),
        whole,
        what="searching commits that name the owner",
        sort="committer-date",
    ):
        repo = str((commit.get("repository") or {}).get("full_name") or "")
        if commit.get("sha") and config.repo_allowed(repo):
            yield repo, str(commit["sha"])


def _pull_requests_of(
    source: GitHubSource, found: list[_Found], owner: OwnerIdentity
) -> Iterator[dict[str, Any]]:
    """The PR of each commit, each PR once, the owner's own left out (pull_requests and
    pairing read those)."""
    seen: set[str] = set()
    for pr in _lookups(source, found):
        ref = pr_ref(repo_name(pr), pr.get("number"))
        author = str((pr.get("author") or {}).get("login") or "")
        if ref in seen or author.casefold() == owner.login.casefold():
            continue
        seen.add(ref)
        if source.config.repo_allowed(repo_name(pr)):
            yield pr


@dataclass(frozen=True)
class _Lookup:
    """One request of commit lookups: where in the list it began, what it sent, the answer."""

    start: int
    sent: tuple[_Found, ...]
    data: Mapping[str, Any]


def _lookups(source: GitHubSource, found: list[_Found]) -> Iterator[dict[str, Any]]:
    """The PR node of each commit that has a PR, MAX_COMMIT_LOOKUPS a request
    (half as many after GitHub timed out on one)."""
    transport = source.transport
    size = [queries.MAX_COMMIT_LOOKUPS]
    what = "finding the pull requests of co-authored commits"

    def shrink(verdict: Verdict) -> None:
        if verdict.smaller_page:
            size[0] = max(1, size[0] // 2)

    def fetch(at: int | None) -> _Lookup:
        start = at or 0
        sent: list[_Found] = []

        def build() -> tuple[str, dict[str, Any]]:
            sent[:] = found[start : start + size[0]]
            variables: dict[str, Any] = {}
            for i, (repo, oid) in enumerate(sent):
                owner, _, name = repo.partition("/")
                variables |= {f"o{i}": owner, f"n{i}": name, f"s{i}": oid}
            return queries.commit_pull_requests(len(sent)), variables

        data = transport.send(build, what=what, on_retry=shrink).data
        return _Lookup(start, tuple(sent), data)

    def next_start(done: _Lookup) -> int | None:
        end = done.start + len(done.sent)
        return end if end < len(found) else None

    if not found:
        return
    for done in follow(fetch, next_start, where=transport.where, what=what):
        for i, (repo, _oid) in enumerate(done.sent):
            repository = done.data.get(f"p{i}")
            if repository is None:
                transport.warn_unreadable(repo)
                continue
            commit = repository.get("object") or {}
            nodes = (commit.get("associatedPullRequests") or {}).get("nodes") or []
            if nodes and isinstance(nodes[0], dict) and "number" in nodes[0]:
                yield nodes[0]
