"""Recorded GitLab answers through the GitLab normalizers, field by field.

gitlab-org/gitlab-ce!27117 was recorded from gitlab.com in 2019, when GitLab answered
`web_url` without `/-/` and without `references`, as older self-managed instances still
do. The connector then reads the project by its id (`GET /projects/13083`, not recorded:
GitLab CE's project, `gitlab-org/gitlab-ce`), never from the URL's shape.
"""

from __future__ import annotations

from typing import Any

import pytest

from connectors.gitlab.client import Owner
from connectors.gitlab.design_docs import merge_request_change
from connectors.gitlab.normalize import (
    Project,
    normalize_issue,
    normalize_merge_request,
    project_allowed,
    reference_path,
    summarize_diffs,
    without_diff_text,
)
from connectors.gitlab.owner_mrs import OwnerMr
from connectors.gitlab.reviewed import Reviewed
from connectors.gitlab.reviews import normalize_review
from connectors.item import Item
from contract.corpus import NO_CHANGES, check_item, devlake_rows, nock_response, utc_iso

SOURCE = "gitlab"
OLD_STYLE = "https://gitlab.com/gitlab-org/gitlab-ce/merge_requests/27117"
OLD_STYLE_PROJECT = "gitlab-org/gitlab-ce"
# What the connector's project lookup by id gives for project 13083 (path only: its web
# address is then built from the instance, and its visibility is not known here).
OLD_STYLE_PROJECT_ROW = Project(OLD_STYLE_PROJECT)
REVIEWERS = {"dbalexandre": 283999, "reprazent": 171554}


def old_style_mr() -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The MR and its diffs as the connector reads them on GitLab before 15.7.

    `fetch_diffs` falls back to `/changes` there and takes its `changes`; the MR fields
    come with it. `changes` is taken out of the MR, as the MR list the connector reads
    has none; nothing is added.
    """
    answer = nock_response("gitlab/danger_mr_27117_changes.json")
    mr = {key: value for key, value in answer.items() if key != "changes"}
    return mr, answer["changes"]


def old_style_approvals() -> dict[str, Any]:
    return dict(nock_response("gitlab/danger_mr_27117_approvals.json"))


def old_style_item() -> Item:
    mr, diffs = old_style_mr()
    return normalize_merge_request(
        SOURCE,
        mr,
        OLD_STYLE_PROJECT_ROW,
        summarize_diffs(diffs),
        old_style_approvals(),
        without_diff_text(diffs),
    )


def test_old_style_merge_request_fields() -> None:
    mr, diffs = old_style_mr()
    approvals = old_style_approvals()
    item = old_style_item()
    check_item(
        item,
        {
            "source": SOURCE,
            "kind": "pull_request",
            "external_id": f"{OLD_STYLE_PROJECT}!27117",
            "repo": OLD_STYLE_PROJECT,
            "url": OLD_STYLE,
            "title": mr["title"],
            "body": mr["description"][:1000],
            "path": None,
            "author": mr["author"]["username"],
            "created_at": utc_iso(mr["created_at"]),
            "updated_at": utc_iso(mr["updated_at"]),
            "occurred_at": utc_iso(mr["merged_at"]),
            "state": "merged",
            "labels": mr["labels"],
            "paths": [diff["new_path"] for diff in diffs],
            # Counted in the diff's four hunks: +2, +8 -3, +6, +1 -1.
            "additions": 17,
            "deletions": 4,
            "changed_files": int(mr["changes_count"]),
            "extra.platform": "gitlab",
            "extra.iid": 27117,
            "extra.project_id": 13083,
            "extra.draft": mr["work_in_progress"],
            "extra.merged_at": utc_iso(mr["merged_at"]),
            "extra.closed_at": None,
            "extra.source_branch": "stable-reviewer-roulette",
            "extra.target_branch": "master",
            "extra.approvals": 2,
            "extra.approved_by": [a["user"]["username"] for a in approvals["approved_by"]],
            "extra.user_notes_count": 4,
        },
    )
    assert item.raw["merge_request"] == mr
    assert item.raw["approvals"] == approvals
    assert [d["new_path"] for d in item.raw["diffs"]] == ["danger/roulette/Dangerfile"]
    assert all("diff" not in d for d in item.raw["diffs"])


def test_old_style_merge_request_is_keyed_by_its_project_not_its_url() -> None:
    mr, _ = old_style_mr()
    assert reference_path(mr, "!") is None  # no `references`: the project is read by id
    item = old_style_item()
    assert (item.external_id, item.repo) == (f"{OLD_STYLE_PROJECT}!27117", OLD_STYLE_PROJECT)
    assert project_allowed(item.repo or "", groups=[], projects=[OLD_STYLE_PROJECT])


def test_old_style_merge_request_design_doc_links() -> None:
    """A design doc the MR changed links to `<project>/-/blob/...`, never under the MR."""
    mr, _ = old_style_mr()
    assert (
        OLD_STYLE_PROJECT_ROW.web("https://gitlab.com") == f"https://gitlab.com/{OLD_STYLE_PROJECT}"
    )
    change = merge_request_change(OwnerMr(mr, OLD_STYLE_PROJECT_ROW))
    assert change == {
        "type": "merge_request",
        "ref": f"{OLD_STYLE_PROJECT}!27117",
        "url": OLD_STYLE,
        "at": utc_iso(mr["merged_at"]),
    }


def review_of(username: str) -> Item | None:
    """What `fetch_reviews` builds from the MR, its approvals and the owner's own notes;
    the owner's events add their times too (no events were recorded: none here)."""
    mr, _ = old_style_mr()
    owner = Owner(REVIEWERS[username], username)
    notes = nock_response("gitlab/danger_mr_27117_notes.json")
    mine = [n for n in notes if (n.get("author") or {}).get("id") == owner.id]
    reviewed = Reviewed(mr, OLD_STYLE_PROJECT_ROW, old_style_approvals(), mine)
    return normalize_review(SOURCE, owner, reviewed, event_times=[])


