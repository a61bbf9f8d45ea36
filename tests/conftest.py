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


@pytest.fixture(scope="session")
def packages(tmp_path_factory) -> dict[str, Path]:
    """Full packages (every document, en/fr/es, DOCX and PDF) for both kinds of State."""
    out = tmp_path_factory.mktemp("packages")
    result = {}
    for code, extra in ((SIGNATORY, ["--deposit-date", "2027-03-15",
                                     "--provisional-application"]),
                        (NON_SIGNATORY, [])):
        res = run_cli("package", code, "--lang", "en", "--lang", "fr", "--lang", "es",
                      "--date", GENERATED.isoformat(), "--out", str(out), *extra)
        assert res.exit_code == 0, res.output
        result[code] = out / code
    return result


def manifest(folder: Path) -> dict:
    return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
