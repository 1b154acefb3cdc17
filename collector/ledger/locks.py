"""One collect at a time per ledger and owner: a file lock (per owner) beside a SQLite
ledger, a PostgreSQL advisory lock (per owner) for a shared ledger.

Both locks die with their process (flock / the database session), so a killed run never
leaves the lock held. It can leave its `runs` row saying `running`, though: whoever takes
the lock next marks such rows `interrupted`, since nobody else can be running then.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import filelock
from sqlalchemy import text, update
from sqlalchemy.engine import make_url

from collector.core.errors import LedgerLocked
from collector.ledger import Ledger
from collector.ledger.models import RunRow
from collector.ledger.runs import running_run

_POLL_SECONDS = 0.5


@contextmanager
def collect_lock(ledger: Ledger, wait: float = 0.0) -> Iterator[None]:
    """Hold the collect lock for the duration; LedgerLocked after `wait` seconds."""
    held = (
        _file_lock(ledger, wait, "lock", _held_message)
        if ledger.is_sqlite
        else _advisory_lock(ledger, wait, "growthmap", _held_message)
    )
    with held:
        mark_interrupted_runs(ledger)
        yield


DAEMON_HELD = (
    "another growthmap daemon already runs for owner {owner} on this ledger (from another "
    "account or machine: `growthmap status` there says which); stop it first"
)


@contextmanager
def daemon_ledger_lock(ledger: Ledger) -> Iterator[None]:
    """Held for a daemon's life, beside the ledger itself: two daemons for one owner on a
    shared ledger (two accounts, two machines) would each run every slot."""

    def refusal(held_ledger: Ledger) -> str:
        return DAEMON_HELD.format(owner=held_ledger.owner)

    if ledger.is_sqlite:
        with _file_lock(ledger, 0.0, "daemon.lock", refusal):
            yield
    else:
        with _advisory_lock(ledger, 0.0, "growthmap-daemon", refusal):
            yield


def mark_interrupted_runs(ledger: Ledger) -> int:
    """Mark this owner's rows still `running` as `interrupted`; call with the lock held.
    Returns how many there were (runs that were killed before they could finish)."""
    with ledger.write() as session:
        result = session.execute(
            update(RunRow)
            .where(RunRow.owner == ledger.owner, RunRow.status == "running")
            .values(status="interrupted")
        )
        return int(getattr(result, "rowcount", 0) or 0)


@contextmanager
def _file_lock(
    ledger: Ledger, wait: float, suffix: str, refusal: Callable[[Ledger], str]
) -> Iterator[None]:
    database = make_url(str(ledger.engine.url)).database
    if not database or database == ":memory:":
        yield
        return
    # Per owner, as on PostgreSQL: two engineers sharing a SQLite file do not wait on each
    # other (SQLite serializes their writes anyway).
    path = Path(database).with_suffix(f".{ledger.owner}.{suffix}")
    lock = filelock.FileLock(str(path), mode=0o600)
    try:
        lock.acquire(timeout=wait, poll_interval=_POLL_SECONDS)
    except filelock.Timeout:
        raise LedgerLocked(refusal(ledger)) from None
    try:
        yield
    finally:
        lock.release()


@contextmanager
def _advisory_lock(
    ledger: Ledger, wait: float, namespace: str, refusal: Callable[[Ledger], str]
) -> Iterator[None]:
    key = int.from_bytes(
        hashlib.sha256(f"{namespace}:{ledger.owner}".encode()).digest()[:8], "big", signed=True
    )
    deadline = time.monotonic() + wait
    with ledger.engine.connect() as conn:
        while not conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar():
            conn.rollback()
            if time.monotonic() >= deadline:
                raise LedgerLocked(refusal(ledger))
            time.sleep(_POLL_SECONDS)
        conn.commit()
        try:
            yield
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
            conn.commit()


def _held_message(ledger: Ledger) -> str:
    with ledger.read() as session:
        holder = running_run(session, ledger.owner)
    if holder is None:
        return "another growthmap run holds the collect lock; try again when it has finished"
    since = holder.started_at.strftime("%Y-%m-%d %H:%M:%SZ")
    return (
        f"another growthmap run holds the collect lock ({holder.trigger}, pid {holder.pid} "
        f"on {holder.host}, since {since}); try again when it has finished, "
        "or pass --wait SECONDS"
    )
