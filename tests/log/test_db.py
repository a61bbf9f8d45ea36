"""Where the log lives and how the backends are set up."""

from __future__ import annotations

import threading
import time
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text

from ccmkit.errors import CcmkitError
from ccmkit.log import db
from ccmkit.log.store import Fields, Log
from tests.log.conftest import run_log


def test_url_precedence_option_then_env_then_user_data_dir(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert db.resolve_url() == f"sqlite:///{tmp_path / 'xdg' / 'ccmkit' / 'log.sqlite3'}"
    monkeypatch.setenv("CCMKIT_DB", "postgres://isu@db.example/ccm")
    assert db.resolve_url() == "postgresql+psycopg://isu@db.example/ccm"
    assert db.resolve_url(str(tmp_path / "mine.db")) == f"sqlite:///{tmp_path / 'mine.db'}"
    assert db.resolve_url("sqlite:///x.db") == "sqlite:///x.db"


def test_default_log_is_created_in_the_user_data_dir(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    from click.testing import CliRunner

    from ccmkit.cli import cli

    result = CliRunner().invoke(cli, ["log", "add", "KEN", "--stage", "contacted"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "xdg" / "ccmkit" / "log.sqlite3").is_file()


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(tmp_path) -> None:
    log = Log(str(tmp_path / "log.sqlite3"))
    with log.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar_one() == "wal"
        assert connection.execute(text("PRAGMA busy_timeout")).scalar_one() == 30000
        assert connection.execute(text("PRAGMA foreign_keys")).scalar_one() == 1
    log.close()


def test_a_writer_waits_for_another_instead_of_failing(tmp_path) -> None:
    """While one transaction holds the write lock for 1 s, a second writer queues."""
    url = str(tmp_path / "log.sqlite3")
    first, second = Log(url), Log(url)
    holding = threading.Event()

    def hold() -> None:
        with first._write() as session:
            session.execute(text("UPDATE log_entry SET note = note"))
            holding.set()
            time.sleep(1.0)

    thread = threading.Thread(target=hold)
    thread.start()
    holding.wait(10)
    started = time.monotonic()
    record = second.add(Fields(state="KEN", date=date(2026, 1, 1), stage="contacted"))
    waited = time.monotonic() - started
    thread.join()
    assert record.id == 1 and waited > 0.5
    first.close()
    second.close()


def test_unsupported_url() -> None:
    with pytest.raises(CcmkitError, match="not supported"):
        db.make_engine("mysql://x@y/z")


def test_log_help_names_the_environment_variable(tmp_path: Path) -> None:
    result = run_log(str(tmp_path / "x.db"), "--help")
    assert "CCMKIT_DB" in result.output
