"""Pairing against the fake GitHub: every pairing found once, on the owner's PRs from the
pages pull_requests reads anyway, and on colleagues' PRs through commit search."""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fakes.github_data import generate
from fakes.github_fake import FakeGitHub
from fakes.github_harness import Clock, collect, connector, serving, write_config
from fakes.github_pairing import by, expected_pairings
from fakes.pairing_keys import partner_key
from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    parse,
)
from typer.testing import CliRunner

from collector.cli import app
from connectors.github import queries
from connectors.item import Item

SINCE = datetime(2026, 8, 1, tzinfo=UTC)


def requests_of(fake: FakeGitHub, start: int) -> list[str]:
    return [s.path for s in fake.log[start:]]


def pairings(fake: FakeGitHub, clock: Clock, *streams: str) -> tuple[list[Item], int]:
    """The pairing items of one run of `streams` (pairing last), and its requests."""
    conn = connector(fake, clock, streams=list(streams))
    for stream in streams[:-1]:
        collect(conn, stream, SINCE)
    before = fake.requests
    found = collect(conn, "pairing", SINCE)
    return found, fake.requests - before


@pytest.mark.parametrize("owner_prs", [40, 160])
def test_every_pairing_once_and_no_request_per_pull_request(owner_prs: int) -> None:
    dataset = generate(owner_prs=owner_prs, other_prs=60)
    clock = Clock()
    with serving(dataset, clock) as fake:
        found, spent = pairings(fake, clock, "pull_requests", "pairing")

    ids = [i.external_id for i in found]
    assert len(ids) == len(set(ids))
    assert set(ids) == expected_pairings(dataset, SINCE, clock.now)
    theirs = [i for i in found if not i.extra["own_change"]]
    assert theirs and all(i.extra["pull_request_author"] != "octo" for i in theirs)
    # The owner's PRs cost nothing more: one commit search, and one request per 25
    # commits that name the owner (colleagues' PRs), whatever the number of PRs read.
    assert spent == 1 + math.ceil(len(theirs) / queries.MAX_COMMIT_LOOKUPS)


def test_pull_requests_cost_and_items_are_the_same_with_pairing_on() -> None:
    dataset = generate(owner_prs=60, other_prs=20)
    clock = Clock()
    with serving(dataset, clock) as fake:
        plain = connector(fake, clock, streams=["pull_requests"])
        without = collect(plain, "pull_requests", SINCE)
        alone = fake.requests
        paired = connector(fake, clock, streams=["pull_requests", "pairing"])
        assert paired.reader_source().pairing and not plain.reader_source().pairing
        with_pairing = collect(paired, "pull_requests", SINCE)
        assert fake.requests - alone == alone

    assert with_pairing == without  # raw payloads included: the commits are pairing's


def test_without_pull_requests_pairing_reads_the_owners_prs_itself() -> None:
    dataset = generate(owner_prs=60, other_prs=30)
    clock = Clock()
    with serving(dataset, clock) as fake:
        reused, _ = pairings(fake, clock, "pull_requests", "pairing")
        alone, spent = pairings(fake, clock, "pairing")
        searched = [p for p in requests_of(fake, fake.requests - spent) if "graphql" in p]

    assert {i.external_id: i for i in alone} == {i.external_id: i for i in reused}
    assert spent >= 3 and len(searched) >= 2  # its own PR search, then the lookups


def test_a_pairing_beyond_the_first_hundred_commits_is_found_in_a_batched_request() -> None:
    dataset = generate(owner_prs=30, other_prs=10)
    long_pr = next(p for p in dataset.prs if p.author == "octo" and not p.partner_keys)
    long_pr.commits = [by(dataset, long_pr, "octo", f"Step {k}", k) for k in range(150)]
    long_pr.commits[120].message = "Step 120\n\nCo-authored-by: Dave Bowman <dave@example.com>"
    long_pr.partner_keys = {"dave@example.com"}
    clock = Clock()
    with serving(dataset, clock) as fake:
        found, _ = pairings(fake, clock, "pull_requests", "pairing")
        bodies = [s.body for s in fake.log if s.body]
        more = [b for b in bodies if "PullRequestCommits" in str(b.get("query"))]

    item = next(
        i
        for i in found
        if i.external_id == f"{long_pr.ref}:pairing:{partner_key('dave@example.com')}"
    )
    assert item.body == "Step 120" and item.extra["paired_commits"] == 1
    assert len(more) == 1 and more[0]["variables"]["p0"] == long_pr.number


