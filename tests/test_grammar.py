"""The grammar of State names: the helpers, the data behind them, every template that uses
them, and the HTML of every outgoing document for every State outside the Convention in
French and Spanish (the HTML is the single source of the DOCX and the PDF)."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from docx import Document

from ccmkit.data.schema import StateRecord, read_yaml, validate
from ccmkit.data.states import load_registry
from ccmkit.documents.kinds import DOCUMENTS
from ccmkit.errors import DataError, TemplateError
from ccmkit.grammar import agree, dative, of, subject
from ccmkit.package import document_page, render_document
from ccmkit.resources import shipped_data_dir, templates_dir
from tests.conftest import make_subject
from tests.readers import pdf_text_bytes

REGISTRY = load_registry()
OUTSIDE = [s for s in REGISTRY.states if s.outside]
TEMPLATES = templates_dir()

# A preposition glued to an article (a name's, or any other): never correct in running text.
GLUED = re.compile(r"(?<![\w'’])(à le|à les|de le|de les|a el|de el)(?![\w'’])(.{0,20})",
                   re.IGNORECASE)
# Pronoun uses are correct French: « de le faire », « de les y faire transiter ».
PRONOUN = re.compile(r"\b(de|à) (le|les) (y |en )?[a-zàâçéèêëîïôûù]+(er|ir|re|oir)\b")
# Verbs the templates put after a State's name, singular and plural.
SINGULAR = {"fr": {"est", "a", "participe", "puisse", "peut", "doit", "dépose", "s'est",
                   "devient"},
            "es": {"es", "está", "esté", "ha", "participe", "pueda", "puede", "se", "deposita"}}
PLURAL = {"fr": {"sont", "ont", "participent", "puissent", "peuvent", "doivent", "déposent",
                 "deviennent"},
          "es": {"son", "están", "estén", "han", "participen", "puedan", "pueden", "depositan"}}
PLURAL_NAMES = [s for s in OUTSIDE if "plural" in (s.names["fr"].number, s.names["es"].number)]
# one State of each kind of name: le, la, l', les, no article (FR); el, la, los, las, none (ES)
KINDS = ["MAR", "TUR", "AGO", "HTI", "ISR", "PAK", "ARG", *(s.iso3 for s in PLURAL_NAMES)]
# every variant of the law for one State per article (le, la, l', none; les/los/las, and the
# plural with no article in Spanish) in the inner loop; the other States in the full suite
VARIANT_SAMPLE = ("MAR", "TUR", "AGO", "HTI", "MHL", "USA")
VARIANT_KINDS = [code if code in VARIANT_SAMPLE else pytest.param(code, marks=pytest.mark.slow)
                 for code in KINDS]


def names(code: str, lang: str):
    return REGISTRY.by_iso3(code).names[lang]


# --- the helpers --------------------------------------------------------------------------

@pytest.mark.parametrize(("code", "lang", "to", "of_form", "subject_form"), [
    ("MAR", "fr", "au Maroc", "du Maroc", "le Maroc"),
    ("MHL", "fr", "aux Îles Marshall", "des Îles Marshall", "les Îles Marshall"),
    ("AGO", "fr", "à l'Angola", "de l'Angola", "l'Angola"),
    ("TUR", "fr", "à la Türkiye", "de la Türkiye", "la Türkiye"),
    ("HTI", "fr", "à Haïti", "d'Haïti", "Haïti"),
    ("CUB", "fr", "à Cuba", "de Cuba", "Cuba"),
    ("USA", "es", "a los Estados Unidos de América", "de los Estados Unidos de América",
     "los Estados Unidos de América"),
    ("MHL", "es", "a las Islas Marshall", "de las Islas Marshall", "las Islas Marshall"),
    ("PAK", "es", "al Pakistán", "del Pakistán", "el Pakistán"),
    ("ARG", "es", "a la Argentina", "de la Argentina", "la Argentina"),
    ("MAR", "es", "a Marruecos", "de Marruecos", "Marruecos"),
    ("SLV", "es", "a El Salvador", "de El Salvador", "El Salvador"),
    ("BHS", "en", "to the Bahamas", "of the Bahamas", "the Bahamas"),
])
def test_to_of_and_subject_forms(code, lang, to, of_form, subject_form) -> None:
    forms = names(code, lang)
    assert (dative(forms, lang), of(forms), subject(forms)) == (to, of_form, subject_form)


@pytest.mark.parametrize(("code", "lang", "verb", "adjective"), [
    ("MAR", "fr", "participe", "lié"), ("TUR", "fr", "participe", "liée"),
    ("MHL", "fr", "participent", "liées"), ("USA", "fr", "participent", "liés"),
    ("MHL", "es", "puedan", "obligadas"), ("USA", "es", "puedan", "obligados"),
    ("MAR", "es", "pueda", "obligado"), ("ARG", "es", "pueda", "obligada"),
    ("BHS", "en", "is", "bound"), ("USA", "en", "is", "bound"),  # English: a name is singular
])
def test_agreement_follows_number_and_gender(code, lang, verb, adjective) -> None:
    forms = names(code, lang)
    verbs = {"fr": ("participe", "participent"), "es": ("pueda", "puedan"), "en": ("is", "are")}
    adjectives = {"fr": ("lié", "liée", "liés", "liées"),
                  "es": ("obligado", "obligada", "obligados", "obligadas"),
                  "en": ("bound",) * 4}
    assert agree(forms, *verbs[lang]) == verb
    assert agree(forms, *adjectives[lang]) == adjective
    with pytest.raises(TypeError):
        agree(forms, "one", "two", "three")


@pytest.mark.parametrize("state", REGISTRY.states, ids=lambda s: s.iso3)
def test_every_name_has_its_grammar_and_the_helpers_match_the_data(state) -> None:
    fr, es = state.names["fr"], state.names["es"]
    for forms in (fr, es):
        assert forms.gender in ("masculine", "feminine")
        plural = forms.with_article.startswith(("les ", "los ", "las "))
        assert forms.number == ("plural" if plural else "singular")
    assert dative(es, "es") == es.to  # the Spanish "to" form is the a/al form
    if fr.to.startswith(("au ", "aux ")):  # French "to" is locative: en Angola, but au Maroc
        assert dative(fr, "fr") == fr.to
    assert dative(fr, "fr").startswith(("au ", "aux ", "à "))


def _record(**fr_changes) -> dict:
    """The Marshall Islands' entry of the shipped states.yaml, its French forms changed."""
    raw = read_yaml(shipped_data_dir() / "states.yaml", trusted=True)
    record = next(r for r in raw if r["iso3"] == "MHL")
    record["names"]["fr"].update(fr_changes)
    return record


