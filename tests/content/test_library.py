"""The content libraries are validated when loaded, shipped or from a user's template folder:
a broken file gives one line naming the file, the entry and the key."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from ccmkit.cli import cli
from ccmkit.content.library import clause_library, qa_library
from ccmkit.languages import registry as languages
from ccmkit.resources import templates_dir

LANGS = list(languages())


@pytest.mark.parametrize("lang", LANGS)
def test_shipped_libraries_are_valid_in_every_language(lang) -> None:
    entries, texts = qa_library(lang)
    assert {e.id for e in entries} == set(texts)
    clauses, legislation = clause_library(lang)
    assert {c.id for c in clauses} == set(legislation.clauses)
    # every clause's short text, where there is one, has both drafting styles
    for clause in legislation.clauses.values():
        if clause.short:
            assert clause.short.common_law and clause.short.civil_law


def user_copy(tmp_path: Path, relpath: str) -> tuple[Path, object]:
    """A --template-dir holding a copy of one shipped content file, parsed for editing."""
    target = tmp_path / "templates" / relpath
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(templates_dir() / relpath, target)
    return target, yaml.safe_load(target.read_text(encoding="utf-8"))


def run_package(template_dir: Path, *extra: str):
    return CliRunner().invoke(cli, ["package", "KEN", "--lang", "fr", "--format", "docx",
                                    "--template-dir", str(template_dir),
                                    "--out", str(template_dir.parent / "out"), *extra])


def one_error_line(result) -> str:
    assert result.exit_code != 0
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.output
    assert "Traceback" not in result.output
    return lines[0]


def write(path: Path, data: object) -> None:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_qa_entry_without_its_answer(tmp_path) -> None:
    path, data = user_copy(tmp_path, "qa/fr.yaml")
    del data["withdrawal"]["answer"]
    write(path, data)
    line = one_error_line(run_package(path.parents[1], "--doc", "qa"))
    assert str(path) in line and "entry 'withdrawal'" in line and "key 'answer'" in line
    assert not (tmp_path / "out").exists()


def test_qa_entry_missing_from_a_language(tmp_path) -> None:
    path, data = user_copy(tmp_path, "qa/fr.yaml")
    del data["reporting"]
    write(path, data)
    line = one_error_line(run_package(path.parents[1], "--doc", "qa"))
    assert "fr.yaml: entry 'reporting' missing" in line


def test_qa_metadata_with_an_unknown_barrier(tmp_path) -> None:
    path, data = user_copy(tmp_path, "qa/entries.yaml")
    data[2]["barriers"] = ["money"]
    write(path, data)
    line = one_error_line(run_package(path.parents[1], "--doc", "qa"))
    assert "entries.yaml" in line and f"entry {data[2]['id']!r}" in line
    assert "key 'barriers[0]'" in line


def test_clause_library_lacking_a_clause(tmp_path) -> None:
    path, data = user_copy(tmp_path, "legislation/fr.yaml")
    del data["clauses"]["prohibitions"]
    write(path, data)
    line = one_error_line(run_package(path.parents[1], "--doc", "legislation"))
    assert str(path) in line and "clause 'prohibitions' missing" in line


def test_clause_without_its_civil_law_text(tmp_path) -> None:
    path, data = user_copy(tmp_path, "legislation/fr.yaml")
    del data["clauses"]["reporting"]["civil-law"]
    write(path, data)
    line = one_error_line(run_package(path.parents[1], "--doc", "legislation"))
    assert "clause 'reporting'" in line and "key 'civil-law'" in line


def test_reference_to_no_clause_and_html_in_text(tmp_path) -> None:
    path, data = user_copy(tmp_path, "legislation/fr.yaml")
    data["clauses"]["reporting"]["note"] = "Voir {{ ref('nowhere') }}."
    write(path, data)
    line = one_error_line(run_package(path.parents[1], "--doc", "legislation"))
    assert "ref('nowhere') names no clause" in line
    data["clauses"]["reporting"]["note"] = "Un <b>texte</b>."
    write(path, data)
    line = one_error_line(run_package(path.parents[1], "--doc", "legislation"))
    assert "clause 'reporting', key 'note'" in line and "'<'" in line


def test_clause_metadata_with_a_bad_level(tmp_path) -> None:
    path, data = user_copy(tmp_path, "legislation/clauses.yaml")
    data[0]["level"] = "mandatory"
    write(path, data)
    line = one_error_line(run_package(path.parents[1], "--doc", "legislation"))
    assert "clauses.yaml" in line and f"entry {data[0]['id']!r}" in line and "key 'level'" in line


def test_a_users_content_file_goes_through_the_guarded_loader(tmp_path) -> None:
    """A --template-dir content file with YAML anchors (a few lines can expand to gigabytes)
    or over the size bound is one clear line, never parsed."""
    from ccmkit.content.library import MAX_CONTENT_BYTES
    from ccmkit.errors import CcmkitError

    folder = tmp_path / "qa"
    folder.mkdir()
    (folder / "en.yaml").write_text('a: &x ["lol"]\nb: [*x, *x, *x]\n', encoding="utf-8")
    with pytest.raises(CcmkitError, match="anchors and aliases"):
        qa_library("en", tmp_path)
    (folder / "en.yaml").write_text("a: " + "x" * (MAX_CONTENT_BYTES + 1), encoding="utf-8")
    with pytest.raises(CcmkitError, match="larger than"):
        qa_library("en", tmp_path)
