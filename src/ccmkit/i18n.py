"""Gettext catalogs (locales/<lang>/LC_MESSAGES/ccmkit.mo) for labels shared across documents."""

from __future__ import annotations

import gettext
from functools import cache

from babel.support import NullTranslations, Translations

from ccmkit.errors import CcmkitError
from ccmkit.resources import locales_dir

DOMAIN = "ccmkit"


@cache
def translations(lang: str) -> gettext.NullTranslations:
    """The compiled catalog for `lang` (English is the source language)."""
    if lang == "en":
        return NullTranslations()
    found = Translations.load(str(locales_dir()), [lang], DOMAIN)
    if not isinstance(found, Translations):
        raise CcmkitError(f"no compiled catalog for {lang!r} in {locales_dir()}; "
                          "run scripts/update_catalogs.sh")
    return found


def N_(message: str) -> str:
    """Mark `message` for extraction; it is translated later, with the document's language."""
    return message


def gettext_for(lang: str):
    """`_()` for `lang`."""
    return translations(lang).gettext
