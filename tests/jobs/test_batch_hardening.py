"""A batch isolates each State's problem, never races on a State, and dies with its parent."""

from __future__ import annotations

import csv
import errno
import json
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from docx import Document

from ccmkit import output
from tests.conftest import GENERATED, run_cli
from tests.processes import descendants

pytestmark = pytest.mark.e2e  # real files, processes or HTTP: the outer loop

ONE = ["--lang", "en", "--doc", "instrument", "--format", "docx", "--date", GENERATED.isoformat(),
       "--jobs", "1", "--quiet"]


def index_rows(out: Path) -> dict[str, dict[str, str]]:
    with (out / "index.csv").open(encoding="utf-8") as handle:
        return {row["state"]: row for row in csv.DictReader(handle)}


def batch(out: Path, *extra: str):
    return run_cli("batch", *ONE, "--out", str(out), *extra)


def test_unknown_state_fails_alone_and_repeats_count_once(tmp_path) -> None:
    out = tmp_path / "out"
    result = batch(out, "--states", "KEN,Atlantis,kenya,KE,HTI")
    assert result.exit_code == 1
    rows = index_rows(out)
    assert set(rows) == {"KEN", "HTI", "Atlantis"}
    assert rows["KEN"]["result"] == rows["HTI"]["result"] == "ok"
    assert rows["Atlantis"]["result"] == "failed"
    assert "unknown State 'Atlantis'" in rows["Atlantis"]["reason"]
    assert "Atlantis" in result.output and "Traceback" not in result.output


def test_state_party_in_selection_fails_alone(tmp_path) -> None:
    out = tmp_path / "out"
    assert batch(out, "--states", "FRA,KEN").exit_code == 1
    rows = index_rows(out)
    assert rows["KEN"]["result"] == "ok" and "already a State Party" in rows["FRA"]["reason"]


def test_from_csv_duplicates(tmp_path) -> None:
    listing = tmp_path / "invited.csv"
    listing.write_text("state,deposit_date\nKenya,2027-03-15\nKEN,2027-03-15\nHaiti,\n"
                       "HTI,2027-05-01\n", encoding="utf-8")
    out = tmp_path / "out"
    assert batch(out, "--from", str(listing)).exit_code == 1
    rows = index_rows(out)
    assert rows["KEN"]["result"] == "ok"  # the same values twice: one State
    assert rows["HTI"]["result"] == "failed"
    assert "listed twice in invited.csv (line 4 and line 5) with different values" in rows[
        "HTI"]["reason"]


def test_malformed_csv_row_is_one_line(tmp_path) -> None:
    listing = tmp_path / "invited.csv"
    listing.write_text("state,deposit_date\nKenya,2027-03-15,extra\n", encoding="utf-8")
    result = batch(tmp_path / "out", "--from", str(listing))
    assert result.exit_code == 3
    assert result.output.strip() == (f"Error: {listing}, line 2: more values than columns; "
                                      "check the commas on that line")


@pytest.mark.parametrize("special", ["/dev/zero", "fifo"])
def test_special_file_as_state_list(tmp_path, special) -> None:
    if special == "fifo":
        special = str(tmp_path / "fifo")
        os.mkfifo(special)
    result = batch(tmp_path / "out", "--from", special)
    assert result.exit_code == 3
    assert result.output.strip() == (f"Error: state list {special} is not a regular file; "
                                      "give a CSV file")


def test_edited_docx_fails_that_state_only(tmp_path) -> None:
    out = tmp_path / "out"
    assert batch(out, "--states", "KEN,HTI", "--lang", "en").exit_code == 0
    path = out / "KEN/en/instrument.docx"
    doc = Document(str(path))
    doc.add_paragraph("Edited.")
    doc.save(str(path))
    edited = path.read_bytes()
    result = batch(out, "--states", "KEN,HTI", "--date", "2026-12-01")
    assert result.exit_code == 1
    rows = index_rows(out)
    assert "was edited after ccmkit wrote it" in rows["KEN"]["reason"]
    assert rows["HTI"]["result"] == "ok" and path.read_bytes() == edited
    assert batch(out, "--states", "KEN,HTI", "--date", "2026-12-01", "--force").exit_code == 0
    assert path.read_bytes() != edited


