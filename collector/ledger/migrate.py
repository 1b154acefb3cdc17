"""Alembic migrations shipped inside the package, applied on open and by `db upgrade`.

Alembic itself is imported only when a migration runs: every command opens the ledger,
and checking that it is current must not cost Alembic's import time.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, inspect, text

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).with_name("migrations")
# The newest revision in migrations/versions; a test checks it against Alembic's own view.
HEAD_REVISION = "0003"
VERSION_TABLE = "alembic_version"
# Any fixed number works: it only has to be the same in every growthmap process.
_PG_MIGRATION_LOCK = 0x67726F77
# Alembic keeps its migration context in module globals, so one process migrates one at a time.
_IN_PROCESS = threading.Lock()


def alembic_config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str:
    return HEAD_REVISION


def current_revision(engine: Engine) -> str | None:
    """The ledger's schema revision; None for an empty database."""
    with engine.connect() as conn:
        if not inspect(conn).has_table(VERSION_TABLE):
            return None
        return conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar()


class NewerSchema(Exception):
    """The ledger's schema revision is none this growthmap ships: a newer one wrote it."""

    def __init__(self, revision: str) -> None:
        self.revision = revision
        super().__init__(revision)


def known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    return {
        script.revision for script in ScriptDirectory.from_config(alembic_config()).walk_revisions()
    }


def upgrade(engine: Engine) -> bool:
    """Apply pending migrations; return whether anything was applied. Cheap when current.

    NewerSchema when a newer growthmap migrated the ledger past what this one knows."""
    revision = current_revision(engine)
    if revision == HEAD_REVISION:
        return False
    if revision is not None and revision not in known_revisions():
        raise NewerSchema(revision)
    from alembic import command

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
