"""Commits in the fake GitHub: a PR's commits over GraphQL, and REST commit search
(`/search/commits`) over the commits on default branches, as GitHub documents it: words
and "quoted phrases" of the message (case ignored, `OR` between them), the qualifiers
`author`, `committer-date`, `merge`, `repo`, `org`, `user` (a `-` excludes), sorted by
`committer-date`, 100 a page, 1,000 results at most."""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from fakes.github_data import WEB, Commit, Dataset, PrCommit, PullRequest
from fakes.github_pairing import commits_of, git_email
from fakes.github_search import _in_range

SEARCH_CAP = 1000
_WORD = re.compile(r"[a-z0-9]+")


def iso(moment: Any) -> str:
    return str(moment.strftime("%Y-%m-%dT%H:%M:%SZ"))


def pr_commit_nodes(ds: Dataset, pr: PullRequest) -> list[dict[str, Any]]:
    """`PullRequestCommit` nodes of a PR, oldest first."""
    return [{"commit": _commit_object(pr.repo, c)} for c in commits_of(ds, pr)]


def _commit_object(repo: str, c: PrCommit) -> dict[str, Any]:
    return {
        "__typename": "Commit",
        "oid": c.oid,
        "url": f"{WEB}/{repo}/commit/{c.oid}",
        "message": c.message,
        "messageHeadline": c.message.splitlines()[0],
        "committedDate": iso(c.at),
        "author": {
            "name": c.name,
            "email": c.email,
            "date": iso(c.at),
            "user": {"__typename": "User", "login": c.login} if c.login else None,
        },
    }


# -- REST commit search ---------------------------------------------------------------


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def _has_phrase(message: list[str], phrase: list[str]) -> bool:
    n = len(phrase)
    return n > 0 and any(message[i : i + n] == phrase for i in range(len(message) - n + 1))


def parse_commit_query(query: str) -> tuple[list[list[list[str]]], list[tuple[bool, str, str]]]:
    """Groups of phrases (a group matches when any of its phrases does; all groups must)
    and (negated, key, value) qualifiers."""
    groups: list[list[list[str]]] = []
    qualifiers: list[tuple[bool, str, str]] = []
    joined = False
    for token in shlex.split(query):
        key, colon, value = token.lstrip("-").partition(":")
        if token == "OR":
            joined = True
        elif colon and value and " " not in token:
            qualifiers.append((token.startswith("-"), key.lower(), value))
        elif joined and groups:
            groups[-1].append(_words(token))
            joined = False
        else:
            groups.append([_words(token)])
    return groups, qualifiers


def _qualifier(ds: Dataset, key: str, value: str) -> Callable[[Commit], bool]:
    tests: dict[str, Callable[[Commit], bool]] = {
        "author": lambda c: c.author.lower() == value.lower(),
        "committer-date": lambda c: _in_range(value, c.committed),
        "merge": lambda c: value == "false",  # the dataset has no merge commits
        "repo": lambda c: c.repo.lower() == value.lower(),
        "org": lambda c: c.repo.split("/")[0].lower() == value.lower(),
        "user": lambda c: c.repo.split("/")[0].lower() == value.lower(),
    }
    if key not in tests:
        raise ValueError(f"the fake does not know the commit qualifier {key!r}")
    return tests[key]


def matching_commits(ds: Dataset, query: str) -> list[Commit]:
    groups, qualifiers = parse_commit_query(query)
    tests = [(negated, _qualifier(ds, key, value)) for negated, key, value in qualifiers]
    found = []
    for commit in ds.commits:
        words = _words(commit.message)
        if not ds.visible(commit.repo) or not all(t(commit) != neg for neg, t in tests):
            continue
        if all(any(_has_phrase(words, phrase) for phrase in group) for group in groups):
            found.append(commit)
    return sorted(found, key=lambda c: (c.committed, c.oid))


def search_commits(
    ds: Dataset, root: str, path: str, query: dict[str, str]
) -> tuple[int, dict[str, str], Any]:
    if query.get("sort") != "committer-date":
        raise ValueError("the connector sorts commit search by committer-date")
    per_page = min(int(query.get("per_page", 30)), 100)
    page = int(query.get("page", 1))
    found = matching_commits(ds, query.get("q", ""))
    if query.get("order") == "desc":
        found.reverse()
    if (page - 1) * per_page >= SEARCH_CAP:
        return 422, {}, {"message": "Only the first 1000 search results are available"}
    reachable = found[:SEARCH_CAP]
    chunk = reachable[(page - 1) * per_page : page * per_page]
    headers = {}
    if page * per_page < len(reachable):
        next_page = urlencode({**query, "page": page + 1})
        headers["Link"] = f'<{root}{path}?{next_page}>; rel="next"'
    items = [_search_item(ds, c) for c in chunk]
    return 200, headers, {"total_count": len(found), "incomplete_results": False, "items": items}


def _search_item(ds: Dataset, c: Commit) -> dict[str, Any]:
    person = {
        "name": ds.names[c.author],
        "email": git_email(ds, c.author),
        "date": iso(c.committed),
    }
    return {
        "sha": c.oid,
        "html_url": f"{WEB}/{c.repo}/commit/{c.oid}",
        "commit": {"author": person, "committer": person, "message": c.message},
        "author": {"login": c.author, "type": "User"},
        "committer": {"login": c.author, "type": "User"},
        "repository": {
            "full_name": c.repo,
            "private": ds.repos[c.repo].private,
            "html_url": f"{WEB}/{c.repo}",
        },
        "score": 1.0,
    }
