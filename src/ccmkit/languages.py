"""The language registry, date formatting (Babel/CLDR) and typography rules, in one place."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cache
from typing import Any, Literal

import yaml
from babel.dates import format_date, format_skeleton, format_timedelta
from babel.numbers import format_decimal

from ccmkit.errors import CcmkitError
from ccmkit.resources import shipped_data_dir

NBSP = "\u00a0"
Direction = Literal["ltr", "rtl"]
DEFAULT_FONTS = ("Liberation Serif", "Times New Roman")
# Scripts whose text Word sets with the complex-script or the East Asian font slot.
COMPLEX_SCRIPTS = frozenset({"Arab", "Hebr", "Syrc", "Thaa", "Thai", "Deva", "Beng"})
EAST_ASIAN_SCRIPTS = frozenset({"Hans", "Hant", "Jpan", "Kore", "Hira", "Kana", "Hang"})


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
    # grammar of State names (ccmkit.grammar): article -> (gender or None, number) it marks
    articles: dict[str, tuple[str | None, str]] = field(default_factory=dict, hash=False)
    dative: str | None = None  # the preposition "to": à, a
    contractions: dict[str, str] = field(default_factory=dict, hash=False)  # le -> au
    fonts: tuple[str, ...] = DEFAULT_FONTS  # the documents' font stack, first choice first

    def article_of(self, name: str) -> str:
        """The definite article a name starts with ("le", "l'", "los"...), or "" if none."""
        for article in self.articles:
            if name.startswith(article if article.endswith("'") else article + " "):
                return article
        return ""

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
            articles={a: (g, n) for a, (g, n) in spec.get("grammar", {}).get(
                "articles", {}).items()},
            dative=spec.get("grammar", {}).get("dative"),
            contractions=dict(spec.get("grammar", {}).get("contractions", {})),
            fonts=tuple(spec.get("fonts") or DEFAULT_FONTS),
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


@dataclass(frozen=True)
class Locale:
    """A language resolved once, at the front door, for everything below it: the language's
    record (typography, grammar), the Babel locale, the BCP 47 tag, the text direction and
    script (from CLDR), the font stack and the gettext catalog."""

    language: Language
    tag: str  # BCP 47, e.g. "fr-FR", "ar-EG", "zh-Hans-CN"
    direction: Direction
    script: str  # ISO 15924, e.g. "Latn", "Arab", "Hans"
    catalog: Any = field(default=None, hash=False, compare=False)  # gettext translations

    @property
    def lang(self) -> str:
        return self.language.code

    @property
    def babel(self) -> str:
        return self.language.babel_locale

    @property
    def fonts(self) -> tuple[str, ...]:
        return self.language.fonts

    @property
    def complex_script(self) -> bool:
        """True for a script Word sets with its complex-script font (Arabic, Hebrew...)."""
        return self.script in COMPLEX_SCRIPTS

    @property
    def east_asian(self) -> bool:
        """True for a script Word sets with its East Asian font (Chinese, Japanese, Korean)."""
        return self.script in EAST_ASIAN_SCRIPTS

    def gettext(self, message: str) -> str:
        return str(self.catalog.gettext(message))

    def __getattr__(self, name: str) -> Any:
        """Typography and dates come from the language record (long_date, typeset...)."""
        return getattr(self.language, name)


@cache
def get_locale(code: str) -> Locale:
    """The resolved locale of a registered language (direction and script from CLDR)."""
    from babel import Locale as BabelLocale

    language = get_language(code)
    parsed = BabelLocale.parse(language.babel_locale)
    script = parsed.script or _likely_script(language.babel_locale)
    direction: Direction = "rtl" if parsed.character_order == "right-to-left" else "ltr"
    from ccmkit.i18n import translations

    return Locale(language, language.babel_locale.replace("_", "-"), direction, script,
                  translations(code))


def _likely_script(babel_locale: str) -> str:
    """The script CLDR gives a locale that names none (``ar`` -> ``Arab``)."""
    from babel.core import get_global

    likely = get_global("likely_subtags")
    for key in (babel_locale, babel_locale.split("_")[0]):
        full = likely.get(key)
        if full:
            parts = full.split("_")
            return next((p for p in parts if len(p) == 4 and p.istitle()), "Latn")
    return "Latn"
