"""Typed schemas of every data file ccmkit reads, validated when loaded (pydantic v2).

A validation failure becomes one line naming the file, the entry and the key (`describe`).
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
)

from ccmkit.vocab import GROUPINGS, ROUTES, STATUSES, Route, Status

ISO3 = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
MAX_TEXT = 2000  # longest text accepted in a data field (a quote, a note, a name)


# Characters no output can carry (not allowed in XML 1.0, so in no DOCX, PDF or XLSX):
# C0 controls other than TAB, LF and CR, surrogates and noncharacters.
UNCARRIABLE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff"
    "\U0001fffe\U0001ffff\U0010fffe\U0010ffff]"
)
# Bidirectional embeddings, overrides and isolates: they make a name read other than it is.
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
# what a typed value may not hold: the above, and CR (line ends are LF once read)
_REFUSED = re.compile(f"{UNCARRIABLE.pattern}|{BIDI_CONTROLS.pattern}|\r")


def refused_character(value: str) -> str | None:
    """Why `value` cannot be accepted as typed text (its first control character), or None.

    The one rule for text entering ccmkit: profiles, data files, the log (forms, command line,
    imports). Callers turn the reason into their own one-line message."""
    found = _REFUSED.search(value)
    if found is None:
        return None
    char = found.group()
    kind = ("a bidirectional control" if BIDI_CONTROLS.match(char) else "a control character")
    return f"U+{ord(char):04X} ({kind})"


def scrub(value: str) -> str:
    """`value` with every character no output can carry replaced by U+FFFD (for old data)."""
    return UNCARRIABLE.sub("\ufffd", value)


def _clean_text(value: str) -> str:
    reason = refused_character(value)
    if reason:
        raise ValueError(f"must be text without control characters; it holds {reason}: "
                         "remove it")
    return value


Text = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_TEXT),
    AfterValidator(_clean_text),
]
_PARTIAL_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_CIRCA = re.compile(r"^c\.\s*(\d{4})(?:\s*[–-]\s*(\d{4}))?$")  # "c. 2013", "c. 2024–2025"


def parse_partial_date(value: object) -> date | None:
    """A date from ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` (first day of the period); ``undated``
    or empty gives None."""
    if value is None or isinstance(value, date):
        return value
    text = str(value).strip()
    if text == "" or text.startswith("undated"):
        return None
    circa = _CIRCA.match(text)
    if circa:
        return date(int(circa.group(2) or circa.group(1)), 1, 1)
    if not _PARTIAL_DATE.match(text):
        raise ValueError(f"{text!r} is not a date YYYY-MM-DD, YYYY-MM, YYYY, c. YYYY or "
                         "'undated'")
    parts = [int(p) for p in text.split("-")] + [1, 1]
    try:
        return date(parts[0], parts[1], parts[2])
    except ValueError:
        raise ValueError(f"{text!r} is not a calendar date") from None


def precision_of(value: object) -> Literal["day", "month", "year", "circa"] | None:
    """How precise a partial date written as text is (``circa`` for "c. 2013")."""
    text = str(value or "").strip()
    if _CIRCA.match(text):
        return "circa"
    if not _PARTIAL_DATE.match(text):
        return "day" if isinstance(value, date) else None
    return ("year", "month", "day")[text.count("-")]


PartialDate = Annotated[date | None, BeforeValidator(parse_partial_date)]


class Strict(BaseModel):
    """Base of every schema: unknown keys are errors; instances are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class OverrideModel(Strict):
    """A reviewer's classification of one multi-valued fact (concerns, engagement)."""

    value: list[Text]
    by: Text
    reason: Text
    as_of: date | None = None  # when the reviewer decided


# --- States ---------------------------------------------------------------------------------

class NameForms(Strict):
    """A State's name in one language, in every form the templates need.

    ``gender`` and ``number`` are those of ``with_article``, the subject form, in a language
    with articles (languages.yaml, ``grammar.articles``: FR, ES): a name with les/los/las is
    plural, any other (with le/la/l'/el or none) singular.
    """

    short: Text
    with_article: Text
    of: Text
    to: Text  # FR: where (en Angola, au Maroc); "à" + the name is grammar.dative (à l'Angola)
    formal: Text
    formal_of: Text
    gender: Literal["masculine", "feminine"] | None = None
    number: Literal["singular", "plural"] | None = None


class M49(Strict):
    region: Text
    subregion: Text
    intermediate: Text | None = None


class Provenance(Strict):
    source: Text
    as_of: PartialDate = None


class Note(Strict):
    """A sourced remark about a State that is not one of the named facts."""

    text: Text
    source: Text
    as_of: Text | None = None


class StateRecord(Strict):
    """One entry of states.yaml."""

    iso3: ISO3
    un_name: Text
    m49: M49
    languages: list[Text] = Field(min_length=1)
    languages_basis: Literal["finding", "default"]
    names: dict[str, NameForms]
    sources: dict[str, Provenance]
    aliases: list[Text] = []
    notes: list[Note] = []

    @field_validator("names")
    @classmethod
    def _grammar_agrees(cls, names: dict[str, NameForms]) -> dict[str, NameForms]:
        from ccmkit.languages import registry

        for lang, forms in names.items():
            language = registry().get(lang)
            if language is None or not language.articles:
                continue
            if forms.gender is None or forms.number is None:
                raise ValueError(f"names.{lang} of {forms.with_article!r} needs gender "
                                 "(masculine or feminine) and number (singular or plural)")
            gender, number = language.articles.get(language.article_of(forms.with_article),
                                                   (None, "singular"))
            if forms.number != number or (gender and forms.gender != gender):
                raise ValueError(f"names.{lang}: {forms.with_article!r} is "
                                 f"{gender or forms.gender} {number}, not {forms.gender} "
                                 f"{forms.number}")
        return names


# --- Status table -----------------------------------------------------------------------------

class StatusRow(Strict):
    """One row of a Convention status table, keyed by ISO code."""

    iso3: ISO3
    status: Status
    route: Route | None = None
    signature_date: date | None = None
    deposit_date: date | None = None
    effective_date: date | None = None
    source: Text | None = None


# --- Sources and facts --------------------------------------------------------------------------

class Source(Strict):
    """A document facts are read from."""

    title: Text
    url: Text | None = None
    date: PartialDate = None


class ObservationRow(Strict):
    """One row of facts.csv (shipped or the user's): a value read in a source, with its quote."""

    iso3: ISO3
    fact: Text
    value: Text
    qualifier: Text | None = None
    source: Text | None = None
    as_of: Text | None = None
    quote: Text | None = None


class ImportRow(Strict):
    """One row in the reference sample's format (``ccmkit facts import``)."""

    iso3: ISO3
    fact: Text
    value: Text
    qualifier: Text | None = None
    source_url: Text | None = None
    source_title: Text | None = None
    as_of: Text
    quote: Text | None = None


# --- Groupings ------------------------------------------------------------------------------

class GroupingRecord(Strict):
    """A regional or political grouping used for outreach, with its member States."""

    key: Literal[GROUPINGS]  # type: ignore[valid-type]
    names: dict[str, Text]
    source_url: Text
    source_title: Text
    as_of: PartialDate = None
    quote: Text | None = None
    members: list[ISO3]
    suspended: list[ISO3] = []  # members whose participation is suspended (still members)
    withdrawn: list[ISO3] = []  # announced or effective withdrawals (not members)
    other_members: list[Text] = []  # members that are not among the 197 States
    notes: list[Text] = []


def describe(exc: ValidationError, where: str, entry: str | None = None) -> str:
    """One line for the first error: file, entry, key and what was expected."""
    error = exc.errors()[0]
    loc = ".".join(str(p) for p in error["loc"])
    prefix = f"{where}" + (f", {entry}" if entry else "")
    if error["type"] == "extra_forbidden":
        return f"{prefix}: unknown key {loc!r}"
    if error["type"] == "missing":
        return f"{prefix}: missing key {loc!r}"
    got = error.get("input")
    shown = repr(got) if len(repr(got)) <= 60 else repr(got)[:57] + "...'"
    return f"{prefix}: key {loc!r}: {error['msg']} (got {shown})"


def validate(model: type[Strict], raw: Any, where: str, entry: str | None = None) -> Any:
    """``model.model_validate(raw)`` with a one-line :class:`DataError` on failure."""
    from ccmkit.errors import DataError

    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise DataError(describe(exc, where, entry)) from None


__all__ = [
    "ROUTES",
    "STATUSES",
    "GroupingRecord",
    "ImportRow",
    "ObservationRow",
    "Source",
    "StateRecord",
    "StatusRow",
    "describe",
    "parse_partial_date",
    "validate",
]


MAX_YAML_BYTES = 5_000_000


def check_regular_file(path: Path, what: str) -> None:
    """Refuse a device, pipe or socket given as a file: reading one may never end (a FIFO
    blocks, /dev/zero is endless). A missing path is left to the caller's own message."""
    import stat

    from ccmkit.errors import DataError

    try:
        mode = path.stat().st_mode
    except OSError:
        return
    if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
        raise DataError(f"{what} {path} is not a regular file (a device, pipe or socket); give "
                        "a file")


def read_yaml(path: Path, trusted: bool = False, loader: Any = None,
              max_bytes: int = MAX_YAML_BYTES, what: str = "file") -> Any:
    """Parse a YAML data file with a safe loader (libyaml's when there is one).

    An untrusted file (the user's) is bounded before parsing: at most `max_bytes`, and no
    anchors or aliases (a few lines of aliases can expand to gigabytes). Every failure is one
    :class:`DataError` line naming the file (and the line, for a syntax error)."""
    import yaml

    from ccmkit.errors import DataError

    loader = loader or getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    assert loader is not None
    if not trusted:
        check_regular_file(path, what)
    try:
        if not trusted and path.is_file() and path.stat().st_size > max_bytes:
            raise DataError(f"{path}: larger than {max_bytes // 1000} kB; a {what} is a short "
                            "YAML file")
        text = path.read_text(encoding="utf-8")
        if not trusted and any(isinstance(e, yaml.AliasEvent) or getattr(e, "anchor", None)
                               for e in yaml.parse(text, Loader=loader)):
            raise DataError(f"{path}: YAML anchors and aliases are not allowed in a {what}; "
                            "write the values out")
        return yaml.load(text, Loader=loader)
    except FileNotFoundError:
        raise DataError(f"{what} {path} not found: give an existing YAML file") from None
    except IsADirectoryError:
        raise DataError(f"{what} {path} is a folder: give a YAML file") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f", line {mark.line + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise DataError(f"{path}{line}: {problem}; fix the YAML syntax") from None
    except UnicodeDecodeError:
        raise DataError(f"{path}: not UTF-8 text; save the {what} as UTF-8") from None
    except RecursionError:
        raise DataError(f"{path}: nested too deeply; a {what} is a short YAML file") from None
    except OSError as exc:
        raise DataError(f"{path}: cannot read ({exc.strerror})") from None
