"""The internal brief per State (one to two pages) for the person meeting its mission: status
and dates; every fact with its source and date, stale ones flagged; the barriers and why; the
recommended messages; what the package contains and why each choice was made; the outreach
history from the follow-up log."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from babel import Locale as BabelLocale

from ccmkit import labels, rules
from ccmkit.data.facts import Observation
from ccmkit.data.schema import NameForms
from ccmkit.data.text import scrub
from ccmkit.documents.kinds import DOCUMENTS
from ccmkit.documents.subject import Subject
from ccmkit.i18n import N_, gettext_for
from ccmkit.labels import BARRIER as BARRIER_LABELS
from ccmkit.labels import CHOICE as CHOICE_LABELS
from ccmkit.labels import STATUS as STATUS_LABELS
from ccmkit.labels import TOKEN as TOKEN_LABELS
from ccmkit.labels import fact_label
from ccmkit.languages import get_language
from ccmkit.report import state_record
from ccmkit.workbench.messaging import BarrierMessages, messages
from ccmkit.workbench.render import INTERNAL_DIR, BaseContext, base_context, render_internal
from ccmkit.workbench.targets import Ranking, rank

TITLE = N_("Brief")
NO_LOG = N_("No log entries.")
# The ask for the next meeting, by the key :func:`ccmkit.rules.next_ask` chooses.
ASK_TEXT = {
    "follow_up": N_("Follow up on the next step agreed at the last contact: {step}"),
    "confirm_route_after_withdrawal": N_(
        "Ask what would allow the State to reconsider its withdrawal and whether it still "
        "observes the Convention's prohibitions in practice; offer a briefing on the way back "
        "(accession, the form to be confirmed with the UN Treaty Section)."),
    "date_for_parliament": N_(
        "Ask when the instrument will go to the cabinet or parliament; offer the model "
        "instrument and the model legislation to speed it."),
    "timeline_to_submit": N_(
        "Ask for a timeline to submit ratification to the competent authority; offer the "
        "package and a legal briefing."),
    "formalise_compliance": N_(
        "Ask the State to formalise its practice by joining, and to submit a voluntary "
        "Article 7 report in the meantime."),
    "name_the_obstacle": N_(
        "Ask which obstacle remains; offer a technical briefing on the articles that answer "
        "its concerns ({articles})."),
    "first_step": N_(
        "Ask for a first step: observer status at the next Meeting of States Parties, a vote "
        "for the UNGA resolution, an interagency review of the Convention."),
    "open_dialogue": N_(
        "Ask for a first meeting with the legal and defence officials in the capital, and "
        "invite the State to the next Meeting of States Parties as an observer."),
}


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


def _shown(value: str | list[str], _: Any) -> str:
    """A fact's value in the brief's language (each token of a multi-valued fact)."""
    tokens = value if isinstance(value, list) else [value]
    return ", ".join(_(TOKEN_LABELS[t]) if t in TOKEN_LABELS else t.replace("_", " ")
                     for t in tokens)


def concern_rows(subject: Subject, lang: str, most: int = 3) -> list[dict[str, Any]]:
    """The State's concerns in its own words, newest first: each statement that adds a concern
    the newer ones do not already show (at most `most`), with its date and source."""
    _ = gettext_for(lang)
    obs = subject.state.fact("concerns")
    shown: set[str] = set()
    rows = []
    for part in obs.parts or (obs,):
        if not part.known or part.layer == "override" or set(part.values) <= shown:
            continue
        shown |= set(part.values)
        rows.append({"labels": _shown(list(part.values), _),
                     "quote": _FOOTNOTE.sub("", part.quote or ""),
                     "as_of": part.as_of_text or _("undated"),
                     "source": part.source.title if part.source else _("no source")})
    return rows[:most]


_FOOTNOTE = re.compile(r"\[\d+\]")


def _ask(subject: Subject, lang: str, history: list[dict[str, Any]]) -> dict[str, str]:
    """The ask for the next meeting, worded in `lang`, with its reason."""
    _ = gettext_for(lang)
    last = next((h for h in reversed(history) if h.get("next_step")), None)
    step = (f"{last['next_step']}" + (f" ({last['due']})" if last.get("due") else "")
            if last else None)
    choice = rules.next_ask(subject.state, step)
    articles = "; ".join(dict.fromkeys(rules.CONCERN_ARTICLES[c]
                                       for c in rules.concerns(subject.state)))
    return {"text": _(ASK_TEXT[choice.value]).format(step=step or "", articles=articles),
            "reason": reason_in(choice, lang)}


def cite_in(obs: Observation, lang: str) -> str:
    """A fact cited in a reason, in `lang`: ``Cluster munition stockpiles: no (2022-08-15)``."""
    _ = gettext_for(lang)
    when = obs.as_of_text or _("undated")
    label = _(fact_label(obs.fact)) + (f" ({obs.fact.rsplit('_', 1)[1]})"
                                       if obs.fact.startswith("unga_vote_") else "")
    return f"{label}: {_shown(list(obs.values), _)} ({when})"


def reason_in(choice: rules.Choice, lang: str) -> str:
    """Why a choice was made, in `lang` (a rule's reason; a document's own stays as given)."""
    return choice.reason_in(gettext_for(lang), lambda obs: cite_in(obs, lang))


def _fact_rows(subject: Subject, lang: str) -> list[dict[str, Any]]:
    _ = gettext_for(lang)
    record = state_record(subject.state, subject.registry, subject.options.generated)
    rows = []
    for name, fact in record["facts"].items():
        if name == "concerns":  # quoted in the brief's first section
            continue
        shown = _shown(fact["value"], _)
        rows.append({
            "label": _(fact_label(name)) + (f" ({name.rsplit('_', 1)[1]})"
                                            if name.startswith("unga_vote_") else ""),
            "value": shown + (f" ({fact['qualifier']})" if fact["qualifier"] else ""),
            "as_of": fact["as_of"] or (_("undated") if fact["source"] else ""),
            "source": fact["source"]["title"] if fact["source"] else _("no source"),
            "stale": fact["stale"]})
    return rows


class BriefContext(BaseContext):
    """The context of internal/brief.html.j2 (see ``BaseContext``); texts in the language,
    sources' titles and quotes as the sources give them."""

    S: NameForms  # the State's name in the language
    iso3: str
    status: str  # its Convention status, as a label
    signed: str | None  # the date it signed, written out (None if it never signed)
    route: str  # the route of its package, as a label
    groupings: str  # the groupings it belongs to, comma-separated
    region: str  # its M49 region
    rank: str | None  # its place in the target ranking ("12" or "=12" for a tie)
    range: dict[str, str] | None  # low/high rank when the place is uncertain
    score: str | None  # its ranking score
    ranked: int  # the States ranked
    weights_origin: str  # where the ranking's weights come from
    facts: list[dict[str, Any]]  # label, value, as_of, source, stale per fact
    concerns: list[dict[str, Any]]  # its stated concerns: labels, quote, as_of, source
    override: dict[str, str] | None  # a reviewer's override of the concerns: by, reason, values
    ask: dict[str, str]  # the ask for the next meeting: text, reason
    barriers: list[dict[str, str]]  # label and reason per barrier
    messages: list[BarrierMessages]  # the messaging lines for its barriers
    documents: list[str]  # the titles of the package's documents
    languages: str  # the package's languages, named in the language
    choices: list[dict[str, str]]  # label, value and reason of each choice made for it
    history: list[dict[str, Any]]  # the outreach history from the follow-up log
    no_log: str  # what to say when the log has no entries


