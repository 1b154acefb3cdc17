"""Mastery suggestions: thresholds from [mastery], Expert wants teaching evidence, and
the count restarts when a level is recorded."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from progress_data import CONFIG, settings

from collector.core.settings_model import MasterySection
from collector.progress.evidence import Artifact, Evidence, pieces_of_work
from collector.progress.levels import LevelChange
from collector.progress.mastery import mastery_progress

START = date(2026, 9, 7)  # a Monday


def evidence(kind: str, week: int, status: str = "accepted", n: int = 0) -> Evidence:
    day = START + timedelta(weeks=week)
    artifact = Artifact(
        key=f"item:x:{kind}:{week}-{n}", kind=kind, title="t", url=None, day=day,
        occurred_at=None, ref=f"r{week}-{n}",
    )  # fmt: skip
    return Evidence(artifact, "A", "s", status)


def test_practitioner_needs_artifacts_spread_over_weeks() -> None:
    rules = MasterySection(practitioner_artifacts=4, practitioner_weeks=3)
    bunched = [evidence("pull_request", 0, n=n) for n in range(6)]
    progress = mastery_progress(bunched, LevelChange("N", None), rules)
    assert not progress.ready and progress.missing() == "2 more weeks"
    spread = [evidence("pull_request", w) for w in range(3)] + [evidence("design_doc", 4)]
    progress = mastery_progress(spread, LevelChange("N", None), rules)
    assert progress.ready and progress.next_level == "P"
    assert progress.reason() == "4 accepted artifacts over 4 weeks: 3 pull requests, 1 design doc"


def test_suggested_evidence_does_not_count() -> None:
    rules = MasterySection(practitioner_artifacts=2, practitioner_weeks=1)
    items = [evidence("pull_request", 0), evidence("pull_request", 1, status="suggested")]
    assert not mastery_progress(items, LevelChange("N", None), rules).ready


def test_expert_wants_teaching() -> None:
    rules = MasterySection(expert_artifacts=5, expert_weeks=2, expert_teaching=2)
    code_only = [evidence("pull_request", w) for w in range(6)]
    progress = mastery_progress(code_only, LevelChange("P", None), rules)
    assert not progress.ready and progress.missing() == "2 more teaching (reviews, talks)"
    with_reviews = [*code_only, evidence("review", 1), evidence("talk", 2)]
    progress = mastery_progress(with_reviews, LevelChange("P", None), rules)
    assert progress.ready and progress.next_level == "E"
    assert "1 review given, 1 talk" in progress.reason()
    assert mastery_progress(with_reviews, LevelChange("E", None), rules).next_level is None


def test_count_restarts_at_the_recorded_level() -> None:
    rules = MasterySection(expert_artifacts=2, expert_weeks=1, expert_teaching=0)
    items = [evidence("pull_request", w) for w in range(4)]
    since = LevelChange("P", START + timedelta(weeks=3))
    assert mastery_progress(items, since, rules).artifacts == 1


def test_a_ticket_linked_from_its_pull_request_is_one_piece_of_work() -> None:
    ticket = Artifact("item:j:ticket:CORE-1", "ticket", "t", None, START, None, "CORE-1")
    pr = Artifact(
        "item:g:pull_request:1", "pull_request", "p", None, START, None, "a#1", linked=(ticket,)
    )
    both = [Evidence(pr, "A", "s", "accepted"), Evidence(ticket, "A", "s", "accepted")]
    assert [e.artifact.ref for e in pieces_of_work(both)] == ["a#1"]
    only_suggested_pr = [Evidence(pr, "A", "s", "suggested"), both[1]]
    assert len(pieces_of_work(only_suggested_pr)) == 2


def test_thresholds_come_from_the_config(tmp_path: Path) -> None:
    body = CONFIG.replace("practitioner_weeks = 3", "practitioner_weeks = 3\ngap_weeks = 2")
    assert settings(tmp_path, body).mastery.gap_weeks == 2
    assert settings(tmp_path).mastery.practitioner_artifacts == 4
    default = MasterySection()
    assert (default.practitioner_artifacts, default.expert_teaching) == (8, 5)


def test_unknown_mastery_keys_are_config_errors(tmp_path: Path) -> None:
    import pytest

    from collector.core.errors import ConfigInvalid

    body = CONFIG.replace("[mastery]", "[mastery]\npractitioner_artefacts = 3")
    with pytest.raises(ConfigInvalid, match=r"mastery\.practitioner_artefacts\]: unknown key"):
        settings(tmp_path, body)
