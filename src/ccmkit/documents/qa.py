"""Q&A on legal and defence concerns, chosen for the State's situation and barriers.

The basic Q&A (the default) has BASIC_MIN to BASIC_MAX questions: up to PER_BARRIER entries
answering each of the State's barriers, the entries marked `basic`, then others to reach the
minimum. `full` gives every entry relevant to the State. Either way the questions appear in
library order, which reads as a progression and does not reveal the selection. Why each entry
is there is data (`choices`, English, internal); the outgoing document never says which
barriers the ISU recorded.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ccmkit.documents.choices import Choice
from ccmkit.documents.library import QaEntry, matches, qa_library
from ccmkit.documents.subject import Subject, common_context
from ccmkit.i18n import gettext_for

BASIC_MIN, BASIC_MAX = 6, 8
PER_BARRIER = 2
REGIONAL = "regional-context"  # in every Q&A of a grouping workshop, framed by the grouping


@dataclass(frozen=True)
class Selected:
    """One Q&A entry chosen for a State, with why and in which form."""

    id: str
    barrier: str | None  # the State's barrier it answers, None for a general entry
    brief: bool  # the one-sentence form, for a State known not to be concerned
    basic: bool = False
    workshop: bool = False  # there because the State is in a grouping workshop


def _brief(entry: QaEntry, facts: dict[str, str]) -> bool:
    return bool(entry.brief_when) and matches(entry.brief_when, facts)


def select_entries(entries: list[QaEntry], subject: Subject, length: str = "full"
                   ) -> list[Selected]:
    """Entries relevant to the State, in library order."""
    facts = subject.conditions()
    relevant = [e for e in entries if matches(e.requires, facts)]
    chosen: list[Selected] = []

    workshop = subject.workshop_group is not None

    def add(entry: QaEntry, barrier: str | None) -> None:
        if all(s.id != entry.id for s in chosen):
            chosen.append(Selected(entry.id, barrier, _brief(entry, facts), entry.basic,
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
    core = [e for e in informative if e.basic or (workshop and e.id == REGIONAL)]
    room = BASIC_MAX - len(core)
    for barrier in subject.barriers:
        answering = [e for e in informative if barrier in e.barriers and not e.basic
                     and all(s.id != e.id for s in chosen)]
        for entry in answering[:PER_BARRIER]:
            if len(chosen) < room:
                add(entry, barrier)
    for entry in core:
        add(entry, None)
    for entry in [*informative, *relevant]:
        if len(chosen) >= BASIC_MIN:
            break
        add(entry, None)
    return _in_library_order(chosen, entries)


def _in_library_order(chosen: list[Selected], entries: list[QaEntry]) -> list[Selected]:
    order = {e.id: n for n, e in enumerate(entries)}
    return sorted(chosen, key=lambda s: order[s.id])


def reason(selected: Selected) -> str:
    """Why the entry is there and in this form (English, for the internal brief)."""
    if selected.barrier:
        text = f"Answers the barrier recorded for this State: {selected.barrier}."
    elif selected.workshop:
        text = "Grouping workshop: the regional question, framed by the grouping's numbers."
    elif selected.basic:
        text = "Core entry of the basic Q&A."
    else:
        text = "General entry relevant to the State's situation."
    if selected.brief:
        text += " Shortened to one sentence: the State data record that it is not concerned."
    return text


def build(subject: Subject, lang: str) -> dict[str, Any]:
    """Context for templates/qa/<lang>.html.j2."""
    entries, texts = qa_library(lang, subject.options.template_dir)
    length = subject.options.qa or "basic"
    selected = select_entries(entries, subject, length)
    chosen = []
    for sel in selected:
        text = texts[sel.id]
        chosen.append({
            "id": sel.id,
            "question": text.question,
            "answer": text.brief if sel.brief and text.brief else text.answer,
        })
    framing = subject.regional_framing(lang)
    _ = gettext_for(lang)
    choices = [Choice("qa.length", length, "Default: the basic Q&A." if not subject.options.qa
                      else "Length chosen by the user."),
               *(Choice(f"qa.entry.{s.id}", "brief" if s.brief else "answer", reason(s))
                 for s in selected)]
    return {
        **common_context(subject, lang),
        "entries": chosen,
        "region": {"total": framing.total, "parties": framing.parties,
                   "signatories": framing.signatories,
                   "name": framing.name if subject.workshop_group else _(framing.name)},
        "choices": choices,
    }
