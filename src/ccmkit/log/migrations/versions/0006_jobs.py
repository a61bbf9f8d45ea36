"""Generation jobs of the web workbench (ccmkit.jobs.store): owner, kind, state, progress,
results, times, and the server instance running each.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-10
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

# Frozen copy of ccmkit.vocab.JOB_STATES at this revision.
STATES = ("queued", "running", "done", "failed", "cancelled", "interrupted")


def upgrade() -> None:
    op.create_table(
        "job",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("owner", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("label", sa.String(64), nullable=False),
        sa.Column("state", sa.String(12), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("failed", sa.Integer(), nullable=False),
        sa.Column("results", sa.Text(), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("instance", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("state IN ({})".format(", ".join(repr(s) for s in STATES)),
                           name=op.f("ck_job_state")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job")),
    )
    op.create_index(op.f("ix_job_owner"), "job", ["owner"])
    op.create_index(op.f("ix_job_state"), "job", ["state"])


def downgrade() -> None:
    op.drop_index(op.f("ix_job_state"), table_name="job")
    op.drop_index(op.f("ix_job_owner"), table_name="job")
    op.drop_table("job")
