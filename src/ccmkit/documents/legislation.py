"""Model legislative clauses (Article 9): variant and drafting style chosen for the State.

Clause numbers and cross-references are rendered as HTML the DOCX writer turns into Word
fields (a SEQ field per clause heading, a REF field per reference), and subsections and
items as Word list paragraphs, so a legal adviser who deletes a clause gets the numbering
and references right after a field update.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypedDict

from markupsafe import Markup

from ccmkit.content.library import Clause, ClauseText, Paragraph, clause_library, matches
from ccmkit.data.legislature import government, legislature_text, legislatures
from ccmkit.documents.choices import Choice
from ccmkit.documents.subject import CommonContext, Subject, common_context
from ccmkit.errors import CcmkitError
from ccmkit.languages import Locale
from ccmkit.vocab import DRAFTING_STYLES, LEGISLATION_VARIANTS, ClauseLevel, Drafting, LawPart

STYLES = DRAFTING_STYLES
VARIANTS = LEGISLATION_VARIANTS
SEQ_NAME = "Clause"


def choose_variant(subject: Subject) -> Choice:
    """Minimum credible implementation or the full model law (rule in ccmkit.rules)."""
    return subject.legislation_choice()


def choose_style(subject: Subject) -> Choice:
    """Common-law or civil-law drafting (rule in ccmkit.rules)."""
    return subject.drafting_choice()


def included(clause: Clause, variant: str, facts: dict[str, str]) -> bool:
    """A clause is in the text when its variant is, or when the State's situation calls for it."""
    return variant in clause.variants or bool(
        clause.include_when and matches(clause.include_when, facts))


def included_clauses(clauses: list[Clause], variant: str, facts: dict[str, str]) -> list[Clause]:
    """Clauses of the variant, plus those the State's situation calls for."""
    if variant not in VARIANTS:
        raise CcmkitError(f"unknown legislation variant {variant!r}: use minimal or full")
    return [c for c in clauses if included(c, variant, facts)]


class ItemContext(TypedDict):
    """A lettered item of a paragraph."""

    label: str  # "(a)", "(b)", ...
    text: str


class ParagraphContext(TypedDict):
    """A subsection of a clause (a Word list paragraph in the DOCX)."""

    label: str  # "(1)" (common law) or "1." (civil law); "" for a clause of one paragraph
    text: str
    items: list[ItemContext]  # its lettered items, if any


class ClauseContext(TypedDict):
    """A clause of the model law, as included for the State."""

    id: str  # the clause's id (legislation/clauses.yaml)
    number: Markup  # its number: a SEQ field in Word, text in the PDF
    heading: str
    level: ClauseLevel  # required, recommended or optional
    paragraphs: list[ParagraphContext]
    note: str  # the drafting note (printed as a note, a Word comment in the DOCX)


class PartContext(TypedDict):
    """A part of the model law and its clauses."""

    key: LawPart  # general, prohibitions, offences, ...
    heading: str
    clauses: list[ClauseContext]


class ChecklistRow(TypedDict):
    """A clause of the full model law, in the checklist of what the law should cover."""

    id: str
    heading: str
    articles: list[int]  # the Convention's articles it implements
    level: ClauseLevel
    condition: list[str]  # the facts that add it to the minimal variant (sorted)
    number: Markup | None  # a reference to its number, None when this text leaves it out


class LegislationContext(CommonContext):
    """The context of legislation/<lang>.html.j2 (see ``CommonContext``)."""

    variant: str  # "minimal" or "full"
    style: Drafting  # "common-law" or "civil-law"
    title: str  # the law's title in this style
    enacting_formula: str  # the State's own, else the model's in this style
    government: str  # the form of government read from the formal name: republic,
    # monarchy or unknown
    official_journal: str | None  # the State's official journal, when recorded
    parts: list[PartContext]  # the law's text
    checklist: list[ChecklistRow]
    ref: Callable[[str], Markup]  # ref("clause-id"): a reference to a clause's number (an
    # error if the variant leaves it out)
    has: Callable[[str], bool]  # has("clause-id"): the clause is in this variant's text
    optional: Callable[[], Markup]  # optional(): the highlighted "[Optional]" mark
    choices: list[Choice]  # internal (English reasons for the ISU): never print in a template


def bookmark(clause_id: str) -> str:
    """The Word bookmark of a clause's number (hidden "_Ref" bookmarks, at most 40 chars)."""
    return ("_Ref_" + clause_id.replace("-", "_"))[:40]


def number_markup(clause_id: str, number: int) -> Markup:
    """A clause number: a SEQ field in Word, text in the PDF."""
    return Markup('<span class="seq" data-seq="{}" data-bookmark="{}">{}</span>').format(
        SEQ_NAME, bookmark(clause_id), number)


def ref_markup(clause_id: str, number: int) -> Markup:
    """A reference to a clause's number: a REF field in Word, text in the PDF."""
    return Markup('<a class="ref" href="#{}">{}</a>').format(bookmark(clause_id), number)


