"""Spreadsheet output (CSV and XLSX) as an output context of its own: every cell is data.

A text cell that a spreadsheet would read as a formula (it starts with ``=``, ``+``, ``-``,
``@``, TAB or CR) is written as text: in CSV with a leading apostrophe, in XLSX as a string cell
with the quote prefix. Characters no file can carry (old data) become U+FFFD. Every CSV and XLSX
ccmkit writes goes through `csv_text` or `append_row`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ccmkit.data.schema import scrub

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


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
