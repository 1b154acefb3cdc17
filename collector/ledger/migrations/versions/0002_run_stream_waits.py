"""run streams record the seconds they waited (backoffs and rate limits)

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("run_streams") as batch:
        batch.add_column(
            sa.Column("waited_s", sa.Float(), nullable=False, server_default="0")
        )


def downgrade() -> None:
    with op.batch_alter_table("run_streams") as batch:
        batch.drop_column("waited_s")
