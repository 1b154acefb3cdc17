"""The collect lock on SQLite and PostgreSQL: who holds it, and runs left `running`."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from collector.core.errors import ExitCode, LedgerLocked
from collector.ledger import Ledger, open_ledger
from collector.ledger.locks import collect_lock, daemon_ledger_lock
from collector.ledger.models import RunRow
from collector.ledger.runs import record_run_start

STARTED = datetime(2026, 11, 28, 7, 0, 3, tzinfo=UTC)


@pytest.fixture
def shared(ledger_url: str) -> Iterator[Ledger]:
    opened = open_ledger(ledger_url, "ada")
    yield opened
    opened.close()


def start_run(ledger: Ledger, trigger: str = "daemon") -> int:
    with ledger.write() as session:
        return record_run_start(session, ledger.owner, STARTED, {}, trigger)


def statuses(ledger: Ledger) -> list[str]:
    with ledger.read() as session:
        return [r.status for r in session.scalars(select(RunRow).order_by(RunRow.id))]


def test_the_refusal_names_the_holder_and_exits_3(shared: Ledger) -> None:
    with collect_lock(shared):
        start_run(shared)
        with pytest.raises(LedgerLocked) as caught, collect_lock(shared, wait=0):
            pass
    assert caught.value.exit_code == ExitCode.LOCKED
    assert str(caught.value) == (
        f"another growthmap run holds the collect lock (daemon, pid {os.getpid()} on "
        f"{socket.gethostname()}, since 2026-11-28 07:00:03Z); try again when it has "
        "finished, or pass --wait SECONDS"
    )


def test_a_killed_runs_row_is_marked_interrupted_by_the_next_lock_holder(shared: Ledger) -> None:
    start_run(shared, "cli")  # killed with SIGKILL: its row still says running
    assert statuses(shared) == ["running"]
    with collect_lock(shared):
        assert statuses(shared) == ["interrupted"]
        start_run(shared)
    assert statuses(shared) == ["interrupted", "running"]


def test_other_owners_rows_are_left_alone(ledger_url: str, shared: Ledger) -> None:
    other = open_ledger(ledger_url, "grace")
    try:
        start_run(other)
        with collect_lock(shared):
            pass
        assert statuses(other) == ["running"]
    finally:
        other.close()


def test_the_lock_is_free_again_after_the_holder_is_done(shared: Ledger) -> None:
    with collect_lock(shared):
        pass
    with collect_lock(shared, wait=0):
        pass


def test_two_owners_of_one_ledger_collect_without_waiting_for_each_other(
    shared: Ledger, ledger_url: str
) -> None:
    other = open_ledger(ledger_url, "bo")
    try:
        with collect_lock(shared), collect_lock(other, wait=0):
            pass  # bo's run goes ahead while ada's holds her own lock
    finally:
        other.close()


def test_a_second_daemon_for_one_owner_on_a_shared_ledger_is_refused(
    shared: Ledger, ledger_url: str
) -> None:
    # Another account or machine: the local daemon lock cannot see it, the ledger can.
    again, other = open_ledger(ledger_url, "ada"), open_ledger(ledger_url, "bo")
    try:
        with daemon_ledger_lock(shared):
            with (
                pytest.raises(
                    LedgerLocked, match="another growthmap daemon already runs for owner ada"
                ),
                daemon_ledger_lock(again),
            ):
                pass
            with daemon_ledger_lock(other), collect_lock(shared):
                pass  # other owners' daemons and this owner's collects are not held up
        with daemon_ledger_lock(again):
            pass  # free once the first daemon stops
    finally:
        again.close()
        other.close()
