"""`growthmap add` (and --edit), `growthmap artifacts list|remove`."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from review.support import World


def artifacts(world: World) -> list[dict[str, object]]:
    code, out, err = world.cli("artifacts", "list", "--format", "json")
    assert code == 0, err
    return [json.loads(line) for line in out.splitlines()]


def test_add_a_talk_as_accepted_evidence(world: World) -> None:
    code, out, err = world.cli(
        "add", "talk", "--title", "Tracing in practice", "--date", "2026-11-19",
        "--url", "https://example.test/talk", "--destination", "A",
        "--skill", "observability", "--outcome", "two teams adopted the span conventions",
    )  # fmt: skip
    assert code == 0, err
    assert "added artifact 1: talk · 2026-11-19 · Tracing in practice · A (observability)" in out
    [row] = artifacts(world)
    assert row | {"created_at": None, "updated_at": None} == {
        "id": 1,
        "kind": "talk",
        "title": "Tracing in practice",
        "date": "2026-11-19",
        "url": "https://example.test/talk",
        "destination": "A",
        "skills": ["observability"],
        "outcome": "two teams adopted the span conventions",
        "endorser": None,
        "created_at": None,
        "updated_at": None,
    }


def test_date_defaults_to_today_in_the_owner_zone(world: World) -> None:
    code, _, err = world.cli("add", "article", "--title", "On retries", "--destination", "A",
                             "--skill", "testing")  # fmt: skip
    assert code == 0, err
    [row] = artifacts(world)
    today = datetime.now(UTC).astimezone(ZoneInfo("Europe/London"))
    assert row["date"] == today.date().isoformat()


def test_endorsement_is_a_quote_and_who_gave_it(world: World) -> None:
    code, _, err = world.cli(
        "add", "endorsement", "--quote", "Ada made on-call bearable", "--endorser",
        "Grace, SRE lead", "--destination", "B", "--skill", "mentoring", "--date", "3d",
    )  # fmt: skip
    assert code == 0, err
    [row] = artifacts(world)
    assert (row["title"], row["endorser"]) == ("Ada made on-call bearable", "Grace, SRE lead")
    code, out, _ = world.cli("artifacts", "list")
    assert '"Ada made on-call bearable" — Grace, SRE lead' in out


def test_unknown_destination_or_skill_exits_2_naming_the_choices(world: World) -> None:
    base = ["add", "talk", "--title", "T", "--date", "2026-11-19"]
    code, _, err = world.cli(*base, "--destination", "Z", "--skill", "observability")
    assert code == 2 and "unknown destination 'Z'; the growth map has: A, B" in err
    code, _, err = world.cli(*base, "--destination", "A", "--skill", "mentoring")
    assert code == 2
    assert "destination A has no skill 'mentoring'; its skills: observability, testing" in err
    code, _, err = world.cli(*base, "--destination", "A")
    assert code == 2 and "at least one skill (--skill) is required" in err
    assert artifacts(world) == []


def test_every_problem_is_reported_at_once(world: World) -> None:
    code, _, err = world.cli(
        "add", "endorsement", "--url", "javascript:alert(1)", "--destination", "B",
        "--skill", "mentoring",
    )  # fmt: skip
    assert code == 2
    for message in ("the quote (--quote) is required", "not an http(s) address", "(--endorser)"):
        assert message in err
    code, _, err = world.cli("add", "keynote", "--title", "x", "--destination", "B",
                             "--skill", "mentoring")  # fmt: skip
    assert code == 2 and "kind 'keynote' is not one of: talk, article" in err


def test_edit_changes_only_what_is_given_and_can_clear(world: World) -> None:
    world.cli("add", "talk", "--title", "Tracing", "--date", "2026-11-19", "--url",
              "https://example.test/t", "--destination", "A", "--skill", "observability",
              "--outcome", "adopted")  # fmt: skip
    code, out, err = world.cli("add", "--edit", "1", "--title", "Tracing in practice", "--url",
                               "", "--skill", "testing", "--skill", "observability")  # fmt: skip
    assert code == 0, err
    assert "updated artifact 1" in out
    [row] = artifacts(world)
    assert row["title"] == "Tracing in practice" and row["url"] is None
    assert row["skills"] == ["testing", "observability"] and row["outcome"] == "adopted"
    assert row["date"] == "2026-11-19" and row["kind"] == "talk"
    code, _, err = world.cli("add", "--edit", "1", "--destination", "B")
    assert code == 2 and "destination B has no skill 'testing', 'observability'" in err
    code, _, err = world.cli("add", "--edit", "7", "--title", "x")
    assert code == 2 and "no manual artifact with id 7" in err


def test_remove(world: World) -> None:
    world.cli("add", "pairing", "--title", "Pairing with Lin", "--destination", "B",
              "--skill", "mentoring", "--date", "2026-11-20")  # fmt: skip
    code, out, _ = world.cli("artifacts", "remove", "1")
    assert code == 0 and "removed artifact 1: pairing" in out
    assert artifacts(world) == []
    code, _, err = world.cli("artifacts", "remove", "1")
    assert code == 2 and "no manual artifact with id 1" in err


def test_a_quote_is_for_endorsements_and_a_future_date_is_pointed_out(world: World) -> None:
    base = ["--destination", "A", "--skill", "observability"]
    code, _, err = world.cli("add", "talk", "--quote", "great", *base)
    assert code == 2 and "--quote is an endorsement's text" in err
    code, _, err = world.cli("add", "talk", "--title", "Tracing", "--date", "2099-01-01", *base)
    assert code == 0 and "warning: --date 2099-01-01 is in the future" in err
    [row] = artifacts(world)
    code, _, err = world.cli("add", "--edit", str(row["id"]), "--quote", "hi")
    assert code == 2 and "--quote is an endorsement's text" in err
    assert artifacts(world)[0]["title"] == "Tracing"


def test_a_pairing_no_commit_shows_reads_like_a_collected_one(world: World) -> None:
    base = ["--destination", "B", "--skill", "mentoring", "--date", "2026-11-20"]
    code, out, err = world.cli("add", "pairing", "--with", "Lin  Park", "--title",
                               "checkout retries", *base)  # fmt: skip
    assert code == 0, err
    assert "added artifact 1: pairing · 2026-11-20 · Paired with Lin Park: checkout retries" in out
    code, _, err = world.cli("add", "pairing", "--with", "Sam", *base)
    assert code == 0, err
    titles = [row["title"] for row in artifacts(world)]
    assert titles == ["Paired with Sam", "Paired with Lin Park: checkout retries"]
    code, _, err = world.cli("add", "talk", "--with", "Sam", "--title", "x", *base)
    assert code == 2 and "--with names a pairing partner" in err
    code, _, err = world.cli("add", "--edit", "1", "--with", "Sam")
    assert code == 2 and "with --edit, change its --title" in err
    code, _, err = world.cli("add", "pairing", "--with", " ", *base)
    assert code == 2 and "--with needs the partner's name" in err
