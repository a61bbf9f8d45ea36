"""One State's package: documents × languages × formats → files and manifest.json.

Everything is rendered in memory first (``render.pipeline``); the State's folder is then
replaced as a whole by ``output.write_package`` (all-or-nothing, locked, edits kept).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypedDict

from ccmkit._version import __version__
from ccmkit.documents.kinds import DOCUMENTS
from ccmkit.documents.options import OptionModel
from ccmkit.documents.subject import Subject
from ccmkit.languages import Locale, get_locale
from ccmkit.output import sha256, write_package
from ccmkit.vocab import FORMATS

if TYPE_CHECKING:
    from ccmkit.documents.email import Letter
    from ccmkit.render.pipeline import Page


def unique(values: Sequence[str]) -> list[str]:
    """The values in order, each once (a repeated --doc, --lang or --format counts once)."""
    return list(dict.fromkeys(values))


def resolve_languages(
    requested: Sequence[str], state_languages: Sequence[str], also: Sequence[str] = ()
) -> list[str]:
    """Expand `auto` into the State's package languages, add `also`, drop repeats."""
    out: list[str] = []
    for lang in [*(requested or ("auto",)), *also]:
        for code in state_languages if lang == "auto" else (lang,):
            if code not in out:
                out.append(code)
    return out


# The document part of a download name, in the document's language (ASCII, hyphenated).
DOWNLOAD_STEMS: dict[str, dict[str, str]] = {
    "cover_note": {"en": "cover-note", "fr": "note-de-transmission", "es": "nota-de-envio"},
    "instrument": {"en": "instrument", "fr": "instrument", "es": "instrumento"},
    "full_powers": {"en": "full-powers", "fr": "pleins-pouvoirs", "es": "plenos-poderes"},
    "steps": {"en": "steps", "fr": "etapes", "es": "pasos"},
    "qa": {"en": "questions-answers", "fr": "questions-reponses",
           "es": "preguntas-respuestas"},
    "legislation": {"en": "model-law", "fr": "projet-de-loi", "es": "proyecto-de-ley"},
}


def download_name(code: str, lang: str, kind: str, fmt: str) -> str:
    """A document's name as a user downloads or forwards it: State, language, document in
    that language, format: ``VNM-en-instrument.pdf``, ``MAR-fr-projet-de-loi.docx``."""
    stem = DOWNLOAD_STEMS.get(kind, {}).get(lang) or kind.replace("_", "-")
    return f"{code}-{lang}-{stem}.{fmt}"


PACKAGE_FILE = re.compile(r"^([A-Z]{3})/([a-z]{2,3})/([a-z_]+)\.(docx|pdf)$")


def file_download_name(relpath: str) -> str:
    """The name a generated file is downloaded or attached under: a package document by the
    rule of :func:`download_name` (``COD/fr/legislation.docx`` -> ``COD-fr-projet-de-loi.docx``),
    anything else its path with ``-`` for ``/``."""
    found = PACKAGE_FILE.match(relpath)
    if found:
        code, lang, kind, fmt = found.groups()
        return download_name(code, lang, kind, fmt)
    return relpath.replace("/", "-")


def zip_name(code: str, document: Mapping[str, Any]) -> str:
    """A manifest document's name inside the State's ZIP (its download name)."""
    return download_name(code, document["lang"], document["kind"], document["format"])


@dataclass(frozen=True)
class RenderedFile:
    """One generated file, in memory."""

    kind: str
    lang: str
    fmt: str
    relpath: str
    data: bytes


def render_document(
    subject: Subject, kind: str, lang: str, formats: Sequence[str]
) -> list[RenderedFile]:
    """Render one document of a State's package in one language."""
    from ccmkit.render.pipeline import render

    rendered = render(formats=unique(formats), **_document_args(subject, kind, lang))
    base = f"{subject.state.iso3}/{lang}/{kind}"
    return [RenderedFile(kind, lang, fmt, f"{base}.{fmt}", data) for fmt, data in
            rendered.items()]


def document_page(subject: Subject, kind: str, lang: str) -> Page:
    """One document's checked HTML tree, the single source of its DOCX and PDF."""
    from ccmkit.render.pipeline import build_page

    return build_page(**_document_args(subject, kind, lang))