def _paragraphs(clause_id: str, raw: list[Paragraph], style: Drafting
                ) -> list[ParagraphContext]:
    """Subsections and items with their labels; numbered as Word lists in the DOCX."""
    out: list[ParagraphContext] = []
    for index, para in enumerate(raw, start=1):
        text, items = (para, []) if isinstance(para, str) else (para.text, para.items)
        label = ""
        if len(raw) > 1:
            label = f"({index})" if style == "common-law" else f"{index}."
        out.append({
            "label": label,
            "text": text,
            "items": [{"label": f"({chr(ord('a') + n)})", "text": item}
                      for n, item in enumerate(items)],
        })
    return out


def _text_of(text: ClauseText, style: Drafting, variant: str) -> list[Paragraph]:
    if variant == "minimal" and text.short is not None:
        return text.short.paragraphs(style)
    return text.paragraphs(style)


def build(subject: Subject, locale: Locale) -> LegislationContext:
    """Context for templates/legislation/<lang>.html.j2."""
    _ = locale.gettext
    lang = locale.lang
    clauses, texts = clause_library(lang, subject.options.template_dir)
    variant, style = choose_variant(subject), choose_style(subject)
    drafting: Drafting = style.value  # type: ignore[assignment]
    facts = subject.conditions()
    chosen = included_clauses(clauses, variant.value, facts)
    numbers = {c.id: n for n, c in enumerate(chosen, start=1)}

    def ref(clause_id: str) -> Markup:
        if clause_id not in numbers:
            raise CcmkitError(f"legislation/{lang}.yaml: reference to clause {clause_id!r}, "
                              f"which the {variant.value} variant leaves out")
        return ref_markup(clause_id, numbers[clause_id])

    def has(clause_id: str) -> bool:
        """True when the clause is in this variant's text (for conditional references)."""
        return clause_id in numbers

    def optional() -> Markup:
        return Markup('<span class="blank">[{}]</span>').format(_("Optional"))

    parts: list[PartContext] = []
    for clause in chosen:
        text = texts.clauses[clause.id]
        if not parts or parts[-1]["key"] != clause.part:
            parts.append({"key": clause.part, "heading": texts.parts[clause.part].get(drafting),
                          "clauses": []})
        parts[-1]["clauses"].append({
            "id": clause.id,
            "number": number_markup(clause.id, numbers[clause.id]),
            "heading": text.heading_for(drafting),
            "level": clause.level,
            "paragraphs": _paragraphs(clause.id, _text_of(text, drafting, variant.value),
                                      drafting),
            "note": text.note,
        })
    checklist: list[ChecklistRow] = [{
        "id": c.id,
        "heading": texts.clauses[c.id].heading_for(drafting),
        "articles": c.articles,
        "level": c.level,
        "condition": sorted(c.include_when or {}),
        "number": ref_markup(c.id, numbers[c.id]) if c.id in numbers else None,
    } for c in clauses if "full" in c.variants]
    own = legislature_text(subject.state.iso3, lang)
    form = government(subject.state.names["en"].formal)
    formula = Choice("legislation.enacting_formula",
                     "the State's own" if own.enacting_formula else form.value,
                     _formula_reason(subject.state.iso3, form.value, form.quote, bool(
                         own.enacting_formula)))
    choices = [variant, style, formula, *(
        Choice(f"legislation.clause.{c.id}", "included" if c.id in numbers else "left out",
               _why(c, variant.value, facts)) for c in clauses)]
    return {
        **common_context(subject, locale),
        "variant": variant.value,
        "style": drafting,
        "title": texts.title.get(drafting),
        "enacting_formula": own.enacting_formula or texts.enacting_formula.get(drafting),
        "government": form.value,
        "official_journal": own.official_journal,
        "parts": parts,
        "checklist": checklist,
        "ref": ref,
        "has": has,
        "optional": optional,
        "choices": choices,
    }


def _formula_reason(iso3: str, form: str, formal_name: str, own: bool) -> str:
    """Why the model law has this enacting formula (internal)."""
    if own:
        sources = "; ".join(s["source"] for s in legislatures()[iso3].sources)
        return f"The State's enacting formula and official journal as recorded ({sources})."
    if form == "unknown":
        return (f"Form of government not read from the UNTERM formal name {formal_name!r}: a "
                "neutral bracketed formula.")
    return f"Form of government ({form}) read from the UNTERM formal name {formal_name!r}."


def _why(clause: Clause, variant: str, facts: dict[str, str]) -> str:
    if variant in clause.variants:
        return f"Part of the {variant} variant."
    if clause.include_when and matches(clause.include_when, facts):
        found = ", ".join(f"{k}={facts.get(k)}" for k in clause.include_when)
        return f"Added because the State's situation calls for it ({found})."
    return f"Not part of the {variant} variant."
