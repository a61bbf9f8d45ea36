"""The interface language (English, French or Spanish), chosen by the user.

It is separate from the languages of the documents. Messages come from the project's gettext
catalogs (locales/<lang>/LC_MESSAGES/ccmkit.po), extracted from the web templates and views.
"""

from __future__ import annotations

from datetime import date, datetime

from flask import Flask, g, request, session

from ccmkit.i18n import translations
from ccmkit.languages import get_language
from ccmkit.languages import registry as language_registry

UI_LANGS = tuple(language_registry())
SESSION_KEY = "ui_lang"


def current_lang() -> str:
    """The user's interface language: their choice, else the browser's, else English."""
    if "ui_lang" not in g:
        chosen = session.get(SESSION_KEY)
        if chosen not in UI_LANGS:
            chosen = request.accept_languages.best_match(UI_LANGS) or "en"
        g.ui_lang = chosen
    return g.ui_lang


def _(message: str, **values: object) -> str:
    """A message in the interface language, with ``%(name)s`` values filled in."""
    text = translations(current_lang()).gettext(message)
    return text % values if values else text


def init_app(app: Flask) -> None:
    """Gettext in every template, in the user's language."""
    app.jinja_env.add_extension("jinja2.ext.i18n")
    app.jinja_env.policies["ext.i18n.trimmed"] = True  # as babel.cfg extracts them

    def gettext(message: str) -> str:
        return translations(current_lang()).gettext(message)

    def plural(singular: str, plural_: str, n: int) -> str:
        return translations(current_lang()).ngettext(singular, plural_, n)

    app.jinja_env.install_gettext_callables(gettext, plural, newstyle=True)  # type: ignore[attr-defined]
    app.jinja_env.filters.update(ui_date=ui_date, ui_datetime=ui_datetime, ui_age=ui_age)
    app.jinja_env.globals.update(current_lang=current_lang, UI_LANGS=UI_LANGS)


def ui_date(value: date | str | None) -> str:
    """A date (or ISO date text) in the interface language's format; "" for none."""
    if not value:
        return ""
    language = get_language(current_lang())
    if isinstance(value, str):
        if len(value) == 7:  # a month: "2017-08"
            return language.month_year(date.fromisoformat(value + "-01"))
        if len(value) < 10:  # a year, or text: as it is
            return value
        value = date.fromisoformat(value[:10])
    return language.medium_date(value.date() if isinstance(value, datetime) else value)


def ui_datetime(value: datetime | str | None) -> str:
    """A moment (or ISO text) in the interface language, in UTC, to the minute."""
    if not value:
        return ""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return get_language(current_lang()).datetime(moment)


def ui_age(years: float | None) -> str:
    """How long ago, in the interface language ("il y a 3,2 ans")."""
    return "" if years is None else get_language(current_lang()).age(years)
