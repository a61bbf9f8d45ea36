"""Finding a State from what a user types: codes, names in EN/FR/ES, common names.

Exact keys come from the State data (codes, every name form, curated aliases) and pycountry;
common English names and abbreviations ("DR Congo", "UAE", "DPRK") from country_converter's
maintained regular expressions; suggestions for a typo from rapidfuzz.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterable
from functools import cache
from importlib.resources import files

from rapidfuzz import fuzz, process

_ARTICLES = re.compile(r"^(the |le |la |les |l'|el |los |las )", re.IGNORECASE)


def normalise(text: str) -> str:
    """Case-, accent-, apostrophe- and space-insensitive form of a name or code."""
    text = unicodedata.normalize("NFKD", text.replace("’", "'").replace("‘", "'"))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", text).strip().casefold()


def keys_for(names: Iterable[str]) -> set[str]:
    """Every normalised key of a list of names, with and without a leading article."""
    keys = {normalise(n) for n in names if n}
    return keys | {_ARTICLES.sub("", k) for k in keys}


@cache
def coco_patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    """(ISO3, regex) pairs from country_converter's data file (read without pandas)."""
    table = files("country_converter") / "country_data.tsv"
    with table.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    return tuple((r["ISO3"], re.compile(r["regex"], re.IGNORECASE))
                 for r in rows if r.get("regex") and r.get("ISO3"))


def coco_match(query: str, known: set[str]) -> str | None:
    """The one State whose country_converter pattern matches `query`, if exactly one does."""
    hits = {iso3 for iso3, pattern in coco_patterns() if iso3 in known and pattern.search(query)}
    return hits.pop() if len(hits) == 1 else None


def suggest(query: str, choices: dict[str, str], limit: int = 3) -> list[str]:
    """Up to `limit` ISO3 codes whose names are closest to `query` (rapidfuzz WRatio)."""
    found = process.extract(normalise(query), list(choices), scorer=fuzz.WRatio,
                            limit=limit * 4, score_cutoff=70)
    picks: list[str] = []
    for key, _score, _index in found:
        if choices[key] not in picks:
            picks.append(choices[key])
    return picks[:limit]
