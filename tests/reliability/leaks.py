"""What counts as a leaked credential, worked out from what went over the wire (not from
growthmap's own redactor, which these tests check), and where growthmap may write one."""

from __future__ import annotations

import base64
import html
import json
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import quote, quote_plus

from sqlalchemy import inspect, text

from reliability.harness import open_config_ledger
from reliability.proxy import CREDENTIAL_HEADERS

WINDOW = 12  # this many characters of a secret in a row are a leak
SECRETS = {
    "github": "ghp_" + "R3liab1lityS3cretT0kenAbCdEf0123456789",
    "gitlab": "glpat-" + "R3liab1lityS3cret-xyz9",
    "jira-cloud": "ATATT" + "3xFfGF0R3liab1lityS3cretT0ken=0A1B2C3D",
    "jira-server": "NjE3ODk0MjA1R3liab1lityS3cretPAT0123456789",
}


def wire_credentials(seen_headers: Iterable[dict[str, str]]) -> set[str]:
    """The credential headers' values as sent (`Basic …`, `Bearer …`, `token …`, a
    private token)."""
    return {
        value
        for headers in seen_headers
        for name, value in headers.items()
        if name.lower() in CREDENTIAL_HEADERS
    }


def forbidden_forms(secret: str, sent: Iterable[str], users: Iterable[str] = ()) -> set[str]:
    """Every form of the secret that must appear nowhere: itself, its base64, each value
    sent and the credential inside it, as text may carry them (URL-encoded, JSON- or
    HTML-escaped), `Bearer`/`token`/`Basic` prefixed; and every WINDOW characters of the
    secret and of the secret-bearing part of each base64 credential."""
    plain = {secret, base64.b64encode(secret.encode()).decode(), f"Bearer {secret}"}
    plain |= {f"token {secret}"}
    for user in users:
        pair = base64.b64encode(f"{user}:{secret}".encode()).decode()
        plain |= {pair, f"Basic {pair}"}
    for value in sent:
        plain |= {value, value.split(" ", 1)[-1]}
    shown = {f for p in plain for f in _presentations(p)}
    windows = {secret[i : i + WINDOW] for i in range(len(secret) - WINDOW + 1)}
    for user in users:
        windows |= _secret_windows(user, secret)
    return shown | windows


def _presentations(form: str) -> set[str]:
    quoted = quote(form, safe="")
    return {
        form,
        quoted,
        quoted.lower(),
        quote_plus(form, safe=""),
        json.dumps(form)[1:-1],
        form.replace("/", "\\/"),
        html.escape(form),
    }


def _secret_windows(user: str, secret: str) -> set[str]:
    """Windows of base64(user:secret) from where it starts to depend on the secret: found
    by encoding a different secret of the same length."""
    real = base64.b64encode(f"{user}:{secret}".encode()).decode()
    other = base64.b64encode(f"{user}:{'#' * len(secret)}".encode()).decode()
    start = next(i for i, (a, b) in enumerate(zip(real, other, strict=True)) if a != b)
    return {real[i : i + WINDOW] for i in range(start, len(real) - WINDOW + 1)}


def leaks(outputs: dict[str, str], forbidden: set[str]) -> dict[str, list[str]]:
    """Per output, the forbidden forms found in it."""
    found = {name: sorted(f for f in forbidden if f in text) for name, text in outputs.items()}
    return {name: forms for name, forms in found.items() if forms}


def ledger_text(config: Path) -> str:
    """Every value of every row of every table, as text."""
    ledger = open_config_ledger(config)
    try:
        names = inspect(ledger.engine).get_table_names()
        with ledger.engine.connect() as conn:
            return "\n".join(
                repr(tuple(row))
                for name in names
                for row in conn.execute(text(f'SELECT * FROM "{name}"'))
            )
    finally:
        ledger.close()


def files_text(folder: Path) -> dict[str, str]:
    """Every file under `folder` (the SQLite ledger's own bytes, free pages included;
    the log; exports; the daemon's state), as Latin-1 text: the forms are ASCII."""
    return {
        str(path): path.read_bytes().decode("latin-1")
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }
