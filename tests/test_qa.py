"""The Q&A library and its selection for a State's barriers and situation."""

from __future__ import annotations

import re

import pytest
import yaml

from ccmkit.data.profile import BARRIERS, Profile
from ccmkit.documents.qa import build, select_entries
from ccmkit.package import render_document
from ccmkit.resources import templates_dir
from tests.conftest import make_subject, with_facts
from tests.readers import docx_comments, docx_text

ENTRIES = yaml.safe_load((templates_dir() / "qa/entries.yaml").read_text(encoding="utf-8"))
TEXTS = {lang: yaml.safe_load((templates_dir() / f"qa/{lang}.yaml").read_text(encoding="utf-8"))
         for lang in ("en", "fr", "es")}
CITATION = re.compile(
    r"\b(?:Articles?|articles?|artículos?)\s+((?:\d+(?:\(\d+\))?(?:\([a-z]\))?"
    r"(?:,\s*|\s+(?:and|et|y|ou|o)\s+)?)+)"
)


def cited(text: str) -> set[int]:
    found: set[int] = set()
    for match in CITATION.finditer(text):
        found |= {int(n) for n in re.findall(r"(?<![(\d])(\d+)", match.group(1))}
    return found


def test_library_size_and_tags() -> None:
    assert len(ENTRIES) >= 24
    assert len({e["id"] for e in ENTRIES}) == len(ENTRIES)
    for entry in ENTRIES:
        assert entry["barriers"] and set(entry["barriers"]) <= set(BARRIERS), entry["id"]
        assert all(1 <= a <= 23 for a in entry["articles"]), entry["id"]


@pytest.mark.parametrize("lang", ["en", "fr", "es"])
def test_every_entry_in_every_language_with_same_citations(lang) -> None:
    assert set(TEXTS[lang]) == {e["id"] for e in ENTRIES}
    for entry in ENTRIES:
        text = TEXTS[lang][entry["id"]]
        body = " ".join([text["question"], text["answer"], text.get("brief", "")])
        assert cited(body) == set(entry["articles"]), (lang, entry["id"], cited(body))
        assert 60 <= len(text["answer"].split()) <= 200, (lang, entry["id"])
        assert bool(text.get("brief")) == bool(entry.get("brief_when")), (lang, entry["id"])


def test_different_profiles_different_selection_and_order(registry) -> None:
    defence = make_subject(registry, "KEN", Profile(barriers=("defence_security",)))
    bandwidth = make_subject(
        registry, "ARG",
        with_facts(barriers=["bandwidth", "regional_alignment"],
                facts={"stockpiles": "no",
                       "contamination": "no"}))
    first = select_entries(ENTRIES, defence)
    second = select_entries(ENTRIES, bandwidth)
    assert [s.id for s in first] != [s.id for s in second]
    assert {s.id for s in first} != {s.id for s in second}
    by_id = {e["id"]: e for e in ENTRIES}
    assert "defence_security" in by_id[first[0].id]["barriers"]
    assert "bandwidth" in by_id[second[0].id]["barriers"]
    # barrier entries come first, general ones after
    flags = [s.barrier is not None for s in first]
    assert flags == sorted(flags, reverse=True)
    # route-specific entries: a signatory ratifies, a non-signatory accedes
    assert "ratification-process" in {s.id for s in first}
    assert "accession-process" in {s.id for s in second}
    assert "ratification-process" not in {s.id for s in second}
    # a State known to hold no stockpiles gets the one-sentence form
    briefs = {s.id for s in second if s.brief}
    assert "stockpile-destruction" in briefs and "clearance" in briefs
    # Kenya: stockpiles unknown (full entry); contamination "no" in the sourced data (brief)
    assert {s.id for s in first if s.brief} == {"clearance"}


def test_regional_entry_uses_computed_counts(registry) -> None:
    subject = make_subject(registry, "KEN", Profile(barriers=("regional_alignment",)))
    context = build(subject, "en")
    africa = registry.select([], region="Africa")
    assert context["region"]["total"] == len(africa)
    assert context["region"]["parties"] == sum(s.status == "state_party" for s in africa)


def test_rendered_qa_has_a_note_per_entry(tmp_path, registry) -> None:
    subject = make_subject(registry, "KEN", Profile(barriers=("defence_security",)))
    (file,) = render_document(subject, "qa", "fr", ("docx",))
    path = tmp_path / "qa.docx"
    path.write_bytes(file.data)
    notes = docx_comments(path)
    assert len(notes) == len(select_entries(ENTRIES, subject))
    assert notes[0].startswith("Placée en tête")
    text = docx_text(path)
    assert "1. " in text and "posture de défense et de sécurité" in text


@pytest.mark.parametrize("lang", ["en", "fr", "es"])
def test_no_state_is_named(registry, lang) -> None:
    """Neutral tone: the library never names (or criticises) a State."""
    blob = " ".join(" ".join(str(v) for v in entry.values()) for entry in TEXTS[lang].values())
    named = {s.names[lang].short for s in registry.states
             if re.search(rf"\b{re.escape(s.names[lang].short)}\b", blob)}
    assert not named
