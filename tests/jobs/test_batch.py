"""Batch generation: selection, files, index, failure isolation, resume, dry run."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import GENERATED, run_cli

pytestmark = pytest.mark.slow
STATES = ["KEN", "HTI", "ARG", "AGO"]


def batch(out: Path, *extra: str):
    return run_cli("batch", "--states", ",".join(STATES), "--lang", "auto", "--also-lang", "en",
                   "--doc", "instrument", "--doc", "steps", "--date", GENERATED.isoformat(),
                   "--out", str(out), "--jobs", "2", "--quiet", *extra)


def index_rows(out: Path) -> dict[str, dict[str, str]]:
    with (out / "index.csv").open(encoding="utf-8") as handle:
        return {row["state"]: row for row in csv.DictReader(handle)}


@pytest.fixture(scope="module")
def profiles(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("profiles")
    (folder / "AGO.yaml").write_text("barriers: [unheard_of]\n", encoding="utf-8")  # broken
    (folder / "KEN.yaml").write_text("planned_deposit_date: 2027-03-15\n", encoding="utf-8")
    return folder


def test_batch_files_index_failure_and_resume(tmp_path, profiles) -> None:
    out = tmp_path / "out"
    result = batch(out, "--profiles", str(profiles), "--zip")
    assert result.exit_code == 1  # one State failed
    assert "AGO" in result.output and "unheard_of" in result.output
    rows = index_rows(out)
    assert rows["AGO"]["result"] == "failed" and "barriers[0]" in rows["AGO"]["reason"]
    assert {rows[c]["result"] for c in ("KEN", "HTI", "ARG")} == {"ok"}
    assert rows["HTI"]["languages"] == "fr en" and rows["ARG"]["languages"] == "es en"
    for code, langs in (("KEN", ["en"]), ("HTI", ["fr", "en"]), ("ARG", ["es", "en"])):
        for lang in langs:
            for doc in ("instrument", "steps"):
                for fmt in ("docx", "pdf"):
                    assert (out / code / lang / f"{doc}.{fmt}").is_file()
        assert (out / f"{code}.zip").is_file()
    assert not (out / "AGO").exists()
    manifest = json.loads((out / "KEN" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["dates"]["entry_into_force"] == "2027-09-01"  # from the KEN profile
    assert (out / "overview.pdf").is_file() and (out / "overview.docx").is_file()

    # a second run skips what is up to date; --force regenerates
    stamp = (out / "KEN" / "en" / "steps.pdf").stat().st_mtime_ns
    again = batch(out, "--profiles", str(profiles))
    assert index_rows(out)["KEN"]["result"] == "skipped (up to date)"
    assert (out / "KEN" / "en" / "steps.pdf").stat().st_mtime_ns == stamp
    assert again.exit_code == 1
    # a changed input (the deposit date) makes the State out of date again
    (profiles / "KEN.yaml").write_text("planned_deposit_date: 2027-04-15\n", encoding="utf-8")
    batch(out, "--profiles", str(profiles))
    assert index_rows(out)["KEN"]["result"] == "ok"
    manifest = json.loads((out / "KEN" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["dates"]["entry_into_force"] == "2027-10-01"


def test_dry_run_writes_nothing(tmp_path) -> None:
    result = batch(tmp_path / "out", "--dry-run")
    assert result.exit_code == 0
    assert "KEN  Kenya  [en]" in result.output and "HTI  Haiti  [fr en]" in result.output
    assert not (tmp_path / "out").exists()


def test_from_csv_feeds_profile(tmp_path) -> None:
    listing = tmp_path / "invited.csv"
    listing.write_text("state,deposit_date,barriers\nKenya,2027-03-15,defence_security\n"
                       "Haïti,,\n", encoding="utf-8")
    result = run_cli("batch", "--from", str(listing), "--doc", "instrument", "--format", "docx",
                     "--out", str(tmp_path / "o"), "--jobs", "1", "--quiet")
    assert result.exit_code == 0, result.output
    assert set(index_rows(tmp_path / "o")) == {"KEN", "HTI"}
    data = json.loads((tmp_path / "o" / "KEN" / "manifest.json").read_text(encoding="utf-8"))
    assert data["dates"]["deposit"] == "2027-03-15"


def test_interrupted_batch_leaves_no_partial_file_and_resumes(tmp_path) -> None:
    out = tmp_path / "out"
    args = [sys.executable, "-m", "ccmkit", "batch", "--lang", "en",
            "--doc", "qa", "--out", str(out), "--jobs", "2", "--quiet"]
    proc = subprocess.Popen(args, start_new_session=True, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(list(out.glob("*/manifest.json"))) < 2:
        time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGKILL)  # the harshest interruption
    proc.wait()
    finished = {p.parent.name for p in out.glob("*/manifest.json")}
    assert finished
    for folder in (p for p in out.iterdir() if p.is_dir() and not p.name.startswith(".")):
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        files = {d["path"] for d in manifest["documents"]}
        assert {str(p.relative_to(folder)) for p in folder.rglob("*.*")} == files | {
            "manifest.json"}
    # resume: the finished States are skipped, staging leftovers are removed
    subprocess.run([*args[:-1], "--states", ",".join(sorted(finished)), "--quiet"], check=True)
    rows = index_rows(out)
    assert {r["result"] for r in rows.values()} == {"skipped (up to date)"}
    assert not list(out.glob(".*.staging-*"))
