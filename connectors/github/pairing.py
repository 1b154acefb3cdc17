"""Pairing items from GitHub PR nodes: the PR, its commits (first page from the search,
the rest from `more_pages`) and the owner as GitHub names them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from connectors.github.normalize import (
    PLATFORM,
    parse_time,
    pr_ref,
    pr_state,
    repo_name,
    repo_privacy,
)
from connectors.item import Item
from connectors.pairing import Change, OwnerIdentity, PairedCommit, pairing_items
from connectors.trailers import Person

AUTHORED_PAIRINGS = "github.authored_pairings"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# A pairing item carries the PR's first 100 paths (for rules), however it was read.
PAIRING_PATHS = 100


@dataclass(frozen=True)
class AuthoredPairings:
    """What pull_requests leaves for pairing in the run: the window it searched, the owner
    as its pages named them, and the pairing items of its PRs (with each PR's update)."""

    since: datetime
    until: datetime
    owner: OwnerIdentity | None
    prs: tuple[tuple[datetime | None, tuple[Item, ...]], ...]


def owner_identity(user: Mapping[str, Any], base_url: str) -> OwnerIdentity:
    """The owner from a page's `user` field: login, profile name, public e-mail and the
    no-reply addresses GitHub gives the account (`ID+login@users.noreply.HOST`)."""
    login = str(user.get("login") or "")
    host = noreply_host(base_url)
    emails = [user.get("email"), f"{login}@users.noreply.{host}"]
    if user.get("databaseId"):
        emails.append(f"{user['databaseId']}+{login}@users.noreply.{host}")
    return OwnerIdentity.of(login, [user.get("name")], emails)


def noreply_host(base_url: str) -> str:
    """github.com for api.github.com; an Enterprise Server's own host name otherwise."""
    host = urlsplit(base_url).hostname or "github.com"
    return "github.com" if host == "api.github.com" else host


def pairings_of(
    source: str,
    node: Mapping[str, Any],
    paths: Sequence[str],
    commits: Iterable[Mapping[str, Any]],
    owner: OwnerIdentity,
) -> list[Item]:
    """The owner's pairings on one PR, from its node and every commit of it."""
    paired = [c for entry in commits if (c := paired_commit(entry)) is not None]
    return pairing_items(source, change_of(node, paths), paired, owner)


def change_of(node: Mapping[str, Any], paths: Sequence[str]) -> Change:
    repo = repo_name(node)
    created = parse_time(node.get("createdAt")) or _EPOCH
    labels = (node.get("labels") or {}).get("nodes") or []
    return Change(
        platform=PLATFORM,
        ref=pr_ref(repo, node.get("number")),
        repo=repo,
        url=str(node.get("url") or ""),
        title=str(node.get("title") or ""),
        author=(node.get("author") or {}).get("login"),
        state=pr_state(node),
        created_at=created,
        merged_at=parse_time(node.get("mergedAt")),
        closed_at=parse_time(node.get("closedAt")),
        labels=tuple(str(n["name"]) for n in labels if isinstance(n, dict) and n.get("name")),
        paths=tuple(paths[:PAIRING_PATHS]),
        extra={"number": node.get("number"), **repo_privacy(node)},
    )


def paired_commit(entry: Mapping[str, Any]) -> PairedCommit | None:
    """A `PullRequestCommit` node as the pairing rules read it."""
    commit = entry.get("commit")
    if not isinstance(commit, dict) or not commit.get("oid"):
        return None
    author = commit.get("author") or {}
    user = author.get("user") or {}
    return PairedCommit(
        oid=str(commit["oid"]),
        message=str(commit.get("message") or ""),
        author=Person(
            str(author.get("name") or ""), author.get("email") or None, user.get("login")
        ),
        at=parse_time(commit.get("committedDate")),
        url=commit.get("url"),
    )


def without_commits(node: dict[str, Any]) -> dict[str, Any]:
    """The PR node as its pull_request item keeps it: the commits belong to pairing."""
    return {k: v for k, v in node.items() if k != "commits"}
