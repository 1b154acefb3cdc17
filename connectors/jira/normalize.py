"""Pure functions: a Jira issue payload -> Item."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from connectors.item import Item, excerpt
from connectors.jira.fields import CustomFields

BODY_LIMIT = 1000
_ADF_DEPTH = 50
_BLOCKS = frozenset({"paragraph", "heading", "blockquote", "codeBlock", "panel", "rule", "table"})
# Greenhopper's toString order varies by version; a name ends at the next known key.
_SPRINT_NAME = re.compile(
    r"[\[,]name=(.*?)(?:,(?:goal|startDate|endDate|completeDate|activatedDate|sequence|synced"
    r"|autoStartStop|incompleteIssuesDestinationId|rapidViewId|state|id)=|\]$)"
)


def parse_time(value: str) -> datetime:
    """Jira timestamps ("2026-11-20T08:13:45.123-0800") as aware datetimes."""
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        raise ValueError(f"timestamp without offset: {value!r}")
    return parsed


def adf_text(node: Any, depth: int = 0) -> str:
    """Plain text of an Atlassian Document Format tree (Cloud v3 rich text)."""
    if depth > _ADF_DEPTH or not isinstance(node, Mapping):
        return ""
    kind = node.get("type")
    if kind == "text":
        return str(node.get("text", ""))
    if kind == "hardBreak":
        return "\n"
    if kind in ("mention", "emoji", "status", "date", "inlineCard"):
        attrs = node.get("attrs") or {}
        return str(attrs.get("text") or attrs.get("url") or attrs.get("shortName") or "")
    children = [c for c in node.get("content") or () if isinstance(c, Mapping)]
    if kind in ("bulletList", "orderedList"):
        lines = [
            f"{f'{n}.' if kind == 'orderedList' else '-'} {adf_text(c, depth + 1).strip()}"
            for n, c in enumerate(children, start=1)
        ]
        return "\n".join(lines) + "\n\n"
    if kind == "tableRow":
        return " | ".join(adf_text(c, depth + 1).strip() for c in children) + "\n"
    text = "".join(adf_text(c, depth + 1) for c in children)
    return text + "\n\n" if kind in _BLOCKS else text


def description_text(value: Any) -> str:
    """Cloud v3 sends ADF, Server sends wiki markup as a string."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    text = adf_text(value)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def sprint_names(value: Any) -> list[str]:
    """Sprint values are objects (Cloud, recent DC) or "...Sprint@1f[id=1,...,name=X,...]"."""
    names: list[str] = []
    for entry in value if isinstance(value, list) else ():
        if isinstance(entry, Mapping) and entry.get("name"):
            names.append(str(entry["name"]))
        elif isinstance(entry, str):
            match = _SPRINT_NAME.search(entry)
            if match:
                names.append(match.group(1))
    return names


def _first(fields: Mapping[str, Any], ids: Iterable[str]) -> Any:
    for field_id in ids:
        value = fields.get(field_id)
        if value not in (None, "", []):
            return value
    return None


def _name(value: Any, key: str = "name") -> str | None:
    return str(value[key]) if isinstance(value, Mapping) and value.get(key) else None


