"""The follow-up log in the browser's HTTP: add, edit, remove, list, report, export, history."""

from __future__ import annotations

from flask.testing import FlaskClient

from tests.web.conftest import EDITOR, VIEWER, csrf_token, sign_in

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
