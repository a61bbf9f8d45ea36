"""Typed schemas of every data file ccmkit reads, validated when loaded (pydantic v2).

A validation failure becomes one line naming the file, the entry and the key (`invalid`, the
one formatter of pydantic errors: data files, profiles and the content libraries).
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from types import UnionType
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    RootModel,
    StringConstraints,
    ValidationError,
    field_validator,
)

from ccmkit.data.text import Text
from ccmkit.errors import CcmkitError, DataError
from ccmkit.vocab import GROUPINGS, ROUTES, STATUSES, Route, Status

ISO3 = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
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


_TYPE_TAG = re.compile(r"^(?:str|int|float|bool|list|dict|none|[a-z-]+\[.*\]|[A-Z][a-z]+[A-Z]\w*)$")
_EXPECTED = {
    "list_type": "must be a list",
    "dict_type": "must be a mapping",
    "model_type": "must be a mapping",
    "model_attributes_type": "must be a mapping",
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
    "string_type": "must be a text",
    "string_too_short": "must be a non-empty text",
    "string_too_long": "is too long",
}
_BAD_DATE = ("Invalid isoformat", "month must be", "day is out of range")


def invalid(exc: ValidationError, where: str, entry: str | None = None, *,
            model: type[BaseModel] | None = None, entries: Any = None,
            error: type[CcmkitError] = DataError) -> CcmkitError:
    """The one formatter of a validation failure: an error (:class:`DataError` unless
    `error` is given) for its first problem, with the file (`where`), the entry, the key and
    what was expected as fields.

    `model` (the schema validated) lets an unknown key list the keys expected there;
    `entries` (the parsed file, when it is a list or mapping of entries with ids) lets the
    line name the entry by its id rather than by its position."""
    first = exc.errors()[0]
    loc = tuple(p for p in first["loc"] if not (isinstance(p, str) and _TYPE_TAG.match(p)))
    place, rest = _entry(loc, entries)
    key = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in rest).lstrip(".")
    kind = first["type"]
    suggestions: tuple[str, ...] = ()
    if kind == "extra_forbidden":
        problem = "unknown"
        parent = _model_at(model, loc[:-1]) if model else None
        suggestions = tuple(parent.model_fields) if parent else ()
    elif kind == "missing":
        problem = "missing"
    else:
        problem = _problem(first)
    where = f"{where}, {entry}" if entry else where
    return error(problem, path=where, entry=place, key=key or None, suggestions=suggestions)


def describe(exc: ValidationError, where: str, entry: str | None = None, *,
             model: type[BaseModel] | None = None, entries: Any = None) -> str:
    """One line for the first problem of `exc` (see :func:`invalid`)."""
    return str(invalid(exc, where, entry, model=model, entries=entries))


def _problem(error: Any) -> str:
    """What is wrong with a value, in the user's words, with the value that was given."""
    kind = error["type"]
    if kind == "literal_error":
        allowed = re.findall(r"'([^']*)'", error.get("ctx", {}).get("expected", ""))
        text = f"must be one of {', '.join(allowed)}"
    elif kind.startswith("date"):
        text = "must be a date YYYY-MM-DD"
    elif kind in ("value_error", "assertion_error"):
        text = str(error.get("ctx", {}).get("error", error["msg"])).removeprefix(
            "Value error, ")
        if text.startswith(_BAD_DATE) or "month must be" in text:
            text = "must be a date YYYY-MM-DD"
    else:
        text = _EXPECTED.get(kind) or error["msg"]
    got = error.get("input")
    if isinstance(got, (str, int, float, date)) and kind not in ("string_too_long",):
        shown = repr(got)
        text += f" (got {shown if len(shown) <= 60 else shown[:57] + '...'})"
    return text


def _entry(loc: tuple[Any, ...], entries: Any) -> tuple[str | None, tuple[Any, ...]]:
    """The entry of a file of entries that `loc` falls in (named by its id), and the rest."""
    if entries is None or not loc:
        return None, loc
    head = loc[0]
    if isinstance(head, int) and isinstance(entries, list):
        item = entries[head] if head < len(entries) else None
        name = item.get("id") if isinstance(item, dict) else None
        return (f"entry {name!r}" if name else f"entry number {head + 1}"), loc[1:]
    if not isinstance(entries, dict) or len(loc) < 2 or not isinstance(entries.get(head), dict):
        return None, loc
    group = entries[head]
    if isinstance(head, str) and head.endswith("s") and isinstance(group.get(loc[1]), dict) \
            and all(isinstance(v, dict) for v in group.values()):  # "clauses: {id: {...}}"
        return f"{head[:-1]} {loc[1]!r}", loc[2:]
    return f"entry {head!r}", loc[1:]


