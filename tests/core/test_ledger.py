"""The ledger on SQLite and PostgreSQL: upsert semantics, UTC round trips, cursors, schema."""

from __future__ import annotations

import dataclasses
import stat
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from fakes.memory import make_item, now
from sqlalchemy import select

from collector.ledger import open_ledger
from collector.ledger.items import item_from_row, record_items
from collector.ledger.models import Base, ItemRow, RunStreamRow
from collector.ledger.runs import get_cursor, record_cursor


def test_new_changed_and_unchanged_items(ledger_url: str) -> None:
    ledger = open_ledger(ledger_url, "ada")
    items = [make_item(n, updated=now() - timedelta(hours=n)) for n in range(1, 4)]
    with ledger.write() as session:
        first = record_items(session, "ada", items, now())
    assert (first.new, first.updated, first.unchanged) == (3, 0, 0)
    assert sorted(i.external_id for _, i in first.changed) == [i.external_id for i in items]

    renamed = dataclasses.replace(items[0], title="Renamed upstream")
    with ledger.write() as session:
        second = record_items(session, "ada", [renamed, *items[1:]], now())
    assert (second.new, second.updated, second.unchanged) == (0, 1, 2)
    assert [i.title for _, i in second.changed] == ["Renamed upstream"]

    with ledger.read() as session:
        rows = session.scalars(select(ItemRow).order_by(ItemRow.external_id)).all()
    assert len(rows) == 3
    assert rows[0].title == "Renamed upstream"
    ledger.close()


def test_an_item_twice_in_one_batch_is_stored_once(ledger_url: str) -> None:
    ledger = open_ledger(ledger_url, "ada")
    item = make_item(7, updated=now())
    newer = dataclasses.replace(item, title="Moved between pages and edited")
    with ledger.write() as session:
        result = record_items(session, "ada", [item, newer], now())
    assert (result.new, result.updated, result.unchanged) == (1, 0, 0)
    with ledger.read() as session:
        (row,) = session.scalars(select(ItemRow)).all()
    assert row.title == "Moved between pages and edited"
    ledger.close()


def test_rows_round_trip_as_aware_utc_items(ledger_url: str) -> None:
    ledger = open_ledger(ledger_url, "ada")
    item = make_item(1, updated=now())
    with ledger.write() as session:
        record_items(session, "ada", [item], now())
    with ledger.read() as session:
        row = session.scalars(select(ItemRow)).one()
        assert item_from_row(row) == item
        assert row.occurred_at.utcoffset() == timedelta(0)
    ledger.close()


def test_owners_do_not_see_each_others_items(ledger_url: str) -> None:
    ledger = open_ledger(ledger_url, "ada")
    item = make_item(1, updated=now())
    with ledger.write() as session:
        assert record_items(session, "ada", [item], now()).new == 1
        assert record_items(session, "bob", [item], now()).new == 1
        assert record_items(session, "bob", [item], now()).unchanged == 1
    ledger.close()


def test_cursor_never_moves_backwards(ledger_url: str) -> None:
    ledger = open_ledger(ledger_url, "ada")
    with ledger.write() as session:
        record_cursor(session, "ada", "mem", "things", now(), None, now())
    with ledger.write() as session:
        record_cursor(session, "ada", "mem", "things", now() - timedelta(days=3), None, now())
    with ledger.read() as session:
        assert get_cursor(session, "ada", "mem", "things") == now()
        assert get_cursor(session, "ada", "mem", "others") is None
    ledger.close()


def test_migrations_build_exactly_the_models_schema(ledger_url: str) -> None:
    ledger = open_ledger(ledger_url, "ada")
    with ledger.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
    ledger.close()
    open_ledger(ledger_url, "ada").close()  # reopening an up-to-date ledger is a no-op


def test_sqlite_ledger_file_is_private_and_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "data" / "ledger.db"
    ledger = open_ledger(f"sqlite:///{path}", "ada")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with ledger.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    ledger.close()


_OPEN_WHEN_TOLD = """
import sys, time
from pathlib import Path
from collector.ledger import open_ledger
go = Path(sys.argv[2])
for _ in range(600):
    if go.exists():
        break
    time.sleep(0.01)
open_ledger(sys.argv[1], sys.argv[3]).close()
"""


def test_collectors_opening_a_new_ledger_at_once_all_succeed(
    ledger_url: str, tmp_path: Path
) -> None:
    # A team's first morning: several collectors meet an empty database together.
    go = tmp_path / "go"
    children = [
        subprocess.Popen(
            [sys.executable, "-c", _OPEN_WHEN_TOLD, ledger_url, str(go), f"o{n}"],
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(4)
    ]
    time.sleep(1.5)  # let every child finish importing
    go.touch()
    errors = [child.communicate(timeout=60)[1] for child in children]

    assert [child.returncode for child in children] == [0, 0, 0, 0], errors
    ledger = open_ledger(ledger_url, "o0")
    try:
        with ledger.read() as session:
            assert session.execute(select(ItemRow)).all() == []
    finally:
        ledger.close()


def test_the_head_revision_growthmap_checks_is_alembics_newest() -> None:
    from alembic.script import ScriptDirectory

    from collector.ledger.migrate import HEAD_REVISION, alembic_config

    assert ScriptDirectory.from_config(alembic_config()).get_current_head() == HEAD_REVISION


def test_a_ledger_of_the_first_schema_is_upgraded_keeping_its_runs(tmp_path: Path) -> None:
    from alembic import command
    from sqlalchemy import create_engine, text

    from collector.ledger.migrate import alembic_config

    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = create_engine(url)
    config = alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0001")  # as an earlier growthmap left it
        conn.execute(
            text(
                "INSERT INTO runs (id, owner, started_at, status, trigger, options, host, pid)"
                " VALUES (1, 'ada', '2026-11-01 00:00:00', 'ok', 'cli', '{}', 'h', 1)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO run_streams (run_id, source, stream, status, new, updated,"
                " unchanged, requests, retries, duration_s)"
                " VALUES (1, 'gh', 'reviews', 'ok', 1, 0, 0, 3, 0, 0.5)"
            )
        )
    engine.dispose()

    ledger = open_ledger(url, "ada")
    try:
        with ledger.read() as session:
            rows = session.execute(select(RunStreamRow.requests, RunStreamRow.waited_s)).all()
    finally:
        ledger.close()
    assert [tuple(r) for r in rows] == [(3, 0.0)]
