"""The Q&A library and its selection for a State's situation and barriers."""

from __future__ import annotations

import io
import re

import pytest
from docx import Document

from ccmkit.content.library import qa_library
from ccmkit.data.profile import Profile
from ccmkit.documents.qa import BASIC_MAX, BASIC_MIN, build, select_entries
from ccmkit.languages import get_locale
from ccmkit.languages import registry as languages
from ccmkit.package import render_document
from ccmkit.vocab import BARRIERS
from tests.conftest import fact, make_subject

LANGS = list(languages())
ENTRIES = qa_library("en")[0]
CITATION = re.compile(
    r"\b(?:Articles?|articles?|artículos?)\s+((?:(?:\d+|premier)(?:\(\d+\))?(?:\([a-z]\))?"
    r"(?:,\s*|\s+(?:and|et|y|ou|o)\s+)?)+)"
)
CLEAN = {"stockpiles": fact("no"), "contamination": fact("no")}
SILENT = {"concerns": fact("none_stated", "concerns")}  # a State that stated no concern


def cited(text: str) -> set[int]:
    found: set[int] = set()
    for match in CITATION.finditer(text):
        numbers = match.group(1).replace("premier", "1")
        found |= {int(n) for n in re.findall(r"(?<![(\d])(\d+)", numbers)}
    return found


def test_library_size_and_tags() -> None:
    assert len(ENTRIES) >= 24
    assert all(set(e.barriers) <= set(BARRIERS) for e in ENTRIES)
    assert sum(e.basic for e in ENTRIES) >= 4


@pytest.mark.parametrize("lang", LANGS)
def test_every_entry_in_every_language_with_same_citations(lang) -> None:
    entries, texts = qa_library(lang)
    for entry in entries:
        text = texts[entry.id]
        body = " ".join([text.question, text.answer, text.brief or ""])
        assert cited(body) == set(entry.articles), (lang, entry.id, cited(body))
        assert 60 <= len(text.answer.split()) <= 220, (lang, entry.id)
        assert set(re.findall(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", body)) <= {
            "ccm@un.org", "info@cmconvention.org"}, (lang, entry.id)


@pytest.mark.parametrize(("code", "profile"), [
    ("KEN", Profile()),
    ("ARG", Profile(facts=CLEAN)),
    ("KEN", Profile(barriers=("defence_security",))),
    ("ARG", Profile(barriers=tuple(BARRIERS))),
    ("LTU", Profile(barriers=("bandwidth", "awareness"))),
])
def test_basic_qa_has_six_to_eight_questions(registry, code, profile) -> None:
    chosen = select_entries(ENTRIES, make_subject(registry, code, profile), "basic")
    assert BASIC_MIN <= len(chosen) <= BASIC_MAX
    assert len({s.id for s in chosen}) == len(chosen)
    process = {"KEN": "ratification-process", "LTU": "rejoining-process"}.get(
        code, "accession-process")
    assert process in {s.id for s in chosen}


def test_selection_follows_barriers_and_situation(registry) -> None:
    defence = make_subject(registry, "KEN", Profile(barriers=("defence_security",),
                                                    facts=SILENT))
    bandwidth = make_subject(registry, "ARG", Profile(barriers=("bandwidth",),
                                                      facts={**CLEAN, **SILENT}))
    first = select_entries(ENTRIES, defence, "basic")
    second = select_entries(ENTRIES, bandwidth, "basic")
    assert [s.barrier for s in first if s.barrier] == ["defence_security"] * 2
    assert [s.barrier for s in second if s.barrier] == ["bandwidth"] * 2
    order = [e.id for e in ENTRIES]
    assert [order.index(s.id) for s in first] == sorted(order.index(s.id) for s in first)
    assert {s.id for s in first} != {s.id for s in second}
    assert "ratification-process" in {s.id for s in first}
    assert "accession-process" in {s.id for s in second}
    # a State known to hold no stockpiles gets no full answer on destroying them
    assert "stockpile-destruction" not in {s.id for s in second if not s.brief}
    full = select_entries(ENTRIES, bandwidth, "full")
    assert len(full) > BASIC_MAX
    briefs = {s.id for s in full if s.brief}
    assert "stockpile-destruction" in briefs and "clearance" in briefs


def test_choices_explain_the_selection_in_english(registry) -> None:
    subject = make_subject(registry, "KEN", Profile(barriers=("defence_security",)))
    context = build(subject, get_locale("fr"))
    names = {c.name for c in context["choices"]}
    assert {f"qa.entry.{e['id']}" for e in context["entries"]} <= names
    reasons = " ".join(c.reason for c in context["choices"])
    assert "defence_security" in reasons  # internal data, in English


def test_regional_entry_uses_computed_counts(registry) -> None:
    subject = make_subject(registry, "KEN", Profile(barriers=("regional_alignment",)))
    context = build(subject, get_locale("en"))
    africa = registry.select([], region="Africa")
    assert context["region"]["total"] == len(africa)
    assert context["region"]["parties"] == sum(s.status == "state_party" for s in africa)


@pytest.mark.parametrize("lang", LANGS)
def test_rendered_qa_says_nothing_about_the_selection(registry, lang) -> None:
    subject = make_subject(registry, "KEN", Profile(barriers=("awareness", "bandwidth")))
    (file,) = render_document(subject, "qa", lang, ("docx",))
    doc = Document(io.BytesIO(file.data))
    assert not list(doc.comments)
    text = " ".join(p.text for p in doc.paragraphs).casefold()
    for label in ("awareness", "bandwidth", "lack of awareness", "not a priority",
                  "manque de sensibilisation", "falta de conocimiento", "barri", "recorded",
                  "relevées", "señaladas"):
        assert label not in text, label


@pytest.mark.parametrize("lang", LANGS)
def test_no_state_is_named_but_the_last_to_destroy_its_stocks(registry, lang) -> None:
    """Neutral tone: the library names no State, except Peru's completed destruction."""
    blob = " ".join(" ".join(filter(None, (t.question, t.answer, t.brief)))
                    for t in qa_library(lang)[1].values())
    named = {s.iso3 for s in registry.states
             if re.search(rf"\b{re.escape(s.names[lang].short)}\b", blob)}
    assert named == {"PER"}


def test_regional_entry_uses_the_workshop_grouping(registry) -> None:
    """A workshop by grouping frames the regional question by that grouping's own counts."""
    from dataclasses import replace

    def qa(code: str, group: str | None) -> str:
        subject = make_subject(registry, code, qa="full")
        subject = replace(subject, options=subject.options.model_copy(update={"group": group}))
        (docx,) = render_document(subject, "qa", "en", ("docx",))
        return " ".join(" ".join(p.text for p in Document(io.BytesIO(docx.data)).paragraphs)
                        .split())

    vietnam = registry.find("VNM")
    asean, region = registry.regional(vietnam, "ASEAN"), registry.regional(vietnam)
    assert (f"among the {asean['total']} States in the region (Association of Southeast Asian "
            f"Nations (ASEAN)), the number of States Parties stood at {asean['parties']}"
            in qa("VNM", "asean"))
    assert f"among the {region['total']} States in the region (Asia)" in qa("VNM", None)
    assert "(Africa)" in qa("KEN", "ASEAN")  # not a member: its own region
