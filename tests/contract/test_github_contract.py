"""Recorded GitHub answers through `connectors.github.normalize`, field by field."""

from __future__ import annotations

from typing import Any

import pytest

from connectors.github.normalize import (
    normalize_pull_request,
    normalize_review,
    normalize_ticket,
)
from contract.corpus import (
    NO_CHANGES,
    RawRow,
    check_item,
    devlake_rows,
    nock_response,
    pygithub_replay_body,
    utc_iso,
)

SOURCE = "github"
GRAPHQL_PRS = "github/devlake_graphql_prs.csv"
# The fields growthmap's PR queries ask for that DevLake's recorded query asked for too.
SHARED_FIELDS = (
    "number",
    "state",
    "title",
    "isDraft",
    "body",
    "url",
    "labels",
    "author",
    "closedAt",
    "mergedAt",
    "updatedAt",
    "createdAt",
    "reviews",
    "submittedAt",
    "additions",
    "deletions",
)


def graphql_node(row: RawRow) -> dict[str, Any]:
    """The PullRequest node as GitHub's GraphQL API answered it.

    DevLake keeps the answer as its Go struct re-encoded: GitHub's values under DevLake's
    names. This restores the names of the recorded query (the row's `url` column) for the
    fields growthmap asks for too, and `repository.nameWithOwner` from that query's
    variables (a search node carries it; DevLake asked `repository(owner, name)`).
    Nothing else is added: `changedFiles`, `files`, `isPrivate` and review URLs were not
    asked for, so the node has none.
    """
    data = row.data
    return {
        "number": data["Number"],
        "state": data["State"],
        "title": data["Title"],
        "isDraft": data["IsDraft"],
        "body": data["Body"],
        "url": data["Url"],
        "labels": {"nodes": [{"name": label["Name"]} for label in data["Labels"]["Nodes"]]},
        "author": {"login": data["Author"]["Login"]},
        "closedAt": data["ClosedAt"],
        "mergedAt": data["MergedAt"],
        "updatedAt": data["UpdatedAt"],
        "createdAt": data["CreatedAt"],
        "additions": data["Additions"],
        "deletions": data["Deletions"],
        "repository": {"nameWithOwner": f"{row.input['owner']}/{row.input['name']}"},
        "reviews": {
            "totalCount": data["Reviews"]["TotalCount"],
            "nodes": [
                {
                    "state": review["state"],
                    "submittedAt": review["submittedAt"],
                    "author": {"login": review["Author"]["Login"]},
                }
                for review in data["Reviews"]["Nodes"]
            ],
        },
    }


@pytest.fixture(scope="module")
def rows() -> dict[str, RawRow]:
    return devlake_rows(GRAPHQL_PRS)


def test_the_recorded_query_asked_for_every_field_the_adapter_restores(
    rows: dict[str, RawRow],
) -> None:
    for row in rows.values():
        missing = [name for name in SHARED_FIELDS if name not in row.url]
        assert not missing, f"row {row.id}: the recorded query did not ask for {missing}"


def test_merged_pull_request_with_an_approval(rows: dict[str, RawRow]) -> None:
    row = rows["164"]
    data, node = row.data, graphql_node(row)
    item = normalize_pull_request(SOURCE, node)
    check_item(
        item,
        {
            "source": SOURCE,
            "kind": "pull_request",
            "external_id": "apache/incubator-devlake#7914",
            "url": data["Url"],
            "title": data["Title"],
            "body": data["Body"][:1000],
            "repo": row.params["Name"],
            "path": None,
            "author": data["Author"]["Login"],
            "created_at": utc_iso(data["CreatedAt"]),
            "updated_at": utc_iso(data["UpdatedAt"]),
            "occurred_at": utc_iso(data["MergedAt"]),
            "state": "merged",
            "labels": ["component/plugins", "size:L", "lgtm"],
            "paths": [],  # files were not part of the recorded query
            "additions": data["Additions"],
            "deletions": data["Deletions"],
            "changed_files": None,  # not part of the recorded query
            "extra.platform": "github",
            "extra.number": 7914,
            "extra.draft": False,
            "extra.merged_at": utc_iso(data["MergedAt"]),
            "extra.closed_at": utc_iso(data["ClosedAt"]),
            "extra.files_total": None,
            "extra.reviews_received": 1,
            "extra.approvals": 1,
            "extra.reviewers": ["abeizn"],
        },
    )
    assert item.raw == node


