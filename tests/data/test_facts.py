"""The evidence base: every fact sourced and dated, layers, import, look-up, and the rules."""

from __future__ import annotations

import json
from datetime import date

import pytest

from ccmkit import rules
from ccmkit.data.facts import FACTS_FILE, parse_value
from ccmkit.data.states import load_registry
from ccmkit.errors import CcmkitError
from ccmkit.vocab import TOKEN_FACTS, UNGA_VOTE
from tests.conftest import run_cli

REQUIRED = ("stockpiles", "contamination", "producer", "used", "mine_ban_treaty", UNGA_VOTE,
            "legal_tradition", "official_languages", "stated_position")
REG = load_registry()
OUTSIDE = REG.select(["outside"])


def test_eighty_five_outside() -> None:
    assert len(OUTSIDE) == 85


@pytest.mark.parametrize("state", OUTSIDE, ids=lambda s: s.iso3)
def test_every_fact_explicit_and_sourced(state) -> None:
    for name in REQUIRED:
        key = max((k for k in state.facts if k.startswith(UNGA_VOTE + "_")), default=None) \
            if name == UNGA_VOTE else name
        assert key in state.facts, f"{state.iso3}: no explicit value or 'unknown' for {name}"
        obs = state.facts[key]
        if obs.known:
            assert obs.source is not None and obs.source.title, (state.iso3, name)
            assert obs.source_id in REG.factbook.sources, (state.iso3, name)
            assert obs.quote, (state.iso3, name)
        family = UNGA_VOTE if name == UNGA_VOTE else name
        if family in TOKEN_FACTS:
            assert obs.value in TOKEN_FACTS[family], (state.iso3, name, obs.value)
    # legal tradition: every State outside has one, except where the source says "in transition"
    assert state.value("legal_tradition") != "unknown", state.iso3


def test_dates_parse_and_sources_resolve() -> None:
    for per_state in REG.factbook.observations.values():
        for observations in per_state.values():
            for obs in observations:
                assert obs.as_of is None or date(2000, 1, 1) <= obs.as_of <= date.today()
                assert obs.source_id is None or obs.source_id in REG.factbook.sources


def test_values_from_the_reference_sample() -> None:
    """Spot checks against rows of the reference sample (facts-sample.csv)."""
    assert REG.find("EGY").value("stockpiles") == "yes"
    assert REG.find("KEN").value("mine_ban_treaty") == "yes"
    assert REG.find("AGO").value("contamination") == "yes"
    assert REG.find("EGY").value("legal_tradition") == "mixed"
    assert REG.find("TON").value("mine_ban_treaty") == "yes"  # acceded 2025: newest wins
    assert REG.find("MAR").languages == ("fr",) and REG.find("MAR").languages_basis == "finding"
    assert REG.find("RUS").languages_basis == "default"


@pytest.mark.parametrize(("raw", "expected"), [
    ("no (states it has never used)", ("no", "states it has never used")),
    ("unconfirmed for post-2008 (remnants)", ("unconfirmed", "for post-2008 (remnants)")),
    ("yes", ("yes", None)),
])
def test_parse_value(raw: str, expected: tuple) -> None:
    assert parse_value("used", raw) == expected


def test_parse_value_refuses_free_text() -> None:
    with pytest.raises(ValueError, match="must start with one of yes"):
        parse_value("stockpiles", "probably")
    with pytest.raises(ValueError, match="unknown fact 'colour'"):
        parse_value("colour", "blue")


@pytest.mark.parametrize(("query", "iso3"), [
    ("DR Congo", "COD"), ("Russia", "RUS"), ("Brunei", "BRN"), ("UAE", "ARE"),
    ("Lao PDR", "LAO"), ("DPRK", "PRK"), ("Micronesia", "FSM"), ("Syria", "SYR"),
    ("Vietnam", "VNM"), ("Russie", "RUS"), ("Tanzanie", "TZA"), ("Corée du Nord", "PRK"),
    ("Siria", "SYR"), ("Congo", "COG"), ("côte d’ivoire", "CIV"),
])
def test_common_names(query: str, iso3: str) -> None:
    assert REG.find(query).iso3 == iso3


def test_suggestions_are_sensible() -> None:
    with pytest.raises(CcmkitError, match=r"did you mean Egypt \(EGY\)"):
        REG.find("Egipt")


