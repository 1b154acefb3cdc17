"""The reviews stream: MRs by others that the owner approved or commented on.

Found through the owner's own events (`approved`, `commented`: REST, the only API that
has them) instead of scanning every MR; the MRs found are then read in batches over
GraphQL (`connectors.gitlab.reviewed`), or one by one over REST where GraphQL cannot
serve them. The owner's own MRs, known from the merge_requests stream of the same run,
are not read at all.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from connectors.gitlab.client import Owner, Skipped
from connectors.gitlab.normalize import extra_visibility, parse_time
from connectors.gitlab.owner_mrs import OWNER_MRS_KEY, OwnerMergeRequests
from connectors.gitlab.reviewed import MrKey, Reviewed, read_reviewed
from connectors.gitlab.source import GitLabSource
from connectors.item import Item
from connectors.streams import RunContext, Stream, StreamReader, Window

APPROVAL_NOTE = "approved this merge request"
REVIEWED_KEY = "gitlab.reviewed_merge_requests"


@dataclass(frozen=True)
class ReviewedMrs:
    """What reviews leaves for pairing: colleagues' MRs the owner approved or commented on
    in its window (where the owner may also be a co-author)."""

    window: Window
    keys: tuple[MrKey, ...]


class Reviews(StreamReader[GitLabSource]):
    stream = Stream("reviews", "review", needs=("merge_requests",))

    def fetch(self, window: Window, run: RunContext) -> Iterator[Item]:
        source = self.source
        owner = source.rest.owner()
        activity = fetch_activity(source, owner, window)
        known = run.get(OWNER_MRS_KEY, OwnerMergeRequests)
        own = known.keys if known is not None else frozenset()
        keys = [key for key in activity if key not in own]
        run.put(REVIEWED_KEY, ReviewedMrs(window, tuple(keys)))
        for (project_id, iid), found in read_reviewed(source, run, owner, keys):
            if isinstance(found, Skipped):
                source.warn_skip(f"merge request {project_id}!{iid}", found)
                continue
            if found is None:
                continue
            item = normalize_review(
                source.config.name, owner, found, event_times=activity[(project_id, iid)]
            )
            if item is not None:
                yield item


def event_window(window: Window) -> dict[str, str]:
    """The events API filters on whole days, both bounds exclusive: widen by a day each side."""
    return {
        "after": (window.since - timedelta(days=1)).date().isoformat(),
        "before": (window.until + timedelta(days=1)).date().isoformat(),
        "sort": "asc",
    }


def in_window(moment: datetime | None, window: Window) -> bool:
    return moment is not None and window.since <= moment < window.until


def target_mr(event: Mapping[str, Any]) -> MrKey | None:
    """The merge request an approved/commented event is about, if it is about one."""
    project = event.get("project_id")
    if project is None:
        return None
    if event.get("target_type") == "MergeRequest" and event.get("target_iid") is not None:
        return int(project), int(event["target_iid"])
    note = event.get("note") or {}
    if note.get("noteable_type") == "MergeRequest" and note.get("noteable_iid") is not None:
        return int(project), int(note["noteable_iid"])
    return None


def fetch_activity(
    source: GitLabSource, owner: Owner, window: Window
) -> dict[MrKey, list[datetime]]:
    """Merge requests the owner approved or commented on in the window (2 requests warm)."""
    activity: dict[MrKey, list[datetime]] = {}
    for action in ("approved", "commented"):
        query = {"action": action, **event_window(window)}
        for event in source.rest.iterate(
            f"/users/{owner.id}/events", query, what=f"the owner's {action} events"
        ):
            moment = parse_time(event.get("created_at"))
            key = target_mr(event)
            if key is not None and moment is not None and in_window(moment, window):
                activity.setdefault(key, []).append(moment)
    return activity


def split_notes(
    owner_notes: Sequence[Mapping[str, Any]],
) -> tuple[list[Mapping[str, Any]], list[Mapping[str, Any]]]:
    """The owner's own comments, and the system notes GitLab writes when they approve."""
    comments = [n for n in owner_notes if not n.get("system")]
    approvals = [
        n
        for n in owner_notes
        if n.get("system") and str(n.get("body", "")).startswith(APPROVAL_NOTE)
    ]
    return comments, approvals


def normalize_review(
    source: str, owner: Owner, reviewed: Reviewed, *, event_times: Sequence[datetime]
) -> Item | None:
    """One review item per MR; None when nothing of the owner's is left on it."""
    mr, project = reviewed.mr, reviewed.project
    comments, approval_notes = split_notes(reviewed.owner_notes)
    approvers = [a.get("user") for a in reviewed.approvals.get("approved_by") or []]
    approved = any(owner.is_(user) for user in approvers)
    moments = [t for t in (parse_time(n.get("created_at")) for n in comments + approval_notes) if t]
    moments += event_times
    if not moments or not (comments or approved or approval_notes):
        return None
    first, last = min(moments), max(moments)
    states = (["APPROVED"] if approved else []) + (["COMMENTED"] if comments else [])
    return Item(
        source=source,
        kind="review",
        external_id=f"{project.path}!{mr['iid']}:review",
        url=str(mr["web_url"]),
        title=str(mr.get("title") or ""),
        repo=project.path,
        author=owner.username,
        created_at=first,
        updated_at=last,
        occurred_at=last,
        state="approved" if approved else "commented",
        labels=tuple(str(label) for label in mr.get("labels") or ()),
        extra={
            "platform": "gitlab",
            "iid": mr["iid"],
            "project_id": mr.get("project_id"),
            "merge_request_author": (mr.get("author") or {}).get("username"),
            "merge_request_state": mr.get("state"),
            "review_states": states,
            "approved": approved,
            "approvals_by_owner": max(len(approval_notes), int(approved)),
            "comments": len(comments),
            "first_activity": first.isoformat(),
            "last_activity": last.isoformat(),
            **extra_visibility(project),
        },
        raw={
            "merge_request": dict(mr),
            "approvals": dict(reviewed.approvals),
            "notes": list(reviewed.owner_notes),
        },
    )
