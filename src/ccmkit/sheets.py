"""Spreadsheets in and out (CSV and XLSX), an output context of its own: every cell is data.

A text cell that a spreadsheet would read as a formula (it starts with ``=``, ``+``, ``-``,
``@``, TAB or CR) is written as text: in CSV with a leading apostrophe, in XLSX as a string cell
with the quote prefix. Characters no file can carry (old data) become U+FFFD. Every CSV and XLSX
ccmkit writes goes through `csv_text`, `append_row` or `xlsx_bytes`; every spreadsheet it
reads, through `read_table`.
"""

from __future__ import annotations

import csv
import hashlib
import io
import time
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from ccmkit.data.schema import check_regular_file
from ccmkit.data.text import scrub
from ccmkit.errors import CcmkitError
from ccmkit.output import generation_time, zip_bytes

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Bounds of every spreadsheet read (imports of the log, facts reviews): checked before or while
# reading, so a hostile file costs little memory and time.
MAX_BYTES = 20 * 1024 * 1024  # the file as given
MAX_UNPACKED = 64 * 1024 * 1024  # an XLSX's parts once unpacked (a zip bomb is refused unread)
MAX_LINES = 20_000  # lines, the header and blank lines included
MAX_CELL = 32_767  # characters in one cell (Excel's own limit)
MAX_SECONDS = 120.0  # reading one file


def is_formula_like(text: str) -> bool:
    """True if a spreadsheet could read `text` as a formula."""
    return text.startswith(FORMULA_START)


def csv_cell(value: Any) -> Any:
    """One CSV cell: None as empty, text made inert (a leading apostrophe) and scrubbed."""
    if value is None:
        return ""
    if not isinstance(value, str):
        return value
    text = scrub(value)
    return "'" + text if is_formula_like(text) else text


def read_csv_cell(text: str) -> str:
    """A cell as `csv_cell` wrote it, back to its value (the apostrophe before a formula-like
    text removed), so that an export imports as it was."""
    return text[1:] if text.startswith("'") and is_formula_like(text[1:]) else text


def csv_text(columns: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> str:
    """A CSV document (header, then rows) with every cell passed through `csv_cell`."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    writer.writerows({k: csv_cell(row.get(k)) for k in columns} for row in rows)
    return out.getvalue()


def append_row(sheet: Any, values: Iterable[Any]) -> None:
    """Append `values` to an openpyxl worksheet; text is always a string cell, never a formula."""
    from openpyxl.cell.cell import Cell

    cells: list[Any] = []
    for value in values:
        if not isinstance(value, str):
            cells.append(value)
            continue
        text = scrub(value)
        cell = Cell(sheet, value=text)
        cell.data_type = "s"  # openpyxl would otherwise store text starting with "=" as a formula
        if is_formula_like(text):
            cell.quotePrefix = True  # stays text when the cell is edited in a spreadsheet
        cells.append(cell)
    sheet.append(cells)


def xlsx_bytes(sheets: Mapping[str, tuple[Sequence[str], Iterable[Sequence[Any]]]],
               title: str, generated: date | None = None) -> bytes:
    """An XLSX workbook, one sheet per entry (header in bold, frozen, columns sized), every
    cell through `append_row`; marked INTERNAL in its metadata when the title says so, and
    dated `generated` (noon UTC) so that the same input gives the same file."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.writer.excel import ExcelWriter

    book = Workbook()
    book.remove(book.active)
    for name, (header, rows) in sheets.items():
        sheet = book.create_sheet(name)
        append_row(sheet, header)
        for row in rows:
            append_row(sheet, row)
        sheet.freeze_panes = "A2"
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for column in sheet.columns:
            width = max(len(str(c.value or "")) for c in column)
            sheet.column_dimensions[column[0].column_letter].width = min(max(8, width + 2), 60)
    book.properties.title = title
    if "INTERNAL" in title:
        book.properties.keywords = "INTERNAL"
    buffer = io.BytesIO()
    if generated is None:
        book.save(buffer)
        return buffer.getvalue()
    when = generation_time(generated)
    book.properties.created = book.properties.modified = when.replace(tzinfo=None)
    # the writer itself: Workbook.save would set "modified" to the clock
    ExcelWriter(book, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED)).save()
    with zipfile.ZipFile(buffer) as saved:  # and the parts dated by the clock, rewritten
        parts = {item.filename: saved.read(item.filename) for item in saved.infolist()}
    return zip_bytes(parts, when, sort=False)


