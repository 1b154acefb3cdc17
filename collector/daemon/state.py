"""The daemon's state file: who runs it, the next run, and the backoff count.

Runs themselves are recorded in the ledger (trigger "daemon"), which `status` reads on
any machine. What only the daemon knows — its next run, how many runs failed in a row
(so a restart does not forget the backoff), which weekly jobs are done — lives in a
small JSON file in the user state dir, written atomically with mode 0600. No schema
change is needed for it.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import filelock

from collector.core import paths
from collector.core.errors import LedgerLocked

log = logging.getLogger("growthmap.daemon")

# A status check holds the lock for an instant: a starting daemon rides over that.
_LOCK_WAIT = 2.0
_TIMES = ("started_at", "updated_at", "next_run_at", "last_run_at", "stopped_at")


@dataclass
class DaemonState:
    pid: int
    host: str
    owner: str
    ledger: str  # the ledger URL without password
    schedule: str  # e.g. "every 1h"
    started_at: datetime
    updated_at: datetime
    next_run_at: datetime | None = None
    next_reason: str = ""
    failures: int = 0
    last_run_id: int | None = None
    last_run_at: datetime | None = None
    last_outcome: str | None = None
    stopped_at: datetime | None = None
    weekly_done: dict[str, str] = field(default_factory=dict)  # job -> ISO week done

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        for name in _TIMES:
            value = data[name]
            data[name] = value.isoformat() if value is not None else None
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> DaemonState:
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        for name in _TIMES:
            if values.get(name) is not None:
                values[name] = datetime.fromisoformat(values[name])
        return cls(**values)


def state_path(owner: str, ledger_url: str) -> Path:
    """One file per (ledger, owner): two configs never share or overwrite a state."""
    digest = hashlib.sha256(ledger_url.encode()).hexdigest()[:12]
    return paths.user_state_dir() / f"daemon-{owner}-{digest}.json"


@dataclass(frozen=True)
class StateStore:
    path: Path

    def load(self) -> DaemonState | None:
        """The saved state, or None when there is none or it cannot be read."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            return DaemonState.from_json(data)
        except FileNotFoundError:
            return None
        except (OSError, ValueError, TypeError) as exc:
            log.warning("ignoring the unreadable daemon state file %s: %s", self.path, exc)
            return None

    def save(self, state: DaemonState) -> None:
        """Write atomically (a reader never sees half a file); a failure is logged, since
        a run must not fail for want of a state file."""
        try:
            paths.ensure_private_dir(self.path.parent)
            fd, tmp = tempfile.mkstemp(prefix=".state-", dir=self.path.parent)
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as handle:
                    json.dump(state.to_json(), handle, indent=2)
                os.replace(tmp, self.path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError as exc:
            log.warning("cannot write the daemon state file %s: %s", self.path, exc.strerror)


def lock_path(path: Path) -> Path:
    return path.with_suffix(".lock")


@contextmanager
def daemon_lock(store: StateStore) -> Iterator[None]:
    """Held while a daemon runs for this ledger and owner. The OS releases it when the
    process dies, so a crash (or a reboot that reuses its pid) never blocks a restart."""
    paths.ensure_private_dir(store.path.parent)
    lock = filelock.FileLock(str(lock_path(store.path)), mode=0o600)
    try:
        lock.acquire(timeout=_LOCK_WAIT)
    except filelock.Timeout:
        other = store.load()
        who = ""
        if other is not None:
            since = other.started_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%SZ")
            who = f" (pid {other.pid} on {other.host}, since {since})"
        raise LedgerLocked(
            f"another growthmap daemon already runs for this ledger and owner{who}; stop it first"
        ) from None
    try:
        yield
    finally:
        lock.release()


def daemon_running(store: StateStore) -> bool:
    """Whether a daemon holds the lock (checked without disturbing it for long)."""
    target = lock_path(store.path)
    if not target.exists():
        return False
    lock = filelock.FileLock(str(target), mode=0o600)
    try:
        lock.acquire(timeout=0)
    except filelock.Timeout:
        return True
    lock.release()
    return False
