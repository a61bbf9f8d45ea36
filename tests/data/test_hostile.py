"""Hostile and odd input in profiles is shown literally, never executed, files stay valid."""

from __future__ import annotations

import io
import re
import subprocess

import pikepdf
import pytest
from docx import Document
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ccmkit.data.profile import Profile, Signatory, profile_from_mapping
from ccmkit.data.states import load_registry
from ccmkit.errors import CcmkitError
from ccmkit.package import render_document
from tests.conftest import make_subject

pytestmark = pytest.mark.e2e  # real files, processes or HTTP: the outer loop

REGISTRY = load_registry()
NASTY = st.sampled_from([
    "<", ">", "&", '"', "'", "{{ 7*7 }}", "{% for x in range(3) %}x{% endfor %}", "</p><p>",
    "&amp;", "<script>alert(1)</script>", "\u202e", "\u200b", "\n", "ש", "ع", "ü", "ñ", " ",
])
TEXT = st.lists(st.one_of(NASTY, st.text(min_size=1, max_size=12)), min_size=1, max_size=12).map(
    "".join
).filter(lambda s: s.strip())


def _visible(text: str) -> str:
    return " ".join(text.split())


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=TEXT, place=TEXT, title=TEXT)
def test_profile_text_is_literal_and_files_stay_valid(name: str, place: str, title: str) -> None:
    try:
        profile = profile_from_mapping(
            {"signatory": {"name": name, "place": place, "title_text": title}}, "hostile.yaml")
    except CcmkitError as exc:  # control characters are refused with a clear message
        assert "control characters" in str(exc)
        return
    subject = make_subject(REGISTRY, "KEN", profile)
    docx, pdf = render_document(subject, "instrument", "en", ("docx", "pdf"))
    text = _visible("\n".join(p.text for p in Document(io.BytesIO(docx.data)).paragraphs))
    assert _visible(name) in text
    assert _visible(place) in text
    assert _visible(title) in text
    rest = text
    for value in (name, place, title):
        rest = rest.replace(_visible(value), "")
    assert "49" not in rest
    with pikepdf.open(io.BytesIO(pdf.data)) as parsed:
        assert len(parsed.pages) >= 1


def test_very_long_values() -> None:
    """A long text renders whole; a text beyond the limit is refused, never truncated."""
    profile = profile_from_mapping(
        {"signatory": {"name": "N" * 1900, "place": "Ville " * 300}}, "long.yaml")
    docx, pdf = render_document(make_subject(REGISTRY, "KEN", profile), "instrument", "fr",
                                ("docx", "pdf"))
    assert "N" * 1900 in "".join(p.text for p in Document(io.BytesIO(docx.data)).paragraphs)
    with pikepdf.open(io.BytesIO(pdf.data)) as parsed:
        assert len(parsed.pages) >= 1
    try:
        profile_from_mapping({"signatory": {"name": "N" * 10_000_000}}, "huge.yaml")
    except CcmkitError as exc:
        assert "huge.yaml: key 'signatory.name' is too long" in str(exc)
        assert len(str(exc)) < 300  # the value is not echoed
    else:
        raise AssertionError("accepted a 10 MB name")


def test_control_characters_refused() -> None:
    try:
        profile_from_mapping({"signatory": {"name": "A\x00B"}}, "p.yaml")
    except CcmkitError as exc:
        assert re.search(r"p.yaml: key 'signatory.name' must be text without control", str(exc))
    else:
        raise AssertionError("accepted a NUL character")


def test_a_ten_megabyte_name_is_refused_not_truncated() -> None:
    from ccmkit.errors import TemplateError

    profile = Profile(signatory=Signatory.model_construct(name="N" * 10_000_000))
    with pytest.raises(TemplateError, match=r"instrument/en.html.j2 renders to \d+\.\d million "
                                            r"characters \(limit 1 million\)"):
        render_document(make_subject(REGISTRY, "KEN", profile), "instrument", "en", ("docx",))


@pytest.mark.slow
def test_a_long_name_renders_whole_in_both_formats() -> None:
    name = "Zqx " * 12_500
    signatory = Signatory.model_construct(name=name)  # beyond the profile schema's limit
    docx, pdf = render_document(make_subject(REGISTRY, "KEN", Profile(signatory=signatory)),
                                "instrument", "en", ("docx", "pdf"))
    words = "".join(p.text for p in Document(io.BytesIO(docx.data)).paragraphs)
    assert name.strip() in words and words.count("Zqx") % 12_500 == 0
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf.data, capture_output=True,
                          check=True).stdout.decode()
    assert text.count("Zqx") == words.count("Zqx")


@pytest.mark.parametrize("char", ["\ufffe", "\uffff"])
def test_noncharacters_are_refused(char: str) -> None:
    from ccmkit.errors import TemplateError

    profile = Profile(signatory=Signatory.model_construct(name=f"A{char}B"))
    with pytest.raises(TemplateError, match=f"character U\\+{ord(char):04X}, which a document "
                                            "cannot carry"):
        render_document(make_subject(REGISTRY, "KEN", profile), "instrument", "en", ("docx",))


def _pdf_text(path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True,
                          text=True).stdout


def test_an_issuer_cannot_leave_its_css_string(tmp_path) -> None:
    """F7: the issuer reaches the PDF's running header as a CSS string, never as CSS."""
    from tests.conftest import run_cli

    issuer = ("ISU</style><style>p::after { content: ' INJECTED' } .signature { display: none }"
              '</style><style>"; } p::before { content: "ALSO" } x { content: "')
    result = run_cli("package", "USA", "--doc", "cover_note", "--lang", "en", "--format", "pdf",
                     "--out", str(tmp_path), "--issuer", issuer)
    assert result.exit_code == 0, result.output
    pdf = tmp_path / "USA" / "en" / "cover_note.pdf"
    text = "".join(_pdf_text(pdf).split())
    literal = text.count("ISU</style><style>p::after")
    assert literal >= 2  # the body and the running header print it as it was typed
    # no paragraph gained injected text, none was hidden
    assert text.count("INJECTED") == literal and text.count("ALSO") == literal


def test_a_long_unbreakable_word_wraps_in_the_pdf(tmp_path) -> None:
    """W10: a 240-character name is printed whole (it wraps), never clipped at the margin."""
    from tests.conftest import run_cli

    name = "Wxyz" * 60
    profile = tmp_path / "long.yaml"
    profile.write_text(f"signatory:\n  name: {name}\n", encoding="utf-8")
    result = run_cli("package", "KEN", "--doc", "instrument", "--lang", "en", "--format", "pdf",
                     "--profile", str(profile), "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    text = "".join(_pdf_text(tmp_path / "KEN" / "en" / "instrument.pdf").split())
    assert text.count(name) >= 1 and text.count("Wxyz") % 60 == 0


def test_flow_depth_counts_brackets_outside_quotes_and_comments() -> None:
    """The guard that refuses a deeply nested file before PyYAML (quadratic in the depth)."""
    from ccmkit.data.schema import MAX_FLOW_DEPTH, flow_depth

    assert flow_depth("a: [[1], {b: '[[['}, \"]{{\\\"\"]  # [[[[\nc: O'Brien [x]\n") == 2
    assert flow_depth("a: " + "[" * (MAX_FLOW_DEPTH + 1) + "]" * (MAX_FLOW_DEPTH + 1)) > \
        MAX_FLOW_DEPTH
