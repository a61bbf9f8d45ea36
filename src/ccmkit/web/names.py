"""State names in the interface language, for the pages (and their template filters)."""

from __future__ import annotations

from ccmkit.errors import StateNotFound
from ccmkit.web.i18n import current_lang
from ccmkit.web.services import services


def state_name(state: object) -> str:
    """A State's short name in the interface language (its UN name if none)."""
    names = getattr(state, "names", {})
    lang = current_lang()
    return names[lang].short if lang in names else getattr(state, "un_name", "")


def state_label(iso3: str) -> str:
    """A State's short name in the interface language, from its ISO3 code."""
    try:
        return state_name(services().registry.by_iso3(iso3))
    except StateNotFound:
        return iso3
