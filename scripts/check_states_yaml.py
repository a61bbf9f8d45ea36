#!/usr/bin/env python3
"""Check src/ccmkit/data/states.yaml for structure and internal consistency.

Usage: python scripts/check_states_yaml.py [STATES_YAML] [CCM_STATUS_CSV]

Checks: 197 records; iso3 unique and known to pycountry; every key present and
non-empty (m49.intermediate may be null); each un_name in the status CSV matches
exactly one record; French and Spanish "of"/"formal_of" forms agree with the
article of "with_article"/"formal"; English of/to/formal_of derived from the
article forms; languages drawn from en/fr/es and equal to the Babel (CLDR) rule
(de jure official among en/fr/es by population share, else [en]); records ordered by un_name;
straight apostrophes only. Exits non-zero with a list of problems on failure.
"""
from __future__ import annotations

import csv
import itertools
import sys
import unicodedata
from pathlib import Path

import pycountry
import yaml
from babel.core import get_global

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_YAML = ROOT / "src" / "ccmkit" / "data" / "shipped" / "states.yaml"
# The status table shipped beside states.yaml; fall back to the shared reference copy.
_CSV_CANDIDATES = [ROOT / "src" / "ccmkit" / "data" / "shipped" / "ccm-status.csv",
                   Path("/work/shared/reference/ccm-status.csv")]
DEFAULT_CSV = next((p for p in _CSV_CANDIDATES if p.exists()), _CSV_CANDIDATES[0])

EXPECTED_COUNT = 197
TOP_KEYS = ["iso3", "un_name", "m49", "languages", "names", "sources", "context", "notes"]
M49_KEYS = ["region", "subregion", "intermediate"]
LANGS = ["en", "fr", "es"]
NAME_KEYS = ["short", "with_article", "of", "to", "formal", "formal_of"]
SOURCE_KEYS = ["names", "m49", "languages"]
CONTEXT_KEYS = ["mine_ban_treaty", "legal_tradition", "stockpiles", "contamination"]
NOTE_KEYS = ["text", "source", "as_of"]
EXTRA_STATES = {"VAT", "PSE", "COK", "NIU"}
TYPOGRAPHIC = "\u2018\u2019\u201a\u201b\u02bc"


def fr_of_expected(with_article: str) -> list[str]:
    """Acceptable French 'de' forms for a name with its article."""
    if with_article.startswith("le "):
        return ["du " + with_article[3:]]
    if with_article.startswith("les "):
        return ["des " + with_article[4:]]
    if with_article.startswith("la ") or with_article.startswith("l'"):
        return ["de " + with_article]
    # no article: de / d' before a vowel or mute h
    return ["de " + with_article, "d'" + with_article]


def es_of_expected(with_article: str) -> str:
    if with_article.startswith("el "):
        return "del " + with_article[3:]
    return "de " + with_article


def babel_languages(alpha2: str) -> list[str]:
    """Package languages: en/fr/es with de jure official status in CLDR, by population share."""
    tl = get_global("territory_languages").get(alpha2, {})
    found = [(lang, info.get("population_percent", 0)) for lang, info in tl.items()
             if lang in LANGS and info.get("official_status") == "official"]
    found.sort(key=lambda x: -x[1])
    return [lang for lang, _ in found] or ["en"]


def sort_key(s: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", s)
                   if not unicodedata.combining(c)).casefold()


def nonempty(value) -> bool:
    if value is None:
        return False
    if isinstance(value, str):
        return value.strip() != ""
    if isinstance(value, (list, dict)):
        return len(value) > 0
    return True


