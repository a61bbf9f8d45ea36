"""Running tasks: one State's package (``run_task``) and the executors that run any task.

An ``Executor`` takes a picklable function with its arguments, an owner and a job id, and
returns a Future. ``InlineExecutor`` runs it at once in the caller (tests, ``--jobs 1``);
``WorkerPool`` runs it on warm worker processes forked from a forkserver that has already
imported the renderers (``ccmkit.jobs.preload``). The pool hands the next task to a free worker
round-robin between owners, so one user's small package never waits behind another's
workshops; a worker that dies fails the one task it held and is replaced, the others go on.
Workers end with the process that started them, whatever signal ends it.

Logging: the ``ccmkit`` logger; every record carries the job id (``record.job``), in the
workers too (their records are sent to the parent and logged there, tracebacks included).
"""

from __future__ import annotations

import contextlib
import importlib
import itertools
import logging
import logging.handlers
import multiprocessing
import os
import select
import signal
import socket
import threading
import traceback
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, as_completed
from contextvars import ContextVar
from dataclasses import dataclass, replace
from functools import cache
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any, Protocol

from ccmkit.data.states import Registry
from ccmkit.errors import CcmkitError
from ccmkit.jobs.plan import Task
from ccmkit.output import read_bytes_nofollow, read_manifest, rezip, sha256
from ccmkit.package import zip_name

PRELOAD = "ccmkit.jobs.preload"  # imported once by the forkserver: every worker starts warm
log = logging.getLogger("ccmkit.jobs")
JOB_ID: ContextVar[str] = ContextVar("ccmkit_job", default="-")


# ---------------------------------------------------------------- logging

class JobFilter(logging.Filter):
    """Adds ``record.job``: the id of the job being run (``-`` outside a job)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "job"):
            record.job = JOB_ID.get()
        return True


def _with_job_id(factory: Callable[..., logging.LogRecord]) -> Callable[..., logging.LogRecord]:
    def make(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = factory(*args, **kwargs)
        record.job = JOB_ID.get()
        return record

    make.ccmkit = True  # type: ignore[attr-defined]
    return make


if not getattr(logging.getLogRecordFactory(), "ccmkit", False):
    # every record made while a job runs carries its id (whoever formats it)
    logging.setLogRecordFactory(_with_job_id(logging.getLogRecordFactory()))

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s [job %(job)s] %(message)s"


def configure_logging(level: int = logging.INFO) -> None:
    """Log ccmkit's records to stderr with the job id (``ccmkit serve``, ``ccmkit batch``)."""
    logger = logging.getLogger("ccmkit")
    if any(getattr(h, "ccmkit", False) for h in logger.handlers):
        return
    handler = logging.StreamHandler()
    handler.ccmkit = True  # type: ignore[attr-defined]
    handler.addFilter(JobFilter())
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    logger.addHandler(handler)
    logger.setLevel(level)


@contextlib.contextmanager
def job_context(job_id: str) -> Iterator[None]:
    """Every record logged inside carries ``job_id``."""
    token = JOB_ID.set(job_id or "-")
    try:
        yield
    finally:
        JOB_ID.reset(token)


# ---------------------------------------------------------------- one State's package

@dataclass(frozen=True)
class Result:
    """What happened to one State."""

    code: str
    name: str
    status: str
    languages: tuple[str, ...]
    ok: bool
    skipped: bool = False
    message: str = ""
    files: tuple[str, ...] = ()

    @classmethod
    def failed(cls, task: Task, message: str) -> Result:
        return cls(task.code, task.name, task.status, task.languages, ok=False, message=message)


@dataclass(frozen=True)
class Settings:
    """Settings shared by every task of a job."""

    out: Path
    status_file: Path | None = None
    status_as_of: str | None = None
    force: bool = False
    zip: bool = False
    data_dir: Path | None = None  # the user's data folder, for the workers' registry


