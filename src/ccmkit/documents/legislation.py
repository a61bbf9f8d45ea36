"""Model legislative clauses (Article 9): variant and drafting style chosen for the State."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ccmkit.documents.library import load_yaml, matches, state_facts
from ccmkit.documents.subject import Subject, common_context
from ccmkit.errors import CcmkitError
from ccmkit.i18n import gettext_for
from ccmkit.vocab import DRAFTING_STYLES, LEGISLATION_VARIANTS

STYLES = DRAFTING_STYLES
VARIANTS = LEGISLATION_VARIANTS


@dataclass(frozen=True)
class Choice:
    """A choice made for the State, and the reason given to the legal adviser."""

    value: str
    reason: str


def choose_variant(subject: Subject, lang: str) -> Choice:
    """The model-law variant (rule in ccmkit.rules), with its reason for the legal adviser."""
    _ = gettext_for(lang)
    value = subject.legislation_choice().value
    if subject.options.legislation:
        return Choice(value, _("Variant chosen on the command line."))
    if value == "minimal":
        return Choice(value, _("Minimum credible implementation: the State data record no "
                               "stockpiles and no contamination."))
    return Choice(value, _("Full model law: the State data do not establish that the State "
                           "has neither stockpiles nor contamination."))


def choose_style(subject: Subject, lang: str) -> Choice:
    """The drafting style (rule in ccmkit.rules), with its reason for the legal adviser."""
    _ = gettext_for(lang)
    value = subject.drafting_choice().value
    if subject.options.drafting:
        return Choice(value, _("Drafting style chosen on the command line."))
    tradition = subject.fact_value("legal_tradition")
    if tradition == "common_law":
        return Choice(value, _("Common-law style: the State's legal tradition is "
                               "recorded as common law."))
    if tradition == "civil_law":
        return Choice(value, _("Civil-law style: the State's legal tradition is "
                               "recorded as civil law."))
    return Choice(value, _("The legal tradition is not recorded ({tradition}); this style "
                           "follows the State's first package language. Choose the other with "
                           "--drafting or set legal_tradition in the profile.").format(
        tradition=tradition))


def included_clauses(clauses: list[dict], variant: str, facts: dict[str, str]) -> list[dict]:
    """Clauses of the variant, plus those the State's situation calls for."""
    if variant not in VARIANTS:
        raise CcmkitError(f"unknown legislation variant {variant!r}: use minimal or full")
    return [
        c for c in clauses
        if variant in c["variants"]
        or (c.get("include_when") and matches(c["include_when"], facts))
    ]


def _paragraphs(raw: list, style: str) -> list[dict[str, Any]]:
    """Number subsections when a clause has several: (1) common law, 1. civil law."""
    out = []
    for index, para in enumerate(raw, start=1):
        item = para if isinstance(para, dict) else {"text": para}
        label = ""
        if len(raw) > 1:
            label = f"({index})" if style == "common-law" else f"{index}."
        items = [{"label": f"({chr(ord('a') + n)})", "text": text}
                 for n, text in enumerate(item.get("items", []))]
        out.append({"label": label, "text": item["text"], "items": items})
    return out


def build(subject: Subject, lang: str) -> dict[str, Any]:
    """Context for templates/legislation/<lang>.html.j2."""
    template_dir = subject.options.template_dir
    meta = load_yaml("legislation/clauses.yaml", template_dir)
    texts = load_yaml(f"legislation/{lang}.yaml", template_dir)
    variant, style = choose_variant(subject, lang), choose_style(subject, lang)
    chosen = included_clauses(meta, variant.value, state_facts(subject))
    numbers = {c["id"]: n for n, c in enumerate(chosen, start=1)}

    def ref(clause_id: str) -> str:
        if clause_id not in numbers:
            raise CcmkitError(f"legislation/{lang}.yaml: reference to clause {clause_id!r}, "
                              f"which the {variant.value} variant leaves out")
        return str(numbers[clause_id])

    parts: list[dict[str, Any]] = []
    for clause in chosen:
        text = texts["clauses"][clause["id"]]
        heading = text["heading"]
        if isinstance(heading, dict):
            heading = heading[style.value]
        if not parts or parts[-1]["key"] != clause["part"]:
            parts.append({"key": clause["part"],
                          "heading": texts["parts"][clause["part"]][style.value],
                          "clauses": []})
        parts[-1]["clauses"].append({
            "id": clause["id"],
            "number": numbers[clause["id"]],
            "heading": heading,
            "paragraphs": _paragraphs(text[style.value], style.value),
            "note": text["note"],
        })
    return {
        **common_context(subject, lang),
        "variant": variant,
        "style": style,
        "title": texts["title"][style.value],
        "enacting_formula": texts["enacting_formula"][style.value],
        "parts": parts,
        "ref": ref,
    }
