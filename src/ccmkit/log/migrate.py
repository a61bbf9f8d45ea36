"""Schema migrations with Alembic, run programmatically on first use and after an upgrade."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import Connection, Engine

from ccmkit.errors import CcmkitError
from ccmkit.log.db import describe, writing

VERSION_TABLE = "ccmkit_log_version"
PG_LOCK_KEY = 0x63636D6C  # 'ccml': one migrator at a time on a shared PostgreSQL database


def config() -> Config:
    """Alembic's configuration, pointing at the migrations shipped in this package."""
    cfg = Config()
    cfg.set_main_option("script_location", "ccmkit.log:migrations")
    return cfg


def head() -> str:
    """The newest schema revision this ccmkit knows."""
    found = ScriptDirectory.from_config(config()).get_current_head()
    assert found is not None
    return found


def current(connection: Connection) -> str | None:
    """The database's schema revision (None for an empty database)."""
    context = MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE})
    return context.get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision``, once, even with several processes starting together."""
    target = head() if revision == "head" else revision
    with engine.connect() as connection:
        if current(connection) == target:
            return
    with writing(engine) as connection:  # SQLite: BEGIN IMMEDIATE holds the write lock
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({PG_LOCK_KEY})")
        found = current(connection)
        if found == target:
            return
        cfg = config()
        if found is not None:
            try:
                ScriptDirectory.from_config(cfg).get_revision(found)
            except CommandError:
                raise CcmkitError(
                    f"the log at {describe(str(engine.url))} has schema revision {found!r}, "
                    "newer than this ccmkit knows; upgrade ccmkit"
                ) from None
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, target)
