"""Building an export of the fixed ledger without the CLI."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from export_data import NOW

from collector.config import Settings
from collector.export import (
    ExportFormat,
    ExportModel,
    ExportOptions,
    gather_export,
    render_export,
    resolve_period,
)
from collector.ledger import Ledger

AS_OF = date(2026, 11, 25)
GOLDEN = Path(__file__).parent / "golden"


def model(
    ledger: Ledger,
    settings: Settings,
    options: ExportOptions | None = None,
    **period: str | int | None,
) -> ExportModel:
    chosen = resolve_period(
        since=_str(period.get("since")),
        until=_str(period.get("until")),
        cycle=_int(period.get("cycle")),
        quarter=_str(period.get("quarter")),
        cycles=list(settings.growth_map.cycles),
        zone=settings.owner.zone,
        now=NOW,
    )
    with ledger.read() as session:
        return gather_export(session, settings, chosen, options or ExportOptions(), AS_OF)


def export(
    ledger: Ledger, settings: Settings, fmt: ExportFormat, options: ExportOptions | None = None
) -> str:
    return render_export(model(ledger, settings, options), fmt).decode("utf-8")


def _str(value: str | int | None) -> str | None:
    return None if value is None else str(value)


def _int(value: str | int | None) -> int | None:
    return None if value is None else int(value)


def check_golden(name: str, data: bytes) -> None:
    """Compare with tests/export/golden/NAME; GROWTHMAP_REGEN_GOLDEN=1 rewrites it."""
    path = GOLDEN / name
    if os.environ.get("GROWTHMAP_REGEN_GOLDEN") == "1":
        path.write_bytes(data)
    assert path.exists(), f"no golden file {path}: run with GROWTHMAP_REGEN_GOLDEN=1"
    assert data == path.read_bytes()
