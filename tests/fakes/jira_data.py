"""The fake Jira's data: users, issues, the field catalog, and how Jira renders them."""

from __future__ import annotations

import zlib
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

STATUS_CATEGORIES = {
    "new": {"id": 2, "key": "new", "colorName": "blue-gray", "name": "To Do"},
    "indeterminate": {
        "id": 4,
        "key": "indeterminate",
        "colorName": "yellow",
        "name": "In Progress",
    },
    "done": {"id": 3, "key": "done", "colorName": "green", "name": "Done"},
}

# The statuses every fake site has: (id, category). Beside the usual ones, done statuses
# that set no resolution, as team-managed projects and custom workflows have them (these
# names are from recorded Jira Cloud data).
STATUSES: dict[str, tuple[str, str]] = {
    "Open": ("1", "new"),
    "In Progress": ("3", "indeterminate"),
    "Reopened": ("4", "new"),
    "Closed": ("6", "done"),
    "To Do": ("10000", "new"),
    "Done": ("10001", "done"),
    "In Review": ("10002", "indeterminate"),
    "Won't Do": ("10003", "done"),
    "CLA On File": ("10100", "done"),
    "Contributed": ("10101", "done"),
    "Licenses Validated": ("10102", "done"),
}
INITIAL = "To Do"


def status_id(name: str) -> str:
    """A status's id: fixed for the usual ones, stable per name for any other."""
    known = STATUSES.get(name)
    return known[0] if known else str(20000 + zlib.crc32(name.encode()) % 10000)


@dataclass
class StatusChange:
    """One transition as the changelog records it; `resolution` is (before, after) when
    the transition set or cleared the resolution too."""

    at: datetime
    before: str
    after: str
    by: str | None = None
    resolution: tuple[str | None, str | None] | None = None


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
    # Transitions in time order. Left empty, the issue moved once, from `created_status`
    # into `status`, when it was resolved (else last updated).
    changes: list[StatusChange] = field(default_factory=list)
    created_status: str = INITIAL

    @property
    def project(self) -> str:
        return self.key.split("-")[0]

    @property
    def number(self) -> int:
        return int(self.key.split("-")[1])

    def category_of(self, status: str) -> str:
        if status == self.status:
            return self.category
        return STATUSES[status][1] if status in STATUSES else "indeterminate"

    def history(self) -> list[StatusChange]:
        """The status changes, explicit or the one an issue built without them implies."""
        if self.changes or self.status == self.created_status:
            return list(self.changes)
        at = self.resolved or self.updated or self.created
        made = (None, self.resolution) if self.resolved and self.resolution else None
        return [StatusChange(at, self.created_status, self.status, resolution=made)]

    def category_changed(self) -> datetime:
        """Cloud's `statuscategorychangedate`: the last change of category, else creation."""
        moves = [
            c.at for c in self.history() if self.category_of(c.before) != self.category_of(c.after)
        ]
        return moves[-1] if moves else self.created

    def move(
        self, to: str, at: datetime, *, resolution: str | None = None, by: str | None = None
    ) -> None:
        """A transition: status, category, resolution (set when given, else cleared, as
        most workflows do on reopening) and update time change together; a resolution
        kept as it was keeps its date."""
        change = (self.resolution, resolution) if self.resolution != resolution else None
        self.changes = [*self.history(), StatusChange(at, self.status, to, by, change)]
        self.status = to
        self.category = STATUSES[to][1]
        if change is not None:
            self.resolution = resolution
            self.resolved = at if resolution else None
        self.updated = at


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
