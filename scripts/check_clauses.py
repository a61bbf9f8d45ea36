#!/usr/bin/env python3
"""Check the model legislative clauses in templates/legislation/.

Usage: python scripts/check_clauses.py [LEGISLATION_DIR]

Checks clauses.yaml (metadata: ids, variants, include_when, articles, parts)
against en.yaml, fr.yaml and es.yaml (texts in two drafting styles):
- ids unique and kebab-case; required clauses present; the minimal variant for a
  State with no stockpiles and no contamination is exactly the expected set;
- every clause has, in each language, a heading, non-empty common-law and
  civil-law paragraph lists and a drafting note of 30-120 words;
- title, enacting formula and part headings exist for both styles;
- parts are contiguous, in canonical order, and never empty in any variant
  (so part headings may carry fixed numbers);
- every ref('x') names a clause that is present whenever the referring clause
  is (every variant x stockpiles x contamination combination is rendered);
- no <, > or &, no curly apostrophes, no non-breaking spaces, no literal
  section/article numbers (except citations of the Convention's articles);
- every text renders with StrictUndefined given blank/alt/ref and S;
- vocabulary fits the style (e.g. no "this Law" in a common-law Act).
Prints every problem found and exits with status 1 if there is any.
"""
from __future__ import annotations

import itertools
import re
import sys
from pathlib import Path

import jinja2
import yaml
from checklib import language_files, report, text_problems
from jinja2.sandbox import SandboxedEnvironment

LEG_DIR = Path(__file__).resolve().parent.parent / "src" / "ccmkit" / "templates" / "legislation"
LANGS = ("en", "fr", "es")
STYLES = ("common-law", "civil-law")
VARIANTS = ("minimal", "full")
PARTS = ("general", "prohibitions", "offences", "exceptions", "obligations",
         "administration", "final")
FACT_VALUES = ("yes", "no", "unknown")
CONDITION_KEYS = ("stockpiles", "contamination")
CLAUSE_KEYS = {"id", "variants", "include_when", "articles", "part"}
TEXT_KEYS = {"heading", "note", *STYLES}
MIN_NOTE_WORDS, MAX_NOTE_WORDS = 30, 120
ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

REQUIRED = {
    "short-title", "purpose", "definitions", "application", "prohibitions",
    "offences-penalties", "legal-persons", "attempt-complicity", "jurisdiction",
    "retention-exception", "transfer-for-destruction", "interoperability",
    "stockpile-destruction", "clearance", "victim-assistance", "national-authority",
    "reporting", "enforcement-powers", "regulations", "repeal-amendments",
}
# Minimum credible implementation: a State with no stockpiles and no contamination.
MINIMAL_NO_NO = {
    "short-title", "purpose", "definitions", "application", "prohibitions",
    "offences-penalties", "legal-persons", "attempt-complicity", "jurisdiction",
    "retention-exception", "transfer-for-destruction", "interoperability",
    "national-authority", "reporting", "regulations",
}
EXPECTED_INCLUDE_WHEN = {
    "stockpile-destruction": {"stockpiles": ["yes", "unknown"]},
    "clearance": {"contamination": ["yes", "unknown"]},
    "victim-assistance": {"contamination": ["yes", "unknown"]},
}

S = {"short": "X", "with_article": "X", "formal": "X", "of": "of X", "formal_of": "of X"}

REF_RE = re.compile(r"""\bref\(\s*(['"])(.*?)\1\s*\)""")
# A literal clause number: "section 3", "sections 3 to 5", "article 12", "artículo 4".
# Allowed only when it cites the Convention ("Article 3(6) of the Convention",
# "l'article 3, paragraphe 6, de la Convention", "artículos 3 y 7 de la Convención").
LITERAL_RE = re.compile(
    r"\b(?:sub)?(?:sections?|secci[oó]n|secciones|articles?|art[ií]culos?)\s+\d",
    re.IGNORECASE,
)
CONVENTION_AFTER_RE = re.compile(
    r"^[^.;:]{0,60}?\b(?:of the Convention|of this Convention|de la Convention"
    r"|de la Convención|de la presente Convención)",
    re.IGNORECASE,
)

