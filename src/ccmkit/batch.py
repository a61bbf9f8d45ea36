"""Many States: selection, parallel generation, resume, ZIPs, index and overview.

The library yields one result per State; the CLI shows progress. Workers are started with
the `spawn` method and import WeasyPrint themselves (forking after importing it is unsafe).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import multiprocessing
import re
import shutil
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime, time
from functools import cache
from pathlib import Path
from typing import Any

from ccmkit import __version__
from ccmkit.data.profile import Profile, check_profile_state, profile_from_mapping, read_profile
from ccmkit.data.states import Registry, load_registry
from ccmkit.documents.subject import Options, Subject, format_as_of
from ccmkit.errors import CcmkitError
from ccmkit.package import resolve_languages
from ccmkit.resources import locales_dir, shipped_data_dir, templates_dir

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


# ---------------------------------------------------------------- selection and planning

def read_state_csv(path: Path) -> list[tuple[str, dict[str, str]]]:
    """Rows of a --from CSV: the `state` column and the profile values of the others."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            columns = reader.fieldnames or []
            if "state" not in columns:
                raise CcmkitError(f"{path}: no 'state' column; add a header row with 'state'")
            unknown = [c for c in columns if c not in CSV_COLUMNS]
            if unknown:
                raise CcmkitError(f"{path}: unknown column {unknown[0]!r}; expected "
                                  f"{', '.join(CSV_COLUMNS)}")
            return [(row["state"].strip(), {k: (v or "").strip() for k, v in row.items()
                                             if k != "state" and (v or "").strip()})
                    for row in reader if (row.get("state") or "").strip()]
    except FileNotFoundError:
        raise CcmkitError(f"state list {path} not found: give an existing CSV file") from None
    except UnicodeDecodeError:
        raise CcmkitError(f"{path}: not UTF-8 text; save the CSV as UTF-8") from None


def csv_row_profile(row: dict[str, str], where: str) -> dict[str, Any]:
    """Profile keys from a CSV row (lists split on ';', ',' or spaces)."""
    out: dict[str, Any] = {}
    for key, value in row.items():
        if key in ("deposit_date", "planned_deposit_date"):
            out["planned_deposit_date"] = value
        elif key in CSV_LIST_COLUMNS:
            out[key] = [v for v in re.split(r"[;,\s]+", value) if v]
        elif key == "provisional_application":
            out[key] = value.lower() in ("yes", "true", "1")
        elif key in CSV_FACT_COLUMNS:
            out.setdefault("facts", {})[key] = {"value": value, "source": where}
        else:
            out[key] = value
    return out


def plan(
    registry: Registry,
    codes: Sequence[tuple[str, dict[str, str]]],
    *,
    languages: Sequence[str],
    also: Sequence[str],
    kinds: Sequence[str],
    formats: Sequence[str],
    options: Options,
    profiles: Path | None,
    source_name: str = "",
) -> list[Job]:
    """One Job per selected State, with its profile and its input fingerprint."""
    jobs = []
    for query, row in codes:
        state = registry.find(query)
        raw: dict[str, Any] = {}
        where = []
        error = ""
        if profiles and (profiles / f"{state.iso3}.yaml").is_file():
            path = profiles / f"{state.iso3}.yaml"
            where.append(str(path))
            try:
                raw = read_profile(path)
            except CcmkitError as exc:
                error = str(exc)
        if row and isinstance(raw, dict):
            raw = {**raw, **csv_row_profile(row, f"batch list {source_name}")}
            where.append(f"{source_name} ({state.iso3})")
        state_languages = state.languages
        if not error:
            try:  # validated here so the plan is right; the worker gets the raw mapping
                profile = profile_from_mapping(raw, "; ".join(where) or state.iso3)
                state_languages = profile.languages or state.languages
            except CcmkitError as exc:
                error = str(exc)
        langs = tuple(resolve_languages(languages, state_languages, also))
        job = Job(state.iso3, state.un_name, state.status, langs, tuple(kinds), tuple(formats),
                  options, raw, "; ".join(where), error=error)
        jobs.append(replace(job, fingerprint=fingerprint(job, registry)))
    return jobs


@cache
def _tree_digest(folder: str) -> str:
    digest = hashlib.sha256()
    for path in sorted(Path(folder).rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(folder)).encode())
            digest.update(path.read_bytes())
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
    for part in parts:
        digest.update(part.encode())
    return digest.hexdigest()


def up_to_date(job: Job, out: Path) -> bool:
    """True when the State's manifest records these inputs and every file is intact."""
    path = out / job.code / "manifest.json"
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if manifest.get("inputs") != job.fingerprint:
        return False
    for doc in manifest.get("documents", []):
        file = out / job.code / doc["path"]
        if not file.is_file() or hashlib.sha256(file.read_bytes()).hexdigest() != doc["sha256"]:
            return False
    return True


# ---------------------------------------------------------------- running

@cache
def _registry(status_file: Path | None, status_as_of: str | None) -> Registry:
    return load_registry(status_file, status_as_of)


def job_subject(job: Job, settings: Settings) -> Subject:
    """The Subject of a planned State: its data, its profile laid over them, the options."""
    registry = _registry(settings.status_file, settings.status_as_of)
    profile = (profile_from_mapping(job.profile, job.profile_where or job.code)
               if job.profile else Profile())
    state = registry.find(job.code)
    check_profile_state(profile, state)
    if state.status == "state_party":
        raise CcmkitError(f"{job.code} is already a State Party; leave it out of the batch")
    return Subject(profile.apply(state), registry, profile, job.options)


