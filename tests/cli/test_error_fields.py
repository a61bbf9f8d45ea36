"""One formatter of validation errors (``data.schema.invalid``) and errors that keep what they
are about as fields, composed into their one line late and pickled with them."""

from __future__ import annotations

import pickle
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from ccmkit.content.library import qa_library
from ccmkit.data.profile import load_profile
from ccmkit.errors import CcmkitError, DataError, StateNotFound
from ccmkit.resources import templates_dir


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ccmkit", *args], capture_output=True,
                          text=True)


@pytest.mark.e2e
def test_a_bad_profile_is_one_line_with_its_key_and_what_was_given(tmp_path: Path) -> None:
    profile = tmp_path / "p.yaml"
    profile.write_text("signatory:\n  title: king\n", encoding="utf-8")
    done = _cli("package", "KEN", "--profile", str(profile), "--out", str(tmp_path / "o"))
    assert done.returncode == DataError.exit_code
    assert "Traceback" not in done.stderr
    (line,) = done.stderr.splitlines()
    assert line.startswith(f"Error: {profile}: key 'signatory.title' must be one of ")
    assert line.endswith("(got 'king')")


def test_the_fields_survive_pickling(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text("signatory:\n  rank: minister\n", encoding="utf-8")
    with pytest.raises(DataError) as caught:
        load_profile(path)
    error = caught.value
    assert (error.path, error.key, error.problem) == (str(path), "signatory.rank", "unknown")
    assert "name" in error.suggestions  # the keys a signatory may have
    assert str(error).startswith(f"{path}: unknown key 'signatory.rank'; expected one of ")
    back = pickle.loads(pickle.dumps(error))
    assert type(back) is DataError and str(back) == str(error)
    assert (back.path, back.key, back.suggestions) == (error.path, error.key, error.suggestions)


def test_a_syntax_error_carries_its_line(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text("barriers: [\n", encoding="utf-8")
    with pytest.raises(DataError) as caught:
        load_profile(path)
    assert caught.value.line == 2
    assert str(caught.value).startswith(f"{path}, line 2: ")


def test_a_content_file_names_the_entry_by_its_id(tmp_path: Path) -> None:
    target = tmp_path / "qa" / "en.yaml"
    target.parent.mkdir()
    data = yaml.safe_load((templates_dir() / "qa" / "en.yaml").read_text(encoding="utf-8"))
    first = next(iter(data))
    data[first]["colour"] = "blue"
    target.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(CcmkitError) as caught:
        qa_library("en", tmp_path)
    error = caught.value
    assert (error.entry, error.key) == (f"entry {first!r}", "colour")
    assert str(error).startswith(f"{target}: entry {first!r}, unknown key 'colour'; expected "
                                 "one of ")


@pytest.mark.e2e
def test_an_unknown_state_lists_its_suggestions(tmp_path: Path) -> None:
    done = _cli("package", "Guinee-Bisau", "--out", str(tmp_path))
    assert done.returncode == StateNotFound.exit_code
    (line,) = done.stderr.splitlines()
    assert line.startswith("Error: unknown State 'Guinee-Bisau'; did you mean Guinea-Bissau "
                           "(GNB)")
