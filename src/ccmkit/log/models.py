"""The database's tables: the follow-up log (one row per outreach record, one per change made
to it), the web's users, and the generation jobs (ccmkit.jobs.store)."""

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

from ccmkit.vocab import CHANNELS, JOB_STATES, ROLES, STAGES

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


class CalendarToken(Base):
    """A user's secret calendar link (only its SHA-256 is kept); deleting the row revokes it."""

    __tablename__ = "calendar_token"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_name: Mapped[str] = mapped_column(String(64), unique=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class StateSetting(Base):
    """A State's own settings (ccmkit.log.settings): a profile mapping kept as JSON, checked
    with the profile schema when saved; who changed it last and when."""

    __tablename__ = "state_setting"

    iso3: Mapped[str] = mapped_column(String(3), primary_key=True)
    profile: Mapped[str] = mapped_column(Text)
    updated_by: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class StateSettingChange(Base):
    """One change of a State's settings: who, when, and each field's old and new value (JSON)."""

    __tablename__ = "state_setting_change"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    iso3: Mapped[str] = mapped_column(String(3), index=True)
    changed_by: Mapped[str] = mapped_column(String(200))
    changed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    detail: Mapped[str] = mapped_column(Text)


class JobRecord(Base):
    """One generation job (a package, a workshop, an internal document): who asked, its
    state and progress, its results (JSON) and times; ``instance`` is the server process
    running it (a random id, so a restart that reuses a PID is still seen)."""

    __tablename__ = "job"
    __table_args__ = (CheckConstraint(one_of("state", JOB_STATES), name="state"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    owner: Mapped[int] = mapped_column(Integer, index=True)
    kind: Mapped[str] = mapped_column(String(20))
    label: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(12), index=True)
    total: Mapped[int] = mapped_column(Integer)
    done: Mapped[int] = mapped_column(Integer)
    failed: Mapped[int] = mapped_column(Integer)
    results: Mapped[str] = mapped_column(Text)
    error: Mapped[str] = mapped_column(Text)
    instance: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    started_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


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