def test_full_disk_for_one_state_is_in_the_index(tmp_path, monkeypatch) -> None:
    real = output.write_bytes_new

    def full_for_haiti(path: Path, data: bytes) -> None:
        if "HTI" in path.parts:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
        real(path, data)

    monkeypatch.setattr(output, "write_bytes_new", full_for_haiti)
    out = tmp_path / "out"
    assert batch(out, "--states", "KEN,HTI").exit_code == 1
    rows = index_rows(out)
    assert rows["KEN"]["result"] == "ok"
    assert "No space left on device" in rows["HTI"]["reason"]
    assert not (out / "HTI").exists() and not list(out.glob(".HTI.staging-*"))


def test_planted_links_at_hand_out_names(tmp_path) -> None:
    out, victim = tmp_path / "out", tmp_path / "victim.txt"
    victim.write_text("keep me", encoding="utf-8")
    out.mkdir()
    for name in ("index.csv", "index.csv.partial", "overview.pdf", "overview.pdf.partial",
                 "overview.docx.partial", "KEN.zip", "KEN.zip.partial"):
        (out / name).symlink_to(victim)
    assert batch(out, "--states", "KEN", "--zip").exit_code == 0
    assert victim.read_text(encoding="utf-8") == "keep me"
    for name in ("index.csv", "overview.pdf", "KEN.zip"):
        assert not (out / name).is_symlink() and (out / name).stat().st_size > 0
    with zipfile.ZipFile(out / "KEN.zip") as archive:
        assert archive.namelist() == ["KEN-en-instrument.docx"]  # documents only


def test_zip_lists_manifest_files_only_after_force(tmp_path) -> None:
    out = tmp_path / "out"
    assert batch(out, "--states", "KEN", "--zip").exit_code == 0
    (out / "KEN/en/notes.txt").write_text("mine", encoding="utf-8")
    assert batch(out, "--states", "KEN", "--zip").exit_code == 0  # up to date: ZIP rebuilt
    with zipfile.ZipFile(out / "KEN.zip") as archive:
        assert "KEN/en/notes.txt" not in archive.namelist()
    assert (out / "KEN/en/notes.txt").exists()
    result = batch(out, "--states", "KEN", "--zip", "--date", "2026-12-01")  # regenerate
    assert result.exit_code == 1  # the added file is kept, and the State says why
    assert "notes.txt is not a file ccmkit wrote" in index_rows(out)["KEN"]["reason"]
    assert batch(out, "--states", "KEN", "--zip", "--force").exit_code == 0
    assert not (out / "KEN/en/notes.txt").exists()
    with zipfile.ZipFile(out / "KEN.zip") as archive:
        assert archive.namelist() == ["KEN-en-instrument.docx"]  # documents only


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.slow
def test_killing_the_parent_ends_its_workers(tmp_path) -> None:
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "ccmkit", "batch", "--region", "Africa",
                             "--lang", "en", "--doc", "qa", "--out", str(out), "--jobs", "2",
                             "--quiet"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    workers: set[int] = set()
    while time.monotonic() < deadline and not list(out.glob("*/manifest.json")):
        workers |= descendants(proc.pid)
        time.sleep(0.2)
    workers |= descendants(proc.pid)
    assert len(workers) >= 3  # the forkserver and two workers
    os.kill(proc.pid, signal.SIGKILL)  # the parent only, not its process group
    proc.wait()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and any(_alive(p) for p in workers):
        time.sleep(0.2)
    assert not [p for p in workers if _alive(p)]


@pytest.mark.slow
def test_two_batches_on_the_same_out(tmp_path) -> None:
    out = tmp_path / "out"
    args = [sys.executable, "-m", "ccmkit", "batch", "--states", "KEN,HTI,ARG,AGO", "--lang",
            "auto", "--doc", "instrument", "--doc", "steps", "--out", str(out), "--jobs", "2",
            "--quiet", "--force", "--date", GENERATED.isoformat()]
    runs = [subprocess.Popen(args, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    for run in runs:
        _, err = run.communicate(timeout=600)
        assert run.returncode == 0, err
    for code in ("KEN", "HTI", "ARG", "AGO"):
        manifest = json.loads((out / code / "manifest.json").read_text(encoding="utf-8"))
        files = {str(p.relative_to(out / code)) for p in (out / code).rglob("*") if p.is_file()}
        assert files == {d["path"] for d in manifest["documents"]} | {"manifest.json"}
    assert not list(out.glob(".*.staging-*"))
    assert set(index_rows(out)) == {"KEN", "HTI", "ARG", "AGO"}
