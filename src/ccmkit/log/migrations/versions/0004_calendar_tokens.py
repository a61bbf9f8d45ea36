"""Secret calendar links of the web users (the next steps as an iCalendar feed).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "calendar_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_name", sa.String(64), nullable=False),
        sa.Column("token_sha256", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_token")),
        sa.UniqueConstraint("user_name", name=op.f("uq_calendar_token_user_name")),
        sa.UniqueConstraint("token_sha256", name=op.f("uq_calendar_token_token_sha256")),
    )


def downgrade() -> None:
    op.drop_table("calendar_token")
