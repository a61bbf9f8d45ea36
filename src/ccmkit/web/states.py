"""/states: find a State by any name, list them by status, region or grouping; one State's facts."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from ccmkit import labels
from ccmkit.data import lookup
from ccmkit.data.states import State
from ccmkit.errors import CcmkitError, StateNotFound
from ccmkit.labels import TOKEN as TOKEN_LABELS
from ccmkit.log.settings import FIELDS, Settings
from ccmkit.report import state_record
from ccmkit.vocab import GROUPINGS, STATUS_SELECTORS
from ccmkit.web import followup
from ccmkit.web.i18n import _, current_lang
from ccmkit.web.names import state_label, state_name
from ccmkit.web.services import services

bp = Blueprint("states", __name__)
ISO3 = re.compile(r"^[A-Za-z]{3}$")


bp.app_template_filter("state_name")(state_name)
bp.app_template_filter("state_label")(state_label)


@bp.app_template_global("fact_value")
def fact_value(name: str, fact: dict) -> str:
    """A fact's value (or values) in the interface language."""
    from ccmkit.labels import TOKEN as TOKEN_LABELS

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
    return {"labels": labels, "fact_label": labels.fact_label, "token_labels": TOKEN_LABELS}


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


def find_or_404(iso3: str) -> State:
    """The State of an ISO3 address (404 for anything else)."""
    if not ISO3.match(iso3):
        abort(404)
    try:
        return services().registry.by_iso3(iso3.upper())
    except StateNotFound:
        abort(404)


@bp.route("/states/<iso3>", methods=["GET", "POST"])
def show(iso3: str) -> Response | str | tuple[str, int]:
    if ISO3.match(iso3) and iso3 != iso3.upper():
        return redirect(url_for("states.show", iso3=iso3.upper()))
    state = find_or_404(iso3)
    from ccmkit.documents.kinds import kinds_for
    from ccmkit.web.forms import TITLE_HINT, SettingsForm

    store = Settings(services().log_as(current_user.name))
    saved = store.get(state.iso3)
    form = SettingsForm(data=settings_defaults(saved.profile) if request.method == "GET"
                        else None)
    form.for_state(state.status)
    error = None
    if form.validate_on_submit():
        try:
            store.save(state.iso3, settings_profile(form, saved.profile))
        except CcmkitError as exc:
            error = str(exc)
        else:
            return redirect(url_for("states.show", iso3=state.iso3, saved=1) + "#settings")
    registry = services().registry
    record = state_record(state, registry, date.today())
    status = 400 if request.method == "POST" else 200
    return render_template("state.html", state=state, record=record,
                           package_kinds=kinds_for(state.status),
                           grouping_names={k: g.names for k, g in registry.groupings.items()},
                           history=followup.history_of(state.iso3), form=form, error=error,
                           settings=saved, fields=FIELDS, title_hint=TITLE_HINT,
                           settings_history=store.history(state.iso3),
                           saved_now=request.args.get("saved")), status


def settings_defaults(saved: dict[str, Any]) -> dict[str, Any]:
    """The settings form's values from the saved settings."""
    from ccmkit.web.forms import form_defaults

    overrides = saved.get("overrides") or {}
    notes = saved.get("notes") or []
    return {**form_defaults(saved),
            "concerns": list((overrides.get("concerns") or {}).get("value") or ()),
            "concerns_reason": (overrides.get("concerns") or {}).get("reason", ""),
            "engagement": list((overrides.get("engagement") or {}).get("value") or ()),
            "engagement_reason": (overrides.get("engagement") or {}).get("reason", ""),
            "notes": "\n\n".join(notes)}


def settings_profile(form: Any, before: dict[str, Any]) -> dict[str, Any]:
    """The settings form as a profile mapping (an override keeps who made it and when)."""
    from ccmkit.web.forms import signing_profile

    profile: dict[str, Any] = {
        **signing_profile(form),
        **{field.opt.setting: setting_value(form.option_values()[field.name])
           for field in form.option_specs()},
        "languages": list(form.languages.data or ()) or None,
        "notes": [n.strip() for n in (form.notes.data or "").split("\n\n") if n.strip()],
    }
    overrides = {}
    old = before.get("overrides") or {}
    for fact in ("concerns", "engagement"):
        values = list(getattr(form, fact).data or ())
        reason = (getattr(form, f"{fact}_reason").data or "").strip()
        if not values:
            continue
        kept = old.get(fact) or {}
        same = kept.get("value") == values and kept.get("reason") == reason
        overrides[fact] = kept if same else {"value": values, "by": current_user.name,
                                             "reason": reason,
                                             "as_of": date.today().isoformat()}
    profile["overrides"] = overrides
    return profile


def setting_value(value: Any) -> Any:
    """An option's value as a State setting (a date in ISO form; a list; False is unset)."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return list(value)
    return value or None


@bp.route("/states/<iso3>/brief", methods=["GET", "POST"])
def brief(iso3: str) -> Response | str | tuple[str, int]:
    """The internal brief on one State, alone, in a chosen language and format (made here,
    in a few seconds, from the State's settings; no package is generated)."""
    import io

    from flask import send_file

    from ccmkit.api import PackageRequest, prepare
    from ccmkit.documents.kinds import eligible_statuses
    from ccmkit.documents.options import Options
    from ccmkit.web.forms import BriefForm
    from ccmkit.workbench.brief import brief_files

    state = find_or_404(iso3)
    form = BriefForm(data={"lang": current_lang() if request.method == "GET" else None})
    error = None
    eligible = state.status in eligible_statuses("brief")
    if eligible and form.validate_on_submit():
        registry = services().registry
        try:
            subject = prepare(registry, PackageRequest(
                state.iso3, None, Options(), ("brief",),
                settings=Settings(services().log).profile))
            files = brief_files(subject, Path(), [form.lang.data], [form.fmt.data],
                                services().log.url, package_languages=subject.state.languages)
        except CcmkitError as exc:
            error = str(exc)
        else:
            (data,) = files.values()

            return send_file(io.BytesIO(data), as_attachment=True, max_age=0,
                             download_name=f"internal-{state.iso3}-brief-{form.lang.data}"
                                           f".{form.fmt.data}")
    status = 400 if request.method == "POST" else 200
    return render_template("brief.html", state=state, form=form, error=error,
                           eligible=eligible), status
