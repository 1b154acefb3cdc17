"""The reviews stream: MRs by others that the owner approved or commented on.

Found through the owner's own events (`approved`, `commented`) instead of scanning every
MR; each MR found is then read once: the MR, its approvals and its notes (3 requests;
none for the owner's own MRs already seen by the merge_requests stream in this run).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from connectors.gitlab.client import GitLabClient, Owner, Skipped
from connectors.gitlab.merge_requests import allowed
from connectors.gitlab.normalize import mr_reference, parse_time, project_of
from connectors.gitlab.parallel import ordered_map
from connectors.item import Item

APPROVAL_NOTE = "approved this merge request"
MrKey = tuple[int, int]


def event_window(since: datetime, until: datetime | None) -> dict[str, str]:
    """The events API filters on whole days, both bounds exclusive: widen by a day each side."""
    query = {"after": (since - timedelta(days=1)).date().isoformat(), "sort": "asc"}
    if until is not None:
        query["before"] = (until + timedelta(days=1)).date().isoformat()
    return query


def in_window(moment: datetime | None, since: datetime, until: datetime | None) -> bool:
    return moment is not None and moment >= since and (until is None or moment < until)


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
    client: GitLabClient, owner: Owner, since: datetime, until: datetime | None
) -> dict[MrKey, list[datetime]]:
    """Merge requests the owner approved or commented on in the window (2 requests warm)."""
    activity: dict[MrKey, list[datetime]] = {}
    for action in ("approved", "commented"):
        query = {"action": action, **event_window(since, until)}
        for event in client.iterate(
            f"/users/{owner.id}/events", query, what=f"the owner's {action} events"
        ):
            moment = parse_time(event.get("created_at"))
            key = target_mr(event)
            if key is not None and moment is not None and in_window(moment, since, until):
                activity.setdefault(key, []).append(moment)
    return activity


def fetch_reviews(client: GitLabClient, since: datetime, until: datetime | None) -> Iterator[Item]:
    owner = client.owner()
    activity = fetch_activity(client, owner, since, until)
    # Their own MRs, known from the merge_requests stream, cost no request.
    keys = [k for k in activity if k not in client.owner_merge_requests]

    def details(key: MrKey) -> Reviewed | Skipped | None:
        try:
            return fetch_reviewed(client, owner, key)
        except Skipped as skip:
            return skip

    # Several MRs' requests in flight at once; items still come in the activity's order.
    for (project_id, iid), found in ordered_map(details, keys):
        if isinstance(found, Skipped):
            client.warn_skip(f"merge request {project_id}!{iid}", found)
            continue
        if found is None:
            continue
        mr, approvals, mine = found
        item = normalize_review(
            client.config.name,
            owner,
            mr,
            approvals,
            owner_notes=mine,
            event_times=activity[(project_id, iid)],
        )
        if item is not None:
            yield client.with_visibility(item, project_id)


Reviewed = tuple[dict[str, Any], dict[str, Any], list[dict[str, Any]]]


def fetch_reviewed(client: GitLabClient, owner: Owner, key: MrKey) -> Reviewed | None:
    """The MR, its approvals and the owner's notes on it; None for the owner's own MR or
    a project outside the allow-lists."""
    project_id, iid = key
    base = f"/projects/{project_id}/merge_requests/{iid}"
    mr = client.get(base, what=f"merge request {project_id}!{iid}")
    if (mr.get("author") or {}).get("id") == owner.id or not allowed(client, project_of(mr)):
        return None
    approvals = client.get(f"{base}/approvals", what=f"approvals of {mr['web_url']}")
    notes = client.iterate(
        f"{base}/notes",
        {"sort": "asc", "order_by": "created_at"},
        what=f"notes of {mr['web_url']}",
        skippable=True,
    )
    return mr, approvals, [n for n in notes if (n.get("author") or {}).get("id") == owner.id]


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
    source: str,
    owner: Owner,
    mr: Mapping[str, Any],
    approvals: Mapping[str, Any],
    *,
    owner_notes: Sequence[Mapping[str, Any]],
    event_times: Sequence[datetime],
) -> Item | None:
    """One review item per MR; None when nothing of the owner's is left on it."""
    comments, approval_notes = split_notes(owner_notes)
    approvers = {(a.get("user") or {}).get("id") for a in approvals.get("approved_by") or []}
    approved = owner.id in approvers
    moments = [t for t in (parse_time(n.get("created_at")) for n in comments + approval_notes) if t]
    moments += event_times
    if not moments or not (comments or approved or approval_notes):
        return None
    first, last = min(moments), max(moments)
    states = (["APPROVED"] if approved else []) + (["COMMENTED"] if comments else [])
    return Item(
        source=source,
        kind="review",
        external_id=f"{mr_reference(mr)}:review",
        url=str(mr["web_url"]),
        title=str(mr.get("title") or ""),
        repo=project_of(mr),
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
        },
        raw={"merge_request": dict(mr), "approvals": dict(approvals), "notes": list(owner_notes)},
    )
