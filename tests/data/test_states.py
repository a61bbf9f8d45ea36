"""The shipped State data set, the status table and look-ups."""

from __future__ import annotations

import csv
from datetime import date

import pycountry
import pytest

from ccmkit.data.states import NAME_FORMS, load_registry
from ccmkit.errors import CcmkitError
from ccmkit.languages import registry as languages
from ccmkit.resources import shipped_data_dir


def test_every_state_is_there_once(registry) -> None:
    codes = [s.iso3 for s in registry.states]
    assert len(codes) == 197 == len(set(codes))
    un_members = {c.alpha_3 for c in pycountry.countries} & set(codes)
    assert {"VAT", "PSE", "COK", "NIU"} <= set(codes)
    assert len(un_members) == 197


def test_every_record_is_complete_and_sourced(registry) -> None:
    for s in registry.states:
        assert pycountry.countries.get(alpha_3=s.iso3).alpha_2 == s.iso2
        assert set(s.names) == set(languages()), s.iso3
        for lang, forms in s.names.items():
            for form in NAME_FORMS:
                assert getattr(forms, form).strip(), (s.iso3, lang, form)
        assert s.region and s.subregion, s.iso3
        assert s.languages and set(s.languages) <= set(languages()), s.iso3
        for kind in ("names", "m49", "languages"):
            assert s.sources[kind]["source"] and s.sources[kind]["as_of"], (s.iso3, kind)
        for note in s.notes:
            assert note["source"] and note["as_of"], s.iso3


def test_french_and_spanish_name_forms(registry) -> None:
    forms = {code: registry.find(code).names for code in ("CHL", "IND", "PHL", "CUB", "PER",
                                                          "USA")}
    assert (forms["CHL"]["fr"].with_article, forms["CHL"]["fr"].of,
            forms["CHL"]["fr"].to) == ("le Chili", "du Chili", "au Chili")
    assert (forms["IND"]["fr"].with_article, forms["IND"]["fr"].of) == ("l'Inde", "de l'Inde")
    assert (forms["PHL"]["fr"].of, forms["PHL"]["fr"].to) == ("des Philippines",
                                                               "aux Philippines")
    assert (forms["CUB"]["fr"].with_article, forms["CUB"]["fr"].of) == ("Cuba", "de Cuba")
    assert (forms["PER"]["es"].with_article, forms["PER"]["es"].of) == ("el Perú", "del Perú")
    assert forms["PHL"]["es"].with_article == "Filipinas"
    assert forms["USA"]["fr"].formal_of == "des États-Unis d'Amérique"


def test_status_counts_match_the_reference(registry) -> None:
    assert registry.counts() == {"state_party": 112, "signatory": 12, "withdrawn": 1,
                                 "not_signed": 72}
    assert len(registry.select(["outside"])) == 85


@pytest.mark.parametrize(
    ("code", "signed"),
    [("AGO", date(2008, 12, 3)), ("CYP", date(2009, 9, 23)), ("HTI", date(2009, 10, 28)),
     ("JAM", date(2009, 6, 12)), ("DJI", date(2010, 7, 30)), ("COD", date(2009, 3, 18))],
)
def test_signatories(registry, code: str, signed: date) -> None:
    state = registry.find(code)
    assert state.status == "signatory" and state.membership.signature_date == signed


@pytest.mark.parametrize("code", ["USA", "RUS", "CHN", "IND", "ARG", "BRA", "EST", "FIN"])
def test_not_signed(registry, code: str) -> None:
    assert registry.find(code).status == "not_signed"


def test_lithuania_withdrawn(registry) -> None:
    ltu = registry.find("LTU")
    assert ltu.status == "withdrawn"
    assert ltu.membership.effective_date == date(2025, 3, 6)
    assert ltu.outside


def test_state_party_dates_not_invented(registry) -> None:
    assert registry.find("LKA").membership.entry_into_force == date(2018, 9, 1)
    assert registry.find("FRA").membership.deposit_date is None  # not in the reference


@pytest.mark.parametrize(
    ("query", "code"),
    [("CIV", "CIV"), ("ci", "CIV"), ("cote d'ivoire", "CIV"), ("Côte d’Ivoire", "CIV"),
     ("Filipinas", "PHL"), ("le Chili", "CHL"), ("  kenya ", "KEN"), ("Estados Unidos de América",
                                                                     "USA")],
)
def test_find(registry, query: str, code: str) -> None:
    assert registry.find(query).iso3 == code


