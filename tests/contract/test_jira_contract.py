"""Recorded Jira answers (Cloud and Server) through `connectors.jira.normalize`, field by field."""

from __future__ import annotations

from typing import Any

from connectors.jira.fields import CustomFields
from connectors.jira.normalize import normalize_issue
from contract.corpus import NO_CHANGES, check_item, json_file, utc_iso

SOURCE = "jira"


def issue_by_key(name: str, key: str) -> dict[str, Any]:
    issues = json_file(name)["issues"]
    return next(issue for issue in issues if issue["key"] == key)


def test_cloud_ticket_with_custom_fields_and_an_epic_link() -> None:
    """A Jira Cloud answer from before accountIds: people by `name`, times in -0800.

    This site's epic link is customfield_10700 (its value is the key of the `epic` the
    agile API sends beside it) and its estimate customfield_10105; the run resolves both
    from `/field` by name. The search named no `summary`, so the key stands in for it.
    """
    issue = issue_by_key("jira/gojira_issues_in_sprint_with_changelog.json", "AR-86")
    fields = issue["fields"]
    custom = CustomFields(story_points=("customfield_10105",), epic_link=("customfield_10700",))
    item = normalize_issue(
        issue, source=SOURCE, base_url="https://example.atlassian.net", custom=custom, epics={}
    )
    check_item(
        item,
        {
            "source": SOURCE,
            "kind": "ticket",
            "external_id": "AR-86",
            "url": "https://example.atlassian.net/browse/AR-86",
            "title": "AR-86",
            "body": "",
            "repo": fields["project"]["key"],
            "path": None,
            "author": fields["assignee"]["name"],
            "created_at": utc_iso(fields["created"]),
            "updated_at": utc_iso(fields["updated"]),
            "occurred_at": utc_iso(fields["resolutiondate"]),
            "state": "done",
            "labels": [],
            **NO_CHANGES,
            "extra.platform": "jira",
            "extra.project": "AR",
            "extra.project_name": "Team Argon",
            "extra.issue_type": "Task",
            "extra.status": "Ready",
            "extra.components": [],
            "extra.priority": "Major",
            "extra.resolution": "Done",
            # a resolution dates the close: the recorded resolutiondate
            "extra.closed_by": "resolution",
            "extra.closed_at_from": "resolutiondate",
            "extra.parent": {"key": fields["epic"]["key"], "summary": None, "issue_type": "Epic"},
            "extra.story_points": 13.0,
            "extra.sprints": [],
        },
    )
    assert item.occurred_at.isoformat() == "2015-12-07T22:19:13+00:00"
    assert item.raw == issue


def test_server_ticket_closed_with_a_resolution_and_no_summary() -> None:
    """Jira Server (jira.fiware.org): people by `name`, a Done-category status, a
    resolution, an empty summary (the key stands in) and an empty description."""
    issue = issue_by_key("jira/perceval_jira_issues_page_1.json", "HELP-6042")
    fields = issue["fields"]
    item = normalize_issue(
        issue, source=SOURCE, base_url="https://jira.fiware.org", custom=CustomFields(), epics={}
    )
    assert fields["status"]["statusCategory"]["key"] == "done"
    check_item(
        item,
        {
            "source": SOURCE,
            "kind": "ticket",
            "external_id": "HELP-6042",
            "url": "https://jira.fiware.org/browse/HELP-6042",
            "title": "HELP-6042",
            "body": "",
            "repo": "HELP",
            "path": None,
            "author": "user1",
            "created_at": utc_iso(fields["created"]),
            "updated_at": utc_iso(fields["updated"]),
            "occurred_at": utc_iso(fields["resolutiondate"]),
            "state": "done",
            "labels": [],
            **NO_CHANGES,
            "extra.platform": "jira",
            "extra.project": "HELP",
            "extra.project_name": "Help-Desk",
            "extra.issue_type": "extRequest",
            "extra.status": "Closed",
            "extra.components": ["SPAM"],
            "extra.priority": "Major",
            "extra.resolution": "Done",
            # a resolution dates the close: the recorded resolutiondate
            "extra.closed_by": "resolution",
            "extra.closed_at_from": "resolutiondate",
            "extra.parent": None,
            "extra.story_points": None,
            "extra.sprints": [],
        },
    )
    assert item.raw == issue
