"""The daemon's weekly export (`[schedule] weekly_export`): all evidence, one file a week."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from collector.config import Settings
from collector.core.settings_model import WeeklyExport
from collector.export import ExportFormat, export_bytes
from collector.export.files import write_export
from collector.export.model import ExportOptions
from collector.export.period import resolve_period
from collector.ledger import Ledger
from collector.progress.weeks import local_date


def write_weekly_export(
    settings: Settings, ledger: Ledger, weekly: WeeklyExport, folder: Path, now: datetime
) -> Path:
    """Write `growthmap-YYYY-Www.FORMAT` into `folder` (replacing that week's file)."""
    zone = settings.owner.zone
    period = resolve_period(
        since=None,
        until=None,
        cycle=None,
        quarter=None,
        cycles=list(settings.growth_map.cycles),
        zone=zone,
        now=now,
    )
    fmt = ExportFormat(weekly.format)
    today = local_date(now, zone)
    year, week, _ = today.isocalendar()
    with ledger.read() as session:
        data = export_bytes(session, settings, period, ExportOptions(), today, fmt)
    return write_export(folder / f"growthmap-{year}-W{week:02d}.{fmt.value}", data, force=True)
