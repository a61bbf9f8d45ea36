"""The public API and the error hierarchy: one front door for every command."""

from __future__ import annotations

import csv
import pickle
import subprocess
import sys
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from multiprocessing import get_context

import pytest

import ccmkit
from ccmkit.errors import ERRORS, CcmkitError, DataError, NotEligible, StateNotFound
from tests.conftest import GENERATED, run_cli


def _raise(kind: type[CcmkitError]) -> None:
    raise kind(f"a  {kind.__name__}\nmessage")


@pytest.mark.e2e
@pytest.mark.parametrize("kind", ERRORS, ids=[k.__name__ for k in ERRORS])
def test_errors_pickle_and_cross_processes(kind) -> None:
    error = pickle.loads(pickle.dumps(kind("one  line\\nonly")))
    assert type(error) is kind and str(error) == "one line\\nonly"
    with ProcessPoolExecutor(1, mp_context=get_context("spawn")) as pool, pytest.raises(
            kind) as caught:
        pool.submit(_raise, kind).result()
    assert type(caught.value) is kind and str(caught.value) == f"a {kind.__name__} message"


def test_each_error_has_its_exit_code() -> None:
    codes = [kind.exit_code for kind in ERRORS]
    assert len(set(codes)) == len(codes) and 1 not in codes and 0 not in codes
    assert all(issubclass(kind, CcmkitError) for kind in ERRORS)


def test_public_api_is_small_and_lazy() -> None:
    assert set(ccmkit.__all__) >= {"load_registry", "prepare", "PackageRequest", "render_document",
                                   "build_package", "CcmkitError"}
    for name in ccmkit.__all__:
        assert getattr(ccmkit, name) is not None
    code = "import sys, ccmkit, ccmkit.cli; print('weasyprint' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True).stdout.strip() == "False"


def test_api_end_to_end(tmp_path) -> None:
    registry = ccmkit.load_registry()
    subject = ccmkit.prepare(registry, ccmkit.PackageRequest(
        "Kenya", {"planned_deposit_date": "2027-03-15"}, ccmkit.Options(generated=GENERATED)))
    files = ccmkit.render_document(subject, "instrument", "en", ["docx", "docx"])
    assert list(files) == ["docx"] and files["docx"].startswith(b"PK")
    manifest = ccmkit.build_package(subject, tmp_path, ["auto", "en"], ["pdf"], ["steps"])
    assert [d["path"] for d in manifest["documents"]] == ["en/steps.pdf"]
    assert manifest["dates"]["entry_into_force"] == "2027-09-01"


def test_front_door_errors(registry) -> None:
    request = ccmkit.PackageRequest
    with pytest.raises(StateNotFound, match="unknown State 'Atlantis'"):
        ccmkit.prepare(registry, request("Atlantis"))
    with pytest.raises(NotEligible, match="already a State Party"):
        ccmkit.prepare(registry, request("FRA"))
    with pytest.raises(NotEligible, match="brief is for States outside"):
        ccmkit.prepare(registry, request("FRA", kinds=("brief",)))
    with pytest.raises(DataError, match="'state' is 'ARG' but the package is for KEN"):
        ccmkit.prepare(registry, request("KEN", {"state": "ARG"}))
    assert ccmkit.prepare(registry, request("FRA", kinds=())).state.iso3 == "FRA"


def test_eligibility_is_a_property_of_each_kind(registry, monkeypatch) -> None:
    """A document for States Parties is one registry entry: the front door asks the kind."""
    from ccmkit.documents import kinds as documents

    party_only = replace(documents.DOCUMENTS["steps"], eligible=("state_party",))
    monkeypatch.setitem(documents.DOCUMENTS, "steps", party_only)
    assert ccmkit.prepare(registry, ccmkit.PackageRequest("FRA", kinds=("steps",)))
    with pytest.raises(NotEligible):
        ccmkit.prepare(registry, ccmkit.PackageRequest("KEN", kinds=("steps",)))


def test_profile_of_another_state_on_every_command(tmp_path) -> None:
    profile = tmp_path / "KEN.yaml"
    profile.write_text("state: ARG\n", encoding="utf-8")
    for args in (["package", "KEN", "--profile", str(profile), "--out", str(tmp_path / "o")],
                 ["timeline", "KEN", "--deposit-date", "2027-03-15", "--profile",
                  str(profile)]):
        result = run_cli(*args)
        assert result.exit_code == DataError.exit_code, args
        assert result.output.startswith("Error: ") and result.output.count("\n") == 1
        assert "the package is for KEN" in result.output
    result = run_cli("batch", "--states", "KEN", "--profiles", str(tmp_path), "--doc",
                     "instrument", "--format", "docx", "--out", str(tmp_path / "b"), "--jobs",
                     "1", "--quiet")
    assert result.exit_code == 1
    with (tmp_path / "b" / "index.csv").open(encoding="utf-8") as handle:
        (row,) = csv.DictReader(handle)
    assert row["result"] == "failed" and "the package is for KEN" in row["reason"]


@pytest.mark.parametrize(("args", "code"), [
    (["package", "Atlantis"], StateNotFound.exit_code),
    (["package", "FRA"], NotEligible.exit_code),
    (["states", "show", "Narnia"], StateNotFound.exit_code),
    (["package", "KEN", "--status-file", "none.csv"], DataError.exit_code),
])
def test_exit_codes(tmp_path, args, code) -> None:
    if args[0] == "package":
        args = [*args, "--out", str(tmp_path)]
    assert run_cli(*args).exit_code == code


def test_a_bug_is_not_reported_as_a_template_error(tmp_path, monkeypatch) -> None:
    from ccmkit.render import pipeline

    original = pipeline.WRITERS["docx"].write

    def broken(page):
        if page.template.startswith("instrument/"):
            raise ZeroDivisionError("a bug in a writer")
        return original(page)

    monkeypatch.setitem(pipeline.WRITERS, "docx", pipeline.WRITERS["docx"].__class__(
        **{**pipeline.WRITERS["docx"].__dict__, "write": broken}))
    with pytest.raises(ZeroDivisionError):  # the CLI shows the traceback of a bug
        run_cli("package", "KEN", "--doc", "instrument", "--format", "docx", "--out",
                str(tmp_path / "p"))
    result = run_cli("batch", "--states", "KEN", "--doc", "instrument", "--format", "docx",
                     "--out", str(tmp_path / "b"), "--jobs", "1", "--quiet")
    assert result.exit_code == 1
    assert "internal error (please report): ZeroDivisionError: a bug in a writer" in \
        result.output and "template" not in result.output.lower()