# Vocabulary that betrays the wrong drafting style (case-sensitive where it matters).
STYLE_FORBIDDEN = {
    ("en", "common-law"): [r"\b[Tt]his Law\b", r"\barticles? \{\{", r"\bparagraph 1\b"],
    ("en", "civil-law"): [r"\b[Tt]his Act\b", r"\bsections? \{\{", r"\bsubsection\b",
                          r"commits an offence"],
    ("fr", "common-law"): [r"\b[Cc]hapitre\b", r"\b[Ee]st puni\b"],
    ("fr", "civil-law"): [r"commet une infraction", r"déclaration de culpabilité",
                          r"\bparagraphe \(\d"],
    ("es", "common-law"): [r"\bart[ií]culos? \{\{", r"\b[Cc]ap[ií]tulo\b",
                          r"\b[Ss]er[áa] sancionad"],
    ("es", "civil-law"): [r"\b[Ss]ecci[oó]n", r"\b[Ss]ubsecci[oó]n", r"comete un delito"],
}


def load(path: Path):
    with path.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def word_count(text: str) -> int:
    return len(text.split())


def included(clause: dict, variant: str, facts: dict[str, str]) -> bool:
    """Same rule as ccmkit.documents.legislation.included_clauses."""
    if variant in clause.get("variants", []):
        return True
    cond = clause.get("include_when") or {}
    return bool(cond) and all(facts.get(k) in v for k, v in cond.items())


def scenarios():
    """(label, variant, facts) for every variant and State situation."""
    for variant in VARIANTS:
        for stock, cont in itertools.product(FACT_VALUES, FACT_VALUES):
            facts = {"stockpiles": stock, "contamination": cont}
            yield f"{variant}/stockpiles={stock}/contamination={cont}", variant, facts


# --------------------------------------------------------------------------- metadata

def check_meta(meta, errors: list[str]) -> list[dict]:
    if not isinstance(meta, list) or not meta:
        errors.append("clauses.yaml: must be a non-empty list")
        return []
    seen: set[str] = set()
    good: list[dict] = []
    for n, clause in enumerate(meta):
        where = f"clauses.yaml[{n}]"
        if not isinstance(clause, dict) or not isinstance(clause.get("id"), str):
            errors.append(f"{where}: must be a mapping with a string id")
            continue
        cid = clause["id"]
        where = f"clauses.yaml:{cid}"
        if not ID_RE.match(cid):
            errors.append(f"{where}: id must be kebab-case")
        if cid in seen:
            errors.append(f"{where}: duplicate id")
        seen.add(cid)
        for key in set(clause) - CLAUSE_KEYS:
            errors.append(f"{where}: unknown key {key!r}")
        variants = clause.get("variants")
        if (not isinstance(variants, list) or not variants
                or any(v not in VARIANTS for v in variants)
                or len(set(variants)) != len(variants)):
            errors.append(f"{where}: variants must be a non-empty list of {VARIANTS}")
            continue
        if "full" not in variants:
            errors.append(f"{where}: every clause belongs to the full variant")
        cond = clause.get("include_when")
        if cond is not None:
            if not isinstance(cond, dict):
                errors.append(f"{where}: include_when must be a mapping")
                continue
            for key, values in cond.items():
                if key not in CONDITION_KEYS:
                    errors.append(f"{where}: include_when key {key!r} not in {CONDITION_KEYS}")
                elif (not isinstance(values, list) or not values
                      or any(not isinstance(v, str) or v not in FACT_VALUES for v in values)):
                    errors.append(f"{where}: include_when.{key} must list quoted "
                                  f"values among {FACT_VALUES}")
            if cond and "minimal" in variants:
                errors.append(f"{where}: include_when is pointless on a minimal clause")
        articles = clause.get("articles")
        if (not isinstance(articles, list) or not articles
                or not all(isinstance(a, int) and not isinstance(a, bool) and 1 <= a <= 23
                           for a in articles)
                or articles != sorted(set(articles))):
            errors.append(f"{where}: articles must be ascending integers 1..23")
        if clause.get("part") not in PARTS:
            errors.append(f"{where}: part must be one of {PARTS}")
            continue
        good.append(clause)

    ids = {c["id"] for c in good}
    for cid in sorted(REQUIRED - ids):
        errors.append(f"clauses.yaml: required clause {cid} missing")
    for cid, cond in EXPECTED_INCLUDE_WHEN.items():
        clause = next((c for c in good if c["id"] == cid), None)
        if clause and (clause["variants"] != ["full"] or clause.get("include_when") != cond):
            errors.append(f"clauses.yaml:{cid}: expected variants [full], include_when {cond}")
    minimal = {c["id"] for c in good
               if included(c, "minimal", {"stockpiles": "no", "contamination": "no"})}
    if minimal != MINIMAL_NO_NO:
        errors.append(f"clauses.yaml: minimal variant (no stockpiles, no contamination) is "
                      f"{sorted(minimal)}, expected {sorted(MINIMAL_NO_NO)}")
    if {c["id"] for c in good if included(c, "full", {})} != ids:
        errors.append("clauses.yaml: the full variant must contain every clause")

    # Parts: contiguous, canonical order, non-empty in every scenario.
    order = [c["part"] for c in good]
    runs = [p for i, p in enumerate(order) if i == 0 or order[i - 1] != p]
    if len(runs) != len(set(runs)):
        errors.append(f"clauses.yaml: clauses of a part must be contiguous: {runs}")
    if runs != [p for p in PARTS if p in runs]:
        errors.append(f"clauses.yaml: parts out of order: {runs}, expected order {PARTS}")
    for label, variant, facts in scenarios():
        present = {c["part"] for c in good if included(c, variant, facts)}
        for part in sorted(set(PARTS) - present):
            errors.append(f"clauses.yaml: part {part} is empty in {label}")
    return good