def _decode(raw: bytes, path: Path) -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in raw[:200]:
        raise CcmkitError(f"{path}: UTF-16 text; save it as CSV UTF-8")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise CcmkitError(f"{path}: neither UTF-8 nor Windows-1252 text; save it as CSV UTF-8")


def _csv_rows(path: Path, raw: bytes) -> Iterator[tuple[int, list[Any]]]:
    text = _decode(raw, path)
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        line = 1
        for row in reader:
            yield line, [read_csv_cell(cell) for cell in row]
            line = reader.line_num + 1
    except csv.Error as exc:
        raise CcmkitError(f"{path}: line {reader.line_num}: malformed CSV ({exc})") from None


def _read_bounded(path: Path) -> bytes:
    """The file's bytes, refused above MAX_BYTES (checked before reading it)."""
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise CcmkitError(f"{path}: cannot read it ({exc.strerror})") from None
    if len(raw) > MAX_BYTES:
        raise CcmkitError(f"{path}: larger than {MAX_BYTES // 2**20} MiB; split it into "
                          "smaller files")
    return raw


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file to import (bounded as read_table bounds it): the same file given
    twice is recognised."""
    return hashlib.sha256(_read_bounded(path)).hexdigest()


def _bounded(path: Path, rows: Iterator[tuple[int, list[Any]]]
             ) -> Iterator[tuple[int, list[Any]]]:
    """``rows`` within MAX_LINES lines, MAX_CELL characters a cell and MAX_SECONDS."""
    deadline = time.monotonic() + MAX_SECONDS
    for line, row in rows:
        if line > MAX_LINES:
            raise CcmkitError(f"{path}: more than {MAX_LINES} lines; split it into smaller "
                              "files")
        for cell in row:
            if isinstance(cell, str) and len(cell) > MAX_CELL:
                raise CcmkitError(f"{path}: line {line}: a cell of {len(cell)} characters, "
                                  f"more than {MAX_CELL}")
        if time.monotonic() > deadline:
            raise CcmkitError(f"{path}: reading it took more than {MAX_SECONDS:.0f} s; split "
                              "it into smaller files")
        yield line, row


def _check_unpacked(path: Path, raw: bytes) -> None:
    """Refuse an XLSX whose parts unpack past MAX_UNPACKED, before any XML is parsed."""
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise CcmkitError(f"{path}: not a readable XLSX workbook ({exc})") from None
    if unpacked > MAX_UNPACKED:
        raise CcmkitError(f"{path}: more than {MAX_UNPACKED // 2**20} MiB once unpacked; "
                          "not a plain spreadsheet")


def _xlsx_rows(path: Path, raw: bytes) -> Iterator[tuple[int, list[Any]]]:
    from xml.etree.ElementTree import ParseError

    from openpyxl import load_workbook

    _check_unpacked(path, raw)
    try:
        book = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError, SyntaxError) as exc:
        raise CcmkitError(f"{path}: not a readable XLSX workbook ({exc})") from None
    try:
        sheet = book.worksheets[0]
        for line, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield line, list(row)
    except (ParseError, KeyError, ValueError, SyntaxError) as exc:  # entities and the like
        raise CcmkitError(f"{path}: not a readable XLSX workbook (its XML is refused: {exc}); "
                          "save it again from the spreadsheet program") from None
    finally:
        book.close()


def read_table(path: Path) -> Iterator[tuple[int, list[Any]]]:
    """(line, cells) of a .csv (UTF-8 or Windows-1252, comma or semicolon) or .xlsx file
    (first sheet), cells as they were before export; one clear line for a file that cannot be
    read or is out of bounds (MAX_*: size, unpacked size, lines, cell length, time)."""
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise CcmkitError(f"{path}: give a .csv or .xlsx file")
    check_regular_file(path, "spreadsheet")
    raw = _read_bounded(path)
    rows = _xlsx_rows(path, raw) if suffix == ".xlsx" else _csv_rows(path, raw)
    return _bounded(path, rows)
