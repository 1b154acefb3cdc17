"""Revision 0003 (feedback sessions, snapshots): a ledger of revision 0002 is upgraded on
open, keeping what it held, and takes the new rows."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from alembic import command
from sqlalchemy import create_engine, select, text

from collector.ledger import open_ledger
from collector.ledger.migrate import alembic_config, current_revision
from collector.ledger.models import FeedbackRow, RunStreamRow, SnapshotFileRow, SnapshotRow


def test_a_ledger_of_revision_0002_is_upgraded_keeping_its_rows(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = create_engine(url)
    config = alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0002")  # as the previous growthmap left it
        conn.execute(
            text(
                "INSERT INTO runs (id, owner, started_at, status, trigger, options, host, pid)"
                " VALUES (1, 'ada', '2026-11-01 00:00:00', 'ok', 'cli', '{}', 'h', 1)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO run_streams (run_id, source, stream, status, new, updated,"
                " unchanged, requests, retries, duration_s, waited_s)"
                " VALUES (1, 'gh', 'reviews', 'ok', 1, 0, 0, 3, 0, 0.5, 2.0)"
            )
        )
    assert current_revision(engine) == "0002"
    engine.dispose()

    ledger = open_ledger(url, "ada")
    try:
        assert current_revision(ledger.engine) == "0003"
        now = datetime(2026, 12, 1, tzinfo=UTC)
        with ledger.write() as session:
            session.add(
                FeedbackRow(
                    owner="ada",
                    date=date(2026, 11, 20),
                    giver="Grace",
                    support="time",
                    created_at=now,
                )
            )
            snapshot = SnapshotRow(
                owner="ada",
                name="q4",
                taken_at=now,
                as_of=date(2026, 12, 1),
                format="md",
                period={},
                options={},
                basis={},
            )
            session.add(snapshot)
            session.flush()
            session.add(
                SnapshotFileRow(
                    snapshot_id=snapshot.id, format="md", data=b"x", size=1, sha256="0" * 64
                )
            )
        with ledger.read() as session:
            kept = session.execute(select(RunStreamRow.requests, RunStreamRow.waited_s)).all()
            feedback = session.scalars(select(FeedbackRow.giver)).all()
            files = session.scalars(select(SnapshotFileRow.data)).all()
    finally:
        ledger.close()
    assert [tuple(r) for r in kept] == [(3, 2.0)]
    assert feedback == ["Grace"] and files == [b"x"]