# --------------------------------------------------------------------------- texts

def texts_of(entry: dict) -> list[tuple[str, str, str | None]]:
    """(key path, text, style or None) for every string of a clause entry."""
    out: list[tuple[str, str, str | None]] = []
    heading = entry.get("heading")
    if isinstance(heading, dict):
        for style in STYLES:
            out.append((f"heading.{style}", heading.get(style), style))
    else:
        out.append(("heading", heading, None))
    for style in STYLES:
        paras = entry.get(style)
        if not isinstance(paras, list):
            continue
        for i, para in enumerate(paras, start=1):
            if isinstance(para, dict):
                out.append((f"{style}[{i}].text", para.get("text"), style))
                for j, item in enumerate(para.get("items") or [], start=1):
                    out.append((f"{style}[{i}].items[{j}]", item, style))
            else:
                out.append((f"{style}[{i}]", para, style))
    out.append(("note", entry.get("note"), None))
    return out


def check_string(where: str, text, lang: str, style: str | None,
                 errors: list[str]) -> bool:
    if not isinstance(text, str) or not text.strip():
        errors.append(f"{where}: missing or empty string")
        return False
    text_problems(where, text, errors)
    if "\n" in text.strip():
        errors.append(f"{where}: must be a single line")
    for match in LITERAL_RE.finditer(text):
        if not CONVENTION_AFTER_RE.match(text[match.end():]):
            snippet = text[match.start():match.end() + 30]
            errors.append(f"{where}: literal clause number {snippet!r}: use ref()")
    for pattern in STYLE_FORBIDDEN.get((lang, style), []) if style else []:
        if re.search(pattern, text):
            errors.append(f"{where}: {pattern!r} does not fit the {style} style")
    return True


def check_paragraphs(where: str, paras, errors: list[str]) -> None:
    if not isinstance(paras, list) or not paras:
        errors.append(f"{where}: must be a non-empty list of paragraphs")
        return
    for i, para in enumerate(paras, start=1):
        if isinstance(para, dict):
            for key in set(para) - {"text", "items"}:
                errors.append(f"{where}[{i}]: unknown key {key!r}")
            items = para.get("items")
            if items is not None and (not isinstance(items, list) or not items):
                errors.append(f"{where}[{i}].items: must be a non-empty list")
            elif items and any(not isinstance(x, str) for x in items):
                errors.append(f"{where}[{i}].items: items must be strings")
        elif not isinstance(para, str):
            errors.append(f"{where}[{i}]: must be a string or a mapping text/items")


def make_env(numbers: dict[str, int], used: list[str]) -> SandboxedEnvironment:
    env = SandboxedEnvironment(autoescape=True, undefined=jinja2.StrictUndefined)

    def blank(label):
        if not isinstance(label, str) or not label.strip():
            raise ValueError("blank() needs a non-empty label")
        return f"[{label}]"

    def alt(*choices):
        if not choices or not all(isinstance(c, str) and c.strip() for c in choices):
            raise ValueError("alt() needs non-empty string choices")
        return "[" + " / ".join(choices) + "]"

    def ref(clause_id):
        used.append(clause_id)
        if clause_id not in numbers:
            raise LookupError(f"ref({clause_id!r}): clause absent from this variant")
        return str(numbers[clause_id])

    env.globals.update(blank=blank, alt=alt, ref=ref, S=S)
    return env


def render(text: str, numbers: dict[str, int]) -> tuple[str | None, str | None]:
    used: list[str] = []
    try:
        return make_env(numbers, used).from_string(text).render(), None
    except Exception as exc:
        return None, f"{type(exc).__name__}: {exc}"


