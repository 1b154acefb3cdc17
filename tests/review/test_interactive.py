"""`growthmap review` driven by keystrokes, as a user at a terminal would."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
from review.support import World

from collector.cli import review as review_cmd
from collector.review.interactive import TerminalKeys


@pytest.fixture
def three(world: World) -> list[int]:
    """Three pending suggestions; given out of order so the queue must sort them."""
    small = world.item(1, additions=5, deletions=1)
    large = world.item(2, additions=420, deletions=80, changed_files=14)
    strong = world.item(3, title="Add tracing spans to checkout")
    return [
        world.suggest(strong, weight=2),
        world.suggest(large, weight=1),
        world.suggest(small, weight=1),
    ]


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    urls: list[str] = []

    def opener(url: str) -> bool:
        urls.append(url)
        return True

    monkeypatch.setattr(review_cmd, "open_in_browser", opener)
    return urls


def test_card_shows_item_suggestion_rule_and_progress(world: World, three: list[int]) -> None:
    code, out, _ = world.cli("review", input="q")
    assert code == 0
    assert " 1/3  pull_request · acme/checkout#3 · merged 25 Nov · +10/−2 · 1 file" in out
    assert '"Add tracing spans to checkout"' in out
    assert "https://github.com/acme/checkout/pull/3" in out
    assert "suggested: A · Observability   (rule tracing-work, weight 2)" in out
    assert "[a]ccept  [r]eject  [s]kip  [c]hange  [n]ote  [o]pen  [q]uit" in out


def test_strongest_first_then_larger_then_quit_midway_keeps_decisions(
    world: World, three: list[int]
) -> None:
    strong, large, small = three
    code, out, _ = world.cli("review", input="arq")
    assert code == 0
    assert out.index("1/3  pull_request · acme/checkout#3") < out.index(
        "2/3  pull_request · acme/checkout#2"
    )
    assert "3/3" in out  # the third card was shown, then q
    statuses = {s.id: s.status for s in world.suggestions()}
    assert statuses == {strong: "accepted", large: "rejected", small: "suggested"}
    accepted = world.suggestion(strong)
    assert accepted.decided_at is not None and accepted.decided_item_hash
    assert [d.action for d in world.decisions()] == ["accept", "reject"]
    assert "1 accepted · 1 rejected · 0 skipped — 1 still to review" in out


def test_ctrl_c_keeps_every_decision_so_far(world: World, three: list[int]) -> None:
    strong, large, small = three
    code, out, _ = world.cli("review", input="as\x03a")
    assert code == 130
    assert "interrupted: every decision so far is kept" in out
    statuses = {s.id: s.status for s in world.suggestions()}
    assert statuses == {strong: "accepted", large: "suggested", small: "suggested"}


class ScriptedKeys:
    """Keys from a script; an exception in the script is raised at that point."""

    def __init__(self, script: list[str | type[BaseException]]) -> None:
        self.script: Iterator[str | type[BaseException]] = iter(script)

    def _next(self) -> str:
        step = next(self.script, "")
        if isinstance(step, type):
            raise step
        return step

    def key(self, prompt: str) -> str:
        return self._next()

    def line(self, prompt: str) -> str:
        return self._next()


def test_ctrl_c_inside_the_note_prompt(
    world: World, three: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    strong, large, _ = three
    script: list[str | type[BaseException]] = ["n", "unblocked the payments migration", "a"]
    script += ["n", KeyboardInterrupt]
    monkeypatch.setattr(review_cmd, "make_keys", lambda: ScriptedKeys(script))
    code, out, _ = world.cli("review")
    assert code == 130 and "interrupted" in out
    first, second = world.suggestion(strong), world.suggestion(large)
    assert (first.status, first.note) == ("accepted", "unblocked the payments migration")
    assert (second.status, second.note) == ("suggested", None)
    assert [d.action for d in world.decisions()] == ["note", "accept"]


def test_note_then_accept(world: World, three: list[int]) -> None:
    code, out, _ = world.cli("review", input="ncut p99 latency by 30%\naq")
    assert code == 0
    row = world.suggestion(three[0])
    assert (row.status, row.note) == ("accepted", "cut p99 latency by 30%")
    assert row.noted_at is not None
    assert "noted: cut p99 latency by 30%" in out


def test_change_destination_and_skill(world: World, three: list[int]) -> None:
    code, out, _ = world.cli("review", input="cB/mentoring\nq")
    assert code == 0, out
    rows = world.suggestions()
    original = next(s for s in rows if s.id == three[0])
    chosen = next(s for s in rows if s.skill == "mentoring")
    assert original.status == "rejected"
    assert (chosen.item_id, chosen.status, chosen.origin) == (
        original.item_id,
        "accepted",
        "manual",
    )
    assert [d.action for d in world.decisions()] == ["change", "accept"]
    assert "changed to B · mentoring" in out


def test_change_by_number_and_a_wrong_answer_is_asked_again(world: World, three: list[int]) -> None:
    code, out, _ = world.cli("review", input="c9\n2\nq")
    assert code == 0
    assert "'9' is not one of the choices above" in out
    assert any(s.skill == "testing" and s.status == "accepted" for s in world.suggestions())


def test_open_uses_the_browser_and_stays_on_the_card(
    world: World, three: list[int], opened: list[str]
) -> None:
    code, out, _ = world.cli("review", input="oaq")
    assert code == 0 and "opened in the browser" in out
    assert opened == ["https://github.com/acme/checkout/pull/3"]
    assert world.suggestion(three[0]).status == "accepted"


def test_a_non_web_url_is_not_opened(world: World, opened: list[str]) -> None:
    item = world.item(1, url="file:///etc/passwd")
    world.suggest(item)
    code, out, _ = world.cli("review", input="oq")
    assert code == 0 and opened == [] and "not an http(s) address" in out


def test_hostile_title_cannot_drive_the_terminal(world: World) -> None:
    item = world.item(1, title="Fix\x1b]0;owned\x07 bug\x1b[2J\x1b[31m now\r\x08")
    world.suggest(item)
    code, out, _ = world.cli("review", input="q")
    assert code == 0
    assert "\x1b" not in out and "\x07" not in out and "\x08" not in out
    assert '"Fix bug now"' in out


def test_enter_and_space_do_not_quit(world: World, three: list[int]) -> None:
    code, out, _ = world.cli("review", input="\r \naq")
    assert code == 0
    assert out.count("unknown key") == 3
    assert world.suggestion(three[0]).status == "accepted"


def test_end_of_input_ends_the_review(world: World, three: list[int]) -> None:
    code, out, _ = world.cli("review", input="a")
    assert code == 0
    assert "1 accepted · 0 rejected · 0 skipped — 2 still to review" in out


def test_nothing_to_review(world: World) -> None:
    code, out, _ = world.cli("review", input="")
    assert code == 0 and "Nothing to review" in out


def test_unmapped_items_come_after_and_can_be_mapped_with_a_rule(
    world: World, three: list[int], tmp_path: Path
) -> None:
    rules = tmp_path / "rules.d"
    rules.mkdir()
    existing = '[[rule]]\nid = "manual-mentoring-review-acme-payments"\ndestination = "B"\n'
    (rules / "manual.toml").write_text(existing, encoding="utf-8")
    lone = world.item(9, kind="review", repo="acme/payments", labels=())
    code, out, _ = world.cli("review", input="sss" + "a" + "cB/mentoring\n" + "1")
    assert code == 0, out
    assert "4/4  review · acme/checkout#9" in out
    assert "not mapped: no rule matched it" in out
    assert "no rule mapped this item: c chooses a destination and skill" in out
    mapped = next(s for s in world.suggestions() if s.item_id == lone)
    assert (mapped.destination, mapped.skill, mapped.status, mapped.origin) == (
        "B",
        "mentoring",
        "accepted",
        "manual",
    )
    text = (rules / "manual.toml").read_text(encoding="utf-8")
    assert text.startswith(existing)  # never rewritten, only appended to
    [old, new] = tomllib.loads(text)["rule"]
    assert old["id"] == "manual-mentoring-review-acme-payments"
    assert new["id"] == "manual-mentoring-review-acme-payments-2"
    assert (new["destination"], new["skills"]) == ("B", ["mentoring"])
    assert new["match"] == {"kind": ["review"], "repo": ["acme/payments"]}
    assert "appended rule manual-mentoring-review-acme-payments-2" in out


def test_rule_from_labels_escapes_hostile_text(world: World, tmp_path: Path) -> None:
    world.item(5, repo="acme/*", labels=('obs"]\nweight = 99 #',))
    code, out, _ = world.cli("review", input="cA/observability\n1")
    assert code == 0, out
    text = (tmp_path / "rules.d" / "manual.toml").read_text(encoding="utf-8")
    [rule] = tomllib.loads(text)["rule"]
    assert rule["weight"] == 1
    assert rule["match"]["labels"] == ['obs"] weight = 99 #']


def test_declining_the_rule_writes_nothing(world: World, tmp_path: Path) -> None:
    world.item(5)
    code, _, _ = world.cli("review", input="cA/observability\nn")
    assert code == 0
    assert not (tmp_path / "rules.d").exists()


def test_terminal_keys_turn_ctrl_c_into_keyboard_interrupt(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("typer.getchar", lambda: "\x03")
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True)
    with pytest.raises(KeyboardInterrupt):
        TerminalKeys().key("> ")


def test_without_a_terminal_review_says_so_before_drawing_anything(world: World) -> None:
    world.suggest(world.item(1))
    growthmap = Path(sys.executable).with_name("growthmap")
    done = subprocess.run(
        [growthmap, "review", "--config", str(world.config)],
        input="q\n",
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert "needs a terminal" in done.stderr and done.stdout == ""


def test_a_whole_session_on_each_backend(any_world: World) -> None:
    first = any_world.suggest(any_world.item(1), weight=2)
    second = any_world.suggest(any_world.item(2))
    lone = any_world.item(3, labels=())
    code, out, _ = any_world.cli("review", input="ncut p99 by 30%\na" + "r" + "c3\nn")
    assert code == 0, out
    assert "3/3  pull_request · acme/checkout#3" in out
    rows = {s.id: s for s in any_world.suggestions()}
    assert (rows[first].status, rows[first].note) == ("accepted", "cut p99 by 30%")
    assert rows[second].status == "rejected"
    [mapped] = [s for s in rows.values() if s.item_id == lone]
    assert (mapped.destination, mapped.skill, mapped.origin) == ("B", "mentoring", "manual")
    assert "1 accepted · 1 rejected · 0 skipped · 1 mapped by hand · 1 note" in out


def test_keys_arriving_together_count_as_the_first(
    world: World, three: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(review_cmd, "make_keys", lambda: ScriptedKeys(["ar", "\x1b[A", "q"]))
    code, out, _ = world.cli("review")
    assert code == 0 and out.count("unknown key") == 1
    assert [s.status for s in world.suggestions()] == ["accepted", "suggested", "suggested"]
