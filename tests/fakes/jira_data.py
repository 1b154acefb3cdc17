"""The fake Jira's data: users, issues, the field catalog, and how Jira renders them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import Any

# Custom field ids differ per site; these are typical of each flavour.
CLOUD_FIELDS = {
    "story_points": "customfield_10016",
    "sprint": "customfield_10020",
    "epic_link": "customfield_10014",
    "legacy_points": "customfield_10028",
}
SERVER_FIELDS = {
    "story_points": "customfield_10106",
    "sprint": "customfield_10104",
    "epic_link": "customfield_10101",
    "epic_name": "customfield_10102",
}

_CATEGORY = {
    "new": {"id": 2, "key": "new", "colorName": "blue-gray", "name": "To Do"},
    "indeterminate": {
        "id": 4,
        "key": "indeterminate",
        "colorName": "yellow",
        "name": "In Progress",
    },
    "done": {"id": 3, "key": "done", "colorName": "green", "name": "Done"},
}


@dataclass
class FakeUser:
    account_id: str  # Cloud accountId; doubles as the Server user name
    display_name: str
    email: str
    time_zone: str
    secret: str  # Cloud API token, or Server personal access token
    password: str = "pw"


@dataclass
class FakeIssue:
    key: str
    summary: str
    created: datetime
    assignee: str | None
    status: str = "Done"
    category: str = "done"
    resolved: datetime | None = None
    updated: datetime | None = None
    resolution: str | None = None
    issue_type: str = "Story"
    previous_assignees: list[str] = field(default_factory=list)
    description: str = ""
    components: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    priority: str = "Medium"
    story_points: float | None = None
    sprints: list[str] = field(default_factory=list)
    epic: str | None = None
    parent: str | None = None
    id: str = ""

    @property
    def project(self) -> str:
        return self.key.split("-")[0]

    @property
    def number(self) -> int:
        return int(self.key.split("-")[1])


def field_catalog(deployment: str) -> list[dict[str, Any]]:
    """What `/field` lists: system fields and the agile custom fields."""
    system = [
        "summary",
        "description",
        "issuetype",
        "project",
        "components",
        "labels",
        "priority",
        "resolution",
        "resolutiondate",
        "created",
        "updated",
        "status",
        "assignee",
        "parent",
    ]
    fields = [
        {
            "id": s,
            "key": s,
            "name": s.capitalize(),
            "custom": False,
            "orderable": True,
            "navigable": True,
            "searchable": True,
            "clauseNames": [s],
            "schema": {"type": "string", "system": s},
        }
        for s in system
    ]
    if deployment == "cloud":
        ids = CLOUD_FIELDS
        customs = [
            (
                ids["story_points"],
                "Story point estimate",
                "com.pyxis.greenhopper.jira:jsw-story-points",
                "number",
            ),
            (
                ids["legacy_points"],
                "Story Points",
                "com.atlassian.jira.plugin.system.customfieldtypes:float",
                "number",
            ),
            (ids["sprint"], "Sprint", "com.pyxis.greenhopper.jira:gh-sprint", "array"),
            (ids["epic_link"], "Epic Link", "com.pyxis.greenhopper.jira:gh-epic-link", "any"),
            ("customfield_10050", "Team", "com.atlassian.teams:rm-teams-custom-field-team", "team"),
        ]
    else:
        ids = SERVER_FIELDS
        customs = [
            (
                ids["story_points"],
                "Story Points",
                "com.atlassian.jira.plugin.system.customfieldtypes:float",
                "number",
            ),
            (ids["sprint"], "Sprint", "com.pyxis.greenhopper.jira:gh-sprint", "array"),
            (ids["epic_link"], "Epic Link", "com.pyxis.greenhopper.jira:gh-epic-link", "any"),
            (ids["epic_name"], "Epic Name", "com.pyxis.greenhopper.jira:gh-epic-label", "string"),
        ]
    for fid, name, custom, kind in customs:
        number = fid.split("_")[1]
        fields.append(
            {
                "id": fid,
                "key": fid,
                "name": name,
                "custom": True,
                "orderable": True,
                "navigable": True,
                "searchable": True,
                "clauseNames": [f"cf[{number}]", name],
                "schema": {"type": kind, "custom": custom, "customId": int(number)},
            }
        )
    return fields


def jira_time(value: datetime | None, zone: tzinfo) -> str | None:
    """Jira's timestamp format: milliseconds and an offset without a colon."""
    if value is None:
        return None
    local = value.astimezone(zone)
    return (
        local.strftime("%Y-%m-%dT%H:%M:%S.")
        + f"{local.microsecond // 1000:03d}"
        + local.strftime("%z")
    )


def adf(text: str) -> dict[str, Any] | None:
    """Atlassian Document Format as Cloud v3 returns it: paragraphs, and "- " lines as a list."""
    if not text:
        return None
    content: list[dict[str, Any]] = []
    for block in text.split("\n\n"):
        lines = block.split("\n")
        if all(line.startswith("- ") for line in lines):
            items = [
                {
                    "type": "listItem",
                    "content": [
                        {"type": "paragraph", "content": [{"type": "text", "text": line[2:]}]}
                    ],
                }
                for line in lines
            ]
            content.append({"type": "bulletList", "content": items})
        else:
            inline: list[dict[str, Any]] = []
            for i, line in enumerate(lines):
                if i:
                    inline.append({"type": "hardBreak"})
                inline.append(
                    {"type": "text", "text": line, "marks": [{"type": "strong"}]}
                    if line.startswith("!")
                    else {"type": "text", "text": line}
                )
            content.append({"type": "paragraph", "content": inline})
    return {"type": "doc", "version": 1, "content": content}


def server_sprint(index: int, name: str) -> str:
    """Greenhopper's toString of a sprint, as Server REST v2 returns sprint values."""
    return (
        f"com.atlassian.greenhopper.service.sprint.Sprint@{index:x}5e1a[id={index},"
        f"rapidViewId=7,state=CLOSED,name={name},startDate=2026-11-02T09:00:00.000-08:00,"
        f"endDate=2026-11-16T09:00:00.000-08:00,completeDate=<null>,"
        f"activatedDate=2026-11-02T09:05:00.000-08:00,sequence={index},goal=,"
        f"autoStartStop=false,synced=false]"
    )
