"""Many States: selection, parallel generation, resume, ZIPs, index and overview.

The library yields one result per State; the CLI shows progress. Workers come from a
forkserver that has already imported WeasyPrint and the renderers (``ccmkit.preload``),
so each starts warm; a worker dies with its parent (PR_SET_PDEATHSIG). One State's problem
(unknown, listed twice with different values, broken profile, edited file, full disk) fails
that State only.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import importlib
import json
import multiprocessing
import os
import re
import select
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime, time
from functools import cache
from pathlib import Path
from typing import Any

from ccmkit import __version__
from ccmkit.data.states import Registry
from ccmkit.documents.subject import Options, format_as_of
from ccmkit.errors import CcmkitError, DataError, OutputError
from ccmkit.output import (
    MANIFEST,
    clean_leftovers,
    read_bytes_nofollow,
    read_manifest,
    replace_file,
    rezip,
    sha256,
)
from ccmkit.package import resolve_languages, unique
from ccmkit.resources import locales_dir, shipped_data_dir, templates_dir
from ccmkit.sheets import csv_text

PRELOAD = "ccmkit.preload"  # imported once by the forkserver: every worker starts warm

CSV_LIST_COLUMNS = ("barriers", "languages")
CSV_FACT_COLUMNS = ("stockpiles", "contamination", "legal_tradition", "mine_ban_treaty")
CSV_COLUMNS = ("state", "deposit_date", "planned_deposit_date", "instrument",
               "provisional_application", *CSV_LIST_COLUMNS, *CSV_FACT_COLUMNS)


@dataclass(frozen=True)
class Job:
    """One State of a batch: what to generate and from which inputs."""

    code: str
    name: str
    status: str
    languages: tuple[str, ...]
    kinds: tuple[str, ...]
    formats: tuple[str, ...]
    options: Options
    profile: dict[str, Any] = field(default_factory=dict)
    profile_where: str = ""
    fingerprint: str = ""
    error: str = ""  # a problem found while planning (e.g. a broken profile)


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


@dataclass(frozen=True)
class Settings:
    """Batch-wide settings shared by every worker."""

    out: Path
    status_file: Path | None = None
    status_as_of: str | None = None
    force: bool = False
    zip: bool = False
    data_dir: Path | None = None  # the user's data folder, for the workers' registry


# ---------------------------------------------------------------- selection and planning

Selection = list[tuple[str, dict[str, str], str]]  # (State query, CSV values, where)
MAX_LIST_BYTES = 1 << 20


def read_state_csv(path: Path) -> Selection:
    """Rows of a --from CSV: the `state` column, the profile values of the others, the line."""
    if path.exists() and not path.is_file():
        raise DataError(f"state list {path} is not a regular file; give a CSV file")
    if path.is_file() and path.stat().st_size > MAX_LIST_BYTES:
        raise DataError(f"state list {path} is larger than 1 MiB; a list of States is smaller")
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            columns = reader.fieldnames or []
            if "state" not in columns:
                raise DataError(f"{path}: no 'state' column; add a header row with 'state'")
            unknown = [c for c in columns if c not in CSV_COLUMNS]
            if unknown:
                raise DataError(f"{path}: unknown column {str(unknown[0])[:40]!r}; expected "
                                f"{', '.join(CSV_COLUMNS)}")
            rows = []
            for row in reader:
                if None in row:
                    raise DataError(f"{path}, line {reader.line_num}: more values than "
                                    "columns; check the commas on that line")
                query = (row.get("state") or "").strip()
                if query:
                    values = {k: (v or "").strip() for k, v in row.items()
                              if k != "state" and (v or "").strip()}
                    rows.append((query, values, f"line {reader.line_num}"))
            return rows
    except FileNotFoundError:
        raise DataError(f"state list {path} not found: give an existing CSV file") from None
    except UnicodeDecodeError:
        raise DataError(f"{path}: not UTF-8 text; save the CSV as UTF-8") from None
    except csv.Error as exc:
        raise DataError(f"{path}: malformed CSV ({exc}); save it again as CSV") from None


def split_states(codes: str) -> Selection:
    """``--states KEN,HTI`` as a selection."""
    return [(c.strip(), {}, "--states") for c in codes.split(",") if c.strip()]


def csv_row_profile(row: dict[str, str], where: str) -> dict[str, Any]:
    """Profile keys from a CSV row (lists split on ';', ',' or spaces)."""
    out: dict[str, Any] = {}
    for key, value in row.items():
        if key in ("deposit_date", "planned_deposit_date"):
            if out.get("planned_deposit_date", value) != value:
                raise DataError(f"{where}: deposit_date and planned_deposit_date differ "
                                f"({out['planned_deposit_date']} and {value}); keep one")
            out["planned_deposit_date"] = value
        elif key in CSV_LIST_COLUMNS:
            out[key] = [v for v in re.split(r"[;,\s]+", value) if v]
        elif key == "provisional_application":
            flag = {"yes": True, "true": True, "1": True, "no": False, "false": False,
                    "0": False}.get(value.strip().lower())
            out[key] = value if flag is None else flag  # anything else: the profile refuses it
        elif key in CSV_FACT_COLUMNS:
            out.setdefault("facts", {})[key] = {"value": value, "source": where}
        else:
            out[key] = value
    return out


def plan(
    registry: Registry,
    codes: Sequence[tuple[str, dict[str, str]] | tuple[str, dict[str, str], str]],
    *,
    languages: Sequence[str],
    also: Sequence[str],
    kinds: Sequence[str],
    formats: Sequence[str],
    options: Options,
    profiles: Path | None,
    source_name: str = "",
    settings: Mapping[str, Mapping[str, Any]] | None = None,
) -> list[Job]:
    """One Job per selected State (each State once), with its profile and input fingerprint.

    A problem with one entry (unknown State, State Party, broken profile, listed twice with
    different values) becomes that Job's error; the other States still run. ``settings``:
    profile mappings by ISO3 held in memory (the web's per-State settings), used for a State
    with no profile file.
    """
    from ccmkit.api import PackageRequest, find_state, prepare
    from ccmkit.data.profile import read_profile

    jobs: dict[str, Job] = {}
    rows: dict[str, tuple[dict[str, str], str]] = {}
    kinds, formats = tuple(unique(kinds)), tuple(unique(formats))
    for entry in codes:
        query, row = entry[0], entry[1]
        line = entry[2] if len(entry) > 2 else ""
        try:
            state = find_state(registry, query)
        except CcmkitError as exc:
            label = re.sub(r"[^\w .'’-]", "?", query)[:40]
            jobs[f"?{label}"] = Job(label, "", "", (), kinds, formats, options,
                                    error=str(exc))
            continue
        if state.iso3 in rows:
            first_row, first_line = rows[state.iso3]
            if first_row != row:
                listed = f"{source_name or 'the selection'} ({first_line} and {line})"
                jobs[state.iso3] = replace(jobs[state.iso3], error=(
                    f"{state.iso3} is listed twice in {listed} with different values; keep "
                    "one row"))
            continue
        rows[state.iso3] = (row, line)
        raw: Any = {}
        where = []
        error = ""
        if profiles:
            path = profiles / f"{state.iso3}.yaml"
            if path.is_file() or path.is_symlink():
                where.append(str(path))
                try:
                    raw = read_profile(path)
                except CcmkitError as exc:
                    error = str(exc)
        if not where and settings and settings.get(state.iso3):
            raw = dict(settings[state.iso3])
            where.append(f"settings of {state.iso3}")
        if row and isinstance(raw, dict):
            raw = {**raw, **csv_row_profile(row, f"batch list {source_name}")}
            where.append(f"{source_name} ({state.iso3})")
        state_languages = state.languages
        if not error:
            try:  # validated here so the plan is right; the worker gets the raw mapping
                subject = prepare(registry, PackageRequest(
                    state.iso3, raw if raw else None, options, kinds,
                    profile_where="; ".join(where) or state.iso3))
                state_languages = subject.state.languages
            except CcmkitError as exc:
                error = str(exc)
        langs = tuple(resolve_languages(languages, state_languages, also))
        job = Job(state.iso3, state.un_name, state.status, langs, kinds, formats,
                  options, raw if isinstance(raw, dict) else {}, "; ".join(where),
                  error=error)
        jobs[state.iso3] = replace(job, fingerprint=fingerprint(job, registry))
    return list(jobs.values())


@cache
def _tree_digest(folder: str) -> str:
    """A digest of a folder's files; links are hashed as links, never followed."""
    digest = hashlib.sha256()
    root = Path(folder)
    for dirpath, dirnames, filenames in sorted(os.walk(root)):
        dirnames.sort()
        if "__pycache__" in dirpath:
            continue
        for name in sorted(filenames):
            path = Path(dirpath, name)
            digest.update(str(path.relative_to(root)).encode())
            if path.is_symlink():
                digest.update(b"link:" + os.fsencode(os.readlink(path)))
            elif path.is_file():
                digest.update(sha256(path.read_bytes()).encode())
    return digest.hexdigest()


def fingerprint(job: Job, registry: Registry) -> str:
    """A digest of every input of a State's package: data, profile, templates, options."""
    digest = hashlib.sha256()
    parts = [
        __version__,
        _tree_digest(str(shipped_data_dir())),
        _tree_digest(str(templates_dir())),
        _tree_digest(str(locales_dir())),
        *(part.hex() for part in registry.status.digest_inputs()),
        json.dumps(job.profile, sort_keys=True, default=str),
        json.dumps([job.languages, job.kinds, job.formats], sort_keys=True),
        json.dumps(asdict(job.options), sort_keys=True, default=str),
    ]
    if job.options.template_dir:
        parts.append(_tree_digest(str(job.options.template_dir)))
    if registry.data_dir is not None:
        parts.append(_tree_digest(str(registry.data_dir)))
    for part in parts:
        digest.update(part.encode())
    return digest.hexdigest()


def up_to_date(job: Job, out: Path) -> bool:
    """True when the State's manifest records these inputs and every file is intact."""
    folder = out / job.code
    try:
        manifest = read_manifest(folder)
    except CcmkitError:
        return False
    if manifest is None or manifest.get("inputs") != job.fingerprint:
        return False
    for doc in manifest["documents"]:
        try:
            if sha256(read_bytes_nofollow(folder / doc["path"])) != doc["sha256"]:
                return False
        except OSError:
            return False
    return True


# ---------------------------------------------------------------- running

@cache
def _registry(status_file: Path | None, status_as_of: str | None,
              data_dir: Path | None = None) -> Registry:
    from ccmkit.api import load_registry

    return load_registry(status_file, status_as_of, data_dir)


def run_job(job: Job, settings: Settings) -> Result:
    """Generate one State's package; never raises for that State's own problems."""
    from ccmkit.api import PackageRequest, prepare
    from ccmkit.package import build_package

    result = Result(job.code, job.name, job.status, job.languages, ok=False)
    if job.error:
        return replace(result, message=job.error)
    try:
        if not settings.force and up_to_date(job, settings.out):
            files = _manifest_files(settings.out, job.code)
            if settings.zip:
                rezip(settings.out, job.code)
            return replace(result, ok=True, skipped=True, files=files)
        registry = _registry(settings.status_file, settings.status_as_of, settings.data_dir)
        subject = prepare(registry, PackageRequest(job.code, job.profile or None, job.options,
                                                   job.kinds, job.profile_where or job.code))
        manifest = build_package(subject, settings.out, job.languages, job.formats, job.kinds,
                                 extra={"inputs": job.fingerprint}, force=settings.force,
                                 zipped=settings.zip)
        files = tuple(f"{job.code}/{d['path']}" for d in manifest["documents"])
        return replace(result, ok=True, files=files)
    except CcmkitError as exc:
        return replace(result, message=str(exc))
    except Exception as exc:  # a bug: this State fails, the batch goes on, the kind is named
        return replace(result, message=f"internal error (please report): "
                                       f"{type(exc).__name__}: {str(exc)[:200]}")


def _manifest_files(out: Path, code: str) -> tuple[str, ...]:
    manifest = read_manifest(out / code) or {"documents": []}
    return tuple(f"{code}/{d['path']}" for d in manifest["documents"])


def warm_worker() -> None:
    """In a long-lived worker (the web server's): have the renderers ready."""
    importlib.import_module(PRELOAD)  # already imported by the forkserver: a no-op there


def _worker_start(batch_pid: int) -> None:
    """In each worker: die with the batch process, and have the renderers ready."""
    _die_with(batch_pid)
    importlib.import_module(PRELOAD)  # already imported by the forkserver: a no-op there


def _die_with(batch_pid: int) -> None:
    """End this worker as soon as the batch process is gone (killed, even with SIGKILL).

    A forkserver worker is the forkserver's child and holds the pipes that would tell it the
    batch is gone, so it watches the batch process itself: a daemon thread waits on a pidfd
    (Linux 5.3+; polling elsewhere). PR_SET_PDEATHSIG also ends it if the forkserver dies.
    """
    import ctypes
    import signal
    import threading

    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    try:
        pidfd = os.pidfd_open(batch_pid)
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
                    os.kill(batch_pid, 0)
                except ProcessLookupError:
                    break
                threading.Event().wait(0.5)
        os.kill(os.getpid(), signal.SIGKILL)

    threading.Thread(target=watch, name="ccmkit-parent-watch", daemon=True).start()


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


def _cost(job: Job) -> int:
    return len(job.languages) * len(job.kinds) * len(job.formats)


class Runner:
    """Runs a batch's jobs on warm workers (in-process when ``workers`` is 1), then writes
    index.csv and the overview (rendered by a worker that is already warm)."""

    def __init__(self, settings: Settings, workers: int) -> None:
        self.settings = settings
        self.workers = workers
        self.pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> Runner:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None

    def run(self, jobs: Sequence[Job]) -> Iterator[Result]:
        """Yield results as they complete; the biggest States start first."""
        clean_leftovers(self.settings.out)
        if self.workers <= 1 or len(jobs) <= 1:
            for job in jobs:
                yield run_job(job, self.settings)
            return
        if self.pool is None:
            self.pool = ProcessPoolExecutor(max_workers=min(self.workers, len(jobs)),
                                            mp_context=worker_context(),
                                            initializer=_worker_start, initargs=(os.getpid(),))
        futures = {self.pool.submit(run_job, job, self.settings): job
                   for job in sorted(jobs, key=_cost, reverse=True)}
        pending = set(futures)
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                yield _outcome(future, futures[future])

    def finish(self, results: Sequence[Result], lang: str, options: Options) -> None:
        """index.csv and overview.docx/.pdf in the output folder."""
        from ccmkit.output import prepare_out

        out = self.settings.out
        prepare_out(out)
        write_index(out, results, self.settings.zip)
        args = (list(results), self.settings, lang, options)
        try:
            rendered = (self.pool.submit(render_overview, *args).result() if self.pool
                        else render_overview(*args))
        except BrokenProcessPool:
            rendered = render_overview(*args)
        for fmt, data in rendered.items():
            replace_file(out / f"overview.{fmt}", data)


def run(jobs: Sequence[Job], settings: Settings, workers: int) -> Iterator[Result]:
    """Run the jobs, yielding results as they complete (see ``Runner``)."""
    with Runner(settings, workers) as runner:
        yield from runner.run(jobs)


def _outcome(future: Future[Result], job: Job) -> Result:
    """A worker's result; a crashed worker fails the States it held, with a clear reason."""
    try:
        return future.result()
    except BrokenProcessPool:
        return Result(job.code, job.name, job.status, job.languages, ok=False,
                      message="the worker process died while rendering (out of memory, or "
                              "killed); run this State again with --jobs 1")


# ---------------------------------------------------------------- hand-outs

def write_zip(out: Path, code: str) -> Path:
    """One reproducible ZIP of a State's manifest files, written atomically."""
    rezip(out, code)
    return out / f"{code}.zip"


INDEX_COLUMNS = ("state", "name", "status", "languages", "result", "reason", "files", "zip")


def write_index(out: Path, results: Iterable[Result], zipped: bool) -> Path:
    """index.csv for the organisers: one row per State, sorted by code."""
    rows = [{
            "state": r.code, "name": r.name, "status": r.status,
            "languages": " ".join(r.languages),
            "result": "skipped (up to date)" if r.skipped else ("ok" if r.ok else "failed"),
            "reason": r.message, "files": ";".join(r.files),
            "zip": f"{r.code}.zip" if zipped and r.ok else "",
            } for r in sorted(results, key=lambda r: r.code)]
    target = out / "index.csv"
    replace_file(target, csv_text(INDEX_COLUMNS, rows).encode("utf-8"))
    return target


def render_overview(results: Sequence[Result], settings: Settings, lang: str,
                    options: Options) -> dict[str, bytes]:
    """The one-page overview (DOCX and PDF): States, status, languages, files, result."""
    from ccmkit.languages import get_locale
    from ccmkit.render.pipeline import render

    registry = _registry(settings.status_file, settings.status_as_of, settings.data_dir)
    locale = get_locale(lang)
    _ = locale.gettext
    generated = datetime.combine(options.generated, time(12), tzinfo=UTC)
    rows = [{"code": r.code, "name": r.name or r.code, "status": r.status,
             "languages": ", ".join(r.languages), "ok": r.ok, "message": r.message,
             "count": len(r.files)} for r in sorted(results, key=lambda r: r.code)]
    context = {
        "lang_tag": locale.tag,
        "rows": rows,
        "generated": options.generated,
        "status_as_of": format_as_of(registry, locale),
        "convention": _("Convention on Cluster Munitions"),
        "S": {"short": _("Batch overview")},
    }
    title = _("Batch overview")
    return render("overview/overview.html.j2", locale, context, ("docx", "pdf"), title=title,
                  header=f"{context['convention']} – {title}", full_title=f"{title} – {title}",
                  generated=generated, template_dir=options.template_dir)


__all__ = ["MANIFEST", "Job", "OutputError", "Result", "Runner", "Settings", "plan", "run",
           "up_to_date"]
