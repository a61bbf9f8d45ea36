"""A State's concerns and engagement: classified from the sources for all 85 States outside,
each observation with source, date and quote; reversals; reviewer overrides; no rule reads the
free-text stated position; staleness per kind of fact; the review worksheet round trip."""

from __future__ import annotations

import ast
import json
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from ccmkit import rules
from ccmkit.data.facts import OVERRIDES_FILE, Observation, fold
from ccmkit.data.states import load_registry
from ccmkit.resources import package_dir
from ccmkit.vocab import CONCERNS, ENGAGEMENTS
from tests.conftest import run_cli

REG = load_registry()
OUTSIDE = REG.select(["outside"])


@pytest.mark.parametrize("state", OUTSIDE, ids=lambda s: s.iso3)
def test_every_state_outside_has_sourced_concerns_and_engagement(state) -> None:
    for fact, vocabulary in (("concerns", CONCERNS), ("engagement", ENGAGEMENTS)):
        obs = state.fact(fact)
        assert obs.known, f"{state.iso3}: no {fact}"
        assert obs.values and set(obs.values) <= set(vocabulary), (state.iso3, obs.value)
        for part in obs.parts:
            assert part.source and part.source.title and part.source.url, (state.iso3, fact)
            assert part.as_of and part.quote and len(part.quote) > 30, (state.iso3, fact)


def test_states_show_json_lists_values_and_observations() -> None:
    result = run_cli("states", "show", "VNM", "--format", "json")
    facts = json.loads(result.output)["facts"]
    assert facts["concerns"]["value"] == ["clearance_capacity", "users_responsibility"]
    assert "considering" in facts["engagement"]["value"]
    for obs in facts["concerns"]["observations"]:
        assert obs["source"]["url"] and obs["as_of"] and obs["quote"]
    assert facts["stockpiles"]["observations"][0]["quote"]


def test_no_rule_reads_the_stated_position_text() -> None:
    """The choices rest on classified facts: no module outside the data layer reads
    `stated_position`, and no regular expression is applied to a fact's value."""
    src = package_dir()
    for path in src.rglob("*.py"):
        if path.parts[-2] == "data" or path.name in ("vocab.py", "labels.py", "report.py"):
            continue
        text = path.read_text(encoding="utf-8")
        assert '"stated_position"' not in text, path
        tree = ast.parse(text)
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", "") in (
                    "search", "match", "fullmatch") and "position" in ast.unparse(node):
                raise AssertionError(f"{path}: {ast.unparse(node)}")


def _obs(value: str, day: str, qualifier: str | None = None) -> Observation:
    return Observation("XXX", "engagement", value, qualifier=qualifier,
                       as_of=date.fromisoformat(day))


def test_a_later_statement_that_reverses_replaces_the_earlier_ones() -> None:
    folded = fold([_obs("pledged", "2013-09-01"), _obs("none", "2017-04-01", "reverses"),
                   _obs("supports_norm", "2022-08-14")])
    assert folded.values == ("supports_norm",) and len(folded.parts) == 2
    assert fold([_obs("pledged", "2013-09-01"), _obs("considering", "2015-01-01")]
                ).values == ("pledged", "considering")
    assert fold([_obs("none", "2013-09-01"), _obs("considering", "2015-01-01")]
                ).values == ("considering",)  # "none" gives way to a value


def test_gabon_and_lithuania_reversals_in_the_shipped_data() -> None:
    assert "pledged" not in REG.by_iso3("GAB").fact("engagement").values
    assert rules.engagement(REG.by_iso3("LTU")) == ()


def test_capacity_is_not_opposition_and_barriers_follow_concerns() -> None:
    vnm = REG.by_iso3("VNM")
    assert not set(rules.concerns(vnm)) & set(rules.OPPOSING)
    assert rules.primary_barrier(vnm, REG).value == "legal_technical"
    assert "clearance deadline (Art. 4)" in rules.infer_barriers(vnm, REG)[0].reason
    # its stated condition (a peace agreement) comes before the facts (use, production)
    assert rules.primary_barrier(REG.by_iso3("MMR"), REG).value == "regional_alignment"
    assert set(rules.CONCERN_BARRIER) == set(CONCERNS) - {"none_stated"}


def test_override_in_the_data_folder_is_recorded_and_shown(tmp_path: Path) -> None:
    (tmp_path / OVERRIDES_FILE).write_text(
        "VNM:\n  concerns:\n    value: [capacity_priority]\n    by: A. Officer\n"
        "    reason: meeting of 2 December 2026\n    as_of: 2026-12-02\n", encoding="utf-8")
    registry = load_registry(data_dir=tmp_path)
    obs = registry.by_iso3("VNM").fact("concerns")
    assert obs.values == ("capacity_priority",) and obs.override is not None
    assert obs.override.by == "A. Officer" and obs.parts  # the sourced statements kept
    assert rules.primary_barrier(registry.by_iso3("VNM"), registry).value == "bandwidth"
    result = run_cli("brief", "VNM", "--format", "docx", "--out", str(tmp_path / "out"),
                     env={"CCMKIT_DATA_DIR": str(tmp_path)})
    assert result.exit_code == 0, result.output
    from tests.readers import docx_text
    text = " ".join(docx_text(tmp_path / "out/internal/VNM/brief-en.docx").split())
    assert "Override in force, by A. Officer" in text and "meeting of 2 December 2026" in text


