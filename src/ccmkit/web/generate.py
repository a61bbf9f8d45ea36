"""/package and /workshop: forms that start a generation, its progress, previews and downloads.

A package is for one State: the form shows only the options that apply to it, is filled from
the State's settings (ccmkit.log.settings), and can show what will be produced and why before
generating. The form's choices and the settings reach the workers as a profile mapping held in
memory; nothing is written to disk as a profile.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from flask import Blueprint, abort, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from ccmkit.api import PackageRequest, prepare
from ccmkit.data import lookup
from ccmkit.data.states import State
from ccmkit.documents.kinds import DOCUMENTS, kinds_for
from ccmkit.documents.options import Options, make_options, option_fields
from ccmkit.documents.subject import Subject
from ccmkit.errors import CcmkitError, NotEligible, StateNotFound
from ccmkit.labels import CONCERN as CONCERN_LABELS
from ccmkit.languages import get_locale
from ccmkit.log.settings import Settings
from ccmkit.log.store import Fields, read_package
from ccmkit.package import resolve_languages
from ccmkit.vocab import DOC_KINDS, FORMATS, GROUPINGS
from ccmkit.web.errors import public_message
from ccmkit.web.forms import (
    TITLE_HINT,
    PackageForm,
    SentForm,
    WorkshopForm,
    form_defaults,
    signing_profile,
)
from ccmkit.web.i18n import _, current_lang
from ccmkit.web.jobs import Order
from ccmkit.web.names import state_name
from ccmkit.web.services import services

bp = Blueprint("generate", __name__)
PREVIEW_DIR = "preview"  # in the job's folder: the documents' HTML, shown before the PDFs
PREVIEW_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; " \
              "frame-ancestors 'self'"
RUN_KEYS = ("signatory", "languages",  # the package form decides these
            *(f.opt.setting for f in option_fields("settings")))


def settings() -> Settings:
    """The per-State settings, changes recorded under the signed-in user's name."""
    return Settings(services().log_as(current_user.name))


@bp.route("/package", methods=["GET", "POST"])
def package() -> Response | str | tuple[str, int]:
    registry = services().registry
    query = (request.values.get("state") or "").strip()[:200]
    if not query:
        return render_template("package.html", state=None, form=None, problem=None)
    try:
        state = registry.find(query)
    except StateNotFound as exc:
        picks = [registry.by_iso3(c) for c in lookup.suggest(query, registry.index)]
        return render_template("package.html", state=None, form=None, problem=str(exc),
                               suggestions=picks, query=query), 400
    open_kinds = kinds_for(state.status)
    if not open_kinds:
        problem = _("%(name)s is already a State Party: a package is for States outside the "
                    "Convention.", name=state_name(state))
        return render_template("package.html", state=None, form=None, problem=problem,
                               query=query), 400
    saved = Settings(services().log).get(state.iso3).profile
    form = PackageForm(data=form_defaults(saved) if request.method == "GET" else None)
    form.state.data = state.iso3
    form.for_state(state.status, open_kinds)
    error, summary = None, None
    if form.validate_on_submit():
        kinds = tuple(form.documents.data or ())
        profile = run_profile(form, saved)
        try:  # the front door checks the State, its settings and eligibility
            options = run_options(form)
            subject = prepare(registry, PackageRequest(state.iso3, profile or None, options,
                                                       kinds, f"settings of {state.iso3}"))
        except NotEligible as exc:
            error = str(exc)
        except (CcmkitError, ValueError) as exc:
            error = str(exc)
        else:
            languages = resolve_languages(form.languages.data or ("auto",),
                                          subject.state.languages)
            formats = tuple(form.formats.data or ()) or FORMATS
            if not kinds:
                error = _("Tick at least one document; for the brief alone, use “The brief "
                          "alone”.")
            elif request.form.get("action") == "preview":
                summary = describe(subject, kinds, languages, formats)
            else:
                order = Order(kind="package", codes=(state.iso3,), label=state.iso3,
                              languages=tuple(languages), kinds=kinds, formats=formats,
                              options=options, profiles={state.iso3: profile} if profile
                              else {}, brief=bool(form.brief.data), log_url=services().log.url)
                try:
                    job_id = services().jobs.start(current_user.user.id, registry, order)
                except CcmkitError as exc:
                    error = public_message(exc)
                else:
                    write_previews(job_id, subject, kinds, languages)
                    return redirect(url_for("generate.job", kind="package", job_id=job_id))
    status = 400 if request.method == "POST" and summary is None else 200
    return render_template("package.html", state=state, form=form, error=error,
                           summary=summary, problem=None, title_hint=TITLE_HINT), status


