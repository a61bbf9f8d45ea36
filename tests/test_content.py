"""The content checkers in scripts/ (data, Q&A, clauses) pass on the shipped files."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

SCRIPTS = Path(__file__).resolve().parents[1] / "scripts"


@pytest.mark.parametrize("checker", ["check_qa.py", "check_clauses.py"])
def test_checker_passes(checker: str) -> None:
    run = subprocess.run([sys.executable, str(SCRIPTS / checker)], capture_output=True,
                         text=True, cwd=SCRIPTS.parent, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
