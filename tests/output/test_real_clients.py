"""Real-client checks on every document × language × format the package command produces.

LibreOffice opens and converts each DOCX; qpdf, pdffonts and pdftotext check each PDF; the
DOCX and the PDF of a document carry the same words (drafting notes excepted).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest

from ccmkit.vocab import DOC_KINDS
from tests.conftest import NON_SIGNATORY, SIGNATORY, manifest
from tests.readers import (
    docx_comments,
    docx_highlighted,
    docx_text,
    pdf_body_text,
    pdf_fonts,
    pdf_text,
    qpdf_check,
    words,
)

pytestmark = pytest.mark.slow
KINDS = DOC_KINDS
LANGS = ("en", "fr", "es")
UNSIGNED = {"instrument", "full_powers"}  # documents to sign: no running header
WITH_NOTES = {"instrument", "full_powers", "steps", "legislation"}
HEADERS = {
    "en": ("Implementation Support Unit of the Convention on Cluster Munitions", {
        "cover_note": "Cover note", "qa": "Questions and answers",
        "legislation": "Model legislation",
        "steps": {"KEN": "Steps towards ratification", "ARG": "Steps towards accession"}}),
    "fr": ("Unité d'appui à l'application de la Convention sur les armes à sous-munitions", {
        "cover_note": "Note de transmission", "qa": "Questions et réponses",
        "legislation": "Législation type",
        "steps": {"KEN": "Étapes de la ratification", "ARG": "Étapes de l'adhésion"}}),
    "es": ("Dependencia de Apoyo a la Aplicación de la Convención sobre Municiones en Racimo", {
        "cover_note": "Nota de envío", "qa": "Preguntas y respuestas",
        "legislation": "Legislación modelo",
        "steps": {"KEN": "Pasos para la ratificación", "ARG": "Pasos para la adhesión"}}),
}
LABEL = re.compile(r"^(?:\(\d+\)|\([a-z]\)|\d+\.)$")


def unlabelled(counter: Counter) -> Counter:
    """Words without list labels ("(1)", "(a)", "1."): Word numbering draws them itself."""
    return Counter({w: n for w, n in counter.items() if not LABEL.match(w)})


def header_for(code: str, kind: str, lang: str) -> str:
    issuer, titles = HEADERS[lang]
    title = titles[kind]
    title = title[code] if isinstance(title, dict) else title
    name = {"KEN": "Kenya", "ARG": "Argentina" if lang != "fr" else "Argentine"}[code]
    return f"{issuer} – {title} – {name}"
CASES = [(code, kind, lang) for code in (SIGNATORY, NON_SIGNATORY) for kind in KINDS
         for lang in LANGS]


def test_manifest_lists_every_file(packages) -> None:
    for folder in packages.values():
        data = manifest(folder)
        found = {(d["kind"], d["lang"], d["format"]) for d in data["documents"]}
        assert found == {(k, lang, f) for k in KINDS for lang in LANGS for f in ("docx", "pdf")}
        for doc in data["documents"]:
            assert (folder / doc["path"]).is_file()


@pytest.fixture(scope="module")
def libreoffice_text(packages, tmp_path_factory) -> dict[Path, str]:
    """Every DOCX converted to text by LibreOffice headless, in one run."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice is required (scripts/setup.sh installs it)"
    out = tmp_path_factory.mktemp("lo")
    result = {}
    for folder in packages.values():
        for lang in LANGS:
            files = sorted((folder / lang).glob("*.docx"))
            target = out / folder.name / lang
            target.mkdir(parents=True)
            run = subprocess.run(
                [soffice, "--headless", "--norestore", "--convert-to",
                 "txt:Text (encoded):UTF8", "--outdir", str(target), *map(str, files)],
                capture_output=True, text=True, timeout=300,
                env={"HOME": str(out), "PATH": "/usr/bin:/bin"},
            )
            assert run.returncode == 0, run.stderr
            for docx in files:
                converted = target / (docx.stem + ".txt")
                assert converted.is_file(), f"LibreOffice could not convert {docx}: {run.stderr}"
                result[docx] = converted.read_text(encoding="utf-8-sig")
    return result


@pytest.mark.parametrize(("code", "kind", "lang"), CASES)
def test_docx_opens_in_libreoffice_with_same_text(packages, libreoffice_text, code, kind,
                                                  lang) -> None:
    docx = packages[code] / lang / f"{kind}.docx"
    ours = docx_text(docx)
    assert len(ours) > 300
    assert unlabelled(words(libreoffice_text[docx])) == unlabelled(words(ours))


@pytest.mark.parametrize(("code", "kind", "lang"), CASES)
def test_pdf_valid_fonts_embedded_same_text_as_docx(packages, code, kind, lang) -> None:
    pdf = packages[code] / lang / f"{kind}.pdf"
    check = qpdf_check(pdf)
    assert check.returncode == 0 and "No syntax or stream encoding errors" in check.stdout
    fonts = pdf_fonts(pdf)
    assert fonts and all(row[-5] == "yes" for row in fonts), fonts  # the "emb" column
    docx = packages[code] / lang / f"{kind}.docx"
    if kind in UNSIGNED:
        assert not re.search(r"Page|Página", pdf_text(pdf))
        assert words(pdf_body_text(pdf, "")) == words(docx_text(docx))
        return
    header = header_for(code, kind, lang)
    assert " ".join(header.split()) in " ".join(pdf_text(pdf).split())
    body = pdf_body_text(pdf, header)
    assert unlabelled(words(body)) == unlabelled(words(docx_text(docx)))


@pytest.mark.parametrize("lang", ["fr", "es"])
def test_accented_text_survives(packages, lang) -> None:
    text = pdf_text(packages[SIGNATORY] / lang / "steps.pdf")
    expected = {"fr": ["sous-munitions", "État", "Secrétaire général"],
                "es": ["Convención", "Depósito", "artículo"]}[lang]
    for word in expected:
        assert word in text, word


@pytest.mark.parametrize(("code", "kind", "lang"), CASES)
def test_drafting_notes_are_comments_not_body(packages, code, kind, lang) -> None:
    docx = packages[code] / lang / f"{kind}.docx"
    comments = docx_comments(docx)
    if kind not in WITH_NOTES:  # the Q&A and the cover note go out without notes
        assert not comments
        return
    assert comments, "this document carries drafting notes for the legal adviser"
    body = docx_text(docx)
    pdf = pdf_text(packages[code] / lang / f"{kind}.pdf")
    for note in comments:
        assert note[:40] not in body and note[:40] not in pdf.replace("\n", " ")


def test_blanks_are_highlighted(packages) -> None:
    highlighted = docx_highlighted(packages[NON_SIGNATORY] / "en" / "instrument.docx")
    assert "[place]" in highlighted and "[date]" in highlighted and "[name]" in highlighted
    given = docx_highlighted(packages[SIGNATORY] / "en" / "instrument.docx")
    assert "[place]" in given and "[name]" not in given  # the profile names the signatory


@pytest.mark.parametrize("lang", LANGS)
def test_pdf_is_tagged_with_language_and_title(packages, lang) -> None:
    import pikepdf

    with pikepdf.open(packages[SIGNATORY] / lang / "steps.pdf") as pdf:
        assert str(pdf.Root.Lang).startswith(lang)
        assert bool(pdf.Root.MarkInfo.Marked)
        assert str(pdf.docinfo["/Title"]).startswith(HEADERS[lang][1]["steps"]["KEN"])
