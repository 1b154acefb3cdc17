"""Stream cursors and collection runs: the sync state lives in the ledger."""

from __future__ import annotations

import os
import socket
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from collector.ledger.models import CursorRow, ItemRow, RunRow, RunStreamRow


def get_cursor(session: Session, owner: str, source: str, stream: str) -> datetime | None:
    row = session.get(CursorRow, (owner, source, stream))
    return row.position if row else None


def record_cursor(
    session: Session,
    owner: str,
    source: str,
    stream: str,
    position: datetime,
    run_id: int | None,
    now: datetime,
) -> None:
    """Move the cursor forward to `position`; never backwards (a backfill keeps it)."""
    row = session.get(CursorRow, (owner, source, stream), with_for_update=True)
    if row is None:
        session.add(
            CursorRow(
                owner=owner,
                source=source,
                stream=stream,
                position=position,
                run_id=run_id,
                updated_at=now,
            )
        )
    elif position > row.position:
        row.position, row.run_id, row.updated_at = position, run_id, now


def record_run_start(
    session: Session, owner: str, started_at: datetime, options: dict[str, Any], trigger: str
) -> int:
    run = RunRow(
        owner=owner,
        started_at=started_at,
        status="running",
        trigger=trigger,
        options=options,
        host=socket.gethostname(),
        pid=os.getpid(),
    )
    session.add(run)
    session.flush()
    return run.id


def record_run_end(
    session: Session, run_id: int, finished_at: datetime, status: str, exit_code: int
) -> None:
    run = session.get(RunRow, run_id)
    if run is not None:
        run.finished_at, run.status, run.exit_code = finished_at, status, exit_code


@dataclass(frozen=True)
class StreamRecord:
    source: str
    stream: str
    status: str
    new: int
    updated: int
    unchanged: int
    requests: int
    retries: int
    error: str | None
    window_since: datetime | None
    window_until: datetime | None
    duration_s: float
    waited_s: float = 0.0  # seconds spent waiting: backoffs and rate limits


def record_run_stream(
    session: Session, run_id: int, record: StreamRecord, redact: Callable[[str], str]
) -> None:
    """Store a stream's outcome; its message passes through `redact` (the run's
    Redactor) whoever built it, so no credential reaches the ledger."""
    error = redact(record.error) if record.error else record.error
    session.add(RunStreamRow(run_id=run_id, **(record.__dict__ | {"error": error})))


def last_runs(session: Session, owner: str, limit: int = 1) -> list[RunRow]:
    query = (
        select(RunRow)
        .where(RunRow.owner == owner)
        .order_by(RunRow.started_at.desc(), RunRow.id.desc())
        .limit(limit)
    )
    return list(session.scalars(query))


def last_stream_outcomes(session: Session, owner: str) -> dict[tuple[str, str], RunStreamRow]:
    """The most recent outcome of every (source, stream) of this owner."""
    latest = (
        select(func.max(RunStreamRow.id))
        .join(RunRow, RunRow.id == RunStreamRow.run_id)
        .where(RunRow.owner == owner)
        .group_by(RunStreamRow.source, RunStreamRow.stream)
    )
    rows = session.scalars(select(RunStreamRow).where(RunStreamRow.id.in_(latest)))
    return {(r.source, r.stream): r for r in rows}


def cursors(session: Session, owner: str) -> list[CursorRow]:
    query = (
        select(CursorRow)
        .where(CursorRow.owner == owner)
        .order_by(CursorRow.source, CursorRow.stream)
    )
    return list(session.scalars(query))


def item_counts(session: Session, owner: str) -> dict[tuple[str, str], int]:
    """Stored items per (source, kind)."""
    query = (
        select(ItemRow.source, ItemRow.kind, func.count())
        .where(ItemRow.owner == owner)
        .group_by(ItemRow.source, ItemRow.kind)
    )
    return {(source, kind): count for source, kind, count in session.execute(query)}


def running_run(session: Session, owner: str) -> RunRow | None:
    """The newest run still marked running (the lock holder, or one that crashed)."""
    query = (
        select(RunRow)
        .where(RunRow.owner == owner, RunRow.status == "running")
        .order_by(RunRow.id.desc())
        .limit(1)
    )
    return session.scalars(query).first()
