"""Model legislation: variant and drafting style chosen for the State, continuous numbering."""

from __future__ import annotations

import io
import re
from dataclasses import replace

import pytest
import yaml
from docx import Document

from ccmkit.documents.legislation import build, choose_style, choose_variant
from ccmkit.package import render_document
from ccmkit.resources import templates_dir
from tests.conftest import make_subject, with_facts

CLAUSES = yaml.safe_load((templates_dir() / "legislation/clauses.yaml").read_text("utf-8"))
CLEAN = with_facts({"stockpiles": "no", "contamination": "no"})
STOCKS = with_facts({"stockpiles": "yes",
                        "contamination": "no",
                        "legal_tradition": "civil_law"})


def ids(context) -> list[str]:
    return [c["id"] for part in context["parts"] for c in part["clauses"]]


def numbers(context) -> list[int]:
    return [c["number"] for part in context["parts"] for c in part["clauses"]]


def test_variant_follows_the_profile_and_the_option(registry) -> None:
    assert choose_variant(make_subject(registry, "KEN", CLEAN), "en").value == "minimal"
    assert choose_variant(make_subject(registry, "KEN"), "en").value == "full"  # unknown
    assert choose_variant(make_subject(registry, "KEN", STOCKS), "en").value == "full"
    forced = make_subject(registry, "KEN", STOCKS, legislation="minimal")
    assert choose_variant(forced, "en").value == "minimal"


def test_style_follows_legal_tradition_and_option(registry) -> None:
    assert choose_style(make_subject(registry, "KEN", STOCKS), "en").value == "civil-law"
    common = with_facts({"legal_tradition": "common_law"})
    assert choose_style(make_subject(registry, "HTI", common), "fr").value == "common-law"
    assert choose_style(make_subject(registry, "HTI"), "fr").value == "civil-law"  # default
    unknown = choose_style(make_subject(registry, "KEN"), "en")
    assert unknown.value == "common-law" and "not recorded" in unknown.reason
    forced = make_subject(registry, "KEN", STOCKS, drafting="common-law")
    assert choose_style(forced, "en").value == "common-law"


def test_minimal_omits_obligation_clauses_full_has_them(registry) -> None:
    minimal = build(make_subject(registry, "KEN", CLEAN), "en")
    full = build(make_subject(registry, "KEN", CLEAN, legislation="full"), "en")
    for clause in ("stockpile-destruction", "clearance", "victim-assistance"):
        assert clause not in ids(minimal) and clause in ids(full)
    assert len(ids(full)) == len(CLAUSES)
    for context in (minimal, full):
        assert numbers(context) == list(range(1, len(ids(context)) + 1))


def test_minimal_keeps_what_the_state_needs(registry) -> None:
    context = build(make_subject(registry, "KEN", STOCKS, legislation="minimal"), "en")
    assert "stockpile-destruction" in ids(context) and "clearance" not in ids(context)


@pytest.mark.parametrize("lang", ["en", "fr", "es"])
def test_every_clause_in_every_language_and_style(lang) -> None:
    texts = yaml.safe_load((templates_dir() / f"legislation/{lang}.yaml").read_text("utf-8"))
    for clause in CLAUSES:
        entry = texts["clauses"][clause["id"]]
        for style in ("common-law", "civil-law"):
            assert entry[style], (lang, clause["id"], style)
        assert entry["note"].strip()


@pytest.mark.parametrize("lang", ["en", "fr", "es"])
@pytest.mark.parametrize("style", ["common-law", "civil-law"])
def test_rendered_numbering_is_continuous(registry, lang, style) -> None:
    subject = make_subject(registry, "KEN", CLEAN, drafting=style)
    (docx,) = render_document(subject, "legislation", lang, ("docx",))
    doc = Document(io.BytesIO(docx.data))
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 2"]
    found = [int(m.group(1)) if m.group(1).isdigit() else 1 for h in headings
             if (m := re.match(r"(?:Article |Artículo )?(\d+|premier)[.\s–]", h))]
    assert found == list(range(1, len(ids(build(subject, lang))) + 1))
    assert any(p.style.name == "Lettered Paragraph" for p in doc.paragraphs)
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "[" in text  # blanks for penalties and names


def test_cross_references_follow_the_numbering(registry) -> None:
    """A reference to the prohibitions clause names its number in each variant."""
    for profile, option in ((CLEAN, None), (CLEAN, "full")):
        subject = make_subject(registry, "KEN", profile, legislation=option)
        context = build(subject, "en")
        assert context["ref"]("prohibitions") == str(ids(context).index("prohibitions") + 1)


def test_options_do_not_leak_between_subjects(registry) -> None:
    subject = make_subject(registry, "KEN", CLEAN)
    other = replace(subject, options=replace(subject.options, legislation="full"))
    assert len(ids(build(subject, "en"))) < len(ids(build(other, "en")))
