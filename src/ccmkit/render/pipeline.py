"""The rendering pipeline: template → checked semantic HTML → every requested writer.

- ``Locale`` (``ccmkit.languages``): the language resolved once, at the front door, and carried
  to the template environment and both writers.
- ``WRITERS``: the registry of output writers, one signature (``Page`` → bytes) each. A writer
  declares the HTML vocabulary it renders faithfully; ``check_vocabulary`` refuses anything
  outside what *every* writer supports, so the DOCX and the PDF never silently differ.
- ``render``: bounded in size, characters, time and memory per document (``render.limits``).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypedDict

from lxml import etree

from ccmkit.errors import CcmkitError, TemplateError
from ccmkit.i18n import N_
from ccmkit.languages import Locale
from ccmkit.render import limits
from ccmkit.render.html import make_environment, render_html, template_folders, to_string, to_tree
from ccmkit.resources import confined

PAGE_LABEL = N_("Page {page} of {pages}")
HEAD = frozenset({"html", "head", "title", "meta", "style", "body"})
ATTRIBUTES = frozenset({"class", "lang", "dir", "id", "start", "href", "name", "content",
                        "charset",
                        # Word-native numbering of the model law (SEQ/REF fields, lists)
                        "data-list", "data-level", "data-pattern", "data-seq", "data-bookmark"})


class PipelineContext(TypedDict):
    """The keys the pipeline adds to every template's context (``build_page``), besides the
    document's own (an outgoing document's are ``ccmkit.documents.subject.CommonContext`` and
    the TypedDict its kind's builder returns, plus ``ccmkit.package.PackageContext``)."""

    doc_title: str  # the document's title, in its language (<title>, metadata)
    generated_at: str  # the generation time, UTC ISO 8601 ("2026-10-01T09:00:00Z"), for <meta>


@dataclass(frozen=True)
class Page:
    """One document in one language, ready for any writer."""

    template: str  # e.g. "instrument/fr.html.j2", named in errors
    tree: etree._Element
    locale: Locale
    title: str  # document title (metadata)
    header: str | None  # running header; None: no header and no page numbers
    page_label: str  # "Page {page} of {pages}" in the document's language
    generated: datetime
    folders: tuple[Path, ...]  # template folders, the user's first
    author: str | None = None  # the issuer, in both formats' metadata

    def find(self, name: str) -> Path | None:
        """A user's file (base.docx, style.css) from the first template folder that has it."""
        for folder in self.folders[:-1]:
            found = confined(folder, name)
            if found is not None:
                return found
            if (folder / name).is_symlink() or (folder / name).exists():
                raise TemplateError(f"{folder / name} leads outside the template folder or "
                                    "is not a regular file; copy the file in")
        return None


@dataclass(frozen=True)
class Writer:
    """An output format: what it renders faithfully, and how."""

    fmt: str
    media_type: str
    elements: frozenset[str]  # elements rendered faithfully
    classes: frozenset[str]  # classes it gives meaning to (None of its own: all)
    text_blocks: frozenset[str]  # blocks that may hold only inline content (and notes)
    write: Callable[[Page], bytes]
    no_loose_text: frozenset[str] = frozenset()  # blocks whose bare text it would drop


def _write_docx(page: Page) -> bytes:
    from ccmkit.render.docx import DocxMeta, write_docx

    meta = DocxMeta(title=page.title, language=page.locale.tag, locale=page.locale,
                    header=page.header,
                    page_label=page.page_label, generated=page.generated,
                    base=page.find("base.docx"),
                    **({"author": page.author} if page.author else {}))
    return write_docx(page.tree, meta)


def _write_pdf(page: Page) -> bytes:
    from ccmkit.render.pdf import font_css, page_css, write_pdf

    return write_pdf(to_string(page.tree), page.generated, page.find("style.css"),
                     page.folders, page.template,
                     page_css(page.page_label, page.header) + font_css(page.locale))


PREVIEW_CSS = ("html { background: #777; } body { background: #fff; width: 16cm; "
               "margin: 1rem auto; padding: 2.5cm; box-sizing: content-box; }")


def _write_preview(page: Page) -> bytes:
    """The HTML the PDF is made from, with the house style inlined, to show in a browser."""
    from ccmkit.resources import templates_dir

    css_path = page.find("style.css") or templates_dir() / "style.css"
    tree = copy.deepcopy(page.tree)
    head = tree.find("head")
    if head is not None:
        style = etree.SubElement(head, "style")
        style.text = css_path.read_text(encoding="utf-8") + "\n" + PREVIEW_CSS
    return to_string(tree).encode("utf-8")


def _docx_writer() -> Writer:
    from ccmkit.render import docx

    return Writer("docx", "application/vnd.openxmlformats-officedocument."
                  "wordprocessingml.document", docx.ELEMENTS, docx.CLASSES, docx.TEXT_BLOCKS,
                  _write_docx, docx.NO_LOOSE_TEXT)


_PDF_ELEMENTS = frozenset({
    "h1", "h2", "h3", "h4", "h5", "h6", "p", "div", "section", "article", "header", "footer",
    "main", "aside", "ol", "ul", "li", "dl", "dt", "dd", "blockquote", "table", "thead",
    "tbody", "tr", "th", "td", "strong", "b", "em", "i", "span", "a", "br", "sup", "sub",
})
WRITERS: dict[str, Writer] = {
    "docx": _docx_writer(),
    "pdf": Writer("pdf", "application/pdf", _PDF_ELEMENTS, frozenset(), frozenset(),
                  _write_pdf),
    # the quick preview of the web workbench: the PDF's HTML, shown before the PDF is ready
    "preview": Writer("preview", "text/html", _PDF_ELEMENTS, frozenset(), frozenset(),
                      _write_preview),
}