def test_open_pull_request_counts_from_its_creation(rows: dict[str, RawRow]) -> None:
    row = rows["166"]
    data, node = row.data, graphql_node(row)
    item = normalize_pull_request(SOURCE, node)
    check_item(
        item,
        {
            "source": SOURCE,
            "kind": "pull_request",
            "external_id": "apache/incubator-devlake#7912",
            "url": data["Url"],
            "title": data["Title"],
            "body": data["Body"],
            "repo": "apache/incubator-devlake",
            "path": None,
            "author": "usharerose",
            "created_at": utc_iso(data["CreatedAt"]),
            "updated_at": utc_iso(data["UpdatedAt"]),
            "occurred_at": utc_iso(data["CreatedAt"]),
            "state": "open",
            "labels": ["component/plugins", "pr-type/bug-fix", "size:XS"],
            "paths": [],
            "additions": 1688,
            "deletions": 1687,
            "changed_files": None,
            "extra.platform": "github",
            "extra.number": 7912,
            "extra.draft": False,
            "extra.merged_at": None,
            "extra.closed_at": None,
            "extra.files_total": None,
            "extra.reviews_received": 0,
            "extra.approvals": 0,
            "extra.reviewers": [],
        },
    )


def test_review_given_on_someone_elses_pull_request(rows: dict[str, RawRow]) -> None:
    row = rows["164"]
    node = graphql_node(row)
    review = row.data["Reviews"]["Nodes"][0]
    item = normalize_review(SOURCE, node, "abeizn")
    assert item is not None
    submitted = utc_iso(review["submittedAt"])
    check_item(
        item,
        {
            "source": SOURCE,
            "kind": "review",
            "external_id": "apache/incubator-devlake#7914/review",
            "url": row.data["Url"],
            "title": row.data["Title"],
            "body": "",
            "repo": "apache/incubator-devlake",
            "path": None,
            "author": "abeizn",
            "created_at": submitted,
            "updated_at": submitted,
            "occurred_at": submitted,
            "state": "approved",
            "labels": [],
            **NO_CHANGES,
            "extra.platform": "github",
            "extra.number": 7914,
            "extra.pr_author": "d4x1",
            "extra.pr_state": "merged",
            "extra.review_states": ["APPROVED"],
            "extra.review_count": 1,
            "extra.first_submitted_at": submitted,
            "extra.last_submitted_at": submitted,
        },
        # The recorded query asked for neither a review's comments nor its URL.
        not_recorded=("extra.review_comments", "extra.review_urls"),
    )


@pytest.mark.parametrize("login", ["d4x1", "D4X1"])
def test_the_authors_own_pull_request_is_no_review_given(
    rows: dict[str, RawRow], login: str
) -> None:
    assert normalize_review(SOURCE, graphql_node(rows["164"]), login) is None


def test_closed_issue_with_labels_assignee_and_state_reason() -> None:
    # GET /repos/{repo}/issues/{n} answers the same issue object that /search/issues lists
    # in `items` (search adds only `score`), so it goes to the normalizer as it is.
    issue = pygithub_replay_body("github/pygithub_issue_28.txt")
    item = normalize_ticket(SOURCE, issue)
    check_item(
        item,
        {
            "source": SOURCE,
            "kind": "ticket",
            "external_id": "PyGithub/PyGithub#28",
            "url": issue["html_url"],
            "title": issue["title"],
            "body": issue["body"],
            "repo": issue["repository_url"].split("/repos/", 1)[1],
            "path": None,
            "author": issue["user"]["login"],
            "created_at": utc_iso(issue["created_at"]),
            "updated_at": utc_iso(issue["updated_at"]),
            "occurred_at": utc_iso(issue["closed_at"]),
            "state": "closed",
            "labels": [label["name"] for label in issue["labels"]],
            **NO_CHANGES,
            "extra.platform": "github",
            "extra.number": 28,
            "extra.closed_at": utc_iso(issue["closed_at"]),
            "extra.state_reason": "completed",
            "extra.assignees": ["jacquev6"],
            "extra.comments": 3,
        },
    )
    assert item.raw == issue


def test_issue_search_page_items() -> None:
    """A whole `/search/issues` answer, item by item, as `fetch_issues` reads `items`."""
    page = nock_response("github/octokit_search_issues.json")
    assert page["incomplete_results"] is False
    items = [normalize_ticket(SOURCE, issue) for issue in page["items"]]
    assert len(items) == page["total_count"]
    for issue, item in zip(page["items"], items, strict=True):
        repo = issue["repository_url"].split("/repos/", 1)[1]
        check_item(
            item,
            {
                "source": SOURCE,
                "kind": "ticket",
                "external_id": f"{repo}#{issue['number']}",
                "url": issue["html_url"],
                "title": issue["title"],
                "body": issue["body"],
                "repo": repo,
                "path": None,
                "author": issue["user"]["login"],
                "created_at": utc_iso(issue["created_at"]),
                "updated_at": utc_iso(issue["updated_at"]),
                # Open (the connector's own search asks for closed ones): its last update.
                "occurred_at": utc_iso(issue["updated_at"]),
                "state": "open",
                "labels": [],
                **NO_CHANGES,
                "extra.platform": "github",
                "extra.number": issue["number"],
                "extra.closed_at": None,
                "extra.state_reason": None,
                "extra.assignees": [],
                "extra.comments": 0,
            },
        )
    assert [i.title for i in items] == ["Sesame seeds split without a pop!", "The doors don’t open"]