def test_a_colleagues_pr_is_dated_by_its_merge_and_names_its_author() -> None:
    dataset = generate(owner_prs=20, other_prs=40)
    clock = Clock()
    with serving(dataset, clock) as fake:
        found, _ = pairings(fake, clock, "pull_requests", "pairing")
        searches = [p for p in requests_of(fake, 0) if "/search/commits" in p]

    theirs = {i.extra["pull_request"]: i for i in found if not i.extra["own_change"]}
    for pr in dataset.prs:
        if pr.author != "octo" and pr.partner_keys and pr.merged:
            item = theirs[pr.ref]
            assert item.occurred_at == pr.merged and item.extra["partner_login"] == pr.author
            assert item.title == f"Paired with {dataset.names[pr.author]}: {pr.title}"
    unmerged = [p for p in dataset.prs if p.partner_keys and p.author != "octo" and not p.merged]
    assert unmerged and not {p.ref for p in unmerged} & set(theirs)  # default branch only
    (search,) = searches
    assert "-author%3Aocto" in search and "%22octo+cat%22" in search


def node_count(document: str) -> int:
    """GitHub's node count of a document: each connection's `first` times its parents'."""
    parsed = parse(document)
    fragments = {
        d.name.value: d for d in parsed.definitions if isinstance(d, FragmentDefinitionNode)
    }

    def walk(selections: SelectionSetNode | None, parents: int) -> int:
        total = 0
        for node in selections.selections if selections else ():
            if isinstance(node, FragmentSpreadNode):
                total += walk(fragments[node.name.value].selection_set, parents)
            elif isinstance(node, InlineFragmentNode):
                total += walk(node.selection_set, parents)
            elif isinstance(node, FieldNode):
                first = next((a for a in node.arguments or () if a.name.value == "first"), None)
                size = parents
                if first is not None:
                    value = first.value
                    size *= int(value.value) if isinstance(value, IntValueNode) else 100
                    total += size
                total += walk(node.selection_set, size)
        return total

    (operation,) = [d for d in parsed.definitions if isinstance(d, OperationDefinitionNode)]
    return walk(operation.selection_set, 1)


@pytest.mark.parametrize(
    "document",
    [
        queries.AUTHORED_PULL_REQUESTS,
        queries.PAIRING_PULL_REQUESTS,
        queries.pull_request_commits(queries.MAX_COMMIT_BATCH),
        queries.commit_pull_requests(queries.MAX_COMMIT_LOOKUPS),
    ],
    ids=["authored", "pairing", "more-commits", "commit-lookups"],
)
def test_documents_stay_within_githubs_node_limit(document: str) -> None:
    assert 0 < node_count(document) <= 500_000


def test_the_owner_matches_by_the_noreply_address_github_gives_them() -> None:
    from connectors.github.pairing import owner_identity
    from connectors.trailers import Person

    user = {"login": "octo", "name": None, "email": "", "databaseId": 583231}
    owner = owner_identity(user, "https://api.github.com")
    assert owner.is_(Person("Someone", "583231+octo@users.noreply.github.com"))
    assert owner.is_(Person("Someone", "octo@users.noreply.github.com"))
    enterprise = owner_identity(user, "https://ghe.example.com/api/v3")
    assert enterprise.is_(Person("S", "583231+octo@users.noreply.ghe.example.com"))
    assert not enterprise.is_(Person("S", "583231+octo@users.noreply.github.com"))


