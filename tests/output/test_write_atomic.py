"""Files are written all-or-nothing, only where they belong, and edits are never lost."""

from __future__ import annotations

import errno
import hashlib
import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from docx import Document

from ccmkit import output
from tests.conftest import GENERATED, run_cli

pytestmark = pytest.mark.e2e  # real files, processes or HTTP: the outer loop

ONE = ["--lang", "en", "--doc", "instrument", "--format", "docx", "--date", GENERATED.isoformat()]


def package(out: Path, *extra: str, state: str = "KEN"):
    return run_cli("package", state, *ONE, "--out", str(out), *extra)


def snapshot(folder: Path) -> dict[str, tuple[str, int]]:
    """Every entry under folder: content hash (or link target) and mtime."""
    seen = {}
    for path in sorted(folder.rglob("*")):
        if path.is_symlink():
            seen[str(path.relative_to(folder))] = (f"-> {os.readlink(path)}", 0)
        elif path.is_file():
            data = hashlib.sha256(path.read_bytes()).hexdigest()
            seen[str(path.relative_to(folder))] = (data, path.stat().st_mtime_ns)
    return seen


def consistent(folder: Path) -> dict:
    """The folder holds exactly its manifest's files, each with its recorded hash."""
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    listed = {d["path"]: d["sha256"] for d in manifest["documents"]}
    on_disk = {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()}
    assert on_disk == {*listed, "manifest.json"}
    for rel, digest in listed.items():
        assert hashlib.sha256((folder / rel).read_bytes()).hexdigest() == digest
    return manifest


def one_error(result, words: str, code: int) -> None:
    assert result.exit_code == code, result.output
    lines = [line for line in result.output.splitlines() if line.startswith("Error")]
    assert len(lines) == 1 and words in lines[0], result.output
    assert "Traceback" not in result.output


def test_stale_files_are_gone_and_repeats_count_once(tmp_path) -> None:
    out = tmp_path / "out"
    assert package(out, "--doc", "steps").exit_code == 0
    assert (out / "KEN/en/steps.docx").is_file()
    result = run_cli("package", "KEN", "--lang", "en", "--lang", "en", "--doc", "instrument",
                     "--doc", "instrument", "--format", "docx", "--format", "docx",
                     "--date", GENERATED.isoformat(), "--out", str(out))
    assert result.exit_code == 0, result.output
    manifest = consistent(out / "KEN")
    assert [d["path"] for d in manifest["documents"]] == ["en/instrument.docx"]
    assert manifest["languages"] == ["en"]
    assert not list(out.glob(".KEN.staging-*")) and not list(out.glob(".KEN.old-*"))


def test_failure_part_way_leaves_the_previous_package(tmp_path, monkeypatch) -> None:
    out = tmp_path / "out"
    assert package(out, "--doc", "steps").exit_code == 0
    before = snapshot(out / "KEN")
    written = []
    real = output.write_bytes_new

    def fill_up(path: Path, data: bytes) -> None:
        if len(written) == 2:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
        written.append(path)
        real(path, data)

    monkeypatch.setattr(output, "write_bytes_new", fill_up)
    result = run_cli("package", "KEN", "--lang", "en", "--lang", "fr", "--date",
                     GENERATED.isoformat(), "--out", str(out))
    one_error(result, "No space left on device; free some space", 7)
    assert snapshot(out / "KEN") == before
    assert sorted(p.name for p in out.iterdir() if not p.name.endswith(".lock")) == ["KEN"]


def test_a_broken_template_leaves_the_previous_package(tmp_path) -> None:
    out = tmp_path / "out"
    assert package(out, "--doc", "steps").exit_code == 0
    before = snapshot(out / "KEN")
    broken = tmp_path / "t" / "steps"
    broken.mkdir(parents=True)
    (broken / "en.html.j2").write_text("{% if %}", encoding="utf-8")
    result = package(out, "--doc", "steps", "--template-dir", str(tmp_path / "t"))
    one_error(result, "steps/en.html.j2, line 1: template syntax error", 6)
    assert snapshot(out / "KEN") == before


def _mount_tmpfs(where: Path, size: str) -> bool:
    if os.geteuid() != 0:
        return False
    where.mkdir()
    return subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
                          capture_output=True).returncode == 0


