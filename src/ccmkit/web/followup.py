"""/log and /log/report: the outreach follow-up log (ccmkit.log) in the browser."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from ccmkit.errors import CcmkitError
from ccmkit.log.formats import report_data, rows, to_csv, to_xlsx
from ccmkit.log.store import Fields, Record
from ccmkit.vocab import STAGES
from ccmkit.web.errors import public_message
from ccmkit.web.forms import LogForm
from ccmkit.web.i18n import current_lang
from ccmkit.web.services import services
from ccmkit.workbench.targets import top_iso3

bp = Blueprint("log", __name__)
EXPORTS = {"csv": "text/csv; charset=utf-8",
           "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def _fields(form: LogForm) -> dict[str, Any]:
    return {"state": (form.state.data or "").strip(), "date": form.date.data,
            "stage": form.stage.data, "channel": form.channel.data or None,
            "lead": form.lead.data, "with_whom": form.with_whom.data, "note": form.note.data,
            "next_step": form.next_step.data, "due": form.due.data}


def _filters() -> tuple[str | None, str | None]:
    state = (request.args.get("state") or "").strip()[:200] or None
    stage = request.args.get("stage") or None
    if stage is not None and stage not in STAGES:
        abort(400)
    return state, stage


@bp.route("/log", methods=["GET", "POST"])
def index() -> Response | str | tuple[str, int]:
    form = LogForm()
    if request.method == "GET":
        form.date.data = date.today()
        form.state.data = (request.args.get("add") or "")[:200]
    error = None
    if form.validate_on_submit():
        try:
            services().log_as(current_user.name).add(Fields(**_fields(form)))
        except CcmkitError as exc:
            error = public_message(exc)
        else:
            return redirect(url_for("log.index"))
    state, stage = _filters()
    try:
        records = services().log.records(state=state, stage=stage)
    except CcmkitError as exc:
        records, error = [], error or public_message(exc)
    page = render_template("log.html", form=form, records=records, error=error,
                           state=state or "", stage=stage or "", stages=STAGES)
    return (page, 400) if request.method == "POST" else page


@bp.route("/log/<int:record_id>", methods=["GET", "POST"])
def edit(record_id: int) -> Response | str | tuple[str, int]:
    log = services().log
    try:
        record = log.get(record_id)
    except CcmkitError:
        abort(404)
    form = LogForm(obj=_as_form(record)) if request.method == "GET" else LogForm()
    error = None
    if form.validate_on_submit():
        try:
            services().log_as(current_user.name).edit(record_id, **_fields(form))
        except CcmkitError as exc:
            error = public_message(exc)
        else:
            return redirect(url_for("log.index"))
    page = render_template("log_edit.html", form=form, record=record, error=error,
                           history=log.history(record_id))
    return (page, 400) if request.method == "POST" else page


@bp.route("/log/<int:record_id>/remove", methods=["POST"])
def remove(record_id: int) -> Response:
    try:
        services().log_as(current_user.name).remove(record_id)
    except CcmkitError:
        abort(404)
    return redirect(url_for("log.index"))


class _Obj:
    def __init__(self, **values: Any) -> None:
        self.__dict__.update(values)


def _as_form(record: Record) -> _Obj:
    return _Obj(state=record.state, date=record.date, stage=record.stage,
                channel=record.channel or "", lead=record.lead, with_whom=record.with_whom,
                note=record.note, next_step=record.next_step, due=record.due)


@bp.route("/log/report")
def report() -> str:
    lang = current_lang()
    data = report_data(services().log.report(top15=top_iso3(services().registry)), lang)
    return render_template("log_report.html", report=data, stages=STAGES)


@bp.route("/log/export.<any(csv, xlsx):fmt>")
def export(fmt: str) -> Response:
    data = rows(services().log.records())
    body: str | bytes = to_csv(data) if fmt == "csv" else to_xlsx(data)
    return Response(body, mimetype=EXPORTS[fmt], headers={
        "Content-Disposition": f"attachment; filename=follow-up-log.{fmt}"})


def history_of(iso3: str) -> list[Record]:
    """A State's outreach history, for its page."""
    return services().log.records(state=iso3)
