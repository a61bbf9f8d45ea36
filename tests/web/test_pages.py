"""Pages: labels for every vocabulary value, every page in EN/FR/ES, States search and lists."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

from ccmkit import vocab
from ccmkit.languages import registry
from ccmkit.web import labels
from tests.web.conftest import csrf_token

PAGES = ("/states", "/states/COD", "/package", "/workshop", "/targets", "/barrier-map",
         "/log", "/log/report")
# A few interface words per language that must show, and English ones that must not.
WORDS = {"en": ("Sign out", "States"), "fr": ("Se déconnecter", "États"),
         "es": ("Cerrar sesión", "Estados")}


@pytest.mark.parametrize("mapping, values", [
    (labels.STATUS, vocab.STATUS_SELECTORS), (labels.ROUTE, vocab.ROUTES),
    (labels.BARRIER, vocab.BARRIERS), (labels.DOC_KIND, vocab.DOC_KINDS),
    (labels.FORMAT, vocab.FORMATS), (labels.LEGISLATION, vocab.LEGISLATION_VARIANTS),
    (labels.QA_LENGTH, vocab.QA_LENGTHS), (labels.DRAFTING, vocab.DRAFTING_STYLES),
    (labels.SIGNATORY_TITLE, vocab.SIGNATORY_TITLES), (labels.ROLE, vocab.ROLES),
    (labels.STAGE, vocab.STAGES), (labels.CHANNEL, vocab.CHANNELS),
    (labels.LANGUAGE, tuple(registry())), (labels.FACT, vocab.FACT_NAMES),
    (labels.VALUE, tuple({v for vs in vocab.TOKEN_FACTS.values() for v in vs})),
])
def test_every_vocabulary_value_has_a_label(mapping: dict, values: tuple) -> None:
    assert set(values) <= set(mapping), sorted(set(values) - set(mapping))


@pytest.mark.parametrize("lang", list(WORDS))
def test_every_page_in_the_interface_language(editor: FlaskClient, lang: str) -> None:
    editor.post("/language", data={"lang": lang, "csrf_token": csrf_token(editor, "/states")})
    for path in PAGES:
        response = editor.get(path)
        assert response.status_code == 200, path
        page = response.get_data(as_text=True)
        assert f'<html lang="{lang}">' in page
        for word in WORDS[lang]:
            assert word in page, (lang, path, word)
        if lang != "en":
            visible = re.sub(r"<[^>]+>", " ", page)
            for english in ("Sign out", "Interface language", "Internal workbench"):
                assert english not in visible, (lang, path, english)


def test_search_any_name_in_three_languages(editor: FlaskClient) -> None:
    for query, code in (("DR Congo", "COD"), ("République démocratique du Congo", "COD"),
                        ("Filipinas", "PHL"), ("cote d'ivoire", "CIV"), ("ken", "KEN")):
        response = editor.get("/states", query_string={"q": query})
        assert response.headers.get("Location") == f"/states/{code}", query
    page = editor.get("/states", query_string={"q": "Kenia Republik"}).get_data(as_text=True)
    assert "No State matches" in page


def test_lists_filter_by_status_region_and_grouping(editor: FlaskClient) -> None:
    page = editor.get("/states", query_string={"group": "AMU"}).get_data(as_text=True)
    codes = re.findall(r'href="/states/([A-Z]{3})"', page)
    assert sorted(codes) == ["DZA", "LBY", "MAR"]
    signatories = editor.get("/states", query_string={"status": "signatory"}).get_data(
        as_text=True)
    assert "States shown: 12" in signatories
    africa = editor.get("/states", query_string={"status": "state_party", "region": "Africa"})
    assert "Cameroon" in africa.get_data(as_text=True)
    assert editor.get("/states", query_string={"status": "member"}).status_code == 400
    assert editor.get("/states", query_string={"group": "NATO"}).status_code == 400


def test_state_page_shows_sources_dates_and_stale_facts(editor: FlaskClient) -> None:
    page = editor.get("/states/cod", follow_redirects=True).get_data(as_text=True)
    assert "Signatory" in page and "18 Mar 2009" in page
    assert "Cluster Munition Monitor" in page and 'rel="noopener noreferrer"' in page
    assert "stale-badge" in page
    assert editor.get("/states/XXX").status_code == 404
    assert editor.get("/states/toolong").status_code == 404
