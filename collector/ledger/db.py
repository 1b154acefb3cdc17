"""Open the ledger: engine setup per backend, migrations on open, read/write sessions."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, SQLAlchemyError
from sqlalchemy.orm import Session

from collector.errors import LedgerError
from collector.ledger import migrate
from collector.paths import create_private_file

SQLITE_BUSY_TIMEOUT_MS = 30_000


class Ledger:
    """The evidence ledger of one owner. `write()` serializes writers on SQLite."""

    def __init__(self, engine: Engine, owner: str) -> None:
        self.engine = engine
        self.owner = owner

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A transaction that commits on success. On SQLite it begins IMMEDIATE so
        concurrent writers wait (busy timeout) instead of failing mid-transaction."""
        with self.engine.connect() as conn:
            conn.execution_options(growthmap_write=True)
            with Session(bind=conn, expire_on_commit=False) as session, session.begin():
                yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as session, session.begin():
            yield session

    @contextmanager
    def scratch(self) -> Iterator[Session]:
        """A write transaction that is always rolled back: for --dry-run."""
        with self.engine.connect() as conn:
            conn.execution_options(growthmap_write=True)
            with Session(bind=conn, expire_on_commit=False) as session:
                session.begin()
                try:
                    yield session
                finally:
                    session.rollback()

    def close(self) -> None:
        self.engine.dispose()


def open_ledger(url: str, owner: str, *, upgrade: bool = True) -> Ledger:
    """Open (creating if needed) the ledger at `url` and bring its schema up to date."""
    engine = _create_engine(url)
    try:
        if upgrade:
            with _opening(url):
                migrate.upgrade(engine)
    except LedgerError:
        engine.dispose()
        raise
    return Ledger(engine, owner)


def upgrade_ledger(url: str) -> tuple[str | None, bool]:
    """Apply pending migrations to the ledger at `url`: (revision before, whether any ran).

    Fails like `open_ledger` does, with a LedgerError naming the ledger."""
    engine = _create_engine(url)
    try:
        with _opening(url):
            before = migrate.current_revision(engine)
            return before, migrate.upgrade(engine)
    finally:
        engine.dispose()


@contextmanager
def _opening(url: str) -> Iterator[None]:
    """Turn a database error while opening or migrating into a LedgerError naming the ledger."""
    try:
        yield
    except DBAPIError as exc:  # the driver's own message, without SQLAlchemy's link
        raise LedgerError(f"cannot open the ledger {safe_url(url)}: {exc.orig}") from None
    except SQLAlchemyError as exc:
        raise LedgerError(f"cannot open the ledger {safe_url(url)}: {exc}") from None


SUPPORTED_URLS = "sqlite:///PATH or postgresql+psycopg://USER@HOST/DB"
_DRIVERS = {"sqlite", "sqlite+pysqlite", "postgresql+psycopg"}


def ledger_url_problem(url: str) -> str | None:
    """Why growthmap cannot keep its ledger at `url`, or None. Never echoes the URL,
    which may hold a password."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return f"not a database URL: use {SUPPORTED_URLS}"
    if parsed.drivername not in _DRIVERS:
        postgres = parsed.get_backend_name() in ("postgresql", "postgres")
        hint = " (growthmap reaches PostgreSQL through psycopg 3)" if postgres else ""
        return f"unsupported database {parsed.drivername!r}{hint}: use {SUPPORTED_URLS}"
    in_memory = parsed.database in (None, "", ":memory:") or parsed.query.get("mode") == "memory"
    if parsed.get_backend_name() == "sqlite" and in_memory:
        return (
            "an in-memory SQLite database keeps nothing between runs: give a file path, "
            "e.g. sqlite:///ledger.db (relative to the config file's folder)"
        )
    return None


def sqlite_file(url: str) -> Path | None:
    """The file of a SQLite ledger URL; None for any other database."""
    prefix = "sqlite:///"
    return Path(url.removeprefix(prefix).split("?", 1)[0]) if url.startswith(prefix) else None


def safe_url(url: str) -> str:
    """The URL with any password hidden, fit for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<unparseable ledger url>"


def _create_engine(url: str) -> Engine:
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise LedgerError(
            f"[ledger] url {url!r} is not a database URL: use sqlite:///PATH or "
            "postgresql+psycopg://USER@HOST/DB"
        ) from None
    try:
        if parsed.get_backend_name() == "sqlite":
            return _sqlite_engine(url, parsed.database)
        # No server-side prepared statements: their generic plans compare every row with
        # every bound id of a long IN list, which made batch upserts crawl.
        return create_engine(url, pool_pre_ping=True, connect_args={"prepare_threshold": None})
    except NoSuchModuleError:
        raise LedgerError(
            f"no driver for {parsed.drivername}: install growthmap[postgres] for PostgreSQL"
        ) from None
    except ModuleNotFoundError as exc:
        raise LedgerError(
            f"the database driver {exc.name} is not installed: "
            "install growthmap[postgres] for PostgreSQL"
        ) from None


def _sqlite_engine(url: str, database: str | None) -> Engine:
    if database and database != ":memory:":
        path = Path(database)
        try:
            create_private_file(path)
        except OSError as exc:
            raise LedgerError(f"cannot create the ledger file {path}: {exc.strerror}") from None
    engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
    event.listen(engine, "connect", _sqlite_on_connect)
    event.listen(engine, "begin", _sqlite_on_begin)
    return engine


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    # Take transaction control from the sqlite3 module so BEGIN IMMEDIATE is possible.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_on_begin(conn: Connection) -> None:
    write = conn.get_execution_options().get("growthmap_write", False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")
