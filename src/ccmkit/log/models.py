"""The follow-up log's tables: one row per outreach record, one per change made to it."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from ccmkit.vocab import CHANNELS, ROLES, STAGES

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def one_of(column: str, values: tuple[str, ...]) -> str:
    """SQL for a CHECK that ``column`` holds one of ``values`` (or NULL)."""
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Entry(Base):
    """One outreach record: a State, a date, the stage reached and what was agreed."""

    __tablename__ = "log_entry"
    __table_args__ = (
        CheckConstraint(one_of("stage", STAGES), name="stage"),
        CheckConstraint(one_of("channel", CHANNELS), name="channel"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    state: Mapped[str] = mapped_column(String(3), index=True)
    date: Mapped[dt.date] = mapped_column(Date)
    stage: Mapped[str] = mapped_column(String(20))
    channel: Mapped[str | None] = mapped_column(String(10))
    lead: Mapped[str | None] = mapped_column(Text)
    with_whom: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    next_step: Mapped[str | None] = mapped_column(Text)
    due: Mapped[dt.date | None] = mapped_column(Date)
    package: Mapped[str | None] = mapped_column(Text)
    package_sha256: Mapped[str | None] = mapped_column(String(64))
    recorded_by: Mapped[str] = mapped_column(String(200))
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    removed_by: Mapped[str | None] = mapped_column(String(200))
    removed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))

    changes: Mapped[list[Change]] = relationship(back_populates="entry",
                                                 order_by="Change.id")


class Change(Base):
    """Who added, imported, edited or removed a record, when, and what changed (JSON)."""

    __tablename__ = "log_change"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("log_entry.id"), index=True)
    action: Mapped[str] = mapped_column(String(10))
    changed_by: Mapped[str] = mapped_column(String(200))
    changed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    detail: Mapped[str | None] = mapped_column(Text)

    entry: Mapped[Entry] = relationship(back_populates="changes")


class WebUser(Base):
    """Who may sign in to the web workbench: name, role, argon2 password hash (ccmkit.web).

    Ids are never reused (SQLite AUTOINCREMENT; a PostgreSQL sequence never goes back), so a
    user created later never owns what a removed user left (jobs are owned by the id).
    """

    __tablename__ = "web_user"
    __table_args__ = (CheckConstraint(one_of("role", ROLES), name="role"),
                      {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class WebSession(Base):
    """A signed-in browser: the SHA-256 of its random session id (kept in the cookie), its user,
    when it signed in and when it was last seen. Signing out deletes the row."""

    __tablename__ = "web_session"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("web_user.id", ondelete="CASCADE"),
                                         index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    seen_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class Import(Base):
    """A file imported into the log: its SHA-256, name, how many records, by whom and when
    (the same file imported again is recognised)."""

    __tablename__ = "log_import"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    source: Mapped[str] = mapped_column(Text)
    records: Mapped[int] = mapped_column(Integer)
    imported_by: Mapped[str] = mapped_column(String(200))
    imported_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
