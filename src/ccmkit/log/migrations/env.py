"""Alembic environment: runs on the connection ccmkit hands over (see ccmkit.log.migrate)."""

from __future__ import annotations

from alembic import context

from ccmkit.log.migrate import VERSION_TABLE
from ccmkit.log.models import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("ccmkit's migrations run through ccmkit.log.migrate, not the alembic CLI")
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    version_table=VERSION_TABLE,
    render_as_batch=True,
)
with context.begin_transaction():
    context.run_migrations()