@pytest.mark.parametrize(("body", "message"), [
    ("VNM:\n  concerns:\n    value: [worried]\n    by: A\n    reason: r\n", "worried"),
    ("VNM:\n  stockpiles:\n    value: [yes]\n    by: A\n    reason: r\n", "only concerns"),
    ("VNM:\n  concerns:\n    value: [capacity_priority]\n    reason: r\n", "by"),
    ("XXX:\n  concerns:\n    value: [capacity_priority]\n    by: A\n    reason: r\n",
     "unknown State"),
])
def test_a_bad_override_is_one_line(tmp_path: Path, body: str, message: str) -> None:
    (tmp_path / OVERRIDES_FILE).write_text(body, encoding="utf-8")
    result = run_cli("states", "show", "VNM", env={"CCMKIT_DATA_DIR": str(tmp_path)})
    assert result.exit_code != 0 and message in result.output
    assert OVERRIDES_FILE in result.output and "Traceback" not in result.output


def test_profile_override(tmp_path: Path) -> None:
    profile = tmp_path / "p.yaml"
    profile.write_text("overrides:\n  engagement:\n    value: [process_under_way]\n"
                       "    by: Desk officer\n    reason: cabinet decision reported\n",
                       encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli("brief", "GAB", "--profile", str(profile), "--format", "docx",
                     "--out", str(out))
    assert result.exit_code == 0, result.output


def test_staleness_depends_on_the_kind_of_fact() -> None:
    today = date(2026, 12, 5)
    vote = Observation("VNM", "unga_vote_2025", "yes", as_of=date(2025, 12, 10))
    assert vote.stale(today)  # the 2026 vote is due in December 2026
    assert not vote.stale(date(2026, 11, 30))
    tradition = Observation("VNM", "legal_tradition", "civil_law", as_of=date(2000, 1, 1))
    assert not tradition.stale(today)
    position = Observation("VNM", "stockpiles", "no", as_of=date(2023, 12, 1))
    assert position.stale(today) and not position.stale(date(2026, 11, 1))
    undated = Observation("VNM", "stockpiles", "no")
    assert undated.stale(today)


def test_review_worksheet_round_trip(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    result = run_cli("facts", "review", "--stale", "--state", "VNM", "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    sheet_path = tmp_path / "internal" / "facts-review.xlsx"
    book = load_workbook(sheet_path)
    sheet = book.active
    header = [c.value for c in sheet[1]]
    assert header[:4] == ["iso3", "state", "fact", "value"] and "new_quote" in header
    rows = [dict(zip(header, (c.value for c in row), strict=True)) for row in
            sheet.iter_rows(min_row=2)]
    assert rows and all(r["stale"] == "yes" and r["iso3"] == "VNM" for r in rows)
    assert all(r["fact"] not in ("legal_tradition", "official_languages") for r in rows)
    target = next(i for i, r in enumerate(rows, start=2) if r["fact"] == "concerns")
    col = {name: i + 1 for i, name in enumerate(header)}
    for name, value in (("new_value", "clearance_capacity"), ("new_qualifier", "reiterated"),
                        ("new_source_title", "Statement at the 13MSP"),
                        ("new_source_url", "https://example.org/13msp"),
                        ("new_as_of", "2026-09-10"),
                        ("new_quote", "=HYPERLINK(\"x\") Viet Nam reiterated its concern.")):
        sheet.cell(row=target, column=col[name], value=value).data_type = "s"  # typed as text
    book.save(sheet_path)
    result = run_cli("facts", "import", str(sheet_path), "--data-dir", str(data))
    assert result.exit_code == 0, result.output
    assert "1 observations added" in result.output
    registry = load_registry(data_dir=data)
    obs = registry.by_iso3("VNM").fact("concerns")
    assert obs.as_of == date(2026, 9, 10) and obs.qualifier == "reiterated"
    assert "users_responsibility" in obs.values  # earlier statements still count
    # the hostile quote is exported back as text, never as a formula
    run_cli("facts", "review", "--state", "VNM", "--fact", "concerns", "--out", str(tmp_path),
            env={"CCMKIT_DATA_DIR": str(data)})
    again = load_workbook(sheet_path).active
    for row in again.iter_rows(min_row=2):
        for cell in row:
            assert cell.data_type != "f", cell.value


def test_review_import_is_all_rows_or_none(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    sheet = tmp_path / "review.csv"
    header = ("iso3,state,fact,value,qualifier,as_of,age_years,stale,source_title,source_url,"
              "quote,new_value,new_qualifier,new_source_title,new_source_url,new_as_of,"
              "new_quote\n")
    good = ("VNM,Viet Nam,engagement,considering,,2022,4,yes,t,u,q,pledged,,Statement,"
            "https://example.org,2026-09-10,Viet Nam pledged to accede.\n")
    bad = ("KEN,Kenya,concerns,none_stated,,2022,4,yes,t,u,q,worried,,Statement,"
           "https://example.org,2026-09-10,Kenya is worried.\n")
    sheet.write_text(header + good + bad, encoding="utf-8")
    result = run_cli("facts", "import", str(sheet), "--data-dir", str(data))
    assert result.exit_code != 0 and "line 3" in result.output and "worried" in result.output
    assert not (data / "facts.csv").exists()
