"""The State data checker in scripts/ passes on the shipped files.

The Q&A and clause libraries have no checker script: their rules are the schemas in
ccmkit.documents.library, applied whenever they are loaded (see tests/test_library.py).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPTS = Path(__file__).resolve().parents[1] / "scripts"


def test_states_checker_passes() -> None:
    run = subprocess.run([sys.executable, str(SCRIPTS / "check_states_yaml.py")],
                         capture_output=True, text=True, cwd=SCRIPTS.parent, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
