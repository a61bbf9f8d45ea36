"""Every outgoing file is fit to send: read back as its recipient would, nothing internal.

Packages are generated through the CLI for a signatory (with a profile full of internal
material: barriers, notes, sourced facts) and a State that has not signed, in EN/FR/ES.
Each DOCX (body, tables, comments, headers, footers, properties) and each PDF (text and
metadata) is searched for tool names, options, profile keys, barrier labels, the word
"unknown", English in French and Spanish, and, for the signatory, accession wording.
"""

from __future__ import annotations

import io
import re
import subprocess
import zipfile
from pathlib import Path

import pikepdf
import pytest
from docx import Document

from ccmkit.data.profile import Profile
from ccmkit.languages import registry as languages
from ccmkit.package import render_document
from ccmkit.vocab import BARRIERS, DOC_KINDS
from tests.conftest import (
    GENERATED,
    INTERNAL_NOTE,
    INTERNAL_SOURCE,
    make_subject,
    run_cli,
)
from tests.readers import pdf_text

pytestmark = pytest.mark.e2e  # real files, processes or HTTP: the outer loop

LANGS = list(languages())
FORBIDDEN = [
    r"ccmkit", r"weasyprint", r"python-docx", r"docxtpl", r"jinja",  # tool names
    r"(?<![\w-])--[a-z]",  # command-line options
    r"\b[a-z]+_[a-z_]+\b",  # profile keys and vocabulary ids (snake_case)
    r"\bunknown\b", r"\binconnue?s?\b", r"\bdesconocid[oa]s?\b",
    r"lack of awareness", r"not a priority", r"defence and security posture",
    r"regional political alignment", r"barrier", r"barrière", r"obstáculo",
    r"manque de sensibilisation", r"falta de conocimiento",
    re.escape(INTERNAL_SOURCE), re.escape(INTERNAL_NOTE), r"Model text prepared",
    r"facts assumed", r"what this note assumed", r"\b99\s?%",
]
ENGLISH = [r"\bthe\b", r"\band\b", r"\bshall\b", r"\bof the\b", r"\bState Party\b",
           r"\bPage \d+ of\b", r"\bConvention on Cluster Munitions\b", r"\bwith\b", r"\bwhich\b"]
ACCESSION = r"adhé|adhés|adhes|adhier|adhir|accession|accede"


@pytest.fixture(scope="module")
def outgoing(packages) -> dict[str, Path]:
    """The shared packages (tests/conftest.py): KEN with internal material, and ARG."""
    return packages


def docx_everything(path: Path) -> str:
    """Everything a reader of the DOCX can see: body, tables, comments, headers, footers,
    document properties (core and application)."""
    doc = Document(str(path))
    parts = [p.text for p in doc.paragraphs]
    parts += [c.text for t in doc.tables for row in t.rows for c in row.cells]
    parts += [c.text for c in doc.comments] + [c.author for c in doc.comments]
    props = doc.core_properties
    parts += [props.author, props.title, props.subject, props.comments, props.keywords,
              props.last_modified_by, props.category]
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if re.match(r"word/(header|footer)\d*\.xml$|docProps/app\.xml$", name):
                xml = archive.read(name).decode("utf-8")
                parts.append(" ".join(re.findall(r">([^<>]+)<", xml)))
    return "\n".join(p or "" for p in parts).replace("\u00a0", " ")


def pdf_everything(path: Path) -> str:
    """The PDF's text and its metadata (document information and XMP)."""
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True,
                          check=True).stdout
    with pikepdf.open(path) as pdf:
        xmp = bytes(pdf.Root.Metadata.read_bytes()).decode("utf-8") if "/Metadata" in pdf.Root \
            else ""
    info = "\n".join(line for line in info.splitlines()
                     if not line.startswith(("Page size", "PDF version", "File size")))
    return pdf_text(path).replace("\u00a0", " ") + "\n" + info + "\n" + xmp


def outgoing_files(folders: dict[str, Path]) -> list[tuple[str, str, Path]]:
    return [(code, lang, f) for code, folder in folders.items() for lang in LANGS
            for f in sorted((folder / lang).iterdir())]


def test_package_holds_every_document(outgoing) -> None:
    for folder in outgoing.values():
        for lang in LANGS:
            assert {f.name for f in (folder / lang).iterdir()} == {
                f"{kind}.{fmt}" for kind in DOC_KINDS for fmt in ("docx", "pdf")}


