"""Pairing items of GitLab merge requests (`connectors.pairing`): the MR, its commits in
REST's shape (GraphQL's answers are put into it first) and the owner as GitLab names them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from connectors.gitlab.client import Owner
from connectors.gitlab.normalize import (
    Project,
    extra_visibility,
    finished_at,
    mr_state,
    parse_time,
)
from connectors.gitlab.owner_mrs import OwnerMr
from connectors.item import Item
from connectors.pairing import Change, OwnerIdentity, PairedCommit, pairing_items
from connectors.trailers import Person

PLATFORM = "gitlab"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def owner_identity(owner: Owner, base_url: str) -> OwnerIdentity:
    """The owner: username, profile name, the e-mails the token may read, and the no-reply
    address GitLab gives the account (`ID-username@users.noreply.HOST`)."""
    host = urlsplit(base_url).hostname or "gitlab.com"
    noreply = f"{owner.id}-{owner.username}@users.noreply.{host}"
    return OwnerIdentity.of(owner.username, [owner.name], [*owner.emails, noreply])


def owner_mr_pairings(source: str, record: OwnerMr, identity: OwnerIdentity) -> list[Item]:
    """The owner's pairings on one of their MRs (none when its commits were not read)."""
    if record.commits is None:
        return []
    summary_paths = record.summary.paths if record.summary is not None else ()
    change = change_of(record.mr, record.project, summary_paths)
    commits = [paired_commit(row) for row in record.commits]
    return pairing_items(source, change, commits, identity)


def change_of(mr: Mapping[str, Any], project: Project, paths: Iterable[str]) -> Change:
    merged = parse_time(mr.get("merged_at"))
    closed = parse_time(mr.get("closed_at"))
    created = parse_time(mr.get("created_at")) or _EPOCH
    state = mr_state(mr.get("state"), merged, closed)
    # Dated as the MR's own item: GraphQL (16.x) has no `closedAt`, older GitLab no
    # `merged_at` for some merged MRs; the last update stands in for them.
    done = finished_at(state, merged or closed, parse_time(mr.get("updated_at")) or created)
    return Change(
        platform=PLATFORM,
        ref=f"{project.path}!{mr['iid']}",
        repo=project.path,
        url=str(mr.get("web_url") or ""),
        title=str(mr.get("title") or ""),
        author=(mr.get("author") or {}).get("username"),
        state=state,
        created_at=created,
        merged_at=merged,
        closed_at=done,
        labels=tuple(str(label) for label in mr.get("labels") or ()),
        paths=tuple(list(paths)[:100]),
        extra={"iid": mr["iid"], "project_id": mr.get("project_id"), **extra_visibility(project)},
    )


def paired_commit(row: Mapping[str, Any]) -> PairedCommit:
    """A commit in REST's shape (`author_username` when GraphQL named the account)."""
    return PairedCommit(
        oid=str(row.get("id") or ""),
        message=str(row.get("message") or ""),
        author=Person(
            str(row.get("author_name") or ""),
            row.get("author_email") or None,
            row.get("author_username") or None,
        ),
        at=parse_time(row.get("authored_date")),
        url=row.get("web_url"),
    )
