"""Several processes at once, and a writer killed with SIGKILL, on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from ccmkit.log.store import Fields, Log

pytestmark = pytest.mark.e2e  # real files, processes or HTTP: the outer loop

ROOT = Path(__file__).resolve().parents[2]


def writer(url: str, *args: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join((str(ROOT / "src"), str(ROOT)))}
    return subprocess.Popen([sys.executable, "-m", "tests.log.writer", url, *args], cwd=ROOT,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def counts(url: str) -> tuple[int, int, int]:
    """(records, their 'add' changes, changes without a record)."""
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.connect() as connection:
        entries = connection.execute(text("SELECT count(*) FROM log_entry")).scalar_one()
        adds = connection.execute(text(
            "SELECT count(*) FROM log_change WHERE action = 'add'")).scalar_one()
        orphans = connection.execute(text(
            "SELECT count(*) FROM log_change c LEFT JOIN log_entry e ON e.id = c.entry_id "
            "WHERE e.id IS NULL")).scalar_one()
    engine.dispose()
    return entries, adds, orphans


def test_two_processes_adding_200_records_each_lose_none(db_url, tmp_path) -> None:
    go = tmp_path / "go"
    procs = [writer(db_url, "add", "200", tag, str(go)) for tag in ("alice", "bob")]
    time.sleep(1.0)  # both are up and waiting: they open the fresh database together
    go.touch()
    outputs = [p.communicate(timeout=300) for p in procs]
    for proc, (out, err) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, err
        assert len(out.split()) == 200
    ids = [int(i) for out, _ in outputs for i in out.split()]
    assert len(set(ids)) == 400
    log = Log(db_url)
    records = log.records()
    log.close()
    assert sorted(r.id for r in records) == sorted(ids)
    assert {r.note for r in records} == {f"{t}-{i}" for t in ("alice", "bob") for i in range(200)}
    assert {r.recorded_by for r in records} == {"alice", "bob"}
    assert counts(db_url) == (400, 400, 0)


def test_writer_killed_mid_transaction_leaves_the_log_as_it_was(db_url) -> None:
    log = Log(db_url)
    log.add(Fields(state="KEN", date=date(2026, 1, 1), stage="contacted", note="before"))
    proc = writer(db_url, "hold")
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert line == "ready\n", proc.stderr.read() if proc.stderr else ""
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    # The lock died with the writer: the next write succeeds at once, the log is as before.
    started = time.monotonic()
    after = log.add(Fields(state="HTI", date=date(2026, 1, 2),
                           stage="contacted", note="after"))
    assert time.monotonic() - started < 10
    assert [r.note for r in log.records()] == ["before", "after"]
    assert after.id >= 2
    log.close()
    assert counts(db_url) == (2, 2, 0)
    if db_url.startswith("sqlite"):
        engine = create_engine(db_url)
        with engine.connect() as connection:
            assert connection.execute(text("PRAGMA integrity_check")).scalar_one() == "ok"
        engine.dispose()


def test_writer_killed_between_commits_keeps_every_committed_record(db_url) -> None:
    Log(db_url).close()  # migrated beforehand
    proc = writer(db_url, "add", "100000", "busy")
    assert proc.stdout is not None
    committed = [int(proc.stdout.readline()) for _ in range(60)]
    proc.send_signal(signal.SIGKILL)
    rest = proc.stdout.read()
    proc.wait(timeout=30)
    committed += [int(i) for i in rest.split()]
    entries, adds, orphans = counts(db_url)
    assert entries == adds and orphans == 0
    log = Log(db_url)
    assert set(committed) <= {r.id for r in log.records()}
    assert len(log.records()) in (len(committed), len(committed) + 1)  # +1: killed after the
    log.close()                                                         # commit, before print
