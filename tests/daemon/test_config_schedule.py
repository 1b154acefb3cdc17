"""The [schedule] section: defaults, the documented example, and errors with key paths."""

from __future__ import annotations

import tomllib
from datetime import timedelta
from pathlib import Path

import pytest
from fakes.memory import CONFIG, write_config

from collector.config import load_settings
from collector.core.errors import ConfigInvalid
from collector.core.settings_model import ScheduleSection
from collector.daemon.service import policy_for

ROOT = Path(__file__).resolve().parents[2]


def problems(tmp_path: Path, schedule: str) -> list[str]:
    path = write_config(tmp_path, CONFIG + "\n[schedule]\n" + schedule)
    with pytest.raises(ConfigInvalid) as caught:
        load_settings(path, env={})
    return [f"[{p.key}]: {p.message}" for p in caught.value.problems]


def test_without_a_schedule_section_the_daemon_runs_hourly(tmp_path: Path) -> None:
    settings = load_settings(write_config(tmp_path, CONFIG), env={})
    policy = policy_for(settings)
    assert policy.schedule.interval == timedelta(hours=1)
    assert policy.schedule.describe() == "every 1h"
    assert (policy.jitter, policy.backoff, policy.max_backoff) == (
        timedelta(minutes=5),
        timedelta(minutes=15),
        timedelta(hours=6),
    )


def test_the_documented_example_section_is_valid_and_both_copies_agree() -> None:
    example = ROOT / "config.example.toml"
    packaged = ROOT / "collector" / "templates" / "config.example.toml"
    assert packaged.read_bytes() == example.read_bytes()
    section = ScheduleSection.model_validate(tomllib.loads(example.read_text())["schedule"])
    assert section.interval == "1h" and section.jitter == "5m"
    every_key = set(ScheduleSection.model_fields)
    text = example.read_text()
    assert all(f"{key} =" in text for key in every_key), "every key is documented"


def test_cron_schedule_uses_the_owners_timezone(tmp_path: Path) -> None:
    body = CONFIG + '\n[schedule]\ncron = "0 9 * * mon-fri"\n'
    settings = load_settings(write_config(tmp_path, body), env={})
    schedule = policy_for(settings).schedule
    assert schedule.describe() == "cron '0 9 * * mon-fri' (Europe/Berlin)"


@pytest.mark.parametrize(
    ("schedule", "expected"),
    [
        (
            'interval = "1h"\ncron = "0 * * * *"',
            "[schedule]: set either interval or cron, not both",
        ),
        ('cron = "61 * * * *"', "[schedule.cron]: cron minute field '61': 61 is outside 0-59"),
        ('interval = "often"', "[schedule.interval]: 'often' is not a duration"),
        ('intreval = "1h"', "[schedule.intreval]: unknown key (is it misspelt?)"),
        ('backoff = "2h"\nmax_backoff = "1h"', "[schedule]: max_backoff must be at least backoff"),
        (
            'weekly_export = { format = "pdf", folder = "out" }',
            "[schedule.weekly_export.format]: Input should be 'md', 'html', 'json' or 'csv'",
        ),
        ('weekly_export = { format = "md" }', "[schedule.weekly_export.folder]: required key"),
    ],
)
def test_mistakes_are_named_with_their_key(tmp_path: Path, schedule: str, expected: str) -> None:
    found = problems(tmp_path, schedule)
    assert len(found) == 1 and found[0].startswith(expected), found


def test_relative_paths_are_taken_from_the_config_folder(tmp_path: Path) -> None:
    body = (
        CONFIG
        + '\n[schedule]\nlog_file = "logs/gm.log"\n'
        + 'weekly_export = { format = "md", folder = "exports" }\n'
    )
    settings = load_settings(write_config(tmp_path, body), env={})
    assert settings.schedule.log_path(tmp_path) == tmp_path / "logs" / "gm.log"
    assert settings.schedule.weekly_export is not None
    assert settings.schedule.weekly_export.folder_path(tmp_path) == tmp_path / "exports"
