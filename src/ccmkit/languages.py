"""The language registry, date formatting (Babel/CLDR) and typography rules, in one place."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache

import yaml
from babel.dates import format_date, format_skeleton, format_timedelta
from babel.numbers import format_decimal

from ccmkit.errors import CcmkitError
from ccmkit.resources import shipped_data_dir

NBSP = "\u00a0"


@dataclass(frozen=True)
class Language:
    """One supported language and its typographic conventions."""

    code: str
    name: str
    babel_locale: str
    package_language: bool
    first_day_suffix: str
    nbsp_before: str
    nbsp_inside_guillemets: bool

    def long_date(self, day: date) -> str:
        """A date as written in running legal text, e.g. "1er septembre 2026"."""
        text = format_date(day, format="long", locale=self.babel_locale)
        if day.day == 1 and self.first_day_suffix:
            text = re.sub(r"^1(?=\s)", "1" + self.first_day_suffix, text)
        return self.typeset(text)

    def medium_date(self, day: date) -> str:
        """A date for tables and lists, e.g. "1 sept. 2026", "Sep 1, 2026"."""
        return self.typeset(format_date(day, format="medium", locale=self.babel_locale))

    def datetime(self, moment: datetime) -> str:
        """A moment (shown in UTC) for histories, e.g. "5 déc. 2026, 01:18 UTC"."""
        moment = moment.astimezone(UTC)
        day = format_date(moment.date(), format="medium", locale=self.babel_locale)
        return f"{self.typeset(day)}, {moment:%H:%M} UTC"

    def age(self, years: float) -> str:
        """How long ago, e.g. "il y a 3,2 ans", "hace 5 meses" (CLDR words and numbers)."""
        if years < 1:
            return format_timedelta(-timedelta(days=years * 365.25), granularity="month",
                                    threshold=1, add_direction=True, locale=self.babel_locale)
        from ccmkit.i18n import N_, gettext_for

        number = format_decimal(round(years, 1), locale=self.babel_locale)
        return gettext_for(self.code)(N_("{years} years ago")).format(years=number)

    def month_year(self, day: date) -> str:
        """A month and year, e.g. "September 2025", "septiembre de 2025"."""
        return format_skeleton("yMMMM", day, locale=self.babel_locale)

    def typeset(self, text: str) -> str:
        """Apply the language's spacing rules (non-breaking spaces) to plain text."""
        if self.nbsp_before:
            marks = re.escape(self.nbsp_before)
            text = re.sub(rf"[ \u00a0\u202f]*([{marks}])(?=\s|$|[»)\]])", NBSP + r"\1", text)
            text = re.sub(rf"(?<=\S)\u00a0([{marks}])", NBSP + r"\1", text)
        if self.nbsp_inside_guillemets:
            text = re.sub(r"«[ \u00a0]*", "«" + NBSP, text)
            text = re.sub(r"[ \u00a0]*»", NBSP + "»", text)
        return text


@cache
def registry() -> dict[str, Language]:
    """All supported languages by code, from data/languages.yaml."""
    raw = yaml.safe_load((shipped_data_dir() / "languages.yaml").read_text(encoding="utf-8"))
    return {
        code: Language(
            code=code,
            name=spec["name"],
            babel_locale=spec["babel_locale"],
            package_language=bool(spec.get("package_language", True)),
            first_day_suffix=spec["typography"].get("first_day_suffix", ""),
            nbsp_before=spec["typography"].get("nbsp_before", ""),
            nbsp_inside_guillemets=bool(spec["typography"].get("nbsp_inside_guillemets")),
        )
        for code, spec in raw.items()
    }


def get_language(code: str) -> Language:
    """Look up a language by code, with an error naming the supported ones."""
    try:
        return registry()[code]
    except KeyError:
        known = ", ".join(sorted(registry()))
        raise CcmkitError(f"unknown language {code!r}: use one of {known}") from None
