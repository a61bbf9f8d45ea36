"""Profile overrides: strict validation with errors naming the file, key and expectation."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from ccmkit.data.profile import load_profile
from ccmkit.errors import CcmkitError

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


EXAMPLE_STATES = {"kenya.yaml": "KEN", "argentina.yaml": "ARG"}


def test_every_example_profile_is_checked() -> None:
    assert sorted(p.name for p in EXAMPLES.glob("*.yaml")) == sorted(EXAMPLE_STATES)


@pytest.mark.parametrize(("name", "iso3"), EXAMPLE_STATES.items())
def test_example_profiles_load(name: str, iso3: str) -> None:
    """Each shipped example loads, names its State and says what holds it back."""
    profile = load_profile(EXAMPLES / name)
    assert profile.state == iso3 and profile.barriers


def test_profile_merges_facts_and_languages(tmp_path, registry) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(
        "languages: [fr, en]\nplanned_deposit_date: 2027-05-02\n"
        "facts:\n  stockpiles: no\n  contamination:\n    value: 'yes'\n"
        "    source: ISU mission report\n    as_of: 2026-06-01\n",
        encoding="utf-8",
    )
    profile = load_profile(path)
    state = profile.apply(registry.find("KEN"))
    assert state.languages == ("fr", "en")
    assert profile.planned_deposit_date == date(2027, 5, 2)
    assert state.fact("stockpiles").value == "no"
    assert state.fact("stockpiles").source.title == "profile p.yaml"
    assert state.fact("stockpiles").layer == "profile"
    assert state.fact("contamination").source.title == "ISU mission report"
    assert state.fact("contamination").as_of == date(2026, 6, 1)
    assert registry.find("KEN").fact("contamination").value == "no"  # shipped data untouched


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("colour: blue\n", r"p.yaml: unknown key 'colour'; expected one of"),
        ("barriers: [money]\n", r"key 'barriers\[0\]' must be one of legal_technical"),
        ("barriers: defence_security\n", r"key 'barriers' must be a list"),
        ("planned_deposit_date: 2027-02-30\n", r"key 'planned_deposit_date' must be a date"),
        ("signatory:\n  rank: minister\n", r"unknown key 'signatory.rank'"),
        ("facts:\n  stockpiles: maybe\n", r"key 'facts.stockpiles': value of stockpiles must "
         "start with one of yes"),
        ("facts:\n  colour: blue\n", r"key 'facts.colour': unknown fact 'colour'"),
        ("a: &x [1]\nb: *x\n", r"aliases are not allowed"),
        ("provisional_application: 'yes'\n", r"must be true or false"),
        ("languages: [pt]\n", r"key 'languages' must be one of en, fr, es"),
        ("barriers: [\n", r"p.yaml, line 2: .*fix the YAML syntax"),
        ("- a\n- b\n", r"key '' must be a mapping"),
    ],
)
def test_bad_profiles(tmp_path, content: str, message: str) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CcmkitError, match=message):
        load_profile(path)


def test_missing_profile(tmp_path) -> None:
    with pytest.raises(CcmkitError, match="not found"):
        load_profile(tmp_path / "none.yaml")
