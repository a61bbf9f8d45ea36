"""`ccmkit log`: the outreach follow-up log (parses options, calls ccmkit.log)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import click

from ccmkit.cli import LANGS, CcmkitGroup, _iso_date
from ccmkit.errors import CcmkitError
from ccmkit.vocab import CHANNELS, STAGES


class UsageLine(click.ClickException):
    """A usage error shown as one `Error:` line (exit code 2, like Click's usage errors)."""

    exit_code = 2


class LogGroup(CcmkitGroup):
    """Bad options and arguments of the log commands give one line, without the usage text."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.UsageError as exc:
            raise UsageLine(" ".join(exc.format_message().split())) from None


@contextmanager
def opened(ctx: click.Context) -> Iterator[Any]:
    """The log chosen with --db / $CCMKIT_DB (migrated on opening), closed afterwards."""
    from ccmkit.log.store import Log

    log_ = Log(ctx.obj["db"])
    try:
        yield log_
    finally:
        log_.close()


def _optional_date(ctx: click.Context, param: click.Parameter, value: str | None) -> Any:
    """A date, or "" to clear it (edit)."""
    if value == "":
        return ""
    return _iso_date(ctx, param, value)


def record_options(editing: bool) -> Callable[[Callable], Callable]:
    """The fields of a record: required stage for `add`, all optional for `edit`."""
    clear = " (\"\" clears it)" if editing else ""
    channels = (*CHANNELS, "") if editing else CHANNELS

    def decorate(func: Callable) -> Callable:
        options = [
            click.option("--stage", type=click.Choice(STAGES), required=not editing,
                         help="Stage reached."),
            click.option("--date", "day", callback=_iso_date, metavar="YYYY-MM-DD",
                         help="Date of the contact" + ("." if editing else " [default: today].")),
            click.option("--channel", type=click.Choice(channels),
                         help="geneva = Permanent Mission in Geneva, capital, regional = "
                              "regional workshop or meeting, other" + clear + "."),
            click.option("--lead", metavar="TEXT",
                         help="Who leads for this State (Norway, Costa Rica, Presidency...)"
                              + clear + "."),
            click.option("--with", "with_whom", metavar="TEXT",
                         help="With whom (name, office)" + clear + "."),
            click.option("--note", metavar="TEXT", help="A note" + clear + "."),
            click.option("--next-step", metavar="TEXT", help="The next step agreed" + clear
                         + "."),
            click.option("--due", callback=_optional_date if editing else _iso_date,
                         metavar="YYYY-MM-DD", help="Due date of the next step" + clear + "."),
            click.option("--package", metavar="DIR",
                         help="The package folder sent (OUT/<ISO3> with manifest.json): its "
                              "manifest's path and SHA-256 are recorded" + clear + "."),
        ]
        if editing:
            options.insert(0, click.option("--state", help="Another State (code or name)."))
        for option in reversed(options):
            func = option(func)
        return func

    return decorate


@click.group(cls=LogGroup)
@click.option("--db", metavar="URL", envvar="CCMKIT_DB", show_envvar=True,
              help="Database: a SQLite file path or URL, or postgresql://USER@HOST/DB "
                   "[default: log.sqlite3 in the user data folder].")
@click.pass_context
def log(ctx: click.Context, db: str | None) -> None:
    """Outreach follow-up log: contacted, meeting held, next step agreed (internal)."""
    ctx.ensure_object(dict)
    ctx.obj["db"] = db


def _echo_record(action: str, record: Any) -> None:
    click.echo(f"{action} record {record.id}: {record.state} {record.stage} on {record.date}")


@log.command("add")
@click.argument("state")
@record_options(editing=False)
@click.pass_context
def add(ctx: click.Context, state: str, stage: str, day: date | None, package: str | None,
        **values: Any) -> None:
    """Record a contact with STATE (ISO code or name)."""
    from ccmkit.log.store import Fields, find_state, read_package

    iso3 = find_state(state).iso3
    sent = read_package(Path(package), iso3) if package else None
    fields = Fields(state=iso3, date=day or date.today(), stage=stage, package=sent, **values)
    with opened(ctx) as log_:
        _echo_record("Added", log_.add(fields))


@log.command("list")
@click.argument("state", required=False)
@click.option("--stage", type=click.Choice(STAGES))
@click.option("--since", callback=_iso_date, metavar="YYYY-MM-DD",
              help="Records dated on or after this day.")
@click.option("--format", "fmt", type=click.Choice(("table", "csv", "json")), default="table",
              show_default=True)
@click.pass_context
def list_(ctx: click.Context, state: str | None, stage: str | None, since: date | None,
          fmt: str) -> None:
    """List the records (of one STATE), oldest first; json gives each record's id."""
    from ccmkit.log.formats import render_records

    with opened(ctx) as log_:
        records = log_.records(state, stage, since)
    click.echo(render_records(records, fmt), nl=False)


@log.command("edit")
@click.argument("record_id", metavar="ID", type=int)
@record_options(editing=True)
@click.pass_context
def edit(ctx: click.Context, record_id: int, day: date | None, package: str | None,
         **values: Any) -> None:
    """Change fields of record ID; the old values stay in its history."""
    from ccmkit.log.store import find_state, read_package

    changes = {k: (v or None) for k, v in values.items() if v is not None}
    if "state" in changes and changes["state"] is None:
        raise CcmkitError("--state: give a State code or name (a record always has a State)")
    if day is not None:
        changes["date"] = day
    with opened(ctx) as log_:
        if package is not None:
            iso3 = find_state(changes.get("state") or log_.get(record_id).state).iso3
            changes["package"] = read_package(Path(package), iso3) if package else None
        if not changes:
            raise CcmkitError(f"record {record_id}: give at least one option to change "
                              "(see `ccmkit log edit -h`)")
        _echo_record("Edited", log_.edit(record_id, **changes))


@log.command("remove")
@click.argument("record_id", metavar="ID", type=int)
@click.pass_context
def remove(ctx: click.Context, record_id: int) -> None:
    """Remove record ID from lists and reports (recorded, not erased)."""
    with opened(ctx) as log_:
        _echo_record("Removed", log_.remove(record_id))


@log.command("restore")
@click.argument("record_id", metavar="ID", type=int)
@click.pass_context
def restore(ctx: click.Context, record_id: int) -> None:
    """Undo the removal of record ID (its history keeps the removal and the restore)."""
    with opened(ctx) as log_:
        _echo_record("Restored", log_.restore(record_id))


REPORT_FORMATS = ("table", "json", "docx", "pdf", "xlsx")


@log.command("report")
@click.option("--lang", type=click.Choice(LANGS), default="en", show_default=True,
              help="Language of the State names (table, json) and of the documents.")
@click.option("--format", "formats", multiple=True, type=click.Choice(REPORT_FORMATS),
              help="table or json (printed); docx, pdf (the internal document) and xlsx (its "
                   "tables) written to OUT/internal/ [default: table].")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("out"),
              show_default=True, help="Output folder for docx, pdf and xlsx.")
