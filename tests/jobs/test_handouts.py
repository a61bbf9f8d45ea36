"""Hand-outs: download names, the State's ZIP (documents only, reproducible), the workshop's
ZIP and index.csv."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest

from ccmkit.jobs.handouts import index_text, workshop_zip
from ccmkit.jobs.run import Result
from ccmkit.output import zip_bytes
from ccmkit.package import download_name, file_download_name
from tests.conftest import GENERATED, run_cli


def test_download_names_carry_state_language_and_document() -> None:
    assert download_name("VNM", "en", "instrument", "pdf") == "VNM-en-instrument.pdf"
    assert download_name("MAR", "fr", "legislation", "docx") == "MAR-fr-projet-de-loi.docx"
    assert download_name("ARG", "es", "cover_note", "pdf") == "ARG-es-nota-de-envio.pdf"
    assert file_download_name("COD/fr/steps.docx") == "COD-fr-etapes.docx"
    assert file_download_name("internal/COD/brief-fr.pdf") == "internal-COD-brief-fr.pdf"


@pytest.mark.e2e  # two batches through the worker pool
def test_the_state_zip_holds_the_documents_only_and_is_reproducible(tmp_path) -> None:
    args = ["batch", "--states", "MAR", "--lang", "fr", "--doc", "legislation", "--doc",
            "instrument", "--format", "docx", "--date", GENERATED.isoformat(), "--jobs", "1",
            "--quiet", "--zip", "--out"]
    assert run_cli(*args, str(tmp_path / "a")).exit_code == 0
    assert run_cli(*args, str(tmp_path / "b")).exit_code == 0
    first = (tmp_path / "a/MAR.zip").read_bytes()
    assert first == (tmp_path / "b/MAR.zip").read_bytes()
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        assert archive.namelist() == ["MAR-fr-instrument.docx", "MAR-fr-projet-de-loi.docx"]
        assert archive.read("MAR-fr-instrument.docx") == (
            tmp_path / "a/MAR/fr/instrument.docx").read_bytes()
    assert (tmp_path / "a/MAR/manifest.json").is_file()  # beside the ZIP, for the ISU
    # the workshop's ZIP: index, overview, each State's documents and manifest
    ok = Result("MAR", "Morocco", "not_signed", ("fr",), ok=True,
                files=("MAR/fr/instrument.docx", "MAR/fr/legislation.docx"))
    (tmp_path / "a/index.csv").write_text(index_text([ok], False), encoding="utf-8")
    names = zipfile.ZipFile(io.BytesIO(workshop_zip(tmp_path / "a", [ok], GENERATED))).namelist()
    assert "index.csv" in names and "MAR/MAR-fr-projet-de-loi.docx" in names
    assert "MAR/manifest.json" in names


def test_one_zip_writer_fixes_times_and_order() -> None:
    data = zip_bytes({"b.txt": b"b", "a.txt": b"a"}, GENERATED)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.namelist() == ["a.txt", "b.txt"]
        assert {i.date_time for i in archive.infolist()} == {(2026, 11, 25, 12, 0, 0)}
    assert zip_bytes({"b.txt": b"b", "a.txt": b"a"}, GENERATED, sort=False) != data


def test_index_cells_are_never_formulas() -> None:
    bad = Result("KEN", "Kenya", "signatory", ("en",), ok=False,
                 message='=HYPERLINK("http://evil.example","x")')
    row = next(csv.DictReader(io.StringIO(index_text([bad], True))))
    assert row["reason"].startswith("'=") and row["result"] == "failed" and row["zip"] == ""
