"""The ccmkit command line: parses options and calls the library (heavy imports are lazy)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import UTC, date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ccmkit.errors import CcmkitError
from ccmkit.languages import registry as language_registry
from ccmkit.vocab import (
    DOC_KINDS,
    FORMATS,
    GROUPINGS,
    STATUS_SELECTORS,
)

if TYPE_CHECKING:
    from ccmkit.documents.options import OptionField, Options

LANGS: tuple[str, ...] = tuple(language_registry())


class CcmkitGroup(click.Group):
    """Turns CcmkitError into a one-line error and its exit code, without a traceback.

    Exit codes: 1 some States of a batch failed, 2 usage or other bad input, 3 data,
    4 State not found, 5 not eligible, 6 template, 7 output. Anything else is a bug and
    keeps its traceback.
    """

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except CcmkitError as exc:
            click.echo(f"Error: {exc}", err=True)
            ctx.exit(exc.exit_code)


def _iso_date(ctx: click.Context, param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date YYYY-MM-DD") from None


def _out_dir(ctx: click.Context, param: click.Parameter, value: str) -> Path:
    """--out: a folder; an empty value (it would write into the current folder) is refused."""
    if not value.strip():
        raise click.BadParameter("empty; give the output folder (e.g. --out out)")
    path = Path(value)
    if path.exists() and not path.is_dir():
        raise click.BadParameter(f"{value} is a file; give a folder")
    return path


def _generation_date(ctx: click.Context, param: click.Parameter,
                     value: str | None) -> date | None:
    """--date: a date the documents can carry (the rule of the `generated` option)."""
    from ccmkit.documents.options import option_fields

    generated = next(f for f in option_fields("cli") if f.name == "generated")
    day: date | None = _checked(generated)(ctx, param, value)
    return day


def _remember_data_dir(ctx: click.Context, param: click.Parameter,
                       value: Path | None) -> Path | None:
    ctx.meta["ccmkit.data_dir"] = value
    return value


def status_options(func: Callable) -> Callable:
    """--status-file / --status-as-of / --data-dir, on every command that reads State data."""
    func = click.option(
        "--data-dir", type=click.Path(file_okay=False, path_type=Path), expose_value=False,
        envvar="CCMKIT_DATA_DIR", show_envvar=True, callback=_remember_data_dir,
        help="Your data folder (facts.csv + sources.yaml, status.csv) laid over the shipped "
             "data.",
    )(func)
    func = click.option(
        "--status-as-of", metavar="YYYY-MM-DD",
        help="Date the status file was checked (or give as_of in <file>.meta.yaml beside it).",
    )(func)
    return click.option(
        "--status-file", type=click.Path(dir_okay=False, path_type=Path),
        envvar="CCMKIT_STATUS_FILE", show_envvar=True,
        help="Updated Convention status table (same columns as the shipped status.csv); an "
             "update: States it omits keep their shipped status.",
    )(func)


def _registry(status_file: Path | None, status_as_of: str | None) -> Any:
    from ccmkit.api import load_registry

    ctx = click.get_current_context(silent=True)
    data_dir = ctx.meta.get("ccmkit.data_dir") if ctx else None
    return load_registry(status_file, status_as_of, data_dir)


@click.group(cls=CcmkitGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="ccmkit")
def cli() -> None:
    """Ratification support packages for the Convention on Cluster Munitions."""


class DocumentCommand(click.Command):
    """A command with every document kind's options (ccmkit.documents.options), made from the
    option models when the command is used, so ``ccmkit --help`` does not load them."""

    def get_params(self, ctx: click.Context) -> list[click.Parameter]:
        if not any(p.name == "generated" for p in self.params):
            from ccmkit.documents.options import option_fields

            at = next(i for i, p in enumerate(self.params) if p.name == "docs") + 1
            self.params[at:at] = [option_param(f) for f in option_fields("cli")]
        return super().get_params(ctx)


def document_options(func: Callable) -> Callable:
    """Options shared by `package` and `batch` (commands of class DocumentCommand): what to
    make, where (the document kinds' own options come in after --doc)."""
    options: list[Callable[[Callable], Callable]] = [
        click.option("--lang", "langs", multiple=True, default=("auto",), show_default=True,
                     type=click.Choice(("auto", *LANGS)),
                     help="Language(s); auto = the State's package languages."),
        click.option("--format", "formats", multiple=True, type=click.Choice(FORMATS),
                     help="Format(s) [default: docx and pdf]."),
        click.option("--doc", "docs", multiple=True, type=click.Choice(DOC_KINDS),
                     help="Document(s) [default: all]."),
        click.option("--out", default="out", show_default=True, callback=_out_dir,
                     help="Output folder."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def option_param(field: OptionField) -> click.Option:
    """The click option of a document option: its flag, type and help from the model."""
    flag = field.opt.flag or "--" + field.name.replace("_", "-")
    names = [flag, field.name]
    help_text = field.opt.help
    if field.kind is bool:
        if field.annotation is bool:
            return click.Option(names, is_flag=True, help=help_text)
        return click.Option([f"{flag}/--no-{flag[2:]}", field.name], default=None,
                            help=help_text)
    if field.kind is Path:
        return click.Option(names, help=help_text,
                            type=click.Path(file_okay=False, exists=True, resolve_path=True,
                                            path_type=Path))
    if field.opt.choices:
        return click.Option(names, multiple=field.multiple, help=help_text,
                            type=click.Choice(field.opt.choices))
    metavar = "YYYY-MM-DD" if field.kind is date else "TEXT"
    return click.Option(names, metavar=metavar, help=help_text, callback=_checked(field))


def _checked(field: OptionField) -> Callable[[click.Context, click.Parameter, Any], Any]:
    """A click callback validating the value as the option's model does."""
    def check(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
        if value is None:
            return None
        if field.kind is date:
            value = _iso_date(ctx, param, value)
        try:
            return field.parse(value)
        except ValueError as exc:
            raise click.BadParameter(str(exc)) from None
    return check


def default_generation_date() -> date:
    """SOURCE_DATE_EPOCH's date when set (reproducible builds), else today."""
    import os
    from datetime import datetime

    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        try:
            day = datetime.fromtimestamp(int(epoch), tz=UTC).date()
        except (ValueError, OverflowError, OSError):
            day = date.max
        from ccmkit.documents.options import issued

        try:
            return issued(day)
        except ValueError:
            raise CcmkitError(f"SOURCE_DATE_EPOCH={epoch[:20]} is not a date the documents can "
                              "carry; give seconds since 1970 (or unset it, or pass --date)"
                              ) from None
    return date.today()


def make_options(params: dict[str, Any]) -> Options:
    """The command's document options as one Options (the generation date defaults to
    SOURCE_DATE_EPOCH's date or today)."""
    from ccmkit.documents.options import make_options as build_options
    from ccmkit.documents.options import option_fields

    values = {field.name: params.get(field.name) for field in option_fields("cli")}
    values["generated"] = values["generated"] or default_generation_date()
    try:
        return build_options(values)
    except ValueError as exc:
        raise CcmkitError(f"--{exc}") from None


@cli.command(cls=DocumentCommand)
@click.argument("state")
@document_options
@click.option("--profile", type=click.Path(dir_okay=False, path_type=Path),
              help="YAML profile merged over the shipped State data (for this run, instead "
                   "of the State's settings in the database).")
@click.option("--db", metavar="PATH_OR_URL",
              help="Database with the States' settings (default: $CCMKIT_DB, else the log "
                   "file if it exists).")
@click.option("--eml", is_flag=True,
              help="Also write an e-mail draft per language, OUT/<ISO3>-<lang>.eml: the cover "
                   "note as the message, the documents attached.")
@click.option("--brief", "with_brief", is_flag=True,
              help="Also write the INTERNAL brief in OUT/internal/<ISO3>/ (not for the State).")
@click.option("--force", is_flag=True,
              help="Replace the State's folder even if a file in it was edited or added.")
@status_options
def package(state: str, profile: Path | None, force: bool, status_file: Path | None,
            status_as_of: str | None, with_brief: bool = False, db: str | None = None,
            eml: bool = False, **params: Any) -> None:
    """Generate the package for one STATE (ISO code or name)."""
    from ccmkit.api import PackageRequest, build_package, prepare
    from ccmkit.log.settings import stored_profile

    registry = _registry(status_file, status_as_of)
    kinds = tuple(params["docs"]) or DOC_KINDS
    subject = prepare(registry, PackageRequest(
        state, profile, make_options(params), (*kinds, "brief") if with_brief else kinds,
        settings=lambda iso3: stored_profile(iso3, db)))
    manifest = build_package(subject, params["out"], params["langs"], params["formats"],
                             params["docs"], force=force)
    where = params["out"] / subject.state.iso3
    click.echo(f"{subject.state.un_name}: {len(manifest['documents'])} files in {where}")
    if eml:
        from ccmkit.package import write_drafts

        for path in write_drafts(subject, params["out"], manifest):
            click.echo(f"e-mail draft: {path}")
    if with_brief:
        from ccmkit.package import resolve_languages
        from ccmkit.workbench.brief import write_briefs

        languages = resolve_languages(params["langs"], subject.state.languages)
        written = write_briefs(subject, params["out"], languages, params["formats"] or FORMATS)
        click.echo(f"INTERNAL brief (not for the State): {written[0].parent}")


@cli.command()
@click.argument("state")
@click.option("--deposit-date", callback=_iso_date, required=True, metavar="YYYY-MM-DD")
@click.option("--profile", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--historical", is_flag=True, help="Accept a past deposit date (a worked example).")
@click.option("--format", "fmt", type=click.Choice(("text", "json")), default="text",
              show_default=True)
@status_options
def timeline(state: str, deposit_date: date, profile: Path | None, historical: bool, fmt: str,
             status_file: Path | None, status_as_of: str | None) -> None:
    """Entry into force and deadlines for STATE if it deposits on --deposit-date."""
    from ccmkit.api import PackageRequest, check_deposit, prepare
    from ccmkit.documents.options import Options
    from ccmkit.report import show_timeline

    registry = _registry(status_file, status_as_of)
    subject = prepare(registry, PackageRequest(state, profile, Options(historical=historical),
                                               kinds=()))
    found = subject.state.membership
    if found.status == "state_party" and found.deposit_date != deposit_date:
        actual = (f"it deposited its instrument on {found.deposit_date}; give --deposit-date "
                  f"{found.deposit_date} for its dates" if found.deposit_date else
                  "its deposit date is not in the status table")
        raise CcmkitError(f"{subject.state.un_name} ({subject.state.iso3}) is already a State "
                          f"Party: {actual}")
    check_deposit(subject, deposit_date)
    click.echo(show_timeline(subject.state, deposit_date, fmt), nl=False)


@cli.command(cls=DocumentCommand)
@click.option("--status", "statuses", multiple=True, type=click.Choice(STATUS_SELECTORS),
              help="Select by status [default: outside = every State not party].")
@click.option("--region", help="Select by UN M49 region (e.g. Africa).")
@click.option("--subregion", help="Select by M49 sub-region or intermediate region.")
@click.option("--group", type=click.Choice(GROUPINGS, case_sensitive=False),
              help="Select the members of a grouping (ASEAN, CARICOM, AU, ECOWAS, PIF, LAS…).")
@click.option("--states", "codes", help="Comma-separated codes or names instead of a selection.")
@click.option("--from", "from_csv", type=click.Path(dir_okay=False, path_type=Path),
              help="CSV with a 'state' column; other columns (deposit_date, barriers, ...) feed "
                   "the profile.")
@click.option("--also-lang", "also", multiple=True, type=click.Choice(LANGS),
              help="Add a language for every State (e.g. an English working copy).")
@click.option("--profiles", type=click.Path(file_okay=False, exists=True, path_type=Path),
              help="Folder of <ISO3>.yaml profiles (a State's file is used instead of its "
                   "settings in the database).")
@click.option("--db", metavar="PATH_OR_URL",
              help="Database with the States' settings (default: $CCMKIT_DB, else the log "
                   "file if it exists).")
@click.option("--jobs", type=click.IntRange(1, 64), default=None,
              help="Worker processes [default: number of CPUs].")
@click.option("--force", is_flag=True, help="Regenerate States whose outputs are up to date.")
@click.option("--dry-run", is_flag=True, help="Print what would be generated and exit.")
@click.option("--zip", "zipped", is_flag=True, help="Also write one ZIP per State.")
@click.option("--overview-lang", type=click.Choice(LANGS), default="en", show_default=True,
              help="Language of the overview document.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar; errors only.")
@document_options
@status_options
def batch(statuses: tuple[str, ...], region: str | None, subregion: str | None,
          group: str | None, codes: str | None, from_csv: Path | None, also: tuple[str, ...],
          profiles: Path | None, jobs: int | None, force: bool, dry_run: bool, zipped: bool,
          overview_lang: str, quiet: bool, status_file: Path | None, status_as_of: str | None,
          db: str | None = None, **params: Any) -> None:
    """Generate packages for many States (default: every State outside the Convention)."""
    import os

    from ccmkit.jobs import handouts, plan, run
    from ccmkit.output import clean_leftovers

    workers = jobs or os.cpu_count() or 1
    if workers > 1 and not dry_run:
        run.start_workers()  # the workers' imports overlap with the planning below
    registry = _registry(status_file, status_as_of)
    selection = plan.select(registry, statuses=statuses, region=region, subregion=subregion,
                            group=group, codes=codes, from_csv=from_csv,
                            kinds=params["docs"] or DOC_KINDS)
    from ccmkit.log.settings import stored_profiles

    outside = tuple(s.iso3 for s in registry.states if s.outside)
    planned = plan.plan(
        registry, selection, languages=params["langs"], also=also,
        settings=stored_profiles(outside, db),
        kinds=params["docs"] or DOC_KINDS, formats=params["formats"] or FORMATS,
        options=make_options(params).model_copy(update={"group": group}), profiles=profiles,
        source_name=from_csv.name if from_csv else "",
    )
    out: Path = params["out"]
    if dry_run:
        for task in planned:
            if task.error:
                click.echo(f"{task.code}  (fails: {task.error})")
                continue
            state = "up to date" if not force and run.up_to_date(task, out) else "generate"
            click.echo(f"{task.code}  {task.name}  [{' '.join(task.languages)}]  "
                       f"{','.join(task.kinds)}  {','.join(task.formats)}  -> {out / task.code}  "
                       f"({state})")
        click.echo(f"{len(planned)} States; nothing written (dry run)")
        return
    ctx = click.get_current_context()
    settings = run.Settings(out, status_file, status_as_of, force, zipped,
                            ctx.meta.get("ccmkit.data_dir"))
    results = []
    executor = run.make_executor(min(workers, len(planned)))
    try:
        clean_leftovers(out)
        stream = run.run_all(planned, settings, executor)
        if quiet:
            results = list(stream)
        else:
            failed = 0

            def show(result: Any) -> str:
                return f"{result.code}, {failed} failed" if result else ""

            with click.progressbar(stream, length=len(planned), label="States",
                                   item_show_func=show, show_pos=True) as bar:
                for result in bar:
                    results.append(result)
                    failed += not result.ok
        handouts.finish_batch(out, results, settings, overview_lang, make_options(params),
                              executor)
    finally:
        executor.shutdown()
    failures = [r for r in results if not r.ok]
    done = sum(r.ok and not r.skipped for r in results)
    skipped = sum(r.skipped for r in results)
    if not quiet or failures:
        click.echo(f"{done} generated, {skipped} up to date, {len(failures)} failed; "
                   f"index: {out / 'index.csv'}")
    if failures:
        width = max(len(r.code) for r in failures)
        click.echo("Failures:", err=True)
        for r in failures:
            click.echo(f"  {r.code.ljust(width)}  {r.message}", err=True)
        raise SystemExit(1)


# The command groups live in their own modules; they use the helpers above.
from ccmkit.cli.data import facts, states  # noqa: E402
from ccmkit.cli.log import log  # noqa: E402
from ccmkit.cli.web import serve, users  # noqa: E402
from ccmkit.cli.workbench import barrier_map, brief, messaging, targets  # noqa: E402

for command in (states, facts, log, serve, users, targets, brief, barrier_map, messaging):
    cli.add_command(command)


def main() -> None:
    """Console entry point."""
    cli(prog_name="ccmkit")


if __name__ == "__main__":  # pragma: no cover
    main()
    sys.exit(0)
