"""Targeting: deterministic, decomposable, driven by the weights file; a missing fact gives no
points and widens the State's range; ties visible and ordered by evidence; interim steps and
opposition read the classified engagement and concerns."""

from __future__ import annotations

import json
import random
import re
from dataclasses import replace
from pathlib import Path

import pytest
import yaml

from ccmkit.data.facts import unknown
from ccmkit.data.states import Registry, State
from ccmkit.workbench import targets as scoring
from tests.conftest import run_cli

JSON_KEYS = {"rank", "iso3", "name", "score", "range", "tie", "criteria", "missing"}
CRITERION_KEYS = {"criterion", "weight", "points", "fact", "value", "source", "as_of"}


def _json(*args: str) -> dict:
    result = run_cli("targets", "--format", "json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def _order(data: dict) -> list[str]:
    return [s["iso3"] for s in data["states"]]


def test_ranking_is_deterministic(registry: Registry) -> None:
    states = registry.select(("outside",))
    first = scoring.rank(registry, states).record()
    shuffled = list(states)
    random.Random(7).shuffle(shuffled)
    assert scoring.rank(registry, shuffled).record() == first
    assert _json("--top", "85") == _json("--top", "85") == first
    ranks = [s["rank"] for s in first["states"]]
    assert ranks == list(range(1, len(states) + 1))  # an order, ties marked separately


def test_ties_are_visible_with_their_span(registry: Registry) -> None:
    data = _json("--top", "85")
    assert "engagement" in data["tie_rule"] and "ISO 3166" in data["tie_rule"]
    by_score: dict[float, list[int]] = {}
    for s in data["states"]:
        by_score.setdefault(s["score"], []).append(s["rank"])
    assert any(len(r) > 1 for r in by_score.values())  # the shipped data has ties
    for s in data["states"]:
        span = by_score[s["score"]]
        expected = {"from": span[0], "to": span[-1]} if len(span) > 1 else None
        assert s["tie"] == expected, s["iso3"]
    table = run_cli("targets", "--top", "85").output
    tied = next(s for s in data["states"] if s["tie"])
    assert re.search(rf"^={tied['tie']['from']}\s+{tied['iso3']}\b", table, re.M), table


def test_within_a_tie_evidence_comes_before_the_code(registry: Registry) -> None:
    base = registry.find("BGD")
    engaged = _variant(base, "ZZZ", engagement="pledged")
    silent = _variant(base, "AAA", engagement="supports_norm")
    # only `pledged` is an interim step: level the scores by giving that criterion no weight
    flat = scoring.Weights({**scoring.load_weights().values, "interim_steps": 0}, "test")
    tied = scoring.rank(registry, [silent, engaged], flat)
    assert [t.state.iso3 for t in tied.targets] == ["ZZZ", "AAA"]
    assert all(t.tie == (1, 2) and t.shown_rank == "=1" for t in tied.targets)


def test_json_shape_and_every_score_decomposes(registry: Registry) -> None:
    data = _json("--top", "1000")
    weights = yaml.safe_load(scoring.default_weights_path().read_text(encoding="utf-8"))
    assert set(data) == {"as_of", "tie_rule", "states"}
    assert data["as_of"] == registry.status.as_of
    assert len(data["states"]) == len(registry.select(("outside",))) == 85
    for state in data["states"]:
        assert set(state) == JSON_KEYS
        assert [c["criterion"] for c in state["criteria"]] == [c.name for c in
                                                               scoring.CRITERIA]
        assert state["score"] == sum(c["points"] for c in state["criteria"])
        for c in state["criteria"]:
            assert set(c) == CRITERION_KEYS
            assert c["weight"] == weights[c["criterion"]]
            assert c["points"] in (0, c["weight"])
            if c["fact"] not in state["missing"]:
                assert c["source"], (state["iso3"], c)
            # ISO date as precise as the source; null only for an undated source
            assert c["as_of"] is None or re.fullmatch(r"\d{4}(-\d{2}){0,2}", c["as_of"])


def test_default_scores_match_the_facts(registry: Registry) -> None:
    """A few States checked by hand against `ccmkit states show`."""
    ranking = scoring.rank(registry, registry.select(("outside",)))
    points = {t.state.iso3: {s.criterion: s.points for s in t.criteria}
              for t in ranking.targets}
    assert points["KEN"]["signatory"] == 30 and points["ARG"]["signatory"] == 0
    assert points["EGY"]["producer"] == -15
    assert points["VNM"]["stated_opposition"] == 0  # a clearance concern is not opposition
    assert points["VNM"]["interim_steps"] == 10  # "studying" the Convention: considering
    assert points["USA"]["stated_opposition"] == -20  # security_defence
    # finding the Convention not strict enough (Art. 21 too permissive) is not opposition
    assert points["ARG"]["stated_opposition"] == 0
    assert points["GAB"]["interim_steps"] == 0  # the 2017 letter set earlier pledges aside
    assert points["LTU"]["interim_steps"] == 0 and points["LTU"]["stated_opposition"] == -20
    assert points["MMR"]["used"] == -10 and points["MMR"]["producer"] == -15  # CMC 2023
    top = [t.state for t in ranking.top(15)]
    assert {s.status for s in top} == {"signatory", "not_signed"}  # a mix, as the plan asks


def test_a_weight_change_in_a_user_file_changes_the_order(tmp_path: Path) -> None:
    default = _order(_json("--top", "85"))
    assert default.index("KEN") < default.index("BGD")  # signatory 30 lifts Kenya
    user = tmp_path / "weights.yaml"
    user.write_text("signatory: -10\n", encoding="utf-8")
    changed = _json("--top", "85", "--weights", str(user))
    order = _order(changed)
    assert order.index("BGD") < order.index("KEN")
    kenya = next(s for s in changed["states"] if s["iso3"] == "KEN")
    weights = {c["criterion"]: c["weight"] for c in kenya["criteria"]}
    assert weights["signatory"] == -10 and weights["mine_ban_treaty"] == 15  # others default
    user.write_text("mine_ban_treaty: 200\n", encoding="utf-8")
    heavy = _json("--top", "85", "--weights", str(user))["states"]
    parties = [s["iso3"] for s in heavy if any(
        c["criterion"] == "mine_ban_treaty" and c["points"] == 200 for c in s["criteria"])]
    assert _order({"states": heavy})[:len(parties)] == parties


def _variant(state: State, iso3: str, **facts: str) -> State:
    changed = dict(state.facts)
    for name, value in facts.items():
        changed[name] = (unknown(iso3, name) if value == "unknown"
                         else replace(state.fact(name), value=value, qualifier=None, parts=()))
    return replace(state, iso3=iso3, facts=changed)


@pytest.mark.parametrize(("fact", "good", "bad"), [
    ("stockpiles", "no", "yes"), ("mine_ban_treaty", "yes", "no"),
    ("used", "no", "yes"), ("contamination", "yes", "no"),
    ("engagement", "pledged", "supports_norm"), ("concerns", "clearance_capacity",
                                                 "security_defence")])
def test_a_missing_fact_gives_no_points_and_a_range(registry: Registry, fact: str,
                                                    good: str, bad: str) -> None:
    base = registry.find("BGD")
    missing = _variant(base, "AAA", **{fact: "unknown"})
    favourable = _variant(base, "ZZZ", **{fact: good})
    unfavourable = _variant(base, "ZZY", **{fact: bad})
    ranking = scoring.rank(registry, [missing, favourable, unfavourable])
    scores = {t.state.iso3: t.score for t in ranking.targets}
    target = ranking.position("AAA")
    assert target is not None and target.missing == [fact] and target.uncertain
    # the sure points: neither the favourable nor (for a negative weight) the worst outcome
    assert min(scores["ZZY"], scores["ZZZ"]) <= scores["AAA"] <= max(scores["ZZY"],
                                                                      scores["ZZZ"])
    assert target.range == (min(scores["ZZY"], scores["ZZZ"]), max(scores["ZZY"],
                                                                   scores["ZZZ"]))
    assert target.record()["range"] == list(target.range)
    assert ranking.position("ZZZ").range == (scores["ZZZ"], scores["ZZZ"])  # type: ignore


def test_kenya_with_unknown_stockpiles_ranks_above_a_confirmed_stockpiler(
        registry: Registry) -> None:
    ranking = scoring.rank(registry, registry.select(("outside",)))
    kenya, indonesia = ranking.position("KEN"), ranking.position("IDN")
    assert kenya is not None and indonesia is not None
    assert kenya.rank < indonesia.rank and "stockpiles" in kenya.missing
    assert kenya.range[0] < kenya.score  # the list shows what it does not know


@pytest.mark.parametrize("weights_text", [None, "signatory: 0\n"])
def test_signatories_rank_above_non_signatories_all_else_equal(
        registry: Registry, tmp_path: Path, weights_text: str | None) -> None:
    weights = None
    if weights_text:
        (tmp_path / "w.yaml").write_text(weights_text, encoding="utf-8")
        weights = scoring.load_weights(tmp_path / "w.yaml")
    base = registry.find("KEN")
    signatory = replace(base, iso3="ZZZ")
    other = replace(base, iso3="AAA",
                    membership=replace(base.membership, status="not_signed",
                                       signature_date=None))
    ranking = scoring.rank(registry, [other, signatory], weights)
    assert [t.state.iso3 for t in ranking.targets] == ["ZZZ", "AAA"]


def test_states_parties_are_never_ranked(registry: Registry) -> None:
    ranking = scoring.rank(registry, registry.states)
    assert len(ranking.targets) == 85
    assert all(t.state.status != "state_party" for t in ranking.targets)


def test_show_weights_prints_the_documented_default() -> None:
    result = run_cli("targets", "--show-weights")
    assert result.exit_code == 0
    parsed = yaml.safe_load(result.output)
    assert set(parsed) == {c.name for c in scoring.CRITERIA}
    assert "missing" in result.output and "CRPD" in result.output  # documented


@pytest.mark.parametrize(("text", "message"), [
    ("colour: 3\n", "unknown criterion 'colour'"),
    ("signatory: high\n", "weight of signatory must be a number"),
    ("signatory: .inf\n", "weight of signatory must be a number"),
    ("signatory: true\n", "weight of signatory must be a number"),
    ("- signatory\n", "expected a mapping of criterion: weight"),
    ("signatory: [1\n", "fix the YAML syntax"),
])
def test_bad_weights_file_is_one_clear_line(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "w.yaml"
    path.write_text(text, encoding="utf-8")
    result = run_cli("targets", "--weights", str(path), "--out", str(tmp_path / "out"),
                     "--format", "csv")
    assert result.exit_code != 0
    assert result.output.startswith("Error: ") and message in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()


def test_missing_weights_file(tmp_path: Path) -> None:
    result = run_cli("targets", "--weights", str(tmp_path / "none.yaml"))
    assert result.exit_code != 0 and "weights file" in result.output
    assert "Traceback" not in result.output


def test_selection_by_grouping(registry: Registry) -> None:
    data = _json("--group", "ASEAN", "--top", "50")
    members = registry.members("ASEAN")
    codes = _order(data)
    assert codes and set(codes) <= members
    assert set(codes) == {s.iso3 for s in registry.select(("outside",), group="ASEAN")}
    empty = run_cli("targets", "--group", "ASEAN", "--status", "withdrawn")
    assert empty.exit_code != 0 and empty.output.startswith("Error: no State")


def test_batch_selects_by_grouping(registry: Registry, tmp_path: Path) -> None:
    result = run_cli("batch", "--group", "CARICOM", "--dry-run", "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    planned = {line.split()[0] for line in result.output.splitlines()[:-1]}
    expected = {s.iso3 for s in registry.select(("outside",), group="CARICOM")}
    assert planned == expected and planned


def test_top_iso3_for_the_log_report(registry: Registry) -> None:
    top = scoring.top_iso3(registry)
    assert len(top) == 15 and top == _order(_json())


def test_csv_and_xlsx_read_back(tmp_path: Path) -> None:
    import csv

    from openpyxl import load_workbook

    result = run_cli("targets", "--format", "csv", "--format", "xlsx", "--top", "15",
                     "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader((tmp_path / "internal" / "targets.csv").open(encoding="utf-8")))
    assert len(rows) == 15 * len(scoring.CRITERIA)
    for iso3 in {r["iso3"] for r in rows}:
        mine = [r for r in rows if r["iso3"] == iso3]
        assert float(mine[0]["score"]) == sum(float(r["points"]) for r in mine)
    book = load_workbook(tmp_path / "internal" / "targets.xlsx")
    assert book.sheetnames == ["Ranking", "Criteria", "Weights"]
    ranking = list(book["Ranking"].values)
    assert ranking[0][:5] == ("rank", "iso3", "name", "status", "score")
    assert [r[1] for r in ranking[1:]] == _order(_json())
    assert book.properties.keywords == "INTERNAL"
    assert len(list(book["Criteria"].values)) == 1 + 15 * len(scoring.CRITERIA)


def test_regional_framing_for_the_qa(registry: Registry) -> None:
    from ccmkit.data.regional import regional_framing

    indonesia = registry.find("IDN")
    asean = regional_framing(registry, indonesia, "asean", "fr")
    members = [registry.by_iso3(m) for m in registry.members("ASEAN")]
    assert (asean.key, asean.total) == ("ASEAN", len(members))
    assert asean.parties == sum(m.status == "state_party" for m in members)
    assert asean.signatories == sum(m.status == "signatory" for m in members) >= 1
    assert asean.name.startswith("Association des nations")
    assert asean.as_of == registry.status.as_of
    region = regional_framing(registry, indonesia)
    assert region.key == "Asia" and region.total > asean.total
