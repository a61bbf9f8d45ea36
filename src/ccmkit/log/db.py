"""Where the follow-up log lives and how ccmkit connects to it.

The URL decides the backend: ``--db URL``, else ``$CCMKIT_DB``, else a SQLite file in the user's
data folder. SQLite runs in WAL mode with a busy timeout and takes the write lock when a write
transaction begins (``BEGIN IMMEDIATE``), so two writers queue instead of failing; PostgreSQL is
reached through psycopg 3.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from platformdirs import user_data_dir
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.pool import NullPool

from ccmkit.errors import CcmkitError

DB_ENV = "CCMKIT_DB"
DEFAULT_FILE = "log.sqlite3"
BUSY_TIMEOUT_S = 30
WRITE = "ccmkit_write"  # execution option: this transaction writes (SQLite: BEGIN IMMEDIATE)


def default_path() -> Path:
    """The SQLite file used when no URL is given."""
    return Path(user_data_dir("ccmkit", appauthor=False)) / DEFAULT_FILE


def resolve_url(given: str | None = None) -> str:
    """The log's SQLAlchemy URL: ``given`` (``--db``), ``$CCMKIT_DB``, or the default file.

    A value without ``://`` is a SQLite file path; ``postgresql://`` and ``postgres://`` use
    psycopg 3.
    """
    raw = (given or os.environ.get(DB_ENV) or "").strip()
    if not raw:
        return f"sqlite:///{default_path()}"
    if "://" not in raw:
        return f"sqlite:///{Path(raw).expanduser().absolute()}"
    for prefix in ("postgresql://", "postgres://"):
        if raw.startswith(prefix):
            return "postgresql+psycopg://" + raw[len(prefix):]
    return raw


def describe(url: str) -> str:
    """The URL without its password, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


def make_engine(url: str) -> Engine:
    """An engine for ``url``; the SQLite file's folder is created on first use."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise CcmkitError(f"--db/{DB_ENV}: {url!r} is not a database URL; use a file path, "
                          "sqlite:///PATH or postgresql://USER@HOST/DB") from None
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return _sqlite_engine(parsed.database or "", url)
    if backend == "postgresql":
        if parsed.get_driver_name() != "psycopg":
            parsed = parsed.set(drivername="postgresql+psycopg")
        return create_engine(parsed, pool_pre_ping=True, pool_size=2,
                             connect_args={"connect_timeout": 10,
                                           "application_name": "ccmkit"})
    raise CcmkitError(f"--db/{DB_ENV}: backend {backend!r} is not supported; use SQLite "
                      "(a file path) or PostgreSQL (postgresql://USER@HOST/DB)")


def _create_private(path: Path) -> None:
    """A new log file is readable by its owner only (0600: it holds the web users' password
    hashes); SQLite gives its -wal and -shm files the same mode. An existing file is kept."""
    with suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600))


def _sqlite_engine(database: str, url: str) -> Engine:
    if not database or database == ":memory:" or "mode=memory" in url:
        raise CcmkitError(f"--db/{DB_ENV}: {describe(url)!r} is an in-memory database, empty "
                          "and gone when the command ends; give a file path")
    if database:
        path = Path(database).expanduser()
        try:
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError as exc:
            raise CcmkitError(f"cannot create the folder of the log {database}: "
                              f"{exc.strerror}; choose another --db") from None
        try:
            _create_private(path)
        except OSError as exc:
            raise CcmkitError(f"cannot create the log {database}: {exc.strerror}; choose "
                              "another --db") from None
    engine = create_engine(url, poolclass=NullPool,
                           connect_args={"timeout": BUSY_TIMEOUT_S})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # We emit BEGIN ourselves (below), so the driver must not.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_S * 1000}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        writes = connection.get_execution_options().get(WRITE, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")

    return engine


@contextmanager
def writing(engine: Engine) -> Iterator[Connection]:
    """One write transaction: committed at the end, rolled back on any error."""
    with engine.execution_options(**{WRITE: True}).begin() as connection:
        yield connection
