"""The Q&A follows the State's own concerns: it answers them first, never offers an entry they
contradict, and a State that withdrew has its own route. Checked on the selection (a synthetic
State per concern) and through the real CLI path (DOCX read back with python-docx, PDF with
pdftotext)."""

from __future__ import annotations

import re
from pathlib import Path

import pikepdf
import pytest

from ccmkit.content.library import matches, qa_library
from ccmkit.data.profile import Profile
from ccmkit.documents.qa import BASIC_MAX, BASIC_MIN, build, select_entries
from ccmkit.languages import get_locale
from ccmkit.vocab import CONCERNS
from tests.conftest import GENERATED, fact, make_subject, run_cli
from tests.content.test_library import one_error_line, run_package, user_copy, write
from tests.readers import docx_text, pdf_text

pytestmark = pytest.mark.e2e  # real files, processes or HTTP: the outer loop

ENTRIES = qa_library("en")[0]
BY_ID = {e.id: e for e in ENTRIES}
STATED = [c for c in CONCERNS if c != "none_stated"]
LANGS = ("en", "fr", "es")


def _relevant(entry, subject) -> bool:
    return matches(entry.requires, subject.conditions())


def stating(*concerns: str, **facts: str) -> Profile:
    """A profile recording the given stated concerns (and facts), as a reviewer's would."""
    observations = {"concerns": fact(";".join(concerns), "concerns")}
    observations |= {name: fact(value, name) for name, value in facts.items()}
    return Profile(facts=observations)


# --------------------------------------------------------------------------- selection


def test_every_concern_has_an_answer_in_the_library() -> None:
    answered = {c for e in ENTRIES for c in e.concerns}
    assert answered == set(STATED)


@pytest.mark.parametrize("concern", STATED)
def test_a_state_with_one_concern_gets_it_answered_first(registry, concern) -> None:
    """A synthetic State (not signed, holding stockpiles, contaminated) stating one concern."""
    subject = make_subject(registry, "ARG", stating(concern, stockpiles="yes",
                                                    contamination="yes"))
    chosen = select_entries(ENTRIES, subject, "basic")
    assert BASIC_MIN <= len(chosen) <= BASIC_MAX
    answers = [s for s in chosen if concern in s.concerns]
    assert answers, concern
    # its main answer (the first entry whose main concern it is) is there
    main = next(e for e in ENTRIES
                if e.concerns and e.concerns[0] == concern and _relevant(e, subject))
    assert main.id in {s.id for s in chosen}, (concern, main.id)
    # no question on a concern it never raised (core entries apart)
    for sel in chosen:
        assert sel.basic or not BY_ID[sel.id].concerns or sel.concerns, (concern, sel.id)
    # the reason names the concern and the articles that meet it
    context = build(subject, get_locale("en"))
    reasons = {c.name: c.reason for c in context["choices"]}
    for sel in answers:
        assert concern in reasons[f"qa.entry.{sel.id}"]
        assert "Art. " + ", ".join(map(str, BY_ID[sel.id].articles)) in reasons[
            f"qa.entry.{sel.id}"]


@pytest.mark.parametrize("concern", STATED)
def test_no_entry_a_concern_contradicts_basic_or_full(registry, concern) -> None:
    subject = make_subject(registry, "ARG", stating(concern, stockpiles="no",
                                                    contamination="yes"))
    against = {e.id for e in ENTRIES if concern in e.contradicts}
    for length in ("basic", "full"):
        chosen = {s.id for s in select_entries(ENTRIES, subject, length)}
        assert not chosen & against, (concern, length, chosen & against)


def test_the_contradictions_the_reviews_asked_for() -> None:
    assert "security_defence" in BY_ID["why-join-without-stockpiles"].contradicts
    assert "withdrawn" not in BY_ID["why-join-without-stockpiles"].requires["status"]
    for entry in ("interoperability", "deterrence-and-security", "foreign-forces-and-transit"):
        assert "insufficient_ambition" in BY_ID[entry].contradicts, entry
    assert "insufficient_ambition" in BY_ID["not-strict-enough"].concerns


def test_territorial_conflict_alone_gets_no_allies_question(registry) -> None:
    subject = make_subject(registry, "ARG", stating("territorial_conflict", used="yes",
                                                    producer="yes", stockpiles="unknown"))
    assert "defence_security" in subject.barriers  # the facts still point to defence
    chosen = {s.id for s in select_entries(ENTRIES, subject, "basic")}
    assert "joining-during-conflict" in chosen and "interoperability" not in chosen
    # with a defence concern as well, the allies question is legitimate
    both = make_subject(registry, "ARG", stating("territorial_conflict", "security_defence"))
    assert "interoperability" in {s.id for s in select_entries(ENTRIES, both, "basic")}


