"""Job state in the database beside the follow-up log (table ``job``).

Any server process can show any job's progress and serve its files; the per-user quota is
checked and the job created in one write transaction (SQLite ``BEGIN IMMEDIATE``, PostgreSQL
an advisory lock per owner), so parallel requests cannot pass it together; cleanup is a
DELETE. Each server process is an *instance* with a random id that holds a lock file while it
lives: jobs left queued or running by an instance that is gone (a crash, SIGKILL, a restart
reusing the PID) are marked interrupted, and stop counting against the quota.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import secrets
import shutil
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Engine, Row, Table, delete, func, insert, select, update

from ccmkit.errors import CcmkitError
from ccmkit.log.db import writing
from ccmkit.log.models import JobRecord
from ccmkit.vocab import ACTIVE_JOB_STATES

PG_LOCK_KEY = 0x63636A62  # 'ccjb': the quota check of one owner at a time
INSTANCES = ".instances"
KEEP = timedelta(days=1)
TABLE = cast(Table, JobRecord.__table__)


class QuotaExceeded(CcmkitError):
    """The owner already has as many active jobs as allowed."""


@dataclass
class Job:
    """A job as the pages show it."""

    id: str
    owner: int
    kind: str
    label: str
    state: str
    total: int
    done: int
    failed: int
    results: dict[str, Any] = field(default_factory=dict)
    error: str = ""
    created_at: datetime | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None

    @property
    def active(self) -> bool:
        return self.state in ACTIVE_JOB_STATES

    def as_dict(self) -> dict[str, Any]:
        """The job's fields and its results' keys side by side (``results`` holds the list
        of States' results), as the templates read them."""
        extra = dict(self.results)
        return {"id": self.id, "owner": self.owner, "kind": self.kind, "label": self.label,
                "state": self.state, "total": self.total, "done": self.done,
                "failed": self.failed, "error": self.error, "results": [], "zip": "",
                **extra}


def _now() -> datetime:
    return datetime.now(UTC)


def _job(row: Row[Any]) -> Job:
    return Job(row.id, row.owner, row.kind, row.label, row.state, row.total, row.done,
               row.failed, json.loads(row.results or "{}"), row.error, row.created_at,
               row.started_at, row.finished_at)


class JobStore:
    """The ``job`` table, used by one server process (one instance)."""

    def __init__(self, engine: Engine, root: Path) -> None:
        self.engine = engine
        self.root = root
        self.instance = secrets.token_hex(16)
        self._lock_fd = self._hold_instance_lock()

    # ------------------------------------------------------------ instances

    def _hold_instance_lock(self) -> int:
        folder = self.root / INSTANCES
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(folder / f"{self.instance}.lock",
                     os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return fd

    def _alive(self, instance: str) -> bool:
        """Whether the server instance still holds its lock (the kernel frees it at exit)."""
        if instance == self.instance:
            return True
        if not all(c in "0123456789abcdef" for c in instance):
            return False
        path = self.root / INSTANCES / f"{instance}.lock"
        try:
            fd = os.open(path, os.O_RDWR | os.O_NOFOLLOW | os.O_CLOEXEC)
        except OSError:
            return False
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return True
        finally:
            os.close(fd)
        with contextlib.suppress(OSError):
            path.unlink()
        return False

    def sweep(self) -> int:
        """Mark interrupted the active jobs of instances that are gone; how many."""
        with self.engine.connect() as connection:
            instances = connection.scalars(select(JobRecord.instance).distinct().where(
                JobRecord.state.in_(ACTIVE_JOB_STATES))).all()
        gone = [i for i in instances if not self._alive(i)]
        if not gone:
            return 0
        with writing(self.engine) as connection:
            result = connection.execute(
                update(JobRecord).where(JobRecord.instance.in_(gone),
                                        JobRecord.state.in_(ACTIVE_JOB_STATES))
                .values(state="interrupted", finished_at=_now()))
        return int(result.rowcount or 0)

    def close(self) -> None:
        """Give up this instance's lock (its unfinished jobs then count as interrupted)."""
        if self._lock_fd >= 0:
            os.close(self._lock_fd)
            self._lock_fd = -1

    # ------------------------------------------------------------ jobs

    def create(self, owner: int, kind: str, label: str, total: int, limit: int,
               results: dict[str, Any] | None = None) -> str:
        """A new queued job, unless ``owner`` already has ``limit`` active ones
        (QuotaExceeded); the check and the insert are one transaction."""
        self.sweep()
        job_id = secrets.token_urlsafe(18)
        with writing(self.engine) as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(select(func.pg_advisory_xact_lock(PG_LOCK_KEY, owner)))
            active = connection.scalar(select(func.count()).select_from(JobRecord).where(
                JobRecord.owner == owner, JobRecord.state.in_(ACTIVE_JOB_STATES)))
            if (active or 0) >= limit:
                raise QuotaExceeded(f"you already have {limit} generations running; wait for "
                                    "one to finish or cancel one")
            connection.execute(insert(JobRecord).values(
                id=job_id, owner=owner, kind=kind, label=label, state="queued", total=total,
                done=0, failed=0, results=json.dumps(results or {}, ensure_ascii=False),
                error="", instance=self.instance, created_at=_now()))
        return job_id

    def get(self, job_id: str) -> Job | None:
        with self.engine.connect() as connection:
            row = connection.execute(select(TABLE).where(JobRecord.id == job_id)).first()
        return _job(row) if row else None

    def active_count(self, owner: int) -> int:
        with self.engine.connect() as connection:
            return int(connection.scalar(select(func.count()).select_from(JobRecord).where(
                JobRecord.owner == owner, JobRecord.state.in_(ACTIVE_JOB_STATES))) or 0)

    def start(self, job_id: str) -> None:
        """queued → running."""
        with writing(self.engine) as connection:
            connection.execute(update(JobRecord).where(
                JobRecord.id == job_id, JobRecord.state == "queued").values(
                state="running", started_at=_now()))

    def change(self, job_id: str, *, done: int = 0, failed: int = 0,
               **results: Any) -> bool:
        """Add to the progress and update keys of the results (a list value named
        ``append_<key>`` is appended to ``key``); False when the job is no longer active."""
        with writing(self.engine) as connection:
            query = select(TABLE).where(JobRecord.id == job_id)
            if connection.dialect.name == "postgresql":
                query = query.with_for_update()
            row = connection.execute(query).first()
            if row is None or row.state not in ACTIVE_JOB_STATES:
                return False
            merged = json.loads(row.results or "{}")
            for key, value in results.items():
                if key.startswith("append_"):
                    merged.setdefault(key.removeprefix("append_"), []).extend(value)
                else:
                    merged[key] = value
            connection.execute(update(JobRecord).where(JobRecord.id == job_id).values(
                done=JobRecord.done + done, failed=JobRecord.failed + failed,
                results=json.dumps(merged, ensure_ascii=False)))
        return True

    def finish(self, job_id: str, state: str, error: str = "") -> bool:
        """An active job → done, failed or cancelled; False if it had already ended."""
        with writing(self.engine) as connection:
            result = connection.execute(update(JobRecord).where(
                JobRecord.id == job_id, JobRecord.state.in_(ACTIVE_JOB_STATES)).values(
                state=state, error=error[:2000], finished_at=_now()))
        return bool(result.rowcount)

    def cancel(self, job_id: str, owner: int) -> bool:
        """The owner's active job → cancelled."""
        with writing(self.engine) as connection:
            result = connection.execute(update(JobRecord).where(
                JobRecord.id == job_id, JobRecord.owner == owner,
                JobRecord.state.in_(ACTIVE_JOB_STATES)).values(
                state="cancelled", finished_at=_now()))
        return bool(result.rowcount)

    def clean(self, older_than: timedelta = KEEP) -> list[str]:
        """Delete the finished jobs created more than ``older_than`` ago, and their folders."""
        limit = _now() - older_than
        with writing(self.engine) as connection:
            old = JobRecord.created_at < limit, JobRecord.state.not_in(ACTIVE_JOB_STATES)
            ids = list(connection.scalars(select(JobRecord.id).where(*old)).all())
            if ids:
                connection.execute(delete(JobRecord).where(JobRecord.id.in_(ids)))
        for job_id in ids:
            shutil.rmtree(self.root / job_id, ignore_errors=True)
        return ids

    def owners(self) -> dict[int, int]:
        """Every owner with jobs, and how many."""
        with self.engine.connect() as connection:
            rows = connection.execute(select(JobRecord.owner, func.count()).group_by(
                JobRecord.owner)).all()
        return {owner: count for owner, count in rows}

    def delete_owner(self, owner: int) -> None:
        """Delete every job of a removed user, with its files."""
        with writing(self.engine) as connection:
            ids = list(connection.scalars(select(JobRecord.id).where(
                JobRecord.owner == owner)).all())
            connection.execute(delete(JobRecord).where(JobRecord.owner == owner))
        for job_id in ids:
            shutil.rmtree(self.root / job_id, ignore_errors=True)
