"""The ledger's tables. Every row belongs to an owner, so a team can share one database.

Collected data (`items`) is kept apart from what the engineer decided (`suggestions`
status and notes, `decisions`, `log_entries` text, `manual_artifacts`, `skill_levels`,
`feedback_sessions`) and from what was handed in (`snapshots`): a re-collect rewrites the
former and never the others.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Stores UTC, returns timezone-aware UTC on every backend (SQLite keeps no offset)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the ledger; growthmap stores UTC only")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


JSONType = JSON().with_variant(JSONB(), "postgresql")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime,
        dict[str, Any]: JSONType,
        list[str]: JSONType,
    }


class ItemRow(Base):
    __tablename__ = "items"
    __table_args__ = (
        UniqueConstraint("owner", "source", "kind", "external_id"),
        Index("ix_items_owner_occurred_at", "owner", "occurred_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner: Mapped[str] = mapped_column(String(100))
    source: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(32))
    external_id: Mapped[str] = mapped_column(String(512))
    url: Mapped[str] = mapped_column(Text)
    title: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text, default="")
    repo: Mapped[str | None] = mapped_column(String(512))
    path: Mapped[str | None] = mapped_column(Text)
    author: Mapped[str | None] = mapped_column(String(255))
    state: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    occurred_at: Mapped[datetime]
    labels: Mapped[list[str]]
    paths: Mapped[list[str]]
    additions: Mapped[int | None]
    deletions: Mapped[int | None]
    changed_files: Mapped[int | None]
    extra: Mapped[dict[str, Any]]
    raw: Mapped[dict[str, Any]]
    content_hash: Mapped[str] = mapped_column(String(64))
    first_seen_at: Mapped[datetime]
    changed_at: Mapped[datetime]


class SuggestionRow(Base):
    """An (item, destination, skill) mapping: suggested by rules or chosen by hand."""

    __tablename__ = "suggestions"
    __table_args__ = (
        UniqueConstraint("item_id", "destination", "skill"),
        Index("ix_suggestions_owner_status", "owner", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner: Mapped[str] = mapped_column(String(100))
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)
    destination: Mapped[str] = mapped_column(String(64))
    skill: Mapped[str] = mapped_column(String(128))
    # suggested | accepted | rejected | withdrawn (no rule gives it any more)
    status: Mapped[str] = mapped_column(String(16), default="suggested")
    origin: Mapped[str] = mapped_column(String(16), default="rule")  # rule | manual
    weight: Mapped[float] = mapped_column(Float, default=1.0)
    rules: Mapped[list[str]]
    rule_hash: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    decided_at: Mapped[datetime | None]
    decided_item_hash: Mapped[str | None] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(Text)
    noted_at: Mapped[datetime | None]


class DecisionRow(Base):
    """The history of what the engineer did to a suggestion, with the time."""

    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner: Mapped[str] = mapped_column(String(100))
    suggestion_id: Mapped[int] = mapped_column(
        ForeignKey("suggestions.id", ondelete="CASCADE"), index=True
    )
    action: Mapped[str] = mapped_column(String(16))  # accept | reject | note | change | reset
    note: Mapped[str | None] = mapped_column(Text)
    item_hash: Mapped[str | None] = mapped_column(String(64))
    at: Mapped[datetime]


class CursorRow(Base):
    __tablename__ = "cursors"

    owner: Mapped[str] = mapped_column(String(100), primary_key=True)
    source: Mapped[str] = mapped_column(String(100), primary_key=True)
    stream: Mapped[str] = mapped_column(String(64), primary_key=True)
    position: Mapped[datetime]
    run_id: Mapped[int | None]
    updated_at: Mapped[datetime]


class RunRow(Base):
    __tablename__ = "runs"
    __table_args__ = (Index("ix_runs_owner_started_at", "owner", "started_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner: Mapped[str] = mapped_column(String(100))
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    # running | ok | failed | interrupted
    status: Mapped[str] = mapped_column(String(16))
    trigger: Mapped[str] = mapped_column(String(16), default="cli")  # cli | daemon
    options: Mapped[dict[str, Any]]
    host: Mapped[str] = mapped_column(String(255))
    pid: Mapped[int]
    exit_code: Mapped[int | None]


class RunStreamRow(Base):
    __tablename__ = "run_streams"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"), index=True)
    source: Mapped[str] = mapped_column(String(100))
    stream: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))  # ok | failed | skipped | interrupted
    new: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    requests: Mapped[int] = mapped_column(Integer, default=0)
    retries: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    window_since: Mapped[datetime | None]
    window_until: Mapped[datetime | None]
    duration_s: Mapped[float] = mapped_column(Float, default=0.0)
    waited_s: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")


class LogEntryRow(Base):
    """One weekly progress-log entry. `text` is the engineer's edit and is never redrafted."""

    __tablename__ = "log_entries"

    owner: Mapped[str] = mapped_column(String(100), primary_key=True)
    week: Mapped[str] = mapped_column(String(10), primary_key=True)  # ISO week, 2026-W47
    draft: Mapped[str] = mapped_column(Text)
    text: Mapped[str | None] = mapped_column(Text)
    evidence: Mapped[list[str]]  # item keys the draft (or the edit) covered
    evidence_hash: Mapped[str] = mapped_column(String(64), default="")
    drafted_at: Mapped[datetime]
    edited_at: Mapped[datetime | None]


