"""Plain-text, CSV and JSON views of State data for the `states` and `timeline` commands."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from typing import Any

from ccmkit.data.facts import Observation
from ccmkit.data.states import Registry, State
from ccmkit.sheets import csv_text
from ccmkit.treaty import route_for, timeline
from ccmkit.vocab import FACT_NAMES, LIST_FACTS, STALE_AFTER_YEARS, UNGA_VOTE

LIST_COLUMNS = ("iso3", "iso2", "name", "status", "signature_date", "deposit_date", "region",
                "subregion", "languages")


def list_rows(states: list[State]) -> list[dict[str, str]]:
    """One flat row per State for `states list`."""
    return [
        {
            "iso3": s.iso3,
            "iso2": s.iso2,
            "name": s.un_name,
            "status": s.status,
            "signature_date": _iso(s.membership.signature_date),
            "deposit_date": _iso(s.membership.deposit_date),
            "region": s.region,
            "subregion": s.intermediate or s.subregion,
            "languages": " ".join(s.languages),
        }
        for s in states
    ]


def render_rows(rows: list[dict[str, str]], fmt: str, as_of: str) -> str:
    """Rows as an aligned table, CSV or JSON; each says the status's as-of date."""
    if fmt == "json":
        return json.dumps({"status_as_of": as_of, "states": rows}, indent=2,
                          ensure_ascii=False) + "\n"
    if fmt == "csv":
        return csv_text([*LIST_COLUMNS, "status_as_of"],
                        ({**row, "status_as_of": as_of} for row in rows))
    shown = ("iso3", "name", "status", "signature_date", "region", "subregion", "languages")
    widths = {c: max([len(c), *(len(r[c]) for r in rows)]) for c in shown}
    lines = ["  ".join(c.ljust(widths[c]) for c in shown).rstrip()]
    lines += ["  ".join(r[c].ljust(widths[c]) for c in shown).rstrip() for r in rows]
    lines.append(f"{len(rows)} States; Convention status as of {as_of}")
    return "\n".join(lines) + "\n"


STALE_RULE = ("[STALE] = re-check now: a vote once the next annual vote is due; a position, "
              f"stockpile or other finding after {STALE_AFTER_YEARS} years; the Mine Ban "
              "Convention after 5; legal tradition and languages never; undated always")


def observation_record(obs: Observation) -> dict:
    """One observation as plain data: value, qualifier, date, source and quote."""
    return {"value": list(obs.values) if obs.fact in LIST_FACTS else obs.value,
            "qualifier": obs.qualifier,
            "as_of": obs.as_of.isoformat() if obs.as_of else None,
            "source": ({"title": obs.source.title, "url": obs.source.url} if obs.source
                       else None),
            "quote": obs.quote}


def fact_record(obs: Observation, today: date,
                history: Sequence[Observation] = ()) -> dict:
    """One fact as plain data: value, qualifier, date, source, quote, age and staleness, the
    observations it rests on (newest first), and, for a multi-valued fact (concerns,
    engagement), the reviewer's override in force with who and why."""
    extra: dict[str, Any] = {"observations": [
        observation_record(p) for p in (obs.parts or history or (obs,)) if p.known]}
    if obs.fact in LIST_FACTS:
        extra["override"] = ({"by": obs.override.by, "reason": obs.override.reason,
                              "on": _iso(obs.override.on)} if obs.override else None)
    return {
        **observation_record(obs),
        "as_of_precision": obs.precision,
        "layer": obs.layer,
        "age_years": obs.age_years(today),
        "stale": obs.stale(today),
        **extra,
    }


def state_record(state: State, registry: Registry, today: date | None = None) -> dict:
    """Everything known about a State, with sources, as plain data."""
    today = today or date.today()
    m = state.membership
    return {
        "iso3": state.iso3,
        "iso2": state.iso2,
        "un_name": state.un_name,
        "names": {lang: forms.model_dump(exclude_none=True) for lang, forms in state.names.items()},
        "status": {
            "status": m.status,
            "route": m.route,
            "signature_date": _iso(m.signature_date),
            "deposit_date": _iso(m.deposit_date),
            "entry_into_force": _iso(m.entry_into_force),
            "effective_date": _iso(m.effective_date),
            "source": m.source or "not listed in the status table: not signed",
            "as_of": registry.status.as_of,
        },
        "region": {"region": state.region, "subregion": state.subregion,
                   "intermediate": state.intermediate},
        "groupings": list(state.groupings),
        "languages": list(state.languages),
        "languages_basis": state.languages_basis,
        "facts": {name: fact_record(state.fact(name), today, _history(state, registry, name))
                  for name in _fact_names(state)},
        "notes": list(state.notes),
        "sources": state.sources,
    }


