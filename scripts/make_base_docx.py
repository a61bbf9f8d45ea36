"""Build templates/base.docx: the Word template every generated DOCX starts from.

Run once after changing the house style here; afterwards legal advisers may edit base.docx
directly in Word or LibreOffice (fonts, margins, letterhead): keep the style names, the
{{ header }} placeholder and the footer's page fields.
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

FONT = "Times New Roman"
OUT = Path(__file__).resolve().parents[1] / "src" / "ccmkit" / "templates" / "base.docx"


def para_style(doc, name, base="Normal", size=12, bold=False, italic=False, align=None,
               before=0, after=8, indent=None, hanging=None, keep_next=False, caps=False):
    styles = doc.styles
    style = styles[name] if name in [s.name for s in styles] else styles.add_style(
        name, WD_STYLE_TYPE.PARAGRAPH)
    if name != "Normal":
        style.base_style = styles[base]
    font = style.font
    font.name, font.size, font.bold, font.italic = FONT, Pt(size), bold, italic
    font.all_caps = caps
    font.color.rgb = RGBColor(0, 0, 0)
    fmt = style.paragraph_format
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    fmt.keep_with_next = keep_next
    if align is not None:
        fmt.alignment = align
    if indent is not None:
        fmt.left_indent = Cm(indent)
    if hanging is not None:
        fmt.first_line_indent = Cm(-hanging)
    r_pr = style.element.get_or_add_rPr()
    rfonts = r_pr.get_or_add_rFonts()
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        rfonts.set(qn(attr), FONT)
    for tag in ("w:spacing", "w:kern"):
        for found in r_pr.findall(qn(tag)):
            r_pr.remove(found)
    p_pr = style.element.get_or_add_pPr()
    for found in p_pr.findall(qn("w:pBdr")):
        p_pr.remove(found)
    return style


def char_style(doc, name, highlight=None, bold=False):
    style = doc.styles.add_style(name, WD_STYLE_TYPE.CHARACTER)
    style.font.bold = bold
    if highlight is not None:
        style.font.highlight_color = highlight
    return style


def field_run(paragraph, instr):
    fld = OxmlElement("w:fldSimple")
    fld.set(qn("w:instr"), instr)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    fld.append(run)
    paragraph._p.append(fld)


def main() -> None:
    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.top_margin = section.bottom_margin = Cm(2.5)
    section.left_margin = section.right_margin = Cm(2.5)
    section.start_type = WD_SECTION.NEW_PAGE
    J, C = WD_ALIGN_PARAGRAPH.JUSTIFY, WD_ALIGN_PARAGRAPH.CENTER
    para_style(doc, "Normal", size=12, align=J)
    para_style(doc, "Body Text", size=12, align=J, after=8)
    para_style(doc, "Title", size=15, bold=True, align=C, after=6, keep_next=True, caps=True)
    para_style(doc, "Subtitle", size=12, italic=True, align=C, after=18, keep_next=True)
    para_style(doc, "Heading 1", size=13, bold=True, before=14, after=6, keep_next=True,
               align=WD_ALIGN_PARAGRAPH.LEFT)
    para_style(doc, "Heading 2", size=12, bold=True, before=10, after=4, keep_next=True,
               align=WD_ALIGN_PARAGRAPH.LEFT)
    para_style(doc, "Heading 3", size=12, bold=True, italic=True, before=8, after=4,
               keep_next=True, align=WD_ALIGN_PARAGRAPH.LEFT)
    para_style(doc, "Centered", size=12, align=C)
    para_style(doc, "Recital", size=12, align=J, indent=0, after=10)
    para_style(doc, "Operative", size=12, align=J, after=10)
    para_style(doc, "Question", size=12, bold=True, before=10, after=4, keep_next=True,
               align=WD_ALIGN_PARAGRAPH.LEFT)
    para_style(doc, "Document Info", size=10, italic=True, align=WD_ALIGN_PARAGRAPH.LEFT,
               after=4)
    para_style(doc, "Signature Block", size=12, align=WD_ALIGN_PARAGRAPH.LEFT, before=0,
               after=0, indent=8)
    para_style(doc, "Numbered Paragraph", size=12, align=J, indent=1, hanging=1, after=6)
    para_style(doc, "Bulleted Paragraph", size=12, align=J, indent=1, hanging=0.5, after=4)
    para_style(doc, "Lettered Paragraph", size=12, align=J, indent=2, hanging=1, after=4)
    para_style(doc, "Header", size=9, italic=True, align=WD_ALIGN_PARAGRAPH.RIGHT, after=0)
    para_style(doc, "Footer", size=9, align=C, after=0)
    para_style(doc, "Table Text", size=10, align=WD_ALIGN_PARAGRAPH.LEFT, after=0)
    char_style(doc, "Blank", highlight=WD_COLOR_INDEX.YELLOW)
    header = section.header.paragraphs[0]
    header.text = "{{ header }}"
    header.style = doc.styles["Header"]
    header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    footer = section.footer.paragraphs[0]
    footer.style = doc.styles["Footer"]
    footer.alignment = C
    footer.add_run("{{ page_before }}")
    field_run(footer, "PAGE")
    footer.add_run("{{ page_middle }}")
    field_run(footer, "NUMPAGES")
    footer.add_run("{{ page_after }}")
    body = doc.element.body
    for paragraph in list(doc.paragraphs):
        body.remove(paragraph._p)
    doc.core_properties.author = "ccmkit"
    doc.core_properties.title = ""
    OUT.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(OUT))
    print(f"wrote {OUT}", file=sys.stderr)


if __name__ == "__main__":
    main()