@cache
def registry_for(status_file: Path | None, status_as_of: str | None,
                 data_dir: Path | None = None) -> Registry:
    """The registry of a worker, loaded once per process for these inputs."""
    from ccmkit.api import load_registry

    return load_registry(status_file, status_as_of, data_dir)


def up_to_date(task: Task, out: Path) -> bool:
    """True when the State's manifest records these inputs and every file is intact."""
    folder = out / task.code
    try:
        manifest = read_manifest(folder)
    except CcmkitError:
        return False
    if manifest is None or manifest.get("inputs") != task.fingerprint:
        return False
    for doc in manifest["documents"]:
        try:
            if sha256(read_bytes_nofollow(folder / doc["path"])) != doc["sha256"]:
                return False
        except OSError:
            return False
    return True


def run_task(task: Task, settings: Settings) -> Result:
    """Generate one State's package; never raises for that State's own problems."""
    from ccmkit.api import PackageRequest, prepare
    from ccmkit.package import build_package

    result = Result(task.code, task.name, task.status, task.languages, ok=False)
    if task.error:
        return replace(result, message=task.error)
    try:
        if not settings.force and up_to_date(task, settings.out):
            if settings.zip:
                rezip(settings.out, task.code, zip_name)
            return replace(result, ok=True, skipped=True,
                           files=_manifest_files(settings.out, task.code))
        registry = registry_for(settings.status_file, settings.status_as_of, settings.data_dir)
        subject = prepare(registry, PackageRequest(task.code, task.profile or None,
                                                   task.options, task.kinds,
                                                   task.profile_where or task.code))
        manifest = build_package(subject, settings.out, task.languages, task.formats,
                                 task.kinds, extra={"inputs": task.fingerprint},
                                 force=settings.force, zipped=settings.zip)
        log.info("%s: %d files written", task.code, len(manifest["documents"]))
        return replace(result, ok=True,
                       files=tuple(f"{task.code}/{d['path']}" for d in manifest["documents"]))
    except CcmkitError as exc:
        log.warning("%s failed: %s", task.code, exc)
        return replace(result, message=str(exc))
    except Exception as exc:  # a bug: this State fails, the job goes on, the log has why
        log.exception("%s failed with an internal error", task.code)
        return replace(result, message=f"internal error (please report): "
                                       f"{type(exc).__name__}: {str(exc)[:200]}")


def _manifest_files(out: Path, code: str) -> tuple[str, ...]:
    manifest = read_manifest(out / code) or {"documents": []}
    return tuple(f"{code}/{d['path']}" for d in manifest["documents"])


# ---------------------------------------------------------------- executors

class WorkerDied(CcmkitError):
    """The worker process running a task ended before answering (killed, out of memory)."""


class TaskError(CcmkitError):
    """A task raised something other than a ccmkit error; its traceback is in the log."""


class Executor(Protocol):
    """Runs ``fn(*args)`` somewhere and returns its Future."""

    def submit(self, fn: Callable[..., Any], *args: Any, owner: str = "",
               job: str = "") -> Future[Any]: ...

    def cancel(self, job: str) -> int:
        """Drop the job's tasks that have not started; how many were dropped."""
        ...

    def shutdown(self) -> None: ...


def _call(fn: Callable[..., Any], args: tuple[Any, ...], job: str) -> Any:
    """Run a task under its job id; log an unexpected failure with its traceback."""
    with job_context(job):
        try:
            return fn(*args)
        except CcmkitError:
            raise
        except Exception as exc:
            log.exception("task %s failed", getattr(fn, "__name__", fn))
            raise TaskError(f"internal error (please report): {type(exc).__name__}") from None


class InlineExecutor:
    """Runs each task at once, in the caller's thread (tests, ``--jobs 1``)."""

    def submit(self, fn: Callable[..., Any], *args: Any, owner: str = "",
               job: str = "") -> Future[Any]:
        future: Future[Any] = Future()
        future.set_running_or_notify_cancel()
        try:
            future.set_result(_call(fn, args, job))
        except Exception as exc:
            future.set_exception(exc)
        return future

    def cancel(self, job: str) -> int:
        return 0

    def shutdown(self) -> None:
        pass


