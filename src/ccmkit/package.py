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
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup

from ccmkit import __version__
from ccmkit.documents import DOCUMENTS
from ccmkit.documents.subject import Subject
from ccmkit.errors import CcmkitError
from ccmkit.i18n import gettext_for
from ccmkit.languages import get_language
from ccmkit.render.html import make_environment, render_html, to_string, to_tree

FORMATS = ("docx", "pdf")


@dataclass(frozen=True)
class RenderedFile:
    """One generated file, in memory."""

    kind: str
    lang: str
    fmt: str
    relpath: str
    data: bytes


def render_document(subject: Subject, kind: str, lang: str, formats: Sequence[str]) -> list[
    RenderedFile
]:
    """Render one document in one language to the requested formats."""
    from ccmkit.render.docx import DocxMeta, write_docx
    from ccmkit.render.pdf import page_css, write_pdf

    document = DOCUMENTS[kind]
    language = get_language(lang)
    _ = gettext_for(lang)
    title = _(document.title)
    header = f"{_('Convention on Cluster Munitions')} – {title} – {subject.state.names[lang].short}"
    page_label = _("Page {page} of {pages}")
    env = make_environment(lang, subject.options.template_dir)
    context = {
        **document.build(subject, lang),
        "doc_title": title,
        "page_css": Markup(page_css(page_label, header)),
    }
    root = to_tree(render_html(env, f"{kind}/{lang}.html.j2", context), language)
    files = []
    base = f"{subject.state.iso3}/{lang}/{kind}"
    if "docx" in formats:
        meta = DocxMeta(
            title=f"{title} – {subject.state.names[lang].short}",
            language=language.babel_locale.replace("_", "-"),
            header=header,
            page_label=page_label,
            generated=subject.generated_at,
            base=_user_base(subject),
        )
        files.append(RenderedFile(kind, lang, "docx", f"{base}.docx", write_docx(root, meta)))
    if "pdf" in formats:
        data = write_pdf(to_string(root), subject.generated_at, _user_css(subject))
        files.append(RenderedFile(kind, lang, "pdf", f"{base}.pdf", data))
    return files


def _user_base(subject: Subject) -> Path | None:
    folder = subject.options.template_dir
    return folder / "base.docx" if folder and (folder / "base.docx").is_file() else None


def _user_css(subject: Subject) -> Path | None:
    folder = subject.options.template_dir
    return folder / "style.css" if folder and (folder / "style.css").is_file() else None


def build_package(
    subject: Subject,
    out: Path,
    languages: Sequence[str],
    formats: Sequence[str] = FORMATS,
    kinds: Sequence[str] = tuple(DOCUMENTS),
) -> dict:
    """Render every requested file, then write them and manifest.json; return the manifest."""
    files = [
        f for kind in kinds for lang in languages for f in render_document(subject, kind, lang,
                                                                            formats)
    ]
    manifest = make_manifest(subject, languages, files)
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