def register(writer: Writer) -> None:
    """Add an output format (its vocabulary then constrains every template)."""
    WRITERS[writer.fmt] = writer


def check_vocabulary(root: etree._Element, template: str,
                     writers: Sequence[Writer] | None = None) -> None:
    """Refuse HTML that some writer would drop or change: name the template and the element."""
    writers = list(writers or WRITERS.values())
    for node in root.iter():
        if not isinstance(node.tag, str):
            continue
        problem = _problem(node, writers)
        if problem:
            raise TemplateError(f"{template}: {problem}; use only the elements listed in the "
                                "README (section 'One source of truth')")


def _problem(node: etree._Element, writers: list[Writer]) -> str | None:
    tag = node.tag
    in_head = any(a.tag == "head" for a in node.iterancestors())
    if tag in HEAD:
        if tag in ("title", "meta", "style") and not in_head:
            return f"<{tag}> outside <head>"
        return _attributes(node)
    if in_head:
        return f"<{tag}> inside <head>"
    for writer in writers:
        if tag not in writer.elements:
            return f"<{tag}> is not supported by the {writer.fmt.upper()} writer"
        if writer.classes:
            for cls in (node.get("class") or "").split():
                if cls not in writer.classes:
                    return (f'<{tag} class="{cls[:40]}">: class not supported by the '
                            f"{writer.fmt.upper()} writer")
        if tag in writer.no_loose_text and _loose_text(node):
            return (f"text directly inside <{tag}> is dropped by the {writer.fmt.upper()} "
                    f"writer ({_loose_text(node)[:30]!r}…); put it in a <p>")
        for ancestor in node.iterancestors():
            if ancestor.tag in writer.text_blocks and not _inline_ok(node, ancestor):
                return (f"<{tag}> inside <{ancestor.tag}> is not supported by the "
                        f"{writer.fmt.upper()} writer (nested lists and blocks are dropped)")
    return _attributes(node)


def _loose_text(node: etree._Element) -> str:
    """Non-blank text sitting directly in ``node`` (not inside one of its children)."""
    parts = [node.text or "", *((child.tail or "") for child in node)]
    return " ".join(" ".join(parts).split())


def _inline_ok(node: etree._Element, block: etree._Element) -> bool:
    inline = {"strong", "b", "em", "i", "span", "a", "br", "sup", "sub"}
    if node.tag in inline:
        return True
    # a drafting note directly in a list item becomes a comment on it
    return node.tag == "aside" and block.tag == "li" and node.getparent() is block


def _attributes(node: etree._Element) -> str | None:
    for name, value in node.attrib.items():
        if name not in ATTRIBUTES:
            return f"<{node.tag} {str(name)[:30]}=...>: attribute not supported"
        if name == "href" and not (node.tag == "a" and (
                value.startswith("mailto:") or re.fullmatch(r"#[A-Za-z_][\w-]{0,60}", value))):
            return (f"<{node.tag} href=...>: only mailto: links and links inside the document "
                    "(#name) are supported")
        if name == "start" and not (node.tag == "ol" and re.fullmatch(r"[1-9][0-9]{0,3}", value)):
            return f"<{node.tag} start={value[:20]!r}>: start must be a number 1-9999 on <ol>"
        if name in ("name", "content", "charset") and node.tag != "meta":
            return f"<{node.tag} {name}=...>: attribute not supported"
    return None


def render(
    template: str,
    locale: Locale,
    context: Mapping[str, Any],
    formats: Sequence[str],
    *,
    title: str,
    header: str | None,
    generated: datetime,
    template_dir: Path | None = None,
    full_title: str | None = None,
    author: str | None = None,
) -> dict[str, bytes]:
    """Render one template in one language to each format: {format: bytes}.

    The template's HTML is the single source; every writer consumes the same checked tree.
    ``title`` is the template's ``doc_title``; ``full_title`` the files' metadata title.
    """
    unknown = [fmt for fmt in formats if fmt not in WRITERS]
    if unknown:
        raise CcmkitError(f"unknown format {unknown[0][:20]!r}: use one of {', '.join(WRITERS)}")
    page = build_page(template, locale, context, title=title, header=header, generated=generated,
                      template_dir=template_dir, full_title=full_title, author=author)
    out: dict[str, bytes] = {}
    for fmt in dict.fromkeys(formats):
        with limits.bounded(f"{template} ({fmt.upper()})"):
            out[fmt] = WRITERS[fmt].write(page)
    return out


def build_page(
    template: str,
    locale: Locale,
    context: Mapping[str, Any],
    *,
    title: str,
    header: str | None,
    generated: datetime,
    template_dir: Path | None = None,
    full_title: str | None = None,
    author: str | None = None,
) -> Page:
    """Render a template to the checked HTML tree every writer consumes (see ``render``)."""

    page_label = locale.gettext(PAGE_LABEL)
    env = make_environment(locale, template_dir)
    stamp = generated.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    added: PipelineContext = {"doc_title": title, "generated_at": stamp}
    full: dict[str, Any] = {**context, **added}
    with limits.bounded(template):
        markup = render_html(env, template, full)
        limits.check_markup(markup, template)
        root = to_tree(markup, locale.language)
        if locale.direction == "rtl":
            root.set("dir", "rtl")
        check_vocabulary(root, template)
    return Page(template, root, locale, full_title or title, header, page_label, generated,
                template_folders(template_dir), author)