def test_groupings() -> None:
    asean = REG.members("ASEAN")
    assert {"BRN", "KHM", "IDN", "LAO", "MYS", "MMR", "PHL", "SGP", "THA", "VNM"} <= asean
    assert "ASEAN" in REG.find("VNM").groupings
    assert REG.regional(REG.find("VNM"), "ASEAN")["total"] == len(asean)
    with pytest.raises(CcmkitError, match="unknown grouping 'ASEN'"):
        REG.grouping("ASEN")


def test_rules_differ_in_substance_between_egypt_and_tuvalu() -> None:
    egypt, tuvalu = REG.find("EGY"), REG.find("TUV")
    egypt_barriers = [c.value for c in rules.infer_barriers(egypt, REG)]
    tuvalu_barriers = [c.value for c in rules.infer_barriers(tuvalu, REG)]
    assert egypt_barriers[0] == "defence_security"
    assert "defence_security" not in tuvalu_barriers
    assert rules.legislation_variant(egypt).value == "full"
    assert rules.legislation_variant(tuvalu).value == "minimal"
    assert rules.drafting_style(REG.find("ARG")).value == "civil-law"
    assert rules.drafting_style(REG.find("JAM")).value == "common-law"
    for choice in rules.infer_barriers(egypt, REG):
        assert choice.reason  # every choice says why


def test_stale_facts_are_marked() -> None:
    obs = REG.find("COD").fact("contamination")  # the 2019 list
    assert obs.stale(date(2026, 11, 26))
    assert not obs.stale(date(2020, 1, 1))


def test_states_show_json(tmp_path) -> None:
    result = run_cli("states", "show", "EGY", "--format", "json")
    data = json.loads(result.output)
    fact = data["facts"]["stockpiles"]
    assert fact["value"] == "yes" and fact["source"]["url"].startswith("http")
    assert set(fact) >= {"value", "qualifier", "as_of", "source", "stale"}
    assert any(name.startswith("unga_vote_") for name in data["facts"])


IMPORT_HEADER = "iso3,fact,value,source_url,source_title,as_of,quote\n"


def test_facts_import_layers_over_shipped(tmp_path) -> None:
    data = tmp_path / "data"
    good = tmp_path / "new.csv"
    good.write_text(IMPORT_HEADER + 'EGY,stockpiles,"no (destroyed, per the mission)",'
                    'https://example.org/r,ISU mission report,2026-10-01,"Egypt said so"\n',
                    encoding="utf-8")
    result = run_cli("facts", "import", str(good), "--data-dir", str(data))
    assert result.exit_code == 0, result.output
    layered = load_registry(data_dir=data)
    assert layered.find("EGY").value("stockpiles") == "no"
    assert layered.find("EGY").fact("stockpiles").layer == "user"
    assert load_registry().find("EGY").value("stockpiles") == "yes"  # shipped untouched
    shown = run_cli("states", "show", "EGY", "--data-dir", str(data))
    assert "ISU mission report" in shown.output


@pytest.mark.parametrize(("row", "message"), [
    ("ATL,stockpiles,no,https://x.org,T,2026-01-01,q", "line 3: unknown State 'ATL'"),
    ("EGY,colour,no,https://x.org,T,2026-01-01,q", "line 3: unknown fact 'colour'"),
    ("EGY,stockpiles,maybe,https://x.org,T,2026-01-01,q", "line 3: value of stockpiles"),
    ("EGY,stockpiles,no,https://x.org,T,2026-02-30,q", "line 3: '2026-02-30'"),
    ("EGY,stockpiles,no,,,2026-01-01,", "line 3: a value other than 'unknown' needs a source"),
    ("EGY,stockpiles,no", "line 3: wrong number of columns"),
])
def test_facts_import_bad_rows_import_nothing(tmp_path, row: str, message: str) -> None:
    data = tmp_path / "data"
    bad = tmp_path / "bad.csv"
    bad.write_text(IMPORT_HEADER + "KEN,stockpiles,no,https://x.org,T,2026-01-01,q\n" + row
                   + "\n", encoding="utf-8")
    result = run_cli("facts", "import", str(bad), "--data-dir", str(data))
    assert result.exit_code != 0
    assert message in result.output and "Traceback" not in result.output
    assert not (data / FACTS_FILE).exists()  # nothing half-imported
