"""The log's records and report as a table, CSV, JSON or XLSX (strings or bytes; never printed)."""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

from ccmkit.i18n import N_, gettext_for
from ccmkit.languages import get_language
from ccmkit.log.store import Record, Report, find_state
from ccmkit.sheets import append_row, csv_text
from ccmkit.vocab import STAGES

COLUMNS = ("id", "state", "date", "stage", "channel", "lead", "with_whom", "note", "next_step",
           "due", "package", "package_sha256", "recorded_by", "recorded_at")
TABLE = ("id", "state", "date", "stage", "channel", "lead", "with_whom", "next_step", "due")
INTERNAL = "INTERNAL: ccmkit outreach follow-up log; not for circulation"


def plural(n: int, word: str) -> str:
    """'1 record', '2 records'."""
    return f"{n} {word}{'' if n == 1 else 's'}"


def rows(records: Sequence[Record]) -> list[dict[str, Any]]:
    """One flat dict per record, in COLUMNS order."""
    flat = [r.as_dict() for r in records]
    return [{c: row[c] for c in COLUMNS} for row in flat]


def _align(header: Sequence[str], lines: list[list[str]]) -> list[str]:
    widths = [max([len(h), *(len(line[i]) for line in lines)]) for i, h in enumerate(header)]
    out = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip()]
    out += ["  ".join(v.ljust(w) for v, w in zip(line, widths, strict=True)).rstrip()
            for line in lines]
    return out


def _cell(value: Any, width: int = 40) -> str:
    text = "" if value is None else " ".join(str(value).split())
    return text if len(text) <= width else text[: width - 1] + "…"


def render_records(records: Sequence[Record], fmt: str) -> str:
    """Records as an aligned table, CSV or JSON (a list of records, each with its id)."""
    data = rows(records)
    if fmt == "json":
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    if fmt == "csv":
        return to_csv(data)
    lines = _align(TABLE, [[_cell(row[c]) for c in TABLE] for row in data])
    lines.append(plural(len(data), "record"))
    return "\n".join(lines) + "\n"


def to_csv(data: list[dict[str, Any]]) -> str:
    """CSV with the COLUMNS header (comma-separated, UTF-8 text; cells inert, see sheets)."""
    return csv_text(COLUMNS, data)


def to_xlsx(data: list[dict[str, Any]]) -> bytes:
    """An XLSX workbook: one sheet of records (dates as dates), the header frozen."""

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "log"
    append_row(sheet, COLUMNS)
    for row in data:
        values: list[Any] = []
        for column in COLUMNS:
            value = row[column]
            if column in ("date", "due") and value:
                value = date.fromisoformat(value)
            values.append(value)
        append_row(sheet, values)
    for column, width in zip("ABCDEFGHIJKLMN", (6, 6, 11, 17, 9, 14, 20, 40, 30, 11, 30, 20,
                                                14, 26), strict=True):
        sheet.column_dimensions[column].width = width
    for cells in sheet.iter_rows(min_row=2, min_col=3, max_col=10):
        for cell in cells:
            if isinstance(cell.value, date):
                cell.number_format = "yyyy-mm-dd"
    sheet.freeze_panes = "A2"
    book.properties.title = INTERNAL
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def report_data(report: Report, lang: str = "en") -> dict[str, Any]:
    """The report as plain data; State names in ``lang``."""

    def name(code: str) -> str:
        return find_state(code).names.get(lang) or find_state(code).name

    def meeting(m: Any) -> dict[str, Any]:
        return {"state": m.state, "name": name(m.state), "date": m.date.isoformat(),
                "channel": m.channel, "lead": m.lead, "records": list(m.record_ids)}

    return {
        "internal": INTERNAL,
        "as_of": report.today.isoformat(),
        "generated": datetime.now(UTC).replace(microsecond=0).isoformat(),
        "records": report.records,
        "removed_records": report.removed,
        "meetings": {
            "target": report.target,
            "documented": len(report.meetings),
            "target_met": report.target_met,
            "counted": [meeting(m) for m in report.meetings],
            "not_counted_not_bilateral": [meeting(m) for m in report.not_bilateral],
        },
        "states_per_stage": {stage: [{"state": c, "name": name(c)} for c in codes]
                             for stage, codes in report.stages.items()},
        "overdue": [{"state": o.state, "name": name(o.state), "record": o.record_id,
                     "next_step": o.next_step, "due": o.due.isoformat(), "days_overdue": o.days,
                     "lead": o.lead} for o in report.overdue],
        "top15": None if report.top15 is None else {
            "ranking": list(report.top15),
            "never_contacted": [{"state": c, "name": name(c)}
                                for c in report.never_contacted or ()],
        },
    }


