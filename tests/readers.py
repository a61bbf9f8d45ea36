"""Read generated files back the way a reviewer would: python-docx, poppler, LibreOffice."""

from __future__ import annotations

import re
import subprocess
import zipfile
from collections import Counter
from pathlib import Path

from docx import Document
from docx.table import Table
from docx.text.paragraph import Paragraph
from lxml import etree

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def docx_paragraphs(path: Path) -> list[tuple[str, str]]:
    """(style, text) of every body paragraph, table cells included, in document order."""
    doc = Document(str(path))
    out = []
    for child in doc.element.body.iterchildren():
        if child.tag == f"{W}p":
            para = Paragraph(child, doc)
            out.append((para.style.name, para.text))
        elif child.tag == f"{W}tbl":
            for row in Table(child, doc).rows:
                for cell in row.cells:
                    out.extend((p.style.name, p.text) for p in cell.paragraphs)
    return out


def docx_text(path: Path) -> str:
    return "\n".join(text for _, text in docx_paragraphs(path))


def docx_comments(path: Path) -> list[str]:
    doc = Document(str(path))
    return [c.text for c in doc.comments]


def docx_highlighted(path: Path) -> list[str]:
    """Text of the runs highlighted as blanks."""
    with zipfile.ZipFile(path) as archive:
        root = etree.fromstring(archive.read("word/document.xml"))
    runs = root.iter(f"{W}r")
    return ["".join(t.text or "" for t in r.iter(f"{W}t")) for r in runs
            if r.find(f"{W}rPr/{W}highlight") is not None]


def pdf_text_bytes(data: bytes) -> str:
    """Text of a PDF held in memory."""
    return subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=data,
                          capture_output=True, check=True).stdout.decode("utf-8")


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout


def pdf_body_text(path: Path, header: str) -> str:
    """PDF text without running headers, page footers and hyphenation breaks."""
    lines = []
    for line in pdf_text(path).splitlines():
        stripped = line.strip()
        footer = re.fullmatch(r"(Page|Página) \d+ (of|sur|de) \d+", stripped)
        if not stripped or stripped == header or footer:
            continue
        lines.append(stripped)
    text = "\n".join(lines).replace("\f", "\n")
    # a line-end hyphen may be automatic hyphenation or a real one: words() drops both
    return re.sub(r"[\u2010-]\n(?=\w)", "", text)


def words(text: str) -> Counter:
    """Words for an order-insensitive comparison (tables read in another order, hyphens
    ignored since a line-end hyphen in a PDF cannot be told from hyphenation)."""
    text = re.sub(r"[\u2010-]", "", text.replace("\u00a0", " ")).casefold()
    return Counter(re.findall(r"[\w@.'’()\-]+", text))


def pdf_fonts(path: Path) -> list[list[str]]:
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True,
                         check=True).stdout
    return [line.split() for line in out.splitlines()[2:] if line.strip()]


def qpdf_check(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
