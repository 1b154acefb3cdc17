"""Pairing against the fake GitLab: the owner's MRs' commits in the pages merge_requests
reads anyway (GraphQL) or from `/commits` (REST), colleagues' MRs the owner reviewed read
with theirs; the same items whichever API served them."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from fakes.gitlab import FakeGitLab
from fakes.gitlab_data import BASE, OWNER
from fakes.pairing_keys import partner_key
from typer.testing import CliRunner

from collector.cli import app
from connectors.gitlab import GitLabConnector
from connectors.item import Item

if TYPE_CHECKING:
    from fakes.gitlab_fixtures import ConnectorFactory

pytest_plugins = ["fakes.gitlab_fixtures"]

SINCE = BASE - timedelta(days=30)


def run_streams(connector: GitLabConnector, *streams: str) -> dict[str, list[Item]]:
    return {stream: list(connector.fetch(stream, SINCE, BASE)) for stream in streams}


def test_every_pairing_once_with_no_request_for_the_owners_mrs(
    fake_gitlab: FakeGitLab, make_connector: ConnectorFactory
) -> None:
    connector = make_connector(page_size=100)
    read = run_streams(connector, "merge_requests", "reviews")
    before = connector.stats.requests
    found = list(connector.fetch("pairing", SINCE, BASE))
    spent = connector.stats.requests - before

    ids = [i.external_id for i in found]
    assert len(ids) == len(set(ids)) and set(ids) == fake_gitlab.data.expected_pairings(SINCE)
    theirs = [i for i in found if not i.extra["own_change"]]
    own = [i for i in found if i.extra["own_change"]]
    assert theirs and own
    assert {i.extra["pull_request_author"] for i in own} == {OWNER["username"]}
    # Colleagues' reviewed MRs with their commits: one request for up to four projects.
    projects = {i.repo for i in read["reviews"]}
    assert spent == -(-len(projects) // 4)
    bob = next(i for i in own if i.extra["partner_email"] == "bob@example.com")
    mr = next(
        m
        for m in fake_gitlab.data.merge_requests
        if m["references"]["full"] == bob.repo + "!" + str(bob.extra["iid"])
    )
    assert bob.title == f"Paired with Bob: {mr['title']}" and bob.url == mr["web_url"]


def test_the_same_items_over_graphql_and_over_rest(
    fake_gitlab: FakeGitLab, make_connector: ConnectorFactory
) -> None:
    over_graphql = run_streams(make_connector(), "merge_requests", "reviews", "pairing")
    fake_gitlab.graphql.mode = "disabled"
    over_rest = run_streams(make_connector(), "merge_requests", "reviews", "pairing")

    def shown(items: list[Item]) -> dict[str, dict[str, object]]:
        fields = {i.external_id: i.normalized() for i in items}
        for normalized in fields.values():  # only GraphQL names a commit's account
            normalized["extra"].pop("partner_login")  # type: ignore[attr-defined]
        return fields

    assert shown(over_rest["pairing"]) == shown(over_graphql["pairing"])


def test_pairing_alone_reads_the_owners_mrs_and_the_reviews_itself(
    fake_gitlab: FakeGitLab, make_connector: ConnectorFactory
) -> None:
    reused = run_streams(make_connector(), "merge_requests", "reviews", "pairing")["pairing"]
    alone = run_streams(make_connector(streams=["pairing"]), "pairing")["pairing"]
    assert {i.external_id: i for i in alone} == {i.external_id: i for i in reused}


def test_merge_requests_read_commits_only_when_pairing_runs(
    fake_gitlab: FakeGitLab, make_connector: ConnectorFactory
) -> None:
    plain = make_connector(streams=["merge_requests"])
    without = list(plain.fetch("merge_requests", SINCE, BASE))
    asked = [v for q, v in fake_gitlab.graphql.documents if "OwnerMergeRequests" in q]
    paired = make_connector(streams=["merge_requests", "pairing"])
    with_pairing = list(paired.fetch("merge_requests", SINCE, BASE))
    asked_again = [v for q, v in fake_gitlab.graphql.documents if "OwnerMergeRequests" in q]

    assert with_pairing == without
    assert {v["withCommits"] for v in asked} == {False}
    assert {v["withCommits"] for v in asked_again[len(asked) :]} == {True}
    assert plain.stats.requests == paired.stats.requests


def test_an_mr_with_more_than_a_hundred_commits_is_read_to_its_end(
    fake_gitlab: FakeGitLab, make_connector: ConnectorFactory
) -> None:
    from fakes.gitlab_pairing import commit

    data = fake_gitlab.data
    mr = next(
        m
        for m in data.merge_requests
        if m["author"]["id"] == OWNER["id"]
        and (m["project_id"], m["iid"]) not in data.mr_commits
        and datetime.fromisoformat(m["updated_at"]) >= SINCE
    )
    rows = [commit(mr, OWNER, f"Step {n}", n) for n in range(130)]
    rows[120]["message"] = "Step 120\n\nCo-authored-by: Dee <dee@example.com>"
    data.mr_commits[(mr["project_id"], mr["iid"])] = rows

    found = run_streams(make_connector(page_size=100), "merge_requests", "pairing")["pairing"]

    key = partner_key("dee@example.com")
    item = next(i for i in found if i.external_id == f"{mr['references']['full']}:pairing:{key}")
    assert item.body == "Step 120"
    more = [v for q, v in fake_gitlab.graphql.documents if "MoreMergeRequestCommits" in q]
    assert len(more) == 1 and more[0]["iid"] == [str(mr["iid"])]


def test_collect_finds_every_pairing_once_and_a_second_collect_adds_nothing(
    tmp_path: Path, fake_gitlab: FakeGitLab, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITLAB_TOKEN", fake_gitlab.token)
    config = tmp_path / "config.toml"
    config.write_text(
        f'[owner]\nname = "Ada"\ntimezone = "UTC"\n\n[ledger]\nurl = "sqlite:///{tmp_path}/l.db"'
        f'\n\n[[sources]]\nname = "gl"\ntype = "gitlab"\nbase_url = "{fake_gitlab.url}"\n',
        encoding="utf-8",
    )
    since = SINCE.date().isoformat()
    first = cli("collect", "--config", str(config), "--since", since, "--json")
    second = cli("collect", "--config", str(config), "--json")
    listed = cli("items", "--config", str(config), "--kind", "pairing", "--format", "json")

    rows = [json.loads(line) for line in listed.splitlines()]
    expected = fake_gitlab.data.expected_pairings(
        datetime.combine(SINCE.date(), datetime.min.time(), UTC)
    )
    assert {r["external_id"] for r in rows} == expected and len(rows) == len(expected)
    assert pairing_of(first)["new"] == len(rows)
    again = pairing_of(second)
    assert (again["new"], again["updated"]) == (0, 0) and again["requests"] <= 2


def pairing_of(stdout: str) -> dict[str, int]:
    streams = {s["stream"]: s for s in json.loads(stdout)["streams"]}
    found: dict[str, int] = streams["pairing"]
    return found


def cli(*args: str) -> str:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.stderr
    return result.stdout


def test_over_rest_an_mr_whose_commits_cannot_be_read_is_still_collected(
    fake_gitlab: FakeGitLab, make_connector: ConnectorFactory, caplog: pytest.LogCaptureFixture
) -> None:
    fake_gitlab.graphql.mode = "disabled"
    fake_gitlab.inject(403, times=1, path="/commits")
    connector = make_connector(streams=["merge_requests", "pairing"])

    with caplog.at_level("WARNING", logger="growthmap"):
        items = list(connector.fetch("merge_requests", SINCE, BASE))

    assert {i.external_id for i in items} == fake_gitlab.data.expected_mrs(SINCE)
    assert "skipping the commits of" in caplog.text
