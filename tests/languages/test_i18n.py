"""Localization: complete catalogs, no English in French and Spanish packages, and a new
language added by adding files only."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from docx import Document

from ccmkit.documents.kinds import DOCUMENTS
from ccmkit.languages import registry
from ccmkit.package import render_document
from ccmkit.resources import locales_dir, templates_dir
from tests.conftest import NON_SIGNATORY, SIGNATORY, make_subject
from tests.language_copy import project_with_language, run_ccmkit

pytestmark = pytest.mark.e2e  # real files, processes or HTTP: the outer loop

ROOT = Path(__file__).resolve().parents[2]
LANGS = [code for code in registry() if code != "en"]


@pytest.mark.parametrize("lang", LANGS)
def test_catalog_complete_and_compiled(lang: str) -> None:
    po_path = locales_dir() / lang / "LC_MESSAGES" / "ccmkit.po"
    with po_path.open("rb") as handle:
        catalog = read_po(handle)
    missing = [m.id for m in catalog if m.id and (not m.string or m.fuzzy)]
    assert not missing, f"untranslated or fuzzy in {lang}: {missing}"
    with (po_path.with_suffix(".mo")).open("rb") as handle:
        compiled = read_mo(handle)
    def entries(messages) -> dict:  # plural messages have a tuple of ids and of strings
        return {_key(m.id): _key(m.string) for m in messages if m.id}

    assert entries(catalog) == entries(compiled), "run scripts/update_catalogs.sh"


def _key(value):
    return tuple(value) if isinstance(value, list | tuple) else value


def test_catalogs_cover_every_message(tmp_path) -> None:
    """The .pot is current: every _() and {% trans %} in the code has a catalog entry."""
    pybabel = Path(sys.executable).with_name("pybabel")
    pot = tmp_path / "fresh.pot"
    subprocess.run(
        [str(pybabel), "extract", "-F", "babel.cfg", "--no-location", "--sort-output",
         "--omit-header", "-k", "_", "-k", "N_", "-o", str(pot), "."],
        cwd=ROOT, capture_output=True, text=True, check=True)
    with pot.open("rb") as handle:
        extracted = {m.id for m in read_po(handle) if m.id}
    assert len(extracted) > 30, "the extraction found (almost) nothing: check babel.cfg"
    for lang in LANGS:
        with (locales_dir() / lang / "LC_MESSAGES" / "ccmkit.po").open("rb") as handle:
            known = {m.id for m in read_po(handle) if m.id}
        assert extracted <= known, f"{lang} lacks {sorted(extracted - known)}"


def test_every_template_and_content_file_in_every_language() -> None:
    for kind in DOCUMENTS:
        folder = templates_dir() / kind
        for pattern in ("{}.html.j2", "{}.yaml"):
            present = {lang for lang in registry() if (folder / pattern.format(lang)).is_file()}
            assert present in (set(), set(registry())), (kind, pattern, present)
        assert (folder / "en.html.j2").is_file()


ENGLISH = [" the ", " of the ", "Drafting note", "Minister for Foreign Affairs", "Page ",
           " and ", " shall ", "Convention on Cluster Munitions", " State Party"]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("code", [SIGNATORY, NON_SIGNATORY])
def test_no_english_in_french_and_spanish(registry_fixture, lang: str, code: str) -> None:
    subject = make_subject(registry_fixture, code, deposit_date=None)
    for kind in DOCUMENTS:
        for legislation in (("minimal", "common-law"), ("full", "civil-law")):
            if kind != "legislation" and legislation[0] == "full":
                continue
            from dataclasses import replace

            options = subject.options.model_copy(update={"legislation": legislation[0],
                                                         "drafting": legislation[1]})
            (file,) = render_document(replace(subject, options=options), kind, lang, ("docx",))
            doc = Document(io.BytesIO(file.data))
            body = " " + " ".join(p.text for p in doc.paragraphs) + " "
            for table in doc.tables:
                body += " ".join(c.text for row in table.rows for c in row.cells) + " "
            notes = " ".join(c.text for c in doc.comments)
            header = doc.sections[0].header.paragraphs[0].text
            for phrase in ENGLISH:
                for where, text in (("body", body), ("notes", notes), ("header", header)):
                    assert phrase not in text.replace("\u00a0", " "), (kind, where, phrase)


@pytest.fixture(scope="module")
def registry_fixture():
    from ccmkit.data.states import load_registry

    return load_registry()


def test_adding_a_language_needs_only_files(tmp_path) -> None:
    """Follow the README's recipe for a throw-away language in a copy of the project."""
    package = ROOT / "src" / "ccmkit"
    templates = {f"{kind}/pt{suffix}": (package / "templates" / kind / f"en{suffix}").read_text(
        encoding="utf-8") for kind in DOCUMENTS for suffix in (".html.j2", ".yaml")
        if (package / "templates" / kind / f"en{suffix}").is_file()}
    src = project_with_language(
        tmp_path, "pt",
        "pt:\n  name: português\n  babel_locale: pt_PT\n  package_language: true\n"
        "  typography:\n    first_day_suffix: ''\n    nbsp_before: ''\n"
        "    nbsp_inside_guillemets: false\n",
        lambda record: dict(record["names"]["en"]),  # names copied from English for the test
        templates, {"Page {page} of {pages}": "Página {page} de {pages}"})
    run = run_ccmkit(src, tmp_path, "package", "KEN", "--lang", "pt", "--doc", "instrument",
                     "--doc", "steps", "--deposit-date", "2027-03-15", "--out",
                     str(tmp_path / "out"))
    assert run.returncode == 0, run.stderr
    pdf = subprocess.run(["pdftotext", str(tmp_path / "out/KEN/pt/steps.pdf"), "-"],
                         capture_output=True, text=True, check=True).stdout
    assert re.search(r"Página 1 de \d", pdf)  # the footer from the new catalog
    doc = Document(str(tmp_path / "out/KEN/pt/steps.docx"))
    text = " ".join(p.text for p in doc.paragraphs) + " ".join(
        c.text for t in doc.tables for row in t.rows for c in row.cells)
    assert "1 de setembro de 2027" in text.replace("\u00a0", " ")  # CLDR dates for pt
