"""How a State makes its laws, for the model law's enacting formula and official journal.

Two sources, in order:

1. ``legislatures.yaml``: the exact enacting formula and official journal of particular
   States, by language, each with its source, date and quote.
2. The form of government read from the State's UNTERM formal name (``names.en.formal``:
   "the Kingdom of Morocco", "the Argentine Republic"). A name that says neither republic
   nor monarchy gives ``unknown``, and the model law then offers a neutral bracketed formula.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Literal

from pydantic import Field, field_validator

from ccmkit.data.schema import Strict, read_yaml, validate
from ccmkit.data.text import Text
from ccmkit.resources import shipped_data_dir

Government = Literal["republic", "monarchy", "unknown"]
MONARCHY_WORDS = ("Kingdom", "Principality", "Grand Duchy", "Sultanate", "Emirate")
FORMAL_NAME_SOURCE = "UNTERM formal name (states.yaml names.en.formal)"


@dataclass(frozen=True)
class GovernmentForm:
    """The form of government and where it was read."""

    value: Government
    source: str
    quote: str


def government(formal_en: str) -> GovernmentForm:
    """Republic or monarchy, read from the UNTERM formal name in English."""
    words = formal_en.replace(",", " ").split()
    if "Republic" in words:
        value: Government = "republic"
    elif any(word in formal_en for word in MONARCHY_WORDS):
        value = "monarchy"
    else:
        value = "unknown"
    return GovernmentForm(value, FORMAL_NAME_SOURCE, formal_en)


class LegislatureText(Strict):
    """The forms of one State's legislation in one language."""

    enacting_formula: Text | None = None
    official_journal: Text | None = None


class LegislatureRecord(Strict):
    """One State's entry: texts by language, with the source of each."""

    texts: dict[str, LegislatureText]
    sources: list[dict[str, str]] = Field(min_length=1)

    @field_validator("texts")
    @classmethod
    def _languages(cls, value: dict[str, LegislatureText]) -> dict[str, LegislatureText]:
        for lang in value:
            if lang not in ("en", "fr", "es"):
                raise ValueError(f"language {lang!r}: use en, fr or es")
        return value


@cache
def legislatures() -> dict[str, LegislatureRecord]:
    """The shipped entries, by ISO 3166-1 alpha-3 code (validated once)."""
    path = shipped_data_dir() / "legislatures.yaml"
    raw = read_yaml(path, trusted=True) or {}
    return {iso3: validate(LegislatureRecord, entry, str(path), f"entry {iso3}")
            for iso3, entry in raw.items()}


def legislature_text(iso3: str, lang: str) -> LegislatureText:
    """The State's own enacting formula and official journal in `lang`, where recorded."""
    record = legislatures().get(iso3)
    return record.texts.get(lang, LegislatureText()) if record else LegislatureText()
