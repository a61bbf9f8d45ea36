"""Log tests run against SQLite and PostgreSQL: each test gets a fresh, empty database."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from ccmkit.cli import cli

PG_ENV = "CCMKIT_TEST_PG_URL"
BACKENDS = ("sqlite", "postgresql")


def pg_admin_url() -> str:
    """The PostgreSQL server for the tests (skipped locally when unset; CI must set it)."""
    url = os.environ.get(PG_ENV)
    if not url:
        if os.environ.get("CI"):
            pytest.fail(f"{PG_ENV} is not set in CI: .ci/run starts the cluster")
        pytest.skip(f"PostgreSQL tests need {PG_ENV}; start a throw-away server with "
                    "eval \"$(scripts/pg.sh start)\"")
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


@contextmanager
def fresh_database(backend: str, folder: Path, template: str | None = None) -> Iterator[str]:
    """A URL to a new database of ``backend``: empty, or a copy of the database at ``template``
    (a file copy for SQLite, ``CREATE DATABASE ... TEMPLATE`` for PostgreSQL)."""
    if backend == "sqlite":
        path = folder / "log.sqlite3"
        if template is not None:
            shutil.copyfile(make_url(template).database or "", path)
        yield f"sqlite:///{path}"
        return
    admin = create_engine(pg_admin_url(), isolation_level="AUTOCOMMIT")
    name = f"ccmkit_log_{uuid.uuid4().hex[:12]}"
    copy = f' TEMPLATE "{make_url(template).database}"' if template is not None else ""
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"{copy}'))
    try:
        yield make_url(pg_admin_url()).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def backend_of(url: str) -> str:
    """The backend of a test database URL: "sqlite" or "postgresql"."""
    return "sqlite" if url.startswith("sqlite") else "postgresql"


@pytest.fixture(params=BACKENDS)
def db_url(request, tmp_path) -> Iterator[str]:
    """A URL to a fresh, empty database of each backend."""
    with fresh_database(request.param, tmp_path) as url:
        yield url


@pytest.fixture(autouse=True)
def _user(monkeypatch) -> None:
    monkeypatch.setenv("CCMKIT_USER", "tester")
    monkeypatch.delenv("CCMKIT_DB", raising=False)


def run_log(db: str, *args: str, input: str | bytes | None = None):
    """`ccmkit log --db DB ARGS...` in-process; stdout and stderr kept apart."""
    return CliRunner().invoke(cli, ["log", "--db", db, *args], input=input,
                              catch_exceptions=False)


def dump(db: str) -> list[tuple]:
    """Every row of the log's tables (and the schema revision), to prove "no change"."""
    engine = create_engine(db.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with engine.connect() as connection:
            tables = [t for t in ("ccmkit_log_version", "log_entry", "log_change")
                      if engine.dialect.has_table(connection, t)]
            return [(t, *row) for t in tables
                    for row in connection.execute(text(f"SELECT * FROM {t} ORDER BY 1"))]
    finally:
        engine.dispose()


def assert_one_error(result, *fragments: str) -> None:
    """Non-zero exit, exactly one line, starting with `Error:`, naming the fragments."""
    assert result.exit_code != 0, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.output
    assert "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
