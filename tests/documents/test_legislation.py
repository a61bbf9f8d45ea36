"""Model legislation: variant and drafting style, Word-native numbering, legal content."""

from __future__ import annotations

import io
import itertools
import re
import shutil
import subprocess
from dataclasses import replace

import pytest
from docx import Document

from ccmkit.content.library import clause_library
from ccmkit.data.profile import Profile
from ccmkit.documents.legislation import build, choose_style, choose_variant
from ccmkit.languages import get_locale
from ccmkit.languages import registry as languages
from ccmkit.package import render_document
from ccmkit.render.html import make_environment, render_html
from tests.conftest import fact, make_subject

LANGS = list(languages())
CLAUSES = clause_library("en")[0]
CLEAN = Profile(facts={"stockpiles": fact("no"),
                       "contamination": fact("no")})
STOCKS = Profile(facts={"stockpiles": fact("yes"),
                        "contamination": fact("no"),
                        "legal_tradition": fact("civil_law")})
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def ids(context) -> list[str]:
    return [c["id"] for part in context["parts"] for c in part["clauses"]]


def numbers(context) -> list[int]:
    return [int(re.sub(r"<[^>]+>", "", str(c["number"])))
            for part in context["parts"] for c in part["clauses"]]


def fields(docx: bytes) -> list[str]:
    doc = Document(io.BytesIO(docx))
    return [t.text.strip() for t in doc.element.body.iter(f"{W}instrText")]


def test_variant_follows_the_facts_unless_asked(registry) -> None:
    """Minimum credible implementation for no stockpiles, contamination or production."""
    assert choose_variant(make_subject(registry, "TUV")).value == "minimal"  # sourced "no"s
    assert choose_variant(make_subject(registry, "EGY")).value == "full"  # stockpiles, producer
    assert choose_variant(make_subject(registry, "KEN")).value == "full"  # stockpiles unknown
    assert choose_variant(make_subject(registry, "KEN", STOCKS)).value == "full"
    assert choose_variant(make_subject(registry, "KEN", legislation="minimal")).value == "minimal"
    assert choose_variant(make_subject(registry, "TUV", legislation="full")).value == "full"


def test_style_follows_legal_tradition_and_option(registry) -> None:
    assert choose_style(make_subject(registry, "KEN", STOCKS)).value == "civil-law"
    common = Profile(facts={"legal_tradition": fact("common_law")})
    assert choose_style(make_subject(registry, "HTI", common)).value == "common-law"
    assert choose_style(make_subject(registry, "HTI")).value == "civil-law"  # default
    unknown = choose_style(make_subject(registry, "KEN", Profile(
        facts={"legal_tradition": fact("unknown")})))
    assert unknown.value == "common-law" and "package language" in unknown.reason
    mixed = choose_style(make_subject(registry, "KEN"))  # common law/customary/Muslim law
    assert mixed.value == "common-law" and "legal_tradition: mixed" in mixed.reason
    forced = make_subject(registry, "KEN", STOCKS, drafting="common-law")
    assert choose_style(forced).value == "common-law"


def test_minimal_keeps_obligations_only_where_the_facts_call_for_them(registry) -> None:
    minimal = build(make_subject(registry, "KEN", CLEAN), get_locale("en"))
    unknown = build(make_subject(registry, "KEN", legislation="minimal"), get_locale("en"))
    stocks = build(make_subject(registry, "KEN", STOCKS, legislation="minimal"), get_locale("en"))
    full = build(make_subject(registry, "KEN", CLEAN, legislation="full"), get_locale("en"))
    for clause in ("stockpile-destruction", "clearance", "victim-assistance"):
        assert clause not in ids(minimal) and clause not in ids(unknown) and clause in ids(full)
    assert "stockpile-destruction" in ids(stocks) and "clearance" not in ids(stocks)
    assert len(ids(full)) == len(CLAUSES)
    for context in (minimal, stocks, full):
        assert numbers(context) == list(range(1, len(ids(context)) + 1))
    # the checklist lists every element, with where it is in this text
    rows = minimal["checklist"]
    assert len(rows) == len(CLAUSES)
    assert {r["level"] for r in rows} == {"required", "recommended", "optional"}
    assert sum(r["number"] is not None for r in rows) == len(ids(minimal))


# English in the inner loop; the other languages' sweeps are slow (the inner loop still checks
# their references in one situation, in test_word_fields_number_clauses_and_references)
@pytest.mark.parametrize("lang", [LANGS[0], *(pytest.param(lang, marks=pytest.mark.slow)
                                              for lang in LANGS[1:])])
def test_every_reference_resolves_in_every_situation(registry, lang) -> None:
    """Every variant, style and State situation renders: no reference to an absent clause."""
    env = make_environment(get_locale(lang))
    values = ("yes", "no", "unknown")
    for variant, style, stock, cont in itertools.product(("minimal", "full"),
                                                          ("common-law", "civil-law"),
                                                          values, values):
        facts = {"stockpiles": fact(stock),
                 "contamination": fact(cont)}
        subject = make_subject(registry, "KEN", Profile(facts=facts), legislation=variant,
                               drafting=style)
        context = {**build(subject, get_locale(lang)), "doc_title": "t",
                   "generated_at": "2026-12-01T12:00:00Z"}
        html = render_html(env, f"legislation/{lang}.html.j2", context)
        refs = set(re.findall(r'href="#(_Ref_\w+)"', html))
        marks = set(re.findall(r'data-bookmark="(_Ref_\w+)"', html))
        assert refs <= marks, (variant, style, stock, cont, refs - marks)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("style", ["common-law", "civil-law"])
