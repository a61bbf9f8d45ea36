"""The ranking as a text table, CSV, JSON and XLSX (the ISU's own files), and as the one-page
internal document (DOCX/PDF) for the informal working group."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from ccmkit.data.states import Registry
from ccmkit.i18n import N_, gettext_for
from ccmkit.labels import STATUS as STATUS_LABELS
from ccmkit.labels import fact_label
from ccmkit.sheets import csv_text, xlsx_bytes
from ccmkit.workbench.render import BaseContext, base_context, render_internal
from ccmkit.workbench.targets import CRITERIA, MISSING_RULE, TIE_RULE, Ranking, Target

TITLE = N_("Engagement list")
CSV_COLUMNS = ("rank", "iso3", "name", "status", "score", "range_low", "range_high", "criterion",
               "weight", "points",
               "fact", "value", "source", "url", "as_of", "missing", "status_as_of")


def _num(value: float) -> str:
    return f"{value:g}"


def _signed(value: float) -> str:
    return f"{value:+g}"


def _span(target: Target) -> str:
    """``30..55`` where missing facts could move the score, else ``-``."""
    low, high = target.range
    return f"{_num(low)}..{_num(high)}" if target.uncertain else "-"


def weights_line(ranking: Ranking) -> str:
    """``weights (default): signatory 30, …`` for the text outputs."""
    pairs = ", ".join(f"{c.name} {_num(ranking.weights[c.name])}" for c in CRITERIA)
    return f"weights ({ranking.weights.origin}): {pairs}"


def as_table(ranking: Ranking, top: int | None) -> str:
    """An aligned text table: rank, State, status, score, the criteria that gave points."""
    rows = [("rank", "iso3", "name", "status", "score", "range", "points", "missing")]
    for t in ranking.top(top):
        points = " ".join(f"{s.criterion}{_signed(s.points)}" for s in t.criteria if s.points)
        rows.append((t.shown_rank, t.state.iso3, t.state.un_name, t.state.status,
                     _num(t.score), _span(t), points or "-", ",".join(t.missing) or "-"))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
    lines = ["  ".join([*(c.ljust(w) for c, w in zip(r[:-1], widths, strict=True)),
                        r[-1]]).rstrip() for r in rows]
    lines += [f"{len(rows) - 1} of {len(ranking.targets)} States; {weights_line(ranking)}",
              f"{TIE_RULE}; {MISSING_RULE}",
              f"Convention status as of {ranking.as_of}; sources and dates: --format json|csv"]
    return "\n".join(lines) + "\n"


def as_json(ranking: Ranking, top: int | None) -> str:
    return json.dumps(ranking.record(top), indent=2, ensure_ascii=False) + "\n"


def _long_rows(ranking: Ranking, top: int | None) -> list[dict[str, Any]]:
    rows = []
    for t in ranking.top(top):
        for s in t.criteria:
            rows.append({
                "rank": t.shown_rank, "iso3": t.state.iso3, "name": t.state.un_name,
                "status": t.state.status, "score": t.score, "range_low": t.range[0],
                "range_high": t.range[1], "criterion": s.criterion,
                "weight": s.weight, "points": s.points, "fact": s.fact, "value": s.value,
                "source": s.source or "", "url": s.url or "", "as_of": s.as_of or "",
                "missing": "yes" if s.missing else "no", "status_as_of": ranking.as_of})
    return rows


def as_csv(ranking: Ranking, top: int | None) -> str:
    """One row per State and criterion, with the fact, its source and date."""
    return csv_text(CSV_COLUMNS, ({k: (_num(v) if isinstance(v, float) else v)
                                   for k, v in row.items()} for row in _long_rows(ranking, top)))


def as_xlsx(ranking: Ranking, top: int | None, generated: date) -> bytes:
    """A workbook: the ranking (one row per State), the criteria with sources, the weights."""
    names = [c.name for c in CRITERIA]
    ranking_rows = []
    for t in ranking.top(top):
        points = {s.criterion: s.points for s in t.criteria}
        ranking_rows.append([t.shown_rank, t.state.iso3, t.state.un_name, t.state.status,
                             t.score, *t.range, *(points[n] for n in names),
                             ", ".join(t.missing)])
    weights: list[list[Any]] = [[c.name, ranking.weights[c.name], c.fact] for c in CRITERIA]
    weights += [[], [f"weights: {ranking.weights.origin}"], [TIE_RULE], [MISSING_RULE],
                [f"INTERNAL; Convention status as of {ranking.as_of}"]]
    return xlsx_bytes({
        "Ranking": (["rank", "iso3", "name", "status", "score", "range_low", "range_high",
                     *names, "missing"], ranking_rows),
        "Criteria": (list(CSV_COLUMNS), [[row[c] for c in CSV_COLUMNS]
                                         for row in _long_rows(ranking, top)]),
        "Weights": (["criterion", "weight", "fact"], weights),
    }, title="INTERNAL – targets", generated=generated)


def document_rows(targets: list[Target], lang: str) -> list[dict[str, Any]]:
    """Rows of the one-page document, in `lang`."""
    _ = gettext_for(lang)
    labels = {c.name: _(c.short) for c in CRITERIA}
    missing = _("fact missing")
    rows = []
    for t in targets:
        rows.append({
            "rank": t.shown_rank, "name": t.state.names[lang].short, "iso3": t.state.iso3,
            "status": _(STATUS_LABELS[t.state.status]), "score": _num(t.score),
            "range": (_("{low} to {high}").format(low=_num(t.range[0]), high=_num(t.range[1]))
                      if t.uncertain else ""),
            "points": [f"{labels[s.criterion]} {_signed(s.points)}"
                       + (f" ({missing})" if s.missing else "")
                       for s in t.criteria if s.points],
            "missing": [_(fact_label(f)) for f in t.missing]})
    return rows


class TargetsContext(BaseContext):
    """The context of internal/targets.html.j2, the top-N list (see ``BaseContext``)."""

    rows: list[dict[str, Any]]  # one per State (document_rows): rank, name, iso3, status,
    # score, range, points, missing
    count: int  # the States listed
    total: int  # the States ranked
    scope_name: str  # what the selection covers
    weights: list[tuple[str, str, str, str]]  # per criterion: label, short label, weight,
    # the fact it reads
    weights_origin: str  # where the weights come from
    tie_rule: str  # how ties are ordered
    ties: bool  # some listed States tie
    uncertain: bool  # some listed States' rank is uncertain (facts missing)


def document_context(registry: Registry, ranking: Ranking, top: int | None, lang: str,
                     generated: date, scope: str) -> TargetsContext:
    _ = gettext_for(lang)
    chosen = ranking.top(top)
    return {**base_context(registry, lang, generated),
            "rows": document_rows(chosen, lang), "count": len(chosen),
            "total": len(ranking.targets), "scope_name": scope,
            "weights": [(_(c.label), _(c.short), _num(ranking.weights[c.name]),
                         _(fact_label(c.fact))) for c in CRITERIA],
            "weights_origin": ranking.weights.origin, "tie_rule": _(TIE_RULE),
            "ties": any(t.tie for t in chosen), "uncertain": any(t.uncertain for t in chosen)}


def render_document(registry: Registry, ranking: Ranking, top: int | None, lang: str,
                    formats: tuple[str, ...], generated: date, scope: str,
                    template_dir: Path | None = None) -> dict[str, bytes]:
    """The top-N list as the one-page internal document: {format: bytes}."""
    _ = gettext_for(lang)
    context = document_context(registry, ranking, top, lang, generated, scope)
    return render_internal("targets", lang, context, formats, title=_(TITLE), scope=scope,
                           generated=generated, template_dir=template_dir)
