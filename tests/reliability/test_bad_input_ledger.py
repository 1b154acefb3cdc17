"""A ledger growthmap cannot use: written by a newer growthmap, or a SQLite file damaged
mid-file. No command says "ok" over it, and every command that meets it says which file,
what is wrong and what to do, with exit 2 instead of a driver error."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fakes import memory
from sqlalchemy import text

from collector.core.errors import LedgerError
from collector.ledger import open_ledger
from collector.ledger.migrate import HEAD_REVISION
from reliability.bad_input import invoke, memory_source, write_config

COMMANDS = [["status"], ["db", "upgrade"], ["items"], ["collect"], ["export"]]


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A ledger holding 600 collected items (some hundred pages of SQLite)."""
    world = memory_source(monkeypatch)
    start = datetime.now(UTC) - timedelta(days=10)
    world.items["things"] = [
        memory.make_item(n, updated=start + timedelta(minutes=n), title=f"Change {n} " * 20)
        for n in range(600)
    ]
    path = write_config(tmp_path)
    assert run(path, ["collect", "--since", "14d"])[0] == 0
    yield path


def run(config: Path, args: list[str]) -> tuple[int, str]:
    result = invoke(config, *args)
    return result.exit_code, result.stdout + result.stderr


def damage_middle(file: Path) -> None:
    """Overwrite the middle third of the file, as a bad disk sector or a torn copy would."""
    data = bytearray(file.read_bytes())
    third = len(data) // 3
    data[third : 2 * third] = b"\xab" * third
    file.write_bytes(bytes(data))


def test_a_ledger_damaged_mid_file_is_named_by_every_command(config: Path) -> None:
    ledger = config.parent / "ledger.db"
    assert not (config.parent / "ledger.db-wal").exists()  # all of it is in the file
    damage_middle(ledger)
    for command in COMMANDS:
        code, said = run(config, command)
        assert code == 2, f"{command}: exit {code}\n{said}"
        assert f"the ledger file {ledger} is damaged" in said, said
        assert "restore it from a backup" in said and ".recover" in said, said
        assert "Traceback" not in said and "unexpected error" not in said
        assert "up to date" not in said and "Last run" not in said


def test_a_ledger_from_a_newer_growthmap_says_to_upgrade_growthmap(config: Path) -> None:
    url = f"sqlite:///{config.parent / 'ledger.db'}"
    ledger = open_ledger(url, "default")
    with ledger.write() as session:
        session.execute(text("UPDATE alembic_version SET version_num = '0999'"))
    ledger.close()
    for command in COMMANDS:
        code, said = run(config, command)
        assert code == 2, f"{command}: exit {code}\n{said}"
        assert "was written by a newer growthmap (schema revision 0999" in said, said
        assert f"knows revisions up to {HEAD_REVISION}" in said and "upgrade growthmap" in said
        assert "Can't locate revision" not in said and "report it" not in said


def test_open_refuses_a_newer_schema_on_every_database(ledger_url: str) -> None:
    open_ledger(ledger_url, "ada").close()
    ledger = open_ledger(ledger_url, "ada")
    with ledger.write() as session:
        session.execute(text("UPDATE alembic_version SET version_num = '0999'"))
    ledger.close()
    with pytest.raises(LedgerError, match="written by a newer growthmap"):
        open_ledger(ledger_url, "ada")


def test_a_file_that_is_no_database_is_named(tmp_path: Path, config: Path) -> None:
    ledger = config.parent / "ledger.db"
    ledger.write_bytes(b"this is a shopping list, not a ledger\n" * 200)
    code, said = run(config, ["items"])
    assert (
        code == 2 and f"cannot open the ledger sqlite:///{ledger}: file is not a database" in said
    )
    assert "check that [ledger] url names your ledger file" in said