def walk_strings(obj):
    if isinstance(obj, str):
        yield obj
    elif isinstance(obj, dict):
        for v in obj.values():
            yield from walk_strings(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from walk_strings(v)


def check(records, csv_path: Path) -> list[str]:
    errors: list[str] = []
    err = errors.append

    if not isinstance(records, list):
        return ["top level is not a list"]
    if len(records) != EXPECTED_COUNT:
        err(f"expected {EXPECTED_COUNT} records, found {len(records)}")

    seen_iso: dict[str, int] = {}
    for i, rec in enumerate(records):
        where = f"record {i} ({rec.get('iso3') if isinstance(rec, dict) else '?'})"
        if not isinstance(rec, dict):
            err(f"{where}: not a mapping")
            continue
        if list(rec.keys()) != TOP_KEYS:
            err(f"{where}: keys {list(rec.keys())} != {TOP_KEYS}")
        for k in TOP_KEYS:
            if k == "notes":
                if not isinstance(rec.get("notes"), list):
                    err(f"{where}: notes must be a list")
                continue
            if not nonempty(rec.get(k)):
                err(f"{where}: {k} missing or empty")

        iso = rec.get("iso3")
        if isinstance(iso, str):
            if iso in seen_iso:
                err(f"{where}: iso3 {iso} duplicated (also record {seen_iso[iso]})")
            seen_iso[iso] = i
            if pycountry.countries.get(alpha_3=iso) is None:
                err(f"{where}: iso3 {iso} not in pycountry")

        m49 = rec.get("m49") or {}
        if list(m49.keys()) != M49_KEYS:
            err(f"{where}: m49 keys {list(m49.keys())}")
        for k in ("region", "subregion"):
            if not nonempty(m49.get(k)):
                err(f"{where}: m49.{k} empty")
        if m49.get("intermediate") is not None and not nonempty(m49.get("intermediate")):
            err(f"{where}: m49.intermediate must be null or non-empty")

        langs = rec.get("languages") or []
        if not isinstance(langs, list) or not langs:
            err(f"{where}: languages must be a non-empty list")
        else:
            bad = [code for code in langs if code not in LANGS]
            if bad:
                err(f"{where}: languages {bad} not in {LANGS}")
            if len(set(langs)) != len(langs):
                err(f"{where}: duplicate languages")
            if isinstance(iso, str) and pycountry.countries.get(alpha_3=iso) is not None:
                expected = babel_languages(pycountry.countries.get(alpha_3=iso).alpha_2)
                if langs != expected:
                    err(f"{where}: languages {langs} != Babel rule {expected}")

        names = rec.get("names") or {}
        if list(names.keys()) != LANGS:
            err(f"{where}: names keys {list(names.keys())} != {LANGS}")
        for lang in LANGS:
            n = names.get(lang) or {}
            if list(n.keys()) != NAME_KEYS:
                err(f"{where}: names.{lang} keys {list(n.keys())} != {NAME_KEYS}")
            for k in NAME_KEYS:
                if not nonempty(n.get(k)):
                    err(f"{where}: names.{lang}.{k} empty")
        en, fr, es = (names.get(code) or {} for code in LANGS)
        if all(isinstance(v, str) for v in en.values()) and en:
            wa = en.get("with_article", "")
            if en.get("of") != "of " + wa:
                err(f"{where}: en.of {en.get('of')!r} != 'of ' + with_article")
            if en.get("to") != "to " + wa:
                err(f"{where}: en.to {en.get('to')!r} != 'to ' + with_article")
            if en.get("formal_of") != "of " + en.get("formal", ""):
                err(f"{where}: en.formal_of inconsistent with formal")
        if fr:
            wa, formal = fr.get("with_article", ""), fr.get("formal", "")
            if fr.get("of") not in fr_of_expected(wa):
                err(f"{where}: fr.of {fr.get('of')!r} inconsistent with with_article {wa!r}")
            if fr.get("formal_of") not in fr_of_expected(formal):
                err(f"{where}: fr.formal_of {fr.get('formal_of')!r} inconsistent with "
                    f"formal {formal!r}")
            to = fr.get("to", "")
            if not to.startswith(("au ", "aux ", "à ", "en ", "dans ")):
                err(f"{where}: fr.to {to!r} has an unexpected preposition")
            if wa.startswith("les ") and not to.startswith("aux "):
                err(f"{where}: fr.to {to!r} should use 'aux' for {wa!r}")
            if wa.startswith("le ") and not to.startswith("au "):
                err(f"{where}: fr.to {to!r} should use 'au' for {wa!r}")
            for key in ("of", "formal_of"):
                v = fr.get(key, "")
                if " de le " in f" {v}" or " de les " in f" {v}" or " à le " in f" {to}":
                    err(f"{where}: fr.{key} has an uncontracted article: {v!r}")
        if es:
            wa, formal = es.get("with_article", ""), es.get("formal", "")
            if es.get("of") != es_of_expected(wa):
                err(f"{where}: es.of {es.get('of')!r} inconsistent with with_article {wa!r}")
            if es.get("formal_of") != es_of_expected(formal):
                err(f"{where}: es.formal_of {es.get('formal_of')!r} inconsistent with "
                    f"formal {formal!r}")
            to = es.get("to", "")
            expected_to = ("al " + wa[3:]) if wa.startswith("el ") else ("a " + wa)
            if to != expected_to:
                err(f"{where}: es.to {to!r} != {expected_to!r}")

        sources = rec.get("sources") or {}
        if list(sources.keys()) != SOURCE_KEYS:
            err(f"{where}: sources keys {list(sources.keys())}")
        for k in SOURCE_KEYS:
            s = sources.get(k) or {}
            if list(s.keys()) != ["source", "as_of"] or not all(nonempty(v) for v in s.values()):
                err(f"{where}: sources.{k} must have non-empty source and as_of")

        context = rec.get("context") or {}
        if list(context.keys()) != CONTEXT_KEYS:
            err(f"{where}: context keys {list(context.keys())}")
        for k in CONTEXT_KEYS:
            c = context.get(k) or {}
            if list(c.keys()) != ["value", "source", "as_of"]:
                err(f"{where}: context.{k} keys {list(c.keys())}")
                continue
            if not nonempty(c["value"]):
                err(f"{where}: context.{k}.value empty")
            if c["value"] == "unknown":
                if c["source"] is not None or c["as_of"] is not None:
                    err(f"{where}: context.{k} unknown but has source/as_of")
            elif not (nonempty(c["source"]) and nonempty(c["as_of"])):
                err(f"{where}: context.{k} has a value without source and as_of")

        for j, note in enumerate(rec.get("notes") or []):
            if not isinstance(note, dict) or list(note.keys()) != NOTE_KEYS \
                    or not all(nonempty(note.get(k)) for k in NOTE_KEYS):
                err(f"{where}: notes[{j}] must have non-empty {NOTE_KEYS}")

        for s in walk_strings(rec):
            if any(ch in s for ch in TYPOGRAPHIC):
                err(f"{where}: typographic apostrophe in {s!r}")

    # coverage: UN members (pycountry has no UN flag, so check the known extras and count)
    isos = set(seen_iso)
    missing_extra = EXTRA_STATES - isos
    if missing_extra:
        err(f"missing non-member records: {sorted(missing_extra)}")

    # order
    un_names = [r.get("un_name", "") for r in records if isinstance(r, dict)]
    if un_names != sorted(un_names, key=sort_key):
        for a, b in itertools.pairwise(un_names):
            if sort_key(a) > sort_key(b):
                err(f"order: {a!r} comes before {b!r}")

    # status CSV names
    with open(csv_path, encoding="utf-8") as f:
        csv_names = [row["un_name"] for row in csv.DictReader(f)]
    counts: dict[str, int] = {}
    for n in un_names:
        counts[n] = counts.get(n, 0) + 1
    for n in csv_names:
        if counts.get(n, 0) != 1:
            err(f"status CSV un_name {n!r} matches {counts.get(n, 0)} records")
    dupes = [n for n, c in counts.items() if c > 1]
    if dupes:
        err(f"duplicate un_name values: {dupes}")
    return errors


def main(argv: list[str]) -> int:
    yaml_path = Path(argv[1]) if len(argv) > 1 else DEFAULT_YAML
    csv_path = Path(argv[2]) if len(argv) > 2 else DEFAULT_CSV
    with open(yaml_path, encoding="utf-8") as f:
        records = yaml.safe_load(f)
    errors = check(records, csv_path)
    if errors:
        print(f"{yaml_path}: {len(errors)} problem(s)")
        for e in errors:
            print("  -", e)
        return 1
    n_csv = len(Path(csv_path).read_text(encoding="utf-8").splitlines()) - 1
    print(f"{yaml_path}: OK ({len(records)} records; {n_csv} status-CSV names matched)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