class ManualArtifactRow(Base):
    """Evidence no connector sees: talks, articles, mentoring, endorsements."""

    __tablename__ = "manual_artifacts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner: Mapped[str] = mapped_column(String(100), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(Text)
    date: Mapped[date] = mapped_column(Date)
    url: Mapped[str | None] = mapped_column(Text)
    destination: Mapped[str | None] = mapped_column(String(64))
    skills: Mapped[list[str]]
    outcome: Mapped[str | None] = mapped_column(Text)
    endorser: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class SkillLevelRow(Base):
    """A recorded level change (`growthmap skill set`): the level history."""

    __tablename__ = "skill_levels"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner: Mapped[str] = mapped_column(String(100), index=True)
    destination: Mapped[str] = mapped_column(String(64))
    skill: Mapped[str] = mapped_column(String(128))
    level: Mapped[str] = mapped_column(String(1))
    effective: Mapped[date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[datetime]


class FeedbackRow(Base):
    """A feedback session (a 1:1) in the guide's rubric; a quote tied to a skill and a
    level counts as evidence for that skill (`growthmap feedback add`)."""

    __tablename__ = "feedback_sessions"
    __table_args__ = (Index("ix_feedback_sessions_owner_date", "owner", "date"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner: Mapped[str] = mapped_column(String(100))
    date: Mapped[date] = mapped_column(Date)
    giver: Mapped[str] = mapped_column(String(255))  # who the feedback came from
    went_well: Mapped[str | None] = mapped_column(Text)
    challenging: Mapped[str | None] = mapped_column(Text)
    improve: Mapped[str | None] = mapped_column(Text)
    support: Mapped[str | None] = mapped_column(Text)
    destination: Mapped[str | None] = mapped_column(String(64))
    skill: Mapped[str | None] = mapped_column(String(128))
    level: Mapped[str | None] = mapped_column(String(1))
    quote: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]


class SnapshotRow(Base):
    """An export as it was handed in (`growthmap export --snapshot NAME`): what it was
    asked for, and the evidence, decisions, notes and log text it showed (`basis`)."""

    __tablename__ = "snapshots"
    __table_args__ = (UniqueConstraint("owner", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(100))
    taken_at: Mapped[datetime]
    as_of: Mapped[date] = mapped_column(Date)
    format: Mapped[str] = mapped_column(String(8))  # the format asked for
    period: Mapped[dict[str, Any]]
    options: Mapped[dict[str, Any]]
    basis: Mapped[dict[str, Any]]


class SnapshotFileRow(Base):
    """A snapshot's rendered bytes in one format (zlib-compressed), with their digest."""

    __tablename__ = "snapshot_files"

    snapshot_id: Mapped[int] = mapped_column(
        ForeignKey("snapshots.id", ondelete="CASCADE"), primary_key=True
    )
    format: Mapped[str] = mapped_column(String(8), primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