def _story_points(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        return float(value)
    except ValueError:
        return None


def parent_of(
    fields: Mapping[str, Any], custom: CustomFields, epics: Mapping[str, str]
) -> dict[str, Any] | None:
    """The parent issue, else the epic link (summary when it could be looked up)."""
    parent = fields.get("parent")
    if isinstance(parent, Mapping) and parent.get("key"):
        parent_fields = parent.get("fields") or {}
        return {
            "key": str(parent["key"]),
            "summary": parent_fields.get("summary"),
            "issue_type": _name(parent_fields.get("issuetype")),
        }
    epic = _first(fields, custom.epic_link)
    if isinstance(epic, str) and epic:
        return {"key": epic, "summary": epics.get(epic) or None, "issue_type": "Epic"}
    return None


def epic_keys(issue: Mapping[str, Any], custom: CustomFields) -> list[str]:
    """Epic keys an issue links to without a parent carrying the epic's summary."""
    fields = issue.get("fields") or {}
    if isinstance(fields.get("parent"), Mapping):
        return []
    epic = _first(fields, custom.epic_link)
    return [epic] if isinstance(epic, str) and epic else []


def _person(value: Any) -> str | None:
    # Cloud identifies people by accountId; Server and Data Center by user name.
    if not isinstance(value, Mapping):
        return None
    for key in ("accountId", "name", "key"):
        if value.get(key):
            return str(value[key])
    return None


@dataclass(frozen=True, slots=True)
class Closure:
    """When a ticket closed, what made it count, and where that moment was read."""

    at: datetime
    by: str  # "resolution", or "status" when a Done-category status closed it without one
    at_from: str  # resolutiondate, statuscategorychangedate, changelog, created or updated


def needs_changelog(issue: Mapping[str, Any]) -> bool:
    """Whether only the changelog can tell when this Done ticket closed (Data Center)."""
    fields = issue.get("fields") or {}
    return not fields.get("resolutiondate") and not fields.get("statuscategorychangedate")


def closure_of(fields: Mapping[str, Any], entered: Closure | None) -> Closure:
    """The close time: resolution date, else Cloud's status-category date, else the
    changelog's entry into Done (`entered`), else the last update, the latest it can be."""
    if fields.get("resolutiondate"):
        return Closure(parse_time(fields["resolutiondate"]), "resolution", "resolutiondate")
    if fields.get("statuscategorychangedate"):
        changed = parse_time(fields["statuscategorychangedate"])
        return Closure(changed, "status", "statuscategorychangedate")
    if entered is not None:
        return entered
    updated = fields.get("updated") or fields["created"]
    return Closure(parse_time(updated), "status", "updated")


def entered_done(changelog: Any, done: Collection[str], created: datetime) -> Closure | None:
    """When the ticket last entered a Done-category status (`done`: status ids), from its
    changelog; its creation when it never left the done status it was created in.

    None when the changelog is missing, cut short, or never shows the ticket entering Done.
    """
    if not isinstance(changelog, Mapping):
        return None
    histories = [h for h in changelog.get("histories") or () if isinstance(h, Mapping)]
    total = changelog.get("total")
    if isinstance(total, int) and total > len(histories):
        return None  # a page of a longer history: the last entry may be missing
    moves = sorted(_status_moves(histories), key=lambda move: move[0])
    entered = created if not moves or moves[0][1] in done else None
    source = "created"
    for at, before, after in moves:
        if after in done and before not in done:
            entered, source = at, "changelog"
        elif after not in done:
            entered = None  # reopened; a later move may close it again
    return Closure(entered, "status", source) if entered is not None else None


def _status_moves(histories: Iterable[Mapping[str, Any]]) -> Iterator[tuple[datetime, str, str]]:
    """(when, from status id, to status id) of every status change in a changelog."""
    for history in histories:
        if not history.get("created"):
            continue
        at = parse_time(str(history["created"]))
        for change in history.get("items") or ():
            if isinstance(change, Mapping) and change.get("field") == "status":
                yield at, str(change.get("from") or ""), str(change.get("to") or "")


def normalize_issue(
    issue: Mapping[str, Any],
    *,
    source: str,
    base_url: str,
    custom: CustomFields,
    epics: Mapping[str, str],
    entered: Closure | None = None,
) -> Item:
    """One Jira issue as a `ticket` Item; `raw` keeps the payload as received.

    `entered`: when the changelog shows it entering Done, for a ticket without a
    resolution date or a status-category date (see `closure_of`).
    """
    key = str(issue["key"])
    fields: Mapping[str, Any] = issue.get("fields") or {}
    created = parse_time(fields["created"])
    updated = parse_time(fields.get("updated") or fields["created"])
    closed = closure_of(fields, entered)
    project = fields.get("project") or {}
    status = fields.get("status") or {}
    components = [c["name"] for c in fields.get("components") or () if _name(c)]
    points = _story_points(_first(fields, custom.story_points))
    extra = {
        "platform": "jira",
        "project": project.get("key"),
        "project_name": project.get("name"),
        "issue_type": _name(fields.get("issuetype")),
        "status": _name(status),
        "components": components,
        "priority": _name(fields.get("priority")),
        "resolution": _name(fields.get("resolution")),
        "closed_by": closed.by,
        "closed_at_from": closed.at_from,
        "parent": parent_of(fields, custom, epics),
        "story_points": points,
        "sprints": sprint_names(_first(fields, custom.sprint)),
    }
    return Item(
        source=source,
        kind="ticket",
        external_id=key,
        url=f"{base_url}/browse/{key}",
        title=str(fields.get("summary") or key),
        body=excerpt(description_text(fields.get("description")), BODY_LIMIT),
        repo=project.get("key"),
        author=_person(fields.get("assignee")),
        created_at=created,
        updated_at=updated,
        occurred_at=closed.at,
        state="done",
        labels=tuple(str(label) for label in fields.get("labels") or ()),
        extra=extra,
        raw=dict(issue),
    )
