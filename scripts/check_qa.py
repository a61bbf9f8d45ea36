#!/usr/bin/env python3
"""Check the Q&A content library in templates/qa/.

Usage: python scripts/check_qa.py [QA_DIR]

Checks entries.yaml (metadata) against en.yaml, fr.yaml and es.yaml (texts):
ids, barriers, conditions, cited articles, word counts, `brief` presence,
Jinja2 rendering with StrictUndefined, forbidden characters and addresses.
Prints every problem found and exits with status 1 if there is any.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

import jinja2
import yaml
from checklib import language_files, report, text_problems

QA_DIR = Path(__file__).resolve().parent.parent / "src" / "ccmkit" / "templates" / "qa"
LANGS = ("en", "fr", "es")
MIN_ENTRIES = 24
MIN_WORDS, MAX_WORDS = 60, 200

BARRIERS = {"legal_technical", "defence_security", "regional_alignment",
            "awareness", "bandwidth"}
CONDITIONS = {
    "status": {"signatory", "not_signed", "withdrawn"},
    "stockpiles": {"yes", "no", "unknown"},
    "contamination": {"yes", "no", "unknown"},
    "mine_ban_treaty": {"yes", "no", "unknown"},
}
ENTRY_KEYS = {"id", "barriers", "articles", "requires", "brief_when"}
TEXT_KEYS = {"question", "answer", "brief"}
ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

# Only these contact addresses come from the reference.
ALLOWED_EMAILS = {"ccm@un.org", "info@cmconvention.org"}
EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")

# Region figures may appear only in the regional-context entry.
REGION_ENTRY = "regional-context"
REGION_VAR_RE = re.compile(r"\{\{\s*(?:region\.\w+|status_as_of)\b")

CONTEXT = {
    "region": {"name": "Africa", "parties": 1, "signatories": 1, "total": 2},
    "status_as_of": "September 2025",
    "S": {"short": "X", "with_article": "X"},
}

# A citation: "Article 3", "Article 3(6)", "Article 2(2)(c)", "Articles 16 and 17",
# "Articles 3, 4 and 7", "articles 16 et 17", "artículos 16 y 17".  Paragraph
# references written out ("article 3, paragraphe 6", "párrafo 6 del artículo 3")
# yield only the article number.
_NUM = r"\d+(?:\s*\(\s*\w+\s*\))*"
_SEP = r"(?:\s*,\s*(?:and|et|y|or|ou|o)?\s*|\s+(?:and|et|y|or|ou|o)\s+)"
CITE_RE = re.compile(
    rf"\b(?:articles?|art[ií]culos?)\s+({_NUM}(?:{_SEP}{_NUM})*)",
    re.IGNORECASE,
)
PAREN_RE = re.compile(r"\(\s*\w+\s*\)")


def cited_articles(text: str) -> set[int]:
    found: set[int] = set()
    for match in CITE_RE.finditer(text):
        numbers = PAREN_RE.sub("", match.group(1))
        found.update(int(n) for n in re.findall(r"\d+", numbers))
    return found


def word_count(text: str) -> int:
    return len(text.split())


def load(path: Path):
    with path.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def check_condition(where: str, cond, errors: list[str]) -> None:
    if cond is None:
        return
    if not isinstance(cond, dict):
        errors.append(f"{where}: must be a mapping")
        return
    for key, values in cond.items():
        if key not in CONDITIONS:
            errors.append(f"{where}: unknown key {key!r}")
            continue
        if not isinstance(values, list) or not values:
            errors.append(f"{where}.{key}: must be a non-empty list")
            continue
        for value in values:
            if not isinstance(value, str):
                errors.append(f"{where}.{key}: {value!r} is not a string "
                              "(quote yes/no in YAML)")
            elif value not in CONDITIONS[key]:
                errors.append(f"{where}.{key}: invalid value {value!r}")


def check_entries(entries, errors: list[str]) -> dict[str, dict]:
    by_id: dict[str, dict] = {}
    if not isinstance(entries, list):
        errors.append("entries.yaml: must be a list")
        return by_id
    if len(entries) < MIN_ENTRIES:
        errors.append(f"entries.yaml: {len(entries)} entries, need at least {MIN_ENTRIES}")
    for n, entry in enumerate(entries):
        where = f"entries.yaml[{n}]"
        if not isinstance(entry, dict) or "id" not in entry:
            errors.append(f"{where}: must be a mapping with an id")
            continue
        eid = entry["id"]
        where = f"entries.yaml:{eid}"
        if not isinstance(eid, str) or not ID_RE.match(eid):
            errors.append(f"{where}: id must be kebab-case")
        if eid in by_id:
            errors.append(f"{where}: duplicate id")
        by_id[eid] = entry
        for key in set(entry) - ENTRY_KEYS:
            errors.append(f"{where}: unknown key {key!r}")
        barriers = entry.get("barriers")
        if not isinstance(barriers, list) or not barriers:
            errors.append(f"{where}: barriers must be a non-empty list")
        else:
            for b in barriers:
                if b not in BARRIERS:
                    errors.append(f"{where}: invalid barrier {b!r}")
            if len(set(barriers)) != len(barriers):
                errors.append(f"{where}: duplicate barrier")
        articles = entry.get("articles")
        if not isinstance(articles, list) or not articles:
            errors.append(f"{where}: articles must be a non-empty list")
        else:
            if not all(isinstance(a, int) and not isinstance(a, bool) and 1 <= a <= 23
                       for a in articles):
                errors.append(f"{where}: articles must be integers 1..23: {articles}")
            elif articles != sorted(set(articles)):
                errors.append(f"{where}: articles must be ascending, no duplicates")
        check_condition(f"{where}.requires", entry.get("requires"), errors)
        check_condition(f"{where}.brief_when", entry.get("brief_when"), errors)
    return by_id


def render(env: jinja2.Environment, where: str, text: str, errors: list[str]) -> None:
    try:
        env.from_string(text).render(**CONTEXT)
    except jinja2.TemplateError as exc:
        errors.append(f"{where}: does not render: {exc}")


def check_language(lang: str, texts, by_id: dict[str, dict],
                   env: jinja2.Environment, errors: list[str]) -> None:
    fname = f"{lang}.yaml"
    if not isinstance(texts, dict):
        errors.append(f"{fname}: must be a mapping keyed by entry id")
        return
    missing = set(by_id) - set(texts)
    extra = set(texts) - set(by_id)
    for eid in sorted(missing):
        errors.append(f"{fname}: missing entry {eid}")
    for eid in sorted(extra):
        errors.append(f"{fname}: entry {eid} not in entries.yaml")
    for eid, entry in by_id.items():
        text = texts.get(eid)
        if text is None:
            continue
        where = f"{fname}:{eid}"
        if not isinstance(text, dict):
            errors.append(f"{where}: must be a mapping")
            continue
        for key in set(text) - TEXT_KEYS:
            errors.append(f"{where}: unknown key {key!r}")
        bad = [key for key in ("question", "answer")
               if not isinstance(text.get(key), str) or not text[key].strip()]
        for key in bad:
            errors.append(f"{where}: {key} missing or empty")
        if bad:
            continue
        question, answer = text["question"], text["answer"]
        has_brief = "brief" in text
        wants_brief = bool(entry.get("brief_when"))
        if has_brief != wants_brief:
            errors.append(f"{where}: brief must be present iff brief_when is non-empty")
        brief = text.get("brief") or ""
        if has_brief and (not isinstance(text["brief"], str) or not brief.strip()):
            errors.append(f"{where}: brief empty")
            brief = ""

        expected = set(entry.get("articles") or [])
        full = cited_articles(question) | cited_articles(answer)
        if full != expected:
            errors.append(f"{where}: question+answer cite {sorted(full)}, "
                          f"entries.yaml lists {sorted(expected)}")
        if brief:
            short = cited_articles(brief)
            if short != expected:
                errors.append(f"{where}: brief cites {sorted(short)}, "
                              f"entries.yaml lists {sorted(expected)}")
            if "\n" in brief.strip():
                errors.append(f"{where}: brief must be a single line")

        words = word_count(answer)
        if not MIN_WORDS <= words <= MAX_WORDS:
            errors.append(f"{where}: answer has {words} words "
                          f"(need {MIN_WORDS}-{MAX_WORDS})")
        paragraphs = answer.strip().split("\n\n")
        if any("\n" in p or not p.strip() for p in paragraphs):
            errors.append(f"{where}: paragraphs must be single lines separated "
                          "by one blank line")

        for key, value in (("question", question), ("answer", answer), ("brief", brief)):
            if not value:
                continue
            spot = f"{where}.{key}"
            text_problems(spot, value, errors)
            for email in EMAIL_RE.findall(value):
                if email not in ALLOWED_EMAILS:
                    errors.append(f"{spot}: address {email} is not in the reference")
            if REGION_VAR_RE.search(value) and eid != REGION_ENTRY:
                errors.append(f"{spot}: region/status variables only in {REGION_ENTRY}")
            render(env, spot, value, errors)


def main(argv: list[str]) -> int:
    qa_dir = Path(argv[1]) if len(argv) > 1 else QA_DIR
    errors: list[str] = []
    if not (qa_dir / "entries.yaml").is_file():
        print(f"FAILED: {qa_dir / 'entries.yaml'} missing")
        return 1
    try:
        entries = load(qa_dir / "entries.yaml")
    except yaml.YAMLError as exc:
        print(f"entries.yaml: invalid YAML: {exc}\nFAILED")
        return 1
    by_id = check_entries(entries, errors)
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    for lang, texts in language_files(qa_dir, LANGS, load, errors):
        check_language(lang, texts, by_id, env, errors)
    return report(errors, f"OK: {len(by_id)} entries in {', '.join(LANGS)}")


if __name__ == "__main__":
    sys.exit(main(sys.argv))
