"""The GitLab connector against the loopback fake GitLab, through the real python-gitlab."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import pytest
from fakes.gitlab import FakeGitLab
from fakes.gitlab_data import BASE, OWNER

from connectors.item import Item

if TYPE_CHECKING:  # the plugin module itself is loaded (and rewritten) by pytest_plugins
    from fakes.gitlab_fixtures import ConnectorFactory

pytest_plugins = ["fakes.gitlab_fixtures"]

SINCE = BASE - timedelta(days=30)
ALL_STREAMS = ["merge_requests", "reviews", "design_docs", "issues"]


def ids(items: list[Item]) -> list[str]:
    return [item.external_id for item in items]


def review_ids(fake: FakeGitLab) -> set[str]:
    return {f"{ref}:review" for ref in fake.data.expected_reviews(SINCE)}


def test_every_merge_request_of_the_owner_arrives_once(
    fake_gitlab: FakeGitLab, make_connector: ConnectorFactory
) -> None:
    items = list(make_connector().fetch("merge_requests", SINCE))

    assert sorted(ids(items)) == sorted(fake_gitlab.data.expected_mrs(SINCE))
    assert len(items) > 10  # several pages at page_size 5
    assert {item.kind for item in items} == {"pull_request"}
    assert {item.author for item in items} == {OWNER["username"]}
    assert all(item.updated_at >= SINCE for item in items)


def test_merge_request_items_carry_the_github_shaped_fields(
    fake_gitlab: FakeGitLab, make_connector: ConnectorFactory
) -> None:
    items = {i.external_id: i for i in make_connector().fetch("merge_requests", SINCE)}
    merged = next(i for i in items.values() if i.state == "merged")
    mr = next(
        m for m in fake_gitlab.data.merge_requests if m["references"]["full"] == merged.external_id
    )
    key = (mr["project_id"], mr["iid"])

    assert merged.url == mr["web_url"]
    assert merged.repo == merged.external_id.split("!")[0]
    assert merged.occurred_at == datetime.fromisoformat(mr["merged_at"])
    assert merged.occurred_at.tzinfo is UTC
    assert merged.paths == tuple(d["new_path"] for d in fake_gitlab.data.diffs[key])
    assert merged.changed_files == len(merged.paths)
    assert merged.additions is not None and merged.additions > 0
    assert merged.extra["platform"] == "gitlab"
    assert merged.extra["iid"] == mr["iid"]
    assert merged.extra["approvals"] == len(fake_gitlab.data.approvals[key])
    assert merged.labels == tuple(mr["labels"])
    assert "diff" not in str(merged.raw.get("diffs"))  # the diff text is not kept
    assert {i.state for i in items.values()} == {"open", "merged", "closed"}


def test_every_reviewed_merge_request_arrives_once_and_none_of_the_owners(
    fake_gitlab: FakeGitLab, make_connector: ConnectorFactory, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="growthmap"):
        items = list(make_connector().fetch("reviews", SINCE))

    assert sorted(ids(items)) == sorted(review_ids(fake_gitlab))
    own = {f"{ref}:review" for ref in fake_gitlab.data.truth.own_mr_comments}
    assert own and not own & set(ids(items))
    assert all(i.extra["merge_request_author"] != OWNER["username"] for i in items)
    assert all(i.extra["comments"] > 0 or i.extra["approved"] for i in items)
    # The approved MR of a project deleted since is skipped with a warning naming it.
    assert "merge request 13!1" in caplog.text


def test_review_items_count_only_the_owners_non_system_notes(
    fake_gitlab: FakeGitLab, make_connector: ConnectorFactory
) -> None:
    items = list(make_connector().fetch("reviews", SINCE))
    data = fake_gitlab.data
    for item in items:
        key = (item.extra["project_id"], item.extra["iid"])
        notes = data.notes[key]
        mine = [n for n in notes if n["author"]["id"] == OWNER["id"] and not n["system"]]
        assert item.extra["comments"] == len(mine)
        assert item.extra["approved"] == (OWNER["id"] in data.approvals[key])
        assert item.occurred_at == item.updated_at >= item.created_at
        assert item.url == data.mr(*key)["web_url"]  # type: ignore[index]


def test_every_design_doc_arrives_once(
    fake_gitlab: FakeGitLab, make_connector: ConnectorFactory
) -> None:
    items = list(make_connector().fetch("design_docs", SINCE))

    assert sorted(ids(items)) == sorted(fake_gitlab.data.expected_docs(SINCE))
    paths = {i.path for i in items}
    # Feature branches, merge-commit pushes and deleted projects are not the owner's docs.
    assert not paths & {"docs/design/feature-only.md", "rfcs/spike.md", "docs/design/gone.md"}
    assert "docs/design/merged-by-push.md" not in paths
    for item in items:
        assert item.external_id == f"{item.repo}:{item.path}"
        assert "/-/blob/" in item.url and item.url.endswith(str(item.path))
        assert item.occurred_at == max(
            datetime.fromisoformat(c["at"]) for c in item.extra["changes"]
        )
    assert {c["type"] for i in items for c in i.extra["changes"]} == {"merge_request", "push"}


def test_design_doc_title_comes_from_the_first_heading_of_a_new_file(
    make_connector: ConnectorFactory,
) -> None:
    items = list(make_connector().fetch("design_docs", SINCE))
    added = [i for i in items if i.state == "added"]
    assert added, "the generated data adds some documents"
    for item in added:
        assert item.title != item.path.rsplit("/", 1)[-1]  # type: ignore[union-attr]


def test_issues_are_off_by_default_and_closed_assigned_ones_arrive_when_on(
    fake_gitlab: FakeGitLab, make_connector: ConnectorFactory
) -> None:
    assert "issues" not in [s.name for s in make_connector().streams()]

    items = list(make_connector(streams=ALL_STREAMS).fetch("issues", SINCE))

    assert sorted(ids(items)) == sorted(fake_gitlab.data.expected_issues(SINCE))
    assert {i.kind for i in items} == {"ticket"}
    assert all(i.occurred_at >= SINCE for i in items)


def test_a_second_run_yields_the_same_items(make_connector: ConnectorFactory) -> None:
    first = make_connector(streams=ALL_STREAMS)
    second = make_connector(streams=ALL_STREAMS)
    for stream in ALL_STREAMS:
        once = {i.external_id: i.content_hash() for i in first.fetch(stream, SINCE)}
        again = {i.external_id: i.content_hash() for i in second.fetch(stream, SINCE)}
        assert once == again, stream


def test_a_warm_run_with_nothing_new_costs_at_most_two_requests_per_stream(
    fake_gitlab: FakeGitLab, make_connector: ConnectorFactory
) -> None:
    connector = make_connector(streams=ALL_STREAMS)
    warm_since = datetime.now(UTC) - timedelta(minutes=20)
    costs = {}
    for stream in ALL_STREAMS:
        before = connector.stats.snapshot()
        assert list(connector.fetch(stream, warm_since)) == []
        costs[stream] = connector.stats.since(before).requests
    # design_docs reuses what merge_requests read over the same window (one "now" a run)
    assert costs == {"merge_requests": 2, "reviews": 2, "design_docs": 1, "issues": 1}
    assert sum(costs.values()) == fake_gitlab.count()  # /user is paid once, by the first


def test_the_stats_count_what_the_server_saw(
    fake_gitlab: FakeGitLab, make_connector: ConnectorFactory
) -> None:
    connector = make_connector()
    for stream in connector.streams():
        list(connector.fetch(stream.name, SINCE))
    assert connector.stats.requests == fake_gitlab.count()


@pytest.mark.parametrize("api", ["graphql", "rest"])
def test_an_update_during_the_walk_skips_nothing(
    fake_gitlab: FakeGitLab, make_connector: ConnectorFactory, api: str
) -> None:
    """With plain offset pages this loses the row that slides onto the page already read."""
    moved = []
    listing = "/api/graphql" if api == "graphql" else "/merge_requests"
    if api == "rest":
        fake_gitlab.graphql.mode = "disabled"

    def touch_first_served(seen: object) -> None:
        if moved or listing not in getattr(seen, "path", ""):
            return
        owner_mrs = [m for m in fake_gitlab.data.merge_requests if m["author"]["id"] == 1]
        first = min(owner_mrs, key=lambda m: (m["updated_at"], m["id"]))
        first["updated_at"] = "2026-11-20T12:30:00.000Z"
        moved.append(first["references"]["full"])

    fake_gitlab.after_request = touch_first_served
    items = list(make_connector().fetch("merge_requests", SINCE))

    assert moved
    assert set(ids(items)) == fake_gitlab.data.expected_mrs(SINCE) | set(moved)


def test_until_bounds_the_window(fake_gitlab: FakeGitLab, make_connector: ConnectorFactory) -> None:
    until = BASE - timedelta(days=15)
    items = list(make_connector().fetch("merge_requests", SINCE, until))
    expected = {ref for ref, t in fake_gitlab.data.truth.owner_mrs.items() if SINCE <= t <= until}
    assert set(ids(items)) == expected
    assert expected and expected != fake_gitlab.data.expected_mrs(SINCE)


def reviewed_iids(fake: FakeGitLab) -> set[tuple[int, int]]:
    """The MRs the GraphQL requests so far asked to enrich."""
    asked = set()
    for query, variables in fake.graphql.documents:
        if "ReviewedMergeRequests" in query:
            for n in range(4):
                for gid in variables.get(f"p{n}") or ():
                    pid = int(gid.rsplit("/", 1)[1])
                    asked |= {(pid, int(iid)) for iid in variables[f"i{n}"]}
    return asked


@pytest.mark.parametrize("api", ["graphql", "rest"])
def test_later_streams_reuse_what_merge_requests_read_in_the_same_run(
    fake_gitlab: FakeGitLab, make_connector: ConnectorFactory, api: str
) -> None:
    if api == "rest":
        fake_gitlab.graphql.mode = "disabled"
    connector = make_connector()
    until = datetime.now(UTC)  # one window for the three (with none, each ends at its now)
    list(connector.fetch("merge_requests", SINCE, until))
    fake_gitlab.reset_counts()
    asked_before = len(fake_gitlab.graphql.documents)

    reviews = list(connector.fetch("reviews", SINCE, until))
    owner_mrs = {
        (m["project_id"], m["iid"])
        for m in fake_gitlab.data.merge_requests
        if m["author"]["id"] == OWNER["id"]
    }
    own_reads = [
        seen.path
        for seen in fake_gitlab.requests
        for pid, iid in owner_mrs
        if seen.path == f"/api/v4/projects/{pid}/merge_requests/{iid}"
    ]
    reviews_requests = fake_gitlab.count()
    docs = list(connector.fetch("design_docs", SINCE, until))

    # reviews reads none of the owner's own MRs; design_docs lists no MRs and reads no
    # diffs again (over GraphQL: one request for the documents of every merged MR, one
    # for the projects pushed to; over REST the diffs merge_requests read serve).
    assert own_reads == [] and not reviewed_iids(fake_gitlab) & owner_mrs
    assert fake_gitlab.count("/merge_requests?") == fake_gitlab.count("/diffs") == 0
    assert fake_gitlab.count("/api/graphql") == (1 + 2 if api == "graphql" else 0)
    assert reviews_requests > 0
    later = fake_gitlab.graphql.documents[asked_before:]
    assert not any("OwnerMergeRequests" in query for query, _ in later)
    assert {i.external_id for i in reviews} == review_ids(fake_gitlab)
    assert {i.external_id for i in docs} == fake_gitlab.data.expected_docs(SINCE)


def test_every_item_carries_its_projects_visibility_read_once_per_project(
    fake_gitlab: FakeGitLab, make_connector: ConnectorFactory
) -> None:
    # Exports redact private work by this flag; a public project must stay readable.
    projects = list(fake_gitlab.data.projects.values())
    projects[0]["visibility"] = "public"
    shown = {p["path_with_namespace"]: p["visibility"] for p in projects}
    connector = make_connector(streams=ALL_STREAMS)

    items = [i for stream in ALL_STREAMS for i in connector.fetch(stream, SINCE)]

    assert {i.kind for i in items} == {"pull_request", "review", "design_doc", "ticket"}
    assert all(i.extra["visibility"] == shown[i.repo] for i in items)
    assert {i.extra["visibility"] for i in items} == {"public", "private"}
    lookups = [r.path for r in fake_gitlab.requests if r.path.count("/") == 4]
    assert lookups and sorted(lookups) == sorted(set(lookups))  # /api/v4/projects/ID: once each
