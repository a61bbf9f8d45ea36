"""Spreadsheets in and out: the rows of a CSV or XLSX file a user gives, and cells written so
that a spreadsheet never reads a value as a formula. Used by every import and export."""

from __future__ import annotations

import csv
import hashlib
import io
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ccmkit.errors import CcmkitError

# Bounds of every spreadsheet read (imports of the log, facts reviews): checked before or while
# reading, so a hostile file costs little memory and time.
MAX_BYTES = 20 * 1024 * 1024  # the file as given
MAX_UNPACKED = 64 * 1024 * 1024  # an XLSX's parts once unpacked (a zip bomb is refused unread)
MAX_LINES = 20_000  # lines, the header and blank lines included
MAX_CELL = 32_767  # characters in one cell (Excel's own limit)
MAX_SECONDS = 120.0  # reading one file


def _decode(raw: bytes, path: Path) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise CcmkitError(f"{path}: neither UTF-8 nor Windows-1252 text; save it as CSV UTF-8")


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


def _csv_rows(path: Path, raw: bytes) -> Iterator[tuple[int, list[Any]]]:
    text = _decode(raw, path)
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        line = 1
        for row in reader:
            yield line, row
            line = reader.line_num + 1
    except csv.Error as exc:
        raise CcmkitError(f"{path}: line {reader.line_num}: malformed CSV ({exc})") from None


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
    except (KeyError, ValueError, SyntaxError) as exc:  # SyntaxError: XML (entities, …)
        raise CcmkitError(f"{path}: not a readable XLSX workbook ({exc})") from None
    finally:
        book.close()


def read_table(path: Path) -> Iterator[tuple[int, list[Any]]]:
    """(line, cells) of a .csv (UTF-8 or Windows-1252, comma or semicolon) or .xlsx file
    (first sheet); one clear line for a file that cannot be read or is out of bounds (MAX_*:
    size, unpacked size, lines, cell length, time)."""
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise CcmkitError(f"{path}: give a .csv or .xlsx file")
    raw = _read_bounded(path)
    rows = _xlsx_rows(path, raw) if suffix == ".xlsx" else _csv_rows(path, raw)
    return _bounded(path, rows)


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """A value for a spreadsheet cell: text a spreadsheet would read as a formula (starting
    with =, +, -, @, tab or carriage return) gets a leading apostrophe; numbers, dates and
    other text are unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_text(header: list[str], rows: list[dict[str, Any]]) -> str:
    """CSV (UTF-8, one header line) with every cell made safe."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerows({k: safe_cell("" if v is None else v) for k, v in row.items()}
                     for row in rows)
    return out.getvalue()


def xlsx_bytes(sheets: dict[str, tuple[list[str], list[list[Any]]]], title: str,
               widths: int = 60) -> bytes:
    """An XLSX workbook, one sheet per entry (header in bold, frozen), every text cell
    written as text (never a formula)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    for name, (header, rows) in sheets.items():
        sheet = book.create_sheet(name)
        sheet.append(header)
        for row in rows:
            sheet.append([safe_cell(v) for v in row])
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, str):
                    cell.data_type = "s"
        sheet.freeze_panes = "A2"
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for column in sheet.columns:
            width = max(len(str(c.value or "")) for c in column)
            sheet.column_dimensions[column[0].column_letter].width = min(max(8, width + 2),
                                                                         widths)
    book.properties.title = title
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
