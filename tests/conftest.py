"""Shared fixtures. `tests/` goes on sys.path so test modules can import `fakes`."""

from __future__ import annotations

import os
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest

# pytest-xdist's workers set COLUMNS=80, which the CLI honours (a user's $COLUMNS wins):
# tests see the width a plain run sees, whichever worker runs them.
os.environ.pop("COLUMNS", None)

# Bind the real packages before tests/ joins sys.path: there tests/rules/ (and any
# tests/connectors/) would be found first as namespace packages and shadow them, since
# the editable install's finder runs after the path finder.
import collector  # noqa: F401
import connectors  # noqa: F401
import rules  # noqa: F401

TESTS = Path(__file__).parent
if str(TESTS) not in sys.path:
    sys.path.append(str(TESTS))

from keyring_double import MemoryKeyring  # noqa: E402  (tests/ is on sys.path only now)

from collector.core.keyring_tokens import forget_tokens  # noqa: E402

PG_URL = os.environ.get("GROWTHMAP_TEST_PG_URL", "postgresql+psycopg://127.0.0.1:5432/test")


def _pg_admin_url() -> str | None:
    """The test server's URL if one answers, else None (tests then skip with a reason)."""
    try:
        import psycopg
        from sqlalchemy.engine import make_url
    except ImportError:
        return None
    url = make_url(PG_URL)
    try:
        with psycopg.connect(
            host=url.host,
            port=url.port or 5432,
            user=url.username,
            dbname=url.database,
            password=url.password,
            connect_timeout=2,
        ):
            return PG_URL
    except psycopg.Error:
        return None


_PG = _pg_admin_url()


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test, dropped afterwards."""
    if _PG is None:
        pytest.skip(f"no PostgreSQL server answers at {PG_URL} (set GROWTHMAP_TEST_PG_URL)")
    import psycopg
    from sqlalchemy.engine import make_url

    url = make_url(_PG)
    name = f"growthmap_test_{uuid.uuid4().hex[:12]}"
    params = {
        "host": url.host,
        "port": url.port or 5432,
        "user": url.username,
        "password": url.password,
        "dbname": url.database,
        "autocommit": True,
    }
    with psycopg.connect(**params) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(**params) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def ledger_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each ledger test runs on SQLite and, where a server answers, on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'ledger.db'}"
    url: str = request.getfixturevalue("pg_url")
    return url


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads or writes the real user's config, data or tokens."""
    home = tmp_path / "home"
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local/share"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / ".local/state"))
    for name in (
        "GROWTHMAP_CONFIG",
        "GITHUB_TOKEN",
        "GITHUB_API_URL",
        "GITLAB_TOKEN",
        "JIRA_TOKEN",
    ):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(autouse=True)
def os_keyring(monkeypatch: pytest.MonkeyPatch) -> Iterator[MemoryKeyring]:
    """An empty in-memory keyring for each test; a `growthmap` subprocess finds none,
    as on a server or in CI (unless a test gives it `keyring_double.FileKeyring`)."""
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    forget_tokens()
    yield backend
    keyring.set_keyring(previous)
    forget_tokens()