def run_profile(form: PackageForm, saved: dict[str, Any]) -> dict[str, Any]:
    """The profile of one run: the State's settings, with the form's signing authority (the
    form's setting-backed options are the run's options)."""
    return {**{k: v for k, v in saved.items() if k not in RUN_KEYS}, **signing_profile(form)}


def run_options(form: PackageForm) -> Options:
    """The form's choices as options (no document logic here); ValueError on a bad value."""
    return make_options(form.option_values())


def describe(subject: Subject, kinds: tuple[str, ...], languages: list[str],
             formats: tuple[str, ...]) -> dict[str, Any]:
    """What will be produced and why: the documents, and every choice with its reason
    (``subject.choices()`` and each document's ``choices``, in English), the Q&A questions."""
    lang = languages[0]
    locale = get_locale(lang)
    seen: dict[str, Any] = {c.name: c for c in subject.choices()}
    questions: list[str] = []
    for kind in kinds:
        context = DOCUMENTS[kind].build(subject, locale)
        for choice in context["choices"]:
            if not choice.name.startswith("qa.entry."):
                seen.setdefault(choice.name, choice)
        if kind == "qa":
            questions = [e["question"] for e in context["entries"]]
    return {"route": subject.route, "languages": languages, "formats": formats,
            "kinds": kinds, "files": len(kinds) * len(languages) * len(formats),
            "choices": list(seen.values()), "questions": questions, "lang": lang,
            "addressee": subject.addressee(locale)}


def write_previews(job_id: str, subject: Subject, kinds: tuple[str, ...],
                   languages: list[str]) -> None:
    """The documents' HTML (what each PDF is made from) and the e-mail's words, written in
    the job's folder so the results page shows each document at once."""
    from ccmkit.output import replace_file
    from ccmkit.package import cover_letter, render_document

    folder = services().jobs.folder(job_id)
    if folder is None:
        return
    (folder / PREVIEW_DIR).mkdir(exist_ok=True)
    for lang in languages:
        for kind in kinds:
            for file in render_document(subject, kind, lang, ("preview",)):
                replace_file(folder / PREVIEW_DIR / f"{kind}-{lang}.html", file.data)
        letter = cover_letter(subject, lang).as_dict()
        replace_file(folder / PREVIEW_DIR / f"email-{lang}.json", json.dumps(letter))


@bp.route("/workshop", methods=["GET", "POST"])
def workshop() -> Response | str | tuple[str, int]:
    registry = services().registry
    lang = current_lang()
    names = {k: g.names.get(lang, k) for k, g in registry.groupings.items()}
    form = WorkshopForm(grouping_names=names)
    if request.method == "GET":
        form.selection.data = (request.args.get("selection") or "")[:40] or None
    error = None
    chosen = selected_states(form.selection.data or "") if form.selection.data else []
    if form.validate_on_submit():
        what, _sep, key = (form.selection.data or "").partition(":")
        codes = tuple(s.iso3 for s in chosen)
        if not codes:
            error = _("No State outside the Convention in this selection.")
        else:
            order = Order(
                kind="workshop", codes=codes, label=key, also=tuple(form.also.data or ()),
                kinds=tuple(form.documents.data or ()) or DOC_KINDS,
                formats=tuple(form.formats.data or ()) or FORMATS,
                options=Options(generated=date.today(), group=key if what == "group" else None),
                profiles=Settings(services().log).profiles(codes), overview_lang=lang)
            try:
                job_id = services().jobs.start(current_user.user.id, registry, order)
            except CcmkitError as exc:
                error = public_message(exc)
            else:
                return redirect(url_for("generate.job", kind="workshop", job_id=job_id))
    status = 400 if request.method == "POST" else 200
    return render_template("workshop.html", form=form, error=error, chosen=chosen), status