def render_report(report: Report, fmt: str, lang: str = "en") -> str:
    """The report as JSON or as a plain-text table."""
    data = report_data(report, lang)
    if fmt == "json":
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    m = data["meetings"]
    out = [INTERNAL, f"Follow-up log report as of {data['as_of']} "
           f"({plural(data['records'], 'record')}, {data['removed_records']} removed)", ""]
    out.append(f"Documented bilateral meetings (Geneva or capital): {m['documented']} of the "
               f"target of {m['target']}" + (" (target met)" if m["target_met"] else ""))
    meeting_lines = [[x["date"], x["state"], _cell(x["name"], 30), x["channel"] or "",
                      _cell(x["lead"], 20)] for x in m["counted"]]
    if meeting_lines:
        out += ["  " + line for line in _align(("date", "state", "name", "channel", "lead"),
                                              meeting_lines)]
    if m["not_counted_not_bilateral"]:
        listed = ", ".join(f"{x['state']} {x['date']} ({x['channel'] or 'no channel'})"
                           for x in m["not_counted_not_bilateral"])
        out.append(f"  Not counted (regional, other or no channel): {listed}")
    out += ["", "States per stage (each State's latest record):"]
    for stage in STAGES:
        states = data["states_per_stage"][stage]
        listed = ", ".join(f"{s['state']} ({s['name']})" for s in states) or "none"
        out.append(f"  {stage}: {len(states)}: {listed}")
    out += ["", f"Next steps overdue: {len(data['overdue'])}"]
    if data["overdue"]:
        out += ["  " + line for line in _align(
            ("due", "days", "state", "record", "next step", "lead"),
            [[o["due"], str(o["days_overdue"]), o["state"], str(o["record"]),
              _cell(o["next_step"]), _cell(o["lead"], 20)] for o in data["overdue"]])]
    out.append("")
    if data["top15"] is None:
        out.append("Top 15 never contacted: the top-15 ranking is not available yet.")
    else:
        never = data["top15"]["never_contacted"]
        listed = ", ".join(f"{s['state']} ({s['name']})" for s in never) or "none"
        out.append(f"Top 15 never contacted: {len(never)} of {len(data['top15']['ranking'])}: "
                   f"{listed}")
    return "\n".join(out) + "\n"


REPORT_TITLE = N_("Outreach follow-up: deliverables report")
SUMMARY_HEADING = N_("Summary of activities")


def labels() -> tuple[dict[str, str], dict[str, str]]:
    from ccmkit.labels import CHANNEL, STAGE

    return STAGE, CHANNEL


def summary_of_activities(report: Report, lang: str) -> str:
    """The paragraph the work plan wants referenced in each preparatory meeting's report:
    counts only, naming no State (the framing note: never single a State out)."""
    _ = gettext_for(lang)
    geneva = sum(1 for m in report.meetings if m.channel == "geneva")
    states = len({m.state for m in report.meetings})
    agreed = len(report.stages.get("next-step-agreed", ()))
    return _(N_(
        "As of {date}, the coordinators on universalization, with the support of the ISU, had "
        "documented {meetings} bilateral outreach meetings with {states} States not party to "
        "the Convention ({geneva} in Geneva, {capital} at capital level), against the work "
        "plan's target of at least {target}; {contacted} States have been contacted in all, "
        "and {agreed} have agreed a next step. {other} further meetings took place in a "
        "regional or other setting.")).format(
        date=get_language(lang).long_date(report.today), meetings=len(report.meetings),
        states=states, geneva=geneva, capital=len(report.meetings) - geneva,
        target=report.target, contacted=len(report.states), agreed=agreed,
        other=len(report.not_bilateral))


def report_xlsx(report: Report, lang: str) -> bytes:
    """The report's tables as a workbook (one sheet each; cells never formulas)."""
    from ccmkit.sheets import xlsx_bytes

    _ = gettext_for(lang)
    stage_labels, channel_labels = labels()

    def name(code: str) -> str:
        return find_state(code).names.get(lang) or find_state(code).name

    state, lead = _(N_("State")), _(N_("Lead"))
    sheets: dict[str, tuple[list[str], list[list[Any]]]] = {
        _(N_("Meetings")): (
            [_(N_("Date")), state, "ISO3", _(N_("Channel")), lead,
             _(N_("Counted towards the target"))],
            [[m.date, name(m.state), m.state,
              _(channel_labels[m.channel]) if m.channel else "", m.lead or "",
              _(N_("yes")) if counted else _(N_("no"))]
             for counted, group in ((True, report.meetings), (False, report.not_bilateral))
             for m in group]),
        _(N_("Stages")): (
            [_(N_("Stage")), state, "ISO3"],
            [[_(stage_labels[s]), name(c), c] for s in STAGES for c in report.stages[s]]),
        _(N_("Overdue")): (
            [_(N_("Due")), _(N_("Days late")), state, "ISO3", _(N_("Next step")), lead],
            [[o.due, o.days, name(o.state), o.state, o.next_step or "", o.lead or ""]
             for o in report.overdue]),
        _(N_("Never contacted")): (
            [_(N_("Rank")), state, "ISO3"],
            [[i, name(c), c] for i, c in enumerate(report.top15 or (), start=1)
             if c in (report.never_contacted or ())]),
    }
    return xlsx_bytes(sheets, title=f"{_(N_('INTERNAL'))} – {_(REPORT_TITLE)}")
