"""Per-State settings (addressee, signing authority, languages, overrides…) and their history.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "state_setting",
        sa.Column("iso3", sa.String(3), nullable=False),
        sa.Column("profile", sa.Text(), nullable=False),
        sa.Column("updated_by", sa.String(200), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("iso3", name=op.f("pk_state_setting")),
    )
    op.create_table(
        "state_setting_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("iso3", sa.String(3), nullable=False),
        sa.Column("changed_by", sa.String(200), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_state_setting_change")),
    )
    op.create_index(op.f("ix_state_setting_change_iso3"), "state_setting_change", ["iso3"])


def downgrade() -> None:
    op.drop_index(op.f("ix_state_setting_change_iso3"), table_name="state_setting_change")
    op.drop_table("state_setting_change")
    op.drop_table("state_setting")