def test_full_disk_for_real(tmp_path) -> None:
    disk = tmp_path / "disk"
    if not _mount_tmpfs(disk, "300k"):
        pytest.skip("cannot mount a tmpfs here (not root); the ENOSPC test above simulates it")
    try:
        first = subprocess.run([sys.executable, "-m", "ccmkit", "package", "KEN", *ONE,
                                "--out", str(disk)], capture_output=True, text=True)
        assert first.returncode == 0, first.stderr
        before = snapshot(disk / "KEN")
        full = subprocess.run([sys.executable, "-m", "ccmkit", "package", "KEN", "--lang", "en",
                               "--lang", "fr", "--lang", "es", "--out", str(disk)],
                              capture_output=True, text=True)
        assert full.returncode == 7 and "Traceback" not in full.stderr
        assert [line for line in full.stderr.splitlines() if line.startswith("Error")] == [
            line for line in full.stderr.splitlines() if "No space left on device" in line]
        assert snapshot(disk / "KEN") == before
        assert not list(disk.glob(".KEN.staging-*"))
    finally:
        subprocess.run(["umount", str(disk)], check=False)


def test_planted_links_are_never_written_through(tmp_path) -> None:
    out, victim = tmp_path / "out", tmp_path / "victim"
    victim.mkdir()
    (victim / "precious.txt").write_text("keep me", encoding="utf-8")
    out.mkdir()
    (out / "KEN").symlink_to(victim)  # the State folder itself
    one_error(package(out), "is a link or a file, not a package folder", 7)
    (out / "KEN").unlink()
    assert package(out).exit_code == 0
    doc = out / "KEN/en/instrument.docx"
    doc.unlink()
    doc.symlink_to(victim / "precious.txt")  # a file inside it
    one_error(package(out), "is not a file ccmkit wrote", 7)
    assert package(out, "--force").exit_code == 0  # --force replaces the link, not its target
    assert not doc.is_symlink() and doc.read_bytes().startswith(b"PK")
    (out / ".KEN.lock").unlink()
    (out / ".KEN.lock").symlink_to(victim / "precious.txt")  # the lock file
    one_error(package(out), "it is a symbolic link", 7)
    assert (victim / "precious.txt").read_text(encoding="utf-8") == "keep me"
    assert sorted(p.name for p in victim.iterdir()) == ["precious.txt"]


def test_an_edited_docx_is_kept(tmp_path) -> None:
    out = tmp_path / "out"
    assert package(out).exit_code == 0
    path = out / "KEN/en/instrument.docx"
    doc = Document(str(path))
    doc.add_paragraph("Reviewed by the legal adviser.")
    doc.save(str(path))
    edited = path.read_bytes()
    one_error(package(out), "was edited after ccmkit wrote it; move it elsewhere", 7)
    assert path.read_bytes() == edited
    assert package(out, "--force").exit_code == 0
    assert path.read_bytes() != edited
    consistent(out / "KEN")


def test_a_file_added_by_hand_is_kept(tmp_path) -> None:
    out = tmp_path / "out"
    assert package(out).exit_code == 0
    (out / "KEN/en/~$strument.docx").write_bytes(b"lock file of an open document")
    one_error(package(out), "is not a file ccmkit wrote", 7)
    assert (out / "KEN/en/~$strument.docx").exists()


def test_a_damaged_manifest_is_one_line(tmp_path) -> None:
    out = tmp_path / "out"
    assert package(out).exit_code == 0
    (out / "KEN/manifest.json").write_text('{"documents": [', encoding="utf-8")
    one_error(package(out), "manifest.json is damaged (not valid JSON)", 7)
    (out / "KEN/manifest.json").write_text('{"documents": 7}', encoding="utf-8")
    one_error(package(out), "manifest.json is damaged (not a ccmkit manifest)", 7)
    assert package(out, "--force").exit_code == 0
    consistent(out / "KEN")


def test_two_runs_on_the_same_out_do_not_collide(tmp_path) -> None:
    out = tmp_path / "out"
    runs = [subprocess.Popen([sys.executable, "-m", "ccmkit", "package", "KEN", "--lang", lang,
                              "--doc", "instrument", "--doc", "steps", "--out", str(out),
                              "--date", GENERATED.isoformat()], stderr=subprocess.PIPE,
                             text=True) for lang in ("en", "fr", "es", "en")]
    for run in runs:
        _, err = run.communicate(timeout=300)
        assert run.returncode == 0, err
    manifest = consistent(out / "KEN")
    assert len(manifest["languages"]) == 1
    assert not list(out.glob(".KEN.staging-*")) and not list(out.glob(".KEN.old-*"))


def test_zip_holds_the_manifest_documents_only(tmp_path) -> None:
    from ccmkit.package import zip_name

    manifest = {"generated": "2026-11-25", "documents": [
        {"kind": "qa", "lang": "fr", "format": "pdf", "path": "fr/qa.pdf", "sha256": ""}]}
    files = {"fr/qa.pdf": b"a", "fr/notes.txt": b"not listed", "manifest.json": b"{}"}
    code = output.state_zip("KEN", manifest, files, zip_name)
    with zipfile.ZipFile(io.BytesIO(code)) as archive:
        assert archive.namelist() == ["KEN-fr-questions-reponses.pdf"]
