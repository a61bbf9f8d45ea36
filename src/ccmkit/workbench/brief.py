"""The internal brief per State (one to two pages) for the person meeting its mission: status
and dates; every fact with its source and date, stale ones flagged; the barriers and why; the
recommended messages; what the package contains and why each choice was made; the outreach
history from the follow-up log."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ccmkit.data.schema import scrub
from ccmkit.documents import DOCUMENTS
from ccmkit.documents.subject import Subject
from ccmkit.i18n import N_, gettext_for
from ccmkit.languages import get_language
from ccmkit.report import state_record
from ccmkit.workbench.labels import (
    BARRIER_LABELS,
    CHOICE_LABELS,
    STATUS_LABELS,
    TOKEN_LABELS,
    fact_label,
)
from ccmkit.workbench.messaging import messages
from ccmkit.workbench.render import INTERNAL_DIR, base_context, render_internal
from ccmkit.workbench.targets import Ranking, rank

TITLE = N_("Brief")
ROUTE_LABELS = {"ratification": N_("ratification"), "acceptance": N_("acceptance"),
                "approval": N_("approval"), "accession": N_("accession")}
VALUE_LABELS = {"minimal": N_("minimum credible implementation"), "full": N_("full model law"),
                "common-law": N_("common law"), "civil-law": N_("civil law"),
                "firm": N_("shown"), "conditional": N_("shown as conditional"),
                "left out": N_("omitted")}
NO_LOG = N_("No log entries.")


def outreach_history(iso3: str, log_url: str | None = None) -> list[dict[str, Any]]:
    """The State's records in the outreach follow-up log, oldest first.

    Each record: ``date``, ``stage``, ``channel``, ``lead``, ``with_whom``, ``note``,
    ``next_step``, ``due``. The log is `log_url`, else ``$CCMKIT_DB``, else its default file
    if it exists: making a brief never creates a database.
    """
    import os

    from ccmkit.log.db import DB_ENV, default_path
    from ccmkit.log.store import Log

    if not log_url and not os.environ.get(DB_ENV) and not default_path().is_file():
        return []
    log = Log(log_url)
    try:
        return [{k: scrub(v) if isinstance(v, str) else v for k, v in r.as_dict().items()}
                for r in log.records(state=iso3)]
    finally:
        log.close()


def _fact_rows(subject: Subject, lang: str) -> list[dict[str, Any]]:
    _ = gettext_for(lang)
    record = state_record(subject.state, subject.registry, subject.options.generated)
    rows = []
    for name, fact in record["facts"].items():
        token = fact["value"]
        shown = _(TOKEN_LABELS[token]) if token in TOKEN_LABELS else token.replace("_", " ")
        rows.append({
            "label": _(fact_label(name)) + (f" ({name.rsplit('_', 1)[1]})"
                                            if name.startswith("unga_vote_") else ""),
            "value": shown + (f" ({fact['qualifier']})" if fact["qualifier"] else ""),
            "as_of": fact["as_of"] or (_("undated") if fact["source"] else ""),
            "source": fact["source"]["title"] if fact["source"] else _("no source"),
            "stale": fact["stale"]})
    return rows


def context(subject: Subject, lang: str, ranking: Ranking | None = None,
            log_url: str | None = None) -> dict[str, Any]:
    """The brief's context in `lang` (the reasons stay in English, as the rules give them)."""
    _ = gettext_for(lang)
    language = get_language(lang)
    state, registry = subject.state, subject.registry
    generated = subject.options.generated
    ranking = ranking or rank(registry, registry.select(("outside",)))
    place = ranking.position(state.iso3)
    barrier_choices = subject.barrier_choices
    barriers = tuple(c.value for c in barrier_choices)
    m = state.membership
    return {
        **base_context(registry, lang, generated),
        "S": state.names[lang],
        "iso3": state.iso3,
        "status": _(STATUS_LABELS[state.status]),
        "signed": language.long_date(m.signature_date) if m.signature_date else None,
        "route": _(ROUTE_LABELS[subject.route]),
        "groupings": ", ".join(state.groupings),
        "region": state.region,
        "rank": place.rank if place else None,
        "score": f"{place.score:g}" if place else None,
        "ranked": len(ranking.targets),
        "weights_origin": ranking.weights.origin,
        "facts": _fact_rows(subject, lang),
        "barriers": [{"label": _(BARRIER_LABELS[c.value]), "reason": c.reason}
                     for c in barrier_choices],
        "messages": messages(lang, barriers, subject.options.template_dir),
        "documents": [_(DOCUMENTS[k].title(subject.route)) for k in DOCUMENTS],
        "languages": ", ".join(state.languages),
        "choices": [{"label": _(CHOICE_LABELS.get(c.name, c.name)),
                     "value": _(VALUE_LABELS[c.value]) if c.value in VALUE_LABELS else c.value,
                     "reason": c.reason}
                    for c in subject.choices() if c.name != "barrier"],
        "history": outreach_history(state.iso3, log_url),
        "no_log": _(NO_LOG),
        "english_reasons": lang != "en",
    }


def render(subject: Subject, lang: str, formats: Sequence[str],
           ranking: Ranking | None = None, log_url: str | None = None) -> dict[str, bytes]:
    """The brief in `lang`: {format: bytes}."""
    _ = gettext_for(lang)
    return render_internal("brief", lang, context(subject, lang, ranking, log_url), formats,
                           title=_(TITLE), scope=subject.state.names[lang].short,
                           generated=subject.options.generated,
                           template_dir=subject.options.template_dir)


def brief_files(subject: Subject, out: Path, languages: Sequence[str],
                formats: Sequence[str], log_url: str | None = None) -> dict[Path, bytes]:
    """Every brief file, rendered in memory, keyed by its path:
    ``OUT/internal/<ISO3>/brief-<lang>.<fmt>`` (with the other internal files, outside the
    State's package folder, which holds only what goes to the State)."""
    folder = out / INTERNAL_DIR / subject.state.iso3
    ranking = rank(subject.registry, subject.registry.select(("outside",)))
    files = {}
    for lang in languages:
        for fmt, data in render(subject, lang, formats, ranking, log_url).items():
            files[folder / f"brief-{lang}.{fmt}"] = data
    return files


def write_briefs(subject: Subject, out: Path, languages: Sequence[str],
                 formats: Sequence[str]) -> list[Path]:
    """Render every brief, then write them in ``OUT/internal/<ISO3>/``; return the paths."""
    from ccmkit.workbench.render import write_all

    return write_all(brief_files(subject, out, languages, formats))
