"""Same input, same generation date: byte-identical files, recorded by SHA-256."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import zipfile
from io import BytesIO

import pytest

from ccmkit.package import render_document
from tests.conftest import make_subject, manifest

pytestmark = pytest.mark.e2e  # real files, processes or HTTP: the outer loop


def test_same_bytes_twice_in_one_process(registry) -> None:
    first = render_document(make_subject(registry, "KEN"), "qa", "es", ("docx", "pdf"))
    second = render_document(make_subject(registry, "KEN"), "qa", "es", ("docx", "pdf"))
    assert [f.data for f in first] == [f.data for f in second]


def test_same_bytes_across_processes(tmp_path) -> None:
    digests = []
    for run in ("a", "b"):
        out = tmp_path / run
        env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
        subprocess.run([sys.executable, "-m", "ccmkit", "package", "KEN", "--doc", "instrument",
                        "--date", "2026-11-25", "--out", str(out)], check=True, env=env)
        digests.append([d["sha256"] for d in manifest(out / "KEN")["documents"]])
        for doc in manifest(out / "KEN")["documents"]:
            data = (out / "KEN" / doc["path"]).read_bytes()
            assert hashlib.sha256(data).hexdigest() == doc["sha256"]
    assert digests[0] == digests[1]


def test_docx_entries_carry_the_generation_date(registry) -> None:
    (file,) = render_document(make_subject(registry, "KEN"), "instrument", "en", ("docx",))
    with zipfile.ZipFile(BytesIO(file.data)) as archive:
        assert {i.date_time[:3] for i in archive.infolist()} == {(2026, 11, 25)}
        core = archive.read("docProps/core.xml").decode()
        assert "2026-11-25T12:00:00Z" in core
        assert 'w:date="2026-11-25T12:00:00Z"' in archive.read("word/comments.xml").decode()
