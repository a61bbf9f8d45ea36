"""The rendering pipeline: locale, writer registry, the shared vocabulary, no side effects."""

from __future__ import annotations

import io
import os
from dataclasses import replace

import pytest
from babel.support import NullTranslations
from docx import Document

from ccmkit import i18n, languages
from ccmkit.errors import TemplateError
from ccmkit.languages import get_language
from ccmkit.package import render_document
from ccmkit.render import pipeline
from ccmkit.render.html import to_string
from tests.conftest import make_subject
from tests.readers import docx_comments, pdf_text_bytes

DOC = "{% extends 'base.html.j2' %}{% block body %}<h1>Title</h1>BODY{% endblock %}"


def template_dir(tmp_path, body: str, kind: str = "instrument", lang: str = "en"):
    folder = tmp_path / "t"
    (folder / kind).mkdir(parents=True, exist_ok=True)
    (folder / kind / f"{lang}.html.j2").write_text(DOC.replace("BODY", body), encoding="utf-8")
    return folder


def render(registry, folder, formats=("docx", "pdf")):
    return render_document(make_subject(registry, "KEN", template_dir=folder), "instrument",
                           "en", formats)


def test_locale_resolved_once_per_language() -> None:
    fr = languages.get_locale("fr")
    assert (fr.lang, fr.babel, fr.tag, fr.direction, fr.script) == (
        "fr", "fr_FR", "fr-FR", "ltr", "Latn")
    assert languages.get_locale("fr") is fr  # resolved once, then carried
    assert {languages.get_locale(c).direction for c in ("en", "es")} == {"ltr"}
    assert fr.gettext("Page {page} of {pages}") != "Page {page} of {pages}"


def test_right_to_left_and_cjk_scripts_are_detected(monkeypatch) -> None:
    cases = {"ar": ("ar_EG", "rtl", "Arab"), "zh": ("zh_Hans_CN", "ltr", "Hans")}
    for code, (babel, direction, script) in cases.items():
        record = replace(get_language("en"), code=code, babel_locale=babel)
        monkeypatch.setattr(languages, "get_language", lambda _code, r=record: r)
        monkeypatch.setattr(i18n, "translations", lambda _code: NullTranslations())
        languages.get_locale.cache_clear()
        try:
            locale = languages.get_locale(code)
            assert (locale.direction, locale.script) == (direction, script)
            assert locale.complex_script == (code == "ar") and locale.east_asian == (code == "zh")
        finally:
            languages.get_locale.cache_clear()


def test_writers_share_one_signature() -> None:
    assert set(pipeline.WRITERS) >= {"docx", "pdf"}
    for writer in pipeline.WRITERS.values():
        assert writer.fmt and writer.media_type and callable(writer.write)


# (case, HTML in the body, words the error names) — what the DOCX writer used to drop silently
UNSUPPORTED = [
    ("blockquote", "<blockquote>quoted</blockquote>", "<blockquote> is not supported by the DOCX"),
    ("nested list", "<ol><li>a<ul><li>b</li></ul></li></ol>", "<ul> inside <li>"),
    ("h5", "<h5>small heading</h5>", "<h5> is not supported by the DOCX"),
    ("definition list", "<dl><dt>t</dt><dd>d</dd></dl>", "<dl> is not supported by the DOCX"),
    ("image", '<p><img src="logo.png"></p>', "<img> is not supported"),
    ("style attribute", '<p style="color:red">x</p>', "<p style=...>"),
    ("unknown class", '<p class="fancy">x</p>', 'class="fancy"'),
    ("table in a cell", "<table><tr><td><table><tr><td>x</td></tr></table></td></tr></table>",
     "<table> inside <td>"),
    ("link to a web page", '<p><a href="https://example.org">x</a></p>', "only mailto:"),
    ("object", '<object data="x.pdf"></object>', "<object> is not supported"),
    ("loose text", "<div>loose words<p>x</p></div>", "text directly inside <div>"),
    ("text between blocks", "<div><p>a</p>stray words<p>b</p></div>",
     "text directly inside <div>"),
    ("paragraph in a list item", "<ul><li><p>x</p></li></ul>", "<p> inside <li>"),
]


