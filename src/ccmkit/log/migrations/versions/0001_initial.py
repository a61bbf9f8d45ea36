"""Initial schema: one table of outreach records.

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

# Frozen copies of the vocabularies as they were at this revision (a later change of
# ccmkit.vocab.STAGES or CHANNELS comes with its own revision; a test compares them).
STAGES = ("contacted", "meeting-held", "next-step-agreed")
CHANNELS = ("geneva", "capital", "regional", "other")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def upgrade() -> None:
    op.create_table(
        "log_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(3), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("stage", sa.String(20), nullable=False),
        sa.Column("channel", sa.String(10), nullable=True),
        sa.Column("lead", sa.Text(), nullable=True),
        sa.Column("with_whom", sa.Text(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("next_step", sa.Text(), nullable=True),
        sa.Column("due", sa.Date(), nullable=True),
        sa.Column("package", sa.Text(), nullable=True),
        sa.Column("recorded_by", sa.String(200), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_log_entry")),
        sa.CheckConstraint(_in("stage", STAGES), name=op.f("ck_log_entry_stage")),
        sa.CheckConstraint(_in("channel", CHANNELS), name=op.f("ck_log_entry_channel")),
    )
    op.create_index(op.f("ix_log_entry_state"), "log_entry", ["state"])


def downgrade() -> None:
    op.drop_index(op.f("ix_log_entry_state"), table_name="log_entry")
    op.drop_table("log_entry")
