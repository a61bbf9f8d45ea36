"""The command line contract, and the table of bad inputs (also in the README)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from ccmkit.cli import cli
from tests.conftest import GENERATED, manifest, run_cli

pytestmark = pytest.mark.e2e  # real files, processes or HTTP: the outer loop


def ccmkit(*args: str, cwd: Path | None = None, env: dict | None = None):
    """Run the installed command as a user would (separate process, real exit code)."""
    return subprocess.run(
        [sys.executable, "-m", "ccmkit", *args], capture_output=True, text=True, cwd=cwd,
        env={**os.environ, **(env or {})}, timeout=120,
    )


BROKEN_TEMPLATE = "{% extends 'base.html.j2' %}{% block body %}<p>{{ S.short </p>{% endblock %}"
SNEAKY_TEMPLATE = ("{% extends 'base.html.j2' %}{% block body %}"
                   "<p>{{ S.__class__.__mro__[1].__subclasses__() }}</p>{% endblock %}")
UNDEFINED_TEMPLATE = ("{% extends 'base.html.j2' %}{% block body %}"
                      "<p>{{ nonsense }}</p>{% endblock %}")

# (case, files to create {name: text}, arguments, expected words in the one-line error)
BAD_INPUTS = [
    ("unknown State", {}, ["package", "Atlantis"], "unknown State 'Atlantis'"),
    ("State Party", {}, ["package", "FRA"], "already a State Party"),
    ("unknown language", {}, ["package", "KEN", "--lang", "pt"], "Invalid value for '--lang'"),
    ("unknown document", {}, ["package", "KEN", "--doc", "memo"], "Invalid value for '--doc'"),
    ("bad date", {}, ["package", "KEN", "--deposit-date", "2027-02-30"],
     "'2027-02-30' is not a date"),
    ("malformed YAML", {"p.yaml": "barriers: [\n"}, ["package", "KEN", "--profile", "p.yaml"],
     "p.yaml, line 2"),
    ("unknown profile key", {"p.yaml": "colour: blue\n"},
     ["package", "KEN", "--profile", "p.yaml"], "unknown key 'colour'"),
    ("bad profile date", {"p.yaml": "planned_deposit_date: 2027-13-01\n"},
     ["package", "KEN", "--profile", "p.yaml"], "'planned_deposit_date' must be a date"),
    ("profile of another State", {"p.yaml": "state: ARG\n"},
     ["package", "KEN", "--profile", "p.yaml"], "the package is for KEN"),
    ("missing status file", {}, ["package", "KEN", "--status-file", "none.csv"],
     "status file none.csv not found"),
    ("template syntax error", {"t/instrument/en.html.j2": BROKEN_TEMPLATE},
     ["package", "KEN", "--doc", "instrument", "--lang", "en", "--template-dir", "t"],
     "line 1: template syntax error"),
    ("undefined template variable", {"t/instrument/en.html.j2": UNDEFINED_TEMPLATE},
     ["package", "KEN", "--doc", "instrument", "--lang", "en", "--template-dir", "t"],
     "'nonsense' is undefined"),
    ("template reaching Python internals", {"t/instrument/en.html.j2": SNEAKY_TEMPLATE},
     ["package", "KEN", "--doc", "instrument", "--lang", "en", "--template-dir", "t"],
     "not allowed"),
    ("output folder is a file", {"taken": "x"}, ["package", "KEN", "--out", "taken"],
     "taken is a file; give a folder"),
    ("output folder inside a file", {"taken": "x"}, ["package", "KEN", "--out", "taken/sub"],
     "choose a writable --out"),
    # issue 24: what used to crash, hang or be silently replaced is one line
    ("empty output folder", {}, ["package", "HTI", "--out", ""], "'--out': empty"),
    ("generation date a Word file cannot carry", {}, ["package", "HTI", "--date", "2108-01-01"],
     "more than 10 years ahead"),
    ("instrument a non-signatory cannot use", {},
     ["package", "ARG", "--instrument", "approval"],
     "--instrument is 'approval', but Argentina (ARG) has not signed the Convention and can "
     "only accede"),
    ("profile instrument a signatory cannot use", {"p.yaml": "instrument: accession\n"},
     ["package", "KEN", "--profile", "p.yaml"], "key 'instrument' is 'accession', but Kenya"),
    ("conflicting deposit dates", {"p.yaml": "planned_deposit_date: 2029-01-01\n"},
     ["package", "KEN", "--profile", "p.yaml", "--deposit-date", "2027-03-15"],
     "--deposit-date 2027-03-15 and the profile's planned_deposit_date 2029-01-01 differ"),
    ("ambiguous State name", {}, ["package", "Korea"],
     "'Korea' could mean Republic of Korea (KOR) or Democratic People's Republic of Korea "
     "(PRK)"),
    ("bidirectional override in a name", {"p.yaml": 'signatory:\n  name: "A\\u202eB"\n'},
     ["package", "KEN", "--profile", "p.yaml"], "U+202E (a bidirectional control)"),
    ("control character in a name", {"p.yaml": 'signatory:\n  name: "A\\x07B"\n'},
     ["package", "KEN", "--profile", "p.yaml"], "U+0007 (a control character)"),
    ("deeply nested profile", {"p.yaml": "a: " + "[" * 5000 + "]" * 5000 + "\n"},
     ["package", "KEN", "--profile", "p.yaml"], "nested too deeply"),
    ("profile that is a device", {}, ["package", "KEN", "--profile", "/dev/zero"],
     "profile /dev/zero is not a regular file"),
    ("status file that is a device", {}, ["package", "KEN", "--status-file", "/dev/zero"],
     "status file /dev/zero is not a regular file"),
    ("template expression that fails", {"t/instrument/en.html.j2": UNDEFINED_TEMPLATE.replace(
        "nonsense", "1/0")},
     ["package", "KEN", "--doc", "instrument", "--lang", "en", "--template-dir", "t"],
     "template expression failed (ZeroDivisionError"),
    ("batch: --states with a selection", {},
     ["batch", "--states", "HTI", "--region", "Africa", "--status", "withdrawn"],
     "--states names the States; --status, --region would be ignored"),
    ("batch: only States Parties selected", {}, ["batch", "--status", "state_party"],
     "the selection holds only States Parties"),
]


def _prepare(tmp_path: Path, files: dict[str, str], args: list[str]) -> list[str]:
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    return [*args] if "--out" in args else [*args, "--out", "out"]


def _no_output(tmp_path: Path) -> bool:
    out = tmp_path / "out"
    return not out.exists() or not any(p.is_file() and not p.name.startswith(".")
                                       for p in out.rglob("*"))


@pytest.mark.parametrize(("case", "files", "args", "words"), BAD_INPUTS,
                         ids=[c[0] for c in BAD_INPUTS])
def test_bad_input(tmp_path, monkeypatch, case, files, args, words) -> None:
    """In-process (Click's runner): one Error line, non-zero exit, nothing written."""
    args = _prepare(tmp_path, files, args)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert result.exit_code != 0, case
    assert "Traceback" not in result.output, result.output
    error_lines = [line for line in result.stderr.splitlines() if line.startswith("Error")]
    assert len(error_lines) == 1, result.output
    assert words in error_lines[0], result.output
    assert _no_output(tmp_path), case


SUBPROCESS_CASES = ["unknown State", "malformed YAML", "template reaching Python internals",
                    "ambiguous State name", "profile that is a device"]


@pytest.mark.parametrize("case", SUBPROCESS_CASES)
def test_bad_input_real_process(tmp_path, case) -> None:
    """A few of the same cases as a user runs them: separate process, real exit code."""
    _, files, args, words = next(c for c in BAD_INPUTS if c[0] == case)
    result = ccmkit(*_prepare(tmp_path, files, args), cwd=tmp_path)
    assert result.returncode not in (0, 1), case
    assert "Traceback" not in result.stderr, result.stderr
    error_lines = [line for line in result.stderr.splitlines() if line.startswith("Error")]
    assert len(error_lines) == 1 and words in error_lines[0], result.stderr
    assert _no_output(tmp_path), case


def _one_error(result) -> str:
    assert result.exit_code not in (0, 1), result.output
    assert "Traceback" not in result.output, result.output
    lines = [line for line in result.output.splitlines() if line.startswith("Error")]
    assert len(lines) == 1, result.output
    return lines[0]


def test_timeline_of_a_state_party_names_its_real_deposit() -> None:
    """W9: a State Party has no new deposit; the error gives its real one."""
    line = _one_error(run_cli("timeline", "COL", "--deposit-date", "2027-01-01"))
    assert "Colombia (COL) is already a State Party: it deposited its instrument on 20" in line


def test_a_bad_source_date_epoch_is_one_line(tmp_path) -> None:
    """E1: SOURCE_DATE_EPOCH beyond any year Python or a Word file can carry."""
    result = run_cli("package", "HTI", "--doc", "cover_note", "--lang", "en", "--out",
                     str(tmp_path), env={"SOURCE_DATE_EPOCH": "99999999999999"})
    assert "SOURCE_DATE_EPOCH=99999999999999 is not a date" in _one_error(result)


def test_a_relative_template_dir_with_a_style_sheet_works(tmp_path, monkeypatch) -> None:
    """F10: the README's way of customising the house style, typed as a relative folder."""
    from ccmkit.resources import templates_dir

    (tmp_path / "t_benign").mkdir()
    css = (templates_dir() / "style.css").read_text(encoding="utf-8")
    (tmp_path / "t_benign" / "style.css").write_text(css + "\nh1 { color: #123456 }\n",
                                                      encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = run_cli("package", "USA", "--doc", "cover_note", "--lang", "en", "--format", "pdf",
                     "--template-dir", "t_benign", "--out", "b")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "b" / "USA" / "en" / "cover_note.pdf").read_bytes().startswith(b"%PDF")


def test_a_fifo_profile_is_refused_not_waited_for(tmp_path) -> None:
    """E7: a named pipe given as a profile: one line at once, no hang (real process)."""
    os.mkfifo(tmp_path / "p.yaml")
    result = ccmkit("package", "KEN", "--profile", "p.yaml", "--out", "out", cwd=tmp_path)
    assert result.returncode == 3 and "Traceback" not in result.stderr
    assert "profile p.yaml is not a regular file" in result.stderr


def test_a_profile_may_name_its_state(tmp_path) -> None:
    """E8: ``state: Kenya`` in Kenya's profile is Kenya."""
    (tmp_path / "p.yaml").write_text("state: Kenya\n", encoding="utf-8")
    result = run_cli("package", "KEN", "--doc", "steps", "--lang", "en", "--format", "docx",
                     "--profile", str(tmp_path / "p.yaml"), "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(("row", "words"), [
    ("HTI,maybe,,", "column 'provisional_application' must be yes or no (got 'maybe')"),
    ("HTI,,2027-03-15,2029-01-01", "deposit_date and planned_deposit_date differ"),
])
def test_batch_csv_choices_are_never_silently_replaced(tmp_path, row, words) -> None:
    """W12: a value that cannot apply fails its State with the reason, not a default."""
    states = tmp_path / "states.csv"
    states.write_text("state,provisional_application,deposit_date,planned_deposit_date\n"
                      + row + "\n", encoding="utf-8")
    result = run_cli("batch", "--from", str(states), "--doc", "cover_note", "--lang", "en",
                     "--format", "docx", "--jobs", "1", "--dry-run", "--out",
                     str(tmp_path / "out"))
    assert words in result.output, result.output


