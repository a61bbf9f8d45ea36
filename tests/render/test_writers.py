"""The writers on a small document: styles, blanks, notes, tables, escaping."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from docx import Document

from ccmkit.errors import CcmkitError
from ccmkit.languages import get_language, get_locale
from ccmkit.render.docx import DocxMeta, write_docx
from ccmkit.render.html import make_environment, render_html, to_tree

HTML = """<html lang="en"><head><title>t</title></head><body>
<h1>Title</h1><p class="subtitle">Sub</p>
<aside class="note">A note on the title.</aside>
<h2>Part</h2>
<p>Text with <strong>bold</strong>, <em>italic</em> and <span class="blank">[blank]</span>.</p>
<ol><li>first</li><li>second</li></ol>
<table><tr><th>A</th><th>B</th></tr><tr><td>1</td><td>2</td></tr></table>
<div class="signature"><p class="signature">[Signature]</p></div>
</body></html>"""
META = DocxMeta(title="T", language="en-GB", header="Kenya & <Co> \"quoted\"",
                page_label="Page {page} of {pages}",
                generated=datetime(2026, 11, 25, 12, tzinfo=UTC))


def test_docx_styles_runs_comments_and_escaped_header() -> None:
    doc = Document(io.BytesIO(write_docx(to_tree(HTML, get_language("en")), META)))
    styles = [(p.style.name, p.text) for p in doc.paragraphs]
    assert styles == [
        ("Title", "Title"), ("Subtitle", "Sub"), ("Heading 1", "Part"),
        ("Body Text", "Text with bold, italic and [blank]."),
        ("Numbered Paragraph", "1.\tfirst"), ("Numbered Paragraph", "2.\tsecond"),
        ("Signature Block", "[Signature]"),
    ]
    runs = doc.paragraphs[3].runs
    assert [r.text for r in runs if r.bold] == ["bold"]
    assert [r.text for r in runs if r.italic] == ["italic"]
    assert [r.text for r in runs if r.font.highlight_color] == ["[blank]"]
    assert [c.text for c in doc.comments] == ["A note on the title."]
    assert doc.tables[0].cell(1, 1).text == "2"
    assert doc.sections[0].header.paragraphs[0].text == 'Kenya & <Co> "quoted"'
    assert "Page" in doc.sections[0].footer.paragraphs[0].text
    assert doc.core_properties.language == "en-GB"


def test_missing_variable_names_template_and_variable(tmp_path) -> None:
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "en.html.j2").write_text("<p>ok</p>\n<p>{{ missing_thing }}</p>",
                                                encoding="utf-8")
    env = make_environment(get_locale("en"), tmp_path)
    with pytest.raises(CcmkitError, match=r"x/en.html.j2.*line 2.*'missing_thing' is undefined"):
        render_html(env, "x/en.html.j2", {})