class PackageContext(TypedDict):
    """The key the package adds to an outgoing document's context (``document_context``)."""

    options: OptionModel  # the kind's own options (its model in ccmkit.documents.options,
    # e.g. options.qa, options.provisional_application): to test, never to print


def document_context(subject: Subject, kind: str, locale: Locale) -> Mapping[str, Any]:
    """An outgoing document's template context before the pipeline's keys: the kind's own
    TypedDict (``DOCUMENTS[kind].build``) and ``PackageContext``."""
    document = DOCUMENTS[kind]
    added: PackageContext = {"options": document.own_options(subject.options)}
    return {**document.build(subject, locale), **added}


def _document_args(subject: Subject, kind: str, lang: str) -> dict[str, Any]:
    """What the pipeline renders for one document: template, context, titles, metadata."""
    document = DOCUMENTS[kind]
    locale = get_locale(lang)  # the language, resolved once for this document
    title = locale.gettext(document.title(subject.route))
    name = subject.state.names[lang].short
    issuer = subject.issuer(locale)
    return {
        "template": f"{kind}/{lang}.html.j2",
        "locale": locale,
        "context": document_context(subject, kind, locale),
        "title": title,
        "header": f"{issuer} – {title} – {name}" if document.running_header else None,
        "full_title": f"{title} – {name}",
        "generated": subject.generated_at,
        "template_dir": subject.options.template_dir,
        "author": issuer,
    }


def build_package(
    subject: Subject,
    out: Path,
    languages: Sequence[str],
    formats: Sequence[str] = FORMATS,
    kinds: Sequence[str] = tuple(DOCUMENTS),
    extra: dict[str, Any] | None = None,
    *,
    force: bool = False,
    zipped: bool = False,
) -> dict[str, Any]:
    """Render every requested file, then replace the State's folder; return the manifest."""
    languages, formats, kinds = unique(languages), unique(formats), unique(kinds)
    files = [f for kind in kinds for lang in languages
             for f in render_document(subject, kind, lang, formats)]
    manifest = {**make_manifest(subject, languages, files), **(extra or {})}
    iso3 = subject.state.iso3
    write_package(out, iso3, {f.relpath.removeprefix(f"{iso3}/"): f.data for f in files},
                  manifest, force=force, zip_name=zip_name if zipped else None)
    return manifest


def make_manifest(subject: Subject, languages: Sequence[str],
                  files: list[RenderedFile]) -> dict[str, Any]:
    """The package's manifest: State, languages, files with SHA-256, computed dates."""
    iso3 = subject.state.iso3
    line = subject.timeline()
    return {
        "state": {"code": iso3, "name": subject.state.un_name, "status": subject.state.status},
        "languages": list(languages),
        "documents": [
            {
                "kind": f.kind,
                "lang": f.lang,
                "format": f.fmt,
                "path": f.relpath.removeprefix(f"{iso3}/"),
                "sha256": sha256(f.data),
            }
            for f in files
        ],
        "dates": line.as_iso() if line else {},
        "route": subject.route,
        "status_as_of": subject.registry.status.as_of,
        "status_source": str(subject.registry.status.path.name),
        "generated": subject.options.generated.isoformat(),
        "ccmkit_version": __version__,
    }


def cover_letter(subject: Subject, lang: str) -> Letter:
    """The e-mail's words for a State's package in ``lang``: its cover note (the HTML the
    PDF is made from), addressed as the cover note is."""
    from ccmkit.documents.email import letter_from_html

    rendered = render_document(subject, "cover_note", lang, ("preview",))
    return letter_from_html(rendered[0].data, subject.addressee(get_locale(lang)), lang)


def write_drafts(subject: Subject, out: Path, manifest: Mapping[str, Any]) -> list[Path]:
    """One .eml draft per language of a written package, ``OUT/<ISO3>-<lang>.eml`` (beside the
    State's folder): the cover note as the message, that language's documents attached."""
    from ccmkit.documents.email import draft
    from ccmkit.output import replace_file

    iso3 = subject.state.iso3
    written = []
    for lang in manifest["languages"]:
        files = [(file_download_name(f"{iso3}/{d['path']}"),
                  (out / iso3 / d["path"]).read_bytes())
                 for d in manifest["documents"] if d["lang"] == lang]
        target = out / f"{iso3}-{lang}.eml"
        replace_file(target, draft(cover_letter(subject, lang), files))
        written.append(target)
    return written