def test_word_fields_number_clauses_and_references(registry, lang, style) -> None:
    subject = make_subject(registry, "KEN", CLEAN, drafting=style)
    (docx,) = render_document(subject, "legislation", lang, ("docx",))
    found = fields(docx.data)
    seqs = [f for f in found if f.startswith("SEQ Clause")]
    refs = [f.split()[1] for f in found if f.startswith("REF ")]
    assert len(seqs) == len(ids(build(subject, get_locale(lang))))
    doc = Document(io.BytesIO(docx.data))
    bookmarks = {b.get(f"{W}name") for b in doc.element.body.iter(f"{W}bookmarkStart")}
    assert refs and set(refs) <= bookmarks
    numbered = [p for p in doc.paragraphs if p._p.pPr is not None and p._p.pPr.numPr is not None]
    assert len(numbered) > 10  # subsections and items are Word list paragraphs
    text = "\n".join(p.text for p in doc.paragraphs)
    assert not re.search(r"^\((?:\d|[a-h])\)", text, re.M)  # labels come from the list


@pytest.mark.parametrize("lang", LANGS)
def test_legal_content_of_the_full_law(registry, lang) -> None:
    subject = make_subject(registry, "KEN", STOCKS, legislation="full", drafting="common-law")
    (docx,) = render_document(subject, "legislation", lang, ("docx",))
    doc = Document(io.BytesIO(docx.data))
    text = " ".join(" ".join(p.text.split()) for p in doc.paragraphs)
    control = {"en": "under the jurisdiction and control of Kenya",
               "fr": "relevant de la juridiction et du contrôle du Kenya",
               "es": "bajo la jurisdicción y el control de Kenya"}[lang]
    assert control in text
    transit = {"en": r"Subject to sections \d+ and \d+, no person shall — bring a cluster",
               "fr": r"Sous réserve des articles \d+ et \d+, il est interdit à quiconque",
               "es": r"Salvo lo dispuesto en las secciones \d+ y \d+, ninguna persona podrá"}[lang]
    assert re.search(transit, text)
    optional = {"en": "[Optional]", "fr": "[Facultatif]", "es": "[Opcional]"}[lang]
    headings = [p.text for p in doc.paragraphs
                if optional in p.text and p.style.name == "Heading 2"]
    assert len(headings) >= 4  # purpose, transit, investment, cooperation, repeal
    assert text.count(optional) >= len(headings) + 2  # and the extraterritorial options
    assert "Staying Strong" not in text + " ".join(c.text for c in doc.comments)


def test_options_do_not_leak_between_subjects(registry) -> None:
    subject = make_subject(registry, "KEN", CLEAN)
    other = replace(subject, options=subject.options.model_copy(update={"legislation": "full"}))
    assert len(ids(build(subject, get_locale("en")))) < len(ids(build(other, get_locale("en"))))


@pytest.mark.slow
@pytest.mark.parametrize("lang", LANGS)
def test_deleting_a_clause_renumbers_after_libreoffice(registry, tmp_path, lang) -> None:
    """A legal adviser deletes a clause in Word: numbers and references follow."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice is required"
    subject = make_subject(registry, "KEN", CLEAN, drafting="civil-law")
    context = build(subject, get_locale(lang))
    order = ids(context)
    (docx,) = render_document(subject, "legislation", lang, ("docx",))
    doc = Document(io.BytesIO(docx.data))
    # delete the application clause (3): its heading and its paragraphs up to the next heading
    body = list(doc.element.body)
    headings = [i for i, el in enumerate(body)
                if el.tag == f"{W}p" and any(t.text and "SEQ Clause" in t.text
                                             for t in el.iter(f"{W}instrText"))]
    target = order.index("application")
    for el in body[headings[target]:headings[target + 1]]:
        el.getparent().remove(el)
    edited = tmp_path / "edited.docx"
    doc.save(str(edited))
    run = subprocess.run([soffice, "--headless", "--norestore", "--convert-to", "pdf",
                          "--outdir", str(tmp_path), str(edited)], capture_output=True,
                         text=True, timeout=180,
                         env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"})
    assert run.returncode == 0, run.stderr
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(tmp_path / "edited.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    text = " ".join(text.split())
    word = {"en": "Article", "fr": "Article", "es": "Artículo"}[lang]
    found = [int(n) for n in re.findall(rf"\b{word} (\d+)[ .–]", text)]
    heading_numbers = sorted(set(found))
    assert heading_numbers[:len(order) - 1] == list(range(1, len(order)))
    # the national authority clause moved up one place; the definition refers to it
    new_number = order.index("national-authority")  # was index + 1, one clause removed above
    authority = {"en": "designated under article", "fr": "désignée en application de l'article",
                 "es": "designada conforme al artículo"}[lang]
    assert f"{authority} {new_number}" in text, text[:2000]
