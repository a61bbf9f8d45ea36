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