def test_many_concerns_keep_the_entry_on_how_to_join(registry) -> None:
    subject = make_subject(registry, "ARG", stating(*STATED, stockpiles="yes",
                                                    contamination="yes"))
    chosen = select_entries(ENTRIES, subject, "basic")
    assert BASIC_MIN <= len(chosen) <= BASIC_MAX
    ids = {s.id for s in chosen}
    assert {"accession-process", "what-is-prohibited", "obligations-timeline"} <= ids
    assert sum(bool(s.concerns) for s in chosen) >= BASIC_MAX - 3


def test_a_state_without_concerns_keeps_barrier_selection(registry) -> None:
    silent = make_subject(registry, "KEN", Profile(barriers=("defence_security",),
                                                   facts={"concerns": fact("none_stated",
                                                                           "concerns")}))
    chosen = select_entries(ENTRIES, silent, "basic")
    assert [s.barrier for s in chosen if s.barrier] == ["defence_security"] * 2
    assert not any(s.concerns for s in chosen)


def test_unanswered_and_left_out_are_recorded_for_the_brief(registry) -> None:
    context = build(make_subject(registry, "ARG"), get_locale("en"))
    choices = {c.name: c for c in context["choices"]}
    assert choices["qa.concern.insufficient_ambition"].value.startswith("not-strict-enough")
    assert choices["qa.left_out.interoperability"].value == "left out"
    assert "insufficient_ambition" in choices["qa.left_out.interoperability"].reason


# --------------------------------------------------------------------------- library schema


@pytest.mark.parametrize(("value", "message"), [
    ("worries", "key 'concerns[0]'"),
    ("none_stated", "'none_stated' is not a concern"),
])
def test_entry_concerns_are_validated(tmp_path, value, message) -> None:
    path, data = user_copy(tmp_path, "qa/entries.yaml")
    data[1]["concerns"] = [value]
    write(path, data)
    line = one_error_line(run_package(path.parents[1], "--doc", "qa"))
    assert "entries.yaml" in line and f"entry {data[1]['id']!r}" in line and message in line


def test_entry_cannot_answer_and_contradict_a_concern(tmp_path) -> None:
    path, data = user_copy(tmp_path, "qa/entries.yaml")
    entry = next(e for e in data if e["id"] == "interoperability")
    entry["contradicts"] = [*entry["contradicts"], entry["concerns"][0]]
    write(path, data)
    line = one_error_line(run_package(path.parents[1], "--doc", "qa"))
    assert "entry 'interoperability'" in line and "both answered and contradicted" in line


# --------------------------------------------------------------------------- real DOCX/PDF


def package(out: Path, code: str, *args: str) -> Path:
    result = run_cli("package", code, "--date", GENERATED.isoformat(), "--out", str(out),
                     *args)
    assert result.exit_code == 0, result.output
    return out / code


def read(path: Path) -> str:
    """A document's text as its reader sees it, whitespace normalised."""
    raw = docx_text(path) if path.suffix == ".docx" else pdf_text(path)
    raw = re.sub(r"[\u2010-]\n(?=\w)", "", raw)  # PDF hyphenation
    return " ".join(raw.replace("\u00a0", " ").replace("\u202f", " ").split())


def pages(path: Path) -> int:
    with pikepdf.open(path) as pdf:
        return len(pdf.pages)