def run_job(job: Job, settings: Settings) -> Result:
    """Generate one State's package; never raises for that State's own problems."""
    from ccmkit.package import build_package

    result = Result(job.code, job.name, job.status, job.languages, ok=False)
    if job.error:
        return replace(result, message=job.error)
    try:
        if not settings.force and up_to_date(job, settings.out):
            files = _manifest_files(settings.out, job.code)
            if settings.zip:
                write_zip(settings.out, job.code)
            return replace(result, ok=True, skipped=True, files=files)
        subject = job_subject(job, settings)
        manifest = build_package(subject, settings.out, job.languages, job.formats, job.kinds,
                                 extra={"inputs": job.fingerprint})
        if settings.zip:
            write_zip(settings.out, job.code)
        files = tuple(f"{job.code}/{d['path']}" for d in manifest["documents"])
        return replace(result, ok=True, files=files)
    except CcmkitError as exc:
        return replace(result, message=str(exc))
    except Exception as exc:  # one State's bug must not stop the batch
        return replace(result, message=f"internal error: {type(exc).__name__}: {exc}")


def _manifest_files(out: Path, code: str) -> tuple[str, ...]:
    manifest = json.loads((out / code / "manifest.json").read_text(encoding="utf-8"))
    return tuple(f"{code}/{d['path']}" for d in manifest["documents"])


def _warm_worker() -> None:
    """Import the renderers once per worker, before the first State arrives."""
    import ccmkit.render.docx
    import ccmkit.render.pdf  # noqa: F401


def run(jobs: Sequence[Job], settings: Settings, workers: int) -> Iterator[Result]:
    """Run the jobs, yielding results as they complete (in-process when workers == 1)."""
    clean_staging(settings.out)
    if workers <= 1 or len(jobs) <= 1:
        for job in jobs:
            yield run_job(job, settings)
        return
    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context,
                               initializer=_warm_worker)
    try:
        pending: set[Future] = {pool.submit(run_job, job, settings) for job in jobs}
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                yield future.result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def clean_staging(out: Path) -> None:
    """Remove staging folders left by a batch that was killed."""
    if out.is_dir():
        for leftover in out.glob(".*.staging-*"):
            shutil.rmtree(leftover, ignore_errors=True)


# ---------------------------------------------------------------- hand-outs

def write_zip(out: Path, code: str) -> Path:
    """One reproducible ZIP of a State's folder, written atomically."""
    folder = out / code
    target = out / f"{code}.zip"
    stamp = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["generated"]
    when = datetime.combine(datetime.fromisoformat(stamp).date(), time(12), tzinfo=UTC)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            info = zipfile.ZipInfo(f"{code}/{path.relative_to(folder).as_posix()}",
                                   date_time=when.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, path.read_bytes())
    partial = target.with_suffix(".zip.partial")
    partial.write_bytes(buffer.getvalue())
    partial.replace(target)
    return target


INDEX_COLUMNS = ("state", "name", "status", "languages", "result", "reason", "files", "zip")


def write_index(out: Path, results: Iterable[Result], zipped: bool) -> Path:
    """index.csv for the organisers: one row per State, sorted by code."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=INDEX_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for r in sorted(results, key=lambda r: r.code):
        writer.writerow({
            "state": r.code, "name": r.name, "status": r.status,
            "languages": " ".join(r.languages),
            "result": "skipped (up to date)" if r.skipped else ("ok" if r.ok else "failed"),
            "reason": r.message, "files": ";".join(r.files),
            "zip": f"{r.code}.zip" if zipped and r.ok else "",
        })
    target = out / "index.csv"
    partial = out / "index.csv.partial"
    partial.write_text(buffer.getvalue(), encoding="utf-8")
    partial.replace(target)
    return target


def write_overview(out: Path, results: Sequence[Result], registry: Registry, lang: str,
                   options: Options) -> list[Path]:
    """A one-page overview (DOCX and PDF) listing States, status, languages and files."""
    from ccmkit.i18n import gettext_for
    from ccmkit.languages import get_language
    from ccmkit.package import render_files

    _ = gettext_for(lang)
    language = get_language(lang)
    generated = datetime.combine(options.generated, time(12), tzinfo=UTC)
    rows = [{"code": r.code, "name": r.name, "status": r.status,
             "languages": ", ".join(r.languages), "ok": r.ok, "message": r.message,
             "count": len(r.files)} for r in sorted(results, key=lambda r: r.code)]
    context = {
        "lang_tag": language.babel_locale.replace("_", "-"),
        "rows": rows,
        "generated": options.generated,
        "status_as_of": format_as_of(registry, lang),
        "convention": _("Convention on Cluster Munitions"),
        "S": {"short": _("Batch overview")},
    }
    title = _("Batch overview")
    rendered = render_files("overview/overview.html.j2", lang, context, ("docx", "pdf"),
                            title=title, header=f"{context['convention']} – {title}",
                            basename=title, generated=generated,
                            template_dir=options.template_dir)
    written = []
    for fmt, data in rendered.items():
        target = out / f"overview.{fmt}"
        partial = out / f"overview.{fmt}.partial"
        partial.write_bytes(data)
        partial.replace(target)
        written.append(target)
    return written
