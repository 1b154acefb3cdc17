"""Pure functions: a Jira issue payload -> Item."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
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


def normalize_issue(
    issue: Mapping[str, Any],
    *,
    source: str,
    base_url: str,
    custom: CustomFields,
    epics: Mapping[str, str],
) -> Item:
    """One Jira issue as a `ticket` Item; `raw` keeps the payload as received."""
    key = str(issue["key"])
    fields: Mapping[str, Any] = issue.get("fields") or {}
    created = parse_time(fields["created"])
    updated = parse_time(fields.get("updated") or fields["created"])
    resolved_raw = fields.get("resolutiondate")
    resolved = parse_time(resolved_raw) if resolved_raw else updated
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
        occurred_at=resolved,
        state="done",
        labels=tuple(str(label) for label in fields.get("labels") or ()),
        extra=extra,
        raw=dict(issue),
    )