def worker_context() -> multiprocessing.context.BaseContext:
    """A forkserver context whose server has imported the renderers once (warm workers)."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([PRELOAD])
    return context


def start_workers() -> None:
    """Start the forkserver now, so its imports overlap with the parent's planning."""
    from multiprocessing import forkserver

    if "forkserver" in multiprocessing.get_all_start_methods():
        worker_context()
        forkserver.ensure_running()


@dataclass
class _Item:
    fn: Callable[..., Any]
    args: tuple[Any, ...]
    owner: str
    job: str
    future: Future[Any]


@dataclass
class _Worker:
    process: Any  # multiprocessing.process.BaseProcess
    conn: Connection
    item: _Item | None = None


class WorkerPool:
    """Up to ``size`` warm worker processes, fed fairly between owners by one thread."""

    def __init__(self, size: int) -> None:
        self.size = max(1, size)
        self._context: Any = worker_context()
        self._queues: dict[str, deque[_Item]] = {}
        self._turn: deque[str] = deque()  # owners, in the order they are served
        self._workers: list[_Worker] = []
        self._lock = threading.Lock()
        self._wake_r, self._wake_w = socket.socketpair()
        self._closing = False
        self._thread: threading.Thread | None = None
        self._ids = itertools.count(1)

    # ------------------------------------------------------------ public

    def submit(self, fn: Callable[..., Any], *args: Any, owner: str = "",
               job: str = "") -> Future[Any]:
        future: Future[Any] = Future()
        with self._lock:
            if self._closing:
                raise RuntimeError("the worker pool is shut down")
            if owner not in self._queues:
                self._queues[owner] = deque()
                self._turn.append(owner)
            self._queues[owner].append(_Item(fn, args, owner, job, future))
            self._ensure_thread()
        self._wake()
        return future

    def warm(self) -> None:
        """Start the workers now, so the first task does not wait for them."""
        with self._lock:
            self._ensure_thread()
        self._wake()

    def cancel(self, job: str) -> int:
        dropped: list[_Item] = []
        with self._lock:
            for queue in self._queues.values():
                keep = [i for i in queue if i.job != job]
                dropped += [i for i in queue if i.job == job]
                queue.clear()
                queue.extend(keep)
        for item in dropped:
            item.future.cancel()
        return len(dropped)

    def pids(self) -> list[int]:
        """The worker processes' ids (for tests and monitoring)."""
        return [w.process.pid for w in self._workers if w.process.pid]

    def shutdown(self) -> None:
        """Stop the workers (a running task is abandoned) and fail what is still queued."""
        with self._lock:
            self._closing = True
            queued = [i for q in self._queues.values() for i in q]
            self._queues.clear()
        self._wake()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=30)
        for item in queued:
            item.future.cancel()
        self._stop_workers()

    # ------------------------------------------------------------ the dispatcher thread

    def _ensure_thread(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._loop, name="ccmkit-worker-pool",
                                            daemon=True)
            self._thread.start()

    def _wake(self) -> None:
        with contextlib.suppress(OSError):
            self._wake_w.send(b"x")

    def _loop(self) -> None:
        while not self._closing:
            self._refill()
            self._dispatch()
            waiting: list[Any] = [self._wake_r]
            for worker in self._workers:
                waiting += [worker.process.sentinel, worker.conn]
            for ready in wait(waiting, timeout=5):
                if ready is self._wake_r:
                    with contextlib.suppress(OSError):
                        self._wake_r.recv(4096)
            self._collect()

    def _refill(self) -> None:
        """Replace dead workers and start missing ones (the pool is rebuilt, not broken); a
        dead worker's task fails, whenever its death is seen."""
        for worker in [w for w in self._workers if not w.process.is_alive()]:
            self._bury(worker)
            self._workers.remove(worker)
            worker.conn.close()
        while len(self._workers) < self.size and not self._closing:
            try:
                self._workers.append(self._start_worker())
            except OSError as exc:
                log.error("cannot start a worker process: %s", exc)
                break

    def _start_worker(self) -> _Worker:
        parent, child = self._context.Pipe()
        level = logging.getLogger("ccmkit").getEffectiveLevel()
        process = self._context.Process(target=_worker_main, args=(child, os.getpid(), level),
                                        name="ccmkit-worker", daemon=True)
        process.start()
        child.close()
        return _Worker(process, parent)

    def _next(self) -> _Item | None:
        """The next task, round-robin between owners (caller holds the lock)."""
        for _ in range(len(self._turn)):
            owner = self._turn[0]
            self._turn.rotate(-1)
            queue = self._queues.get(owner)
            if queue:
                return queue.popleft()
        return None

    def _dispatch(self) -> None:
        for worker in self._workers:
            if worker.item is not None or not worker.process.is_alive():
                continue
            with self._lock:
                item = self._next()
                self._forget_idle_owners()
            if item is None:
                return
            if not item.future.set_running_or_notify_cancel():
                continue
            worker.item = item
            try:
                worker.conn.send((next(self._ids), item.fn, item.args, item.job))
            except (OSError, ValueError) as exc:  # died before we could hand it over
                worker.item = None
                item.future.set_exception(WorkerDied(f"the worker process ended ({exc})"))
            except Exception as exc:  # the arguments cannot be pickled: a bug
                worker.item = None
                item.future.set_exception(exc)

    def _forget_idle_owners(self) -> None:
        for owner in [o for o, q in self._queues.items() if not q]:
            del self._queues[owner]
            self._turn.remove(owner)

    def _collect(self) -> None:
        for worker in self._workers:
            item = worker.item
            try:
                while worker.conn.poll():
                    message = worker.conn.recv()
                    if message[0] == "log":
                        _relog(message[1])
                    elif item is not None:
                        worker.item = None
                        self._settle(item, message)
                        item = None
            except (EOFError, OSError):
                pass
            if worker.item is not None and not worker.process.is_alive():
                self._bury(worker)

    @staticmethod
    def _bury(worker: _Worker) -> None:
        """A dead worker's task fails (only that task), with why, in the log and the job."""
        item, worker.item = worker.item, None
        if item is None:
            return
        code = worker.process.exitcode
        why = (f"signal {signal.Signals(-code).name}" if code and code < 0
               else f"exit code {code}")
        with job_context(item.job):
            log.error("a worker process (pid %s) died running %s (%s); that task fails, a new "
                      "worker takes its place", worker.process.pid,
                      getattr(item.fn, "__name__", "a task"), why)
        if not item.future.done():
            item.future.set_exception(WorkerDied(
                f"the worker process died while rendering ({why}: out of memory, or killed); "
                "run it again"))

    @staticmethod
    def _settle(item: _Item, message: tuple[Any, ...]) -> None:
        with job_context(item.job):
            if message[0] == "ok":
                item.future.set_result(message[1])
            else:
                item.future.set_exception(message[1])

    def _stop_workers(self) -> None:
        for worker in self._workers:
            with contextlib.suppress(OSError, ValueError):
                worker.conn.send(None)
        for worker in self._workers:
            worker.process.join(timeout=0 if worker.item else 5)
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join(timeout=5)
            worker.conn.close()
            if worker.item is not None and not worker.item.future.done():
                worker.item.future.set_exception(WorkerDied("stopped before it finished"))
        self._workers.clear()


