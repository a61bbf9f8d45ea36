"""Q&A on legal and defence concerns, chosen for the State's own concerns and barriers.

Each library entry lists the State concerns it answers (`concerns`, the main one first) and those
that make it inappropriate (`contradicts`): an entry a State's concerns contradict is never
offered to it, in the basic Q&A or in `full`.

The basic Q&A (the default) has BASIC_MIN to BASIC_MAX questions, chosen in this order:
1. the answers to the State's stated concerns, one per concern first (these may take the room of
   the core entries down to MIN_CORE; the core entry on how the State joins is kept first), then
   a second answer per concern (up to PER_CONCERN);
2. up to PER_BARRIER entries per barrier of the State; for a State that stated its concerns, only
   general entries or entries answering those concerns (no question on a concern it never raised);
3. the core entries (`basic`), then others to reach the minimum.
`full` gives every entry relevant to the State and not contradicted. Either way the questions
appear in library order, which reads as a progression and does not reveal the selection. Why each
entry is there is data (`choices`, English, internal); the outgoing document never says which
concerns or barriers the ISU recorded.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypedDict

from ccmkit.content.library import QaEntry, matches, qa_library
from ccmkit.documents.choices import Choice
from ccmkit.documents.subject import CommonContext, Subject, common_context
from ccmkit.languages import Locale

BASIC_MIN, BASIC_MAX = 6, 8
PER_BARRIER = 2
PER_CONCERN = 2
REGIONAL = "regional-context"  # in every Q&A of a grouping workshop, framed by the grouping
MIN_CORE = 3  # core entries kept however many concerns the State states


@dataclass(frozen=True)
class Selected:
    """One Q&A entry chosen for a State, with why and in which form."""

    id: str
    barrier: str | None  # the State's barrier it answers, None for a general entry
    brief: bool  # the one-sentence form, for a State known not to be concerned
    basic: bool = False
    concerns: tuple[str, ...] = ()  # the State's stated concerns it answers
    articles: tuple[int, ...] = ()  # the articles it cites
    workshop: bool = False  # there because the State is in a grouping workshop


def _brief(entry: QaEntry, facts: dict[str, str]) -> bool:
    return bool(entry.brief_when) and matches(entry.brief_when, facts)


def contradicted(entry: QaEntry, stated: tuple[str, ...]) -> bool:
    """True when one of the State's concerns makes the entry inappropriate for it."""
    return any(c in stated for c in entry.contradicts)


def answered(entry: QaEntry, stated: tuple[str, ...]) -> tuple[str, ...]:
    """The State's concerns the entry answers."""
    return tuple(c for c in stated if c in entry.concerns)


def _on_topic(entry: QaEntry, stated: tuple[str, ...]) -> bool:
    """A general entry, or one answering a concern the State stated (any entry when it stated
    none)."""
    return not stated or not entry.concerns or bool(answered(entry, stated))


def _answers_to(concern: str, entries: list[QaEntry]) -> list[QaEntry]:
    """Entries answering `concern`: those whose main concern it is first, in library order."""
    found = [e for e in entries if concern in e.concerns]
    return sorted(found, key=lambda e: list[str](e.concerns).index(concern))


def select_entries(entries: list[QaEntry], subject: Subject, length: str = "full"
                   ) -> list[Selected]:
    """Entries relevant to the State and not contradicted by its concerns, in library order."""
    facts = subject.conditions()
    stated = subject.concerns
    relevant = [e for e in entries if matches(e.requires, facts) and not contradicted(e, stated)]
    chosen: list[Selected] = []
    workshop = subject.workshop_group is not None

    def add(entry: QaEntry, barrier: str | None) -> None:
        if all(s.id != entry.id for s in chosen):
            chosen.append(Selected(entry.id, barrier, _brief(entry, facts), entry.basic,
                                   answered(entry, stated), tuple(entry.articles),
                                   workshop and entry.id == REGIONAL and barrier is None))

    if length == "full":
        for barrier in subject.barriers:
            for entry in relevant:
                if barrier in entry.barriers:
                    add(entry, barrier)
        for entry in relevant:
            add(entry, None)
        return _in_library_order(chosen, entries)
    informative = [e for e in relevant if not _brief(e, facts)]
    topical = [e for e in informative if _on_topic(e, stated)]
    # the core entry on how the State joins (conditioned on its status) is the last to give way
    core = sorted((e for e in informative if e.basic or (workshop and e.id == REGIONAL)),
                  key=lambda e: "status" not in (e.requires or {}))

    def room(keep: int) -> bool:
        """Room for one more entry, keeping up to `keep` core entries not yet chosen."""
        waiting = [e for e in core if all(s.id != e.id for s in chosen)]
        return len(chosen) + min(keep, len(waiting)) < BASIC_MAX

    for rank, keep in ((1, MIN_CORE), *((n, len(core)) for n in range(2, PER_CONCERN + 1))):
        for concern in stated:
            if sum(concern in s.concerns for s in chosen) >= rank or not room(keep):
                continue
            for entry in _answers_to(concern, informative):
                if all(s.id != entry.id for s in chosen):
                    add(entry, None)
                    break
    for barrier in subject.barriers:
        answering = [e for e in topical if barrier in e.barriers and not e.basic
                     and all(s.id != e.id for s in chosen)]
        for entry in answering[:PER_BARRIER]:
            if room(len(core)):
                add(entry, barrier)
    for entry in core:
        if len(chosen) < BASIC_MAX:
            add(entry, None)
    for entry in [*topical, *informative, *relevant]:
        if len(chosen) >= BASIC_MIN:
            break
        add(entry, None)
    return _in_library_order(chosen, entries)


