"""Generation jobs of the web workbench, run by the batch code in worker processes.

A job is one State's package or a workshop (many States). Each State is a ``batch.run_job``
submitted to a pool of worker processes shared by the server, so a long generation never blocks
the pages. A job's state is kept on disk (``<root>/<id>/status.json``, written atomically), so
any server process can show its progress and serve its files. Folders and files are named from
the random job id and ISO codes only; nothing from a form reaches a path.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import threading
import time
import zipfile
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from ccmkit import batch as batching
from ccmkit.data.states import Registry
from ccmkit.documents.subject import Options
from ccmkit.errors import CcmkitError
from ccmkit.output import replace_file

JOB_ID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
STATUS_FILE = "status.json"
KEEP_SECONDS = 24 * 3600
MAX_RUNNING_PER_USER = 3


@dataclass(frozen=True)
class Order:
    """What a user asked to generate (validated by the form)."""

    kind: str  # "package" or "workshop"
    codes: tuple[str, ...]  # ISO3 codes
    label: str  # ISO3 for a package, a grouping or region key for a workshop
    languages: tuple[str, ...] = ("auto",)
    also: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    formats: tuple[str, ...] = ()
    options: Options = field(default_factory=Options)
    profile: dict[str, Any] = field(default_factory=dict)  # one profile, for a package
    overview_lang: str = "en"


def _noop() -> None:
    """Submitted once per worker to start it (its initializer imports the renderers)."""


def finish_workshop(out: Path, results: Sequence[batching.Result], lang: str, options: Options,
                    zip_name: str) -> str:
    """In a worker: the index, the overview and one ZIP with every State's files."""
    batching.write_index(out, results, True)
    rendered = batching.render_overview(results, batching.Settings(out), lang, options)
    for fmt, data in rendered.items():
        replace_file(out / f"overview.{fmt}", data)
    target = out / zip_name
    partial = out / (zip_name + ".partial")
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in ("index.csv", "overview.pdf", "overview.docx"):
            if (out / name).is_file():
                archive.write(out / name, name)
        for result in sorted(results, key=lambda r: r.code):
            if not result.ok:
                continue
            archive.write(out / result.code / "manifest.json", f"{result.code}/manifest.json")
            for relpath in result.files:
                archive.write(out / relpath, relpath)
    partial.replace(target)
    return zip_name


