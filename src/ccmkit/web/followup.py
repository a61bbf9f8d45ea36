"""/log and /log/report: the outreach follow-up log (ccmkit.log) in the browser; remove (after
a confirmation) and restore; the report as DOCX/PDF/XLSX; the next steps as a calendar feed."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from ccmkit import labels
from ccmkit.errors import CcmkitError, StateNotFound
from ccmkit.log import calendar
from ccmkit.log.formats import report_data, report_xlsx, rows, to_csv, to_xlsx
from ccmkit.log.store import Fields, Record
from ccmkit.vocab import STAGES
from ccmkit.web.errors import public_message
from ccmkit.web.extensions import limiter
from ccmkit.web.forms import LogForm
from ccmkit.web.i18n import _, current_lang
from ccmkit.web.names import state_label
from ccmkit.web.services import services
from ccmkit.workbench.log_report import report_document
from ccmkit.workbench.targets import top_iso3

bp = Blueprint("log", __name__)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORTS = {"csv": "text/csv; charset=utf-8", "xlsx": XLSX}
REPORTS = {"pdf": "application/pdf", "xlsx": XLSX,
           "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
ICS = "text/calendar; charset=utf-8"


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
            added = services().log_as(current_user.name).add(Fields(**_fields(form)))
        except StateNotFound as exc:
            form.state.errors = [str(exc)]
        except CcmkitError as exc:
            error = public_message(exc)
        else:
            flash(_("Record %(id)s added: %(state)s, %(stage)s.", id=added.id,
                    state=state_label(added.state),
                    stage=_(labels.STAGE[added.stage])))
            return redirect(url_for("log.index"))
    state, stage = _filters()
    log = services().log
    try:
        records = log.records(state=state, stage=stage, newest_first=True)
        overdue = {o.record_id: o.days for o in log.report().overdue}
    except CcmkitError as exc:
        records, overdue, error = [], {}, error or public_message(exc)
    page = render_template("log.html", form=form, records=records, error=error,
                           state=state or "", stage=stage or "", stages=STAGES,
                           overdue=overdue)
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
            flash(_("Record %(id)s saved.", id=record_id))
            return redirect(url_for("log.index"))
    page = render_template("log_edit.html", form=form, record=record, error=error,
                           history=log.history(record_id))
    return (page, 400) if request.method == "POST" else page


@bp.route("/log/<int:record_id>/remove", methods=["GET", "POST"])
def remove(record_id: int) -> Response | str:
    """GET: what will be removed, and a confirmation; POST: remove it (restorable)."""
    try:
        record = services().log.get(record_id)
    except CcmkitError:
        abort(404)
    if request.method == "GET" or record.removed_at is not None:
        if record.removed_at is not None:
            return redirect(url_for("log.edit", record_id=record_id))
        return render_template("log_remove.html", record=record)
    services().log_as(current_user.name).remove(record_id)
    flash(_("Record %(id)s removed. It stays in the history and can be restored below.",
            id=record_id))
    return redirect(url_for("log.edit", record_id=record_id))


@bp.route("/log/<int:record_id>/restore", methods=["POST"])
def restore(record_id: int) -> Response:
    try:
        record = services().log.get(record_id)
    except CcmkitError:
        abort(404)
    if record.removed_at is not None:
        services().log_as(current_user.name).restore(record_id)
        flash(_("Record %(id)s restored.", id=record_id))
    return redirect(url_for("log.edit", record_id=record_id))


class _Obj:
    def __init__(self, **values: Any) -> None:
        self.__dict__.update(values)


def _as_form(record: Record) -> _Obj:
    return _Obj(state=record.state, date=record.date, stage=record.stage,
                channel=record.channel or "", lead=record.lead, with_whom=record.with_whom,
                note=record.note, next_step=record.next_step, due=record.due)


def _report() -> Any:
    return services().log.report(top15=top_iso3(services().registry))


@bp.route("/log/report")
def report() -> str:
    data = report_data(_report(), current_lang())
    return render_template("log_report.html", report=data, stages=STAGES)


@bp.route("/log/report.<any(docx, pdf, xlsx):fmt>")
def report_file(fmt: str) -> Response:
    """The report as the internal document (DOCX, PDF) or its tables (XLSX), in the
    interface language."""
    lang = current_lang()
    result = _report()
    body = report_xlsx(result, lang) if fmt == "xlsx" else report_document(
        result, lang, (fmt,))[fmt]
    name = f"internal-follow-up-report-{result.today.isoformat()}-{lang}.{fmt}"
    return Response(body, mimetype=REPORTS[fmt],
                    headers={"Content-Disposition": f"attachment; filename={name}"})


@bp.route("/log/calendar", methods=["GET", "POST"])
def calendar_link() -> str:
    """The user's secret calendar link: make one (replacing any earlier one) or revoke it."""
    engine = services().engine
    token = None
    if request.method == "POST":
        if request.form.get("action") == "revoke":
            calendar.revoke_token(engine, current_user.name)
            flash(_("Your calendar link was revoked: it no longer works."))
        else:
            token = calendar.issue_token(engine, current_user.name)
    url = (url_for("log.calendar_feed", token=token, lang=current_lang(), _external=True)
           if token else None)
    return render_template("log_calendar.html", url=url,
                           created=calendar.token_created(engine, current_user.name))


@bp.route("/log/calendar.ics")
def calendar_file() -> Response:
    """The next steps as an .ics file to download (signed-in users)."""
    data = calendar.calendar_bytes(services().log.latest().values(), current_lang())
    return Response(data, mimetype=ICS, headers={
        "Content-Disposition": "attachment; filename=follow-up-next-steps.ics"})


@bp.route("/calendar/<token>.ics")
@limiter.limit("60 per minute")
def calendar_feed(token: str) -> Response:
    """The feed a calendar program subscribes to: the secret token is the only key."""
    user = calendar.user_for_token(services().engine, token)
    if user is None:
        abort(404)
    data = calendar.calendar_bytes(services().log.latest().values(),
                                   request.args.get("lang", "en")
                                   if request.args.get("lang") in ("en", "fr", "es") else "en")
    return Response(data, mimetype=ICS)


@bp.route("/log/export.<any(csv, xlsx):fmt>")
def export(fmt: str) -> Response:
    data = rows(services().log.records())
    body: str | bytes = to_csv(data) if fmt == "csv" else to_xlsx(data)
    return Response(body, content_type=EXPORTS[fmt], headers={
        "Content-Disposition": f"attachment; filename=follow-up-log.{fmt}"})


def history_of(iso3: str) -> list[Record]:
    """A State's outreach history, for its page."""
    return services().log.records(state=iso3)