@pytest.fixture(scope="module")
def qa_packages(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("qa-concerns")
    return {
        "VNM": package(out, "VNM", "--doc", "qa", "--lang", "en"),
        "ARG": package(out, "ARG", "--doc", "qa", "--lang", "en", "--lang", "es"),
        "MMR": package(out, "MMR", "--doc", "qa", "--lang", "en"),
        "LTU": package(out, "LTU", "--lang", "en", "--lang", "fr", "--lang", "es"),
    }


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_viet_nam_gets_clearance_extensions_and_assistance(qa_packages, fmt) -> None:
    text = read(qa_packages["VNM"] / "en" / f"qa.{fmt}")
    assert "What if we could not clear all contaminated areas within ten years?" in text
    assert "Under Article 4(5)" in text and '"by a period of up to five years"' in text
    assert "Under Article 4(8)" in text
    assert "Should those who used cluster munitions not help to clear them?" in text
    assert "Article 4(4) addresses this" in text and "(Article 6(2))" in text
    assert "operations with allies" not in text and "Article 21(3)" not in text
    if fmt == "pdf":
        assert pages(qa_packages["VNM"] / "en" / "qa.pdf") <= 4


@pytest.mark.parametrize(("lang", "asked", "absent"), [
    ("en", "Some consider the Convention not strict enough.",
     ["operations with allies", "Article 21(3)", "advanced features", "expressly excluded"]),
    ("es", "Hay quien considera que la Convención no es lo bastante estricta.",
     ["operaciones con aliados", "párrafo 3 del artículo 21", "características avanzadas",
      "expresamente excluidas"]),
])
def test_argentina_gets_its_concern_answered_without_art_21_reassurance(
        qa_packages, lang, asked, absent) -> None:
    for fmt in ("docx", "pdf"):
        text = read(qa_packages["ARG"] / lang / f"qa.{fmt}")
        assert asked in text
        assert {"en": "Article 21(2) adds duties", "es": "El párrafo 2 del artículo 21 añade "
                "deberes"}[lang] in text
        for phrase in absent:
            assert phrase not in text, (lang, fmt, phrase)
    assert pages(qa_packages["ARG"] / lang / "qa.pdf") <= 4


def test_myanmar_gets_the_conflict_entry_not_the_allies_entry(qa_packages) -> None:
    for fmt in ("docx", "pdf"):
        text = read(qa_packages["MMR"] / "en" / f"qa.{fmt}")
        assert "Can we join while a conflict, an occupation or a peace process is unresolved?" \
            in text
        assert "(Article 18); the declaration is optional" in text
        assert "operations with allies" not in text


NOT_SIGNED = ["has not signed", "have not signed", "n'a pas signé", "n'ont pas signé",
              "no ha firmado", "no la ha firmado", "no hayan firmado"]
NO_STOCKS = ["We have no cluster munitions", "Nous ne possédons pas d'armes",
             "No tenemos municiones en racimo"]
ART_16_2 = [r"16\(2\)", r"article 16, paragraphe 2", r"paragraphe 2 de l'article 16",
            r"artículo 16, párrafo 2", r"párrafo 2 del artículo 16"]


def test_lithuania_package_has_its_own_route_in_every_document(qa_packages) -> None:
    folder = qa_packages["LTU"]
    files = sorted(folder.glob("*/*.docx")) + sorted(folder.glob("*/*.pdf"))
    assert len(files) == 36
    problems = []
    for path in files:
        text = read(path)
        for phrase in [*NOT_SIGNED, *NO_STOCKS]:
            if phrase.casefold() in text.casefold():
                problems.append(f"{path.parent.name}/{path.name}: {phrase!r}")
        for pattern in ART_16_2:
            if re.search(pattern, text, flags=re.I):
                problems.append(f"{path.parent.name}/{path.name}: {pattern!r}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(("lang", "phrases"), [
    ("en", ["Article 16 does not address rejoining after withdrawal",
            "use accession", "should be confirmed with the UN Treaty Section"]),
    ("fr", ["L'article 16 ne traite pas du retour d'un État qui s'est retiré",
            "retiennent l'adhésion", "est à confirmer auprès de la Section des traités"]),
    ("es", ["El artículo 16 no regula el regreso de un Estado que ha denunciado la Convención",
            "utilizan la adhesión", "Conviene confirmar la forma del instrumento con la "
            "Sección de Tratados"]),
])
def test_lithuania_steps_note_and_qa_on_rejoining(qa_packages, lang, phrases) -> None:
    folder = qa_packages["LTU"] / lang
    for fmt in ("docx", "pdf"):
        steps = read(folder / f"steps.{fmt}")
        for phrase in phrases:
            assert phrase in steps, (lang, fmt, phrase)
    qa = read(folder / "qa.docx")
    question = {"en": "How does a State that has withdrawn from the Convention become a party "
                      "again?",
                "fr": "Comment un État qui s'est retiré de la Convention peut-il redevenir "
                      "partie ?",
                "es": "¿Cómo puede volver a ser parte un Estado que ha denunciado la "
                      "Convención?"}[lang]
    assert question in qa
    # it answers the reason it gave (defence and deterrence) with the articles
    deterrence = {"en": "Would giving up cluster munitions weaken our defence and deterrence?",
                  "fr": "Renoncer aux armes à sous-munitions affaiblirait-il notre défense et "
                        "notre dissuasion ?",
                  "es": "¿Renunciar a las municiones en racimo debilitaría nuestra defensa y "
                        "nuestra capacidad disuasoria?"}[lang]
    assert deterrence in qa
    assert pages(folder / "qa.pdf") <= 4 and pages(folder / "steps.pdf") <= 2


def test_the_withdrawal_sentence_only_in_a_withdrawn_package(qa_packages) -> None:
    sentence = {"en": "withdrawn from the Convention", "es": "denunciado la Convención"}
    for lang in ("en", "es"):
        assert sentence[lang] not in read(qa_packages["ARG"] / lang / "qa.docx")
    assert sentence["en"] not in read(qa_packages["VNM"] / "en" / "qa.docx")
    assert sentence["en"] in read(qa_packages["LTU"] / "en" / "qa.docx")
