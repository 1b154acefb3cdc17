"""Alembic migrations shipped inside the package, applied on open and by `db upgrade`."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

MIGRATIONS = Path(__file__).with_name("migrations")


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
    with engine.connect() as conn:
        conn.execution_options(growthmap_write=True)
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
        conn.commit()
    return True
