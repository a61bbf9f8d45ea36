"""Executors: the inline one, and the warm worker pool (fair between owners, a dead worker
fails its own task only, tracebacks in the log with the job id, cancel)."""

from __future__ import annotations

import logging
import os
import signal
import time
from collections.abc import Iterator
from concurrent.futures import CancelledError, wait

import pytest

from ccmkit.documents.options import Options
from ccmkit.jobs.plan import plan
from ccmkit.jobs.run import (
    InlineExecutor,
    Settings,
    TaskError,
    WorkerDied,
    WorkerPool,
    run_all,
)
from tests.conftest import GENERATED
from tests.jobs import tasks

pytestmark = pytest.mark.e2e  # real files, processes or HTTP: the outer loop


@pytest.fixture
def pool() -> Iterator[WorkerPool]:
    pool = WorkerPool(2)
    yield pool
    pool.shutdown()


def _started(caplog: pytest.LogCaptureFixture, job: str, timeout: float = 60) -> int:
    """The pid of the worker that started ``job``'s task, from the parent's log."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for record in caplog.records:
            if getattr(record, "job", "") == job and "started in worker pid" in record.message:
                return int(record.message.rsplit(" ", 1)[1])
        time.sleep(0.05)
    raise AssertionError(f"{job} never started")


def test_inline_executor_generates_a_state_package(registry, tmp_path) -> None:
    selection = [("KEN", {}), ("Atlantis", {})]
    planned = plan(registry, selection, languages=("en",), kinds=("instrument",),
                   formats=("docx",), options=Options(generated=GENERATED))
    results = {r.code: r for r in run_all(planned, Settings(tmp_path, zip=True),
                                          InlineExecutor())}
    assert results["KEN"].ok and results["KEN"].files == ("KEN/en/instrument.docx",)
    assert not results["Atlantis"].ok and "unknown State" in results["Atlantis"].message
    assert (tmp_path / "KEN/en/instrument.docx").is_file() and (tmp_path / "KEN.zip").is_file()


def test_a_bug_keeps_its_traceback_in_the_log_with_the_job_id(caplog) -> None:
    caplog.set_level(logging.INFO, logger="ccmkit")
    future = InlineExecutor().submit(tasks.boom, job="job-inline")
    with pytest.raises(TaskError, match="KeyError"):
        future.result()
    failed = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert failed and failed[0].job == "job-inline" and failed[0].exc_info


def test_pool_worker_records_reach_the_parent_with_job_id_and_traceback(pool, caplog) -> None:
    caplog.set_level(logging.INFO, logger="ccmkit")
    future = pool.submit(tasks.boom, owner="alice", job="job-in-worker")
    with pytest.raises(TaskError, match=r"internal error .*KeyError"):
        future.result(timeout=60)
    records = [r for r in caplog.records if getattr(r, "job", "") == "job-in-worker"]
    assert any(r.message == "about to fail" for r in records)
    failure = next(r for r in records if r.levelno == logging.ERROR)
    assert "Traceback" in failure.message and "KeyError: 'missing'" in failure.message
    assert failure.process != os.getpid()  # logged in the worker, handled here


def test_pool_shares_work_fairly_between_owners() -> None:
    pool = WorkerPool(1)
    try:
        finished: list[str] = []
        futures = [pool.submit(tasks.pause, 0.3, f"a{i}", owner="alice") for i in range(5)]
        futures.append(pool.submit(tasks.pause, 0.01, "b", owner="bob"))
        for future in futures:
            future.add_done_callback(lambda f: finished.append(f.result()))
        wait(futures, timeout=120)
        assert finished.index("b") <= 2, finished  # not behind alice's five
    finally:
        pool.shutdown()


def test_a_killed_worker_fails_its_own_task_only_and_is_replaced(pool, caplog) -> None:
    caplog.set_level(logging.INFO, logger="ccmkit")
    doomed = pool.submit(tasks.pause, 30, "never", owner="alice", job="alice-job")
    victim = _started(caplog, "alice-job")
    other = pool.submit(tasks.pause, 2, "bob's", owner="bob", job="bob-job")
    _started(caplog, "bob-job")
    queued = [pool.submit(tasks.pause, 0.1, f"later{i}", owner="alice") for i in range(3)]
    os.kill(victim, signal.SIGKILL)
    with pytest.raises(WorkerDied, match="SIGKILL"):
        doomed.result(timeout=60)
    assert other.result(timeout=60) == "bob's"
    assert [f.result(timeout=60) for f in queued] == ["later0", "later1", "later2"]
    assert pool.submit(tasks.my_pid).result(timeout=60) != victim
    assert len(pool.pids()) == 2 and victim not in pool.pids()
    assert any("died" in r.message and r.job == "alice-job" for r in caplog.records)


def test_cancel_drops_the_jobs_waiting_tasks(pool) -> None:
    running = [pool.submit(tasks.pause, 1, f"r{i}", job="x") for i in range(2)]
    waiting = [pool.submit(tasks.pause, 0.1, f"w{i}", job="x") for i in range(3)]
    other = pool.submit(tasks.pause, 0.1, "y", job="y")
    time.sleep(0.5)
    assert pool.cancel("x") == 3
    assert other.result(timeout=60) == "y"
    assert [f.result(timeout=60) for f in running] == ["r0", "r1"]
    for future in waiting:
        with pytest.raises(CancelledError):
            future.result(timeout=1)


def test_shutdown_leaves_no_worker(pool) -> None:
    assert pool.submit(tasks.my_pid).result(timeout=60)
    pids = pool.pids()
    assert len(pids) == 2
    pool.shutdown()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(os.path.exists(f"/proc/{p}") for p in pids):
        time.sleep(0.1)
    assert not any(os.path.exists(f"/proc/{p}") for p in pids)
