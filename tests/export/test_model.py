"""The export reads the ledger once and cuts the period out itself: the cut must be what
`gather_evidence` would have read for the same period."""

from __future__ import annotations

import pytest
from export_data import NOW, OWNER

from collector.config import Settings
from collector.export import resolve_period
from collector.export.model import in_period
from collector.ledger import Ledger
from collector.progress import gather_evidence


@pytest.mark.parametrize(
    "period",
    [
        {"cycle": 1},
        {"quarter": "2026Q4"},
        {"since": "2026-11-13T11:00", "until": "2026-11-21"},
        {"since": "2026-11-21"},
        {"until": "2026-11-18T10:00"},
    ],
)
def test_cut_matches_a_period_read(
    fixed_ledger: Ledger, ex_settings: Settings, period: dict[str, object]
) -> None:
    zone = ex_settings.owner.zone
    chosen = resolve_period(
        since=period.get("since"),  # type: ignore[arg-type]
        until=period.get("until"),  # type: ignore[arg-type]
        cycle=period.get("cycle"),  # type: ignore[arg-type]
        quarter=period.get("quarter"),  # type: ignore[arg-type]
        cycles=list(ex_settings.growth_map.cycles),
        zone=zone,
        now=NOW,
    )
    growth_map = ex_settings.growth_map
    with fixed_ledger.read() as session:
        everything = gather_evidence(session, OWNER, zone, growth_map)
        direct = gather_evidence(session, OWNER, zone, growth_map, chosen.since, chosen.until)
    cut = in_period(everything, chosen, zone)
    assert [a.key for a in cut.artifacts] == [a.key for a in direct.artifacts]
    assert cut.evidence == direct.evidence
    assert [a.key for a in cut.unmapped] == [a.key for a in direct.unmapped]
    assert 0 < len(cut.artifacts) < len(everything.artifacts)
