"""The review worksheet: the facts to re-check (State, fact, value, date, age, source, quote)
with empty columns for the new observation, and the filled worksheet read back as an import
(all rows or none)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from ccmkit.data.facts import fact_family
from ccmkit.data.states import Registry, State
from ccmkit.data.worksheet import NEW
from ccmkit.sheets import csv_text, xlsx_bytes

OLD = ("iso3", "state", "fact", "value", "qualifier", "as_of", "age_years", "stale",
       "source_title", "source_url", "quote")
COLUMNS = (*OLD, *NEW)


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
