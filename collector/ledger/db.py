"""Open the ledger: engine setup per backend, migrations on open, read/write sessions."""

from __future__ import annotations

import importlib.metadata
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, SQLAlchemyError
from sqlalchemy.orm import Session

from collector.core.errors import LedgerError
from collector.core.paths import create_private_file
from collector.ledger import migrate

SQLITE_BUSY_TIMEOUT_MS = 30_000

# What a ledger operation raises when the database fails (unreachable, locked, damaged):
# the layers above catch it by this name and never import the database library.
LedgerFailure = SQLAlchemyError


def failure_message(exc: SQLAlchemyError) -> str:
    """A database failure in one line, as the CLI and the daemon report it."""
    return f"ledger error: {type(exc).__name__}: {getattr(exc, 'orig', exc)}"


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
        with naming_damage(str(self.engine.url)), self.engine.connect() as conn:
            conn.execution_options(growthmap_write=True)
            with Session(bind=conn, expire_on_commit=False) as session, session.begin():
                yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        with (
            naming_damage(str(self.engine.url)),
            Session(self.engine, expire_on_commit=False) as session,
            session.begin(),
        ):
            yield session

    @contextmanager
    def scratch(self) -> Iterator[Session]:
        """A write transaction that is always rolled back: for --dry-run."""
        with naming_damage(str(self.engine.url)), self.engine.connect() as conn:
            conn.execution_options(growthmap_write=True)
            with Session(bind=conn, expire_on_commit=False) as session:
                session.begin()
                try:
                    yield session
                finally:
                    session.rollback()

    def check_intact(self) -> None:
        """LedgerError if SQLite finds the ledger file damaged. It reads the whole file
        (about a second per GB), so only the commands that vouch for the ledger call it:
        `status` and `db upgrade`. Other commands meet damage when they touch it."""
        check_intact(self.engine)

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
            check_intact(engine)
            before = migrate.current_revision(engine)
            return before, migrate.upgrade(engine)
    finally:
        engine.dispose()


@contextmanager
def _opening(url: str) -> Iterator[None]:
    """Turn a database error while opening or migrating into a LedgerError naming the ledger."""
    try:
        with naming_damage(url):
            yield
    except migrate.NewerSchema as exc:
        raise LedgerError(
            f"the ledger {safe_url(url)} was written by a newer growthmap (schema revision "
            f"{exc.revision}; this growthmap {_version()} knows revisions up to "
            f"{migrate.HEAD_REVISION}): upgrade growthmap (pip install --upgrade growthmap)"
        ) from None
    except DBAPIError as exc:  # the driver's own message, without SQLAlchemy's link
        raise LedgerError(f"cannot open the ledger {safe_url(url)}: {exc.orig}") from None
    except SQLAlchemyError as exc:
        raise LedgerError(f"cannot open the ledger {safe_url(url)}: {exc}") from None


def _version() -> str:
    try:
        return importlib.metadata.version("growthmap")
    except importlib.metadata.PackageNotFoundError:
        return "(version unknown)"


# SQLite's primary result codes for a file that is not, or no longer, a sound database.
_SQLITE_CORRUPT = 11
_SQLITE_NOTADB = 26


@contextmanager
def naming_damage(url: str) -> Iterator[None]:
    """A damaged SQLite file met while working becomes a LedgerError that says so, names
    the file and says what to do, instead of a driver error deep in a query."""
    try:
        yield
    except DBAPIError as exc:
        code = getattr(exc.orig, "sqlite_errorcode", 0) & 0xFF
        if code == _SQLITE_NOTADB:  # the header: another file, or one damaged from the start
            raise LedgerError(
                f"cannot open the ledger {safe_url(url)}: {exc.orig}: check that [ledger] url "
                "names your ledger file, or restore the file from a backup"
            ) from None
        if code == _SQLITE_CORRUPT:
            raise damaged(url, str(exc.orig)) from None
        raise


def damaged(url: str, reason: str) -> LedgerError:
    file = sqlite_file(url) or safe_url(url)
    return LedgerError(
        f"the ledger file {file} is damaged ({reason}): restore it from a backup, or save "
        f"what is readable with `sqlite3 {file} .recover | sqlite3 recovered.db` and point "
        "[ledger] url at recovered.db"
    )


def check_intact(engine: Engine) -> None:
    """LedgerError naming the file when SQLite's quick_check finds damage."""
    if engine.dialect.name != "sqlite":
        return
    url = str(engine.url)
    with naming_damage(url), engine.connect() as conn:
        found = [str(row[0]) for row in conn.exec_driver_sql("PRAGMA quick_check(1)")]
    if found != ["ok"]:
        first = " ".join(found[0].split()) if found else "no answer"  # one line
        raise damaged(url, first if len(first) <= 100 else first[:99] + "…")


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
    if parsed.get_backend_name() != "sqlite":
        return None
    if parsed.database in (None, "", ":memory:") or parsed.query.get("mode") == "memory":
        return (
            "an in-memory SQLite database keeps nothing between runs: give a file path, "
            "e.g. sqlite:///ledger.db (relative to the config file's folder)"
        )
    home = parsed.database.split("/", 1)[0]
    if home.startswith("~") and os.path.expanduser(home) == home:
        return f"{home} names no user's home folder: write the path in full"
    return None


# Beside a SQLite ledger live its journal (`-journal`, `-wal`, `-shm`) and per owner a
# lock and a daemon lock (`NAME.OWNER.lock`, `NAME.OWNER.daemon`, see collector.ledger.locks).
_NAME_MAX = 255  # bytes per file name on Linux and macOS file systems


def sqlite_names_problem(url: str, owner: str) -> str | None:
    """Why the ledger file, or a file growthmap keeps beside it, cannot have its name."""
    file = sqlite_file(url)
    if file is None:
        return None
    names = [*file.parent.parts, f"{file.name}-journal", f"{file.stem}.{owner}.daemon"]
    if any(len(os.fsencode(name)) > _NAME_MAX for name in names):
        return (
            f"a name in the ledger's path is too long: file systems take {_NAME_MAX} bytes "
            f"per name, and the lock files beside the ledger add the owner key and 8 more"
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
