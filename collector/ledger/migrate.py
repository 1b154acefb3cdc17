"""Alembic migrations shipped inside the package, applied on open and by `db upgrade`."""

from __future__ import annotations

import threading
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, text

MIGRATIONS = Path(__file__).with_name("migrations")
# Any fixed number works: it only has to be the same in every growthmap process.
_PG_MIGRATION_LOCK = 0x67726F77
# Alembic keeps its migration context in module globals, so one process migrates one at a time.
_IN_PROCESS = threading.Lock()


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine) -> bool:
    """Apply pending migrations; return whether anything was applied. Cheap when current."""
    if current_revision(engine) == head_revision():
        return False
    config = alembic_config()
    with _IN_PROCESS, engine.connect() as conn:
        conn.execution_options(growthmap_write=True)
        _serialize_with_other_processes(conn)
        config.attributes["connection"] = conn
        command.upgrade(config, "head")  # rereads the revision, now under the lock
        conn.commit()
    return True


def _serialize_with_other_processes(conn: Connection) -> None:
    """Collectors meeting a new ledger together must not all create its tables at once.

    SQLite needs nothing here: the write transaction already begins IMMEDIATE. PostgreSQL
    gets a transaction-scoped advisory lock, released by the commit that ends the migration.
    """
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_MIGRATION_LOCK})
