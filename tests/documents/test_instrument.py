"""The model instrument: the text a depositary checks, in each language and route."""

from __future__ import annotations

import re

import pytest

from ccmkit.data.profile import Profile, Signatory
from ccmkit.package import render_document
from tests.conftest import make_subject
from tests.readers import docx_comments, docx_text


def instrument_text(tmp_path, registry, code, lang, profile=None, **options) -> tuple[str, list]:
    subject = make_subject(registry, code, profile, **options)
    (file,) = render_document(subject, "instrument", lang, ("docx",))
    path = tmp_path / f"{code}-{lang}.docx"
    path.write_bytes(file.data)
    return " ".join(docx_text(path).split()), docx_comments(path)


EXPECTED = {
    ("KEN", "en"): ["INSTRUMENT OF RATIFICATION", "Convention on Cluster Munitions",
                    "was adopted at Dublin on 30 May 2008",
                    "signed on behalf of the Government of the Republic of Kenya on "
                    "3 December 2008",
                    "ratifies the same and undertakes faithfully to perform and carry out "
                    "the stipulations therein contained", "[title of the signing authority]"],
    ("KEN", "fr"): ["Instrument de ratification", "Convention sur les armes à sous-munitions",
                    "adoptée à Dublin le 30 mai 2008",
                    "signée au nom du Gouvernement de la République du Kenya le "
                    "3 décembre 2008", "la ratifie et s'engage à en exécuter fidèlement",
                    "[titre de l'autorité signataire]"],
    ("KEN", "es"): ["Instrumento de ratificación", "Convención sobre Municiones en Racimo",
                    "adoptada en Dublín el 30 de mayo de 2008",
                    "firmada en nombre del Gobierno de la República de Kenya el "
                    "3 de diciembre de 2008", "la ratifica y se compromete a cumplir fielmente",
                    "[cargo de la autoridad firmante]"],
    ("ARG", "en"): ["INSTRUMENT OF ACCESSION", "the Government of the Argentine Republic",
                    "accedes to the same"],
    ("ARG", "fr"): ["Instrument d'adhésion", "le Gouvernement de la République argentine",
                    "y adhère"],
    ("ARG", "es"): ["Instrumento de adhesión", "el Gobierno de la República Argentina",
                    "se adhiere a ella"],
}


@pytest.mark.parametrize(("code", "lang"), list(EXPECTED))
def test_instrument_text(tmp_path, registry, code, lang) -> None:
    text, comments = instrument_text(tmp_path, registry, code, lang)
    for phrase in EXPECTED[(code, lang)]:
        assert phrase.casefold() in text.casefold(), phrase
    if code == "ARG":  # accession: no signature to recite
        assert not re.search(r"signed on behalf|signée au nom|firmada en nombre", text)
    assert not re.search(r"Article 18|article 18|artículo 18", text)
    assert any(re.search(r"(Article|article|artículo) 19", c) for c in comments)


@pytest.mark.parametrize("lang", ["en", "fr", "es"])
def test_article_18_declaration_only_when_asked(tmp_path, registry, lang) -> None:
    text, _ = instrument_text(tmp_path, registry, "KEN", lang, provisional_application=True)
    phrase = {"en": "In accordance with Article 18", "fr": "Conformément à l'article 18",
              "es": "De conformidad con el artículo 18"}[lang]
    assert phrase in text
    assert {"en": "pending its entry into force for Kenya", "fr": "à l'égard du Kenya",
            "es": "respecto de Kenya"}[lang] in text


@pytest.mark.parametrize(("route", "words"), [("acceptance", "accepts the same"),
                                              ("approval", "approves the same")])
def test_acceptance_and_approval(tmp_path, registry, route, words) -> None:
    text, _ = instrument_text(tmp_path, registry, "KEN", "en", instrument=route)
    assert f"Instrument of {route}" in text and words in text


def test_withdrawn_state_accedes_with_a_note(tmp_path, registry) -> None:
    text, comments = instrument_text(tmp_path, registry, "LTU", "en")
    assert "accedes to the same" in text
    assert any("Article 20" in c for c in comments)


def test_signatory_from_profile_is_escaped(tmp_path, registry) -> None:
    profile = Profile(signatory=Signatory(title_text="President of the Republic of Kenya",
                                          name="A <b>&amp; \"Bo\"", place="Nairobi & Mombasa"))
    text, _ = instrument_text(tmp_path, registry, "KEN", "en", profile)
    assert 'NOW THEREFORE I, A <b>&amp; "Bo", President of the Republic of Kenya' in text
    assert "at Nairobi & Mombasa on [date]" in text
    assert text.rstrip().endswith("[Seal, where customary]")  # nothing truncated after


def test_title_is_a_blank_naming_the_office_unless_given_as_free_text(tmp_path, registry) -> None:
    """An office chosen from the list is never printed as the title: the blank names it."""
    listed = Profile(signatory=Signatory(title="head_of_government"))
    text, _ = instrument_text(tmp_path, registry, "HTI", "fr", listed)
    assert ("[nom], [titre exact du chef du gouvernement], déclare que le Gouvernement de la "
            "République d'Haïti") in text
    unset = Profile()
    text, _ = instrument_text(tmp_path, registry, "HTI", "fr", unset)
    assert "[nom], [titre de l'autorité signataire], déclare" in text
    exact = Profile(signatory=Signatory(title="head_of_government", title_text="Premier Ministre"))
    text, _ = instrument_text(tmp_path, registry, "HTI", "fr", exact)
    assert "[nom], Premier Ministre, déclare" in text


@pytest.mark.parametrize("kind", ["instrument", "full_powers"])
@pytest.mark.parametrize("lang", ["en", "fr", "es"])
def test_documents_to_sign_have_no_header_footer_or_page_number(registry, kind, lang) -> None:
    import io

    import pikepdf
    from docx import Document

    from tests.readers import pdf_text_bytes

    subject = make_subject(registry, "KEN")
    docx, pdf = render_document(subject, kind, lang, ("docx", "pdf"))
    doc = Document(io.BytesIO(docx.data))
    sect_pr = doc.sections[0]._sectPr
    assert not sect_pr.xpath("./w:headerReference | ./w:footerReference")
    text = pdf_text_bytes(pdf.data)
    assert not re.search(r"Page|Página|Implementation Support|Unité d'appui|Dependencia", text)
    with pikepdf.open(io.BytesIO(pdf.data)) as parsed:
        assert len(parsed.pages) == 1


def test_full_powers_follow_the_route(tmp_path, registry) -> None:
    import io

    from docx import Document

    for code, phrase in (("KEN", "the instrument of ratification of the Convention"),
                         ("ARG", "the instrument of accession to the Convention")):
        (docx,) = render_document(make_subject(registry, code), "full_powers", "en", ("docx",))
        text = " ".join(p.text for p in Document(io.BytesIO(docx.data)).paragraphs)
        assert phrase in text and "HEREBY AUTHORIZE" in text
    (docx,) = render_document(make_subject(registry, "KEN"), "full_powers", "fr", ("docx",))
    text = " ".join(p.text for p in Document(io.BytesIO(docx.data)).paragraphs)
    assert "l'instrument de ratification de la Convention" in text and "adhé" not in text
