"""/targets, /barrier-map and the internal brief of /package: the ranking with every criterion,
its fact, source and date; filters; CSV/XLSX; the one-page documents generated in the workers
and read back; the brief kept apart from the package ZIP; who may do what."""

from __future__ import annotations

import csv
import html
import io
import re
import zipfile
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook

from ccmkit.data.states import Registry, load_registry
from ccmkit.workbench.targets import CRITERIA, rank
from tests.readers import pdf_text_bytes
from tests.web.conftest import VIEWER, csrf_token, sign_in
from tests.web.test_generate import start, wait_done

pytestmark = pytest.mark.e2e  # real files, processes or HTTP: the outer loop

SECTION = re.compile(r'<section class="target" id="target-([A-Z]{3})">(.*?)</section>', re.S)
ROW = re.compile(r'<tr class="criterion( missing)?" data-criterion="([a-z_]+)">(.*?)</tr>', re.S)
CELL = re.compile(r"<td>(.*?)</td>", re.S)
MARK = {"en": "INTERNAL", "fr": "USAGE INTERNE", "es": "USO INTERNO"}


@pytest.fixture(scope="module")
def registry() -> Registry:
    return load_registry()


def text(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def sections(page: str) -> dict[str, list[tuple[bool, str, list[str]]]]:
    """iso3 -> [(missing, criterion, [cell texts])] as the page shows them."""
    return {iso3: [(bool(m), name, [text(c) for c in CELL.findall(row)])
                   for m, name, row in ROW.findall(body)]
            for iso3, body in SECTION.findall(page)}


def pdf_pages(data: bytes) -> int:
    return pdf_text_bytes(data).rstrip("\f").count("\f") + 1


def test_every_score_is_shown_decomposed_with_facts_sources_and_dates(
        editor: FlaskClient, registry: Registry) -> None:
    page = editor.get("/targets").get_data(as_text=True)
    ranking = rank(registry, registry.select(("outside",)))
    shown = sections(page)
    assert list(shown) == [t.state.iso3 for t in ranking.top(15)]  # the order of the library
    for target in ranking.top(15):
        rows = shown[target.state.iso3]
        assert [name for _m, name, _c in rows] == [c.name for c in CRITERIA]
        points = [float(cells[2]) for _m, _n, cells in rows]
        assert sum(points) == target.score  # the score is the sum of the points shown
        assert f"score {target.score:g}" in page
        for (missing, _name, cells), scored in zip(rows, target.criteria, strict=True):
            assert missing == scored.missing
            assert cells[1] == f"{scored.weight:g}"
            assert (scored.as_of or "undated") in cells[5] or not scored.source
            if scored.source:
                assert cells[6] == " ".join(scored.source.split())
            if scored.missing:
                assert cells[4].startswith("missing ")
    # one criterion in full: DR Congo's party to the Mine Ban Convention, with its link
    congo = dict((name, cells) for _m, name, cells in shown["COD"])["mine_ban_treaty"]
    assert congo[:4] == ["Party to the Mine Ban Convention", "15", "+15",
                         "Party to the Mine Ban Convention"]
    assert congo[4].startswith("yes (") and congo[5] == "2022-11-17"
    assert "Landmine Monitor country profile" in congo[6]
    assert 'href="https://archives2.the-monitor.org/' in page


def test_a_missing_fact_is_shown_as_missing(editor: FlaskClient, registry: Registry) -> None:
    ranking = rank(registry, registry.select(("outside",)))
    target = next(t for t in ranking.targets if t.missing)
    page = editor.get("/targets", query_string={"top": ""}).get_data(as_text=True)
    rows = sections(page)[target.state.iso3]
    flagged = {name for missing, name, _c in rows if missing}
    assert flagged == {s.criterion for s in target.criteria if s.missing}
    body = dict(SECTION.findall(page))[target.state.iso3]
    assert "Missing facts:" in text(body)
    for missing, _name, cells in rows:
        if missing:
            assert not cells[2].startswith("+")  # never scored as favourable


def test_filters_top_status_grouping_region(editor: FlaskClient, registry: Registry) -> None:
    asean = editor.get("/targets", query_string={"group": "ASEAN", "top": ""})
    codes = list(sections(asean.get_data(as_text=True)))
    expected = [s.iso3 for s in registry.select(("outside",), group="ASEAN")]
    assert sorted(codes) == sorted(expected) and codes
    three = sections(editor.get("/targets", query_string={"top": "3"}).get_data(as_text=True))
    assert len(three) == 3
    everyone = editor.get("/targets", query_string={"top": ""}).get_data(as_text=True)
    assert len(sections(everyone)) == len(registry.select(("outside",)))
    signatories = editor.get("/targets", query_string={"status": "signatory", "region": "Africa",
                                                       "top": ""}).get_data(as_text=True)
    chosen = registry.select(("signatory",), "Africa")
    assert sorted(sections(signatories)) == sorted(s.iso3 for s in chosen)
    for bad in ({"top": "0"}, {"top": "many"}, {"group": "NATO"}, {"status": "state_party"},
                {"region": "Atlantis"}):
        response = editor.get("/targets", query_string=bad)
        assert response.status_code == 400, bad
        assert 'class="field-error"' in response.get_data(as_text=True), bad
    assert editor.get("/targets/export.csv", query_string={"top": "-1"}).status_code == 400


def test_csv_and_xlsx_follow_the_filters(viewer: FlaskClient, registry: Registry) -> None:
    response = viewer.get("/targets/export.csv", query_string={"group": "ASEAN", "top": "5"})
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == \
        "attachment; filename=internal-targets-ASEAN.csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    members = {s.iso3 for s in registry.select(("outside",), group="ASEAN")}
    assert len({r["iso3"] for r in rows}) == 5 and {r["iso3"] for r in rows} <= members
    assert len(rows) == 5 * len(CRITERIA)
    assert all(r["source"] or r["missing"] == "yes" for r in rows if r["criterion"] != "signatory")
    book = load_workbook(io.BytesIO(viewer.get("/targets/export.xlsx",
                                               query_string={"top": "7"}).data))
    assert book.sheetnames == ["Ranking", "Criteria", "Weights"]
    assert book["Ranking"].max_row == 1 + 7
    assert book.properties.keywords == "INTERNAL"


def test_viewer_reads_targets_and_map_but_cannot_generate(viewer: FlaskClient) -> None:
    for path in ("/targets", "/barrier-map"):
        page = viewer.get(path).get_data(as_text=True)
        assert 'id="generate" disabled' in page, path
    assert "score " in viewer.get("/targets").get_data(as_text=True)
    assert "Defence and security posture" in viewer.get("/barrier-map").get_data(as_text=True)
    token = csrf_token(viewer, "/targets")
    for path in ("/targets", "/barrier-map"):
        assert viewer.post(path, data={"csrf_token": token, "lang": "en"}).status_code == 403
    folder = Path(viewer.application.config["CCMKIT_OUTPUT_DIR"])
    assert not list(folder.glob("*/status.json"))


def test_barrier_map_page_lists_each_barrier_with_its_states(editor: FlaskClient,
                                                             registry: Registry) -> None:
    from ccmkit.workbench.barrier_map import barrier_states

    page = editor.get("/barrier-map", query_string={"group": "ASEAN"}).get_data(as_text=True)
    found = barrier_states(registry, registry.select(("outside",), group="ASEAN"))
    for barrier, states in found.items():
        row = re.search(rf'<tr data-barrier="{barrier}">(.*?)</tr>', page, re.S)
        assert row, barrier
        assert sorted(re.findall(r'href="/states/([A-Z]{3})"', row.group(1))) == \
            sorted(s.iso3 for s in states)
        assert "(Art." in text(row.group(1))
    assert editor.get("/barrier-map", query_string={"group": "NATO"}).status_code == 400


def test_editor_prepares_the_one_page_list_in_french(editor: FlaskClient, app: Flask,
                                                     registry: Registry) -> None:
    location = start(editor, "/targets", {"lang": "fr", "top": "10", "status": "outside",
                                          "group": "", "region": "", "formats": ["docx", "pdf"]})
    assert location.startswith("/targets/")
    page = wait_done(editor, location)
    assert 'data-state="done"' in page
    pdf = f"{location}/files/internal/targets-fr.pdf"
    assert f'<iframe src="{pdf}?inline=1"' in page
    response = editor.get(pdf)
    assert response.headers["Content-Disposition"] == "attachment; filename=internal-targets-fr.pdf"
    content = pdf_text_bytes(response.data)
    assert pdf_pages(response.data) == 1
    assert content.startswith(MARK["fr"]) or MARK["fr"] in content.split("\n")[0]
    first = rank(registry, registry.select(("outside",))).targets[0].state
    assert first.names["fr"].short in " ".join(content.split())
    from docx import Document

    docx = Document(io.BytesIO(editor.get(f"{location}/files/internal/targets-fr.docx").data))
    assert docx.core_properties.title.startswith(MARK["fr"])
    other = app.test_client()
    assert sign_in(other, VIEWER).status_code == 302
    assert other.get(location).status_code == 404  # only its owner sees a job
    assert other.get(pdf).status_code == 404
    for bad in ("../status.json", "internal/targets-en.pdf", "status.json"):
        assert editor.get(f"{location}/files/{bad}").status_code == 404, bad


def test_editor_prepares_the_barrier_map_and_the_messaging_lines(editor: FlaskClient) -> None:
    location = start(editor, "/barrier-map", {"lang": "es", "group": "ASEAN",
                                              "formats": "pdf", "messaging": "y"})
    page = wait_done(editor, location)
    files = sorted(set(re.findall(rf'href="{location}/files/([^"?]+)"', page)))
    assert files == ["internal/barrier-map-ASEAN-es.pdf", "internal/messaging-es.pdf"]
    data = editor.get(f"{location}/files/internal/barrier-map-ASEAN-es.pdf?inline=1")
    assert data.headers["Content-Disposition"].startswith("inline")
    assert pdf_pages(data.data) == 1
    assert MARK["es"] in pdf_text_bytes(data.data)
    alone = start(editor, "/barrier-map", {"lang": "en", "group": "", "formats": "docx"})
    page = wait_done(editor, alone)
    assert re.findall(rf'href="{alone}/files/([^"?]+)"', page) == ["internal/barrier-map-en.docx"]


def test_package_brief_is_a_separate_internal_download(editor: FlaskClient) -> None:
    token = csrf_token(editor, "/log")
    added = editor.post("/log", data={"csrf_token": token, "state": "KEN", "date": "2026-10-02",
                                      "stage": "contacted", "note": "Asked for the steps note"})
    assert added.status_code == 302
    location = start(editor, "/package", {"state": "KEN", "languages": "en",
                                          "documents": "instrument", "formats": ["docx", "pdf"],
                                          "brief": "y"})
    page = wait_done(editor, location)
    section = re.search(r'<section class="internal" id="internal-brief">(.*?)</section>', page,
                        re.S)
    assert section and "INTERNAL" in section.group(1)
    briefs = re.findall(r'class="brief-file" href="([^"]+)"', section.group(1))
    assert sorted(briefs) == [f"{location}/files/internal/KEN/brief-en.{f}"
                              for f in ("docx", "pdf")]
    archive = zipfile.ZipFile(io.BytesIO(editor.get(f"{location}/files/KEN.zip").data))
    assert sorted(archive.namelist()) == ["KEN-en-instrument.docx", "KEN-en-instrument.pdf"]
    response = editor.get(briefs[1])
    assert response.headers["Content-Disposition"] == \
        "attachment; filename=internal-KEN-brief-en.pdf"
    brief = " ".join(pdf_text_bytes(response.data).split())
    assert brief.startswith("INTERNAL") and "Asked for the steps note" in brief  # the web's log
    assert pdf_pages(response.data) <= 2
    plain = wait_done(editor, start(editor, "/package", {
        "state": "KEN", "languages": "en", "documents": "instrument", "formats": "docx"}))
    assert 'id="internal-brief"' not in plain


@pytest.mark.parametrize("lang, words", [
    ("fr", ("Liste d'engagement : les États hors de la Convention", "Critère", "Poids",
            "Partie à la Convention sur l'interdiction des mines", "oui (", "Carte des obstacles",
            "Ciblage")),
    ("es", ("Lista de contacto: los Estados fuera de la Convención", "Criterio", "Peso",
            "sí (", "Mapa de obstáculos", "Objetivos")),
])
def test_new_pages_in_french_and_spanish(editor: FlaskClient, lang: str,
                                         words: tuple[str, ...]) -> None:
    editor.post("/language", data={"lang": lang, "csrf_token": csrf_token(editor, "/states")})
    shown = text(editor.get("/targets").get_data(as_text=True)) + " " + text(
        editor.get("/barrier-map").get_data(as_text=True))
    for word in words:
        assert word in shown, (lang, word)
    for english in ("Engagement list", "How many States", "Criteria and their weights",
                    "Prepare the barrier map", "States concerned"):
        assert english not in shown, (lang, english)