def test_collect_finds_every_pairing_once_and_a_second_collect_adds_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dataset = generate(owner_prs=50, other_prs=40)
    monkeypatch.setenv("GITHUB_TOKEN", "owner-token")
    with serving(dataset) as fake:
        config = str(with_pairing_rule(write_config(tmp_path, fake)))  # default streams
        first = cli("collect", "--config", config, "--since", SINCE.date().isoformat(), "--json")
        second = cli("collect", "--config", config, "--json")
        rows = [
            json.loads(line)
            for line in cli(
                "items", "--config", config, "--kind", "pairing", "--format", "json"
            ).splitlines()
        ]
        table = cli("items", "--config", config, "--kind", "pairing")

    stream = {s["stream"]: s for s in json.loads(first)["streams"]}["pairing"]
    expected = expected_pairings(dataset, SINCE, datetime.now(UTC))
    assert stream["new"] == len(expected) == len(rows)
    assert {r["external_id"] for r in rows} == expected
    again = {s["stream"]: s for s in json.loads(second)["streams"]}["pairing"]
    assert (again["new"], again["updated"]) == (0, 0)
    # The search, and the lookup of the commits it finds again in its 30-day slack.
    assert again["requests"] <= 2
    assert table.count("pairing") == len(rows) and "Paired with Alice Liddell" in table
    assert all(r["suggestions"][0]["rule"] == "pairing-is-mentoring" for r in rows)


def with_pairing_rule(config: Path, kind: str = "pairing") -> Path:
    """The config with a growth map and a rule that maps `kind` to B / mentoring."""
    (config.parent / "rules.d").mkdir(exist_ok=True)
    rule = (
        '[[rule]]\nid = "pairing-is-mentoring"\ndestination = "B"\nskills = ["mentoring"]\n'
        f'[rule.match]\nkind = "{kind}"\n'
    )
    (config.parent / "rules.d" / "pairing.toml").write_text(rule, encoding="utf-8")
    growth_map = (
        '\n[rules]\npaths = ["rules.d"]\n\n[[growth_map.destinations]]\nid = "B"\n'
        'title = "Lead a project"\n[[growth_map.destinations.skills]]\nid = "mentoring"\n'
        'name = "Mentoring"\n'
    )
    config.write_text(config.read_text(encoding="utf-8") + growth_map, encoding="utf-8")
    return config


def test_a_rule_for_a_kind_no_item_has_is_refused_naming_pairing(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text(f'[ledger]\nurl = "sqlite:///{tmp_path}/l.db"\n')
    config = with_pairing_rule(tmp_path / "config.toml", kind="pairng")
    result = CliRunner().invoke(app, ["rules", "check", "--config", str(config)])
    assert result.exit_code == 2
    assert "no item can have kind 'pairng'; did you mean 'pairing'?" in result.stderr


def cli(*args: str) -> str:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.stderr
    return result.stdout


def test_the_commit_search_always_names_the_owner_and_fits_githubs_length() -> None:
    from connectors.github.coauthored import MAX_QUERY, commit_query
    from connectors.github.search import window
    from connectors.pairing import OwnerIdentity

    part = window(SINCE, datetime(2026, 9, 1, tzinfo=UTC))
    owner = OwnerIdentity.of("octo", ["Octo Cat"], ["1+octo@users.noreply.github.com"])
    scope = " ".join(f"repo:acme/service-{n}" for n in range(12))
    query = commit_query(owner, part, scope)
    assert query.startswith('"octo cat" OR "1+octo@users.noreply.github.com" -author:octo')
    assert len(query) <= MAX_QUERY and "repo:" not in query  # the scope gave way
    assert "repo:acme/service-0" in commit_query(owner, part, "repo:acme/service-0")
    long_name = OwnerIdentity.of("octo", ["x" * 300], [])
    assert commit_query(long_name, part, "").startswith('"' + "x" * 300)