def test_grammar_that_contradicts_the_article_or_is_missing_is_one_clear_line() -> None:
    with pytest.raises(DataError, match=r"states.yaml, MHL: .*names.fr: 'les Îles Marshall' is "
                                        r"feminine plural, not feminine singular"):
        validate(StateRecord, _record(number="singular"), "states.yaml", "MHL")
    raw = _record()
    del raw["names"]["fr"]["gender"]
    with pytest.raises(DataError, match=r"states.yaml, MHL: .*names.fr of 'les Îles Marshall' "
                                        r"needs gender"):
        validate(StateRecord, raw, "states.yaml", "MHL")


def test_a_language_without_a_dative_says_what_to_add(monkeypatch) -> None:
    from dataclasses import replace

    from ccmkit import languages

    english = languages.registry()["en"]
    monkeypatch.setitem(languages.registry(), "xx", replace(english, code="xx", dative=None))
    with pytest.raises(TemplateError, match=r"languages\.yaml gives no grammar\.dative for 'xx'"):
        dative(names("MAR", "en"), "xx")


# --- the templates --------------------------------------------------------------------------

SOURCES = sorted(p for p in TEMPLATES.rglob("*") if p.suffix in (".j2", ".yaml"))
GLUED_SOURCE = re.compile(
    r"(?<![\w’])(?<!\w')(à|a|de|d'|du|des|au|aux|al|del)\s*(\{\{-?\s*|['\"]\s*~\s*)"
    r"S\.(with_article|short|formal|of|formal_of|to)\b")