def selected_states(selection: str) -> list[State]:
    """The States outside the Convention of a ``group:KEY`` or ``region:KEY`` selection, by
    name in the interface language."""
    what, _sep, key = selection.partition(":")
    registry = services().registry
    try:
        found = registry.select(("outside",), key if what == "region" else None, None,
                                key if what == "group" else None)
    except CcmkitError:
        return []
    return sorted((s for s in found if kinds_for(s.status)), key=lambda s: lookup.normalise(
        state_name(s)))


@bp.route("/workshop/regional")
def regional() -> str:
    """The one-page regional picture of a grouping (or region): who is in, who is out, the
    signatories, the concerns stated, the regional question answered with its numbers."""
    selection = (request.args.get("selection") or "")[:40]
    what, _sep, key = selection.partition(":")
    registry = services().registry
    try:
        members = registry.select((), key if what == "region" else None, None,
                                  key if what == "group" else None)
    except CcmkitError:
        abort(404)
    if what not in ("group", "region") or not members:
        abort(404)
    ordered = sorted(members, key=lambda s: lookup.normalise(state_name(s)))
    concerns: dict[str, int] = {}
    for state in ordered:
        if state.outside:
            for token in state.fact("concerns").values:
                if token not in ("none_stated", "unknown"):
                    concerns[token] = concerns.get(token, 0) + 1
    lang = current_lang()
    name = registry.grouping(key).names.get(lang, key) if what == "group" else _(key)
    return render_template(
        "regional.html", selection=selection, group=key if what == "group" else None,
        name=name, parties=[s for s in ordered if s.status == "state_party"],
        signatories=[s for s in ordered if s.status == "signatory"],
        outside=[s for s in ordered if s.status in ("not_signed", "withdrawn")],
        total=len(ordered), as_of=registry.status.as_of,
        concerns=sorted(concerns.items(), key=lambda kv: (-kv[1], kv[0])),
        concern_labels=CONCERN_LABELS)


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
    results = sorted(status["results"], key=lambda r: result_name(r))
    folder = services().jobs.folder(job_id)
    shown = folder / PREVIEW_DIR if folder is not None else None
    letters = sorted(p.stem.removeprefix("email-") for p in shown.glob("email-*.json")) \
        if shown else []
    pdfs = any(f.endswith(".pdf") for r in results for f in r["files"])
    html_previews = [] if pdfs or shown is None else [
        {"kind": k, "lang": lang} for lang in letters for k in DOC_KINDS
        if (shown / f"{k}-{lang}.html").is_file()]
    sent = SentForm(data={"date": date.today()}) if kind == "package" else None
    return render_template("job.html", job={**status, "results": results}, kind=kind,
                           state=state, html_previews=html_previews, letters=letters,
                           sent=sent,
                           documents={r["code"]: documents_of(r["files"])
                                      for r in status["results"]},
                           brief=brief and {**brief, "documents": briefs_of(brief["files"])},
                           logged=request.args.get("logged"), grouping_keys=GROUPINGS)


def result_name(result: dict[str, Any]) -> str:
    """A workshop result's State name in the interface language (its code if unknown)."""
    try:
        return lookup.normalise(state_name(services().registry.by_iso3(result["code"])))
    except StateNotFound:
        return result["code"]


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


