"""Package and workshop pages: real generation (inline executor; the worker pool is tested
live in tests/jobs/test_server.py), progress, files, ZIP."""

from __future__ import annotations

import io
import re
import time
import zipfile

import pytest
from flask.testing import FlaskClient

from tests.web.conftest import VIEWER, csrf_token, sign_in

pytestmark = pytest.mark.e2e  # real files, processes or HTTP: the outer loop

JOB = re.compile(r"^/(package|workshop|targets|barrier-map)/([A-Za-z0-9_-]{16,64})$")


def wait_done(client: FlaskClient, location: str, timeout: float = 240) -> str:
    """Follow the progress page as the browser does, until the job is finished."""
    deadline = time.monotonic() + timeout
    while True:
        page = client.get(location).get_data(as_text=True)
        if 'data-state="running"' not in page:
            return page
        # no timed refresh (WCAG 2.2.1): the same-origin script updates it, with a pause
        assert 'http-equiv="refresh"' not in page and "/static/ccmkit.js" in page
        assert 'data-pause="' in page and 'aria-live="polite"' in page
        assert time.monotonic() < deadline, "generation did not finish"
        time.sleep(0.5)


def start(client: FlaskClient, path: str, data: dict) -> str:
    response = client.post(path, data={**data, "csrf_token": csrf_token(client, path)})
    assert response.status_code == 302, response.get_data(as_text=True)
    location = response.headers["Location"]
    assert JOB.match(location), location
    return location


def test_french_package_with_article_18_previews_downloads_and_zip(editor: FlaskClient) -> None:
    location = start(editor, "/package", {
        "state": "DR Congo", "languages": "fr", "documents": ["instrument", "steps"],
        "formats": ["docx", "pdf"], "provisional_application": "y"})
    page = wait_done(editor, location)
    assert 'data-state="done"' in page
    links = set(re.findall(rf'href="({location}/files/[^"?]+)"', page))
    assert {f"{location}/files/COD/fr/{k}.{f}" for k in ("instrument", "steps")
            for f in ("docx", "pdf")} <= links
    previews = re.findall(r'<iframe src="([^"]+)"', page)
    assert sorted(previews) == [f"{location}/files/COD/fr/{k}.pdf?inline=1"
                                for k in ("instrument", "steps")]
    inline = editor.get(previews[0])
    assert inline.data.startswith(b"%PDF")
    assert inline.headers["Content-Disposition"].startswith("inline")
    # the ZIP a user forwards holds the documents only, under their download names
    archive = zipfile.ZipFile(io.BytesIO(editor.get(f"{location}/files/COD.zip").data))
    assert sorted(archive.namelist()) == sorted(
        f"COD-fr-{stem}.{f}" for stem in ("instrument", "etapes") for f in ("docx", "pdf"))
    from docx import Document

    text = "\n".join(p.text for p in Document(io.BytesIO(
        archive.read("COD-fr-instrument.docx"))).paragraphs)
    assert "article 18" in text and "à titre provisoire" in text
    # each file downloads under the same name; the manifest stays beside the ZIP, for the ISU
    steps = editor.get(f"{location}/files/COD/fr/steps.docx")
    assert "filename=COD-fr-etapes.docx" in steps.headers["Content-Disposition"]
    assert f'href="{location}/files/COD/manifest.json"' in page
    manifest = editor.get(f"{location}/files/COD/manifest.json").get_json(force=True)
    assert {d["path"] for d in manifest["documents"]} == {
        f"fr/{k}.{f}" for k in ("instrument", "steps") for f in ("docx", "pdf")}
    # nothing outside the job's listed files, whatever the path
    for bad in ("COD/fr/qa.pdf", "../status.json", "status.json", "COD/manifest.json/x",
                "%2e%2e/status.json"):
        assert editor.get(f"{location}/files/{bad}").status_code == 404, bad


def test_a_job_is_only_seen_by_its_owner(editor: FlaskClient, app) -> None:
    location = start(editor, "/package", {"state": "KEN", "languages": "en",
                                          "documents": "instrument", "formats": "docx"})
    wait_done(editor, location)
    other = app.test_client()
    assert sign_in(other, VIEWER).status_code == 302
    assert other.get(location).status_code == 404
    assert other.get(f"{location}/files/KEN.zip").status_code == 404


def test_package_form_names_the_problem(editor: FlaskClient) -> None:
    token = csrf_token(editor, "/package")
    response = editor.post("/package", data={"state": "Congoo", "csrf_token": token})
    assert response.status_code == 400
    assert "did you mean" in response.get_data(as_text=True)
    party = editor.post("/package", data={"state": "Norway", "csrf_token": token})
    assert party.status_code == 400 and "already a State Party" in party.get_data(as_text=True)
    bad = editor.post("/package", data={"state": "KEN", "documents": "../../etc/passwd",
                                        "csrf_token": token})
    assert bad.status_code == 400 and "not a valid choice" in bad.get_data(as_text=True)
    editor.post("/language", data={"lang": "fr", "csrf_token": token, "next": "/package"})
    french = editor.post("/package", data={"state": "KEN", "documents": "x",
                                           "csrf_token": token}).get_data(as_text=True)
    assert "n&#39;est pas un choix valide" in french or "n'est pas un choix valide" in french


@pytest.mark.slow
def test_workshop_for_a_grouping_gives_one_zip_with_the_index(editor: FlaskClient) -> None:
    location = start(editor, "/workshop", {"selection": "group:AMU", "documents": "instrument",
                                           "formats": "docx"})
    page = wait_done(editor, location)
    assert "3 of 3" in page
    archive = zipfile.ZipFile(io.BytesIO(
        editor.get(f"{location}/files/workshop-AMU.zip").data))
    names = set(archive.namelist())
    assert {"index.csv", "overview.pdf", "overview.docx"} <= names
    for code in ("DZA", "LBY", "MAR"):
        assert f"{code}/manifest.json" in names
        assert any(n.startswith(f"{code}/") and n.endswith("instrument.docx") for n in names)
    index = archive.read("index.csv").decode()
    assert index.count(",ok,") == 3