SUBJECT_THEN_WORD = re.compile(
    r"(?:S\.with_article|S\|subject)(?:\|capfirst)?\s*\}\}\s+([\w'’]+)")


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_no_template_glues_a_preposition_to_a_name_or_fixes_its_verb(path: Path) -> None:
    """A preposition before a name goes through S|dative or S|of; a verb after it through
    S|agree (French and Spanish)."""
    source = path.read_text(encoding="utf-8")
    assert not GLUED_SOURCE.findall(source), GLUED_SOURCE.findall(source)
    lang = path.stem.split(".")[0]
    if lang in SINGULAR:
        fixed = [w for w in SUBJECT_THEN_WORD.findall(source)
                 if w in SINGULAR[lang] | PLURAL[lang]]
        assert not fixed, f"{path.name}: a verb after the name must use S|agree: {fixed}"


# --- every outgoing document, every State outside -------------------------------------------

def _text(subject_, kind: str, lang: str) -> str:
    body = document_page(subject_, kind, lang).tree.find("body")
    return re.sub(r"\s+", " ", " ".join(body.itertext()))


def problems(text: str, code: str, lang: str) -> list[str]:
    """Glued prepositions, and verbs that do not agree with the State's name."""
    found = [m.group(0) for m in GLUED.finditer(PRONOUN.sub("", text))
             if not m.group(0).endswith(("El ", "el Salvador"))]
    forms = names(code, lang)
    wrong = SINGULAR[lang] if forms.number == "plural" else PLURAL[lang]
    # the name as a subject (not after de, à, a, en, par, para, pour: « de l'Algérie sont »)
    subject_form = r"(?<![\w'])(?<!de )(?<!à )(?<!a )(?<!en )(?<!par )(?<!para )(?<!pour )"
    for match in re.finditer(rf"{subject_form}{re.escape(forms.with_article)} ([\w'’]+)", text,
                             re.IGNORECASE):
        if match.group(1) in wrong:
            found.append(match.group(0))
    return found


def document_problems(code: str, lang: str) -> dict[str, list[str]]:
    """The problems in every outgoing document of one State, by document kind."""
    subject_ = make_subject(REGISTRY, code)
    return {f"{code} {kind}": found for kind in DOCUMENTS
            if (found := problems(_text(subject_, kind, lang), code, lang))}


@pytest.mark.parametrize("lang", ["fr", "es"])
@pytest.mark.parametrize("code", KINDS)
def test_every_document_reads_correctly_for_each_kind_of_name(code, lang) -> None:
    """The inner loop's sample of the sweep below: one State per kind of name."""
    assert not document_problems(code, lang)


@pytest.mark.slow  # the exhaustive sweep (about 20 s); the sample above runs in the inner loop
@pytest.mark.parametrize("lang", ["fr", "es"])
def test_every_document_of_every_state_outside_reads_correctly(lang) -> None:
    assert len(OUTSIDE) == 85
    bad = {}
    for state in OUTSIDE:
        bad.update(document_problems(state.iso3, lang))
    assert not bad


@pytest.mark.parametrize("lang", ["fr", "es"])
@pytest.mark.parametrize("code", VARIANT_KINDS)
def test_every_variant_reads_correctly_for_each_kind_of_name(code, lang) -> None:
    """Each kind of name (le, la, l', les, no article; el, los, las) in every variant of the
    law (minimal, full; common law, civil law) and the full Q&A."""
    bad = {}
    for variant in ("minimal", "full"):
        for drafting in ("common-law", "civil-law"):
            subject_ = make_subject(REGISTRY, code, legislation=variant, drafting=drafting,
                                    qa="full")
            for kind in ("legislation", "qa"):
                found = problems(_text(subject_, kind, lang), code, lang)
                if found:
                    bad[f"{kind} {variant} {drafting}"] = found
    assert not bad


