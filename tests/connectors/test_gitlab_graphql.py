"""GitLab over GraphQL against the fake GitLab: what it costs, that it collects what REST
collects, its limits, and the fall back to REST where an instance cannot serve it."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import pytest
from fakes.gitlab import FakeGitLab
from fakes.gitlab_data import BASE, OWNER, user_ref
from fakes.gitlab_world import note

from connectors.item import Item

if TYPE_CHECKING:
    from fakes.gitlab_fixtures import ConnectorFactory

pytest_plugins = ["fakes.gitlab_fixtures"]

SINCE = BASE - timedelta(days=30)
STREAMS = ["merge_requests", "reviews", "design_docs", "issues"]
# GraphQL (16.x) has no `closedAt`: a closed MR is dated by its update time instead.
NOT_IN_GRAPHQL = ("closed_at",)


def collect_all(connector: Any) -> dict[str, list[Item]]:
    return {stream: list(connector.fetch(stream, SINCE)) for stream in STREAMS}


def comparable(item: Item) -> dict[str, Any]:
    shown = item.normalized()
    shown["extra"] = {k: v for k, v in item.extra.items() if k not in NOT_IN_GRAPHQL}
    return shown


def test_a_page_of_up_to_100_merge_requests_is_one_request(
    fake_gitlab: FakeGitLab, make_connector: ConnectorFactory
) -> None:
    connector = make_connector(page_size=100)

    items = list(connector.fetch("merge_requests", SINCE))

    assert {i.external_id for i in items} == fake_gitlab.data.expected_mrs(SINCE)
    assert fake_gitlab.count() == 2  # /user, then one GraphQL page
    assert fake_gitlab.count("/api/graphql", "POST") == 1


def test_graphql_and_rest_collect_the_same_items(
    fake_gitlab: FakeGitLab, make_connector: ConnectorFactory
) -> None:
    over_graphql = collect_all(make_connector(streams=STREAMS))
    graphql_requests = fake_gitlab.count()
    fake_gitlab.graphql.mode = "disabled"
    fake_gitlab.reset_counts()
    over_rest = collect_all(make_connector(streams=STREAMS))

    for stream in STREAMS:
        graphql = {i.external_id: comparable(i) for i in over_graphql[stream]}
        rest = {i.external_id: comparable(i) for i in over_rest[stream]}
        assert graphql == rest, stream
        assert len(graphql) == len(over_graphql[stream]) > 0  # each once
    assert graphql_requests * 2 < fake_gitlab.count()


def test_reviewed_merge_requests_are_read_several_projects_per_request(
    fake_gitlab: FakeGitLab, make_connector: ConnectorFactory
) -> None:
    connector = make_connector()
    list(connector.fetch("merge_requests", SINCE))
    fake_gitlab.reset_counts()

    reviews = list(connector.fetch("reviews", SINCE))

    projects = {i.extra["project_id"] for i in reviews}
    assert len(reviews) > len(projects) > 1
    assert fake_gitlab.count("/api/graphql") == 1  # up to four projects a request
    assert fake_gitlab.count("/merge_requests") == 0


def test_a_query_refused_as_too_complex_is_asked_again_with_half_the_page(
    fake_gitlab: FakeGitLab, make_connector: ConnectorFactory, sleeps: Any
) -> None:
    fake_gitlab.graphql.complexity_limit = 80  # a page of 100 scores about 100
    connector = make_connector(page_size=100, streams=["merge_requests"])  # no commits asked

    items = list(connector.fetch("merge_requests", SINCE))

    assert {i.external_id for i in items} == fake_gitlab.data.expected_mrs(SINCE)
    firsts = [v["first"] for q, v in fake_gitlab.graphql.documents if "OwnerMerge" in q]
    assert firsts == [100, 50]  # refused, then the smaller page fits
    assert connector.stats.retries == 1 and sleeps.waits == [0.0]


@pytest.mark.parametrize(
    ("switch", "reason"),
    [
        ({"mode": "disabled"}, "HTTP 404"),
        ({"mode": "forbidden"}, "HTTP 403"),
        ({"without": ("MergeRequest", "diffStatsSummary")}, "doesn't exist on type"),
    ],
    ids=["disabled", "scope-refused", "older-schema"],
)
def test_an_instance_that_cannot_serve_graphql_is_collected_over_rest_and_says_so_once(
    fake_gitlab: FakeGitLab,
    make_connector: ConnectorFactory,
    caplog: pytest.LogCaptureFixture,
    switch: dict[str, Any],
    reason: str,
) -> None:
    for name, value in switch.items():
        setattr(fake_gitlab.graphql, name, value)
    connector = make_connector(streams=STREAMS)

    with caplog.at_level(logging.WARNING, logger="growthmap"):
        found = {s: {i.external_id for i in items} for s, items in collect_all(connector).items()}

    data = fake_gitlab.data
    assert found["merge_requests"] == data.expected_mrs(SINCE)
    assert found["reviews"] == {f"{r}:review" for r in data.expected_reviews(SINCE)}
    assert found["design_docs"] == data.expected_docs(SINCE)
    assert found["issues"] == data.expected_issues(SINCE)
    said = [r.getMessage() for r in caplog.records if "GraphQL API" in r.getMessage()]
    assert len(said) == 1, said
    assert said[0].startswith("GitLab source 'work-gitlab': ") and reason in said[0]
    assert "REST" in said[0] and "\n" not in said[0]
    assert fake_gitlab.count("/api/graphql") == 1  # decided once for the run


def test_an_mr_with_more_notes_than_a_page_has_all_of_the_owners_counted(
    fake_gitlab: FakeGitLab, make_connector: ConnectorFactory
) -> None:
    data = fake_gitlab.data
    reviewed = next(
        m
        for m in data.merge_requests
        if m["author"]["id"] != OWNER["id"]
        and f"{m['references']['full']}" in data.expected_reviews(SINCE)
    )
    key = (reviewed["project_id"], reviewed["iid"])
    at = BASE - timedelta(days=1)
    colleague = user_ref(data.user(reviewed["author"]["id"]))
    data.notes[key] += [note(data, reviewed, colleague, at, "ping", system=False)] * 150
    data.notes[key].append(note(data, reviewed, OWNER, at, "Last word", system=False))
    mine = sum(1 for n in data.notes[key] if n["author"]["id"] == OWNER["id"] and not n["system"])

    items = {i.external_id: i for i in make_connector().fetch("reviews", SINCE)}

    item = items[f"{reviewed['references']['full']}:review"]
    assert item.extra["comments"] == mine
    assert item.occurred_at == at
    assert fake_gitlab.count("/api/graphql") == 1 + 1  # the batch, then one more page


def test_an_instance_without_a_later_field_keeps_graphql_for_what_it_serves(
    fake_gitlab: FakeGitLab, make_connector: ConnectorFactory, caplog: pytest.LogCaptureFixture
) -> None:
    fake_gitlab.graphql.without = ("Repository", "blobs")  # design documents cannot be read
    connector = make_connector(streams=STREAMS)

    with caplog.at_level(logging.WARNING, logger="growthmap"):
        found = collect_all(connector)

    data = fake_gitlab.data
    assert {i.external_id for i in found["design_docs"]} == data.expected_docs(SINCE)
    assert {i.external_id for i in found["merge_requests"]} == data.expected_mrs(SINCE)
    said = [r.getMessage() for r in caplog.records if "REST API instead" in r.getMessage()]
    assert len(said) == 1 and "Field 'blobs' doesn't exist on type 'Repository'" in said[0]
    assert fake_gitlab.count("/diffs") > 0  # the documents' diffs, over REST
    # merge_requests and reviews ran over GraphQL before: nothing was read twice.
    mrs = [i.external_id for i in found["merge_requests"]]
    assert len(mrs) == len(set(mrs))