def _history(state: State, registry: Registry, name: str) -> list[Observation]:
    """The observations of a fact, newest first (a profile's own value alone)."""
    obs = state.fact(name)
    if obs.layer == "profile":
        return [obs]
    return registry.factbook.history(state.iso3, obs.fact)


def _fact_names(state: State) -> list[str]:
    """Every fact name to show: the named facts, the latest UNGA vote's year."""
    names = [n for n in FACT_NAMES if n != UNGA_VOTE
             and (n != "ccm_withdrawal_effective" or state.fact(n).known)]
    vote = state.fact(UNGA_VOTE)
    names.insert(names.index("legal_tradition"), vote.fact if vote.known else UNGA_VOTE)
    return names


def show_state(state: State, registry: Registry, fmt: str, today: date | None = None) -> str:
    """`states show` output: status, names, and every fact with source, date and age."""
    today = today or date.today()
    record = state_record(state, registry, today)
    if fmt == "json":
        return json.dumps(record, indent=2, ensure_ascii=False) + "\n"
    st = record["status"]
    lines = [
        f"{state.un_name} ({state.iso3} / {state.iso2})",
        f"  status: {st['status']}"
        + (f", signed {st['signature_date']}" if st["signature_date"] else "")
        + (f", deposited {st['deposit_date']} ({st['route']})" if st["deposit_date"] else "")
        + (f", in force {st['entry_into_force']}" if st["entry_into_force"] else ""),
        f"  status source: {st['source']} (as of {st['as_of']})",
        f"  region: {state.region} / {state.subregion}"
        + (f" / {state.intermediate}" if state.intermediate else ""),
        f"  groupings: {', '.join(state.groupings) or 'none recorded'}",
        f"  package languages: {', '.join(state.languages)} ({state.languages_basis})",
        f"  facts (value; date, age; source) — {STALE_RULE}",
    ]
    for name, fact in record["facts"].items():
        shown = ", ".join(fact["value"]) if isinstance(fact["value"], list) else fact["value"]
        value = shown + (f" ({fact['qualifier']})" if fact["qualifier"] else "")
        if fact["source"] is None:
            lines.append(f"    {name}: {value}")
            continue
        age = f", {fact['age_years']} years" if fact["age_years"] is not None else ""
        flag = " [STALE]" if fact["stale"] else ""
        lines.append(f"    {name}: {value}{flag}")
        lines.append(f"        {fact['as_of'] or 'undated'}{age}; {fact['source']['title']}"
                     + (f" <{fact['source']['url']}>" if fact["source"]["url"] else ""))
    for note in state.notes:
        lines.append(f"  note: {note.get('text')} ({note.get('source')}, {note.get('as_of')})")
    return "\n".join(lines) + "\n"


def show_timeline(state: State, deposit: date, fmt: str) -> str:
    """`timeline` output: the route and the computed dates."""
    route = (route_for(state.status) if state.status != "state_party"
             else state.membership.route)
    line = timeline(
        deposit,
        stockpiles=state.value("stockpiles") != "no",
        contamination=state.value("contamination") != "no",
    )
    data: dict[str, Any] = {"state": state.iso3, "route": route, "dates": line.as_iso()}
    if fmt == "json":
        return json.dumps(data, indent=2) + "\n"
    labels = {
        "deposit": "Deposit of the instrument",
        "entry_into_force": "Entry into force (Art. 17(2))",
        "initial_report_due": "Initial transparency report due (Art. 7)",
        "stockpile_destruction_due": "Stockpile destruction deadline (Art. 3)",
        "clearance_due": "Clearance deadline (Art. 4)",
    }
    lines = [f"{state.un_name} ({state.iso3}): instrument of {route or 'consent'}"]
    lines += [f"  {labels[k]}: {v}" for k, v in line.as_iso().items()]
    lines.append("  Annual updates (Art. 7(2)): by 30 April each year, covering the previous "
                 "calendar year")
    return "\n".join(lines) + "\n"


def _iso(day: date | None) -> str:
    return day.isoformat() if day else ""
