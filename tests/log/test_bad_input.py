"""Bad input: one `Error:` line naming the input, a non-zero exit, and no change in the log."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.log.conftest import (
    BACKENDS,
    assert_one_error,
    backend_of,
    dump,
    fresh_database,
    run_log,
)

HEADER = "state,date,stage,channel,next_step,due\n"


@pytest.fixture(scope="module", params=BACKENDS)
def seeded_once(request, tmp_path_factory) -> Iterator[str]:
    """A log with two records (one removed), written once per backend for this module."""
    with fresh_database(request.param, tmp_path_factory.mktemp("seeded")) as url:
        for args in (["KEN", "--stage", "contacted", "--date", "2026-01-05"],
                     ["HTI", "--stage", "meeting-held", "--date", "2026-01-06"]):
            assert run_log(url, "add", *args).exit_code == 0
        assert run_log(url, "remove", "2").exit_code == 0
        yield url


@pytest.fixture
def seeded(seeded_once, tmp_path) -> Iterator[str]:
    """A fresh copy of that log, whose content the bad commands must not touch."""
    with fresh_database(backend_of(seeded_once), tmp_path, template=seeded_once) as url:
        yield url


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
    (["add", "KEN", "--stage", "contacted", "--note", "a\x01b"],
     ["note: the text holds U+0001 (a control character)"]),
    (["add", "KEN", "--stage", "contacted", "--lead", "Ali\u202ecе"],
     ["lead: the text holds U+202E (a bidirectional control)"]),
    (["edit", "1", "--with", "x\x1by"], ["with whom: the text holds U+001B"]),
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
    ("state,date,stage,note\nFIN,2026-02-01,contacted,\"bell\x07char\"\n",
     ["line 2", "note: the text holds U+0007"]),
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
    ("utf16.csv", "state,date,stage\nKEN,2026-01-01,contacted\n".encode("utf-16"),
     ["UTF-16 text; save it as CSV UTF-8"]),
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


def _xlsx_with_sheet_xml(path, edit) -> None:
    """A real workbook whose first sheet's XML is rewritten by `edit` (zipped by hand)."""
    import io
    import zipfile

    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["state", "date", "stage", "note"])
    book.active.append(["KEN", "2026-01-01", "contacted", "NOTE"])
    buffer = io.BytesIO()
    book.save(buffer)
    with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(path, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = edit(data.decode()).encode()
            dst.writestr(item, data)


LAUGHS = ('<!DOCTYPE w [<!ENTITY a "aaaaaaaaaa">' + "".join(
    f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8)) + "]>")


@pytest.mark.parametrize(("doctype", "entity"), [
    ('<!DOCTYPE w [<!ENTITY xxe SYSTEM "file:///etc/hostname">]>', "&xxe;"),
    (LAUGHS, "&i;"),
], ids=["external entity", "entity expansion"])
def test_hostile_xlsx_xml_is_one_line(seeded, tmp_path, doctype, entity) -> None:
    """F18: the XML parser refuses these (security held); the user gets one line."""
    path = tmp_path / "hostile.xlsx"

    def edit(xml: str) -> str:
        head, _, rest = xml.partition("?>")
        return head + "?>" + doctype + rest.replace("NOTE", entity)

    _xlsx_with_sheet_xml(path, edit)
    before = dump(seeded)
    assert_one_error(run_log(seeded, "import", str(path)), str(path), "not a readable XLSX")
    assert dump(seeded) == before


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///file:x?mode=memory&uri=true"])
def test_an_in_memory_log_is_refused(url) -> None:
    """F18: an in-memory database would be empty and lost; say so instead of 'no such table'."""
    assert_one_error(run_log(url, "list"), "is an in-memory database")