def test_nothing_internal_in_any_outgoing_file(outgoing) -> None:
    problems = []
    for code, lang, path in outgoing_files(outgoing):
        text = docx_everything(path) if path.suffix == ".docx" else pdf_everything(path)
        if path.suffix == ".pdf":  # the XMP packet's own vocabulary is not visible text
            text = re.sub(r"<\?xpacket.*?\?>|<[^>]+>", " ", text, flags=re.S)
        for pattern in FORBIDDEN:
            for match in re.finditer(pattern, text, flags=re.I):
                problems.append(f"{code}/{lang}/{path.name}: {match.group(0)!r}")
        if lang != "en":
            body = text.replace("Convention on Cluster Munitions (Article 9)", "")
            for pattern in ENGLISH:
                if re.search(pattern, body):
                    problems.append(f"{code}/{lang}/{path.name}: English {pattern!r}")
        if code == "KEN" and re.search(ACCESSION, text, flags=re.I):
            found = re.search(ACCESSION, text, flags=re.I)
            problems.append(f"KEN/{lang}/{path.name}: accession wording {found.group(0)!r}")
    assert not problems, "\n".join(problems[:40])


def test_issuer_in_author_metadata_and_running_header(outgoing) -> None:
    issuers = {"en": "Implementation Support Unit of the Convention on Cluster Munitions",
               "fr": "Unité d'appui à l'application de la Convention sur les armes à "
                     "sous-munitions",
               "es": "Dependencia de Apoyo a la Aplicación de la Convención sobre Municiones "
                     "en Racimo"}
    titles = {"en": "Steps towards accession", "fr": "Étapes de l'adhésion",
              "es": "Pasos para la adhesión"}
    for lang in LANGS:
        docx = outgoing["ARG"] / lang / "steps.docx"
        doc = Document(str(docx))
        assert doc.core_properties.author == issuers[lang]
        header = doc.sections[0].header.paragraphs[0].text
        assert header.startswith(issuers[lang]) and titles[lang] in header
        with pikepdf.open(outgoing["ARG"] / lang / "steps.pdf") as pdf:
            assert str(pdf.docinfo["/Author"]) == issuers[lang]
        assert titles[lang] in pdf_text(outgoing["ARG"] / lang / "steps.pdf")
    ken = Document(str(outgoing["KEN"] / "en" / "qa.docx")).sections[0].header
    assert "Questions and answers – Kenya" in ken.paragraphs[0].text


@pytest.mark.parametrize("code", ["KEN", "ARG"])
def test_page_limits_of_the_default_package(outgoing, code) -> None:
    limits = {"cover_note": 1, "instrument": 1, "full_powers": 1, "steps": 2, "qa": 4}
    for lang in LANGS:
        for kind, limit in limits.items():
            with pikepdf.open(outgoing[code] / lang / f"{kind}.pdf") as pdf:
                assert len(pdf.pages) <= limit, (code, lang, kind, len(pdf.pages))


@pytest.mark.parametrize("lang", LANGS)
def test_minimal_law_is_short_with_its_checklist_last(registry, tmp_path, lang) -> None:
    """Tuvalu (no stockpiles, contamination or production): minimum credible implementation,
    at most five pages of law and a one-page checklist."""
    subject = make_subject(registry, "TUV")
    assert subject.legislation_choice().value == "minimal"
    (file,) = render_document(subject, "legislation", lang, ("pdf",))
    pdf = tmp_path / "legislation.pdf"
    pdf.write_bytes(file.data)
    with pikepdf.open(pdf) as parsed:
        assert len(parsed.pages) <= 6
    pages = pdf_text(pdf).split("\f")
    heading = {"en": "Checklist", "fr": "Liste de contrôle", "es": "Lista de verificación"}
    assert heading[lang] in pages[-2 if not pages[-1].strip() else -1]
    assert not any(heading[lang] in page for page in pages[:-2])


def qa_text(registry, code: str, lang: str, profile: Profile | None = None) -> str:
    subject = make_subject(registry, code, profile, qa="full")
    (docx,) = render_document(subject, "qa", lang, ("docx",))
    return " ".join(" ".join(p.text.split()) for p in Document(io.BytesIO(docx.data)).paragraphs)


