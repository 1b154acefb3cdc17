"""Snapshots in the ledger: an export's bytes in every format, rendered from one read of
the ledger when it was taken, with what it showed (`basis`).

Every format is stored rendered, rather than a model to render again: a later growthmap
may render differently, and a snapshot must give back exactly what was handed in. The
bytes are zlib-compressed, with the SHA-256 of what they decompress to checked on the way
out."""

from __future__ import annotations

import hashlib
import re
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from collector.config import Settings
from collector.core.errors import GrowthmapError, UsageError
from collector.core.timeparse import shown
from collector.export import ExportFormat, ExportOptions, Period, export_every_format
from collector.ledger.models import SnapshotFileRow, SnapshotRow
from collector.snapshots.basis import Basis, basis_of

NAME_RULE = "letters, digits, `.`, `_` and `-`, starting with a letter or digit, at most 100"
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,99}")
Redact = Callable[[bytes], bytes]


class SnapshotDamaged(GrowthmapError):
    """A snapshot's stored bytes no longer match their digest."""


@dataclass(frozen=True)
class SnapshotRequest:
    name: str
    period: Period
    options: ExportOptions
    as_of: date
    format: ExportFormat


@dataclass(frozen=True)
class StoredFile:
    format: ExportFormat
    size: int
    sha256: str


@dataclass(frozen=True)
class SnapshotInfo:
    name: str
    taken_at: datetime
    request: SnapshotRequest
    files: tuple[StoredFile, ...]


def check_name(name: str) -> str:
    if not _NAME.fullmatch(name):
        raise UsageError(f"snapshot name {shown(name)} is not valid: use {NAME_RULE}")
    return name


def refuse_taken(session: Session, owner: str, name: str, *, force: bool) -> None:
    """Refuse a name in use unless `force` (before an export does any work)."""
    if not force and _row(session, owner, check_name(name)) is not None:
        raise UsageError(
            f"a snapshot named {name!r} exists: pass --force to replace it, or choose "
            "another name (`growthmap snapshots list` shows them)"
        )


def take_snapshot(
    session: Session,
    settings: Settings,
    request: SnapshotRequest,
    *,
    force: bool,
    now: datetime,
    redact: Redact,
) -> bytes:
    """Render every format, store them with the basis under the name, and return the
    bytes of the format asked for. `redact` masks credentials before anything is stored."""
    owner = settings.owner.key
    refuse_taken(session, owner, request.name, force=force)
    model, rendered = export_every_format(
        session, settings, request.period, request.options, request.as_of
    )
    _remove(session, owner, request.name)
    row = SnapshotRow(
        owner=owner,
        name=request.name,
        taken_at=now,
        as_of=request.as_of,
        format=request.format.value,
        period=period_json(request.period),
        options=options_json(request.options),
        basis=basis_of(model, redact),
    )
    session.add(row)
    session.flush()
    masked = {fmt: redact(data) for fmt, data in rendered.items()}
    session.add_all(_file_row(row.id, fmt, data) for fmt, data in masked.items())
    session.flush()
    return masked[request.format]


def _remove(session: Session, owner: str, name: str) -> None:
    """The snapshot of that name, if any, with its files (replaced with `--force`)."""
    old = _row(session, owner, name)
    if old is not None:
        session.execute(delete(SnapshotFileRow).where(SnapshotFileRow.snapshot_id == old.id))
        session.delete(old)
        session.flush()


def _file_row(snapshot_id: int, fmt: ExportFormat, data: bytes) -> SnapshotFileRow:
    return SnapshotFileRow(
        snapshot_id=snapshot_id,
        format=fmt.value,
        data=zlib.compress(data),
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )


def snapshot_bytes(
    session: Session, owner: str, name: str, fmt: ExportFormat | None
) -> tuple[ExportFormat, bytes]:
    """The stored bytes (of the format asked when it was taken, unless `fmt`)."""
    row = get_snapshot(session, owner, name)
    wanted = fmt or ExportFormat(row.format)
    stored = session.get(SnapshotFileRow, (row.id, wanted.value))
    if stored is None:
        raise UsageError(f"snapshot {name!r} holds no {wanted.value} export")
    data = zlib.decompress(stored.data)
    if len(data) != stored.size or hashlib.sha256(data).hexdigest() != stored.sha256:
        raise SnapshotDamaged(
            f"snapshot {name!r}: the stored {wanted.value} bytes no longer match their "
            "SHA-256; the ledger row was changed outside growthmap"
        )
    return wanted, data


