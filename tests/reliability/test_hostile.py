"""Hostile content from upstream: titles and bodies with HTML, ANSI escapes, control
characters, right-to-left overrides, spreadsheet formulas, Rich markup and 1 MB bodies,
from every connector: stored bounded and faithfully, shown without hijacking the
terminal."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from collector.cli import app
from collector.ledger.models import ItemRow
from reliability.harness import open_config_ledger, write_config
from reliability.proxy import FaultProxy, Plan
from reliability.worlds import CONNECTORS, open_world

HOSTILE_TITLE = (
    "\x1b]0;owned\x07\x1b[2J\x1b[31m<script>alert(1)</script>\u202eexe.txt\u202c"
    '\x00\x08\x9b31m =HYPERLINK("http://evil.test","x") [red]markup[/red] '
)
BIG_BODY = ("\x1b[5m<b>bold</b> \u200f=cmd|' /C calc'!A0 " * 20_000)[:1_000_000]
TEXT_KEYS = {"title", "summary"}
BODY_KEYS = {"body", "description"}
RULES = """
[[rule]]
id = "everything"
destination = "A"
skills = ["testing"]
[rule.match]
kind = ["pull_request", "review", "ticket", "design_doc"]
"""
GROWTH = """
[[growth_map.destinations]]
id = "A"
title = "Be trusted"
target_date = "2027-08-31"
[[growth_map.destinations.skills]]
id = "testing"
name = "Testing"
level = "N"
target = "P"
"""
TERMINAL_HIJACK = re.compile("[\x1b\x07\x08\x00\x9b\u202e\u202a-\u202d\u2066-\u2069]")


def hostile(_path: str, data: Any) -> Any:
    if isinstance(data, dict):
        out = {}
        for key, value in data.items():
            if key in TEXT_KEYS and isinstance(value, str):
                out[key] = HOSTILE_TITLE + value
            elif key in BODY_KEYS and isinstance(value, str):
                out[key] = BIG_BODY
            else:
                out[key] = hostile(_path, value)
        return out
    if isinstance(data, list):
        return [hostile(_path, v) for v in data]
    return data


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout + result.stderr


@pytest.mark.parametrize("connector", CONNECTORS)
def test_hostile_text_is_stored_bounded_and_shown_safely(
    connector: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with open_world(connector) as world, FaultProxy(world.upstream, Plan(transform=hostile)) as px:
        monkeypatch.setenv(next(iter(world.env)), world.token)
        (tmp_path / "rules.toml").write_text(RULES, encoding="utf-8")
        config = write_config(
            tmp_path, world.source_toml(px.root), f'[rules]\npaths = ["rules.toml"]\n{GROWTH}'
        )
        code, output = run("collect", "--config", str(config), "--since", world.since.isoformat())
        assert code == 0, output
    shown = {
        "collect": output,
        "items": run("items", "--config", str(config))[1],
        "status": run("status", "--config", str(config))[1],
        "review list": run("review", "list", "--config", str(config))[1],
    }
    weeks = run("log", "list", "--config", str(config))[1]
    week = re.search(r"\d{4}-W\d{2}", weeks)
    if week:
        shown["log show"] = run("log", "show", week.group(), "--config", str(config))[1]
    as_json = run("items", "--format", "json", "--config", str(config))[1]

    assert "[red]" in shown["items"]  # the hostile titles are listed, markup shown literally
    for command, text in shown.items():
        found = TERMINAL_HIJACK.search(text)
        assert found is None, f"{command} printed {found.group()!r}"
    assert "\x1b" not in as_json and "\x9b" not in as_json
    rows = [json.loads(line) for line in as_json.splitlines()]
    assert any(HOSTILE_TITLE in r["title"] for r in rows)  # stored faithfully

    ledger = open_config_ledger(config)
    try:
        with ledger.read() as session:
            stored = list(session.execute(select(ItemRow.body, ItemRow.raw)))
    finally:
        ledger.close()
    assert stored
    for body, raw in stored:
        assert len(body or "") <= 1_000
        assert len(json.dumps(raw)) < 200_000  # the raw payload is bounded too