def _in_library_order(chosen: list[Selected], entries: list[QaEntry]) -> list[Selected]:
    order = {e.id: n for n, e in enumerate(entries)}
    return sorted(chosen, key=lambda s: order[s.id])


def reason(selected: Selected) -> str:
    """Why the entry is there and in this form (English, for the internal brief)."""
    parts = []
    if selected.concerns:
        articles = ", ".join(str(a) for a in selected.articles)
        parts.append(f"Answers the State's stated concern{'s' * (len(selected.concerns) > 1)} "
                     f"{', '.join(selected.concerns)} (Art. {articles}).")
    if selected.barrier:
        parts.append(f"Answers the barrier recorded for this State: {selected.barrier}.")
    if selected.workshop and not parts:
        parts.append("Grouping workshop: the regional question, framed by the grouping's "
                     "numbers.")
    if not parts:
        parts.append("Core entry of the basic Q&A." if selected.basic
                     else "General entry relevant to the State's situation.")
    if selected.brief:
        parts.append("Shortened to one sentence: the State data record that it is not concerned.")
    return " ".join(parts)


def concern_choices(entries: list[QaEntry], subject: Subject,
                    selected: list[Selected]) -> list[Choice]:
    """For each stated concern, the entries answering it; and the entries left out because a
    concern contradicts them (English, internal)."""
    out = []
    for concern in subject.concerns:
        ids = [s.id for s in selected if concern in s.concerns]
        out.append(Choice(f"qa.concern.{concern}", ", ".join(ids) or "unanswered",
                          "Entries answering this stated concern." if ids else
                          "No entry of the library answers this concern without contradicting "
                          "another of the State's concerns."))
    facts = subject.conditions()
    for entry in entries:
        against = [c for c in entry.contradicts if c in subject.concerns]
        if against and matches(entry.requires, facts):
            out.append(Choice(f"qa.left_out.{entry.id}", "left out",
                              f"Contradicted by the State's stated concern {', '.join(against)}."))
    return out


class QaEntryContext(TypedDict):
    """One question of the Q&A, in the document's language."""

    id: str  # the library entry's id (qa/entries.yaml)
    question: str
    answer: str  # the answer (its one-sentence form for a State known not to be concerned)


class RegionContext(TypedDict):
    """How the workshop's grouping (else the State's M49 region) stands towards the
    Convention."""

    name: str  # the grouping's or region's name, in the document's language
    total: int  # its States
    parties: int  # of which States Parties
    signatories: int  # of which signatories


class QaContext(CommonContext):
    """The context of qa/<lang>.html.j2 (see ``CommonContext``)."""

    entries: list[QaEntryContext]  # the questions chosen for the State, in library order
    region: RegionContext  # the regional framing of the regional question
    choices: list[Choice]  # internal (English reasons for the ISU): never print in a template


def build(subject: Subject, locale: Locale) -> QaContext:
    """Context for templates/qa/<lang>.html.j2."""
    entries, texts = qa_library(locale.lang, subject.options.template_dir)
    length = subject.options.qa or "basic"
    selected = select_entries(entries, subject, length)
    chosen: list[QaEntryContext] = []
    for sel in selected:
        text = texts[sel.id]
        chosen.append({
            "id": sel.id,
            "question": text.question,
            "answer": text.brief if sel.brief and text.brief else text.answer,
        })
    framing = subject.regional_framing(locale.lang)
    _ = locale.gettext
    choices = [Choice("qa.length", length, "Default: the basic Q&A." if not subject.options.qa
                      else "Length chosen by the user."),
               *(Choice(f"qa.entry.{s.id}", "brief" if s.brief else "answer", reason(s))
                 for s in selected),
               *concern_choices(entries, subject, selected)]
    return {
        **common_context(subject, locale),
        "entries": chosen,
        "region": {"total": framing.total, "parties": framing.parties,
                   "signatories": framing.signatories,
                   "name": framing.name if subject.workshop_group else _(framing.name)},
        "choices": choices,
    }
