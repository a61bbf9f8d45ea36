"""/package and /workshop: forms that start a generation, its progress, previews and downloads."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, abort, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from ccmkit.documents.subject import Options
from ccmkit.errors import CcmkitError, StateNotFound
from ccmkit.vocab import DOC_KINDS, FORMATS
from ccmkit.web.errors import public_message
from ccmkit.web.forms import PackageForm, WorkshopForm
from ccmkit.web.i18n import _, current_lang
from ccmkit.web.jobs import Order
from ccmkit.web.services import services
from ccmkit.web.states import state_name

bp = Blueprint("generate", __name__)
DEFAULT_TITLE = "minister_for_foreign_affairs"


@bp.route("/package", methods=["GET", "POST"])
def package() -> Response | str | tuple[str, int]:
    form = PackageForm()
    if request.method == "GET":
        form.state.data = (request.args.get("state") or "")[:200]
    error = None
    if form.validate_on_submit():
        registry = services().registry
        try:
            state = registry.find(form.state.data or "")
        except StateNotFound as exc:
            form.state.errors = [str(exc)]
        else:
            if not state.outside:
                form.state.errors = [_("%(name)s is already a State Party: a package is for "
                                       "States outside the Convention.", name=state_name(state))]
            else:
                try:
                    job_id = services().jobs.start(current_user.user.id, registry,
                                                   package_order(form, state.iso3))
                except CcmkitError as exc:
                    error = public_message(exc)
                else:
                    return redirect(url_for("generate.job", kind="package", job_id=job_id))
    status = 400 if request.method == "POST" else 200
    return render_template("package.html", form=form, error=error), status


def package_order(form: PackageForm, iso3: str) -> Order:
    """The form's choices as an order for the batch code (no document logic here)."""
    options = Options(
        deposit_date=form.deposit_date.data,
        instrument=form.instrument.data or None,
        provisional_application=bool(form.provisional_application.data),
        barriers=tuple(form.barriers.data or ()) or None,
        legislation=form.legislation.data or None,
        drafting=form.drafting.data or None,
        addressee=(form.addressee.data or "").strip() or None,
        generated=date.today(),
    )
    signatory: dict[str, Any] = {}
    if form.signatory_title.data and form.signatory_title.data != DEFAULT_TITLE:
        signatory["title"] = form.signatory_title.data
    if form.title_text.data:
        signatory["title_text"] = form.title_text.data.strip()
    return Order(
        kind="package", codes=(iso3,), label=iso3,
        languages=tuple(form.languages.data or ()) or ("auto",),
        kinds=tuple(form.documents.data or ()) or DOC_KINDS,
        formats=tuple(form.formats.data or ()) or FORMATS,
        options=options, profile={"signatory": signatory} if signatory else {},
        brief=bool(form.brief.data), log_url=services().log.url,
    )


@bp.route("/workshop", methods=["GET", "POST"])
def workshop() -> Response | str | tuple[str, int]:
    registry = services().registry
    lang = current_lang()
    names = {k: g.names.get(lang, k) for k, g in registry.groupings.items()}
    form = WorkshopForm(grouping_names=names)
    error = None
    if form.validate_on_submit():
        what, _sep, key = (form.selection.data or "").partition(":")
        chosen = registry.select(("outside",), key if what == "region" else None, None,
                                 key if what == "group" else None)
        codes = tuple(s.iso3 for s in chosen if s.outside)
        if not codes:
            error = _("No State outside the Convention in this selection.")
        else:
            order = Order(
                kind="workshop", codes=codes, label=key, also=tuple(form.also.data or ()),
                kinds=tuple(form.documents.data or ()) or DOC_KINDS,
                formats=tuple(form.formats.data or ()) or FORMATS,
                options=Options(generated=date.today(), group=key if what == "group" else None),
                overview_lang=lang)
            try:
                job_id = services().jobs.start(current_user.user.id, registry, order)
            except CcmkitError as exc:
                error = public_message(exc)
            else:
                return redirect(url_for("generate.job", kind="workshop", job_id=job_id))
    status = 400 if request.method == "POST" else 200
    return render_template("workshop.html", form=form, error=error), status


def own_job(kind: str, job_id: str) -> dict[str, Any]:
    """The status of the signed-in user's job of this kind (404 for anyone else's)."""
    status = services().jobs.status(job_id)
    if status is None or status["kind"] != kind or status["owner"] != current_user.user.id:
        abort(404)
    return status


@bp.route("/<any(package, workshop):kind>/<job_id>")
def job(kind: str, job_id: str) -> str:
    status = own_job(kind, job_id)
    registry = services().registry
    state = registry.by_iso3(status["label"]) if kind == "package" else None
    brief = status.get("brief")
    return render_template("job.html", job=status, kind=kind, state=state,
                           documents={r["code"]: documents_of(r["files"])
                                      for r in status["results"]},
                           brief=brief and {**brief, "documents": briefs_of(brief["files"])})


def documents_of(files: list[str]) -> list[dict[str, Any]]:
    """``ISO3/lang/kind.fmt`` paths grouped per document: kind, lang and {format: path}."""
    grouped: dict[tuple[str, str], dict[str, str]] = {}
    for path in files:
        stem, _dot, fmt = path.rpartition(".")
        _code, lang, kind = stem.split("/", 2)
        grouped.setdefault((kind, lang), {})[fmt] = path
    return [{"kind": k, "lang": lang, "files": f} for (k, lang), f in grouped.items()]


def briefs_of(files: list[str]) -> list[dict[str, Any]]:
    """``internal/ISO3-brief-lang.fmt`` paths grouped per language: lang and {format: path}."""
    grouped: dict[str, dict[str, str]] = {}
    for path in files:
        stem, _dot, fmt = path.rpartition(".")
        grouped.setdefault(stem.rpartition("-")[2], {})[fmt] = path
    return [{"lang": lang, "files": f} for lang, f in grouped.items()]


@bp.route("/<any(package, workshop):kind>/<job_id>/files/<path:relpath>")
def download(kind: str, job_id: str, relpath: str) -> Response:
    return send_job_file(kind, job_id, relpath)


def send_job_file(kind: str, job_id: str, relpath: str) -> Response:
    """One listed file of the user's job; ``?inline=1`` shows a PDF in the page."""
    own_job(kind, job_id)
    path = services().jobs.file(job_id, relpath)
    if path is None:
        abort(404)
    inline = request.args.get("inline") == "1" and path.suffix == ".pdf"
    response = send_file(path, as_attachment=not inline,
                         download_name=relpath.replace("/", "-"), max_age=0)
    if inline:  # the browser's own PDF viewer shows it inside the page
        response.headers["Content-Security-Policy"] = "frame-ancestors 'self'"
    return response
