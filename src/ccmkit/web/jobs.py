"""Generation jobs of the web workbench, on ``ccmkit.jobs``.

A job is one State's package (with, when asked, its internal brief kept apart), a workshop
(many States), or an internal workbench document (the engagement list, the barrier map and the
messaging lines). Its state lives in the database (``ccmkit.jobs.store``), so any server
process shows its progress and serves its files; its tasks run on the server's executor (the
warm worker pool, shared fairly between users), and each task's completion updates the job.
Folders and files are named from the random job id, ISO codes and vocabulary keys only;
nothing typed in a form reaches a path.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from threading import Lock
from typing import Any

from sqlalchemy import Engine

from ccmkit.data.states import Registry
from ccmkit.documents.options import Options
from ccmkit.errors import CcmkitError
from ccmkit.jobs import handouts
from ccmkit.jobs.plan import Task, plan
from ccmkit.jobs.run import (
    Executor,
    Result,
    Settings,
    WorkerPool,
    job_context,
    outcome,
    registry_for,
    run_task,
)
from ccmkit.jobs.store import JobStore
from ccmkit.output import MANIFEST
from ccmkit.package import file_download_name

JOB_ID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
MAX_ACTIVE_PER_USER = 3
log = logging.getLogger("ccmkit.web.jobs")


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


# ---------------------------------------------------------------- tasks (run in a worker)

def render_brief(task: Task, settings: Settings, log_url: str | None) -> list[str]:
    """The State's internal brief in the package's languages and formats, written where the
    library puts it, ``internal/<ISO3>/brief-<lang>.<fmt>``: outside ``<ISO3>/`` (the
    package and its ZIP). The outreach history comes from the server's own log."""
    from ccmkit.api import PackageRequest, prepare
    from ccmkit.workbench.brief import brief_files
    from ccmkit.workbench.render import write_all

    if task.error:
        raise CcmkitError(task.error)
    registry = registry_for(settings.status_file, settings.status_as_of, settings.data_dir)
    subject = prepare(registry, PackageRequest(task.code, task.profile or None, task.options,
                                               ("brief",), task.profile_where or task.code))
    rendered = brief_files(subject, Path(), task.languages, task.formats, log_url)
    write_all({settings.out / path: data for path, data in rendered.items()})
    return sorted(path.as_posix() for path in rendered)


def render_workbench(order: InternalOrder, out: Path) -> list[str]:
    """The engagement list, or the barrier map (and the messaging lines), in
    ``internal/<name>-<lang>.<fmt>``; the relative paths."""
    from ccmkit.workbench import barrier_map, export, messaging
    from ccmkit.workbench.render import INTERNAL_DIR, scope_name, write_all
    from ccmkit.workbench.targets import rank

    registry = registry_for(None, None)
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


# ---------------------------------------------------------------- the server's side

def _message(exc: BaseException) -> str:
    """What a user may read about a failure: ccmkit's own message, else only its kind (the
    traceback is in the server log)."""
    return str(exc) if isinstance(exc, CcmkitError) else type(exc).__name__


def _result_row(result: Result) -> dict[str, Any]:
    row = asdict(result)
    row["languages"], row["files"] = list(result.languages), list(result.files)
    return row


@dataclass
class _Progress:
    """What a running job still waits for (the tasks' callbacks count it down)."""

    remaining: int
    results: list[Result] = field(default_factory=list)
    lock: Lock = field(default_factory=Lock)

    def one_done(self, result: Result | None = None) -> bool:
        """Count one task done; True for the last one."""
        with self.lock:
            if result is not None:
                self.results.append(result)
            self.remaining -= 1
            return self.remaining == 0


