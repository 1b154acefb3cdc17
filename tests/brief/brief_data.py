"""The brief's fixed ledger: the progress tests' one (Ada, cycle 1 from 2 Nov 2026, a
level recorded on 10 Nov, an outcome note, a talk with an outcome, reviews in a
repository she never authored in), plus pairing, a feedback session, a reflection that
asks for support, private work and a next cycle."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime
from pathlib import Path

from fakes.fixed_ledger import write_settings
from pairing_data import add_pairings, add_session, pairing
from progress_data import CONFIG, NOW, OWNER, populate

from collector.config import Settings
from collector.ledger import Ledger
from collector.ledger.models import FeedbackRow, LogEntryRow

BRIEF_CONFIG = CONFIG.replace(
    "\n[mastery]",
    """
[[growth_map.cycles]]
start = "2026-12-14"
weeks = 6
goal = "Lead the canary rollout with the platform team"

[mastery]""",
)
AS_OF = NOW.date()
GOLDEN = Path(__file__).parent / "golden"
REFLECTION = """## Week 2026-W47 · my notes

Shipped tracing.

### Reflection
- What went well: tracing landed
- What support I need: a reviewer from the platform team
  for the OTel exporter
- What to improve next sprint:
"""


def settings(tmp_path: Path, ledger_url: str) -> Settings:
    return write_settings(tmp_path, BRIEF_CONFIG, ledger_url)


def populate_brief(ledger: Ledger) -> None:
    populate(ledger)
    add_pairings(
        ledger,
        [
            pairing(
                "Grace Hopper", "grace@acme.example", "acme/checkout#412", "2026-11-18T10:00:00"
            ),
            pairing(
                "Grace Hopper", "grace@acme.example", "acme/checkout#302", "2026-11-10T10:00:00"
            ),
            pairing("Ken", "ken@acme.example", "acme/vault#3", "2026-11-12T10:00:00", private=True),
        ],
        mapped={"acme/vault#3:pairing:ken": "mentoring"},
    )
    add_session(ledger, "Grace Hopper", date(2026, 11, 20), "retry budgets")
    now = datetime(2026, 11, 24, tzinfo=UTC)
    with ledger.write() as session:
        session.add(
            FeedbackRow(
                owner=OWNER,
                date=date(2026, 11, 20),
                giver="Grace Hopper",
                went_well="Tracing shipped on time",
                support="Time with the SRE team for the canary work",
                destination="A",
                skill="observability",
                level="P",
                quote="Demonstrates deep understanding of tracing",
                created_at=now,
            )
        )
        session.add(
            LogEntryRow(
                owner=OWNER,
                week="2026-W47",
                draft="## Week 2026-W47\n",
                text=REFLECTION,
                evidence=[],
                evidence_hash="",
                drafted_at=now,
                edited_at=now,
            )
        )


def golden(name: str) -> str:
    return (GOLDEN / name).read_text(encoding="utf-8")


def check_golden(name: str, text: str) -> None:
    """Compare with tests/brief/golden/NAME; GROWTHMAP_REGEN_GOLDEN=1 rewrites it."""
    path = GOLDEN / name
    if os.environ.get("GROWTHMAP_REGEN_GOLDEN") == "1":
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"no golden file {path}: run with GROWTHMAP_REGEN_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8")
