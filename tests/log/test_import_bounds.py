"""Imports are bounded (bytes, unpacked size, lines, cell length, time), hold the write lock
briefly enough that other writers never fail, and recognise a file imported before (F9, F19)."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
import threading
import time
import zipfile
from datetime import date
from pathlib import Path

import pytest

from ccmkit import sheets as tables
from ccmkit.log.store import Fields, Log
from tests.log.conftest import assert_one_error, dump, run_log

pytestmark = pytest.mark.e2e  # real files, processes or HTTP: the outer loop

HEADER = ["state", "date", "stage", "channel", "lead", "note"]


def write_csv(path: Path, rows: int, note: str = "met the counsellor") -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(HEADER)
        for number in range(rows):
            out.writerow(["KEN", "2026-01-05", "contacted", "capital", "Norway",
                          f"{note} {number}"])
    return path


def xlsx_with_cell(text: str) -> bytes:
    """A real workbook (openpyxl) whose one note cell is ``text``."""
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(HEADER)
    book.active.append(["KEN", "2026-01-05", "contacted", "capital", "Norway", "PLACEHOLDER"])
    buffer = io.BytesIO()
    book.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            data = data.replace(b"PLACEHOLDER", text.encode())
            target.writestr(info.filename, data)
    return out.getvalue()


def test_an_xlsx_bomb_is_refused_before_it_is_parsed(db_url, tmp_path) -> None:
    """One cell of 80 MiB in a file of under 100 kB: refused from the zip's directory."""
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(xlsx_with_cell("A" * (80 * 2**20)))
    assert path.stat().st_size < 200_000
    started = time.monotonic()
    assert_one_error(run_log(db_url, "import", str(path)), "bomb.xlsx",
                     "more than 64 MiB once unpacked")
    assert time.monotonic() - started < 10


def test_files_out_of_bounds_are_one_line_and_import_nothing(db_url, tmp_path,
                                                            monkeypatch) -> None:
    Log(db_url).close()
    before = dump(db_url)
    many = write_csv(tmp_path / "many.csv", tables.MAX_LINES)  # + the header line
    assert_one_error(run_log(db_url, "import", str(many)), "more than 20000 lines")
    wide = tmp_path / "wide.csv"
    wide.write_text("state,date,stage,note\nKEN,2026-01-05,contacted," + "x" * 40_000 + "\n")
    assert_one_error(run_log(db_url, "import", str(wide)), "line 2",
                     "a cell of 40000 characters, more than 32767")
    wide_xlsx = tmp_path / "wide.xlsx"
    wide_xlsx.write_bytes(xlsx_with_cell("y" * 40_000))
    assert_one_error(run_log(db_url, "import", str(wide_xlsx)), "line 2", "more than 32767")
    monkeypatch.setattr(tables, "MAX_BYTES", 4096)
    big = write_csv(tmp_path / "big.csv", 100)
    assert_one_error(run_log(db_url, "import", str(big)), "larger than 0 MiB")
    monkeypatch.setattr(tables, "MAX_BYTES", 20 * 2**20)
    monkeypatch.setattr(tables, "MAX_SECONDS", -1.0)
    assert_one_error(run_log(db_url, "import", str(write_csv(tmp_path / "slow.csv", 3))),
                     "took more than")
    assert dump(db_url) == before


def test_the_same_file_twice_is_recognised(db_url, tmp_path) -> None:
    """F19: a second import of the same bytes (under any name) is refused, nothing added;
    --again adds it on purpose."""
    first = write_csv(tmp_path / "visits.csv", 3)
    assert run_log(db_url, "import", str(first)).exit_code == 0
    before = dump(db_url)
    renamed = tmp_path / "visits-copy.csv"
    renamed.write_bytes(first.read_bytes())
    result = run_log(db_url, "import", str(renamed))
    assert_one_error(result, "visits-copy.csv", "was imported on", "by tester (3 records)",
                     "--again")
    assert dump(db_url) == before
    assert run_log(db_url, "import", str(renamed), "--again").exit_code == 0
    log = Log(db_url)
    assert len(log.records()) == 6
    log.close()
    changed = write_csv(tmp_path / "visits.csv", 4)
    assert run_log(db_url, "import", str(changed)).exit_code == 0


def test_a_full_size_import_never_makes_another_writer_fail(tmp_path, monkeypatch) -> None:
    """F9: while another process imports the largest file allowed, a writer told to wait at
    most 5 s (a sixth of the real busy timeout) adds records every 50 ms and none fails."""
    url = f"sqlite:///{tmp_path / 'log.sqlite3'}"
    Log(url).close()
    path = write_csv(tmp_path / "full.csv", tables.MAX_LINES - 1)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path), "CCMKIT_USER": "importer"}
    monkeypatch.setattr("ccmkit.log.db.BUSY_TIMEOUT_S", 5)
    other = Log(url, user="colleague")
    waits: list[float] = []
    errors: list[str] = []

    def add_while(importing: subprocess.Popen) -> None:
        while importing.poll() is None:
            started = time.monotonic()
            try:
                other.add(Fields(state="FIN", date=date(2026, 2, 1), stage="contacted"))
            except Exception as exc:  # any failure is what the test looks for
                errors.append(str(exc))
            waits.append(time.monotonic() - started)
            time.sleep(0.05)

    importing = subprocess.Popen([sys.executable, "-m", "ccmkit", "log", "--db", url, "import",
                                  str(path)], env=env, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True)
    adder = threading.Thread(target=add_while, args=(importing,))
    adder.start()
    out, err = importing.communicate(timeout=300)
    adder.join()
    assert importing.returncode == 0, err
    assert f"Imported {tables.MAX_LINES - 1} records" in out
    assert errors == []
    assert len(waits) > 5 and max(waits) < 5
    assert len(other.records()) == tables.MAX_LINES - 1 + len(waits)
    other.close()


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_read_table_bounds_both_formats(tmp_path, suffix, monkeypatch) -> None:
    """The bounds are in tables.read_table, which every spreadsheet import reads through."""
    monkeypatch.setattr(tables, "MAX_LINES", 2)
    path = tmp_path / f"t{suffix}"
    if suffix == ".csv":
        write_csv(path, 5)
    else:
        path.write_bytes(xlsx_with_cell("ok"))
        monkeypatch.setattr(tables, "MAX_LINES", 1)
    with pytest.raises(tables.CcmkitError, match="lines"):
        list(tables.read_table(path))