def _relog(attributes: dict[str, Any]) -> None:
    """A worker's log record, logged again in the parent (its handlers, its level)."""
    record = logging.makeLogRecord(attributes)
    logger = logging.getLogger(record.name)
    if logger.isEnabledFor(record.levelno):
        logger.handle(record)


class _ToParent:
    """The queue of a QueueHandler: sends prepared records to the parent over the pipe."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.lock = threading.Lock()

    def put_nowait(self, record: logging.LogRecord) -> None:
        with self.lock, contextlib.suppress(OSError, ValueError):
            self.conn.send(("log", record.__dict__))


class _WorkerLogHandler(logging.handlers.QueueHandler):
    def prepare(self, record: logging.LogRecord) -> logging.LogRecord:
        record = super().prepare(record)
        record.__dict__.pop("exc_info", None)
        return record


def _worker_main(conn: Connection, parent_pid: int, level: int) -> None:
    """A worker: die with the parent; run each task sent, answer with its result."""
    die_with(parent_pid)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C: the parent stops us
    importlib.import_module(PRELOAD)  # already imported by the forkserver: a no-op there
    logger = logging.getLogger("ccmkit")
    logger.handlers.clear()
    handler = _WorkerLogHandler(_ToParent(conn))  # type: ignore[arg-type]
    handler.addFilter(JobFilter())
    logger.addHandler(handler)
    logger.setLevel(level)
    logger.propagate = False
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return  # the parent is gone
        if message is None:
            return
        _number, fn, args, job = message
        with job_context(job):
            log.info("%s started in worker pid %d", getattr(fn, "__name__", "a task"),
                     os.getpid())
        try:
            answer: tuple[Any, ...] = ("ok", _call(fn, args, job))
        except Exception as exc:
            answer = ("error", exc)
        try:
            conn.send(answer)
        except (OSError, ValueError):
            return
        except Exception as exc:  # the result cannot be pickled: a bug, reported as such
            with job_context(job):
                log.error("the result of %s cannot be sent: %s\n%s", fn, exc,
                          traceback.format_exc())
            conn.send(("error", TaskError(f"internal error (please report): "
                                          f"{type(exc).__name__}")))


def die_with(parent_pid: int) -> None:
    """End this worker as soon as the parent process is gone (even killed with SIGKILL).

    A forkserver worker is the forkserver's child, so it watches the parent itself: a daemon
    thread waits on a pidfd (Linux 5.3+; polling elsewhere). PR_SET_PDEATHSIG also ends it if
    the forkserver dies.
    """
    import ctypes

    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    try:
        pidfd = os.pidfd_open(parent_pid)
    except ProcessLookupError:
        os._exit(1)
    except (OSError, AttributeError):
        pidfd = -1

    def watch() -> None:
        if pidfd >= 0:
            select.select([pidfd], [], [])  # readable when the process exits
        else:
            while True:
                try:
                    os.kill(parent_pid, 0)
                except ProcessLookupError:
                    break
                threading.Event().wait(0.5)
        os.kill(os.getpid(), signal.SIGKILL)

    threading.Thread(target=watch, name="ccmkit-parent-watch", daemon=True).start()


def make_executor(workers: int) -> Executor:
    """The local warm pool for ``workers`` > 1, else the inline executor."""
    return WorkerPool(workers) if workers > 1 else InlineExecutor()


def run_all(tasks: Sequence[Task], settings: Settings, executor: Executor,
            owner: str = "", job: str = "") -> Iterator[Result]:
    """Run the tasks (the biggest first), yielding each State's result as it completes; a
    worker that dies fails its State only."""
    futures = {executor.submit(run_task, task, settings, owner=owner, job=job): task
               for task in sorted(tasks, key=lambda t: t.cost, reverse=True)}
    for future in as_completed(futures):
        yield outcome(future, futures[future])


def outcome(future: Future[Result], task: Task) -> Result:
    """A task's Result; a failure of the worker itself fails that State, with the reason."""
    try:
        return future.result()
    except CcmkitError as exc:
        return Result.failed(task, str(exc))
    except Exception as exc:
        return Result.failed(task, f"internal error (please report): {type(exc).__name__}")
