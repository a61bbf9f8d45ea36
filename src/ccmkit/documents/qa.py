"""Q&A on legal and defence concerns, selected and ordered for the State's barriers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ccmkit.documents.library import load_yaml, matches, state_facts
from ccmkit.documents.subject import Subject, common_context
from ccmkit.i18n import gettext_for
from ccmkit.vocab import BARRIERS


@dataclass(frozen=True)
class Selected:
    """One Q&A entry chosen for a State, with why and in which form."""

    id: str
    barrier: str | None  # the State's barrier it answers, None for a general entry
    brief: bool  # the one-sentence form, for a State known not to be concerned


def select_entries(entries: list[dict], subject: Subject) -> list[Selected]:
    """Entries relevant to the State: those answering its barriers first, in barrier order."""
    facts = state_facts(subject)
    relevant = [e for e in entries if matches(e.get("requires"), facts)]
    chosen: list[Selected] = []
    for barrier in subject.barriers:
        for entry in relevant:
            if barrier in entry["barriers"] and all(s.id != entry["id"] for s in chosen):
                chosen.append(_selected(entry, barrier, facts))
    for entry in relevant:
        if all(s.id != entry["id"] for s in chosen):
            chosen.append(_selected(entry, None, facts))
    return chosen


def _selected(entry: dict, barrier: str | None, facts: dict[str, str]) -> Selected:
    brief = bool(entry.get("brief_when")) and matches(entry["brief_when"], facts)
    return Selected(entry["id"], barrier, brief)


def barrier_labels(lang: str) -> dict[str, str]:
    """Barrier categories of the universalization work plan, translated."""
    _ = gettext_for(lang)
    labels = {
        "legal_technical": _("legal and technical"),
        "defence_security": _("defence and security posture"),
        "regional_alignment": _("regional political alignment"),
        "awareness": _("lack of awareness"),
        "bandwidth": _("not a priority or lack of capacity"),
    }
    assert set(labels) == set(BARRIERS)
    return labels


def reason(selected: Selected, lang: str) -> str:
    """The drafting note saying why the entry is there and in this form."""
    _ = gettext_for(lang)
    if selected.barrier:
        text = _("Placed first: answers the barrier recorded for this State: {barrier}.").format(
            barrier=barrier_labels(lang)[selected.barrier]
        )
    else:
        text = _("General entry: relevant to every State outside the Convention in this "
                 "situation.")
    if selected.brief:
        text += " " + _("Shortened to one sentence because the State data record that it "
                        "does not concern this State; check the source before circulating.")
    return text


def build(subject: Subject, lang: str) -> dict[str, Any]:
    """Context for templates/qa/<lang>.html.j2."""
    template_dir = subject.options.template_dir
    entries = load_yaml("qa/entries.yaml", template_dir)
    texts = load_yaml(f"qa/{lang}.yaml", template_dir)
    chosen = []
    for sel in select_entries(entries, subject):
        text = texts[sel.id]
        chosen.append({
            "id": sel.id,
            "question": text["question"],
            "answer": text["brief"] if sel.brief else text["answer"],
            "note": reason(sel, lang),
            "first": sel.barrier is not None,
        })
    region = subject.registry.regional(subject.state)
    _ = gettext_for(lang)
    return {
        **common_context(subject, lang),
        "entries": chosen,
        "barriers": [barrier_labels(lang)[b] for b in subject.barriers],
        "region": {**region, "name": _(subject.state.region)},
    }
