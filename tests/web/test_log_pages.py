"""The follow-up log in the browser's HTTP: add, edit, remove, list, report, export, history."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from tests.web.conftest import EDITOR, VIEWER, csrf_token, sign_in

pytestmark = pytest.mark.e2e  # real files, processes or HTTP: the outer loop

ENTRY = {"state": "DR Congo", "date": "2026-11-20", "stage": "meeting-held",
         "channel": "geneva", "lead": "Norway", "with_whom": "First Counsellor",
         "note": "Interested in the Art. 18 declaration", "next_step": "Send the package",
         "due": "2026-12-15"}


def add(client: FlaskClient, **changes: str):
    data = {**ENTRY, **changes, "csrf_token": csrf_token(client, "/log")}
    return client.post("/log", data=data)


def test_added_record_is_listed_reported_and_in_the_states_history(editor: FlaskClient) -> None:
    response = add(editor)
    assert response.status_code == 302
    listing = editor.get("/log").get_data(as_text=True)
    assert "COD" in listing and "First Counsellor" in listing and EDITOR[0] in listing
    report = editor.get("/log/report").get_data(as_text=True)
    assert "1 of the target of 10" in report
    assert "Democratic Republic of the Congo" in report
    history = editor.get("/states/COD").get_data(as_text=True)
    assert "Interested in the Art. 18 declaration" in history
    assert "No contact recorded yet" in editor.get("/states/KEN").get_data(as_text=True)


def test_bad_record_is_refused_and_nothing_is_added(editor: FlaskClient) -> None:
    response = add(editor, state="Atlantis")
    assert response.status_code == 400
    assert "unknown State" in response.get_data(as_text=True)
    response = add(editor, due="2026-01-01")
    assert response.status_code == 400 and "before the record" in response.get_data(as_text=True)
    assert "No record." in editor.get("/log").get_data(as_text=True)


def test_edit_and_remove_keep_the_history(editor: FlaskClient) -> None:
    add(editor)
    token = csrf_token(editor, "/log/1")
    edited = editor.post("/log/1", data={**ENTRY, "stage": "next-step-agreed",
                                         "csrf_token": token})
    assert edited.status_code == 302
    page = editor.get("/log/1").get_data(as_text=True)
    assert "next-step-agreed" in page and "edit" in page
    assert editor.post("/log/1/remove", data={"csrf_token": token}).status_code == 302
    assert "No record." in editor.get("/log").get_data(as_text=True)
    assert "Removed by alice" in editor.get("/log/1").get_data(as_text=True)


def test_viewer_reads_the_log_but_cannot_write_it(client: FlaskClient) -> None:
    assert sign_in(client, EDITOR).status_code == 302
    add(client)
    client.post("/logout", data={"csrf_token": csrf_token(client, "/log")})
    assert sign_in(client, VIEWER).status_code == 302
    assert "First Counsellor" in client.get("/log").get_data(as_text=True)
    assert client.get("/log/report").status_code == 200
    token = csrf_token(client, "/log")
    assert client.post("/log", data={**ENTRY, "csrf_token": token}).status_code == 403
    assert client.post("/log/1", data={**ENTRY, "csrf_token": token}).status_code == 403
    assert client.post("/log/1/remove", data={"csrf_token": token}).status_code == 403
    assert 'id="add-record"' not in client.get("/log").get_data(as_text=True)


def test_export_csv(editor: FlaskClient) -> None:
    add(editor)
    response = editor.get("/log/export.csv")
    assert response.headers["Content-Disposition"].endswith("follow-up-log.csv")
    lines = response.get_data(as_text=True).splitlines()
    assert lines[0].startswith("id,state,date,stage") and lines[1].startswith("1,COD,2026-11-20")


def test_remove_asks_for_confirmation_and_restore_undoes_it(editor: FlaskClient) -> None:
    add(editor)
    record = editor.get("/log/1").get_data(as_text=True)
    # "Remove" is a link to a confirmation page, styled apart from "Save"
    assert 'class="button danger" id="remove-record" href="/log/1/remove"' in record
    confirm = editor.get("/log/1/remove").get_data(as_text=True)
    assert 'class="danger" id="confirm-remove"' in confirm and "No, keep it" in confirm
    token = csrf_token(editor, "/log/1/remove")
    removed = editor.post("/log/1/remove", data={"csrf_token": token}, follow_redirects=True)
    page = removed.get_data(as_text=True)
    assert "Record 1 removed" in page and 'id="restore-record"' in page
    assert "No record." in editor.get("/log").get_data(as_text=True)
    restored = editor.post("/log/1/restore", data={"csrf_token": token}, follow_redirects=True)
    assert "Record 1 restored." in restored.get_data(as_text=True)
    assert "First Counsellor" in editor.get("/log").get_data(as_text=True)
    history = editor.get("/log/1").get_data(as_text=True)
    assert 'data-action="remove">' in history and 'data-action="restore">' in history
    assert history.count("by alice") == 3  # added, removed, restored, each with who and when
    assert "UTC" in history and "+00:00" not in history


def test_log_lists_newest_first_with_names_saved_message_and_overdue(
        editor: FlaskClient) -> None:
    first = add(editor, due="2026-11-25", date="2026-11-20")
    assert first.status_code == 302
    page = editor.get("/log").get_data(as_text=True)
    assert "Record 1 added: Democratic Republic of the Congo, Meeting held." in page
    add(editor, state="Kenya", date="2026-11-30", due="2099-01-01", next_step="Call")
    rows = editor.get("/log").get_data(as_text=True).split('data-record="')[1:]
    assert [r[0] for r in rows] == ["2", "1"]  # newest first
    assert "Kenya" in rows[0] and "Democratic Republic of the Congo" in rows[1]
    assert 'class="overdue"' in rows[1] and "overdue by" in rows[1]
    assert "overdue" not in rows[0]
    editor.post("/language", data={"lang": "fr", "csrf_token": csrf_token(editor, "/log")})
    french = editor.get("/log").get_data(as_text=True)
    assert "20 nov. 2026" in french and "République démocratique du Congo" in french
    assert "2026-11-20" not in french.split('id="records"')[1]


def test_report_downloads_docx_pdf_xlsx(editor: FlaskClient, tmp_path) -> None:
    import io

    from docx import Document
    from openpyxl import load_workbook

    from tests.readers import pdf_text

    add(editor, due="2026-11-25", next_step="=HYPERLINK(\"http://x\")")
    docx = editor.get("/log/report.docx")
    assert docx.status_code == 200 and "internal-follow-up-report" in docx.headers[
        "Content-Disposition"]
    text = "\n".join(p.text for p in Document(io.BytesIO(docx.data)).paragraphs)
    assert text.startswith("INTERNAL") and "Summary of activities" in text
    assert "documented 1 bilateral outreach meetings with 1 States" in text
    editor.post("/language", data={"lang": "fr", "csrf_token": csrf_token(editor, "/log")})
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(editor.get("/log/report.pdf").data)
    french = pdf_text(pdf)
    assert french.startswith("USAGE INTERNE") and "Résumé des activités" in french
    assert "République démocratique du Congo" in french and "20 nov. 2026" in french
    book = load_workbook(io.BytesIO(editor.get("/log/report.xlsx").data))
    assert book.sheetnames == ["Réunions", "Stades", "En retard", "Jamais contactés"]
    overdue = book["En retard"]
    cell = overdue["E2"]  # text, never a formula, and kept text when edited
    assert cell.value == "=HYPERLINK(\"http://x\")" and cell.data_type == "s"
    assert cell.quotePrefix


def test_calendar_link_feeds_the_next_steps_and_can_be_revoked(app, editor: FlaskClient
                                                               ) -> None:
    from icalendar import Calendar

    hostile = "Send Q&A, then; call\nback\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nSUMMARY:pwned"
    add(editor, next_step=hostile)
    token = csrf_token(editor, "/log/calendar")
    page = editor.post("/log/calendar", data={"csrf_token": token, "action": "new"})
    url = page.get_data(as_text=True).split('id="calendar-url" class="wide" readonly value="')[
        1].split('"')[0].replace("&amp;", "&")
    assert "/calendar/" in url and url.endswith("lang=en")
    anonymous = app.test_client()  # a calendar program: no session
    feed = anonymous.get(url.replace("http://localhost", ""))
    assert feed.status_code == 200 and feed.mimetype == "text/calendar"
    events = Calendar.from_ical(feed.data).walk("VEVENT")
    assert len(events) == 1
    assert str(events[0]["SUMMARY"]).startswith(
        "Democratic Republic of the Congo: " + hostile.replace("\r\n", "\n"))
    assert str(events[0]["UID"]) == "log-1@ccmkit.follow-up-log"
    assert events[0].decoded("DTSTART").isoformat() == "2026-12-15"
    assert b"\r\nSUMMARY:pwned" not in feed.data
    editor.post("/log/calendar", data={"csrf_token": token, "action": "revoke"})
    assert anonymous.get(url.replace("http://localhost", "")).status_code == 404
    assert editor.get("/log/calendar.ics").mimetype == "text/calendar"
