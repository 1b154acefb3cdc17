"""Weeks are ISO weeks on the owner's wall clock, and a week knows its place in the cycle."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from progress_data import CONFIG, NOW, OWNER, pr, settings

from collector.core.errors import UsageError
from collector.ledger import Ledger
from collector.ledger.items import record_items
from collector.progress import Week, build_week_entry, draft_weeks, drafted_summary
from collector.progress.weeks import cycle_by_number, cycle_of_week

BERLIN = ZoneInfo("Europe/Berlin")
LOS_ANGELES = ZoneInfo("America/Los_Angeles")


def test_parse_accepts_week_ids_and_dates_and_rejects_nonsense() -> None:
    assert Week.parse("2026-W47") == Week(2026, 47)
    assert Week.parse("2026w47") == Week(2026, 47)
    assert Week.parse("2026-11-22") == Week(2026, 47)  # a Sunday
    assert Week.parse("2026-W53") == Week(2026, 53)  # 2026 has 53 ISO weeks
    for bad in ("2025-W53", "W47", "next tuesday"):
        with pytest.raises(UsageError, match="is not a week"):
            Week.parse(bad)


def test_week_labels_and_year_boundaries() -> None:
    assert Week(2026, 47).dates_label() == "16–22 Nov 2026"
    assert Week(2026, 44).dates_label() == "26 Oct – 1 Nov 2026"
    assert Week(2026, 53).dates_label() == "28 Dec 2026 – 3 Jan 2027"
    assert Week(2026, 53).shift(1) == Week(2027, 1)
    assert Week.of_date(date(2027, 1, 3)) == Week(2026, 53)


def test_bounds_are_local_midnights_in_utc() -> None:
    start, end = Week(2026, 47).bounds(BERLIN)
    assert start == datetime(2026, 11, 15, 23, 0, tzinfo=UTC)
    assert end == datetime(2026, 11, 22, 23, 0, tzinfo=UTC)
    # the week of the switch to summer time is an hour shorter
    start, end = Week(2026, 13).bounds(BERLIN)
    assert (end - start).total_seconds() == 7 * 24 * 3600 - 3600


def test_moments_fall_in_the_owners_week() -> None:
    monday_berlin = datetime(2026, 11, 15, 23, 30, tzinfo=UTC)  # 00:30 Monday in Berlin
    assert Week.of(monday_berlin, UTC) == Week(2026, 46)
    assert Week.of(monday_berlin, BERLIN) == Week(2026, 47)
    sunday_la = datetime(2026, 11, 16, 7, 30, tzinfo=UTC)  # 23:30 Sunday in Los Angeles
    assert Week.of(sunday_la, UTC) == Week(2026, 47)
    assert Week.of(sunday_la, LOS_ANGELES) == Week(2026, 46)


@pytest.mark.parametrize(
    ("zone", "moment", "week"),
    [
        ("Europe/Berlin", "2026-11-15T23:30:00", Week(2026, 47)),
        ("America/Los_Angeles", "2026-11-16T07:30:00", Week(2026, 46)),
    ],
)
def test_drafted_entries_follow_the_owners_timezone(
    ledger: Ledger, tmp_path: Path, zone: str, moment: str, week: Week
) -> None:
    config = CONFIG.replace('timezone = "Europe/Berlin"', f'timezone = "{zone}"')
    conf = settings(tmp_path, config)
    merged = pr(500, "acme/edge", moment, "Merged near midnight")
    with ledger.write() as session:
        record_items(session, OWNER, [merged], NOW)
    assert draft_weeks(ledger, conf, [merged.occurred_at], NOW) == [week.id]
    with ledger.read() as session:
        inside = build_week_entry(session, conf, week).evidence.artifacts
        other = week.shift(1) if week == Week(2026, 46) else week.shift(-1)
        outside = build_week_entry(session, conf, other).evidence.artifacts
    assert [a.ref for a in inside] == ["acme/edge#500"]
    assert outside == ()


def test_cycle_position_of_weeks(tmp_path: Path) -> None:
    cycles = settings(tmp_path).growth_map.cycles
    assert cycle_of_week(cycles, Week(2026, 45)).label() == "cycle 1, week 1 of 6"  # type: ignore[union-attr]
    assert cycle_of_week(cycles, Week(2026, 50)).label() == "cycle 1, week 6 of 6"  # type: ignore[union-attr]
    assert cycle_of_week(cycles, Week(2026, 51)) is None
    assert cycle_of_week(cycles, Week(2026, 44)) is None
    assert cycle_by_number(cycles, None, date(2027, 2, 1)).number == 1  # latest started
    with pytest.raises(UsageError, match="there is no cycle 2"):
        cycle_by_number(cycles, 2, date(2026, 11, 25))


def test_drafted_summary_line() -> None:
    assert drafted_summary([]) == ""
    assert drafted_summary(["2026-W47"]) == (
        "week 2026-W47 drafted (`growthmap log show 2026-W47`)"
    )
    assert drafted_summary(["2026-W46", "2026-W47"]) == (
        "weeks 2026-W46, 2026-W47 drafted (`growthmap log show WEEK`)"
    )
    many = [f"2026-W{n}" for n in range(40, 48)]
    assert drafted_summary(many) == "8 weeks drafted, 2026-W40 to 2026-W47 (`growthmap log list`)"
