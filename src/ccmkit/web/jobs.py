"""Generation jobs of the web workbench, run by the batch code in worker processes.

A job is one State's package (with, when asked, its internal brief kept apart), a workshop
(many States), or an internal workbench document (the engagement list, the barrier map and the
messaging lines). Each State is a ``batch.run_job`` submitted to a pool of worker processes
shared by the server, so a long generation never blocks the pages. A job's state is kept on
disk (``<root>/<id>/status.json``, written atomically), so any server process can show its
progress and serve its files. Folders and files are named from the random job id, ISO codes
and vocabulary keys only; nothing typed in a form reaches a path.
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
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

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
    # Each State's profile mapping (its settings and the form's choices), kept in memory
    profiles: dict[str, dict[str, Any]] = field(default_factory=dict)
    overview_lang: str = "en"
    brief: bool = False  # a package: also the internal brief, outside the package's files
    log_url: str | None = None  # the follow-up log the brief reads the outreach history from


@dataclass(frozen=True)
class InternalOrder:
    """An internal workbench document: the engagement list or the barrier map (validated)."""

    kind: str  # "targets" or "barrier-map"
    lang: str
    formats: tuple[str, ...]
    generated: date
    statuses: tuple[str, ...] = ("outside",)
    group: str | None = None  # a key of vocab.GROUPINGS
    region: str | None = None  # an M49 region (web labels.REGION)
    top: int | None = None  # targets: how many States (None: all)
    messaging: bool = False  # barrier map: also the messaging lines and framing note

    @property
    def stem_suffix(self) -> str:
        """``-ASEAN``, ``-Africa``: the selection in a file name (vocabulary keys only)."""
        return "".join(f"-{key}" for key in (self.group, self.region) if key)


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


def render_brief(job: batching.Job, settings: batching.Settings, log_url: str | None
                 ) -> list[str]:
    """In a worker: the State's internal brief in the package's languages and formats.

    Written where the library puts it, ``internal/<ISO3>/brief-<lang>.<fmt>``: outside
    ``<ISO3>/`` (the package and its ZIP). The outreach history comes from the server's own
    log (``log_url``).
    """
    from ccmkit.api import PackageRequest, prepare
    from ccmkit.workbench.brief import brief_files
    from ccmkit.workbench.render import write_all

    if job.error:
        raise CcmkitError(job.error)
    registry = batching._registry(settings.status_file, settings.status_as_of, settings.data_dir)
    subject = prepare(registry, PackageRequest(job.code, job.profile or None, job.options,
                                               ("brief",), job.profile_where or job.code))
    rendered = brief_files(subject, Path(), job.languages, job.formats, log_url)
    write_all({settings.out / path: data for path, data in rendered.items()})
    return sorted(path.as_posix() for path in rendered)


def render_workbench(order: InternalOrder, out: Path) -> list[str]:
    """In a worker: the engagement list, or the barrier map (and the messaging lines), in
    ``internal/<name>-<lang>.<fmt>``; the relative paths."""
    from ccmkit.workbench import barrier_map, export, messaging
    from ccmkit.workbench.render import INTERNAL_DIR, scope_name, write_all
    from ccmkit.workbench.targets import rank

    registry = batching._registry(None, None)
    lang, formats, day = order.lang, order.formats, order.generated
    scope = scope_name(registry, lang, order.group, order.region, None, order.statuses)
    rendered: dict[str, dict[str, bytes]] = {}
    if order.kind == "targets":
        chosen = registry.select(order.statuses, order.region, None, order.group)
        ranking = rank(registry, chosen)
        if not ranking.targets:
            raise CcmkitError("no State outside the Convention matches the selection")
        rendered["targets"] = export.render_document(registry, ranking, order.top, lang,
                                                     formats, day, scope)
    else:
        chosen = registry.select(("outside",), group=order.group, region=order.region)
        if not chosen:
            raise CcmkitError("no State outside the Convention matches the selection")
        rendered["barrier-map"] = barrier_map.render(registry, chosen, lang, formats, day,
                                                     scope)
        if order.messaging:
            rendered["messaging"] = messaging.render(registry, lang, formats, day)
    files = {f"{INTERNAL_DIR}/{name}{order.stem_suffix if name != 'messaging' else ''}"
             f"-{lang}.{fmt}": data
             for name, by_format in rendered.items() for fmt, data in by_format.items()}
    write_all({out / relpath: data for relpath, data in files.items()})
    return list(files)


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
        listed.update(status.get("brief", {}).get("files", ()))
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

    def _new_job(self, owner: int) -> tuple[str, Path]:
        """A fresh job id and its folder, if the user may start one more generation."""
        if self.running_for(owner) >= MAX_RUNNING_PER_USER:
            raise CcmkitError(f"you already have {MAX_RUNNING_PER_USER} generations running; "
                              "wait for one to finish")
        self._clean_old()
        job_id = secrets.token_urlsafe(18)
        (self.root / job_id / "out").mkdir(parents=True)
        return job_id, self.root / job_id

    def _status(self, job_id: str, kind: str, label: str, owner: int, total: int
                ) -> dict[str, Any]:
        return {
            "id": job_id, "kind": kind, "label": label, "owner": owner,
            "pid": os.getpid(), "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "state": "running", "total": total, "done": 0, "failed": 0,
            "results": [], "zip": "", "error": "",
        }

    def start(self, owner: int, registry: Registry, order: Order) -> str:
        """Plan the order, start it in the workers and return the job id."""
        job_id, _folder = self._new_job(owner)
        planned = batching.plan(
            registry, [(code, {}) for code in order.codes], languages=order.languages,
            also=order.also, kinds=order.kinds, formats=order.formats, options=order.options,
            profiles=None, settings=order.profiles)
        status = self._status(job_id, order.kind, order.label, owner, len(planned))
        if order.brief:
            status["brief"] = {"state": "running", "files": [], "error": ""}
        self._write(job_id, status)
        thread = threading.Thread(target=self._follow, args=(job_id, status, planned, order),
                                  name=f"ccmkit-job-{job_id[:6]}", daemon=True)
        thread.start()
        return job_id

    def start_internal(self, owner: int, order: InternalOrder) -> str:
        """Start an internal workbench document in the workers and return the job id."""
        job_id, _folder = self._new_job(owner)
        status = self._status(job_id, order.kind, order.group or order.region or "", owner, 1)
        status["selection"] = {"statuses": list(order.statuses), "group": order.group,
                               "region": order.region}
        self._write(job_id, status)
        thread = threading.Thread(target=self._follow_internal, args=(job_id, status, order),
                                  name=f"ccmkit-job-{job_id[:6]}", daemon=True)
        thread.start()
        return job_id

    def _follow_internal(self, job_id: str, status: dict[str, Any],
                         order: InternalOrder) -> None:
        out = self.root / job_id / "out"
        try:
            files = self._submit(render_workbench, order, out).result()
            status["results"] = [{"code": order.kind, "name": order.kind, "ok": True,
                                  "message": "", "languages": [order.lang], "files": files}]
            status["state"] = "done"
        except Exception as exc:
            status["state"] = "failed"
            status["failed"] = 1
            status["error"] = _message(exc)
        status["done"] = 1
        self._write(job_id, status)

    def _follow(self, job_id: str, status: dict[str, Any], planned: list[batching.Job],
                order: Order) -> None:
        """Collect each State's result as a worker finishes it; then the hand-outs."""
        out = self.root / job_id / "out"
        settings = batching.Settings(out, force=True, zip=order.kind == "package")
        results: list[batching.Result] = []
        brief: Future | None = None
        try:
            if order.brief and planned:  # in parallel with the package, in its own folder
                brief = self._submit(render_brief, planned[0], settings, order.log_url)
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
            if brief is not None:
                self._collect_brief(status, brief)
            status["state"] = "done"
        except Exception as exc:
            status["state"] = "failed"
            status["error"] = _message(exc)
        self._write(job_id, status)

    @staticmethod
    def _collect_brief(status: dict[str, Any], brief: Future) -> None:
        """The brief's files, or why it failed (the package stands either way)."""
        try:
            status["brief"].update(state="done", files=brief.result())
        except Exception as exc:
            status["brief"].update(state="failed", error=_message(exc))

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


def _message(exc: BaseException) -> str:
    """What a user may read about a failure: ccmkit's own message, else only its kind."""
    return str(exc) if isinstance(exc, CcmkitError) else type(exc).__name__


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
