"""The name forms of every State agree with each other (articles, contractions, prepositions)."""

from __future__ import annotations

import pytest

from ccmkit.data.states import load_registry

STATES = load_registry().states


def _fr_of(with_article: str) -> list[str]:
    if with_article.startswith("le "):
        return ["du " + with_article[3:]]
    if with_article.startswith("les "):
        return ["des " + with_article[4:]]
    if with_article.startswith(("la ", "l'")):
        return ["de " + with_article]
    return ["de " + with_article, "d'" + with_article]


def _es_of(with_article: str) -> str:
    return "del " + with_article[3:] if with_article.startswith("el ") else "de " + with_article


def test_every_state_once() -> None:
    codes = [s.iso3 for s in STATES]
    assert len(codes) == 197 == len(set(codes))
    assert {"VAT", "PSE", "COK", "NIU"} <= set(codes)


@pytest.mark.parametrize("state", STATES, ids=lambda s: s.iso3)
def test_name_forms_agree(state) -> None:
    en, fr, es = state.names["en"], state.names["fr"], state.names["es"]
    assert en.of == "of " + en.with_article and en.to == "to " + en.with_article
    assert en.formal_of == "of " + en.formal
    assert fr.of in _fr_of(fr.with_article) and fr.formal_of in _fr_of(fr.formal)
    assert fr.to.startswith(("au ", "aux ", "à ", "en ", "dans "))
    if fr.with_article.startswith("les "):
        assert fr.to.startswith("aux ")
    if fr.with_article.startswith("le "):
        assert fr.to.startswith("au ")
    for text in (fr.of, fr.formal_of, fr.to):
        assert " de le " not in f" {text}" and " de les " not in f" {text}"
        assert " à le " not in f" {text}"
    assert es.of == _es_of(es.with_article) and es.formal_of == _es_of(es.formal)
    expected_to = ("al " + es.with_article[3:]) if es.with_article.startswith("el ") \
        else "a " + es.with_article
    assert es.to == expected_to
    for forms in state.names.values():
        assert all("’" not in value for value in forms.model_dump(exclude_none=True).values())
