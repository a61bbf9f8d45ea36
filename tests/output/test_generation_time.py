"""One generation-timestamp rule (``output.generation_time``): every file made for one
``--date`` is dated the same instant, whichever writer made it."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from ccmkit.output import generation_time

pytestmark = pytest.mark.e2e  # real files through the command line

DAY = "2026-11-25"
NOON = datetime(2026, 11, 25, 12, tzinfo=UTC)


def _ccmkit(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "ccmkit", *args], check=True, capture_output=True)


def _core_created(data: Path) -> datetime:
    """docProps/core.xml's dcterms:created, read back from the file."""
    with zipfile.ZipFile(data) as archive:
        core = archive.read("docProps/core.xml").decode()
    stamp = core.split("<dcterms:created", 1)[1].split(">", 1)[1].split("<", 1)[0]
    return datetime.fromisoformat(stamp.replace("Z", "+00:00"))


def _entry_times(data: Path) -> set[tuple[int, ...]]:
    with zipfile.ZipFile(data) as archive:
        return {info.date_time for info in archive.infolist()}


def test_the_rule() -> None:
    assert generation_time(date(2026, 11, 25)) == NOON


def test_outgoing_docx_pdf_and_internal_xlsx_share_one_instant(tmp_path: Path) -> None:
    _ccmkit("package", "KEN", "--doc", "instrument", "--lang", "en", "--date", DAY,
            "--out", str(tmp_path / "pkg"))
    _ccmkit("targets", "--format", "xlsx", "--format", "docx", "--date", DAY,
            "--out", str(tmp_path / "ws"))
    docx = tmp_path / "pkg" / "KEN" / "en" / "instrument.docx"
    xlsx = tmp_path / "ws" / "internal" / "targets.xlsx"
    internal_docx = tmp_path / "ws" / "internal" / "targets-en.docx"
    # the documents' properties: the same instant, outgoing or internal, Word or Excel
    assert _core_created(docx) == _core_created(internal_docx) == NOON
    assert _core_created(xlsx) == NOON
    # the ZIP entries of every package (the XLSX too, which openpyxl dates with the clock)
    noon = NOON.replace(tzinfo=None).timetuple()[:6]
    assert _entry_times(docx) == _entry_times(xlsx) == _entry_times(internal_docx) == {noon}
    # and the PDF's metadata
    info = subprocess.run(["pdfinfo", "-isodates", str(docx.with_suffix(".pdf"))],
                          check=True, capture_output=True, text=True).stdout
    created = next(line.split(None, 1)[1] for line in info.splitlines()
                   if line.startswith("CreationDate:"))
    assert datetime.fromisoformat(created.replace("Z", "+00:00")) == NOON


def test_the_xlsx_is_the_same_bytes_on_a_later_run(tmp_path: Path) -> None:
    for run in ("a", "b"):
        _ccmkit("targets", "--format", "xlsx", "--date", DAY, "--out", str(tmp_path / run))
    first, second = (tmp_path / run / "internal" / "targets.xlsx" for run in ("a", "b"))
    assert first.read_bytes() == second.read_bytes()