@pytest.mark.parametrize(
    ("username", "approved_note", "comment"),
    [
        # dbalexandre also wrote "merged" and "mentioned in commit": system notes, no review.
        ("dbalexandre", "2019-04-09T13:56:37.218Z", "2019-04-09T13:56:58.560Z"),
        ("reprazent", "2019-04-09T06:46:03.790Z", "2019-04-09T06:46:04.013Z"),
    ],
)
def test_review_from_approval_and_comment_notes(
    username: str, approved_note: str, comment: str
) -> None:
    mr, _ = old_style_mr()
    item = review_of(username)
    assert item is not None
    check_item(
        item,
        {
            "source": SOURCE,
            "kind": "review",
            "external_id": f"{OLD_STYLE_PROJECT}!27117:review",
            "repo": OLD_STYLE_PROJECT,
            "url": OLD_STYLE,
            "title": mr["title"],
            "body": "",
            "path": None,
            "author": username,
            "created_at": utc_iso(approved_note),
            "updated_at": utc_iso(comment),
            "occurred_at": utc_iso(comment),
            "state": "approved",
            "labels": mr["labels"],
            **NO_CHANGES,
            "extra.platform": "gitlab",
            "extra.iid": 27117,
            "extra.project_id": 13083,
            "extra.merge_request_author": "smcgivern",
            "extra.merge_request_state": "merged",
            "extra.review_states": ["APPROVED", "COMMENTED"],
            "extra.approved": True,
            "extra.approvals_by_owner": 1,
            "extra.comments": 1,
            "extra.first_activity": utc_iso(approved_note),
            "extra.last_activity": utc_iso(comment),
        },
    )


@pytest.mark.parametrize("row_id", ["1", "4"])
def test_current_merge_request_fields(row_id: str) -> None:
    """gitlab.com's answer in 2022 (`web_url` with `/-/`, `references.full`). Diffs and
    approvals, separate requests, were not recorded: the fields built from them are not
    checked here."""
    mr = devlake_rows("gitlab/devlake_merge_requests.csv")[row_id].data
    project = reference_path(mr, "!")
    assert project is not None
    item = normalize_merge_request(SOURCE, mr, Project(project), summarize_diffs([]), None, [])
    check_item(
        item,
        {
            "source": SOURCE,
            "kind": "pull_request",
            "external_id": mr["references"]["full"],
            "url": mr["web_url"],
            "title": mr["title"],
            "body": mr["description"],
            "repo": project,
            "path": None,
            "author": mr["author"]["username"],
            "created_at": utc_iso(mr["created_at"]),
            "updated_at": utc_iso(mr["updated_at"]),
            "occurred_at": utc_iso(mr["merged_at"]),
            "state": "merged",
            "labels": mr["labels"],
            "extra.platform": "gitlab",
            "extra.iid": mr["iid"],
            "extra.project_id": mr["project_id"],
            "extra.draft": False,
            "extra.merged_at": utc_iso(mr["merged_at"]),
            "extra.closed_at": None,
            "extra.source_branch": mr["source_branch"],
            "extra.target_branch": "master",
            "extra.user_notes_count": mr["user_notes_count"],
        },
        not_recorded=(
            "paths",
            "additions",
            "deletions",
            "changed_files",
            "extra.approvals",
            "extra.approved_by",
        ),
    )
    assert project == "gitlab-data/snowflake_spend"


def test_current_merge_request_design_doc_change() -> None:
    mr = devlake_rows("gitlab/devlake_merge_requests.csv")["4"].data
    project = Project(reference_path(mr, "!") or "")
    assert project.web("https://gitlab.com") == "https://gitlab.com/gitlab-data/snowflake_spend"
    assert merge_request_change(OwnerMr(mr, project)) == {
        "type": "merge_request",
        "ref": "gitlab-data/snowflake_spend!4",
        "url": mr["web_url"],
        "at": utc_iso(mr["merged_at"]),
    }


def test_closed_issue_assigned_to_the_owner() -> None:
    issue = devlake_rows("gitlab/devlake_issues.csv")["1"].data
    owner = issue["assignees"][0]["username"]
    item = normalize_issue(SOURCE, owner, issue, Project(reference_path(issue, "#") or ""))
    check_item(
        item,
        {
            "source": SOURCE,
            "kind": "ticket",
            "external_id": issue["references"]["full"],
            "url": issue["web_url"],
            "title": issue["title"],
            "body": "",
            "repo": "gitlab-data/snowflake_spend",
            "path": None,
            "author": owner,
            "created_at": utc_iso(issue["created_at"]),
            "updated_at": utc_iso(issue["updated_at"]),
            "occurred_at": utc_iso(issue["closed_at"]),
            "state": "closed",
            "labels": [],
            **NO_CHANGES,
            "extra.platform": "gitlab",
            "extra.iid": 1,
            "extra.project_id": issue["project_id"],
            "extra.reporter": issue["author"]["username"],
            "extra.closed_by": issue["closed_by"]["username"],
            "extra.closed_at": utc_iso(issue["closed_at"]),
        },
    )
    assert item.raw == issue