@click.pass_context
def report(ctx: click.Context, lang: str, formats: tuple[str, ...], out: Path) -> None:
    """Deliverables: meetings vs the target of 10, States per stage, overdue next steps, top 15
    never contacted, and the summary of activities for the preparatory meetings (internal)."""
    from ccmkit.data.states import load_registry
    from ccmkit.log.formats import render_report, report_xlsx
    from ccmkit.workbench.log_report import report_document
    from ccmkit.workbench.render import INTERNAL_DIR, write_all
    from ccmkit.workbench.targets import top_iso3

    formats = formats or ("table",)
    top15 = top_iso3(load_registry())
    with opened(ctx) as log_:
        result = log_.report(top15=top15)
    for fmt in ("table", "json"):
        if fmt in formats:
            click.echo(render_report(result, fmt, lang), nl=False)
    stem = out / INTERNAL_DIR / f"follow-up-report-{lang}"
    files: dict[Path, bytes | str] = {}
    documents = tuple(f for f in ("docx", "pdf") if f in formats)
    if documents:
        rendered = report_document(result, lang, documents)
        files.update({stem.with_suffix(f".{fmt}"): data for fmt, data in rendered.items()})
    if "xlsx" in formats:
        files[stem.with_suffix(".xlsx")] = report_xlsx(result, lang)
    for path in write_all(files):
        click.echo(str(path))


@log.command("calendar")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the .ics file here [default: standard output].")
@click.option("--lang", type=click.Choice(LANGS), default="en", show_default=True,
              help="Language of the State names and labels.")
@click.pass_context
def calendar(ctx: click.Context, out: Path | None, lang: str) -> None:
    """The next steps with a due date as an iCalendar file (import it into Outlook)."""
    from ccmkit.log.calendar import calendar_bytes
    from ccmkit.workbench.render import write_all

    with opened(ctx) as log_:
        data = calendar_bytes(log_.latest().values(), lang)
    if out is None:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    click.echo(str(write_all({out: data})[0]))


@log.command("export")
@click.option("--format", "fmt", type=click.Choice(("csv", "xlsx")), default="csv",
              show_default=True)
@click.pass_context
def export(ctx: click.Context, fmt: str) -> None:
    """Write every live record to standard output as CSV or XLSX (redirect to a file)."""
    from ccmkit.log.formats import rows, to_csv, to_xlsx

    stdout = sys.stdout.buffer
    if fmt == "xlsx" and stdout.isatty():
        raise CcmkitError("--format xlsx writes a binary file: redirect it, "
                          "e.g. `ccmkit log export --format xlsx > log.xlsx`")
    with opened(ctx) as log_:
        data = rows(log_.records())
    stdout.write(to_xlsx(data) if fmt == "xlsx" else to_csv(data).encode("utf-8"))
    stdout.flush()


@log.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--again", is_flag=True,
              help="Import a file that was imported before (its records are added twice).")
@click.pass_context
def import_(ctx: click.Context, file: Path, again: bool) -> None:
    """Add the records of FILE.csv or FILE.xlsx (all rows or none; at most 20,000 lines and
    20 MiB). The same file imported twice is refused unless --again."""
    from ccmkit.log.importer import read_records
    from ccmkit.sheets import file_sha256

    records = read_records(file)
    with opened(ctx) as log_:
        added = log_.add_many(records, source=file.name, sha256=file_sha256(file),
                              again=again)
    click.echo(f"Imported {len(added)} records from {file}")
