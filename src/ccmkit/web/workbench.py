"""/targets and /barrier-map: the internal workbench (ccmkit.workbench) in the browser.

Everyone signed in reads the ranking (each score decomposed into its criteria, with the facts,
their sources and dates) and the barrier map, and downloads the ranking as CSV/XLSX; editors
also prepare the one-page documents (DOCX/PDF, in a chosen language), rendered in the worker
processes like the packages.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from ccmkit import labels
from ccmkit.errors import CcmkitError
from ccmkit.i18n import N_
from ccmkit.labels import fact_label
from ccmkit.vocab import FORMATS, GROUPINGS
from ccmkit.web.errors import public_message
from ccmkit.web.forms import BarrierMapForm, TargetsDocumentForm, TargetsFilter
from ccmkit.web.generate import own_job, send_job_file
from ccmkit.web.i18n import _, current_lang
from ccmkit.web.jobs import InternalOrder
from ccmkit.web.services import services
from ccmkit.workbench import barrier_map as mapping
from ccmkit.workbench import export
from ccmkit.workbench.render import scope_name
from ccmkit.workbench.targets import CRITERIA, TIE_RULE, Ranking, rank

bp = Blueprint("workbench", __name__)
EXPORTS = {"csv": "text/csv; charset=utf-8",
           "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
DOCUMENTS = {"targets": N_("Engagement list"), "barrier-map": N_("Barrier map"),
             "messaging": N_("Messaging lines and framing note")}
FILTERS = ("top", "status", "group", "region")
DEFAULT_SELECTION: dict[str, Any] = {"top": 15, "status": "outside", "group": None,
                                     "region": None}
INTERNAL_FILE = re.compile(r"^internal/(targets|barrier-map|messaging)(?:-[A-Za-z]+)*"
                           r"-([a-z]{2})\.(docx|pdf)$")


def _grouping_names() -> dict[str, str]:
    lang = current_lang()
    return {k: g.names.get(lang, k) for k, g in services().registry.groupings.items()}


def _selection(form: TargetsFilter) -> dict[str, Any]:
    """The filter values of a validated form (empty choices as None)."""
    return {"top": form.top.data, "status": form.status.data or "outside",
            "group": form.group.data or None, "region": form.region.data or None}


def _ranking(selection: dict[str, Any]) -> Ranking:
    registry = services().registry
    chosen = registry.select((selection["status"],), selection["region"], None,
                             selection["group"])
    return rank(registry, chosen)


def _filter_form() -> tuple[TargetsFilter, bool]:
    """The filters from the address (defaults when none given) and whether they are valid."""
    given = MultiDict(request.args) if request.args else None
    form = TargetsFilter(formdata=given, meta={"csrf": False},
                         grouping_names=_grouping_names())
    return form, given is None or form.validate()


@bp.route("/targets", methods=["GET", "POST"])
def targets() -> Response | str | tuple[str, int]:
    names = _grouping_names()
    error = None
    if request.method == "POST":  # an editor asks for the one-page list as a document
        form = TargetsDocumentForm(grouping_names=names)
        if form.validate_on_submit():
            chosen = _selection(form)
            order = InternalOrder(
                kind="targets", lang=form.lang.data or "en",
                formats=tuple(form.formats.data or ()) or FORMATS, generated=date.today(),
                statuses=(chosen["status"],), group=chosen["group"], region=chosen["region"],
                top=chosen["top"])
            try:
                return redirect(url_for("workbench.job", kind="targets",
                                        job_id=_start(order)))
            except CcmkitError as exc:
                error = public_message(exc)
        filters: TargetsFilter = form
        valid = not any(form[name].errors for name in FILTERS)
    else:
        filters, valid = _filter_form()
        form = TargetsDocumentForm(formdata=None, grouping_names=names)
        form.lang.data = current_lang()
        for name in FILTERS if valid else ():
            form[name].data = filters[name].data
    selection = _selection(filters) if valid else dict(DEFAULT_SELECTION)
    ranking = _ranking(selection)
    page = render_template(
        "targets.html", filters=filters, form=form, error=error, ranking=ranking,
        shown=ranking.top(selection["top"]), selection=selection,
        scope=scope_name(services().registry, current_lang(), selection["group"],
                         selection["region"], None, (selection["status"],)),
        criteria=CRITERIA, tie_rule=TIE_RULE, criterion_fact=fact_label,
        export_args={k: v for k, v in selection.items() if v is not None})
    return (page, 400) if request.method == "POST" or not valid else page


@bp.route("/targets/export.<any(csv, xlsx):fmt>")
def targets_export(fmt: str) -> Response | tuple[str, int]:
    filters, valid = _filter_form()
    if not valid:
        return render_template("error.html", code=400, message="; ".join(
            f"{_(getattr(filters, k).label.text)}: {' '.join(v)}"
            for k, v in filters.errors.items())), 400
    selection = _selection(filters)
    ranking = _ranking(selection)
    body: str | bytes = (export.as_csv(ranking, selection["top"]) if fmt == "csv"
                         else export.as_xlsx(ranking, selection["top"], date.today()))
    stem = "internal-targets" + "".join(f"-{selection[k]}" for k in ("group", "region")
                                        if selection[k])
    return Response(body, content_type=EXPORTS[fmt], headers={
        "Content-Disposition": f"attachment; filename={stem}.{fmt}"})


@bp.route("/barrier-map", methods=["GET", "POST"])
def barrier_map() -> Response | str | tuple[str, int]:
    registry = services().registry
    names = _grouping_names()
    lang = current_lang()
    form = BarrierMapForm(grouping_names=names)
    error = None
    if request.method == "GET":
        form.group.data = request.args.get("group") or ""
        form.lang.data = lang
        if form.group.data and form.group.data not in GROUPINGS:
            abort(400)
    elif form.validate_on_submit():
        order = InternalOrder(
            kind="barrier-map", lang=form.lang.data or "en",
            formats=tuple(form.formats.data or ()) or FORMATS, generated=date.today(),
            group=form.group.data or None, messaging=bool(form.messaging.data))
        try:
            job_id = _start(order)
        except CcmkitError as exc:
            error = public_message(exc)
        else:
            return redirect(url_for("workbench.job", kind="barrier-map", job_id=job_id))
    group = form.group.data if form.group.data in names else None
    chosen = [s for s in registry.select(("outside",), group=group) if s.outside]
    page = render_template(
        "barrier_map.html", form=form, error=error, group=group, count=len(chosen),
        rows=mapping.rows(registry, chosen, lang), grouping_names=names,
        scope=scope_name(registry, lang, group), as_of=registry.status.as_of)
    return (page, 400) if request.method == "POST" else page


def _start(order: InternalOrder) -> str:
    return services().jobs.start_internal(current_user.user.id, order)


@bp.route("/<any(targets, 'barrier-map'):kind>/<job_id>")
def job(kind: str, job_id: str) -> str:
    status = own_job(kind, job_id)
    documents: dict[tuple[str, str], dict[str, str]] = {}
    for result in status["results"]:
        for path in result["files"]:
            found = INTERNAL_FILE.match(path)
            if found:
                name, lang, fmt = found.groups()
                documents.setdefault((name, lang), {})[fmt] = path
    chosen = status.get("selection", {})
    scope = scope_name(services().registry, current_lang(), chosen.get("group"),
                       chosen.get("region"), None, chosen.get("statuses", ()))
    return render_template("internal_job.html", job=status, kind=kind, title=DOCUMENTS[kind],
                           scope=scope,
                           documents=[{"kind": k, "label": DOCUMENTS[k], "lang": lang,
                                       "files": files}
                                      for (k, lang), files in documents.items()])


@bp.route("/<any(targets, 'barrier-map'):kind>/<job_id>/files/<path:relpath>")
def download(kind: str, job_id: str, relpath: str) -> Response:
    return send_job_file(kind, job_id, relpath)


@bp.app_template_filter("num")
def _num(value: float) -> str:
    """A weight or a score as written in the documents (30, -10, 2.5)."""
    return f"{value:g}"


@bp.app_template_filter("signed")
def _signed(value: float) -> str:
    return f"{value:+g}" if value else "0"


@bp.app_template_filter("fact_value")
def _fact_value(value: str) -> str:
    """A fact's value with its leading token (``yes``, ``signatory``…) in the interface
    language; the qualifier and free text stay as the source gives them."""
    token, sep, rest = value.partition(" (")
    label = labels.VALUE.get(token) or labels.STATUS.get(token)
    return _(label) + sep + rest if label else value


@bp.app_template_filter("first_upper")
def _first_upper(text: str) -> str:
    """The first letter in capitals, the rest as written (``UNGA`` stays)."""
    return text[:1].upper() + text[1:]


@bp.route("/facts")
def facts_page() -> str:
    """The review worksheet: download it, fill it, upload it back (editors)."""
    return render_template("facts.html")


@bp.route("/facts/review.<any(csv, xlsx):fmt>")
def facts_review(fmt: str) -> Response:
    """The worksheet of facts to re-check (``ccmkit facts review``), every State outside or
    one (``?state=``), the stale ones only with ``?stale=1``."""
    from ccmkit.data.review import review_rows, worksheet
    from ccmkit.data.states import today

    registry = services().registry
    query = (request.args.get("state") or "").strip()[:200]
    try:
        chosen = [registry.find(query)] if query else registry.select(("outside",))
    except CcmkitError as exc:
        return Response(str(exc), status=400, content_type="text/plain; charset=utf-8")
    rows = review_rows(registry, chosen, today(), request.args.get("stale") == "1")
    return Response(worksheet(rows, fmt), content_type=EXPORTS[fmt], headers={
        "Content-Disposition": f"attachment; filename=internal-facts-review.{fmt}"})


@bp.route("/facts/import", methods=["POST"])
def facts_import() -> str | tuple[str, int]:
    """A filled worksheet read back into the server's data folder: all rows or none."""
    import tempfile
    from pathlib import Path

    from ccmkit.data.facts import import_facts
    from ccmkit.resources import default_user_data_dir

    upload = request.files.get("sheet")
    suffix = Path(upload.filename or "").suffix.lower() if upload else ""
    if upload is None or suffix not in (".xlsx", ".csv"):
        return render_template("facts.html", error=_(
            "Choose the filled worksheet (.xlsx or .csv) to upload.")), 400
    registry = services().registry
    folder = registry.data_dir or default_user_data_dir()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"worksheet{suffix}"
        upload.save(path)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            added = import_facts(path, folder, [s.iso3 for s in registry.states],
                                 registry.factbook.sources)
        except CcmkitError as exc:
            message = str(exc).replace(str(path), upload.filename or "worksheet")
            return render_template("facts.html", error=message), 400
    services().reload_registry()
    return render_template("facts.html", added=added)
