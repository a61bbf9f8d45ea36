"""The package form and the settings form show a field per document option of their front
(ccmkit.documents.options), on the real pages."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

from ccmkit.documents.options import option_fields


def names_on(page: str) -> set[str]:
    return set(re.findall(r'name="([a-z_]+)"', page))


def test_the_package_form_has_a_field_per_web_option(editor: FlaskClient) -> None:
    page = editor.get("/package?state=KEN").get_data(as_text=True)  # a signatory
    assert {f.name for f in option_fields("web")} <= names_on(page)
    not_signed = names_on(editor.get("/package?state=IND").get_data(as_text=True))
    assert "instrument" not in not_signed and "qa" in not_signed  # only what applies


def test_the_settings_form_has_a_field_per_setting_option(editor: FlaskClient) -> None:
    page = editor.get("/states/KEN").get_data(as_text=True)
    settings = {f.name for f in option_fields("settings")}
    assert settings <= names_on(page)
    assert not ({f.name for f in option_fields("web")} - settings) & names_on(page)


def test_the_form_offers_the_documents_made_for_the_state(editor: FlaskClient,
                                                          monkeypatch) -> None:
    """Eligibility is each kind's: made for States Parties by one registry change, the steps
    note is offered for France and no longer for Kenya, and nothing else changes."""
    from dataclasses import replace

    from ccmkit.documents import kinds

    party_only = replace(kinds.DOCUMENTS["steps"], eligible=("state_party",))
    monkeypatch.setitem(kinds.DOCUMENTS, "steps", party_only)
    kenya = editor.get("/package?state=KEN").get_data(as_text=True)
    assert 'value="steps"' not in kenya and 'value="qa"' in kenya
    france = editor.get("/package?state=FRA")
    page = france.get_data(as_text=True)
    assert france.status_code == 200 and 'value="steps"' in page and 'value="qa"' not in page
    assert 'name="instrument"' not in page  # the form of consent is a signatory's option
