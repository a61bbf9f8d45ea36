"""One State's package: documents × languages × formats → files and manifest.json.

Everything is rendered in memory first; files are then written through a staging folder
and renamed into place, so a failure or interruption never leaves a half-written file.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from markupsafe import Markup

from ccmkit import __version__
from ccmkit.documents import DOCUMENTS
from ccmkit.documents.subject import Subject
from ccmkit.errors import CcmkitError
from ccmkit.i18n import N_, gettext_for
from ccmkit.languages import get_language
from ccmkit.render.html import make_environment, render_html, to_string, to_tree
from ccmkit.vocab import FORMATS

PAGE_LABEL = N_("Page {page} of {pages}")


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


@dataclass(frozen=True)
class RenderedFile:
    """One generated file, in memory."""

    kind: str
    lang: str
    fmt: str
    relpath: str
    data: bytes


def render_files(
    template: str,
    lang: str,
    context: dict,
    formats: Sequence[str],
    *,
    title: str,
    header: str | None,
    basename: str,
    generated: datetime,
    template_dir: Path | None = None,
    author: str | None = None,
) -> dict[str, bytes]:
    """Render one template in one language to each format: {format: bytes}.

    The template's HTML is the single source: the DOCX writer walks its tree and
    WeasyPrint lays out the same HTML. `header` None: no running header and no page numbers
    (a document to be signed); `author` goes into both formats' metadata.
    """
    from ccmkit.render.docx import DocxMeta, write_docx
    from ccmkit.render.pdf import page_css, write_pdf

    language = get_language(lang)
    page_label = gettext_for(lang)(PAGE_LABEL)
    env = make_environment(lang, template_dir)
    full = {**context, "doc_title": title, "page_css": Markup(page_css(page_label, header))}
    root = to_tree(render_html(env, template, full), language)
    out: dict[str, bytes] = {}
    if "docx" in formats:
        meta = DocxMeta(
            title=f"{title} – {basename}",
            language=language.babel_locale.replace("_", "-"),
            header=header,
            page_label=page_label,
            generated=generated,
            base=_user_file(template_dir, "base.docx"),
            **({"author": author} if author else {}),
        )
        out["docx"] = _guarded(template, "DOCX", write_docx, root, meta)
    if "pdf" in formats:
        css = _user_file(template_dir, "style.css")
        out["pdf"] = _guarded(template, "PDF", write_pdf, to_string(root), generated, css)
    return out


def _guarded(template: str, fmt: str, writer: Callable[..., bytes], *args: object) -> bytes:
    """Run a writer; a failure inside the rendering library becomes a one-line error."""
    try:
        return writer(*args)
    except CcmkitError:
        raise
    except Exception as exc:
        raise CcmkitError(f"{template}: {fmt} rendering failed ({type(exc).__name__}: {exc}); "
                          "check the template's HTML and the style sheet") from None


def render_document(
    subject: Subject, kind: str, lang: str, formats: Sequence[str]
) -> list[RenderedFile]:
    """Render one document of a State's package in one language."""
    document = DOCUMENTS[kind]
    _ = gettext_for(lang)
    title = _(document.title(subject.route))
    name = subject.state.names[lang].short
    issuer = subject.issuer(lang)
    rendered = render_files(
        f"{kind}/{lang}.html.j2",
        lang,
        document.build(subject, lang),
        formats,
        title=title,
        header=f"{issuer} – {title} – {name}" if document.running_header else None,
        basename=name,
        generated=subject.generated_at,
        template_dir=subject.options.template_dir,
        author=issuer,
    )
    base = f"{subject.state.iso3}/{lang}/{kind}"
    return [RenderedFile(kind, lang, fmt, f"{base}.{fmt}", data) for fmt, data in
            rendered.items()]


def _user_file(template_dir: Path | None, name: str) -> Path | None:
    """A user's base.docx or style.css from --template-dir, if there is one."""
    if template_dir and (template_dir / name).is_file():
        return template_dir / name
    return None


def build_package(
    subject: Subject,
    out: Path,
    languages: Sequence[str],
    formats: Sequence[str] = FORMATS,
    kinds: Sequence[str] = tuple(DOCUMENTS),
    extra: dict | None = None,
) -> dict:
    """Render every requested file, then write them and manifest.json; return the manifest."""
    files = [
        f for kind in kinds for lang in languages for f in render_document(subject, kind, lang,
                                                                            formats)
    ]
    manifest = {**make_manifest(subject, languages, files), **(extra or {})}
    write_files(out, subject.state.iso3, files, manifest)
    return manifest


def make_manifest(subject: Subject, languages: Sequence[str], files: list[RenderedFile]) -> dict:
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
                "sha256": hashlib.sha256(f.data).hexdigest(),
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


def write_files(out: Path, iso3: str, files: list[RenderedFile], manifest: dict) -> None:
    """Stage every file next to its destination, then rename into place (manifest last)."""
    try:
        out.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{iso3}.staging-", dir=out))
    except OSError as exc:
        raise CcmkitError(
            f"cannot write to output folder {out}: {exc.strerror}; choose a writable --out"
        ) from None
    try:
        for f in files:
            target = staging / f.relpath
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(f.data)
        manifest_path = staging / iso3 / "manifest.json"
        manifest_path.parent.mkdir(parents=True, exist_ok=True)
        manifest_path.write_text(
            json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        for f in files:
            final = out / f.relpath
            final.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staging / f.relpath, final)
        os.replace(manifest_path, out / iso3 / "manifest.json")
    except OSError as exc:
        raise CcmkitError(f"cannot write to output folder {out}: {exc}") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