LEGAL_FIXES = {
    "en": [
        "withdrawal takes effect only six months after the Depositary receives the instrument of "
        "withdrawal. If, at the end of those six months, the withdrawing State is engaged in an "
        "armed conflict, the withdrawal does not take effect before the end of that armed conflict",
        "the last being Peru in December 2023",
        "(a) munitions or submunitions designed to dispense flares, smoke, pyrotechnics or chaff",
        "(b) munitions or submunitions designed to produce electrical or electronic effects",
        "(c) munitions that have all of the following characteristics",
        "retaining, acquiring or transferring cluster munitions or explosive submunitions",
        "by 30 April of the following year (Article 3(8))",
        "Article 21(2) goes with it",
    ],
    "fr": [
        "le retrait ne prend effet que six mois après la réception de l'instrument de retrait "
        "par le dépositaire. Si, à l'expiration de ces six mois, l'État qui se retire est engagé "
        "dans un conflit armé, le retrait ne prend pas effet avant la fin de ce conflit armé",
        "le dernier étant le Pérou en décembre 2023",
        "a) les munitions ou sous-munitions conçues pour lancer des artifices éclairants",
        "b) les munitions ou sous-munitions conçues pour produire des effets électriques",
        "c) les munitions qui réunissent toutes les caractéristiques suivantes",
        "conserve, acquiert ou transfère des armes à sous-munitions ou des sous-munitions",
        "au plus tard le 30 avril de l'année suivante (paragraphe 8 de l'article 3)",
        "Selon le paragraphe 2, chaque État partie notifie ses obligations",
        "l'article premier",
    ],
    "es": [
        "la denuncia solo surte efecto seis meses después de que el Depositario reciba el "
        "instrumento de denuncia. Si, al expirar ese plazo de seis meses, el Estado que "
        "denuncia la Convención está involucrado en un conflicto armado, la denuncia no surte "
        "efecto antes del final de ese conflicto armado",
        "el último de ellos el Perú en diciembre de 2023",
        "a) las municiones o submuniciones diseñadas para lanzar bengalas",
        "b) las municiones o submuniciones diseñadas para producir efectos eléctricos",
        "c) las municiones que reúnen a la vez todas las características siguientes",
        "conserve, adquiera o transfiera municiones en racimo o submuniciones explosivas",
        "a más tardar el 30 de abril del año siguiente (párrafo 8 del artículo 3)",
        "el párrafo 2 la acompaña",
        "Estados no Parte",
    ],
}


@pytest.mark.parametrize("lang", LANGS)
def test_legal_fixes_in_every_language(registry, lang) -> None:
    text = qa_text(registry, "KEN", lang)
    for phrase in LEGAL_FIXES[lang]:
        assert phrase in text, phrase
    assert not re.search(r"99\s?%", text)
    signatory = text + " " + qa_text(registry, "AGO", lang)
    if lang != "en":
        assert not re.search(r"adhé|adhes|adhier|adhir", signatory, re.I)
    else:
        assert "accession" not in signatory.casefold()


@pytest.mark.parametrize("lang", LANGS)
def test_victim_assistance_uses_the_authentic_wording(registry, lang) -> None:
    text = qa_text(registry, "ARG", lang)
    phrase = {"en": "age", "fr": "sexospécificités", "es": "que responda a la edad y al género"}
    assert phrase[lang] in text


@pytest.mark.slow
@pytest.mark.parametrize("codes", [("AGO", "EGY")])
def test_other_states_nothing_internal(tmp_path, codes) -> None:
    """The same checks on a second signatory and non-signatory."""
    folders = {}
    for code in codes:
        result = run_cli("package", code, "--lang", "en", "--lang", "fr", "--lang", "es",
                         "--date", GENERATED.isoformat(), "--out", str(tmp_path),
                         "--barrier", BARRIERS[0], "--barrier", BARRIERS[3])
        assert result.exit_code == 0, result.output
        folders[code] = tmp_path / code
    for code, lang, path in outgoing_files(folders):
        text = docx_everything(path) if path.suffix == ".docx" else pdf_everything(path)
        text = re.sub(r"<\?xpacket.*?\?>|<[^>]+>", " ", text, flags=re.S)
        for pattern in FORBIDDEN:
            assert not re.search(pattern, text, flags=re.I), (code, lang, path.name, pattern)
        if code == "AGO" and lang != "en":
            assert not re.search(r"adhé|adhés|adhes|adhier|adhir", text, re.I), (lang, path)