def check_language(lang: str, data, clauses: list[dict], errors: list[str]) -> None:
    fname = f"{lang}.yaml"
    if not isinstance(data, dict):
        errors.append(f"{fname}: must be a mapping")
        return
    for key in set(data) - {"title", "enacting_formula", "parts", "clauses"}:
        errors.append(f"{fname}: unknown top-level key {key!r}")
    full_numbers = {c["id"]: n for n, c in enumerate(clauses, start=1)}
    ids = [c["id"] for c in clauses]

    # Title, enacting formula, part headings.
    def check_styles(key: str, block: object) -> None:
        if not isinstance(block, dict):
            errors.append(f"{fname}: {key} must map both styles")
            return
        for style in STYLES:
            where = f"{fname}:{key}.{style}"
            if check_string(where, block.get(style), lang, style, errors):
                _, err = render(block[style], full_numbers)
                if err:
                    errors.append(f"{where}: does not render: {err}")

    for key in ("title", "enacting_formula"):
        check_styles(key, data.get(key))
    parts = data.get("parts")
    if not isinstance(parts, dict):
        errors.append(f"{fname}: parts must be a mapping")
        parts = {}
    for key in set(parts) - set(PARTS):
        errors.append(f"{fname}: unknown part {key!r}")
    for part in PARTS:
        check_styles(f"parts.{part}", parts.get(part))

    # Clauses.
    texts = data.get("clauses")
    if not isinstance(texts, dict):
        errors.append(f"{fname}: clauses must be a mapping keyed by clause id")
        return
    for cid in sorted(set(ids) - set(texts)):
        errors.append(f"{fname}: missing clause {cid}")
    for cid in sorted(set(texts) - set(ids)):
        errors.append(f"{fname}: clause {cid} not in clauses.yaml")

    for clause in clauses:
        cid = clause["id"]
        entry = texts.get(cid)
        where = f"{fname}:{cid}"
        if entry is None:
            continue
        if not isinstance(entry, dict):
            errors.append(f"{where}: must be a mapping")
            continue
        for key in set(entry) - TEXT_KEYS:
            errors.append(f"{where}: unknown key {key!r}")
        heading = entry.get("heading")
        if isinstance(heading, dict) and set(heading) != set(STYLES):
            errors.append(f"{where}: heading mapping must have exactly {STYLES}")
        for style in STYLES:
            check_paragraphs(f"{where}.{style}", entry.get(style), errors)
        note = entry.get("note")
        if isinstance(note, str):
            words = word_count(note)
            if not MIN_NOTE_WORDS <= words <= MAX_NOTE_WORDS:
                errors.append(f"{where}.note: {words} words "
                              f"(need {MIN_NOTE_WORDS}-{MAX_NOTE_WORDS})")

        for path, text, style in texts_of(entry):
            spot = f"{where}.{path}"
            if not check_string(spot, text, lang, style, errors):
                continue
            # Static check of the references.
            for _, target in REF_RE.findall(text):
                if target not in full_numbers:
                    errors.append(f"{spot}: ref({target!r}) names no clause")
            # Render in every scenario where the clause is present.
            reported: set[str] = set()
            for label, variant, facts in scenarios():
                if not included(clause, variant, facts):
                    continue
                chosen = [c for c in clauses if included(c, variant, facts)]
                numbers = {c["id"]: n for n, c in enumerate(chosen, start=1)}
                _, err = render(text, numbers)
                if err and err not in reported:
                    reported.add(err)
                    errors.append(f"{spot}: does not render in {label}: {err}")


def main(argv: list[str]) -> int:
    leg_dir = Path(argv[1]) if len(argv) > 1 else LEG_DIR
    errors: list[str] = []
    meta_path = leg_dir / "clauses.yaml"
    if not meta_path.is_file():
        print(f"FAILED: {meta_path} missing")
        return 1
    try:
        clauses = check_meta(load(meta_path), errors)
    except yaml.YAMLError as exc:
        print(f"FAILED: clauses.yaml: invalid YAML: {exc}")
        return 1
    for lang, data in language_files(leg_dir, LANGS, load, errors):
        check_language(lang, data, clauses, errors)
    return report(errors, f"OK: {len(clauses)} clauses in {', '.join(LANGS)}, "
                          f"styles {', '.join(STYLES)}")


if __name__ == "__main__":
    sys.exit(main(sys.argv))
