"""What `config check` warns about beyond validation: who may read the config file and
the ledger, token values written into the file, and accepted evidence the growth map no
longer has a place for.

Tokens belong in environment variables (`token_env`); a config file that names them is
still worth keeping private, and one that holds a token literal is a leak waiting to
happen. The warnings name the key, never the value.
"""

from __future__ import annotations

import re
import stat
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from collector.config import Settings, read_toml
from collector.core.errors import LedgerError
from collector.ledger import LedgerFailure
from collector.ledger.db import open_ledger, sqlite_file
from collector.ledger.queries import accepted_per_skill
from connectors.base import SourceConfig

# Prefixes of tokens the supported services issue, and of common other ones.
_TOKEN_PREFIXES = re.compile(
    r"(gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|glpat-[A-Za-z0-9_-]{16,}"
    r"|ATATT[A-Za-z0-9_=-]{20,}|xox[abpr]-[A-Za-z0-9-]{10,})"
)
# A long run of base64 with upper case, lower case and digits: a secret, not a word,
# a path, a glob or a hex commit id.
_OPAQUE = re.compile(r"[A-Za-z0-9+/_=-]{32,}")


def config_file_warnings(path: Path | None, sources: Sequence[SourceConfig]) -> list[str]:
    """Warnings about the (valid) config file at `path`; none for no file."""
    if path is None:
        return []
    data = read_toml(path)
    warnings = []
    mode = _mode(path)
    if sources and mode is not None and mode & 0o077:
        warnings.append(
            f"{path} is readable by other users (mode {mode:04o}) and names your tokens' "
            f"variables; make it private: chmod 600 {path}"
        )
    for key in token_literal_keys(data):
        warnings.append(
            f"{path}: `{key}` seems to hold a token; keep tokens out of the file: put the "
            "value in an environment variable, name that variable in the source's "
            "`token_env`, and revoke the token if the file was ever shared"
        )
    return warnings


def ledger_file_warnings(ledger_url: str) -> list[str]:
    """A SQLite ledger others may read (growthmap creates it 0600; a copy may not be)."""
    path = sqlite_file(ledger_url)
    if path is None:
        return []
    mode = _mode(path)
    if mode is None or not mode & 0o077:
        return []
    return [
        f"the ledger {path} is readable by other users (mode {mode:04o}) and holds your "
        f"work's details; make it private: chmod 600 {path}"
    ]


def evidence_left_out(settings: Settings) -> list[str]:
    """Accepted evidence for skills the growth map no longer has: a renamed or removed
    skill quietly drops it from the map. Only an existing ledger is read (check writes
    nothing); one that cannot be opened is collect's to report."""
    file = sqlite_file(settings.ledger_url)
    if file is not None and not file.exists():
        return []
    try:
        ledger = open_ledger(settings.ledger_url, settings.owner.key, upgrade=False)
    except LedgerError:
        return []
    try:
        with ledger.read() as session:
            counts = accepted_per_skill(session, ledger.owner)
    except LedgerFailure:  # an empty or older ledger: nothing to compare yet
        return []
    finally:
        ledger.close()
    known = settings.growth_map.skill_ids()
    return [
        f"{n} accepted item(s) count for {dest}/{skill}, which the growth map no longer has; "
        "`growthmap map` leaves them out: name the skill as before, or re-map them "
        "(`growthmap review list --status accepted` shows their ids)"
        for (dest, skill), n in sorted(counts.items())
        if skill not in known.get(dest, [])
    ]


def looks_like_token(value: str) -> bool:
    if _TOKEN_PREFIXES.search(value):
        return True
    return any(_mixed(run) for run in _OPAQUE.findall(value))


def token_literal_keys(data: Any, prefix: str = "") -> Iterator[str]:
    """Dotted keys (sources[0].base_url) of every string value that looks like a token."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield from token_literal_keys(value, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from token_literal_keys(value, f"{prefix}[{index}]")
    elif isinstance(data, str) and looks_like_token(data):
        yield prefix


def _mixed(run: str) -> bool:
    return (
        any(c.isupper() for c in run)
        and any(c.islower() for c in run)
        and sum(c.isdigit() for c in run) >= 2
    )


def _mode(path: Path) -> int | None:
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        return None
