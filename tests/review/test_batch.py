"""`review list`, `review accept|reject` by id, rule and kind, and `review note`."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from review.support import NOW, World, make_item

from collector.ledger.items import record_items


@pytest.fixture
def mixed(world: World) -> dict[str, int]:
    return seed(world)


def seed(world: World) -> dict[str, int]:
    pr_old = world.item(20)
    pr_new = world.item(1, additions=300)
    review = world.item(2, kind="review", external_id="acme/checkout#2/r1")
    return {
        "tracing_old": world.suggest(pr_old, rules=("tracing-work",)),
        "tracing_new": world.suggest(pr_new, rules=("tracing-work", "otel-paths"), weight=2),
        "testing": world.suggest(pr_new, "A", "testing", rules=("tests-touched",)),
        "review": world.suggest(review, "B", "mentoring", rules=("reviews-given",)),
    }


def listed(world: World, *args: str) -> list[dict[str, object]]:
    code, out, err = world.cli("review", "list", "--format", "json", *args)
    assert code == 0, err
    return [json.loads(line) for line in out.splitlines()]


def test_list_shows_pending_suggestions_strongest_first(
    world: World, mixed: dict[str, int]
) -> None:
    rows = listed(world)
    assert rows[0]["id"] == mixed["tracing_new"]
    assert {r["id"] for r in rows} == set(mixed.values())
    first = rows[0]
    assert first["rules"] == ["tracing-work", "otel-paths"] and first["weight"] == 2
    assert first["item"]["url"] == "https://github.com/acme/checkout/pull/1"  # type: ignore[index]
    code, out, _ = world.cli("review", "list")
    assert code == 0 and "tracing-work" in out and str(mixed["review"]) in out


def test_accept_by_rule_is_idempotent(world: World, mixed: dict[str, int]) -> None:
    code, out, err = world.cli("review", "accept", "--rule", "tracing-work")
    assert code == 0, err
    assert f"accepted 2 suggestions: {mixed['tracing_old']}, {mixed['tracing_new']}" in out
    accepted = {r["id"]: r["decided_at"] for r in listed(world, "--status", "accepted")}
    assert set(accepted) == {mixed["tracing_old"], mixed["tracing_new"]}
    code, out, _ = world.cli("review", "accept", "--rule", "tracing-work")
    assert code == 0 and "no pending suggestion matches" in out
    assert {r["id"]: r["decided_at"] for r in listed(world, "--status", "accepted")} == accepted
    assert len(world.decisions()) == 2


def test_reject_by_kind_and_since(world: World, mixed: dict[str, int]) -> None:
    code, out, _ = world.cli("review", "reject", "--kind", "pull_request", "--since", "2026-11-20")
    assert code == 0, out
    rejected = {r["id"] for r in listed(world, "--status", "rejected")}
    assert rejected == {mixed["tracing_new"], mixed["testing"]}  # the 20-day-old one is out
    code, out, _ = world.cli("review", "reject", "--kind", "pull_request", "--since", "2026-11-20")
    assert "no pending suggestion matches" in out
    assert len(world.decisions()) == 2


def test_accept_by_id_twice_changes_nothing_the_second_time(
    world: World, mixed: dict[str, int]
) -> None:
    target = mixed["review"]
    world.cli("review", "accept", str(target))
    first = world.suggestion(target)
    code, out, _ = world.cli("review", "accept", str(target))
    assert code == 0 and f"1 already accepted: {target}" in out
    again = world.suggestion(target)
    assert (again.status, again.decided_at) == ("accepted", first.decided_at)
    assert [d.action for d in world.decisions()] == ["accept"]


def test_an_explicit_id_can_reverse_a_decision(world: World, mixed: dict[str, int]) -> None:
    target = mixed["review"]
    world.cli("review", "reject", str(target))
    code, out, _ = world.cli("review", "accept", str(target))
    assert code == 0 and f"accepted 1 suggestion: {target}" in out
    assert world.suggestion(target).status == "accepted"
    assert [d.action for d in world.decisions()] == ["reject", "accept"]


def test_dry_run_changes_nothing(world: World, mixed: dict[str, int]) -> None:
    code, out, _ = world.cli("review", "accept", "--kind", "review", "--dry-run")
    assert code == 0 and f"would accept 1: {mixed['review']}" in out
    assert world.suggestion(mixed["review"]).status == "suggested"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("accept", "999"), "no suggestion with id 999"),
        (("accept",), "choose suggestion IDs, or --rule"),
        (("reject", "1", "--rule", "x"), "not both"),
        (("accept", "--since", "7d"), "choose suggestion IDs, or --rule"),
        (("accept", "--kind", "review", "--since", "yesterday"), "is not a date"),
        (("note", "999", "text"), "no suggestion with id 999"),
        (("note", "1", "  "), "the note is empty"),
    ],
)
def test_bad_input_exits_2_and_changes_nothing(
    world: World, mixed: dict[str, int], args: tuple[str, ...], message: str
) -> None:
    code, _, err = world.cli("review", *args)
    assert code == 2 and message in err
    assert world.decisions() == []


def test_note_is_stored_with_its_time_and_history(world: World, mixed: dict[str, int]) -> None:
    target = mixed["tracing_new"]
    world.cli("review", "note", str(target), "cut p99 latency by 30%")
    code, out, _ = world.cli("review", "note", str(target), "cut p99 latency by 35%")
    assert code == 0 and "noted on" in out
    row = world.suggestion(target)
    assert row.note == "cut p99 latency by 35%" and row.noted_at is not None
    assert [d.note for d in world.decisions()] == [
        "cut p99 latency by 30%",
        "cut p99 latency by 35%",
    ]


def test_list_flags_an_accepted_item_changed_upstream(any_world: World) -> None:
    world = any_world
    mixed = seed(world)
    world.cli("review", "accept", str(mixed["tracing_old"]), str(mixed["review"]))
    changed = make_item(20, title="Renamed upstream", updated_at=NOW + timedelta(hours=1))
    with world.ledger.write() as session:
        record_items(session, "default", [changed], NOW + timedelta(hours=2))
    rows = {r["id"]: r for r in listed(world, "--status", "accepted")}
    assert rows[mixed["tracing_old"]]["changed_since_decision"] is True
    assert rows[mixed["review"]]["changed_since_decision"] is False
    code, out, _ = world.cli("review", "list", "--status", "accepted")
    assert code == 0 and "⚠ changed upstream since accepted" in out


def test_list_unmapped_shows_items_without_a_live_mapping(any_world: World) -> None:
    world = any_world
    bare = world.item(1)
    withdrawn = world.item(2)
    world.suggest(withdrawn, status="withdrawn")
    rejected = world.item(3)
    world.suggest(rejected, status="rejected")
    rows = listed(world, "--status", "unmapped")
    assert [r["item_id"] for r in rows] == [bare, withdrawn]
    assert all(r["status"] == "unmapped" and r["id"] is None for r in rows)


def test_reset_takes_a_decision_back_and_keeps_the_note(
    world: World, mixed: dict[str, int]
) -> None:
    accepted, rejected = mixed["tracing_new"], mixed["review"]
    world.cli("review", "accept", str(accepted))
    world.cli("review", "reject", str(rejected))
    world.cli("review", "note", str(accepted), "cut p99 latency by 30%")

    code, out, err = world.cli("review", "reset", str(accepted), str(rejected))

    assert code == 0, err
    assert f"2 suggestions are pending again: {accepted}, {rejected}" in out
    pending = {r["id"]: r for r in listed(world)}
    assert {accepted, rejected} <= set(pending)
    assert pending[accepted]["note"] == "cut p99 latency by 30%"
    assert listed(world, "--status", "accepted") == []
    assert world.suggestion(accepted).decided_at is None
    assert [d.action for d in world.decisions()][-2:] == ["reset", "reset"]
    # and it can be decided again, differently
    code, out, _ = world.cli("review", "reject", str(accepted))
    assert code == 0 and f"rejected 1 suggestion: {accepted}" in out


def test_reset_of_a_pending_suggestion_changes_nothing(world: World, mixed: dict[str, int]) -> None:
    code, out, _ = world.cli("review", "reset", str(mixed["testing"]))
    assert code == 0 and f"1 already pending: {mixed['testing']}" in out
    assert world.decisions() == []


def test_reset_refuses_unknown_and_withdrawn_suggestions(world: World) -> None:
    gone = world.suggest(world.item(3), status="withdrawn")
    code, _, err = world.cli("review", "reset", str(gone))
    assert code == 2 and f"suggestion {gone} was withdrawn" in err
    code, _, err = world.cli("review", "reset", "999")
    assert code == 2 and "no suggestion with id 999" in err
    assert world.decisions() == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--rule", "tracing-wrk"], "--rule 'tracing-wrk' is unknown; did you mean"),
        (["--kind", "merge_request"], "--kind 'merge_request' is unknown; did you mean 'pull"),
    ],
)
def test_a_typo_in_rule_or_kind_is_named_not_taken_for_no_match(
    world: World, mixed: dict[str, int], args: list[str], message: str
) -> None:
    code, out, err = world.cli("review", "accept", *args)
    assert code == 2 and message in err, out + err
    assert world.decisions() == []


def test_config_check_warns_when_accepted_evidence_lost_its_skill(
    world: World, mixed: dict[str, int]
) -> None:
    world.cli("review", "accept", str(mixed["tracing_new"]))
    world.config.write_text(world.config.read_text().replace('"observability"', '"tracing"'))
    code, _, err = world.cli("config", "check")
    assert code == 0, err
    assert "1 accepted item(s) count for A/observability, which the growth map no longer" in err