def get_snapshot(session: Session, owner: str, name: str) -> SnapshotRow:
    row = _row(session, owner, check_name(name))
    if row is None:
        known = session.scalars(
            select(SnapshotRow.name).where(SnapshotRow.owner == owner).order_by(SnapshotRow.name)
        ).all()
        raise UsageError(
            f"no snapshot named {name!r}; "
            + (
                f"there are: {', '.join(known)}"
                if known
                else "none taken yet: `growthmap export --snapshot NAME` takes one"
            )
        )
    return row


def list_snapshots(session: Session, owner: str) -> list[SnapshotInfo]:
    """Every snapshot, newest first, without their bytes or basis."""
    columns = (
        SnapshotRow.id,
        SnapshotRow.name,
        SnapshotRow.taken_at,
        SnapshotRow.as_of,
        SnapshotRow.format,
        SnapshotRow.period,
        SnapshotRow.options,
    )
    query = (
        select(*columns)
        .where(SnapshotRow.owner == owner)
        .order_by(SnapshotRow.taken_at.desc(), SnapshotRow.name)
    )
    rows = session.execute(query).all()
    files = _files(session, [r.id for r in rows])
    return [
        SnapshotInfo(
            r.name,
            r.taken_at,
            SnapshotRequest(
                r.name, period_of(r.period), options_of(r.options), r.as_of, ExportFormat(r.format)
            ),
            files.get(r.id, ()),
        )
        for r in rows
    ]


def snapshot_info(session: Session, owner: str, name: str) -> tuple[SnapshotInfo, Basis]:
    row = get_snapshot(session, owner, name)
    request = SnapshotRequest(
        row.name,
        period_of(row.period),
        options_of(row.options),
        row.as_of,
        ExportFormat(row.format),
    )
    return SnapshotInfo(
        row.name, row.taken_at, request, _files(session, [row.id]).get(row.id, ())
    ), row.basis


def _files(session: Session, ids: list[int]) -> dict[int, tuple[StoredFile, ...]]:
    if not ids:
        return {}
    query = (
        select(
            SnapshotFileRow.snapshot_id,
            SnapshotFileRow.format,
            SnapshotFileRow.size,
            SnapshotFileRow.sha256,
        )
        .where(SnapshotFileRow.snapshot_id.in_(ids))
        .order_by(SnapshotFileRow.snapshot_id, SnapshotFileRow.format)
    )
    found: dict[int, list[StoredFile]] = {}
    for ident, fmt, size, digest in session.execute(query):
        found.setdefault(ident, []).append(StoredFile(ExportFormat(fmt), size, digest))
    return {ident: tuple(files) for ident, files in found.items()}


def _row(session: Session, owner: str, name: str) -> SnapshotRow | None:
    return session.scalars(
        select(SnapshotRow).where(SnapshotRow.owner == owner, SnapshotRow.name == name)
    ).one_or_none()


def period_json(period: Period) -> dict[str, Any]:
    return {
        "label": period.label,
        "since": period.since.isoformat() if period.since else None,
        "until": period.until.isoformat() if period.until else None,
        "first": period.first.isoformat() if period.first else None,
        "last": period.last.isoformat() if period.last else None,
    }


def period_of(value: dict[str, Any]) -> Period:
    def moment(key: str) -> datetime | None:
        return datetime.fromisoformat(value[key]) if value.get(key) else None

    def day(key: str) -> date | None:
        return date.fromisoformat(value[key]) if value.get(key) else None

    return Period(
        value.get("label", ""), moment("since"), moment("until"), day("first"), day("last")
    )


def options_json(options: ExportOptions) -> dict[str, Any]:
    return {
        "destination": options.destination,
        "include_suggested": options.include_suggested,
        "redact_private": options.redact_private,
    }


def options_of(value: dict[str, Any]) -> ExportOptions:
    return ExportOptions(
        destination=value.get("destination"),
        include_suggested=bool(value.get("include_suggested")),
        redact_private=bool(value.get("redact_private")),
    )