@bp.route("/package/<job_id>/preview/<kind>-<lang>.html")
def preview(job_id: str, kind: str, lang: str) -> Response:
    """A document's HTML preview (its first page shows in the results page at once)."""
    own_job("package", job_id)
    path = preview_path(job_id, f"{kind}-{lang}.html")
    response = send_file(path, mimetype="text/html", max_age=0)
    response.headers["Content-Security-Policy"] = PREVIEW_CSP
    return response


def preview_path(job_id: str, name: str) -> Path:
    """A file of the job's preview folder, named from vocabulary keys only (404 otherwise)."""
    folder = services().jobs.folder(job_id)
    stem = name.rpartition(".")[0]
    kind, _sep, lang = stem.rpartition("-")
    if folder is None or (kind not in DOC_KINDS and kind != "email") or len(lang) != 2:
        abort(404)
    path = folder / PREVIEW_DIR / name
    if not path.is_file():
        abort(404)
    return path


@bp.route("/package/<job_id>/email-<lang>.eml")
def email(job_id: str, lang: str) -> Response:
    """The package as an e-mail draft in ``lang``: the cover note as the body, the job's
    documents in that language attached (sending stays with the user's mail client)."""
    from ccmkit.documents.email import draft
    from ccmkit.package import file_download_name

    status = own_job("package", job_id)
    if status["state"] != "done":
        abort(409)
    letter = json.loads(preview_path(job_id, f"email-{lang}.json").read_text(encoding="utf-8"))
    attachments = []
    for result in status["results"]:
        for doc in documents_of(result["files"]):
            if doc["lang"] != lang:
                continue
            for relpath in doc["files"].values():
                path = services().jobs.file(job_id, relpath)
                if path is not None:
                    attachments.append((file_download_name(relpath), path.read_bytes()))
    data = draft(letter, attachments)
    response = Response(data, mimetype="message/rfc822")
    response.headers["Content-Disposition"] = \
        f'attachment; filename="{status["label"]}-{lang}.eml"'
    return response


@bp.route("/package/<job_id>/sent", methods=["POST"])
def record_sent(job_id: str) -> Response | tuple[str, int]:
    """Record in the log that this package was sent (its manifest's path and SHA-256)."""
    status = own_job("package", job_id)
    form = SentForm()
    folder = services().jobs.folder(job_id)
    if status["state"] != "done" or folder is None or not form.validate_on_submit():
        abort(400)
    iso3 = status["label"]
    try:
        sent = read_package(folder / "out" / iso3, iso3)
        record = services().log_as(current_user.name).add(Fields(
            state=iso3, date=form.date.data, stage=form.stage.data,
            channel=form.channel.data or None, lead=form.lead.data,
            with_whom=form.with_whom.data, package=sent))
    except CcmkitError as exc:
        return render_template("error.html", code=400, message=str(exc)), 400
    return redirect(url_for("generate.job", kind="package", job_id=job_id,
                            logged=record.id) + "#sent")


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
                         download_name=services().jobs.download_name(relpath), max_age=0)
    if inline:  # the browser's own PDF viewer shows it inside the page
        response.headers["Content-Security-Policy"] = "frame-ancestors 'self'"
    return response

JOB_PAGES = {"package": "generate.job", "workshop": "generate.job",
             "targets": "workbench.job", "barrier-map": "workbench.job"}


@bp.route("/<any(package, workshop, targets, 'barrier-map'):kind>/<job_id>/cancel",
          methods=["POST"])
def cancel(kind: str, job_id: str) -> Response:
    """Cancel the signed-in user's job (its waiting tasks are dropped), back to its page."""
    jobs = services().jobs
    status = jobs.status(job_id)
    if status is None or status["kind"] != kind or status["owner"] != current_user.user.id:
        abort(404)
    jobs.cancel(job_id, current_user.user.id)
    return redirect(url_for(JOB_PAGES[kind], kind=kind, job_id=job_id))