def context(subject: Subject, lang: str, ranking: Ranking | None = None,
            log_url: str | None = None,
            package_languages: Sequence[str] | None = None) -> BriefContext:
    """The brief's context in `lang`, reasons included (sources' titles and quotes stay as the
    sources give them)."""
    _ = gettext_for(lang)
    language = get_language(lang)
    state, registry = subject.state, subject.registry
    generated = subject.options.generated
    ranking = ranking or rank(registry, registry.select(("outside",)))
    place = ranking.position(state.iso3)
    barrier_choices = subject.barrier_choices
    barriers = tuple(c.value for c in barrier_choices)
    m = state.membership
    history = outreach_history(state.iso3, log_url)
    override = state.fact("concerns").override
    names = BabelLocale.parse(language.babel_locale).languages
    return {
        **base_context(registry, lang, generated),
        "S": state.names[lang],
        "iso3": state.iso3,
        "status": _(STATUS_LABELS[state.status]),
        "signed": language.long_date(m.signature_date) if m.signature_date else None,
        "route": _(labels.ROUTE[subject.route]),
        "groupings": ", ".join(state.groupings),
        "region": state.region,
        "rank": place.shown_rank if place else None,
        "range": ({"low": f"{place.range[0]:g}", "high": f"{place.range[1]:g}"}
                  if place and place.uncertain else None),
        "score": f"{place.score:g}" if place else None,
        "ranked": len(ranking.targets),
        "weights_origin": ranking.weights.origin,
        "facts": _fact_rows(subject, lang),
        "concerns": concern_rows(subject, lang),
        "override": ({"by": override.by, "reason": override.reason,
                      "values": _shown(list(state.fact("concerns").values), _)}
                     if override else None),
        "ask": _ask(subject, lang, history),
        "barriers": [{"label": _(BARRIER_LABELS[c.value]), "reason": reason_in(c, lang)}
                     for c in barrier_choices],
        "messages": messages(lang, barriers, subject.options.template_dir),
        "documents": [_(DOCUMENTS[k].title(subject.route)) for k in DOCUMENTS],
        "languages": ", ".join(names.get(code, code)
                               for code in (package_languages or state.languages)),
        "choices": [{"label": _(CHOICE_LABELS.get(c.name, c.name)),
                     "value": _(labels.CHOICE_VALUE[c.value]) if c.value in labels.CHOICE_VALUE
                     else c.value,
                     "reason": reason_in(c, lang)}
                    for c in subject.choices() if c.name != "barrier"],
        "history": history,
        "no_log": _(NO_LOG),
    }