def _model_at(model: Any, loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The schema that the key at `loc` belongs to (through lists, mappings and options)."""
    parts = list(loc)
    while True:
        origin = get_origin(model)
        if isinstance(model, type) and issubclass(model, RootModel):
            model = model.model_fields["root"].annotation
        elif origin is Annotated:
            model = get_args(model)[0]
        elif origin in (Union, UnionType):
            options = [a for a in get_args(model) if a is not type(None)]
            model = next((a for a in options if isinstance(a, type)
                          and issubclass(a, BaseModel)), options[0])
        elif not parts:
            return model if isinstance(model, type) and issubclass(model, BaseModel) else None
        elif isinstance(model, type) and issubclass(model, BaseModel):
            field = model.model_fields.get(str(parts.pop(0)))
            if field is None:
                return None
            model = field.annotation
        elif get_args(model):  # list[T], dict[K, T], tuple[T, ...]: the key or index
            parts.pop(0)
            model = [a for a in get_args(model) if a is not Ellipsis][-1]
        else:
            return None


def validate(model: type[Strict], raw: Any, where: str, entry: str | None = None) -> Any:
    """``model.model_validate(raw)`` with a one-line :class:`DataError` on failure."""
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise invalid(exc, where, entry, model=model) from None


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
    "invalid",
    "parse_partial_date",
    "validate",
]


MAX_YAML_BYTES = 5_000_000


def check_regular_file(path: Path, what: str) -> None:
    """Refuse a device, pipe or socket given as a file: reading one may never end (a FIFO
    blocks, /dev/zero is endless). A missing path is left to the caller's own message."""
    import stat

    try:
        mode = path.stat().st_mode
    except OSError:
        return
    if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
        raise DataError(f"{what} {path} is not a regular file (a device, pipe or socket); give "
                        "a file")


MAX_FLOW_DEPTH = 64  # a profile or content file nests a few levels; PyYAML takes seconds at 5,000


def flow_depth(text: str) -> int:
    """How deep ``[`` and ``{`` nest outside quotes and comments (one pass; an upper bound
    of the YAML's flow nesting), so a hostile file is refused before PyYAML's parser, which
    takes time quadratic in the depth."""
    depth = deepest = 0
    quote = ""
    previous = "\n"
    chars = iter(text)
    for char in chars:
        if quote:
            if char == "\\" and quote == '"':
                next(chars, None)
            elif char == quote:
                quote = ""
        elif char in "'\"" and previous in " \t\n[{,:":
            quote = char
        elif char == "#" and previous in " \t\n":
            for skipped in chars:
                if skipped == "\n":
                    break
            char = "\n"
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth = max(0, depth - 1)
        previous = char
    return deepest


def read_yaml(path: Path, trusted: bool = False, loader: Any = None,
              max_bytes: int = MAX_YAML_BYTES, what: str = "file") -> Any:
    """Parse a YAML data file with a safe loader (libyaml's when there is one).

    An untrusted file (the user's) is bounded before parsing: at most `max_bytes`, and no
    anchors or aliases (a few lines of aliases can expand to gigabytes). Every failure is one
    :class:`DataError` line naming the file (and the line, for a syntax error)."""
    import yaml

    loader = loader or getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    assert loader is not None
    if not trusted:
        check_regular_file(path, what)
    try:
        if not trusted and path.is_file() and path.stat().st_size > max_bytes:
            raise DataError(f"larger than {max_bytes // 1000} kB; a {what} is a short YAML file",
                            path=str(path))
        text = path.read_text(encoding="utf-8")
        if not trusted and flow_depth(text) > MAX_FLOW_DEPTH:
            raise DataError(f"nested too deeply; a {what} is a short YAML file",
                            path=str(path))
        if not trusted and any(isinstance(e, yaml.AliasEvent) or getattr(e, "anchor", None)
                               for e in yaml.parse(text, Loader=loader)):
            raise DataError(f"YAML anchors and aliases are not allowed in a {what}; write the "
                            "values out", path=str(path))
        return yaml.load(text, Loader=loader)
    except FileNotFoundError:
        raise DataError(f"{what} {path} not found: give an existing YAML file") from None
    except IsADirectoryError:
        raise DataError(f"{what} {path} is a folder: give a YAML file") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise DataError(f"{problem}; fix the YAML syntax", path=str(path), line=line) from None
    except UnicodeDecodeError:
        raise DataError(f"not UTF-8 text; save the {what} as UTF-8", path=str(path)) from None
    except RecursionError:
        raise DataError(f"nested too deeply; a {what} is a short YAML file",
                        path=str(path)) from None
    except OSError as exc:
        raise DataError(f"cannot read ({exc.strerror})", path=str(path)) from None
