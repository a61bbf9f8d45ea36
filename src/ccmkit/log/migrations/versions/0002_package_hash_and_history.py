"""Package SHA-256, removals recorded (not erased), and the history of every change.

Existing records get an 'add' change carrying their original recorder and time.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("log_entry") as batch:
        batch.add_column(sa.Column("package_sha256", sa.String(64), nullable=True))
        batch.add_column(sa.Column("removed_by", sa.String(200), nullable=True))
        batch.add_column(sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "log_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(10), nullable=False),
        sa.Column("changed_by", sa.String(200), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["entry_id"], ["log_entry.id"],
                                name=op.f("fk_log_change_entry_id_log_entry")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_log_change")),
    )
    op.create_index(op.f("ix_log_change_entry_id"), "log_change", ["entry_id"])
    op.execute(
        "INSERT INTO log_change (entry_id, action, changed_by, changed_at, detail) "
        "SELECT id, 'add', recorded_by, recorded_at, NULL FROM log_entry ORDER BY id"
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_log_change_entry_id"), table_name="log_change")
    op.drop_table("log_change")
    with op.batch_alter_table("log_entry") as batch:
        batch.drop_column("removed_at")
        batch.drop_column("removed_by")
        batch.drop_column("package_sha256")
