"""What older or real GitLab instances answer that the generated world did not: web
addresses without `/-/` and no `references`, merged MRs without `merged_at`, a push that
creates a repository's default branch."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import pytest
from fakes.gitlab import FakeGitLab
from fakes.gitlab_data import BASE, OWNER

if TYPE_CHECKING:
    from fakes.gitlab_fixtures import ConnectorFactory

pytest_plugins = ["fakes.gitlab_fixtures"]

SINCE = BASE - timedelta(days=30)
STREAMS = ["merge_requests", "reviews", "design_docs", "issues"]


def over(fake: FakeGitLab, api: str) -> None:
    if api == "rest":
        fake.graphql.mode = "disabled"


@pytest.mark.parametrize("api", ["graphql", "rest"])
def test_old_style_web_urls_do_not_change_ids_repos_or_links(
    fake_gitlab: FakeGitLab, make_connector: ConnectorFactory, api: str
) -> None:
    over(fake_gitlab, api)
    fake_gitlab.old_style = True  # web_url = https://host/group/project/merge_requests/3
    connector = make_connector(streams=STREAMS)

    found = {stream: list(connector.fetch(stream, SINCE)) for stream in STREAMS}

    data = fake_gitlab.data
    assert {i.external_id for i in found["merge_requests"]} == data.expected_mrs(SINCE)
    assert {i.external_id for i in found["reviews"]} == {
        f"{r}:review" for r in data.expected_reviews(SINCE)
    }
    assert {i.external_id for i in found["design_docs"]} == data.expected_docs(SINCE)
    assert {i.external_id for i in found["issues"]} == data.expected_issues(SINCE)
    paths = {p["path_with_namespace"]: p["web_url"] for p in data.projects.values()}
    for item in (i for items in found.values() for i in items):
        assert item.repo in paths, item.external_id
        assert "merge_requests" not in str(item.repo)
    for doc in found["design_docs"]:
        assert doc.url.startswith(f"{paths[str(doc.repo)]}/-/blob/"), doc.url


@pytest.mark.parametrize("api", ["graphql", "rest"])
def test_allow_lists_hold_on_old_style_web_urls(
    fake_gitlab: FakeGitLab, make_connector: ConnectorFactory, api: str
) -> None:
    over(fake_gitlab, api)
    fake_gitlab.old_style = True
    connector = make_connector(projects=["tools/*"], streams=STREAMS)

    found = {i.external_id for s in STREAMS for i in connector.fetch(s, SINCE)}

    data = fake_gitlab.data
    expected = (
        data.expected_mrs(SINCE)
        | {f"{r}:review" for r in data.expected_reviews(SINCE)}
        | data.expected_docs(SINCE)
        | data.expected_issues(SINCE)
    )
    tools = {key for key in expected if key.startswith("tools/cli")}
    assert tools and found == tools


@pytest.mark.parametrize("api", ["graphql", "rest"])
def test_a_merged_mr_without_merged_at_is_dated_by_its_last_update(
    fake_gitlab: FakeGitLab, make_connector: ConnectorFactory, api: str
) -> None:
    over(fake_gitlab, api)
    mr = next(
        m
        for m in fake_gitlab.data.merge_requests
        if m["author"]["id"] == OWNER["id"]
        and m["state"] == "merged"
        and m["references"]["full"] in fake_gitlab.data.expected_mrs(SINCE)
        and m["created_at"] != m["updated_at"]
    )
    mr["merged_at"] = None  # as older GitLab answers for some merged MRs

    items = {i.external_id: i for i in make_connector().fetch("merge_requests", SINCE)}

    item = items[mr["references"]["full"]]
    assert item.state == "merged"
    assert item.occurred_at == datetime.fromisoformat(mr["updated_at"]) != item.created_at


@pytest.mark.parametrize("api", ["graphql", "rest"])
def test_a_design_doc_in_the_first_push_of_a_new_repository_is_found(
    fake_gitlab: FakeGitLab, make_connector: ConnectorFactory, api: str
) -> None:
    over(fake_gitlab, api)
    event = next(e for e in fake_gitlab.data.events if e["action_name"] == "pushed new")
    if datetime.fromisoformat(event["created_at"]) < SINCE:
        event["created_at"] = (BASE - timedelta(days=2)).isoformat()

    docs = {i.external_id: i for i in make_connector().fetch("design_docs", SINCE)}

    doc = docs["platform/new-service:docs/design/bootstrap.md"]
    assert doc.state == "added" and doc.title == "Bootstrap"
    (change,) = doc.extra["changes"]
    assert change["type"] == "push"
    assert change["ref"] == f"platform/new-service@{event['push_data']['commit_to']}"
    assert "README.md" not in {i.path for i in docs.values()}