@pytest.mark.parametrize(("case", "body", "words"), UNSUPPORTED, ids=[c[0] for c in UNSUPPORTED])
def test_unsupported_html_is_an_error_naming_the_template(registry, tmp_path, case, body,
                                                           words) -> None:
    folder = template_dir(tmp_path, body)
    with pytest.raises(TemplateError) as caught:
        render(registry, folder, ("pdf",))  # even a PDF-only run: the DOCX would differ
    assert "instrument/en.html.j2" in str(caught.value) and words in str(caught.value)


def test_supported_vocabulary_renders_in_both_formats(registry, tmp_path) -> None:
    body = ('<h2>Part</h2><p class="recital">R <strong>b</strong> <em>i</em> '
            '<span class="blank">[x]</span><br>y</p><ol start="3"><li>one<aside class="note">'
            'n</aside></li></ol><table><thead><tr><th>A</th></tr></thead><tbody><tr><td>1</td>'
            "</tr></tbody></table>")
    docx, pdf = render(registry, template_dir(tmp_path, body))
    assert (docx.fmt, pdf.fmt) == ("docx", "pdf")
    (tmp_path / "v.docx").write_bytes(docx.data)
    doc = Document(io.BytesIO(docx.data))
    paragraphs = [(p.style.name, p.text) for p in doc.paragraphs]
    assert paragraphs[1:] == [("Heading 1", "Part"), ("Recital", "R b i [x]\ny"),
                              ("Numbered Paragraph", "3.\tone")]  # <ol start="3">
    runs = {r.text: (r.bold, r.italic) for r in doc.paragraphs[2].runs}
    assert runs["b"] == (True, None) and runs["i"] == (None, True)
    assert docx_comments(tmp_path / "v.docx") == ["n"]  # the note became a Word comment
    assert [[c.text for c in row.cells] for row in doc.tables[0].rows] == [["A"], ["1"]]
    text = pdf_text_bytes(pdf.data)
    assert "R b i [x]\ny" in text and "3. one" in text and "A\n1" in text


def test_a_registered_writer_constrains_every_template(registry, tmp_path) -> None:
    plain = pipeline.Writer("html", "text/html", pipeline.WRITERS["docx"].elements - {"table"},
                            frozenset(), frozenset(), lambda page: to_string(page.tree).encode())
    pipeline.register(plain)
    try:
        (html,) = render(registry, template_dir(tmp_path, "<p>hello</p>"), ("html",))
        assert b"<p>hello</p>" in html.data
        with pytest.raises(TemplateError, match="<table> is not supported by the HTML writer"):
            # the shipped steps note has a table
            render_document(make_subject(registry, "KEN"), "steps", "en", ("docx",))
    finally:
        del pipeline.WRITERS["html"]


def test_pdf_leaves_no_source_date_epoch_behind(registry, monkeypatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    render(registry, None, ("pdf",))
    assert "SOURCE_DATE_EPOCH" not in os.environ


def test_pdf_keeps_the_users_source_date_epoch(registry, monkeypatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    render(registry, None, ("pdf",))
    assert os.environ["SOURCE_DATE_EPOCH"] == "1700000000"


def test_later_package_without_date_is_dated_today(tmp_path, monkeypatch) -> None:
    from datetime import date

    from ccmkit.cli import default_generation_date
    from tests.conftest import run_cli

    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    run_cli("package", "KEN", "--doc", "instrument", "--lang", "en", "--format", "pdf",
            "--date", "2001-01-01", "--out", str(tmp_path))
    assert default_generation_date() == date.today()


def test_unknown_format_is_a_user_error(registry) -> None:
    from ccmkit.errors import CcmkitError

    with pytest.raises(CcmkitError, match="unknown format 'odt': use one of docx, pdf"):
        render(registry, None, ("odt",))
