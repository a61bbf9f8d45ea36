"""Round trips of every `ccmkit log` command, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest
from openpyxl import load_workbook

from ccmkit.log.store import Log
from ccmkit.vocab import STAGES
from tests.conftest import run_cli
from tests.log.conftest import run_log

KEN = ["KEN", "--stage", "contacted", "--date", "2026-10-01", "--channel", "geneva",
       "--lead", "Norway", "--with", "Counsellor, Permanent Mission",
       "--note", "Interested; asks for the Q&A", "--next-step", "Send the package",
       "--due", "2026-10-15"]


def listed(db: str, *args: str) -> list[dict]:
    result = run_log(db, "list", "--format", "json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_add_then_list_gives_back_every_field(db_url) -> None:
    result = run_log(db_url, "add", *KEN)
    assert result.exit_code == 0, result.output
    assert result.stdout == "Added record 1: KEN contacted on 2026-10-01\n"
    [record] = listed(db_url)
    assert record == {
        "id": 1, "state": "KEN", "date": "2026-10-01", "stage": "contacted",
        "channel": "geneva", "lead": "Norway", "with_whom": "Counsellor, Permanent Mission",
        "note": "Interested; asks for the Q&A", "next_step": "Send the package",
        "due": "2026-10-15", "package": None, "package_sha256": None,
        "recorded_by": "tester", "recorded_at": record["recorded_at"],
    }
    assert record["recorded_at"].endswith("+00:00")


def test_names_in_any_language_and_default_date(db_url) -> None:
    assert run_log(db_url, "add", "Côte d’Ivoire", "--stage", "meeting-held").exit_code == 0
    assert run_log(db_url, "add", "filipinas", "--stage", "contacted").exit_code == 0
    records = listed(db_url)
    assert [r["state"] for r in records] == ["CIV", "PHL"]
    assert {r["date"] for r in records} == {date.today().isoformat()}
    assert [r["channel"] for r in records] == [None, None]


def test_list_filters_by_state_stage_and_since(db_url) -> None:
    for state, stage, day in (("KEN", "contacted", "2026-01-10"),
                              ("KEN", "meeting-held", "2026-03-01"),
                              ("HTI", "contacted", "2026-02-01"),
                              ("LKA", "next-step-agreed", "2026-04-01")):
        assert run_log(db_url, "add", state, "--stage", stage, "--date", day).exit_code == 0
    assert [r["date"] for r in listed(db_url)] == ["2026-01-10", "2026-02-01", "2026-03-01",
                                                   "2026-04-01"]
    assert [r["stage"] for r in listed(db_url, "Kenya")] == ["contacted", "meeting-held"]
    assert [r["state"] for r in listed(db_url, "--stage", "contacted")] == ["KEN", "HTI"]
    assert [r["state"] for r in listed(db_url, "--since", "2026-02-01")] == ["HTI", "KEN",
                                                                             "LKA"]
    table = run_log(db_url, "list", "KEN").stdout
    assert "meeting-held" in table and "HTI" not in table and table.endswith("2 records\n")
    rows = list(csv.DictReader(io.StringIO(run_log(db_url, "list", "--format", "csv").stdout)))
    assert [r["state"] for r in rows] == ["KEN", "HTI", "KEN", "LKA"]


def test_edit_changes_fields_and_keeps_the_old_values_in_history(db_url) -> None:
    run_log(db_url, "add", *KEN)
    result = run_log(db_url, "edit", "1", "--stage", "meeting-held", "--channel", "capital",
                     "--note", "", "--due", "", "--date", "2026-10-02")
    assert result.exit_code == 0, result.output
    assert result.stdout == "Edited record 1: KEN meeting-held on 2026-10-02\n"
    [record] = listed(db_url)
    assert (record["stage"], record["channel"], record["note"], record["due"],
            record["date"]) == ("meeting-held", "capital", None, None, "2026-10-02")
    assert record["lead"] == "Norway"  # untouched
    log = Log(db_url)
    history = log.history(1)
    log.close()
    assert [h["action"] for h in history] == ["add", "edit"]
    assert history[1]["by"] == "tester"
    assert history[1]["detail"] == {
        "stage": ["contacted", "meeting-held"], "channel": ["geneva", "capital"],
        "note": ["Interested; asks for the Q&A", None], "due": ["2026-10-15", None],
        "date": ["2026-10-01", "2026-10-02"],
    }
    assert run_log(db_url, "edit", "1", "--state", "Haiti").exit_code == 0
    assert listed(db_url)[0]["state"] == "HTI"


def test_remove_is_recorded_not_erased(db_url) -> None:
    run_log(db_url, "add", *KEN)
    run_log(db_url, "add", "HTI", "--stage", "contacted", "--date", "2026-10-02")
    result = run_log(db_url, "remove", "1")
    assert result.exit_code == 0 and result.stdout.startswith("Removed record 1: KEN")
    assert [r["id"] for r in listed(db_url)] == [2]
    log = Log(db_url)
    kept = log.get(1)
    assert kept.state == "KEN" and kept.removed_by == "tester" and kept.removed_at
    assert [h["action"] for h in log.history(1)] == ["add", "remove"]
    assert [r.id for r in log.records(removed=True)] == [1, 2]
    assert log.report(today=date(2026, 11, 1)).removed == 1
    log.close()


def test_export_csv_and_xlsx_import_back_identically(db_url, tmp_path) -> None:
    run_log(db_url, "add", *KEN)
    run_log(db_url, "add", "HTI", "--stage", "next-step-agreed", "--date", "2026-09-30",
            "--channel", "capital", "--note", "Ligne 1\nLigne 2 — « accord »")
    run_log(db_url, "add", "LKA", "--stage", "contacted", "--date", "2026-11-01")
    run_log(db_url, "remove", "3")
    exported_csv = run_log(db_url, "export", "--format", "csv")
    exported_xlsx = run_log(db_url, "export", "--format", "xlsx")
    assert exported_csv.exit_code == 0 and exported_xlsx.exit_code == 0
    assert exported_csv.stdout.startswith("id,state,date,stage,channel,lead,with_whom,note,")
    book = load_workbook(io.BytesIO(exported_xlsx.stdout_bytes))
    assert book.active.max_row == 3  # header + 2 live records
    assert book.active["C2"].value.date() == date(2026, 9, 30)  # a real date cell
    before = listed(db_url)
    for fmt, data in (("csv", exported_csv.stdout_bytes), ("xlsx", exported_xlsx.stdout_bytes)):
        path = tmp_path / f"back.{fmt}"
        path.write_bytes(data)
        target = f"sqlite:///{tmp_path / f'other-{fmt}.sqlite3'}"
        result = run_log(target, "import", str(path))
        assert result.exit_code == 0, result.output
        assert result.stdout == f"Imported 2 records from {path}\n"
        after = listed(target)
        drop = ("id", "recorded_at")
        assert [{k: v for k, v in r.items() if k not in drop} for r in after] == \
               [{k: v for k, v in r.items() if k not in drop} for r in before]
        log = Log(target)
        assert log.history(after[0]["id"])[0]["action"] == "import"
        assert log.history(after[0]["id"])[0]["detail"] == {"source": path.name}
        log.close()


def test_import_into_the_backend_under_test(db_url, tmp_path) -> None:
    path = tmp_path / "isu.csv"
    path.write_bytes(
        "State;Date;Stage;Channel;Lead;With whom;Notes;Next Step;Due date\n"
        "Côte d'Ivoire;2026-05-04;Meeting held;Geneva;Norway;Ambassador;Bien reçu;"
        "Envoyer le paquet;2026-06-01\n"
        ";;;;;;;;\n"
        "Sri Lanka;2026-05-05;Next Step Agreed;Capital;Presidency;;;;\n".encode("cp1252"))
    result = run_log(db_url, "import", str(path))
    assert result.exit_code == 0, result.output
    records = listed(db_url)
    assert [(r["state"], r["stage"], r["channel"]) for r in records] == [
        ("CIV", "meeting-held", "geneva"), ("LKA", "next-step-agreed", "capital")]
    assert records[0]["note"] == "Bien reçu" and records[0]["with_whom"] == "Ambassador"
    assert records[0]["due"] == "2026-06-01"


def test_xlsx_import_with_date_cells_and_any_header_case(db_url, tmp_path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["COUNTRY", "Date", "STAGE", "next-step", "Due"])
    sheet.append(["Kenya", date(2026, 3, 2), "contacted", "Call back", date(2026, 3, 20)])
    sheet.append(["HTI", "2026-03-03", "Meeting-Held", None, None])
    path = tmp_path / "isu.xlsx"
    book.save(path)
    assert run_log(db_url, "import", str(path)).exit_code == 0
    assert [(r["state"], r["date"], r["stage"], r["due"]) for r in listed(db_url)] == [
        ("KEN", "2026-03-02", "contacted", "2026-03-20"),
        ("HTI", "2026-03-03", "meeting-held", None)]


def meetings(db: str, n: int, channel: str = "geneva", start: int = 1) -> None:
    codes = ["KEN", "HTI", "LKA", "PHL", "CIV", "ARG", "BRA", "IND", "EGY", "MAR", "NPL"]
    for i in range(n):
        result = run_log(db, "add", codes[i], "--stage", "meeting-held", "--channel", channel,
                         "--date", f"2026-0{start}-{i + 1:02d}")
        assert result.exit_code == 0, result.output


def test_report_counts_bilateral_meetings_once(db_url) -> None:
    meetings(db_url, 9)
    # the same meeting logged twice (held, then next step agreed) counts once
    run_log(db_url, "add", "KEN", "--stage", "next-step-agreed", "--channel", "geneva",
            "--date", "2026-01-01", "--next-step", "Draft instrument", "--due", "2026-02-01")
    # a regional workshop and a meeting without channel do not count towards the target
    run_log(db_url, "add", "NPL", "--stage", "meeting-held", "--channel", "regional",
            "--date", "2026-02-01")
    run_log(db_url, "add", "BRA", "--stage", "meeting-held", "--date", "2026-02-02")
    data = json.loads(run_log(db_url, "report", "--format", "json").stdout)
    assert data["meetings"]["documented"] == 9 and data["meetings"]["target"] == 10
    assert data["meetings"]["target_met"] is False
    assert data["meetings"]["counted"][0]["records"] == [1, 10]
    assert [(m["state"], m["channel"]) for m in data["meetings"]["not_counted_not_bilateral"]] \
        == [("NPL", "regional"), ("BRA", None)]
    run_log(db_url, "add", "MAR", "--stage", "meeting-held", "--channel", "capital",
            "--date", "2026-03-01")
    table = run_log(db_url, "report").stdout
    assert table.startswith("INTERNAL")
    assert "Documented bilateral meetings (Geneva or capital): 10 of the target of 10 " \
           "(target met)" in table


def test_report_stages_overdue_and_top15(db_url) -> None:
    for args in (["KEN", "--stage", "contacted", "--date", "2026-01-05"],
                 ["KEN", "--stage", "meeting-held", "--date", "2026-02-05", "--channel",
                  "geneva", "--next-step", "Cabinet paper", "--due", "2026-03-01"],
                 ["HTI", "--stage", "next-step-agreed", "--date", "2026-02-01", "--next-step",
                  "Visit", "--due", "2026-06-01"],
                 ["LKA", "--stage", "meeting-held", "--date", "2026-01-01", "--next-step",
                  "Old step", "--due", "2026-01-10"],
                 ["LKA", "--stage", "contacted", "--date", "2026-02-10"]):
        assert run_log(db_url, "add", *args).exit_code == 0
    log = Log(db_url)
    report = log.report(top15=["KEN", "Haïti", "BRA", "ind"], today=date(2026, 4, 1))
    log.close()
    assert report.stages == {"contacted": ("LKA",), "meeting-held": ("KEN",),
                             "next-step-agreed": ("HTI",)}
    # KEN's step is overdue; HTI's is not yet due; LKA's old step was followed by a new record
    assert [(o.state, o.days, o.next_step) for o in report.overdue] == [
        ("KEN", 31, "Cabinet paper")]
    assert report.never_contacted == ("BRA", "IND")
    from ccmkit.log.formats import render_report

    text = render_report(report, "table", "fr")
    assert "Top 15 never contacted: 2 of 4: BRA (Brésil), IND (Inde)" in text
    assert "contacted: 1: LKA (Sri Lanka)" in text
    data = json.loads(run_log(db_url, "report", "--format", "json", "--lang", "es").stdout)
    from ccmkit.data.states import load_registry
    from ccmkit.workbench.targets import top_iso3

    assert data["top15"]["ranking"] == top_iso3(load_registry())  # the targeting module's
    assert [s["name"] for s in data["states_per_stage"]["next-step-agreed"]] == ["Haití"]
    assert set(data["states_per_stage"]) == set(STAGES)
    assert "Top 15 never contacted" in run_log(db_url, "report").stdout


@pytest.fixture(scope="module")
def package_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("pkg")
    result = run_cli("package", "KEN", "--lang", "en", "--doc", "instrument", "--format",
                     "docx", "--date", "2026-11-25", "--out", str(out))
    assert result.exit_code == 0, result.output
    return out / "KEN"


def test_package_sent_is_recorded_with_its_hash(db_url, package_dir) -> None:
    import hashlib

    result = run_log(db_url, "add", "KEN", "--stage", "contacted", "--package",
                     str(package_dir))
    assert result.exit_code == 0, result.output
    [record] = listed(db_url)
    manifest = package_dir / "manifest.json"
    assert record["package"] == str(manifest.resolve())
    assert record["package_sha256"] == hashlib.sha256(manifest.read_bytes()).hexdigest()
    assert run_log(db_url, "edit", "1", "--package", "").exit_code == 0
    assert listed(db_url)[0]["package"] is None


def test_restore_report_documents_and_calendar(db_url, tmp_path) -> None:
    """`log restore` undoes `log remove`; `log report` writes DOCX/PDF/XLSX read back;
    `log calendar` writes an .ics whose hostile text stays text."""
    from docx import Document
    from icalendar import Calendar

    from tests.readers import pdf_text

    hostile = "Call; then, write\nEND:VEVENT\nBEGIN:VEVENT"
    assert run_log(db_url, "add", "KEN", "--stage", "meeting-held", "--channel", "capital",
                   "--date", "2026-11-03", "--next-step", hostile,
                   "--due", "2026-11-20").exit_code == 0
    assert run_log(db_url, "remove", "1").exit_code == 0
    restored = run_log(db_url, "restore", "1")
    assert restored.output.startswith("Restored record 1: KEN")
    assert "not removed" in run_log(db_url, "restore", "1").output
    assert [h["action"] for h in Log(db_url).history(1)] == ["add", "remove", "restore"]
    out = tmp_path / "out"
    result = run_log(db_url, "report", "--format", "docx", "--format", "pdf", "--format",
                     "xlsx", "--lang", "es", "--out", str(out))
    assert result.exit_code == 0, result.output
    folder = out / "internal"
    text = "\n".join(p.text for p in Document(folder / "follow-up-report-es.docx").paragraphs)
    assert text.startswith("USO INTERNO") and "Resumen de actividades" in text
    assert "ccmkit" not in pdf_text(folder / "follow-up-report-es.pdf").split("Resumen")[1]
    assert load_workbook(folder / "follow-up-report-es.xlsx").sheetnames[0] == "Reuniones"
    ics = tmp_path / "next.ics"
    assert run_log(db_url, "calendar", "--out", str(ics)).exit_code == 0
    events = Calendar.from_ical(ics.read_bytes()).walk("VEVENT")
    assert len(events) == 1 and str(events[0]["SUMMARY"]).startswith("Kenya: " + hostile)