def test_unknown_state_suggests(registry) -> None:
    with pytest.raises(CcmkitError, match=r"unknown State 'Kenja'.*Kenya \(KEN\)"):
        registry.find("Kenja")


def test_select_by_region(registry) -> None:
    africa_outside = registry.select(["outside"], region="africa")
    assert africa_outside and all(s.region == "Africa" and s.outside for s in africa_outside)
    eastern = registry.select([], subregion="Eastern Africa")
    assert registry.find("KEN") in eastern


HEADER = "iso3,status,route,signature_date,deposit_date,effective_date,source\n"


def test_status_file_override(tmp_path, registry) -> None:
    shipped = shipped_data_dir() / "status.csv"
    rows = list(csv.DictReader(shipped.open(encoding="utf-8")))
    for row in rows:
        if row["iso3"] == "KEN":
            row.update(status="state_party", route="ratification", deposit_date="2026-10-01")
    updated = tmp_path / "status.csv"
    with updated.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    fresh = load_registry(updated, "2026-11-01")
    assert fresh.find("KEN").status == "state_party"
    assert fresh.find("KEN").membership.entry_into_force == date(2027, 4, 1)
    assert fresh.status.as_of == "2026-11-01"
    assert fresh.counts()["signatory"] == 11


def test_partial_status_table_is_an_update(tmp_path, registry) -> None:
    """States a user's table omits keep their shipped status; they never become 'not signed'."""
    update = tmp_path / "status.csv"
    update.write_text(HEADER + "KEN,state_party,ratification,2008-12-03,2026-10-01,,UNTC\n",
                      encoding="utf-8")
    fresh = load_registry(update, "2026-11-01")
    assert fresh.find("KEN").status == "state_party"
    assert fresh.find("AGO").status == "signatory"  # omitted: shipped status kept
    assert fresh.counts()["state_party"] == registry.counts()["state_party"] + 1
    assert fresh.counts()["not_signed"] == registry.counts()["not_signed"]


def test_status_as_of_never_comes_from_the_file_date(tmp_path) -> None:
    update = tmp_path / "status.csv"
    update.write_text(HEADER + "KEN,signatory,,2008-12-03,,,UNTC\n", encoding="utf-8")
    with pytest.raises(CcmkitError, match="give --status-as-of"):
        load_registry(update)
    (tmp_path / "status.meta.yaml").write_text("as_of: 2026-10-15\n", encoding="utf-8")
    assert load_registry(update).status.as_of == "2026-10-15"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("iso3,status\nKEN,signatory\n", "missing column"),
        ("un_name,status,route,signature_date,deposit_date,effective_date,source\n"
         "Kenya,member,,,,,x\n", "missing column.*iso3"),
        (HEADER + "KEN,member,,,,,x\n", "line 2: key 'status'"),
        (HEADER + "KEN,signatory,,2008-13-03,,,x\n", "line 2: key 'signature_date'"),
        (HEADER + "ATL,signatory,,2009-01-01,,,x\n", "unknown State code 'ATL'"),
        (HEADER + "KEN,signatory,,2009-01-01,,,x\nKEN,signatory,,2009-01-01,,,x\n",
         "line 3: KEN is listed twice"),
        (HEADER + "KEN,signatory,,,,,x\n", "line 2: KEN is a signatory without a signature"),
        (HEADER + "KEN,signatory,,2999-01-01,,,x\n", "line 2: signature_date 2999-01-01 is in "
         "the future"),
        (HEADER + "KEN,state_party,ratification,2009-01-01,2007-01-01,,x\n",
         "before the Convention's adoption"),
        (HEADER + "KEN,signatory,,2009-01-01\n", "line 2: wrong number of columns"),
        (HEADER + "KEN,signatory,,2009-01-01,,,\ufffe\n", "line 2: key 'source'"),
    ],
)
def test_bad_status_file(tmp_path, content: str, message: str) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(content, encoding="utf-8")
    with pytest.raises(CcmkitError, match=message):
        load_registry(bad, "2026-11-01")
