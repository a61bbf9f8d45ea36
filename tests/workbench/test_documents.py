"""The internal documents, generated through the CLI and read back: page counts, INTERNAL marking
in title, running header, first line and metadata, content of the brief, messaging lines that
name no State, and the brief kept outside the package."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
from docx import Document

from ccmkit.data.states import Registry
from ccmkit.languages import registry as languages
from ccmkit.vocab import BARRIERS
from ccmkit.workbench import messaging
from ccmkit.workbench.brief import outreach_history
from tests.conftest import run_cli
from tests.readers import docx_text, pdf_text, qpdf_check

pytestmark = pytest.mark.e2e  # real files, processes or HTTP: the outer loop

LANGS = list(languages())
MARK = {"en": "INTERNAL", "fr": "USAGE INTERNE", "es": "USO INTERNO"}
DATE = "2026-11-25"


def pages(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True,
                          check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE).group(1))


def pdf_meta(path: Path) -> dict[str, str]:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True,
                          check=True).stdout
    return {k.strip(): v.strip() for k, _, v in (line.partition(":")
                                                  for line in info.splitlines())}


def generate(*args: str) -> list[Path]:
    result = run_cli(*args, "--date", DATE)
    assert result.exit_code == 0, result.output
    return [Path(line) for line in result.output.splitlines() if line.endswith((".pdf",
                                                                                ".docx"))]


@pytest.fixture(scope="module")
def internal(tmp_path_factory) -> dict[tuple[str, str], dict[str, Path]]:
    """Every internal document in every language, DOCX and PDF: {(kind, lang): {fmt: path}}."""
    out = tmp_path_factory.mktemp("internal")
    lang_args = [a for lang in LANGS for a in ("--lang", lang)]
    files = [*generate("targets", "--format", "docx", "--format", "pdf", *lang_args,
                       "--out", str(out)),
             *generate("barrier-map", *lang_args, "--out", str(out)),
             *generate("messaging", *lang_args, "--out", str(out)),
             *generate("brief", "SDN", *lang_args, "--out", str(out))]
    found: dict[tuple[str, str], dict[str, Path]] = {}
    for path in files:
        kind, lang = path.stem.rsplit("-", 1)
        found.setdefault((kind, lang), {})[path.suffix[1:]] = path
    assert len(found) == 4 * len(LANGS)
    return found


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("kind", ["targets", "barrier-map", "messaging", "brief"])
def test_internal_marking_everywhere(internal, kind: str, lang: str) -> None:
    paths = internal[(kind, lang)]
    mark = MARK[lang]
    meta = pdf_meta(paths["pdf"])
    assert meta["Title"].startswith(f"{mark} – ")
    assert meta["Keywords"] == mark
    text = pdf_text(paths["pdf"])
    page_texts = text.split("\f")[:pages(paths["pdf"])]
    assert all(mark in page for page in page_texts)  # running header on every page
    assert qpdf_check(paths["pdf"]).returncode == 0
    doc = Document(str(paths["docx"]))
    assert doc.core_properties.title.startswith(f"{mark} – ")
    header = " ".join(p.text for s in doc.sections for p in s.header.paragraphs)
    assert mark in header
    assert docx_text(paths["docx"]).startswith(mark)


@pytest.mark.parametrize("lang", LANGS)
def test_one_page_documents(internal, lang: str) -> None:
    assert pages(internal[("barrier-map", lang)]["pdf"]) == 1
    assert pages(internal[("targets", lang)]["pdf"]) == 1
    assert pages(internal[("brief", lang)]["pdf"]) <= 2


def test_one_page_list_marks_ties_and_ranges(internal, registry: Registry) -> None:
    """The working group's list shows a shared rank as =N and the range a missing fact
    allows, and states its tie rule."""
    from ccmkit.workbench.targets import rank

    ranking = rank(registry, registry.select(("outside",)))
    top = ranking.top(15)
    text = " ".join(docx_text(internal[("targets", "en")]["docx"]).split())
    tied = next(t for t in top if t.tie)
    assert f"={tied.tie[0]} {tied.state.names['en'].short}" in text
    uncertain = next(t for t in top if t.uncertain)
    low, high = (f"{v:g}" for v in uncertain.range)
    assert f"{uncertain.score:g} ({low} to {high})" in text
    assert "equal scores are tied" in text.casefold()


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("group", ["ASEAN", "AU", "LAS"])
def test_barrier_map_by_group_fits_one_page(tmp_path: Path, registry: Registry, lang: str,
                                            group: str) -> None:
    (pdf,) = generate("barrier-map", "--group", group, "--lang", lang, "--format", "pdf",
                      "--out", str(tmp_path))
    assert pdf.name == f"barrier-map-{group}-{lang}.pdf" and pages(pdf) == 1
    text = pdf_text(pdf)
    outside = registry.select(("outside",), group=group)
    inside = [s for s in registry.states if s.iso3 not in {o.iso3 for o in outside}]
    # each State once (a hyphenated name may wrap in the narrow column)
    assert all(s.names[lang].short.split()[0].split("-")[0] in text for s in outside)
    assert not any(f" {s.names[lang].short}," in text for s in inside
                   if len(s.names[lang].short) > 6)


def test_barrier_map_has_every_barrier_and_its_message(internal) -> None:
    text = " ".join(docx_text(internal[("barrier-map", "en")]["docx"]).split())
    for entry in messaging.messages("en"):
        assert entry.label.capitalize() in text
        assert " ".join(entry.engagement.split()[:6]) in text


def test_brief_content(internal, registry: Registry) -> None:
    text = " ".join(docx_text(internal[("brief", "en")]["docx"]).split())
    sudan = registry.find("SDN")
    for name in ("stockpiles", "used", "mine_ban_treaty"):
        obs = sudan.fact(name)
        assert obs.source and obs.source.title in text  # every fact with its source
    assert "stale" in text  # old facts flagged
    assert "Concerns in its own words" in text and "The ask for the next meeting" in text
    concerns = sudan.fact("concerns")
    assert concerns.parts and (concerns.parts[0].quote or "")[:40] in text  # its own words
    assert "stated concerns" in text  # the barrier and why, from the classified concerns
    assert "Art. 21(3), 21(4)" in text  # the recommended messages cite articles
    assert "full model law, because" in text  # the package's choices and why
    assert "No log entries." in text and outreach_history("SDN") == []
    assert "Engagement list: rank" in text
    # the package's documents by their titles for the State's route
    assert "Model instrument of accession" in text and "Model full powers" in text
    assert "<bound" not in text and "DocumentKind" not in text


def test_brief_for_a_state_party_is_refused(tmp_path: Path) -> None:
    result = run_cli("brief", "FRA", "--out", str(tmp_path))
    assert result.exit_code != 0 and result.output.startswith("Error: ")
    assert "already a State Party" in result.output and not any(tmp_path.iterdir())


def test_package_brief_is_beside_the_package_not_in_it(tmp_path: Path) -> None:
    result = run_cli("package", "KEN", "--brief", "--lang", "en", "--doc", "instrument",
                     "--out", str(tmp_path), "--date", DATE)
    assert result.exit_code == 0, result.output
    folder = tmp_path / "KEN"
    internal = tmp_path / "internal" / "KEN"
    assert not (folder / "internal").exists()
    briefs = sorted(p.name for p in internal.iterdir())
    assert briefs == ["brief-en.docx", "brief-en.pdf"]
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert not any("internal" in d["path"] or "brief" in d["path"]
                   for d in manifest["documents"])
    for doc in manifest["documents"]:
        path = folder / doc["path"]
        text = docx_text(path) if path.suffix == ".docx" else pdf_text(path)
        assert "INTERNAL" not in text and "barrier" not in text.casefold()
    assert "INTERNAL" in pdf_text(internal / "brief-en.pdf")
    # a later package run replaces the State's folder; the brief, outside it, stays
    again = run_cli("package", "KEN", "--lang", "en", "--doc", "instrument",
                    "--out", str(tmp_path), "--date", DATE)
    assert again.exit_code == 0, again.output
    assert (internal / "brief-en.pdf").is_file()


@pytest.mark.parametrize("lang", LANGS)
def test_messaging_lines_name_no_state_and_cite_articles(registry: Registry,
                                                         lang: str) -> None:
    entries = messaging.messages(lang)
    assert [e.barrier for e in entries] == list(BARRIERS)
    words = [messaging.framing(lang).title]
    for section in messaging.framing(lang).sections:
        words += [section.heading, *section.paragraphs, *section.points]
    for entry in entries:
        assert entry.lines and entry.engagement
        words.append(entry.engagement)
        for line in entry.lines:
            cited = re.fullmatch(r"[Aa]rt\. (.+)", line.citation)
            assert line.articles and cited
            assert cited.group(1).replace("1er", "1").split(", ") == list(line.articles)
            assert len(line.text) < 500  # short: two or three sentences
            words.append(line.text)
    text = " ".join(words)
    names = {s.names[lang].short for s in registry.states} | {s.un_name for s in
                                                             registry.states}
    named = [n for n in names if re.search(rf"(?<!\w){re.escape(n)}(?!\w)", text)]
    assert not named, named


def test_a_messaging_library_lacking_a_line_is_one_clear_error(tmp_path: Path) -> None:
    import shutil

    from ccmkit.errors import DataError
    from ccmkit.resources import templates_dir

    folder = tmp_path / "internal" / "messaging"
    shutil.copytree(templates_dir() / "internal" / "messaging", folder)
    text = (folder / "en.yaml").read_text(encoding="utf-8")
    (folder / "en.yaml").write_text(text.replace("      retention: >-", "      kept: >-"),
                                    encoding="utf-8")
    with pytest.raises(DataError, match="line 'retention' missing"):
        messaging.messages("en", template_dir=tmp_path)


@pytest.mark.slow
@pytest.mark.parametrize("lang", LANGS)
def test_every_brief_fits_two_pages(registry: Registry, lang: str) -> None:
    from datetime import date

    from ccmkit.documents.options import Options
    from ccmkit.documents.subject import Subject
    from ccmkit.workbench import brief
    from ccmkit.workbench.targets import rank

    ranking = rank(registry, registry.select(("outside",)))
    too_long = []
    for state in registry.select(("outside",)):
        subject = Subject(state, registry, options=Options(generated=date(2026, 11, 25)))
        pdf = brief.render(subject, lang, ("pdf",), ranking)["pdf"]
        count = len(re.findall(rb"/Type\s*/Page\b", pdf))
        if count > 2:
            too_long.append((state.iso3, count))
    assert not too_long


@pytest.mark.slow
def test_internal_docx_open_in_libreoffice(internal, tmp_path: Path) -> None:
    import shutil

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice is required (scripts/setup.sh installs it)"
    files = [paths["docx"] for (_, lang), paths in sorted(internal.items()) if lang == "en"]
    run = subprocess.run([soffice, "--headless", "--norestore", "--convert-to", "pdf",
                          "--outdir", str(tmp_path), *map(str, files)], capture_output=True,
                         text=True, timeout=300,
                         env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"})
    assert run.returncode == 0, run.stderr
    for docx in files:
        converted = tmp_path / (docx.stem + ".pdf")
        assert converted.is_file() and MARK["en"] in pdf_text(converted)
