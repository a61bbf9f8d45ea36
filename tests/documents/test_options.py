"""The options of each document kind: the CLI options, the web form fields and the batch CSV
columns are made from the models of ccmkit.documents.options, and a new option is one field
plus the template that uses it."""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document

from ccmkit.cli import batch, package
from ccmkit.documents.kinds import DOCUMENTS
from ccmkit.documents.options import Options, make_options, option_fields
from ccmkit.jobs.plan import CSV_COLUMNS
from tests.language_copy import ROOT, run_ccmkit


def test_every_kind_has_its_options_in_the_package_options() -> None:
    for kind in DOCUMENTS.values():
        assert issubclass(Options, kind.options), kind.kind
    owned = {name for kind in DOCUMENTS.values() for name in kind.options.model_fields}
    assert owned == set(Options.model_fields)  # no option belongs to no document


@pytest.mark.parametrize("command", [package, batch], ids=["package", "batch"])
def test_the_cli_options_are_the_models_fields(command) -> None:
    import click

    params = {p.name for p in command.get_params(click.Context(command))}
    for field in option_fields("cli"):
        assert field.name in params, field.name
    assert "group" not in params or command is batch  # the regional frame is not a CLI option


def test_the_csv_columns_are_the_models_fields() -> None:
    assert {f.name for f in option_fields("csv")} <= set(CSV_COLUMNS)


def test_an_option_is_checked_the_same_way_at_every_door() -> None:
    with pytest.raises(ValueError, match=r"^qa: Input should be 'basic' or 'full'"):
        make_options({"qa": "longest"})
    with pytest.raises(ValueError, match=r"^generated: 2001-01-01 is before the Convention"):
        make_options({"generated": date(2001, 1, 1)})
    with pytest.raises(ValueError, match=r"^issuer: must be text without control characters"):
        make_options({"issuer": "ISU\x07"})
    result = CliRunner().invoke(package, ["KEN", "--issuer", "ISU\x07"])
    assert result.exit_code == 2 and "control characters" in result.output
    assert make_options({"qa": "", "barriers": ()}) == make_options({})  # blank: not given


@pytest.mark.e2e
def test_a_new_option_is_one_field_plus_its_template(tmp_path: Path) -> None:
    """In a copy of the project, one field added to the Q&A's model and one line to its
    English template: the CLI, the batch list, the web form and the document all have it."""
    src = tmp_path / "project" / "src"
    shutil.copytree(ROOT / "src", src, ignore=shutil.ignore_patterns("__pycache__"))
    models = src / "ccmkit" / "documents" / "options.py"
    code = models.read_text(encoding="utf-8")
    anchor = "class LegislationOptions(OptionModel):"
    models.write_text(code.replace(anchor, '''    closing: Annotated[Text | None, Opt(
        "A closing line for the questions and answers.",
        N_("Closing line of the questions and answers"))] = None


''' + anchor), encoding="utf-8")
    template = src / "ccmkit" / "templates" / "qa" / "en.html.j2"
    text = template.read_text(encoding="utf-8")
    template.write_text(text.replace("{% endblock %}", "{% if options.closing %}<p>"
                                     "{{ options.closing }}</p>{% endif %}\n{% endblock %}"),
                        encoding="utf-8")
    done = run_ccmkit(src, tmp_path, "package", "KEN", "--doc", "qa", "--lang", "en",
                      "--format", "docx", "--closing", "With the compliments of the ISU",
                      "--date", "2026-12-01", "--out", str(tmp_path / "out"))
    assert done.returncode == 0, done.stderr
    doc = Document(io.BytesIO((tmp_path / "out" / "KEN" / "en" / "qa.docx").read_bytes()))
    assert doc.paragraphs[-1].text == "With the compliments of the ISU"
    assert "--closing" in run_ccmkit(src, tmp_path, "batch", "--help").stdout
    check = subprocess.run([sys.executable, "-c", (
        "from ccmkit.jobs.plan import CSV_COLUMNS; from ccmkit.web.forms import PackageForm; "
        "assert 'closing' in CSV_COLUMNS; assert hasattr(PackageForm, 'closing')")],
        env={"PYTHONPATH": str(src)}, capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
