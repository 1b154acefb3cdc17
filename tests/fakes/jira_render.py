"""How the fake Jira renders what it holds: server info, users and issues, per flavour."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from fakes.jira_data import (
    CLOUD_FIELDS,
    SERVER_FIELDS,
    STATUS_CATEGORIES,
    STATUSES,
    FakeIssue,
    FakeUser,
    StatusChange,
    adf,
    jira_time,
    server_sprint,
    status_id,
)

Pair = tuple[str | None, str | None]


class JiraRendering:
    """JSON as Jira sends it; mixed into FakeJira, which supplies these attributes."""

    deployment: str
    users: list[FakeUser]
    issues: list[FakeIssue]
    projects: dict[str, str]
    now: datetime
    site_zone: ZoneInfo

    @property
    def base_url(self) -> str:
        raise NotImplementedError

    def server_info(self) -> dict[str, Any]:
        base = {
            "baseUrl": self.base_url,
            "serverTime": jira_time(self.now, self.site_zone),
            "scmInfo": "0f1e2d3c",
            "serverTitle": "Jira",
        }
        if self.deployment == "cloud":
            return {
                **base,
                "version": "1001.0.0-SNAPSHOT",
                "versionNumbers": [1001, 0, 0],
                "deploymentType": "Cloud",
                "buildNumber": 100281,
                "buildDate": "2026-11-18T00:00:00.000+0000",
            }
        return {
            **base,
            "version": "9.12.15",
            "versionNumbers": [9, 12, 15],
            "deploymentType": "Server",
            "buildNumber": 9120015,
            "buildDate": "2026-10-01T00:00:00.000+0000",
        }

    def render_user(self, user: FakeUser) -> dict[str, Any]:
        common = {
            "emailAddress": user.email,
            "displayName": user.display_name,
            "active": True,
            "timeZone": user.time_zone,
            "locale": "en_US",
            "avatarUrls": {"48x48": f"{self.base_url}/avatar/{user.account_id}"},
        }
        if self.deployment == "cloud":
            return {
                "self": f"{self.base_url}/rest/api/3/user?accountId={user.account_id}",
                "accountId": user.account_id,
                "accountType": "atlassian",
                **common,
            }
        return {
            "self": f"{self.base_url}/rest/api/2/user?username={user.account_id}",
            "key": f"JIRAUSER{10000 + self.users.index(user)}",
            "name": user.account_id,
            "deleted": False,
            **common,
        }

    def render(
        self,
        issue: FakeIssue,
        wanted: set[str],
        caller: FakeUser | None,
        adf_body: bool,
        changelog: bool = False,
    ) -> dict[str, Any]:
        zone = ZoneInfo(caller.time_zone) if caller else self.site_zone
        everything = self.all_fields(issue, zone, adf_body)
        if wanted & {"*all", "*navigable"}:
            fields = everything
        else:
            fields = {k: v for k, v in everything.items() if k in wanted}
        api = "3" if adf_body else "2"
        out: dict[str, Any] = {
            "expand": "operations,editmeta,changelog,renderedFields",
            "id": issue.id,
            "self": f"{self.base_url}/rest/api/{api}/issue/{issue.id}",
            "key": issue.key,
        }
        if fields or wanted - {"id"}:
            out["fields"] = fields
        if changelog:
            out["changelog"] = self.changelog(issue, zone)
        return out

    def changelog(self, issue: FakeIssue, zone: Any) -> dict[str, Any]:
        """Every history of the issue, oldest first, as `expand=changelog` gives it."""
        histories = [
            self._history(issue, n, change, zone) for n, change in enumerate(issue.history())
        ]
        return {
            "startAt": 0,
            "maxResults": len(histories),
            "total": len(histories),
            "histories": histories,
        }

    def _history(self, issue: FakeIssue, n: int, change: StatusChange, zone: Any) -> dict[str, Any]:
        before, after = change.before, change.after
        items = [self._item("status", (status_id(before), before), (status_id(after), after))]
        if change.resolution is not None:
            was, now = change.resolution
            items.append(self._item("resolution", (was and "10000", was), (now and "10000", now)))
        history: dict[str, Any] = {
            "id": str(int(issue.id or 0) * 100 + n),
            "created": jira_time(change.at, zone),
            "items": items,
        }
        if change.by is not None:
            history["author"] = self._assignee(change.by)
        return history

    def _item(self, name: str, before: Pair, after: Pair) -> dict[str, Any]:
        """One changed field: (id, text) before and after, as the changelog lists it."""
        item = {
            "field": name,
            "fieldtype": "jira",
            "from": before[0],
            "fromString": before[1],
            "to": after[0],
            "toString": after[1],
        }
        return {**item, "fieldId": name} if self.deployment == "cloud" else item

    def statuses(self) -> list[dict[str, Any]]:
        """`/status`: the usual statuses and every one an issue is in."""
        known = {name: category for name, (_, category) in STATUSES.items()}
        for issue in self.issues:
            known.setdefault(issue.status, issue.category)
        return [
            {
                "self": f"{self.base_url}/rest/api/2/status/{status_id(name)}",
                "description": "",
                "iconUrl": f"{self.base_url}/images/icons/statuses/generic.png",
                "name": name,
                "id": status_id(name),
                "statusCategory": _category(category),
            }
            for name, category in known.items()
        ]

    def all_fields(self, issue: FakeIssue, zone: Any, adf_body: bool) -> dict[str, Any]:
        cloud = self.deployment == "cloud"
        ids = CLOUD_FIELDS if cloud else SERVER_FIELDS
        by_key = {i.key: i for i in self.issues}
        parent_key = issue.parent or (issue.epic if cloud else None)
        parent = by_key.get(parent_key) if parent_key else None
        values: dict[str, Any] = {
            "summary": issue.summary,
            "description": (adf(issue.description) if adf_body else issue.description or None),
            "issuetype": {
                "id": "10001",
                "name": issue.issue_type,
                "subtask": issue.issue_type == "Sub-task",
            },
            "project": {
                "id": str(10000 + sorted(self.projects).index(issue.project)),
                "key": issue.project,
                "name": self.projects[issue.project],
                "projectTypeKey": "software",
            },
            "components": [{"id": str(n), "name": c} for n, c in enumerate(issue.components)],
            "labels": list(issue.labels),
            "priority": {"id": "3", "name": issue.priority},
            "resolution": (
                {"id": "10000", "name": issue.resolution, "description": ""}
                if issue.resolution
                else None
            ),
            "resolutiondate": jira_time(issue.resolved, zone),
            "created": jira_time(issue.created, zone),
            "updated": jira_time(issue.updated or issue.resolved or issue.created, zone),
            "status": {
                "id": status_id(issue.status),
                "name": issue.status,
                "statusCategory": _category(issue.category),
            },
            "assignee": self._assignee(issue.assignee),
            ids["story_points"]: issue.story_points,
            ids["sprint"]: self._sprints(issue.sprints) if issue.sprints else None,
            ids["epic_link"]: issue.epic,
        }
        if cloud:  # Data Center has no such field
            values["statuscategorychangedate"] = jira_time(issue.category_changed(), zone)
        if parent is not None:
            values["parent"] = {
                "id": parent.id,
                "key": parent.key,
                "fields": {
                    "summary": parent.summary,
                    "issuetype": {"name": parent.issue_type},
                    "status": {"name": parent.status},
                },
            }
        return values

    def _assignee(self, account: str | None) -> dict[str, Any] | None:
        user = next((u for u in self.users if u.account_id == account), None)
        if user is None:
            return None
        rendered = self.render_user(user)
        rendered.pop("timeZone", None)
        return rendered

    def _sprints(self, names: list[str]) -> list[Any]:
        if self.deployment == "cloud":
            return [
                {
                    "id": 30 + n,
                    "name": name,
                    "state": "closed",
                    "boardId": 7,
                    "goal": "",
                    "startDate": "2026-11-02T17:00:00.000Z",
                    "endDate": "2026-11-16T17:00:00.000Z",
                }
                for n, name in enumerate(names)
            ]
        return [server_sprint(30 + n, name) for n, name in enumerate(names)]


def _category(key: str) -> dict[str, Any]:
    return dict(STATUS_CATEGORIES[key])