AGREED = {
    ("MHL", "fr"): ["avec lesquels les Îles Marshall participent à une coopération",
                    "Lorsque les Îles Marshall sont en mesure de le faire",
                    "Afin de permettre aux Îles Marshall de s'acquitter de leurs obligations",
                    "les obligations qui incombent aux Îles Marshall en vertu de la Convention",
                    "afin que les Îles Marshall puissent s'acquitter des obligations",
                    "battant leur pavillon", "relevant de leur juridiction ou de leur contrôle",
                    "des forces armées des Îles Marshall et leurs ressortissants peuvent"],
    ("MHL", "es"): ["con los que las Islas Marshall participen en cooperación",
                    "Cuando las Islas Marshall estén en condiciones de hacerlo",
                    "para que las Islas Marshall puedan cumplir sus obligaciones",
                    "las obligaciones que incumben a las Islas Marshall"],
    ("MAR", "fr"): ["Afin de permettre au Maroc de s'acquitter de ses obligations",
                    "avec lesquels le Maroc participe à une coopération",
                    "Lorsque le Maroc est en mesure de le faire",
                    "les obligations qui incombent au Maroc en vertu de la Convention",
                    "battant son pavillon", "relevant de sa juridiction ou de son contrôle"],
    ("USA", "es"): ["con los que los Estados Unidos de América participen en cooperación"],
    ("AGO", "fr"): ["Afin de permettre à l'Angola de s'acquitter de ses obligations"],
}


@pytest.mark.parametrize(("code", "lang"), list(AGREED))
def test_the_law_builds_the_agreed_phrases(code, lang) -> None:
    """The phrases of legal review B3, as they now read (full law, both drafting styles)."""
    text = " ".join(_text(make_subject(REGISTRY, code, legislation="full", drafting=style),
                          "legislation", lang).replace("’", "'")
                    for style in ("common-law", "civil-law"))
    missing = [phrase for phrase in AGREED[(code, lang)] if phrase not in text]
    assert not missing



@pytest.mark.parametrize(("code", "lang", "phrase"), [
    ("MHL", "fr", "à l'égard des Îles Marshall le premier jour du sixième mois suivant la date "
                  "du dépôt de leur instrument"),
    ("MAR", "fr", "à l'égard du Maroc le premier jour du sixième mois suivant la date du dépôt "
                  "de son instrument"),
    ("MHL", "es", "respecto de las Islas Marshall el primer día del sexto mes a partir de la "
                  "fecha en que hayan depositado su instrumento"),
    ("MAR", "es", "respecto de Marruecos el primer día del sexto mes a partir de la fecha en que "
                  "haya depositado su instrumento"),
])
def test_the_steps_note_agrees_with_the_name(code, lang, phrase) -> None:
    assert phrase in _text(make_subject(REGISTRY, code), "steps", lang).replace("’", "'")

@pytest.mark.e2e
@pytest.mark.parametrize("lang", ["fr", "es"])
def test_the_marshall_islands_law_reads_correctly_in_the_docx_and_the_pdf(lang) -> None:
    """Review B3 through the real files: the DOCX read back, the PDF's text."""
    subject_ = make_subject(REGISTRY, "MHL", legislation="full", drafting="common-law")
    files = {f.fmt: f.data for f in render_document(subject_, "legislation", lang,
                                                    ("docx", "pdf"))}
    docx_text = "\n".join(p.text for p in Document(io.BytesIO(files["docx"])).paragraphs)
    pdf = re.sub(r"‐\s*", "", pdf_text_bytes(files["pdf"]))  # the PDF's hyphenation
    for text in (docx_text, pdf):
        text = re.sub(r"\s+", " ", text).replace("’", "'")
        assert not problems(text, "MHL", lang)
        assert [p for p in AGREED[("MHL", lang)] if p in text] == [
            p for p in AGREED[("MHL", lang)] if p in _text(subject_, "legislation", lang)]
        assert sum(p in text for p in AGREED[("MHL", lang)]) >= 3
