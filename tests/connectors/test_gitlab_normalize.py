"""Pure pieces of the GitLab connector: globs, allow-lists, diffs, reviews."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from connectors.gitlab.client import Owner
from connectors.gitlab.config import DEFAULT_DESIGN_DOC_PATHS
from connectors.gitlab.normalize import (
    Project,
    is_design_doc,
    parse_time,
    project_allowed,
    summarize_diffs,
)
from connectors.gitlab.reviewed import Reviewed
from connectors.gitlab.reviews import event_window, normalize_review, target_mr
from connectors.streams import Window

OWNER = Owner(1, "ada")


@pytest.mark.parametrize(
    ("path", "matches"),
    [
        ("docs/design/auth.md", True),
        ("docs/design/deep/er/x.md", True),
        ("adr/0001-x.md", True),
        ("services/billing/adr/0002.md", True),
        ("rfcs/0003.md", True),
        ("platform/rfcs/0004.md", True),
        ("docs/api-design-doc.md", True),
        ("docs/designer.md", False),
        ("docs/design.md", False),
        ("src/adrenaline.py", False),
        ("README.md", False),
    ],
)
def test_design_doc_globs(path: str, matches: bool) -> None:
    assert is_design_doc(path, DEFAULT_DESIGN_DOC_PATHS) is matches


@pytest.mark.parametrize(
    ("project", "groups", "projects", "allowed"),
    [
        ("a/b", [], [], True),
        ("acme/api", ["acme"], [], True),
        ("acme/infra/deploy", ["acme"], [], True),
        ("acme/infra/deploy", ["acme/infra"], [], True),
        ("acme/api", ["acme/infra"], [], False),
        ("acme/checkout", ["acme/*"], [], True),
        ("other/checkout", ["acme/*"], [], False),
        ("acmeco/api", ["acme"], [], False),
        ("tools/cli", [], ["tools/*"], True),
        ("tools/sub/cli", [], ["tools/*"], False),
        ("tools/sub/cli", [], ["tools/**"], True),
        ("Tools/CLI", [], ["tools/cli"], True),
    ],
)
def test_allow_lists(project: str, groups: list[str], projects: list[str], allowed: bool) -> None:
    assert project_allowed(project, groups, projects) is allowed


def test_diff_summary_counts_lines_and_finds_the_heading() -> None:
    summary = summarize_diffs(
        [
            {
                "new_path": "docs/design/a.md",
                "new_file": True,
                "diff": "@@ -0,0 +1,3 @@\n+# Auth v2\n+x\n+y\n",
            },
            {"new_path": "src/a.py", "diff": "@@ -1,2 +1,2 @@\n-old\n+new\n context\n"},
            {"old_path": "gone.md", "new_path": "gone.md", "deleted_file": True, "diff": "-bye\n"},
        ]
    )
    assert summary.paths == ("docs/design/a.md", "src/a.py", "gone.md")
    assert (summary.additions, summary.deletions) == (4, 2)
    assert summary.headings == {"docs/design/a.md": "Auth v2"}
    assert summary.new_files == {"docs/design/a.md"} and summary.deleted == {"gone.md"}


def test_a_diff_too_large_to_show_leaves_line_counts_unknown() -> None:
    summary = summarize_diffs([{"new_path": "big.sql", "diff": "", "too_large": True}])
    assert (summary.additions, summary.deletions) == (None, None)
    assert summary.paths == ("big.sql",)


def test_times_are_utc_aware() -> None:
    assert parse_time("2026-11-05T08:30:00.123+01:00") == datetime(
        2026, 11, 5, 7, 30, 0, 123000, tzinfo=UTC
    )
    assert parse_time("2026-11-05T08:30:00Z") == datetime(2026, 11, 5, 8, 30, tzinfo=UTC)
    assert parse_time(None) is None


def test_events_point_at_merge_requests_only() -> None:
    assert target_mr({"project_id": 3, "target_type": "MergeRequest", "target_iid": 9}) == (3, 9)
    note = {"noteable_type": "MergeRequest", "noteable_iid": 4}
    assert target_mr({"project_id": 3, "target_type": "DiffNote", "note": note}) == (3, 4)
    issue_note = {"noteable_type": "Issue", "noteable_iid": 4}
    assert target_mr({"project_id": 3, "target_type": "Note", "note": issue_note}) is None


def test_the_event_window_widens_to_whole_days() -> None:
    since = datetime(2026, 11, 10, 0, 5, tzinfo=UTC)
    until = datetime(2026, 11, 12, 23, 0, tzinfo=UTC)
    assert event_window(Window(since, until)) == {
        "after": "2026-11-09",
        "before": "2026-11-13",
        "sort": "asc",
    }


MR = {
    "iid": 3,
    "project_id": 7,
    "title": "T",
    "web_url": "https://g/x/y/-/merge_requests/3",
    "references": {"full": "x/y!3"},
    "author": {"id": 2, "username": "bob"},
}
XY = Project("x/y", "https://g/x/y", "private")


def test_an_approval_alone_is_a_review() -> None:
    note = {
        "author": {"id": 1, "username": "ada"},
        "system": True,
        "body": "approved this merge request",
        "created_at": "2026-11-10T09:00:00Z",
    }
    approvals = {"approved_by": [{"user": {"id": 1, "username": "ada"}}]}
    item = normalize_review("s", OWNER, Reviewed(MR, XY, approvals, [note]), event_times=[])
    assert item is not None
    assert item.state == "approved" and item.extra["comments"] == 0
    assert item.extra["review_states"] == ["APPROVED"]


def test_nothing_left_of_the_owner_is_no_review() -> None:
    at = datetime(2026, 11, 10, tzinfo=UTC)
    reviewed = Reviewed(MR, XY, {"approved_by": []}, [])
    assert normalize_review("s", OWNER, reviewed, event_times=[at]) is None