class JobRunner:
    """Starts jobs, tracks them on disk and finds their files."""

    def __init__(self, root: Path, workers: int) -> None:
        self.root = root
        self.workers = max(1, workers)
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()

    # ------------------------------------------------------------ worker processes

    def _executor(self, fresh: bool = False) -> ProcessPoolExecutor:
        with self._lock:
            if self._pool is None or fresh:
                if self._pool is not None:
                    self._pool.shutdown(wait=False, cancel_futures=True)
                self._pool = ProcessPoolExecutor(
                    max_workers=self.workers, mp_context=batching.worker_context(),
                    initializer=batching.warm_worker)
            return self._pool

    def warm(self) -> None:
        """Start the workers now, so the first package does not wait for them."""
        pool = self._executor()
        for _ in range(self.workers):
            pool.submit(_noop)

    def shutdown(self) -> None:
        with self._lock:
            if self._pool is not None:
                self._pool.shutdown(wait=True, cancel_futures=True)
                self._pool = None

    def _submit(self, fn: Any, *args: Any) -> Future:
        try:
            return self._executor().submit(fn, *args)
        except BrokenProcessPool:
            return self._executor(fresh=True).submit(fn, *args)

    # ------------------------------------------------------------ jobs

    def folder(self, job_id: str) -> Path | None:
        """The job's folder, if ``job_id`` is well formed and the job exists."""
        if not JOB_ID.match(job_id):
            return None
        path = self.root / job_id
        return path if (path / STATUS_FILE).is_file() else None

    def status(self, job_id: str) -> dict[str, Any] | None:
        """The job's status (None if there is no such job)."""
        path = self.folder(job_id)
        if path is None:
            return None
        try:
            status = json.loads((path / STATUS_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if status["state"] == "running" and not _alive(status.get("pid", 0)):
            status["state"] = "failed"
            status["error"] = "interrupted"
        return status

    def file(self, job_id: str, relpath: str) -> Path | None:
        """A generated file of a job, only if the job lists it."""
        status = self.status(job_id)
        if status is None:
            return None
        listed = {f for r in status["results"] for f in r["files"]}
        if status.get("zip"):
            listed.add(status["zip"])
        if relpath not in listed:
            return None
        path = self.root / job_id / "out" / relpath
        return path if path.is_file() else None

    def running_for(self, owner: int) -> int:
        if not self.root.is_dir():
            return 0
        count = 0
        for path in self.root.iterdir():
            status = self.status(path.name)
            if status and status["owner"] == owner and status["state"] == "running":
                count += 1
        return count

    def start(self, owner: int, registry: Registry, order: Order) -> str:
        """Plan the order, start it in the workers and return the job id."""
        if self.running_for(owner) >= MAX_RUNNING_PER_USER:
            raise CcmkitError(f"you already have {MAX_RUNNING_PER_USER} generations running; "
                              "wait for one to finish")
        self._clean_old()
        job_id = secrets.token_urlsafe(18)
        folder = self.root / job_id
        out = folder / "out"
        out.mkdir(parents=True)
        profiles = None
        if order.profile:
            profiles = folder / "profiles"
            for code in order.codes:
                replace_file(profiles / f"{code}.yaml", yaml.safe_dump(order.profile))
        planned = batching.plan(
            registry, [(code, {}) for code in order.codes], languages=order.languages,
            also=order.also, kinds=order.kinds, formats=order.formats, options=order.options,
            profiles=profiles)
        status: dict[str, Any] = {
            "id": job_id, "kind": order.kind, "label": order.label, "owner": owner,
            "pid": os.getpid(), "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "state": "running", "total": len(planned), "done": 0, "failed": 0,
            "results": [], "zip": "", "error": "",
        }
        self._write(job_id, status)
        thread = threading.Thread(target=self._follow, args=(job_id, status, planned, order),
                                  name=f"ccmkit-job-{job_id[:6]}", daemon=True)
        thread.start()
        return job_id

    def _follow(self, job_id: str, status: dict[str, Any], planned: list[batching.Job],
                order: Order) -> None:
        """Collect each State's result as a worker finishes it; then the hand-outs."""
        out = self.root / job_id / "out"
        settings = batching.Settings(out, force=True, zip=order.kind == "package")
        results: list[batching.Result] = []
        try:
            futures = {self._submit(batching.run_job, job, settings): job for job in planned}
            for future in as_completed(futures):
                job = futures[future]
                try:
                    result = future.result()
                except Exception as exc:  # a worker died: that State fails, the rest go on
                    result = batching.Result(job.code, job.name, job.status, job.languages,
                                             ok=False,
                                             message=f"worker failed ({type(exc).__name__})")
                results.append(result)
                status["done"] += 1
                status["failed"] += not result.ok
                status["results"].append({"code": result.code, "name": result.name,
                                          "ok": result.ok, "message": result.message,
                                          "languages": list(result.languages),
                                          "files": list(result.files)})
                self._write(job_id, status)
            status["results"].sort(key=lambda r: r["code"])
            if order.kind == "workshop" and any(r.ok for r in results):
                name = f"workshop-{order.label}.zip"
                status["zip"] = self._submit(finish_workshop, out, results, order.overview_lang,
                                             order.options, name).result()
            elif order.kind == "package" and results and results[0].ok:
                status["zip"] = f"{results[0].code}.zip"
            status["state"] = "done"
        except Exception as exc:
            status["state"] = "failed"
            status["error"] = str(exc) if isinstance(exc, CcmkitError) else type(exc).__name__
        self._write(job_id, status)

    def _write(self, job_id: str, status: dict[str, Any]) -> None:
        replace_file(self.root / job_id / STATUS_FILE, json.dumps(status, ensure_ascii=False))

    def _clean_old(self) -> None:
        """Remove finished jobs older than a day."""
        if not self.root.is_dir():
            return
        limit = time.time() - KEEP_SECONDS
        for path in self.root.iterdir():
            status = self.status(path.name)
            if (status and status["state"] != "running"
                    and (path / STATUS_FILE).stat().st_mtime < limit):
                shutil.rmtree(path, ignore_errors=True)


def _alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
