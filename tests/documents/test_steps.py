"""The ratification steps note: route, computed dates, and tailoring to the State."""

from __future__ import annotations

from datetime import date

import pytest

from ccmkit.data.profile import Profile
from ccmkit.package import render_document
from tests.conftest import fact, make_subject
from tests.readers import docx_text

WITH_STOCKS = Profile(facts={"stockpiles": fact("yes"),
                             "contamination": fact("no")})
NONE = Profile(facts={"stockpiles": fact("no"),
                      "contamination": fact("no")})


def steps_text(tmp_path, registry, code, lang, profile=None, **options) -> str:
    subject = make_subject(registry, code, profile, **options)
    (file,) = render_document(subject, "steps", lang, ("docx",))
    path = tmp_path / f"steps-{code}-{lang}.docx"
    path.write_bytes(file.data)
    return " ".join(docx_text(path).replace("\u00a0", " ").split())


@pytest.mark.parametrize(
    ("lang", "phrases"),
    [
        ("en", ["signed the Convention on 3 December 2008", "instrument of ratification",
                "15 March 2027", "1 September 2027", "28 February 2028", "1 September 2035",
                "30 April"]),
        ("fr", ["3 décembre 2008", "15 mars 2027", "1er septembre 2027", "28 février 2028",
                "1er septembre 2035", "30 avril"]),
        ("es", ["3 de diciembre de 2008", "15 de marzo de 2027", "1 de septiembre de 2027",
                "28 de febrero de 2028", "1 de septiembre de 2035", "30 de abril"]),
    ],
)
def test_signatory_with_stockpiles_and_deposit_date(tmp_path, registry, lang, phrases) -> None:
    text = steps_text(tmp_path, registry, "KEN", lang, WITH_STOCKS, deposit_date=date(2027, 3, 15))
    for phrase in phrases:
        assert phrase in text, phrase
    assert "2037" not in text  # clearance deadline: not contaminated


@pytest.mark.parametrize("lang", ["en", "fr", "es"])
def test_non_signatory_without_stockpiles(tmp_path, registry, lang) -> None:
    text = steps_text(tmp_path, registry, "ARG", lang, NONE, deposit_date=date(2027, 3, 15))
    accession = {"en": "instrument of accession", "fr": "adhésion", "es": "adhesión"}[lang]
    assert accession in text
    assert "2035" not in text and "2037" not in text  # no Art. 3 or Art. 4 deadline
    signed = {"en": "signed the Convention on", "fr": "a signé la Convention le",
              "es": "firmó la Convención el"}[lang]
    assert signed not in text


def test_without_deposit_date_rules_and_example(tmp_path, registry) -> None:
    text = steps_text(tmp_path, registry, "ARG", "en")
    assert "first day of the sixth month after the date on which it deposits" in text
    # worked example: the 15th three months after the generation date (25 Nov 2026)
    assert "15 February 2027" in text and "1 August 2027" in text
    assert "28 January 2028" in text  # 1 Aug 2027 + 180 days


def test_unknown_facts_keep_the_deadlines_conditional(tmp_path, registry) -> None:
    unknown = Profile(facts={"stockpiles": fact("unknown"), "contamination": fact("unknown")})
    text = steps_text(tmp_path, registry, "ARG", "en", unknown, deposit_date=date(2027, 3, 15))
    assert "Destruction of any stockpiled cluster munitions" in text
    assert "Clearance and destruction of any cluster munition remnants" in text
    assert "1 September 2035" in text and "1 September 2037" in text
    known = steps_text(tmp_path, registry, "KEN", "en", WITH_STOCKS, deposit_date=date(2027, 3, 15))
    assert "Destruction of stockpiled cluster munitions" in known


def test_only_reference_contacts(tmp_path, registry) -> None:
    import re

    for lang in ("en", "fr", "es"):
        text = steps_text(tmp_path, registry, "KEN", lang)
        assert set(re.findall(r"[\w.]+@[\w.]+\w", text)) == {"info@cmconvention.org",
                                                               "ccm@un.org"}
