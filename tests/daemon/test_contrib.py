"""The deployment files in contrib/ parse, say what they are, and keep their promises."""

from __future__ import annotations

import configparser
import plistlib
import re
import tomllib
from pathlib import Path

import pytest

from collector.core.settings_model import LedgerSection, Owner, ScheduleSection
from collector.schedule.cron import CronExpr

CONTRIB = Path(__file__).resolve().parents[2] / "contrib"


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string((CONTRIB / "systemd" / name).read_text())
    return parser


def test_every_file_opens_with_a_comment_header() -> None:
    files = [p for p in CONTRIB.rglob("*") if p.is_file()]
    assert len(files) >= 7
    for path in files:
        head = path.read_text().lstrip()
        if path.suffix == ".plist":
            head = head.split("\n", 1)[1].lstrip()  # after the XML declaration
        assert head.startswith(("#", "<!--")), path


def test_crontab_line_is_valid_cron_and_needs_no_percent_escapes() -> None:
    lines = [
        line
        for line in (CONTRIB / "cron" / "growthmap.crontab").read_text().splitlines()
        if line.strip() and not line.startswith("#") and "=" not in line.split()[0]
    ]
    assert len(lines) == 1
    fields = lines[0].split(None, 5)
    CronExpr.parse(" ".join(fields[:5]))
    command = fields[5]
    assert "%" not in command  # cron turns an unescaped % into a newline
    assert 'growthmap" collect --wait' in command and "tokens.env" in command


def test_systemd_timer_and_services() -> None:
    timer = unit("growthmap.timer")
    assert timer["Timer"]["Persistent"] == "true" and timer["Timer"]["OnCalendar"] == "hourly"
    service = unit("growthmap.service")["Service"]
    assert service["Type"] == "oneshot" and service["SuccessExitStatus"] == "3"
    assert service["ExecStart"].endswith("growthmap collect --wait 300")
    daemon = unit("growthmap-daemon.service")["Service"]
    assert daemon["ExecStart"].endswith("growthmap daemon") and daemon["KillSignal"] == "SIGTERM"
    assert daemon["RestartPreventExitStatus"] == "2 3"


def test_launchd_plist() -> None:
    with (CONTRIB / "launchd" / "com.growthmap.collect.plist").open("rb") as handle:
        plist = plistlib.load(handle)
    assert plist["StartInterval"] == 3600 and plist["Umask"] == 0o077
    script = plist["ProgramArguments"][-1]
    assert "security find-generic-password" in script and "collect --wait 300" in script


def test_kubernetes_cronjob_with_a_postgresql_ledger_and_a_secret() -> None:
    yaml = pytest.importorskip("yaml")
    docs = list(yaml.safe_load_all((CONTRIB / "kubernetes" / "cronjob.yaml").read_text()))
    kinds = {d["kind"]: d for d in docs}
    assert list(kinds) == ["Secret", "ConfigMap", "Job", "CronJob"]
    cronjob = kinds["CronJob"]["spec"]
    CronExpr.parse(cronjob["schedule"])
    assert cronjob["concurrencyPolicy"] == "Forbid"
    pod = cronjob["jobTemplate"]["spec"]["template"]["spec"]
    container = pod["containers"][0]
    assert container["envFrom"] == [{"secretRef": {"name": "growthmap-ada"}}]
    config = tomllib.loads(kinds["ConfigMap"]["data"]["config.toml"])
    assert Owner.model_validate(config["owner"]).key == "ada"
    url = LedgerSection.model_validate(config["ledger"]).url
    assert url is not None and url.startswith("postgresql+psycopg://") and ":5432/" in url
    ScheduleSection.model_validate(config["schedule"])
    secret_keys = set(kinds["Secret"]["stringData"])
    assert {s["token_env"] for s in config["sources"]} <= secret_keys
    assert not re.search(r"gh[pousr]_[A-Za-z0-9]{20,}", str(docs))  # no real-looking token
