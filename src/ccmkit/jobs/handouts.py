"""What a job hands out beside the packages: ``index.csv`` (through ``ccmkit.sheets``), the
one-page overview (DOCX and PDF), the workshop's ZIP (through the one ZIP writer,
``output.zip_bytes``), and the download name of each file."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path

from ccmkit import labels
from ccmkit.documents.options import Options
from ccmkit.documents.subject import format_as_of
from ccmkit.jobs.run import Executor, Result, Settings, WorkerDied, registry_for
from ccmkit.output import (
    MANIFEST,
    generation_time,
    read_bytes_nofollow,
    read_manifest,
    replace_file,
    zip_bytes,
)
from ccmkit.package import zip_name
from ccmkit.sheets import csv_text

INDEX = "index.csv"
INDEX_COLUMNS = ["state", "name", "status", "languages", "result", "reason", "files", "zip"]


def index_text(results: Iterable[Result], zipped: bool) -> str:
    """index.csv for the organisers: one row per State, sorted by code (cells never
    formulas)."""
    rows = [{
        "state": r.code, "name": r.name, "status": r.status,
        "languages": " ".join(r.languages),
        "result": "skipped (up to date)" if r.skipped else ("ok" if r.ok else "failed"),
        "reason": r.message, "files": ";".join(r.files),
        "zip": f"{r.code}.zip" if zipped and r.ok else "",
    } for r in sorted(results, key=lambda r: r.code)]
    return csv_text(INDEX_COLUMNS, rows)


def write_index(out: Path, results: Iterable[Result], zipped: bool) -> Path:
    target = out / INDEX
    replace_file(target, index_text(results, zipped))
    return target


def render_overview(results: Sequence[Result], settings: Settings, lang: str,
                    options: Options) -> dict[str, bytes]:
    """The one-page overview (DOCX and PDF): States, status, languages, files, result."""
    from ccmkit.languages import get_locale
    from ccmkit.render.pipeline import render

    registry = registry_for(settings.status_file, settings.status_as_of, settings.data_dir)
    locale = get_locale(lang)
    _ = locale.gettext
    generated = generation_time(options.generated)
    rows = [{"code": r.code, "name": r.name or r.code,
             "status": _(labels.STATUS[r.status]) if r.status in labels.STATUS else "",
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


def write_overview(out: Path, results: Sequence[Result], settings: Settings, lang: str,
                   options: Options) -> list[str]:
    """overview.docx and overview.pdf in ``out``; their names."""
    names = []
    for fmt, data in render_overview(results, settings, lang, options).items():
        replace_file(out / f"overview.{fmt}", data)
        names.append(f"overview.{fmt}")
    return names


def workshop_zip(out: Path, results: Sequence[Result], day: date) -> bytes:
    """The organisers' ZIP: index.csv, the overview, and each State's documents under their
    download names in ``<ISO3>/`` with its manifest."""
    files: dict[str, bytes] = {}
    for name in (INDEX, "overview.pdf", "overview.docx"):
        if (out / name).is_file():
            files[name] = read_bytes_nofollow(out / name)
    for result in results:
        manifest = read_manifest(out / result.code) if result.ok else None
        if manifest is None:
            continue
        files[f"{result.code}/{MANIFEST}"] = read_bytes_nofollow(out / result.code / MANIFEST)
        for doc in manifest["documents"]:
            files[f"{result.code}/{zip_name(result.code, doc)}"] = read_bytes_nofollow(
                out / result.code / doc["path"])
    return zip_bytes(files, day)


def finish_workshop(out: Path, results: Sequence[Result], settings: Settings, lang: str,
                    options: Options, name: str) -> str:
    """In a worker: index.csv, the overview and the workshop's ZIP ``name``; returns it."""
    write_index(out, results, False)
    write_overview(out, results, settings, lang, options)
    replace_file(out / name, workshop_zip(out, results, options.generated))
    return name


def finish_batch(out: Path, results: Sequence[Result], settings: Settings, lang: str,
                 options: Options, executor: Executor) -> None:
    """index.csv and overview.docx/.pdf in the batch's output folder (the overview rendered
    by a worker that is already warm; here if that worker died)."""
    from ccmkit.output import prepare_out

    prepare_out(out)
    write_index(out, results, settings.zip)
    try:
        executor.submit(write_overview, out, list(results), settings, lang, options).result()
    except WorkerDied:
        write_overview(out, results, settings, lang, options)
