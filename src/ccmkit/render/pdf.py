"""Semantic HTML → PDF with WeasyPrint (tagged PDF/UA, fonts embedded, page numbers).

Templates are untrusted, so WeasyPrint fetches through ``SafeFetcher``: no network, no local
file outside the template folders, ``data:`` only for images and fonts. A refused URL stops
the rendering with an error naming it. ``SOURCE_DATE_EPOCH`` is set only while a PDF is
written and restored afterwards.
"""

from __future__ import annotations

import atexit
import base64
import hashlib
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from ccmkit.errors import TemplateError
from ccmkit.languages import DEFAULT_FONTS, Locale
from ccmkit.resources import templates_dir

PDF_VARIANT = "pdf/ua-1"
MAX_RESOURCE_BYTES = 8 << 20  # one image, font or style sheet
DATA_TYPES = re.compile(r"(image/(png|jpeg|gif|webp|svg\+xml)|font/[a-z0-9]+)")


@cache
def _font_config() -> Any:
    """One FontConfiguration per process, reused for every document."""
    from weasyprint.text.fonts import FontConfiguration

    # release it before the interpreter tears modules down (its __del__ needs them)
    atexit.register(_font_config.cache_clear)
    return FontConfiguration()


def warm() -> None:
    """Import WeasyPrint, parse the shipped style sheet and load its fonts (one tiny PDF)."""
    from datetime import UTC

    sample = ("<html lang='en'><body><h1>A</h1><h2>B</h2><p>a <strong>b</strong> <em>c</em>"
              "</p><table><tr><th>d</th><td>e</td></tr></table></body></html>")
    write_pdf(sample, datetime(2026, 1, 1, tzinfo=UTC))


def _fetcher_class() -> type:
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class SafeFetcher(URLFetcher):
        """Serves files inside the template folders and data: images; refuses the rest."""

        def __init__(self, folders: tuple[Path, ...]) -> None:
            super().__init__(allowed_protocols=("file", "data"), allow_redirects=False,
                             fail_on_errors=True)
            self.roots = tuple(f.resolve() for f in folders)
            self.refused: list[str] = []

        def fetch(self, url: str, headers: Any = None) -> Any:
            try:
                return self._serve(url)
            except _Refused as exc:
                self.refused.append(url[:120])
                raise ValueError(str(exc)) from None

        def _serve(self, url: str) -> Any:
            scheme = url.split(":", 1)[0].lower()
            if scheme == "data":
                head, _, payload = url[5:].partition(",")
                mime = head.split(";")[0].strip().lower()
                if not DATA_TYPES.fullmatch(mime) or len(payload) > MAX_RESOURCE_BYTES:
                    raise _Refused("data: URL that is not a small image or font")
                body = (base64.b64decode(payload) if head.endswith(";base64")
                        else unquote(payload).encode())
                return URLFetcherResponse(url, body, {"Content-Type": mime})
            if scheme == "file":
                path = Path(unquote(urlsplit(url).path))
                real = path.resolve()
                if not any(real.is_relative_to(root) for root in self.roots) or not (
                        real.is_file()) or real.stat().st_size > MAX_RESOURCE_BYTES:
                    raise _Refused("file outside the template folders")
                return URLFetcherResponse(url, real.read_bytes())
            raise _Refused("network or other URL")

    return SafeFetcher


class _Refused(Exception):
    pass


def _stylesheet(css_path: str, folders: tuple[Path, ...]) -> Any:
    """A style sheet read by us (bounded) and parsed with the safe fetcher, cached."""
    path = Path(css_path)
    stat = path.stat()
    if stat.st_size > MAX_RESOURCE_BYTES:
        raise TemplateError(f"{path.name}: style sheet larger than 8 MiB; shorten it")
    return _parse_css(css_path, stat.st_mtime_ns, folders)