class JobRunner:
    """Starts jobs on the executor, records them in the store and finds their files."""

    def __init__(self, root: Path, workers: int, engine: Engine,
                 executor: Executor | None = None) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.store = JobStore(engine, root)
        self.executor: Executor = executor or WorkerPool(max(1, workers))
        interrupted = self.store.sweep()  # jobs a stopped server left behind
        if interrupted:
            log.warning("%d jobs left by a server that stopped are marked interrupted",
                        interrupted)

    def warm(self) -> None:
        """Start the workers now, so the first package does not wait for them."""
        if isinstance(self.executor, WorkerPool):
            self.executor.warm()

    def shutdown(self) -> None:
        """Stop the workers; this server's unfinished jobs end as interrupted."""
        self.executor.shutdown()
        self.store.close()

    # ------------------------------------------------------------ reading

    def status(self, job_id: str) -> dict[str, Any] | None:
        """The job as the pages show it (None if there is no such job)."""
        if not JOB_ID.match(job_id):
            return None
        job = self.store.get(job_id)
        return job.as_dict() if job else None

    def listed(self, status: dict[str, Any]) -> set[str]:
        """Every file the job may serve: its results, the brief, the ZIP and, beside the
        ZIP, each package's manifest (for the ISU)."""
        files = {f for r in status["results"] for f in r["files"]}
        files.update(status.get("brief", {}).get("files", ()))
        if status.get("zip"):
            files.add(status["zip"])
        if status["kind"] == "package":
            files.update(f"{r['code']}/{MANIFEST}" for r in status["results"] if r["ok"])
        return files

    def folder(self, job_id: str) -> Path | None:
        """The job's own folder (its previews beside its ``out``), if the job exists."""
        if self.status(job_id) is None:
            return None
        path = self.root / job_id
        path.mkdir(exist_ok=True, mode=0o700)
        return path

    def file(self, job_id: str, relpath: str) -> Path | None:
        """A generated file of a job, only if the job lists it."""
        status = self.status(job_id)
        if status is None or relpath not in self.listed(status):
            return None
        path = self.root / job_id / "out" / relpath
        return path if path.is_file() and not path.is_symlink() else None

    @staticmethod
    def download_name(relpath: str) -> str:
        """The name a job's file is downloaded under (``KEN-fr-projet-de-loi.docx``)."""
        return file_download_name(relpath)

    def running_for(self, owner: int) -> int:
        return self.store.active_count(owner)

    # ------------------------------------------------------------ starting

    def _create(self, owner: int, kind: str, label: str, total: int,
                results: dict[str, Any]) -> tuple[str, Path]:
        self.store.clean()
        job_id = self.store.create(owner, kind, label, total, MAX_ACTIVE_PER_USER, results)
        out = self.root / job_id / "out"
        out.mkdir(parents=True, mode=0o700)
        self.store.start(job_id)
        return job_id, out

    def start(self, owner: int, registry: Registry, order: Order) -> str:
        """Reserve the job (the quota), plan the order, start it on the executor and return
        the job id."""
        results: dict[str, Any] = {"results": [], "zip": ""}
        if order.brief:
            results["brief"] = {"state": "running", "files": [], "error": ""}
        job_id, out = self._create(owner, order.kind, order.label, len(order.codes), results)
        try:
            tasks = plan(registry, [(code, {}) for code in order.codes],
                         languages=order.languages, also=order.also, kinds=order.kinds,
                         formats=order.formats, options=order.options,
                         settings=order.profiles or None)
        except Exception as exc:
            with job_context(job_id):
                log.exception("planning failed")
            self.store.finish(job_id, "failed", _message(exc))
            raise
        settings = Settings(out, force=True, zip=order.kind == "package")
        brief = order.brief and bool(tasks)
        progress = _Progress(len(tasks) + brief)
        with job_context(job_id):
            log.info("%s %s started by user %s: %d States", order.kind, order.label, owner,
                     len(tasks))
            submit = self._submitter(job_id, owner)
            if brief:  # in parallel with the package, in its own folder
                submit(render_brief, (tasks[0], settings, order.log_url),
                       lambda f: self._brief_done(job_id, order, settings, progress, f))
            for task in sorted(tasks, key=lambda t: t.cost, reverse=True):
                submit(run_task, (task, settings),
                       lambda f, t=task: self._task_done(job_id, order, settings, progress,
                                                         outcome(f, t)))
        return job_id

    def start_internal(self, owner: int, order: InternalOrder) -> str:
        """Start an internal workbench document and return the job id."""
        job_id, out = self._create(owner, order.kind, order.group or order.region or "", 1, {
            "results": [], "zip": "", "selection": {
                "statuses": list(order.statuses), "group": order.group,
                "region": order.region}})
        with job_context(job_id):
            log.info("%s started by user %s", order.kind, owner)
            self._submitter(job_id, owner)(render_workbench, (order, out),
                                           lambda f: self._internal_done(job_id, order, f))
        return job_id

    def cancel(self, job_id: str, owner: int) -> bool:
        """Cancel the owner's running job: its waiting tasks are dropped."""
        if not JOB_ID.match(job_id) or not self.store.cancel(job_id, owner):
            return False
        with job_context(job_id):
            dropped = self.executor.cancel(job_id)
            log.info("cancelled by its owner (%d waiting tasks dropped)", dropped)
        return True

    # ------------------------------------------------------------ completions

    def _submitter(self, job_id: str, owner: int) -> Callable[..., None]:
        """submit(fn, args, then): run ``fn(*args)`` for the job, then ``then(future)``; a
        failure of ``then`` fails the job (logged with its traceback)."""

        def submit(fn: Callable[..., Any], args: tuple[Any, ...],
                   then: Callable[[Future[Any]], None]) -> None:
            def done(future: Future[Any]) -> None:
                if future.cancelled():
                    return
                with job_context(job_id):
                    try:
                        then(future)
                    except Exception as exc:
                        log.exception("the job failed")
                        self.store.finish(job_id, "failed", _message(exc))

            self.executor.submit(fn, *args, owner=str(owner), job=job_id).add_done_callback(
                done)

        return submit

    def _task_done(self, job_id: str, order: Order, settings: Settings,
                   progress: _Progress, result: Result) -> None:
        self.store.change(job_id, done=1, failed=int(not result.ok),
                          append_results=[_result_row(result)])
        if progress.one_done(result):
            self._finish(job_id, order, settings, progress.results)

    def _brief_done(self, job_id: str, order: Order, settings: Settings,
                    progress: _Progress, future: Future[list[str]]) -> None:
        try:
            brief = {"state": "done", "files": future.result(), "error": ""}
        except Exception as exc:  # the package stands either way
            brief = {"state": "failed", "files": [], "error": _message(exc)}
        self.store.change(job_id, brief=brief)
        if progress.one_done():
            self._finish(job_id, order, settings, progress.results)

    def _finish(self, job_id: str, order: Order, settings: Settings,
                results: list[Result]) -> None:
        """After the last State: the package's ZIP, or the workshop's hand-outs."""
        job = self.store.get(job_id)
        if job is None or not job.active:
            return
        if order.kind == "workshop" and any(r.ok for r in results):
            name = f"workshop-{order.label}.zip"
            self._submitter(job_id, int(job.owner))(
                handouts.finish_workshop,
                (settings.out, sorted(results, key=lambda r: r.code), settings,
                 order.overview_lang, order.options, name),
                lambda f: self._close(job_id, zip=f.result()))
            return
        ok = order.kind == "package" and results and results[0].ok
        self._close(job_id, zip=f"{results[0].code}.zip" if ok else "")

    def _close(self, job_id: str, **results: Any) -> None:
        """The job's last step: its results in order; done, or failed if no State was
        generated."""
        job = self.store.get(job_id)
        if job is None:
            return
        rows = sorted(job.results.get("results", []), key=lambda r: r["code"])
        self.store.change(job_id, results=rows, **results)
        state = "done" if any(r["ok"] for r in rows) or not rows else "failed"
        if self.store.finish(job_id, state):
            log.info("%s: %d of %d States generated", state, sum(r["ok"] for r in rows),
                     len(rows))

    def _internal_done(self, job_id: str, order: InternalOrder,
                       future: Future[list[str]]) -> None:
        try:
            files = future.result()
        except Exception as exc:
            self.store.change(job_id, done=1, failed=1)
            self.store.finish(job_id, "failed", _message(exc))
            log.warning("failed: %s", _message(exc))
            return
        self.store.change(job_id, done=1, results=[{
            "code": order.kind, "name": order.kind, "ok": True, "message": "",
            "languages": [order.lang], "files": files}])
        self.store.finish(job_id, "done")


# ---------------------------------------------------------------- the pages' one action
