"""The log's deliverables report as an internal document (DOCX and/or PDF), laid out like the
workbench's other internal documents; its tables and text views are ccmkit.log.formats."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from ccmkit.i18n import N_, gettext_for
from ccmkit.languages import get_language
from ccmkit.log.formats import REPORT_TITLE, labels, summary_of_activities
from ccmkit.log.store import Report, find_state
from ccmkit.vocab import STAGES
from ccmkit.workbench.render import base_context, render_internal


def report_context(report: Report, lang: str) -> dict[str, Any]:
    """What the report document shows, in ``lang`` (labels translated, dates formatted)."""
    _ = gettext_for(lang)
    language = get_language(lang)
    stage_labels, channel_labels = labels()

    def name(code: str) -> str:
        return find_state(code).names.get(lang) or find_state(code).name

    def channel(value: str | None) -> str:
        return _(channel_labels[value]) if value else ""

    meetings = [{"date": language.medium_date(m.date), "name": name(m.state),
                 "channel": channel(m.channel), "lead": m.lead or ""} for m in report.meetings]
    return {
        "summary": summary_of_activities(report, lang),
        "as_of": language.long_date(report.today),
        "records": report.records, "removed": report.removed,
        "documented": len(report.meetings), "target": report.target,
        "target_met": report.target_met, "meetings": meetings,
        "not_bilateral": [{"date": language.medium_date(m.date), "name": name(m.state),
                           "channel": channel(m.channel) or "–"} for m in report.not_bilateral],
        "stages": [(_(stage_labels[s]), [name(c) for c in report.stages[s]]) for s in STAGES],
        "overdue": [{"due": language.medium_date(o.due), "days": o.days, "name": name(o.state),
                     "next_step": o.next_step or "", "lead": o.lead or ""}
                    for o in report.overdue],
        "top15": None if report.top15 is None else [name(c) for c in report.never_contacted
                                                    or ()],
    }


def report_document(report: Report, lang: str, formats: Sequence[str],
                    generated: date | None = None) -> dict[str, bytes]:
    """The deliverables report as the internal document (DOCX and/or PDF): {format: bytes}."""
    from ccmkit.data.states import load_registry

    _ = gettext_for(lang)
    generated = generated or report.today
    context = {**base_context(load_registry(), lang, generated), **report_context(report, lang)}
    scope = _(N_("as of {date}")).format(date=context["as_of"])
    return render_internal("log_report", lang, context, formats, title=_(REPORT_TITLE),
                           scope=scope, generated=generated)
