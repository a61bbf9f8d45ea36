"""Per-State settings, the package form for one State, the signing authority, the e-mail draft,
"package sent" in one step, previews, the brief alone and the workshop's regional picture:
through real HTTP requests (Flask test client), real DOCX read back, a real .eml parsed back."""

from __future__ import annotations

import email
import io
import re
import time
from email import policy
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document
from flask.testing import FlaskClient

from ccmkit.languages import get_locale
from tests.web.conftest import csrf_token
from tests.web.test_generate import start, wait_done

pytestmark = pytest.mark.e2e  # real files, processes or HTTP: the outer loop

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def jobs_started(app) -> bool:
    """True when a job folder exists (the store's own dot-folders and marks aside)."""
    root = Path(app.config["CCMKIT_OUTPUT_DIR"])
    return any(not p.name.startswith(".") for p in root.glob("*"))


def docx_text(data: bytes) -> str:
    return "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)


def job_file(client: FlaskClient, location: str, relpath: str) -> bytes:
    response = client.get(f"{location}/files/{relpath}")
    assert response.status_code == 200, relpath
    return response.data


def save_settings(client: FlaskClient, iso3: str, **values) -> None:
    token = csrf_token(client, f"/states/{iso3}")
    response = client.post(f"/states/{iso3}", data={**values, "csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]


@pytest.mark.parametrize(("fields", "expected"), [
    ({"signatory_title": "head_of_state"}, "[titre exact du chef de l'État]"),
    ({"signatory_title": "head_of_government", "title_text": "Premier Ministre"},
     "Premier Ministre"),
])
def test_signing_authority_on_the_package_form_reaches_the_instrument(
        editor: FlaskClient, app, fields: dict, expected: str) -> None:
    location = start(editor, "/package", {"state": "DJI", "languages": "fr",
                                          "documents": "instrument", "formats": "docx",
                                          "action": "generate", **fields})
    page = wait_done(editor, location)
    assert 'data-state="done"' in page and "Failed" not in page
    text = docx_text(job_file(editor, location, "DJI/fr/instrument.docx"))
    assert f"{expected}, déclare que le Gouvernement" in text
    assert "[titre de l'autorité signataire]" not in text
    jobs = Path(app.config["CCMKIT_OUTPUT_DIR"])
    assert not list(jobs.rglob("*.yaml")), "the web wrote a profile to disk"


def test_the_form_says_when_an_exact_title_is_needed(editor: FlaskClient) -> None:
    page = editor.get("/package?state=DJI").get_data(as_text=True)
    assert 'id="title-hint"' in page and "[exact title of the Head of State]" in page


def test_package_form_shows_only_what_applies_to_the_state(editor: FlaskClient) -> None:
    signatory = editor.get("/package?state=dji").get_data(as_text=True)
    assert "<h1>Package for Djibouti</h1>" in signatory
    assert 'name="instrument"' in signatory and 'name="qa"' in signatory
    assert 'name="issuer"' in signatory
    accedes = editor.get("/package?state=Argentine").get_data(as_text=True)
    assert "<h1>Package for Argentina</h1>" in accedes
    assert 'name="instrument"' not in accedes and "for a signatory" not in accedes
    party = editor.get("/package?state=NOR")
    assert party.status_code == 400 and "already a State Party" in party.get_data(as_text=True)
    unknown = editor.get("/package?state=Congoo")
    assert unknown.status_code == 400 and "Congo" in unknown.get_data(as_text=True)


def test_what_will_be_produced_before_generating(editor: FlaskClient, app) -> None:
    token = csrf_token(editor, "/package?state=ARG")
    response = editor.post("/package", data={
        "csrf_token": token, "state": "ARG", "languages": "es", "formats": "pdf",
        "documents": ["instrument", "qa", "legislation"], "qa": "full", "action": "preview"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    summary = re.search(r'<section class="summary" id="summary">(.*?)</section>', page, re.S)
    assert summary, page[-2000:]
    text = summary.group(1)
    assert "3 files" in text and "Route: accession" in text
    assert "legislation.variant" in text and "qa.length" in text and "full" in text
    questions = re.findall(r"<li>(.*?)</li>", text.split('id="questions"')[1])
    assert len(questions) > 8  # the full Q&A, in Spanish
    assert all("¿" in q for q in questions), questions
    assert not jobs_started(app), "preview started a job"


def test_no_document_ticked_generates_nothing(editor: FlaskClient, app) -> None:
    token = csrf_token(editor, "/package?state=DJI")
    response = editor.post("/package", data={"csrf_token": token, "state": "DJI",
                                             "brief": "y", "action": "generate"})
    assert response.status_code == 400
    assert "Tick at least one document" in response.get_data(as_text=True)
    assert not jobs_started(app)


def test_settings_persist_with_history_and_reach_every_document(editor: FlaskClient) -> None:
    save_settings(editor, "DJI", signatory_title="head_of_state",
                  title_text="Président de la République",
                  addressee="Son Excellence le Ministre des affaires étrangères",
                  concerns=["capacity_priority", "definition"],
                  concerns_reason="Said at the 2025 meeting", notes="Met in Geneva.")
    page = editor.get("/states/DJI").get_data(as_text=True)
    assert 'value="Président de la République"' in page
    history = page.split('id="settings-history"')[1]
    assert "alice" in history and "signatory.title_text" in history
    assert "overrides.concerns" in history
    # the package form is filled from the settings
    form = editor.get("/package?state=DJI").get_data(as_text=True)
    assert 'value="Son Excellence le Ministre des affaires étrangères"' in form
    location = start(editor, "/package", {
        "state": "DJI", "languages": "fr", "documents": ["cover_note", "instrument"],
        "formats": ["docx", "pdf"], "signatory_title": "head_of_state",
        "title_text": "Président de la République",
        "addressee": "Son Excellence le Ministre des affaires étrangères",
        "action": "generate"})
    early = editor.get(location).get_data(as_text=True)
    previews = re.findall(r'class="html-preview" src="([^"]+)"', early)
    if previews:  # the HTML preview, before the PDFs are ready
        shown = editor.get(previews[0])
        assert shown.status_code == 200 and shown.mimetype == "text/html"
        assert "script-src" not in shown.headers["Content-Security-Policy"]
    page = wait_done(editor, location)
    instrument = docx_text(job_file(editor, location, "DJI/fr/instrument.docx"))
    assert "Président de la République, déclare" in instrument
    cover = docx_text(job_file(editor, location, "DJI/fr/cover_note.docx"))
    assert "Son Excellence le Ministre des affaires étrangères" in cover
    # the e-mail draft
    eml = re.search(r'href="([^"]+email-fr\.eml)"', page)
    assert eml, "no e-mail button"
    response = editor.get(eml.group(1))
    assert response.status_code == 200
    message = email.message_from_bytes(response.data, policy=policy.default)
    assert message["X-Unsent"] == "1"
    assert "Son Excellence le Ministre des affaires étrangères" in str(message["To"])
    assert "Djibouti" in message["Subject"]
    body = message.get_body(("plain",)).get_content()
    assert "Son Excellence le Ministre des affaires étrangères" in body
    assert "Veuillez trouver ci-joints" in body and "<p>" not in body
    assert "Veuillez trouver" in message.get_body(("html",)).get_content()
    attached = {p.get_filename(): p.get_content_type() for p in message.iter_attachments()}
    assert attached == {"DJI-fr-note-de-transmission.docx": DOCX,
                        "DJI-fr-note-de-transmission.pdf": "application/pdf",
                        "DJI-fr-instrument.docx": DOCX, "DJI-fr-instrument.pdf": "application/pdf"}
    pdf = next(p for p in message.iter_attachments()
               if p.get_filename() == "DJI-fr-instrument.pdf")
    assert pdf.get_content() == job_file(editor, location, "DJI/fr/instrument.pdf")
    # "package sent" in one step
    token = csrf_token(editor, location)
    response = editor.post(f"{location}/sent", data={
        "csrf_token": token, "date": "2026-01-15", "stage": "contacted", "channel": "geneva",
        "lead": "Norway"})
    assert response.status_code == 302
    after = editor.get(response.headers["Location"]).get_data(as_text=True)
    assert "Recorded in the log" in after
    log = editor.application.extensions["ccmkit"].log
    (record,) = log.records(state="DJI")
    assert record.stage == "contacted" and record.package is not None
    assert len(record.package.sha256) == 64 and record.recorded_by == "alice"


def test_settings_refuse_bad_values(editor: FlaskClient) -> None:
    token = csrf_token(editor, "/states/DJI")
    line_break = editor.post("/states/DJI", data={"csrf_token": token,
                                                  "addressee": "Minister\r\nBcc: x@y.z"})
    assert line_break.status_code == 400 and "one line" in line_break.get_data(as_text=True)
    no_reason = editor.post("/states/DJI", data={"csrf_token": token,
                                                 "engagement": "considering"})
    assert no_reason.status_code == 400 and "Say why" in no_reason.get_data(as_text=True)
    assert editor.application.extensions["ccmkit"].log.engine  # nothing saved:
    from ccmkit.log.settings import Settings

    assert Settings(editor.application.extensions["ccmkit"].log).history("DJI") == []


def test_viewers_see_settings_but_cannot_change_them(viewer: FlaskClient) -> None:
    page = viewer.get("/states/DJI").get_data(as_text=True)
    assert 'id="settings"' in page and 'id="save-settings"' not in page
    assert viewer.post("/states/DJI", data={"addressee": "x"}).status_code in (400, 403)


def test_the_brief_alone_in_spanish_names_the_package_languages(editor: FlaskClient,
                                                                 app) -> None:
    save_settings(editor, "DJI", languages=["fr", "en"])
    token = csrf_token(editor, "/states/DJI/brief")
    began = time.monotonic()
    response = editor.post("/states/DJI/brief", data={"csrf_token": token, "lang": "es",
                                                      "fmt": "docx"})
    assert response.status_code == 200, response.get_data(as_text=True)[-1500:]
    assert time.monotonic() - began < 20
    assert "internal-DJI-brief-es.docx" in response.headers["Content-Disposition"]
    text = docx_text(response.data)
    assert "francés, inglés" in text, text[:1500]
    assert not jobs_started(app), "a package was generated"


def test_workshop_lists_its_states_and_the_regional_picture(editor: FlaskClient) -> None:
    page = editor.get("/workshop?selection=group:ASEAN").get_data(as_text=True)
    included = page.split('id="included"')[1].split("</section>")[0]
    names = re.findall(r'<a href="/states/[A-Z]{3}">([^<]+)</a>', included)
    assert names == sorted(names) and "Viet Nam" in names and len(names) >= 5
    regional = editor.get("/workshop/regional?selection=group:ASEAN").get_data(as_text=True)
    assert "Among the 11 States of" in regional
    assert 'href="/barrier-map?group=ASEAN"' in regional
    assert editor.get("/workshop/regional?selection=group:NOPE").status_code == 404


def test_regional_question_in_every_qa_of_a_grouping_workshop(registry) -> None:
    from ccmkit.api import PackageRequest, prepare
    from ccmkit.documents.kinds import DOCUMENTS
    from ccmkit.documents.options import Options

    members = [s.iso3 for s in registry.select(("outside",), group="ASEAN")]
    assert members
    for code in members:
        subject = prepare(registry, PackageRequest(code, None, Options(group="ASEAN")))
        context = DOCUMENTS["qa"].build(subject, get_locale("en"))
        ids = [e["id"] for e in context["entries"]]
        assert "regional-context" in ids, code
        assert len(ids) <= 8 + 1
        assert "Association of Southeast Asian Nations" in context["region"]["name"]


def test_eml_refuses_header_injection() -> None:
    from ccmkit.documents.email import Letter, draft
    from ccmkit.errors import CcmkitError

    letter = Letter("Subject", "Minister\nBcc: spy@example.org", "text", "<p>t</p>", "en")
    with pytest.raises(CcmkitError, match="line break"):
        draft(letter, [])


def test_cli_package_reads_the_settings_and_profile_wins(tmp_path: Path, monkeypatch) -> None:
    from ccmkit.cli import cli
    from ccmkit.log.settings import Settings
    from ccmkit.log.store import Log

    db = f"sqlite:///{tmp_path / 'log.sqlite3'}"
    log = Log(db, user="tester")
    Settings(log).save("DJI", {"signatory": {"title_text": "Président de la République"},
                               "addressee": "Son Excellence M. le Ministre"})
    log.close()
    monkeypatch.setenv("CCMKIT_DB", db)
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["package", "DJI", "--lang", "fr", "--doc", "instrument",
                                      "--doc", "cover_note", "--format", "docx", "--eml",
                                      "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "Président de la République, déclare" in docx_text(
        (out / "DJI/fr/instrument.docx").read_bytes())
    draft = out / "DJI-fr.eml"
    assert draft.is_file() and not (out / "DJI" / "DJI-fr.eml").exists()
    message = email.message_from_bytes(draft.read_bytes(), policy=policy.default)
    assert message["X-Unsent"] == "1" and "Son Excellence M. le Ministre" in str(message["To"])
    assert sorted(p.get_filename() for p in message.iter_attachments()) == [
        "DJI-fr-instrument.docx", "DJI-fr-note-de-transmission.docx"]
    profile = tmp_path / "dji.yaml"
    profile.write_text("signatory:\n  title_text: Premier Ministre\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["package", "DJI", "--lang", "fr", "--doc", "instrument",
                                      "--format", "docx", "--profile", str(profile),
                                      "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "Premier Ministre, déclare" in docx_text((out / "DJI/fr/instrument.docx").read_bytes())


def test_cli_batch_reads_the_settings_and_a_profile_file_wins(tmp_path: Path) -> None:
    """`batch` assembles each State as `package` does: its settings from the database, unless
    --profiles holds a file for it."""
    from ccmkit.cli import cli
    from ccmkit.log.settings import Settings
    from ccmkit.log.store import Log

    db = f"sqlite:///{tmp_path / 'log.sqlite3'}"
    log = Log(db, user="tester")
    for code in ("DJI", "HTI"):
        Settings(log).save(code, {"signatory": {"title_text": "Président de la République"}})
    log.close()
    profiles = tmp_path / "profiles"
    profiles.mkdir()
    (profiles / "HTI.yaml").write_text("signatory:\n  title_text: Premier Ministre\n",
                                       encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["batch", "--states", "DJI,HTI", "--lang", "fr", "--doc",
                                      "instrument", "--format", "docx", "--jobs", "1", "--db",
                                      db, "--profiles", str(profiles), "--quiet",
                                      "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "Président de la République, déclare" in docx_text(
        (out / "DJI/fr/instrument.docx").read_bytes())
    assert "Premier Ministre, déclare" in docx_text((out / "HTI/fr/instrument.docx").read_bytes())
