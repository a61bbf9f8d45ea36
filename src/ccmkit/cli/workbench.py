"""`ccmkit targets`, `brief`, `barrier-map`, `messaging`: the internal workbench (ISU and
coordinators only). Thin: parse options, call ccmkit.workbench, write or print."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import click

from ccmkit.cli import (
    LANGS,
    _generation_date,
    _out_dir,
    _registry,
    default_generation_date,
    status_options,
)
from ccmkit.errors import CcmkitError
from ccmkit.vocab import FORMATS, GROUPINGS, STATUS_SELECTORS

TARGET_FORMATS = ("table", "csv", "json", "docx", "pdf", "xlsx")
SELECTORS = tuple(s for s in STATUS_SELECTORS if s != "state_party")


def _common(func: Any) -> Any:
    """--lang (repeatable), --date, --out."""
    func = click.option("--out", default="out", show_default=True, callback=_out_dir,
                        help="Output folder (files go to OUT/internal/).")(func)
    func = click.option("--date", "generated", callback=_generation_date,
                        metavar="YYYY-MM-DD",
                        help="Date printed in the documents (default: today).")(func)
    return click.option("--lang", "langs", multiple=True, type=click.Choice(LANGS),
                        default=("en",), show_default=True, help="Language(s).")(func)


def _group_option(func: Any) -> Any:
    return click.option("--group", type=click.Choice(GROUPINGS, case_sensitive=False),
                        help="Members of a grouping (ASEAN, CARICOM, AU, ECOWAS, PIF, LAS…).")(
        func)


def _echo_paths(paths: list[Path]) -> None:
    for path in paths:
        click.echo(str(path))


@click.command()
@click.option("--top", type=click.IntRange(1, 1000), default=15, show_default=True,
              help="How many States to list.")
@click.option("--weights", "weights_file", type=click.Path(dir_okay=False, path_type=Path),
              help="YAML file of criterion: weight laid over the defaults.")
@click.option("--show-weights", is_flag=True, help="Print the default weights file and exit.")
@click.option("--status", "statuses", multiple=True, type=click.Choice(SELECTORS),
              help="Select by status [default: outside].")
@_group_option
@click.option("--region", help="UN M49 region (e.g. Africa).")
@click.option("--subregion", help="UN M49 sub-region or intermediate region.")
@click.option("--format", "formats", multiple=True, type=click.Choice(TARGET_FORMATS),
              help="table or json (printed); csv, xlsx, docx, pdf (files) [default: table].")
@_common
@status_options
def targets(top: int, weights_file: Path | None, show_weights: bool,
            statuses: tuple[str, ...], group: str | None, region: str | None,
            subregion: str | None, formats: tuple[str, ...], langs: tuple[str, ...],
            generated: date | None, out: Path, status_file: Path | None,
            status_as_of: str | None) -> None:
    """INTERNAL: rank the States outside by proximity to joining (evidence-based targeting)."""
    from ccmkit.workbench import export
    from ccmkit.workbench import targets as scoring
    from ccmkit.workbench.render import INTERNAL_DIR, scope_name, write_all

    if show_weights:
        click.echo(scoring.default_weights_text(), nl=False)
        return
    weights = scoring.load_weights(weights_file)
    registry = _registry(status_file, status_as_of)
    chosen = registry.select(statuses or ("outside",), region, subregion, group)
    ranking = scoring.rank(registry, chosen, weights)
    if not ranking.targets:
        raise CcmkitError("no State outside the Convention matches the selection; check "
                          "--status/--group/--region/--subregion")
    formats = formats or ("table",)
    day = generated or default_generation_date()
    stem = "targets" + (f"-{group.upper()}" if group else "")
    folder = out / INTERNAL_DIR
    files: dict[Path, bytes | str] = {}
    if "csv" in formats:
        files[folder / f"{stem}.csv"] = export.as_csv(ranking, top)
    if "xlsx" in formats:
        files[folder / f"{stem}.xlsx"] = export.as_xlsx(ranking, top, day)
    documents = tuple(f for f in formats if f in FORMATS)
    for lang in langs if documents else ():
        scope = scope_name(registry, lang, group, region, subregion, statuses)
        rendered = export.render_document(registry, ranking, top, lang, documents, day, scope)
        files.update({folder / f"{stem}-{lang}.{fmt}": data for fmt, data in rendered.items()})
    if "table" in formats:
        click.echo(export.as_table(ranking, top), nl=False)
    if "json" in formats:
        click.echo(export.as_json(ranking, top), nl=False)
    _echo_paths(write_all(files))


@click.command()
@click.argument("state")
@click.option("--profile", type=click.Path(dir_okay=False, path_type=Path),
              help="YAML profile merged over the shipped State data (e.g. its barriers).")
@click.option("--format", "formats", multiple=True, type=click.Choice(FORMATS),
              help="Format(s) [default: docx and pdf].")
@_common
@status_options
def brief(state: str, profile: Path | None, formats: tuple[str, ...], langs: tuple[str, ...],
          generated: date | None, out: Path, status_file: Path | None,
          status_as_of: str | None) -> None:
    """INTERNAL: the brief on STATE for the person meeting its mission (OUT/internal/<ISO3>/)."""
    from ccmkit.api import PackageRequest, prepare
    from ccmkit.documents.options import Options
    from ccmkit.log.settings import stored_profile
    from ccmkit.workbench.brief import write_briefs

    registry = _registry(status_file, status_as_of)
    options = Options(generated=generated or default_generation_date())
    subject = prepare(registry, PackageRequest(state, profile, options, kinds=("brief",),
                                               settings=lambda iso3: stored_profile(iso3, None)))
    _echo_paths(write_briefs(subject, out, langs, formats or FORMATS))


@click.command("barrier-map")
@_group_option
@click.option("--format", "formats", multiple=True, type=click.Choice(FORMATS),
              help="Format(s) [default: docx and pdf].")
@_common
@status_options
def barrier_map(group: str | None, formats: tuple[str, ...], langs: tuple[str, ...],
                generated: date | None, out: Path, status_file: Path | None,
                status_as_of: str | None) -> None:
    """INTERNAL: the one-page barrier map, with the engagement message for each barrier."""
    from ccmkit.workbench import barrier_map as mapping
    from ccmkit.workbench.render import INTERNAL_DIR, scope_name, write_all

    registry = _registry(status_file, status_as_of)
    chosen = registry.select(("outside",), group=group)
    if not chosen:
        raise CcmkitError(f"no member of {group} is outside the Convention")
    day = generated or default_generation_date()
    stem = "barrier-map" + (f"-{group.upper()}" if group else "")
    files: dict[Path, bytes | str] = {}
    for lang in langs:
        rendered = mapping.render(registry, chosen, lang, formats or FORMATS, day,
                                  scope_name(registry, lang, group))
        files.update({out / INTERNAL_DIR / f"{stem}-{lang}.{fmt}": data
                      for fmt, data in rendered.items()})
    _echo_paths(write_all(files))


@click.command()
@click.option("--format", "formats", multiple=True, type=click.Choice(FORMATS),
              help="Format(s) [default: docx and pdf].")
@_common
@status_options
def messaging(formats: tuple[str, ...], langs: tuple[str, ...], generated: date | None,
              out: Path, status_file: Path | None, status_as_of: str | None) -> None:
    """INTERNAL: the messaging lines (per barrier, with their articles) and the framing note."""
    from ccmkit.workbench import messaging as lines
    from ccmkit.workbench.render import INTERNAL_DIR, write_all

    registry = _registry(status_file, status_as_of)
    day = generated or default_generation_date()
    files: dict[Path, bytes | str] = {}
    for lang in langs:
        rendered = lines.render(registry, lang, formats or FORMATS, day)
        files.update({out / INTERNAL_DIR / f"messaging-{lang}.{fmt}": data
                      for fmt, data in rendered.items()})
    _echo_paths(write_all(files))