@cache
def _parse_css(css_path: str, mtime_ns: int, folders: tuple[Path, ...]) -> Any:
    from weasyprint import CSS
    from weasyprint.urls import FatalURLFetchingError

    path = Path(css_path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise TemplateError(f"{path}: not UTF-8 text; save the style sheet as UTF-8") from None
    fetcher = _fetcher_class()(folders)
    try:
        sheet = CSS(string=text, base_url=path.absolute().as_uri(), url_fetcher=fetcher,
                    font_config=_font_config())
    except FatalURLFetchingError:
        _raise_refused(fetcher, path.name)
        raise
    _raise_refused(fetcher, path.name)
    return sheet


def _raise_refused(fetcher: Any, where: str) -> None:
    if fetcher.refused:
        raise TemplateError(
            f"{where}: refers to {fetcher.refused[0]!r}; templates may only use files inside "
            "the template folder (no other local file, no network, data: only for images)")


@contextmanager
def source_date_epoch(generated: datetime) -> Iterator[None]:
    """Pin font-subset timestamps to the generation date for one PDF, then restore the env.

    A SOURCE_DATE_EPOCH the user set is respected and left alone.
    """
    if "SOURCE_DATE_EPOCH" in os.environ:
        yield
        return
    os.environ["SOURCE_DATE_EPOCH"] = str(int(generated.timestamp()))
    try:
        yield
    finally:
        os.environ.pop("SOURCE_DATE_EPOCH", None)


def css_string(text: str) -> str:
    """`text` as a CSS string: every character but an ASCII letter or digit escaped as
    ``\\HHHHHH``, so that no value can end the string, the rule or the style sheet (a space
    too: CSS would swallow a space that follows an escape)."""
    return '"' + "".join(c if c.isascii() and c.isalnum() else f"\\{ord(c):06X}"
                         for c in text) + '"'


def page_css(page_label: str, header: str | None) -> str:
    """CSS for the running header and the page footer ("Page {page} of {pages}"); none for
    a document without a running header (e.g. an instrument to be signed)."""
    if header is None:
        return ""
    before, _, rest = page_label.partition("{page}")
    middle, _, after = rest.partition("{pages}")

    content = (f"{css_string(before)} counter(page) {css_string(middle)} counter(pages) "
               f"{css_string(after)}")
    return (
        f"@page {{ @top-right {{ content: {css_string(header)}; }} "
        f"@bottom-center {{ content: {content}; }} }}"
    )


def font_css(locale: Locale) -> str:
    """The language's font stack (languages.yaml), after the shipped style sheet's own, so a
    script the serif fonts lack (Arabic, Chinese) is set in a font that has it."""
    if locale.fonts == DEFAULT_FONTS:
        return ""
    stack = ", ".join(css_string(f) for f in locale.fonts)
    return f"html, body, p, li, td, th, h1, h2, h3, h4 {{ font-family: {stack}, serif; }} "


def write_pdf(html: str, generated: datetime, stylesheet: Path | None = None,
              folders: tuple[Path, ...] = (), template: str = "document",
              page_style: str = "") -> bytes:
    """Render an HTML document (with its own <title> and lang) to PDF bytes.

    ``folders`` are the template folders WeasyPrint may read from (default: the shipped one).
    ``page_style`` is the running header and page numbers (`page_css`): a style sheet of its
    own, never text inside the document's HTML.
    """
    from weasyprint import CSS, HTML
    from weasyprint.urls import FatalURLFetchingError

    folders = folders or (templates_dir(),)
    css_path = stylesheet or templates_dir() / "style.css"
    fetcher = _fetcher_class()(folders)
    try:
        sheets = [_stylesheet(str(css_path), folders)]
        if page_style:
            sheets.append(CSS(string=page_style, url_fetcher=fetcher))
        document = HTML(string=html, base_url=str(folders[0]), url_fetcher=fetcher)
        with source_date_epoch(generated):
            data: bytes = document.write_pdf(
                stylesheets=sheets,
                font_config=_font_config(),
                pdf_variant=PDF_VARIANT,
                pdf_identifier=hashlib.sha256(html.encode("utf-8")).hexdigest()[:32].encode(),
                presentational_hints=True,
                finisher=_without_producer,
            )
    except FatalURLFetchingError:
        _raise_refused(fetcher, template)
        raise
    _raise_refused(fetcher, template)
    return data


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
