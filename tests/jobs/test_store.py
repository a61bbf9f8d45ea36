"""Job state in the database: an atomic per-user quota, interrupted jobs of a stopped server,
cancel, cleanup; on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from datetime import timedelta
from pathlib import Path

import pytest

from ccmkit.jobs.store import JobStore, QuotaExceeded
from ccmkit.log.store import Log
from tests.log.conftest import db_url  # noqa: F401  (the SQLite and PostgreSQL fixture)


@pytest.fixture
def stores(db_url, tmp_path: Path):  # noqa: F811
    log = Log(db_url)  # creates the tables (migrations)
    made: list[JobStore] = []

    def make() -> JobStore:
        made.append(JobStore(log.engine, tmp_path / "jobs"))
        return made[-1]

    yield make
    for store in made:
        store.close()
    log.close()


def test_eight_parallel_starts_give_three_jobs(stores) -> None:
    store = stores()
    barrier = threading.Barrier(8)
    started, refused = [], []

    def start() -> None:
        barrier.wait()
        try:
            started.append(store.create(7, "workshop", "EAC", 5, 3))
        except QuotaExceeded as exc:
            refused.append(str(exc))

    threads = [threading.Thread(target=start) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(started) == 3 and len(refused) == 5
    assert "you already have 3 generations running" in refused[0]
    assert store.active_count(7) == 3
    assert store.create(8, "package", "KEN", 1, 3)  # another user is not affected


def test_progress_results_and_the_end_of_a_job(stores) -> None:
    store = stores()
    job_id = store.create(1, "package", "KEN", 1, 3, {"results": [], "zip": ""})
    store.start(job_id)
    assert store.change(job_id, done=1, append_results=[{"code": "KEN", "ok": True}])
    assert store.change(job_id, zip="KEN.zip")
    job = store.get(job_id)
    assert (job.state, job.done, job.results["zip"]) == ("running", 1, "KEN.zip")
    assert job.as_dict()["results"] == [{"code": "KEN", "ok": True}]
    assert store.finish(job_id, "done") and not store.finish(job_id, "failed")
    assert not store.change(job_id, done=1)  # an ended job no longer changes
    assert store.get(job_id).state == "done" and store.get(job_id).finished_at


def test_cancel_is_for_the_owner_and_frees_the_quota(stores) -> None:
    store = stores()
    ids = [store.create(1, "package", "KEN", 1, 3) for _ in range(3)]
    with pytest.raises(QuotaExceeded):
        store.create(1, "package", "KEN", 1, 3)
    assert not store.cancel(ids[0], owner=2)
    assert store.cancel(ids[0], owner=1) and store.get(ids[0]).state == "cancelled"
    assert store.create(1, "package", "KEN", 1, 3)


def test_jobs_of_a_stopped_server_are_interrupted_and_free_the_quota(stores) -> None:
    first = stores()
    ids = [first.create(1, "workshop", "AU", 40, 3) for _ in range(3)]
    second = stores()  # another server process, alive: its jobs are not touched
    other = second.create(2, "package", "KEN", 1, 3)
    assert first.sweep() == 0 and second.sweep() == 0
    first.close()  # the first server is gone (as after SIGKILL: the kernel drops its lock)
    restarted = stores()
    assert restarted.sweep() == 3
    assert {restarted.get(i).state for i in ids} == {"interrupted"}
    assert restarted.get(other).state == "queued"
    assert restarted.create(1, "package", "KEN", 1, 3)


def test_cleanup_is_a_delete_with_the_files(stores, tmp_path: Path) -> None:
    store = stores()
    old = store.create(1, "package", "KEN", 1, 3)
    running = store.create(1, "package", "HTI", 1, 3)
    store.finish(old, "done")
    (tmp_path / "jobs" / old / "out").mkdir(parents=True)
    assert store.clean(timedelta(days=1)) == []
    assert store.clean(timedelta(seconds=-1)) == [old]
    assert store.get(old) is None and not (tmp_path / "jobs" / old).exists()
    assert store.get(running) is not None
