"""A filled review worksheet (``ccmkit facts review``, CSV or XLSX) read back as import
records: the rows with a new value, each with its file and line."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from ccmkit.errors import DataError
from ccmkit.sheets import read_table

NEW = ("new_value", "new_qualifier", "new_source_title", "new_source_url", "new_as_of",
       "new_quote")
_TO_IMPORT = {"new_value": "value", "new_qualifier": "qualifier",
              "new_source_title": "source_title", "new_source_url": "source_url",
              "new_as_of": "as_of", "new_quote": "quote"}


def is_worksheet(path: Path) -> bool:
    """True for an XLSX file, or a CSV whose header has the review's new_value column."""
    if path.suffix.lower() == ".xlsx":
        return True
    try:
        with path.open(encoding="utf-8-sig", errors="replace") as handle:
            first = handle.readline()
    except OSError as exc:
        raise DataError(f"{path}: cannot read ({exc.strerror})") from None
    return "new_value" in first.casefold()


def filled_rows(path: Path) -> list[tuple[str, dict[str, str | None]]]:
    """The rows of a filled worksheet that carry a new value, as import records
    ``(where, {iso3, fact, value, qualifier, source_title, source_url, as_of, quote})``."""
    table = read_table(path)
    try:
        _, header = next(table)
    except StopIteration:
        raise DataError(f"{path}: empty; fill the worksheet of `ccmkit facts review`") from None
    names = [str(h or "").strip().casefold() for h in header]
    missing = [c for c in ("iso3", "fact", *NEW) if c not in names]
    if missing:
        raise DataError(f"{path}: not a review worksheet: no column {', '.join(missing)}; "
                        "start from `ccmkit facts review`")
    out = []
    for line, cells in table:
        row = {n: _text(c) for n, c in zip(names, cells, strict=False)}
        if not row.get("new_value"):
            continue
        record: dict[str, str | None] = {"iso3": row.get("iso3"), "fact": row.get("fact")}
        record |= {_TO_IMPORT[k]: row.get(k) or None for k in NEW}
        out.append((f"{path}, line {line}", record))
    return out


def _text(cell: Any) -> str:
    if isinstance(cell, date):
        return cell.isoformat()[:10]
    return "" if cell is None else str(cell).strip()
