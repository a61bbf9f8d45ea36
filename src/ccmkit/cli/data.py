"""`ccmkit states …` and `ccmkit facts …`: look at and update the State data."""

from __future__ import annotations

from pathlib import Path

import click

from ccmkit.cli import _registry, status_options
from ccmkit.vocab import GROUPINGS, STATUS_SELECTORS


@click.group()
def states() -> None:
    """Inspect the State data: status, groupings and sourced facts."""


@states.command("list")
@click.option("--status", "statuses", multiple=True, type=click.Choice(STATUS_SELECTORS))
@click.option("--region", help="UN M49 region (e.g. Africa).")
@click.option("--subregion", help="UN M49 sub-region or intermediate region.")
@click.option("--group", type=click.Choice(GROUPINGS, case_sensitive=False),
              help="Members of a grouping (ASEAN, CARICOM, AU, ECOWAS, PIF, LAS…).")
@click.option("--format", "fmt", type=click.Choice(("table", "csv", "json")), default="table",
              show_default=True)
@status_options
def states_list(statuses: tuple[str, ...], region: str | None, subregion: str | None,
                group: str | None, fmt: str, status_file: Path | None,
                status_as_of: str | None) -> None:
    """List States, filtered by status, region, sub-region or grouping."""
    from ccmkit.report import list_rows, render_rows

    registry = _registry(status_file, status_as_of)
    rows = list_rows(registry.select(statuses, region, subregion, group))
    click.echo(render_rows(rows, fmt, registry.status.as_of), nl=False)


@states.command("show")
@click.argument("state")
@click.option("--format", "fmt", type=click.Choice(("text", "json")), default="text",
              show_default=True)
@status_options
def states_show(state: str, fmt: str, status_file: Path | None,
                status_as_of: str | None) -> None:
    """Show everything known about one STATE: status, and every fact with source and age."""
    from ccmkit.report import show_state

    registry = _registry(status_file, status_as_of)
    click.echo(show_state(registry.find(state), registry, fmt), nl=False)


@click.group()
def facts() -> None:
    """Add sourced facts to your data folder (laid over the shipped facts)."""


@facts.command("review")
@click.option("--stale", "stale_only", is_flag=True, help="Only the facts to re-check now.")
@click.option("--state", "states_", multiple=True, metavar="STATE",
              help="Only this State (repeatable; ISO code or name) [default: every State "
                   "outside the Convention].")
@click.option("--fact", "facts_", multiple=True, metavar="FACT",
              help="Only this fact (repeatable; e.g. concerns, stockpiles, unga_vote).")
@click.option("--format", "fmt", type=click.Choice(("xlsx", "csv")), default="xlsx",
              show_default=True)
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("out"),
              show_default=True, help="Output folder (the worksheet goes to OUT/internal/).")
@status_options
def facts_review(stale_only: bool, states_: tuple[str, ...], facts_: tuple[str, ...], fmt: str,
                 out: Path, status_file: Path | None, status_as_of: str | None) -> None:
    """INTERNAL: a worksheet of the facts to re-check, with empty columns for the new value,
    qualifier, source, date and quote; fill it and read it back with `ccmkit facts import`."""
    from ccmkit.data.facts import check_fact_name
    from ccmkit.data.review import review_rows, worksheet
    from ccmkit.data.states import today
    from ccmkit.errors import DataError
    from ccmkit.workbench.render import INTERNAL_DIR, write_all

    registry = _registry(status_file, status_as_of)
    for name in facts_:
        if name != "unga_vote":
            try:
                check_fact_name(name)
            except ValueError as exc:
                raise DataError(f"--fact: {exc}") from None
    chosen = ([registry.find(s) for s in states_] if states_
              else registry.select(("outside",)))
    rows = review_rows(registry, chosen, today(), stale_only, facts_)
    path = out / INTERNAL_DIR / f"facts-review.{fmt}"
    write_all({path: worksheet(rows, fmt)})
    click.echo(f"{path}: {len(rows)} facts to review (INTERNAL)")


@facts.command("import")
@click.argument("csv_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path),
              envvar="CCMKIT_DATA_DIR", show_envvar=True,
              help="Folder to add the facts to [default: ccmkit's folder in your user data "
                   "directory].")
def facts_import(csv_file: Path, data_dir: Path | None) -> None:
    """Validate CSV_FILE (columns iso3,fact,value,source_url,source_title,as_of,quote, an
    optional qualifier; or a filled `facts review` worksheet, .csv or .xlsx) and add its
    observations to your data folder; a bad row imports nothing."""
    from ccmkit.data.facts import import_facts
    from ccmkit.data.states import load_registry
    from ccmkit.resources import default_user_data_dir

    folder = data_dir or default_user_data_dir()
    folder.mkdir(parents=True, exist_ok=True)
    registry = load_registry(data_dir=folder)
    added = import_facts(csv_file, folder, [s.iso3 for s in registry.states],
                         registry.factbook.sources)
    click.echo(f"{added} observations added to {folder}")
