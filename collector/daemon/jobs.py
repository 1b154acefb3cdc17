"""The daemon's weekly jobs: the weekly export when `[schedule] weekly_export` is set.

Drafting the affected weeks' progress-log entries needs no job or hook: `run_collect`
does it after every run that stored new or changed items, scheduled runs included.
"""

from __future__ import annotations

import logging
from pathlib import Path

from collector.config import Settings
from collector.daemon.hooks import WeeklyJob
from collector.export.weekly import write_weekly_export
from collector.ledger import Ledger
from collector.pipeline import RunReport

log = logging.getLogger("growthmap.daemon")


def weekly_jobs(settings: Settings, ledger: Ledger) -> list[WeeklyJob]:
    """Run once per ISO week, on the first run from their weekday on."""
    weekly = settings.schedule.weekly_export
    if weekly is None:
        return []
    base = settings.path.parent if settings.path else Path.cwd()
    folder = weekly.folder_path(base)

    def export(report: RunReport) -> None:
        path = write_weekly_export(settings, ledger, weekly, folder, report.started_at)
        log.info("weekly export written to %s", path)

    return [WeeklyJob("weekly-export", export, weekly.weekday)]
