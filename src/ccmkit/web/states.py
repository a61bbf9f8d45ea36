"""/states: find a State by any name, list them by status, region or grouping; one State's facts."""

from __future__ import annotations

import re
from datetime import date

from flask import Blueprint, abort, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from ccmkit.data import lookup
from ccmkit.errors import StateNotFound
from ccmkit.report import state_record
from ccmkit.vocab import GROUPINGS, STATUS_SELECTORS
from ccmkit.web import followup, labels
from ccmkit.web.i18n import _, current_lang
from ccmkit.web.services import services

bp = Blueprint("states", __name__)
ISO3 = re.compile(r"^[A-Za-z]{3}$")


def state_name(state: object) -> str:
    """A State's short name in the interface language (its UN name if none)."""
    names = getattr(state, "names", {})
    lang = current_lang()
    return names[lang].short if lang in names else getattr(state, "un_name", "")


@bp.app_template_filter("state_name")
def _state_name_filter(state: object) -> str:
    return state_name(state)


@bp.app_template_filter("state_label")
def state_label(iso3: str) -> str:
    """A State's short name in the interface language, from its ISO3 code."""
    try:
        return state_name(services().registry.by_iso3(iso3))
    except StateNotFound:
        return iso3


@bp.app_template_global("fact_value")
def fact_value(name: str, fact: dict) -> str:
    """A fact's value (or values) in the interface language."""
    from ccmkit.workbench.labels import TOKEN_LABELS

    values = fact["value"] if isinstance(fact["value"], list) else [fact["value"]]
    return ", ".join(_(labels.VALUE.get(v) or TOKEN_LABELS.get(v) or v) for v in values)


@bp.app_template_global("qualifier")
def qualifier(name: str, text: str) -> tuple[str, bool]:
    """A fact's qualifier in the interface language, and whether it was translated."""
    parts = labels.qualifier_parts(name, text)
    if parts is None:
        return text, False
    return " / ".join(_(p) for p in parts), True


@bp.app_template_filter("http_url")
def _http_url(url: str | None) -> str | None:
    """A source's address only if it is a web address (never javascript: or file:)."""
    return url if url and url.startswith(("https://", "http://")) else None


@bp.app_context_processor
def _labels() -> dict:
    return {"labels": labels, "fact_label": labels.fact_label}


@bp.route("/states")
def index() -> Response | str:
    registry = services().registry
    query = (request.args.get("q") or "").strip()[:200]
    suggestions = []
    not_found = False
    if query:
        try:
            found = registry.find(query)
        except StateNotFound:
            not_found = True
            codes = lookup.suggest(query, registry.index)
            suggestions = [registry.by_iso3(code) for code in codes]
        else:
            return redirect(url_for("states.show", iso3=found.iso3))
    status = request.args.get("status") or "outside"
    region = request.args.get("region") or None
    group = request.args.get("group") or None
    if status not in STATUS_SELECTORS or (region and region not in labels.REGION) \
            or (group and group not in GROUPINGS):
        abort(400)
    chosen = sorted(registry.select((status,), region, None, group), key=state_name)
    return render_template(
        "states.html", query=query, not_found=not_found, suggestions=suggestions,
        states=chosen, status=status, region=region, group=group,
        statuses=STATUS_SELECTORS, regions=tuple(labels.REGION), groupings=GROUPINGS,
        grouping_names={k: g.names for k, g in registry.groupings.items()},
        as_of=registry.status.as_of,
    )


@bp.route("/states/<iso3>")
def show(iso3: str) -> Response | str:
    if not ISO3.match(iso3):
        abort(404)
    if iso3 != iso3.upper():
        return redirect(url_for("states.show", iso3=iso3.upper()))
    registry = services().registry
    try:
        state = registry.by_iso3(iso3)
    except StateNotFound:
        abort(404)
    record = state_record(state, registry, date.today())
    return render_template("state.html", state=state, record=record,
                           grouping_names={k: g.names for k, g in registry.groupings.items()},
                           history=followup.history_of(state.iso3))
