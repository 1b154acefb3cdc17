"""feedback sessions, and snapshots of exports as they were handed in

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql


revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "feedback_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner", sa.String(length=100), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("giver", sa.String(length=255), nullable=False),
        sa.Column("went_well", sa.Text(), nullable=True),
        sa.Column("challenging", sa.Text(), nullable=True),
        sa.Column("improve", sa.Text(), nullable=True),
        sa.Column("support", sa.Text(), nullable=True),
        sa.Column("destination", sa.String(length=64), nullable=True),
        sa.Column("skill", sa.String(length=128), nullable=True),
        sa.Column("level", sa.String(length=1), nullable=True),
        sa.Column("quote", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback_sessions")),
    )
    op.create_index(
        "ix_feedback_sessions_owner_date", "feedback_sessions", ["owner", "date"], unique=False
    )
    op.create_table(
        "snapshots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner", sa.String(length=100), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("taken_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("format", sa.String(length=8), nullable=False),
        sa.Column("period", _JSON, nullable=False),
        sa.Column("options", _JSON, nullable=False),
        sa.Column("basis", _JSON, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_snapshots")),
        sa.UniqueConstraint("owner", "name", name=op.f("uq_snapshots_owner_name")),
    )
    op.create_table(
        "snapshot_files",
        sa.Column("snapshot_id", sa.Integer(), nullable=False),
        sa.Column("format", sa.String(length=8), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["snapshot_id"],
            ["snapshots.id"],
            name=op.f("fk_snapshot_files_snapshot_id_snapshots"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("snapshot_id", "format", name=op.f("pk_snapshot_files")),
    )


def downgrade() -> None:
    op.drop_table("snapshot_files")
    op.drop_table("snapshots")
    op.drop_index("ix_feedback_sessions_owner_date", table_name="feedback_sessions")
    op.drop_table("feedback_sessions")
