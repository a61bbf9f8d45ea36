"""Bad input: one `Error:` line naming the input, a non-zero exit, and no change in the log."""

from __future__ import annotations

import pytest

from tests.log.conftest import assert_one_error, dump, run_log

HEADER = "state,date,stage,channel,next_step,due\n"


@pytest.fixture
def seeded(db_url) -> str:
    """A log with two records (one removed), whose content the bad commands must not touch."""
    for args in (["KEN", "--stage", "contacted", "--date", "2026-01-05"],
                 ["HTI", "--stage", "meeting-held", "--date", "2026-01-06"]):
        assert run_log(db_url, "add", *args).exit_code == 0
    assert run_log(db_url, "remove", "2").exit_code == 0
    return db_url


@pytest.mark.parametrize(("args", "fragments"), [
    (["add", "Atlantis", "--stage", "contacted"], ["unknown State 'Atlantis'"]),
    (["add", "KEN", "--stage", "met"], ["--stage", "'met'"]),
    (["add", "KEN"], ["--stage"]),
    (["add", "KEN", "--stage", "contacted", "--date", "2026-02-30"], ["--date", "2026-02-30"]),
    (["add", "KEN", "--stage", "contacted", "--date", "05/01/2026"], ["--date"]),
    (["add", "KEN", "--stage", "contacted", "--due", "tomorrow"], ["--due", "tomorrow"]),
    (["add", "KEN", "--stage", "contacted", "--date", "2026-03-01", "--due", "2026-02-01"],
     ["before the record's date"]),
    (["add", "KEN", "--stage", "contacted", "--channel", "embassy"], ["--channel"]),
    (["add", "KEN", "--stage", "contacted", "--package", "/nonexistent"],
     ["--package", "manifest.json"]),
    (["add", "KEN", "--stage", "contacted", "--note", "x" * 4001], ["note", "4001"]),
    (["list", "--stage", "done"], ["--stage"]),
    (["list", "Narnia"], ["Narnia"]),
    (["list", "--since", "yesterday"], ["--since"]),
    (["edit", "1"], ["give at least one option"]),
    (["edit", "99", "--note", "x"], ["no record with id 99"]),
    (["edit", "2", "--note", "x"], ["record 2 was removed"]),
    (["edit", "1", "--stage", "over"], ["--stage"]),
    (["edit", "1", "--state", ""], ["--state"]),
    (["edit", "1", "--state", "Gondor"], ["Gondor"]),
    (["edit", "1", "--due", "2025-01-01"], ["before the record's date"]),
    (["edit", "one", "--note", "x"], ["'one'"]),
    (["remove", "2"], ["already removed"]),
    (["remove", "42"], ["no record with id 42"]),
    (["report", "--format", "odt"], ["--format"]),
    (["export", "--format", "ods"], ["--format"]),
    (["frobnicate"], ["frobnicate"]),
])
def test_bad_command_line(seeded, args, fragments) -> None:
    before = dump(seeded)
    assert_one_error(run_log(seeded, *args), *fragments)
    assert dump(seeded) == before


@pytest.mark.parametrize(("content", "fragments"), [
    (HEADER + "KEN,2026-01-01,contacted,,,\nAtlantis,2026-01-02,contacted,,,\n",
     ["line 3", "unknown State 'Atlantis'", "nothing imported"]),
    (HEADER + "KEN,2026-01-01,contacted,,,\nHTI,01/02/2026,contacted,,,\n",
     ["line 3", "date '01/02/2026'"]),
    (HEADER + "KEN,2026-01-01,met,,,\n", ["line 2", "stage 'met'"]),
    (HEADER + "KEN,2026-01-01,contacted,embassy,,\n", ["line 2", "channel 'embassy'"]),
    (HEADER + "KEN,2026-01-01,contacted,,,2025-12-01\n", ["line 2", "before the record"]),
    (HEADER + "KEN,,contacted,,,\n", ["line 2", "empty date"]),
    (HEADER + "KEN,2026-01-01,contacted,,,,extra\n", ["line 2", "more cells"]),
    ("state,date\nKEN,2026-01-01\n", ["line 1", "no column stage"]),
    ("state,date,stage,colour\nKEN,2026-01-01,contacted,red\n", ["unknown column 'colour'"]),
    ("state,date,stage,iso3\nKEN,2026-01-01,contacted,KEN\n", ["two columns for 'state'"]),
    ("", ["empty file"]),
    (HEADER, ["no records"]),
    (HEADER + 'KEN,2026-01-01,"contacted\n', ["malformed CSV"]),
    ("\n".join([HEADER.strip()] + [f"Atlantis{i},2026-01-01,contacted,,," for i in range(8)]),
     ["line 2", "line 6", "and 3 more bad lines"]),
])
def test_bad_csv_imports_nothing(seeded, tmp_path, content, fragments) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    before = dump(seeded)
    assert_one_error(run_log(seeded, "import", str(path)), str(path), *fragments)
    assert dump(seeded) == before


@pytest.mark.parametrize(("name", "data", "fragments"), [
    ("bad.xlsx", b"PK\x03\x04 not really a workbook", ["not a readable XLSX"]),
    ("bad.csv", b"state,date,stage\n\x81\x8d\x8f,2026-01-01,contacted\n", ["neither UTF-8"]),
    ("bad.ods", b"whatever", [".csv or .xlsx"]),
    ("missing.csv", None, ["no such file"]),
])
def test_unreadable_spreadsheets(seeded, tmp_path, name, data, fragments) -> None:
    path = tmp_path / name
    if data is not None:
        path.write_bytes(data)
    before = dump(seeded)
    assert_one_error(run_log(seeded, "import", str(path)), *fragments)
    assert dump(seeded) == before


def test_bad_xlsx_row_is_named(seeded, tmp_path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["State", "Date", "Stage"])
    book.active.append(["KEN", "2026-01-01", "contacted"])
    book.active.append(["KEN", "2026-13-01", "contacted"])
    path = tmp_path / "bad.xlsx"
    book.save(path)
    before = dump(seeded)
    assert_one_error(run_log(seeded, "import", str(path)), "line 3", "2026-13-01")
    assert dump(seeded) == before


def test_package_of_another_state_or_altered_is_refused(seeded, tmp_path) -> None:
    from tests.conftest import run_cli

    out = tmp_path / "pkg"
    assert run_cli("package", "HTI", "--lang", "fr", "--doc", "instrument", "--format", "docx",
                   "--out", str(out)).exit_code == 0
    before = dump(seeded)
    assert_one_error(run_log(seeded, "add", "KEN", "--stage", "contacted", "--package",
                             str(out / "HTI")), "for HTI", "the record for KEN")
    docx = next((out / "HTI").rglob("*.docx"))
    docx.write_bytes(docx.read_bytes() + b"edited")
    assert_one_error(run_log(seeded, "add", "HTI", "--stage", "contacted", "--package",
                             str(out / "HTI")), "differs from the file the manifest lists")
    assert dump(seeded) == before


def test_unreachable_database_is_one_line(tmp_path) -> None:
    result = run_log("postgresql://nobody@127.0.0.1:1/none", "list")
    assert_one_error(result, "log at postgresql+psycopg://nobody@127.0.0.1:1/none")
    assert_one_error(run_log("mysql://x@y/z", "list"), "not supported")
    blocker = tmp_path / "file"
    blocker.write_text("")
    assert_one_error(run_log(str(blocker / "log.sqlite3"), "list"), "cannot create the folder")
