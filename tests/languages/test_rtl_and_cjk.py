"""A right-to-left and a CJK language added as content only (a throw-away Arabic and Chinese in
a copy of the project): the PDF shapes and orders the text, the DOCX marks paragraphs and runs
right-to-left and names the script's font, and no code changes."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from babel import Locale as BabelLocale

from tests.language_copy import project_with_language, run_ccmkit
from tests.readers import pdf_fonts

pytestmark = pytest.mark.slow

INSTRUMENT = """{% extends "base.html.j2" %}
{% block body %}
<h1>TITLE</h1>
<p class="subtitle">{{ convention }}</p>
<p class="recital">RECITAL {{ adoption_date|longdate }}</p>
<p class="operative">OPERATIVE {{ S.short }}.</p>
{% endblock %}
"""
LANGUAGES = {
    "ar": {
        "entry": "ar:\n  name: العربية\n  babel_locale: ar_EG\n  package_language: true\n"
                 "  fonts: [DejaVu Sans]\n  typography:\n    first_day_suffix: ''\n"
                 "    nbsp_before: ''\n    nbsp_inside_guillemets: false\n",
        "title": "صك انضمام",
        "recital": "حيث إن الاتفاقية اعتمدت في دبلن في",
        "operative": "فإن الحكومة تنضم إلى الاتفاقية باسم",
        "convention": "اتفاقية الذخائر العنقودية",
        "font": "DejaVu",
    },
    "zh": {
        "entry": "zh:\n  name: 中文\n  babel_locale: zh_Hans_CN\n  package_language: true\n"
                 "  fonts: [WenQuanYi Micro Hei]\n  typography:\n    first_day_suffix: ''\n"
                 "    nbsp_before: ''\n    nbsp_inside_guillemets: false\n",
        "title": "加入书",
        "recital": "鉴于该公约于都柏林通过，日期为",
        "operative": "政府兹加入该公约：",
        "convention": "集束弹药公约",
        "font": "WenQuanYi",
    },
}


def _names(code: str, babel: str):
    territories = BabelLocale.parse(babel).territories

    def names(record: dict) -> dict:
        from pycountry import countries

        found = countries.get(alpha_3=record["iso3"])
        short = territories.get(found.alpha_2, record["names"]["en"]["short"]) if found else \
            record["names"]["en"]["short"]
        return {key: short for key in ("short", "with_article", "of", "to", "formal",
                                       "formal_of")}
    return names


@pytest.fixture(scope="module", params=["ar", "zh"])
def rendered(request, tmp_path_factory) -> tuple[str, Path]:
    code = request.param
    spec = LANGUAGES[code]
    tmp = tmp_path_factory.mktemp(code)
    template = (INSTRUMENT.replace("TITLE", spec["title"])
                .replace("RECITAL", spec["recital"]).replace("OPERATIVE", spec["operative"]))
    babel = re.search(r"babel_locale: (\S+)", spec["entry"]).group(1)  # type: ignore[union-attr]
    src = project_with_language(tmp, code, spec["entry"], _names(code, babel),
                                {f"instrument/{code}.html.j2": template},
                                {"Convention on Cluster Munitions": spec["convention"]})
    run = run_ccmkit(src, tmp, "package", "KEN", "--lang", code, "--doc", "instrument",
                     "--out", str(tmp / "out"), "--date", "2026-12-05")
    assert run.returncode == 0, run.stderr
    return code, tmp / "out" / "KEN" / code


def test_pdf_text_is_shaped_and_in_reading_order(rendered) -> None:
    code, folder = rendered
    spec = LANGUAGES[code]
    kenya = BabelLocale.parse(re.search(r"babel_locale: (\S+)", spec["entry"]).group(1)
                              ).territories["KE"]  # type: ignore[union-attr]
    text = subprocess.run(["pdftotext", "-layout", str(folder / "instrument.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    flat = " ".join(text.split())
    # logical order: the words come out as written (pdftotext reorders visual RTL runs)
    assert spec["title"] in flat and kenya in flat, flat
    assert spec["operative"].split()[0] in flat
    fonts = " ".join(" ".join(row) for row in pdf_fonts(folder / "instrument.pdf"))
    assert spec["font"] in fonts  # the language's own font, embedded
    png = folder / "page"
    subprocess.run(["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1",
                    str(folder / "instrument.pdf"), str(png)], check=True)
    assert next(folder.glob("page*.png")).stat().st_size > 2000  # looked at in review


def test_docx_marks_direction_and_script_font(rendered) -> None:
    code, folder = rendered
    with zipfile.ZipFile(folder / "instrument.docx") as archive:
        document = archive.read("word/document.xml").decode()
        styles = archive.read("word/styles.xml").decode()
    if code == "ar":
        paragraphs = document.count("<w:p>") + document.count("<w:p ")
        assert document.count("<w:bidi/>") >= paragraphs > 0
        assert "<w:rtl/>" in document
        assert 'w:cs="DejaVu Sans"' in styles and 'w:bidi="ar-EG"' in styles
    else:
        assert "<w:bidi/>" not in document and "<w:rtl/>" not in document
        assert 'w:eastAsia="WenQuanYi Micro Hei"' in styles
        assert 'w:eastAsia="zh-Hans-CN"' in styles


def test_libreoffice_opens_the_docx(rendered, tmp_path) -> None:
    code, folder = rendered
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice is required"
    run = subprocess.run([soffice, "--headless", "--norestore", "--convert-to",
                          "txt:Text (encoded):UTF8", "--outdir", str(tmp_path),
                          str(folder / "instrument.docx")],
                         capture_output=True, text=True, timeout=180,
                         env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"})
    assert run.returncode == 0, run.stderr
    text = (tmp_path / "instrument.txt").read_text(encoding="utf-8-sig")
    assert LANGUAGES[code]["title"] in text
