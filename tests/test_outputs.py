"""Real-client checks on every document × language × format the package command produces.

LibreOffice opens and converts each DOCX; qpdf, pdffonts and pdftotext check each PDF; the
DOCX and the PDF of a document carry the same words (drafting notes excepted).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

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
KINDS = ("instrument", "steps", "qa", "legislation")
LANGS = ("en", "fr", "es")
HEADERS = {
    "en": ("Convention on Cluster Munitions", {"instrument": "Model instrument",
            "steps": "Ratification steps", "qa": "Questions and answers",
            "legislation": "Model legislation"}),
    "fr": ("Convention sur les armes à sous-munitions", {"instrument": "Modèle d'instrument",
            "steps": "Étapes de la ratification", "qa": "Questions et réponses",
            "legislation": "Modèle de législation"}),
    "es": ("Convención sobre Municiones en Racimo", {"instrument": "Modelo de instrumento",
            "steps": "Pasos para la ratificación", "qa": "Preguntas y respuestas",
            "legislation": "Modelo de legislación"}),
}
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
    assert words(libreoffice_text[docx]) == words(ours)


@pytest.mark.parametrize(("code", "kind", "lang"), CASES)
def test_pdf_valid_fonts_embedded_same_text_as_docx(packages, code, kind, lang) -> None:
    pdf = packages[code] / lang / f"{kind}.pdf"
    check = qpdf_check(pdf)
    assert check.returncode == 0 and "No syntax or stream encoding errors" in check.stdout
    fonts = pdf_fonts(pdf)
    assert fonts and all(row[-5] == "yes" for row in fonts), fonts  # the "emb" column
    convention, titles = HEADERS[lang]
    name = {"KEN": "Kenya", "ARG": "Argentina" if lang != "fr" else "Argentine"}[code]
    header = f"{convention} – {titles[kind]} – {name}"
    assert header in pdf_text(pdf)
    docx = packages[code] / lang / f"{kind}.docx"
    assert words(pdf_body_text(pdf, header)) == words(docx_text(docx))


@pytest.mark.parametrize("lang", ["fr", "es"])
def test_accented_text_survives(packages, lang) -> None:
    text = pdf_text(packages[SIGNATORY] / lang / "steps.pdf")
    expected = {"fr": ["sous-munitions", "État", "Secrétaire général"],
                "es": ["Convención", "Dublín", "artículo"]}[lang]
    for word in expected:
        assert word in text, word


@pytest.mark.parametrize(("code", "kind", "lang"), CASES)
def test_drafting_notes_are_comments_not_body(packages, code, kind, lang) -> None:
    docx = packages[code] / lang / f"{kind}.docx"
    comments = docx_comments(docx)
    assert comments, "every document carries drafting notes for the legal adviser"
    body = docx_text(docx)
    pdf = pdf_text(packages[code] / lang / f"{kind}.pdf")
    for note in comments:
        assert note[:40] not in body and note[:40] not in pdf.replace("\n", " ")


def test_blanks_are_highlighted(packages) -> None:
    highlighted = docx_highlighted(packages[SIGNATORY] / "en" / "instrument.docx")
    assert "[place]" in highlighted and "[date]" in highlighted and "[name]" in highlighted


@pytest.mark.parametrize("lang", LANGS)
def test_pdf_is_tagged_with_language_and_title(packages, lang) -> None:
    import pikepdf

    with pikepdf.open(packages[SIGNATORY] / lang / "steps.pdf") as pdf:
        assert str(pdf.Root.Lang).startswith(lang)
        assert bool(pdf.Root.MarkInfo.Marked)
        assert str(pdf.docinfo["/Title"]).startswith(HEADERS[lang][1]["steps"])
