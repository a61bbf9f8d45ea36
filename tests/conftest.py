"""Shared fixtures: the real registry and packages generated once per session."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from ccmkit.api import PackageRequest, prepare
from ccmkit.cli import cli
from ccmkit.data.facts import Observation
from ccmkit.data.profile import Profile
from ccmkit.data.states import Registry, load_registry
from ccmkit.documents.options import Options
from ccmkit.documents.subject import Subject

# Keep pytest's rewritten test modules in __pycache__ even where the environment sets
# PYTHONDONTWRITEBYTECODE (container images do): otherwise each run, in each xdist worker,
# rewrites and compiles every test module again (about 4 s of the inner loop's collection on
# this machine). The folders are ignored by git.
sys.dont_write_bytecode = False

GENERATED = date(2026, 11, 25)


def pytest_configure(config: pytest.Config) -> None:
    """Never read the developer's own data folder: point ccmkit at an empty one."""
    import os
    import tempfile

    os.environ.setdefault("CCMKIT_DATA_DIR", tempfile.mkdtemp(prefix="ccmkit-empty-data-"))
# a signatory (ratification) and a State that has not signed (accession)
SIGNATORY, NON_SIGNATORY = "KEN", "ARG"


@pytest.fixture(scope="session")
def registry() -> Registry:
    return load_registry()


def make_subject(registry: Registry, code: str, profile: Profile | None = None,
                 **options) -> Subject:
    """A Subject through the front door (ccmkit.prepare), as every front end makes it."""
    options.setdefault("generated", GENERATED)
    return prepare(registry, PackageRequest(code, profile, Options(**options), kinds=()))


def fact(value: str, name: str = "") -> Observation:
    """A fact as a profile gives it (for tests that set a State's facts directly)."""
    return Observation(iso3="", fact=name, value=value, layer="profile")


def with_facts(facts: dict | None = None, **keys) -> Profile:
    """A profile giving `facts` (validated as a profile file would be)."""
    from ccmkit.data.profile import profile_from_mapping

    raw = {**keys, **({"facts": facts} if facts else {})}
    return profile_from_mapping(raw, "test profile")


def run_cli(*args: str, env: dict | None = None):
    """Invoke the CLI in-process, as a user would."""
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


INTERNAL_SOURCE = "ISU mission report 2026"
INTERNAL_NOTE = "Minister sceptical at the last meeting"
# The signatory's profile in the shared packages: full of internal material (barriers, notes,
# sourced facts) that must never reach an outgoing file.
SIGNATORY_PROFILE = f"""
state: KEN
signatory: {{name: Jane Doe}}
barriers: [defence_security, awareness, bandwidth, regional_alignment, legal_technical]
facts:
  stockpiles: {{value: "yes", source: "{INTERNAL_SOURCE}", as_of: 2026-06-01}}
  contamination: unknown
  legal_tradition: {{value: common_law, source: "{INTERNAL_SOURCE}"}}
notes: ["{INTERNAL_NOTE}"]
"""


@pytest.fixture(scope="session")
def packages(tmp_path_factory, worker_id: str) -> dict[str, Path]:
    """Full packages (every document, en/fr/es, DOCX and PDF) for both kinds of State: the
    signatory with an internal-material profile, a deposit date and the Art. 18 declaration.

    Made once per test run: the xdist workers share one folder, the first one builds it
    under a lock and the others read it."""
    import fcntl

    root = tmp_path_factory.getbasetemp()
    if worker_id != "master":
        root = root.parent  # the workers' common base folder
    out = root / "shared-packages"
    with (root / "shared-packages.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (out / "done").exists():
            out.mkdir(exist_ok=True)
            profile = out / "kenya.yaml"
            profile.write_text(SIGNATORY_PROFILE, encoding="utf-8")
            for code, extra in ((SIGNATORY, ["--profile", str(profile), "--deposit-date",
                                             "2027-03-15", "--provisional-application"]),
                                (NON_SIGNATORY, [])):
                res = run_cli("package", code, "--lang", "en", "--lang", "fr", "--lang", "es",
                              "--date", GENERATED.isoformat(), "--out", str(out), *extra)
                assert res.exit_code == 0, res.output
            (out / "done").touch()
    return {code: out / code for code in (SIGNATORY, NON_SIGNATORY)}


def manifest(folder: Path) -> dict:
    return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))


# The longest files (seconds of one full run, 5 December 2026), scheduled first: with one file
# per worker (--dist loadfile), a long file started last would leave the other CPU idle.
LONGEST_FIRST = (
    "tests/workbench/test_documents.py",  # 117 s: the brief of every State in 3 languages
    "tests/web/test_browser.py",  # 67 s: Chromium and axe-core
    "tests/output/test_real_clients.py",  # 46 s + the shared packages
    "tests/jobs/test_server.py",  # 39 s
    "tests/cli/test_contract.py",  # 35 s
    "tests/output/test_write_atomic.py",  # 34 s
    "tests/test_grammar.py",  # 29 s
    "tests/output/test_no_internal_leak.py",  # reads the shared packages
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Longest files first (the same order in every worker, as xdist requires)."""
    rank = {path: i for i, path in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.nodeid.split("::", 1)[0], len(rank)))
