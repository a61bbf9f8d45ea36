"""The review worksheet: the facts to re-check (State, fact, value, date, age, source, quote)
with empty columns for the new observation, and the filled worksheet read back as an import
(all rows or none)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from ccmkit.data.facts import fact_family
from ccmkit.data.states import Registry, State
from ccmkit.errors import DataError
from ccmkit.sheets import csv_text, read_table, xlsx_bytes

OLD = ("iso3", "state", "fact", "value", "qualifier", "as_of", "age_years", "stale",
       "source_title", "source_url", "quote")
NEW = ("new_value", "new_qualifier", "new_source_title", "new_source_url", "new_as_of",
       "new_quote")
COLUMNS = (*OLD, *NEW)
_TO_IMPORT = {"new_value": "value", "new_qualifier": "qualifier",
              "new_source_title": "source_title", "new_source_url": "source_url",
              "new_as_of": "as_of", "new_quote": "quote"}


def review_rows(registry: Registry, states: Iterable[State], today: date,
                stale_only: bool = False, facts: Sequence[str] = ()) -> list[dict[str, Any]]:
    """One row per State and fact (the value in force), the stale ones only if asked."""
    rows = []
    for state in states:
        for name, obs in sorted(state.facts.items()):
            if facts and name not in facts and fact_family(name) not in facts:
                continue
            if stale_only and not obs.stale(today):
                continue
            rows.append({
                "iso3": state.iso3, "state": state.un_name, "fact": name,
                "value": obs.value, "qualifier": obs.qualifier or "",
                "as_of": obs.as_of.isoformat() if obs.as_of else "undated",
                "age_years": obs.age_years(today), "stale": "yes" if obs.stale(today) else "no",
                "source_title": obs.source.title if obs.source else "",
                "source_url": (obs.source.url or "") if obs.source else "",
                "quote": obs.quote or "", **dict.fromkeys(NEW, "")})
    return rows


def worksheet(rows: list[dict[str, Any]], fmt: str) -> bytes:
    """The worksheet as CSV or XLSX bytes."""
    if fmt == "csv":
        return csv_text(COLUMNS, rows).encode("utf-8")
    return xlsx_bytes({"Review": (list(COLUMNS), [[r[c] for c in COLUMNS] for r in rows])},
                      title="INTERNAL – facts to re-check")


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
