"""Dates from Babel/CLDR and the typography rules of the language registry."""

from datetime import date

import pytest

from ccmkit.errors import CcmkitError
from ccmkit.languages import NBSP, get_language, registry


@pytest.mark.parametrize(
    ("lang", "day", "text"),
    [
        ("en", date(2026, 9, 1), "1 September 2026"),
        ("fr", date(2026, 9, 1), "1er septembre 2026"),
        ("fr", date(2026, 9, 2), "2 septembre 2026"),
        ("es", date(2028, 3, 1), "1 de marzo de 2028"),
    ],
)
def test_long_dates(lang: str, day: date, text: str) -> None:
    assert get_language(lang).long_date(day) == text


def test_french_spacing() -> None:
    fr = get_language("fr")
    assert fr.typeset("Pourquoi ? Voici : « oui » ; non !") == (
        f"Pourquoi{NBSP}? Voici{NBSP}: «{NBSP}oui{NBSP}»{NBSP}; non{NBSP}!"
    )
    assert fr.typeset("https://example.org") == "https://example.org"


def test_english_and_spanish_untouched() -> None:
    for code in ("en", "es"):
        assert get_language(code).typeset("Why? Here: yes; no!") == "Why? Here: yes; no!"


def test_registry_and_unknown_language() -> None:
    assert {"en", "fr", "es"} <= set(registry())
    with pytest.raises(CcmkitError, match="unknown language 'pt'"):
        get_language("pt")
