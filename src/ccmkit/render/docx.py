"""Semantic HTML → DOCX on the base Word template (styles, header and footer from base.docx).

docxtpl fills the base template's header and footer placeholders; python-docx then writes
the body by walking the HTML tree: one Word paragraph per block element, in a named style.
A user's base.docx is checked before it is unpacked (``check_base_docx``).
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from docx.document import Document
from docx.enum.text import WD_BREAK, WD_COLOR_INDEX
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph
from docx.text.run import Run
from docxtpl import DocxTemplate
from jinja2 import StrictUndefined
from jinja2.sandbox import ImmutableSandboxedEnvironment
from lxml import etree

from ccmkit.errors import TemplateError
from ccmkit.languages import Locale
from ccmkit.resources import templates_dir

TAG_STYLES = {"h1": "Title", "h2": "Heading 1", "h3": "Heading 2", "h4": "Heading 3",
              "p": "Body Text"}
CLASS_STYLES = {
    "subtitle": "Subtitle",
    "center": "Centered",
    "signature": "Signature Block",
    "meta": "Document Info",
    "recital": "Recital",
    "operative": "Operative",
    "question": "Question",
    "item": "Lettered Paragraph",
}
CONTAINERS = {"body", "div", "section", "article", "header", "footer", "main"}
INLINE = {"strong", "b", "em", "i", "span", "a", "br"}
# what this writer renders faithfully (the pipeline refuses anything else in every template)
ELEMENTS = frozenset({*TAG_STYLES, *CONTAINERS, *INLINE, "aside", "ol", "ul", "li", "table",
                      "thead", "tbody", "tr", "th", "td"})
CLASSES = frozenset({*CLASS_STYLES, "blank", "note", "email",
                     # Word-native numbering (fields, lists) and page breaks
                     "seq", "ref", "num", "subsection", "clause", "new-page",
                     # tables styled only in the PDF (Table Grid in Word)
                     "dates", "checklist"})
# blocks whose content this writer writes as runs: only inline elements inside (and notes)
TEXT_BLOCKS = frozenset({*TAG_STYLES, "li", "th", "td"})
# blocks whose own loose text this writer does not write (it must sit in a p, li, td, ...)
NO_LOOSE_TEXT = frozenset({*CONTAINERS, "ol", "ul", "table", "thead", "tbody", "tr"})
MAX_BASE_BYTES = 10 << 20  # base.docx on disk
MAX_BASE_UNPACKED = 64 << 20  # all its parts, uncompressed
MAX_BASE_PARTS = 500
MAX_RATIO = 200  # uncompressed / compressed, per part
ALLOWED_TYPES = (
    "application/vnd.openxmlformats-officedocument.wordprocessingml.",
    "application/vnd.openxmlformats-officedocument.theme+xml",
    "application/vnd.openxmlformats-officedocument.drawingml.",
    "application/vnd.openxmlformats-officedocument.extended-properties+xml",
    "application/vnd.openxmlformats-officedocument.custom-properties+xml",
    "application/vnd.openxmlformats-officedocument.customXmlProperties+xml",
    "application/vnd.openxmlformats-officedocument.obfuscatedFont",
    "application/vnd.openxmlformats-package.",
    "application/vnd.ms-word.stylesWithEffects+xml",
    "application/xml", "image/png", "image/jpeg", "image/gif", "image/x-emf", "image/x-wmf",
)
MAIN_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
HYPERLINK = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"
# what a base.docx may carry: the fields ccmkit writes itself (page numbers, numbering and
# references), and relationships between its own parts (links excepted)
ALLOWED_FIELDS = frozenset({"PAGE", "NUMPAGES", "SECTIONPAGES", "SEQ", "REF", "PAGEREF",
                            "STYLEREF"})
ALLOWED_RELATIONSHIPS = frozenset({
    "officeDocument", "core-properties", "extended-properties", "custom-properties",
    "thumbnail", "styles", "stylesWithEffects", "settings", "webSettings", "fontTable", "font",
    "theme", "themeOverride", "customXml", "customXmlProps", "numbering", "header", "footer",
    "image", "hyperlink", "footnotes", "endnotes", "comments", "commentsExtended",
    "commentsIds", "commentsExtensible", "people", "glossaryDocument",
})
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
AUTHOR, INITIALS = "ccmkit", "CCM"
_WHITESPACE = re.compile(r"[ \t\r\n\f]+")


@dataclass(frozen=True)
class DocxMeta:
    """What the writer needs besides the HTML: metadata and header/footer labels."""

    title: str
    language: str  # BCP 47, e.g. "fr-FR"
    header: str | None  # None: no running header and no page numbers (a document to sign)
    page_label: str  # "Page {page} of {pages}"
    generated: datetime
    base: Path | None = None
    author: str = AUTHOR  # core properties and comment author
    locale: Locale | None = None  # the resolved language: direction, script and fonts


def write_docx(root: etree._Element, meta: DocxMeta) -> bytes:
    """Render the HTML tree to DOCX bytes (reproducible for the same input and date)."""
    before, middle, after = _split_page_label(meta.page_label)
    base = meta.base or templates_dir() / "base.docx"
    if meta.base is not None:
        check_base_docx(meta.base)
    template = DocxTemplate(str(base))
    env = ImmutableSandboxedEnvironment(undefined=StrictUndefined, autoescape=True)
    try:
        template.render(
            {"header": meta.header or "", "page_before": before, "page_middle": middle,
             "page_after": after},
            jinja_env=env,
            autoescape=True,
        )
    except Exception as exc:  # docxtpl raises many kinds on a broken base template
        raise TemplateError(f"base Word template: cannot fill header/footer ({exc})") from None
    doc: Document = template.docx
    body = doc.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    if meta.header is None:
        _drop_header_footer(doc)
    _BodyWriter(doc, meta.generated, meta.author).block(root.find("body"))
    _set_properties(doc, meta)
    buffer = io.BytesIO()
    doc.save(buffer)
    return _fixed_zip(buffer.getvalue(), meta.generated)


def check_base_docx(path: Path) -> None:
    """Refuse a base.docx that is too big, a ZIP bomb, macro-enabled or links outside itself."""
    name = path.name

    def bad(why: str) -> TemplateError:
        return TemplateError(f"{path}: {why}; use a plain .docx saved from Word or LibreOffice")

    if path.stat().st_size > MAX_BASE_BYTES:
        raise bad("larger than 10 MiB")
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
            if len(parts) > MAX_BASE_PARTS:
                raise bad(f"more than {MAX_BASE_PARTS} parts")
            if sum(p.file_size for p in parts) > MAX_BASE_UNPACKED:
                raise bad("more than 64 MiB once unpacked")
            for part in parts:
                if part.filename.startswith(("/", "\\")) or ".." in part.filename.split("/"):
                    raise bad(f"part name {part.filename[:60]!r} leads outside the package")
                if part.file_size > 1 << 20 and part.file_size > MAX_RATIO * max(
                        part.compress_size, 1):
                    raise bad(f"part {part.filename[:60]!r} is compressed suspiciously well")
            names = {p.filename for p in parts}
            if "[Content_Types].xml" not in names:
                raise bad("no [Content_Types].xml (not a Word document)")
            types = _xml(archive.read("[Content_Types].xml"))
            found = [t.get("ContentType", "") for t in types]
            if MAIN_TYPE not in found:
                raise bad("not a Word document (.docx); macro-enabled files and templates are "
                          "refused")
            for kind in found:
                if not kind.startswith(ALLOWED_TYPES):
                    raise bad(f"content type {kind[:80]!r} is not allowed (macros, embedded "
                              "objects and ActiveX are refused)")
            if any(n.lower().endswith(("vbaproject.bin", "vbadata.xml")) for n in names):
                raise bad("it carries macros (vbaProject); save it as a plain .docx")
            for rels in (n for n in names if n.endswith(".rels")):
                problem = _relationship_problem(rels, _xml(archive.read(rels)))
                if problem:
                    raise bad(problem)
            for xml_part in sorted(n for n in names if n.startswith("word/")
                                   and n.endswith(".xml")):
                problem = _field_problem(xml_part, _xml(archive.read(xml_part)))
                if problem:
                    raise bad(problem)
    except (zipfile.BadZipFile, etree.XMLSyntaxError, KeyError, OSError) as exc:
        raise TemplateError(f"{name}: not a readable .docx ({type(exc).__name__}); save it "
                            "again from Word or LibreOffice") from None


def _relationship_problem(rels: str, root: etree._Element) -> str | None:
    """Why a relationship of a base.docx reaches outside it (or is not plain Word), or None."""
    for rel in root:
        kind = rel.get("Type", "").rsplit("/", 1)[-1]
        target = rel.get("Target", "")[:60]
        if rel.get("TargetMode") == "External" and rel.get("Type") != HYPERLINK:
            return f"{rels} links to an outside resource ({kind} {target!r})"
        if kind not in ALLOWED_RELATIONSHIPS:
            what = {"attachedTemplate": "an attached template", "aFChunk": "an altChunk",
                    "vbaProject": "macros"}.get(kind, "a part Word would load")
            return (f"{rels} has a relationship of type {kind!r} ({what}, target "
                    f"{target!r}), which is not allowed")
    return None


def _field_problem(part: str, root: etree._Element) -> str | None:
    """Why a field of a base.docx part is refused (it is not one ccmkit writes), or None."""
    instructions = [f.get(f"{{{W_NS}}}instr", "") for f in root.iter(f"{{{W_NS}}}fldSimple")]
    stack: list[list[str]] = []
    for node in root.iter(f"{{{W_NS}}}fldChar", f"{{{W_NS}}}instrText"):
        if node.tag.endswith("instrText"):
            if stack:
                stack[-1].append(node.text or "")
            else:
                instructions.append(node.text or "")
            continue
        kind = node.get(f"{{{W_NS}}}fldCharType")
        if kind == "begin":
            stack.append([])
        elif kind in ("separate", "end") and stack:
            instructions.append("".join(stack.pop()))
            if kind == "separate":
                stack.append([])  # the field's result runs: nothing more to read
    for instruction in instructions:
        words = instruction.split()
        keyword = words[0].upper() if words else ""
        if keyword and keyword not in ALLOWED_FIELDS:
            return (f"{part} has a field {keyword[:30]} (only "
                    f"{', '.join(sorted(ALLOWED_FIELDS))} are allowed): remove it in Word")
    return None


def _xml(data: bytes) -> etree._Element:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    return etree.fromstring(data, parser)


def _split_page_label(label: str) -> tuple[str, str, str]:
    before, _, rest = label.partition("{page}")
    middle, _, after = rest.partition("{pages}")
    return before, middle, after


class _BodyWriter:
    """Walks block elements; collects drafting notes as comments on the last paragraph."""

    def __init__(self, doc: Document, when: datetime, author: str = AUTHOR) -> None:
        self.doc = doc
        # style ids looked up once: python-docx's per-call lookup scans every style
        self.style_ids = {s.name: s.style_id for s in doc.styles}
        self.when = when
        self.author = author
        self.last: Paragraph | None = None
        self.pending_notes: list[str] = []
        self.lists = _Lists(doc)
        self.fields = _Fields()

    def block(self, node: etree._Element | None) -> None:
        if node is None:
            return
        for child in node:
            if not isinstance(child.tag, str):
                continue
            tag = child.tag
            if tag in CONTAINERS:
                self.block(child)
            elif tag == "aside":
                self.note(" ".join(child.text_content().split()))
            elif tag in ("ol", "ul"):
                self.list(child)
            elif tag == "table":
                self.table(child)
            elif tag in TAG_STYLES:
                self.paragraph(child, self.style_for(child))

    def style_id(self, name: str) -> str:
        try:
            return self.style_ids[name]
        except KeyError:
            raise TemplateError(f"base Word template has no style {name!r}; restore it in "
                              "base.docx (see README, 'House style')") from None

    def style_for(self, node: etree._Element) -> str:
        for cls in (node.get("class") or "").split():
            if cls in CLASS_STYLES:
                return CLASS_STYLES[cls]
        return TAG_STYLES[node.tag]

    def paragraph(self, node: etree._Element, style: str, prefix: str = "") -> Paragraph:
        para = self.doc.add_paragraph()
        para._p.style = self.style_id(style)
        if "new-page" in (node.get("class") or "").split():
            para.paragraph_format.page_break_before = True
        if prefix:
            para.add_run(prefix + "\t")
        native = self.lists.apply(para, node)
        _inline(para, node, bold=False, italic=False, blank=False,
                fields=self.fields, skip_labels=native)
        _trim(para)
        if not para.runs:
            para.add_run("")
        self.last = para
        for text in self.pending_notes:
            self.comment(text)
        self.pending_notes.clear()
        return para

    def list(self, node: etree._Element) -> None:
        ordered = node.tag == "ol"
        start = int(node.get("start", "1"))
        style = "Numbered Paragraph" if ordered else "Bulleted Paragraph"
        items = [li for li in node if li.tag == "li"]
        for index, item in enumerate(items, start=start):
            self.paragraph(item, style, f"{index}." if ordered else "•")
            for sub in item:
                if sub.tag == "aside":
                    self.note(" ".join(sub.text_content().split()))

    def table(self, node: etree._Element) -> None:
        rows = [tr for tr in node.iter("tr")]
        width = max((len([c for c in tr if c.tag in ("td", "th")]) for tr in rows), default=0)
        if not rows or not width:
            return
        table = self.doc.add_table(rows=len(rows), cols=width)
        table.style = self.doc.styles["Table Grid"]
        for r, tr in enumerate(rows):
            cells = [c for c in tr if c.tag in ("td", "th")]
            for c, cell in enumerate(cells):
                para = table.cell(r, c).paragraphs[0]
                para._p.style = self.style_id("Table Text")
                _inline(para, cell, bold=cell.tag == "th", italic=False, blank=False,
                        fields=self.fields)
        if any(c.tag == "th" for c in rows[0]):
            tr_pr = table.rows[0]._tr.get_or_add_trPr()
            header = OxmlElement("w:tblHeader")
            tr_pr.append(header)

    def note(self, text: str) -> None:
        if not text:
            return
        if self.last is None:
            self.pending_notes.append(text)
        else:
            self.comment(text)

    def comment(self, text: str) -> None:
        assert self.last is not None
        runs = self.last.runs
        comment = self.doc.add_comment(runs, text=text, author=self.author, initials=INITIALS)
        comment._comment_elm.date = self.when


def _inline(para: Paragraph, node: etree._Element, *, bold: bool, italic: bool,
            blank: bool, fields: _Fields | None = None, skip_labels: bool = False) -> None:
    """Write an element's text and inline children as runs.

    With `fields`, span.seq becomes a SEQ field (bookmarked) and a.ref a REF field to it;
    with `skip_labels`, span.num (a label Word numbering replaces) is left out.
    """
    if node.text:
        _run(para, node.text, bold, italic, blank)
    for child in node:
        if not isinstance(child.tag, str):
            if child.tail:
                _run(para, child.tail, bold, italic, blank)
            continue
        tag, cls = child.tag, (child.get("class") or "").split()
        if tag == "br":
            para.add_run().add_break(WD_BREAK.LINE)
        elif tag == "aside" or tag in ("ol", "ul", "table"):
            pass  # notes and nested blocks are handled by the block walker
        elif skip_labels and tag == "span" and "num" in cls:
            pass  # Word's list numbering shows the label
        elif fields is not None and tag == "span" and "seq" in cls:
            fields.seq(para, child.get("data-seq") or "Seq", child.get("data-bookmark"),
                       child.text_content(), bold)
        elif fields is not None and tag == "a" and "ref" in cls:
            fields.ref(para, (child.get("href") or "").lstrip("#"), child.text_content(), bold)
        else:
            _inline(
                para,
                child,
                bold=bold or tag in ("strong", "b", "th"),
                italic=italic or tag in ("em", "i"),
                blank=blank or "blank" in cls,
                fields=fields,
                skip_labels=skip_labels,
            )
        if child.tail:
            _run(para, child.tail, bold, italic, blank)


def _run(para: Paragraph, text: str, bold: bool, italic: bool, blank: bool) -> Run | None:
    """Add a run, collapsing HTML whitespace (non-breaking spaces are kept)."""
    text = _WHITESPACE.sub(" ", text)
    previous = para.runs[-1].text if para.runs else ""
    if not para.runs or previous.endswith((" ", "\t")):
        text = text.lstrip(" ")
    if not text:
        return None
    run = para.add_run(text)
    if bold:
        run.bold = True
    if italic:
        run.italic = True
    if blank:
        run._r.style = "Blank"
        run.font.highlight_color = WD_COLOR_INDEX.YELLOW
    return run


def _trim(para: Paragraph) -> None:
    """Drop the trailing space HTML layout would not show."""
    if para.runs and para.runs[-1].text.endswith(" "):
        para.runs[-1].text = para.runs[-1].text.rstrip(" ")


def _drop_header_footer(doc: Document) -> None:
    """No running header, footer or page number (e.g. an instrument to be signed)."""
    for section in doc.sections:
        sect_pr = section._sectPr
        for tag in ("w:headerReference", "w:footerReference"):
            for ref in sect_pr.findall(qn(tag)):
                sect_pr.remove(ref)


class _Fields:
    """Word fields for numbers that follow the document: SEQ (with a bookmark) and REF."""

    def __init__(self) -> None:
        self.next_id = 1000

    def seq(self, para: Paragraph, name: str, bookmark: str | None, shown: str,
            bold: bool) -> None:
        start = None
        if bookmark:
            start = _element("w:bookmarkStart", {"w:id": str(self.next_id), "w:name": bookmark})
            para._p.append(start)
        self._field(para, f"SEQ {name} \\* ARABIC", shown, bold)
        if start is not None:
            para._p.append(_element("w:bookmarkEnd", {"w:id": str(self.next_id)}))
            self.next_id += 1

    def ref(self, para: Paragraph, bookmark: str, shown: str, bold: bool) -> None:
        self._field(para, f"REF {bookmark} \\h", shown, bold)

    @staticmethod
    def _field(para: Paragraph, instruction: str, shown: str, bold: bool) -> None:
        for kind, text in (("begin", None), ("instr", instruction), ("separate", None),
                           ("result", shown), ("end", None)):
            run = para.add_run(text if kind == "result" else None)
            if bold:
                run.bold = True
            if kind == "instr":
                instr = _element("w:instrText", {"xml:space": "preserve"})
                instr.text = f" {text} "
                run._r.append(instr)
            elif kind != "result":
                run._r.append(_element("w:fldChar", {"w:fldCharType": kind}))


class _Lists:
    """Word list numbering for paragraphs marked data-list (instance) and data-level (0, 1):
    one numbering instance per list, restarting at 1, with the label pattern of data-pattern
    (e.g. "(%1)|(%2)": level 0 decimal, level 1 lower-case letters)."""

    FORMATS = ("decimal", "lowerLetter")

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.abstract: dict[str, str] = {}
        self.instances: dict[str, str] = {}

    def apply(self, para: Paragraph, node: etree._Element) -> bool:
        key = node.get("data-list")
        if not key:
            return False
        pattern = node.get("data-pattern") or "%1.|(%2)"
        level = int(node.get("data-level") or "0")
        num_id = self._instance(key, pattern)
        p_pr = para._p.get_or_add_pPr()
        num_pr = _element("w:numPr", {})
        num_pr.append(_element("w:ilvl", {"w:val": str(level)}))
        num_pr.append(_element("w:numId", {"w:val": num_id}))
        p_pr.insert(1 if p_pr.find(qn("w:pStyle")) is not None else 0, num_pr)
        return True

    def _numbering(self) -> etree._Element:
        return self.doc.part.numbering_part.element

    def _instance(self, key: str, pattern: str) -> str:
        if key not in self.instances:
            numbering = self._numbering()
            used = [int(n.get(qn("w:numId"))) for n in numbering.findall(qn("w:num"))]
            num_id = str(max(used, default=0) + 1)
            num = _element("w:num", {"w:numId": num_id})
            num.append(_element("w:abstractNumId", {"w:val": self._abstract(pattern)}))
            for level in range(2):  # each list restarts at 1 / (a)
                override = _element("w:lvlOverride", {"w:ilvl": str(level)})
                override.append(_element("w:startOverride", {"w:val": "1"}))
                num.append(override)
            numbering.append(num)
            self.instances[key] = num_id
        return self.instances[key]

    def _abstract(self, pattern: str) -> str:
        if pattern not in self.abstract:
            numbering = self._numbering()
            used = [int(a.get(qn("w:abstractNumId")))
                    for a in numbering.findall(qn("w:abstractNum"))]
            abstract_id = str(max(used, default=0) + 1)
            abstract = _element("w:abstractNum", {"w:abstractNumId": abstract_id})
            abstract.append(_element("w:multiLevelType", {"w:val": "multilevel"}))
            for level, text in enumerate(pattern.split("|")[:2]):
                lvl = _element("w:lvl", {"w:ilvl": str(level)})
                lvl.append(_element("w:start", {"w:val": "1"}))
                lvl.append(_element("w:numFmt", {"w:val": self.FORMATS[level]}))
                lvl.append(_element("w:lvlText", {"w:val": text}))
                lvl.append(_element("w:lvlJc", {"w:val": "left"}))
                p_pr = _element("w:pPr", {})
                p_pr.append(_element("w:ind", {"w:left": str(567 * (level + 1)),
                                               "w:hanging": "567"}))
                lvl.append(p_pr)
                abstract.append(lvl)
            first_num = numbering.find(qn("w:num"))
            if first_num is not None:
                first_num.addprevious(abstract)  # every abstractNum precedes every num
            else:
                numbering.append(abstract)
            self.abstract[pattern] = abstract_id
        return self.abstract[pattern]


def _element(tag: str, attrs: dict[str, str]) -> etree._Element:
    element = OxmlElement(tag)
    for name, value in attrs.items():
        key = "{http://www.w3.org/XML/1998/namespace}space" if name == "xml:space" else qn(name)
        element.set(key, value)
    return element


def _set_properties(doc: Document, meta: DocxMeta) -> None:
    props = doc.core_properties
    props.title = meta.title
    props.language = meta.language
    props.author = meta.author
    props.last_modified_by = meta.author
    props.created = props.modified = meta.generated.replace(tzinfo=None)
    props.last_printed = meta.generated.replace(tzinfo=None)
    props.revision = 1
    props.comments = ""
    for style_name in ("Normal",):
        r_pr = doc.styles[style_name].element.get_or_add_rPr()
        lang = r_pr.find(qn("w:lang"))
        if lang is None:
            lang = OxmlElement("w:lang")
            r_pr.append(lang)
        lang.set(qn("w:val"), meta.language)
        if meta.locale is not None:
            _script_fonts(r_pr, lang, meta.locale)
    if meta.locale is not None and meta.locale.direction == "rtl":
        _right_to_left(doc)


def _script_fonts(r_pr: etree._Element, lang: etree._Element, locale: Locale) -> None:
    """Name the language's font and language in the slot Word uses for its script: the
    complex-script slot (Arabic, Hebrew...) or the East Asian one (Chinese, Japanese...)."""
    if not (locale.complex_script or locale.east_asian):
        return
    fonts = r_pr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        r_pr.insert(0, fonts)
    slot = "w:cs" if locale.complex_script else "w:eastAsia"
    fonts.set(qn(slot), locale.fonts[0])
    lang.set(qn("w:bidi" if locale.complex_script else "w:eastAsia"), locale.tag)


def _right_to_left(doc: Document) -> None:
    """Mark every paragraph right-to-left (w:bidi), every run (w:rtl, so Word applies the
    complex-script font and order) and every table (w:bidiVisual), in the body, the headers
    and the footers."""
    parts = [doc.element.body]
    for section in doc.sections:
        for part in (section.header, section.footer):
            if part is not None and not part.is_linked_to_previous:
                parts.append(part._element)
    for root in parts:
        for para in root.iter(qn("w:p")):
            p_pr = para.get_or_add_pPr()
            if p_pr.find(qn("w:bidi")) is None:
                p_pr.insert(0, OxmlElement("w:bidi"))
        for run in root.iter(qn("w:r")):
            r_pr = run.get_or_add_rPr()
            if r_pr.find(qn("w:rtl")) is None:
                r_pr.append(OxmlElement("w:rtl"))
        for table in root.iter(qn("w:tbl")):
            t_pr = table.find(qn("w:tblPr"))
            if t_pr is not None and t_pr.find(qn("w:bidiVisual")) is None:
                t_pr.insert(0, OxmlElement("w:bidiVisual"))


def _fixed_zip(data: bytes, when: datetime) -> bytes:
    """Rewrite the package with fixed entry timestamps so equal input gives equal bytes
    (through the one ZIP writer, ``output.zip_bytes``, keeping the parts' order)."""
    from ccmkit.output import zip_bytes

    with zipfile.ZipFile(io.BytesIO(data)) as src:
        parts = {item.filename: src.read(item.filename) for item in src.infolist()}
    return zip_bytes(parts, when, sort=False)
