"""Semantic HTML → PDF with WeasyPrint (tagged PDF/UA, fonts embedded, page numbers)."""

from __future__ import annotations

import hashlib
import os
from datetime import datetime
from functools import cache
from pathlib import Path

from ccmkit.resources import templates_dir

PDF_VARIANT = "pdf/ua-1"
_EPOCH_FROM_USER = "SOURCE_DATE_EPOCH" in os.environ


@cache
def _font_config():
    """One FontConfiguration per process, reused for every document."""
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


@cache
def _stylesheet(path: Path):
    from weasyprint import CSS

    return CSS(filename=str(path), font_config=_font_config())


def page_css(page_label: str, header: str | None) -> str:
    """CSS for the running header and the page footer ("Page {page} of {pages}"); none for
    a document without a running header (e.g. an instrument to be signed)."""
    if header is None:
        return ""
    before, _, rest = page_label.partition("{page}")
    middle, _, after = rest.partition("{pages}")

    def quote(text: str) -> str:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'

    content = f"{quote(before)} counter(page) {quote(middle)} counter(pages) {quote(after)}"
    return (
        f"@page {{ @top-right {{ content: {quote(header)}; }} "
        f"@bottom-center {{ content: {content}; }} }}"
    )


def write_pdf(html: str, generated: datetime, stylesheet: Path | None = None) -> bytes:
    """Render an HTML document (with its own <title> and lang) to PDF bytes."""
    from weasyprint import HTML

    # font subsets carry a timestamp unless SOURCE_DATE_EPOCH is set: pin it to the
    # generation date so equal input gives equal files
    if not _EPOCH_FROM_USER:
        os.environ["SOURCE_DATE_EPOCH"] = str(int(generated.timestamp()))
    document = HTML(string=html, base_url=str(templates_dir()))
    return document.write_pdf(
        stylesheets=[_stylesheet(stylesheet or templates_dir() / "style.css")],
        font_config=_font_config(),
        pdf_variant=PDF_VARIANT,
        pdf_identifier=hashlib.sha256(html.encode("utf-8")).hexdigest()[:32].encode(),
        presentational_hints=True,
        finisher=_without_producer,
    )


def _without_producer(_document: object, pdf: object) -> None:
    """Drop the renderer's name from the PDF metadata (an outgoing file names no tool)."""
    import re

    info = getattr(pdf, "info", {})
    info.pop("Producer", None)
    for obj in getattr(pdf, "objects", []):
        chunks = getattr(obj, "stream", None)
        extra = getattr(obj, "extra", {})
        if chunks and extra.get("Type") == "/Metadata":
            data = b"".join(c if isinstance(c, bytes) else str(c).encode() for c in chunks)
            obj.stream = [re.sub(rb' pdf:Producer="[^"]*"', b"", data)]