def render(subject: Subject, lang: str, formats: Sequence[str],
           ranking: Ranking | None = None, log_url: str | None = None,
           package_languages: Sequence[str] | None = None) -> dict[str, bytes]:
    """The brief in `lang`: {format: bytes}."""
    _ = gettext_for(lang)
    body = context(subject, lang, ranking, log_url, package_languages)
    return render_internal("brief", lang, body, formats,
                           title=_(TITLE), scope=subject.state.names[lang].short,
                           generated=subject.options.generated,
                           template_dir=subject.options.template_dir)


def brief_files(subject: Subject, out: Path, languages: Sequence[str],
                formats: Sequence[str], log_url: str | None = None,
                package_languages: Sequence[str] | None = None) -> dict[Path, bytes]:
    """Every brief file, rendered in memory, keyed by its path:
    ``OUT/internal/<ISO3>/brief-<lang>.<fmt>`` (with the other internal files, outside the
    State's package folder, which holds only what goes to the State). ``package_languages``:
    the languages the brief names for the package (default: ``languages``)."""
    folder = out / INTERNAL_DIR / subject.state.iso3
    ranking = rank(subject.registry, subject.registry.select(("outside",)))
    files = {}
    for lang in languages:
        for fmt, data in render(subject, lang, formats, ranking, log_url,
                                package_languages or languages).items():
            files[folder / f"brief-{lang}.{fmt}"] = data
    return files


def write_briefs(subject: Subject, out: Path, languages: Sequence[str],
                 formats: Sequence[str]) -> list[Path]:
    """Render every brief, then write them in ``OUT/internal/<ISO3>/``; return the paths."""
    from ccmkit.workbench.render import write_all

    return write_all(brief_files(subject, out, languages, formats))
