"""Rendering and writing the internal documents: the one place the workbench calls the
rendering pipeline (``ccmkit.render.pipeline.render``).

Every internal document is marked INTERNAL (in the document's language) in its title, running
header, first line and metadata (DOCX title; PDF title, keywords and description).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any, TypedDict

from ccmkit.data.states import Registry
from ccmkit.documents.subject import format_as_of
from ccmkit.i18n import N_, gettext_for
from ccmkit.labels import INTERNAL, INTERNAL_NOTICE
from ccmkit.languages import get_locale
from ccmkit.output import generation_time, replace_file

INTERNAL_DIR = "internal"


def internal_title(title: str, lang: str) -> str:
    """``INTERNAL – <title>`` in `lang`."""
    return f"{gettext_for(lang)(INTERNAL)} – {title}"


class BaseContext(TypedDict):
    """The values every internal template (internal/<kind>.html.j2) may use, which each
    internal document's context extends (``BriefContext``, ``BarrierMapContext``,
    ``TargetsContext``, ``MessagingContext``); ``render_internal`` adds ``scope`` and the
    pipeline ``doc_title`` and ``generated_at`` (``ccmkit.render.pipeline.PipelineContext``)."""

    lang: str  # the document's language code
    lang_tag: str  # its BCP 47 tag, for <html lang="...">
    generated: date  # the date the document is prepared on
    internal_mark: str  # "INTERNAL", in the language (first line, metadata)
    internal_notice: str  # the notice that the document is not to be sent to a State
    status_as_of: str  # the status table's as-of date, formatted in the language
    status_line: str  # "Convention status as of ..."
    meta_line: str  # "Prepared on ...; Convention status as of ..."


def base_context(registry: Registry, lang: str, generated: date) -> BaseContext:
    """Values every internal template uses."""
    locale = get_locale(lang)
    _ = locale.gettext
    language = locale
    as_of = format_as_of(registry, locale)
    if registry.status.month_only:
        status_line = _(N_("Convention status as of {month}")).format(month=as_of)
    else:
        status_line = _(N_("Convention status as of {date}")).format(date=as_of)
    return {
        "lang": lang,
        "lang_tag": locale.tag,
        "generated": generated,
        "internal_mark": _(INTERNAL),
        "internal_notice": _(INTERNAL_NOTICE),
        "status_as_of": as_of,
        "status_line": status_line,
        "meta_line": _("Prepared on {date}; {status}.").format(
            date=language.long_date(generated), status=status_line),
    }


def render_internal(kind: str, lang: str, context: Mapping[str, Any], formats: Sequence[str],
                    *, title: str, scope: str, generated: date,
                    template_dir: Path | None = None) -> dict[str, bytes]:
    """Render `internal/<kind>.html.j2` in `lang` to each format: {format: bytes}."""
    from ccmkit.render.pipeline import render

    marked = internal_title(title, lang)
    return render(
        f"internal/{kind}.html.j2", get_locale(lang), {**context, "scope": scope}, formats,
        title=marked, header=f"{marked} – {scope}", full_title=f"{marked} – {scope}",
        generated=generation_time(generated),
        template_dir=template_dir)


def write_all(files: Mapping[Path, bytes | str]) -> list[Path]:
    """Write every file (each atomically), after all of them were rendered; return the paths."""
    for path, data in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        replace_file(path, data)
    return list(files)


def scope_name(registry: Registry, lang: str, group: str | None = None,
               region: str | None = None, subregion: str | None = None,
               statuses: Sequence[str] = ()) -> str:
    """What a selection covers, in `lang`: a grouping's name, a region, or every State outside."""
    _ = gettext_for(lang)
    parts = []
    if group:
        record = registry.grouping(group)
        parts.append(record.names.get(lang) or record.key)
    parts += [p for p in (region, subregion) if p]
    if statuses and set(statuses) != {"outside"}:
        from ccmkit.labels import STATUS as STATUS_LABELS

        parts.append(", ".join(_(STATUS_LABELS[s]) for s in statuses if s in STATUS_LABELS))
    return "; ".join(parts) or _("all States outside the Convention")
