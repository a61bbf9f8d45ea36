"""The planner is pure: a selection becomes one Task per State, problems stay with their State,
and nothing is written."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pytest

from ccmkit.data.states import Registry
from ccmkit.documents.options import Options
from ccmkit.jobs.plan import csv_row_values, fingerprint, plan, read_state_csv, split_states
from tests.conftest import GENERATED

OPTIONS = Options(generated=GENERATED)


def make(registry: Registry, selection, **extra):
    extra.setdefault("languages", ("auto",))
    return plan(registry, selection, kinds=("instrument", "steps"), formats=("docx",),
                options=OPTIONS, **extra)


def test_each_state_once_and_problems_stay_with_their_state(registry, tmp_path,
                                                             monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    tasks = make(registry, split_states("KEN,kenya,KE,Atlantis,FRA,Haïti"), also=("en",))
    by_code = {t.code: t for t in tasks}
    assert set(by_code) == {"KEN", "Atlantis", "FRA", "HTI"}
    assert not by_code["KEN"].error and not by_code["HTI"].error
    assert by_code["HTI"].languages == ("fr", "en") and by_code["KEN"].languages == ("en",)
    assert "unknown State 'Atlantis'" in by_code["Atlantis"].error
    assert "already a State Party" in by_code["FRA"].error
    assert by_code["KEN"].cost == 2 and by_code["HTI"].cost == 4
    assert list(tmp_path.iterdir()) == []  # planning writes nothing


def test_a_profile_mapping_is_validated_through_the_front_door(registry) -> None:
    good, = make(registry, [("KEN", {})], profile={"signatory": {"title": "head_of_state"}})
    assert not good.error and good.profile == {"signatory": {"title": "head_of_state"}}
    assert good.profile_where == "web form"
    bad, = make(registry, [("KEN", {})], profile={"barriers": ["unheard_of"]})
    assert "unheard_of" in bad.error


def test_csv_rows_feed_the_profile_and_differing_duplicates_fail(registry, tmp_path) -> None:
    listing = tmp_path / "invited.csv"
    listing.write_text("state,deposit_date,barriers\nKenya,2027-03-15,defence_security\n"
                       "HTI,,\nHaiti,2027-05-01,\n", encoding="utf-8")
    tasks = {t.code: t for t in make(registry, read_state_csv(listing),
                                     source_name="invited.csv")}
    assert tasks["KEN"].profile["planned_deposit_date"] == "2027-03-15"
    assert tasks["KEN"].profile["barriers"] == ["defence_security"]
    assert "listed twice in invited.csv (line 3 and line 4)" in tasks["HTI"].error
    assert csv_row_values({"provisional_application": "Yes"}, "x") == (
        {"provisional_application": True}, {})


def test_csv_columns_come_from_the_option_models(registry, tmp_path) -> None:
    """Every option a batch list may set is a column; an option without a State setting
    becomes that row's option, checked as the model checks it (one row's error only)."""
    from ccmkit.documents.options import option_fields

    assert {f.name for f in option_fields("csv")} <= set(read_columns())
    listing = tmp_path / "invited.csv"
    listing.write_text("state,qa,legislation,issuer,addressee\n"
                       "KEN,full,full,Coordinator on universalization,H.E. the Minister\n"
                       "HTI,longest,,,\n", encoding="utf-8")
    tasks = {t.code: t for t in make(registry, read_state_csv(listing),
                                     source_name="invited.csv")}
    ken = tasks["KEN"]
    assert not ken.error
    assert (ken.options.qa, ken.options.legislation) == ("full", "full")
    assert ken.options.issuer == "Coordinator on universalization"
    assert ken.profile["addressee"] == "H.E. the Minister"  # a State setting: the profile
    assert tasks["HTI"].error.startswith("batch list invited.csv: column 'qa': ")
    assert "'basic' or 'full'" in tasks["HTI"].error


def test_the_fingerprint_follows_every_input(registry, tmp_path) -> None:
    task, = make(registry, [("KEN", {})])
    again, = make(registry, [("KEN", {})])
    assert task.fingerprint == again.fingerprint
    for changed in (replace(task, options=OPTIONS.model_copy(update={"drafting": "civil-law"})),
                    replace(task, languages=("fr",)),
                    replace(task, profile={"planned_deposit_date": "2027-03-15"})):
        assert fingerprint(changed, registry) != task.fingerprint


@pytest.mark.parametrize("content, message", [
    ("name\nKEN\n", "no 'state' column"),
    ("state,colour\nKEN,red\n", "unknown column 'colour'"),
])
def test_a_bad_state_list_is_one_line(tmp_path: Path, content: str, message: str) -> None:
    from ccmkit.errors import DataError

    listing = tmp_path / "list.csv"
    listing.write_text(content, encoding="utf-8")
    with pytest.raises(DataError, match=message):
        read_state_csv(listing)
    assert os.listdir(tmp_path) == ["list.csv"]


def read_columns() -> tuple[str, ...]:
    from ccmkit.jobs.plan import CSV_COLUMNS

    return CSV_COLUMNS