def test_package_contract(tmp_path) -> None:
    result = run_cli("package", "kenya", "--lang", "fr", "--doc", "instrument", "--format",
                     "docx", "--date", GENERATED.isoformat(), "--deposit-date", "2027-03-15",
                     "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    data = manifest(tmp_path / "KEN")
    assert data["state"] == {"code": "KEN", "name": "Kenya", "status": "signatory"}
    assert data["languages"] == ["fr"]
    assert [(d["kind"], d["lang"], d["format"], d["path"]) for d in data["documents"]] == [
        ("instrument", "fr", "docx", "fr/instrument.docx")]
    assert len(data["documents"][0]["sha256"]) == 64
    assert data["dates"] == {
        "deposit": "2027-03-15", "entry_into_force": "2027-09-01",
        "initial_report_due": "2028-02-28", "stockpile_destruction_due": "2035-09-01",
        # no clearance deadline: Kenya is not in the Mine Action Review 2019 list
    }
    assert sorted(p.name for p in (tmp_path / "KEN").rglob("*") if p.is_file()) == [
        "instrument.docx", "manifest.json"]


def test_lang_auto_uses_package_languages(tmp_path) -> None:
    result = run_cli("package", "HTI", "--doc", "instrument", "--format", "docx",
                     "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert manifest(tmp_path / "HTI")["languages"] == ["fr"]


def test_states_list_outside_csv() -> None:
    result = ccmkit("states", "list", "--status", "outside", "--format", "csv")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert lines[0].startswith("iso3,iso2,name,status")
    assert len(lines) == 1 + 85
    assert any(line.startswith("LTU,") and ",withdrawn," in line for line in lines)
    assert lines[0].endswith(",status_as_of") and lines[1].endswith(",2025-09")


def test_states_list_table_says_as_of() -> None:
    result = run_cli("states", "list", "--status", "signatory")
    assert "12 States; Convention status as of 2025-09" in result.output


def test_states_show_json() -> None:
    result = run_cli("states", "show", "Côte d’Ivoire", "--format", "json")
    data = json.loads(result.output)
    assert data["iso3"] == "CIV" and data["status"]["status"] == "state_party"
    assert data["names"]["fr"]["with_article"].startswith("la Côte")


def test_states_show_unknown() -> None:
    result = ccmkit("states", "show", "Narnia")
    assert result.returncode != 0 and "unknown State 'Narnia'" in result.stderr


def test_timeline_json() -> None:
    result = run_cli("timeline", "LKA", "--deposit-date", "2018-03-01", "--historical",
                     "--format", "json")
    assert json.loads(result.output)["dates"]["entry_into_force"] == "2018-09-01"


def test_python_dash_m_and_help() -> None:
    result = ccmkit("--help")
    assert result.returncode == 0 and "package" in result.stdout and "batch" in result.stdout


def test_status_file_env(tmp_path) -> None:
    status = tmp_path / "s.csv"
    status.write_text("iso3,status,route,signature_date,deposit_date,effective_date,source\n"
                      "KEN,state_party,ratification,,2026-10-01,,test\n", encoding="utf-8")
    (tmp_path / "s.meta.yaml").write_text("as_of: 2026-11-01\n", encoding="utf-8")
    result = ccmkit("states", "show", "KEN", env={"CCMKIT_STATUS_FILE": str(status)})
    assert "status: state_party" in result.stdout


@pytest.mark.parametrize(("args", "message"), [
    (("timeline", "LKA", "--deposit-date", "2018-03-01"), "in the past; give a planned date"),
    (("timeline", "KEN", "--deposit-date", "2007-01-01", "--historical"),
     "before the Convention was adopted"),
    (("timeline", "COD", "--deposit-date", "2009-01-01", "--historical"),
     "before the State signed (2009-03-18)"),
    (("package", "KEN", "--deposit-date", "2099-01-01"), "more than 10 years ahead"),
])
def test_implausible_deposit_dates_refused(tmp_path, args, message) -> None:
    result = run_cli(*args, "--out", str(tmp_path)) if args[0] == "package" else run_cli(*args)
    assert result.exit_code != 0 and message in result.output
    assert "Traceback" not in result.output
