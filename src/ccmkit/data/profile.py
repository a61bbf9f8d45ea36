"""Profile overrides: a YAML file merged over a State's shipped record, validated strictly."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from ccmkit.data.states import CONTEXT_KEYS, Fact, State
from ccmkit.errors import CcmkitError
from ccmkit.vocab import BARRIERS, ROUTES, SIGNATORY_TITLES

INSTRUMENTS = ROUTES
FACT_VALUES = {
    "mine_ban_treaty": ("yes", "no", "unknown"),
    "stockpiles": ("yes", "no", "unknown"),
    "contamination": ("yes", "no", "unknown"),
    "legal_tradition": ("common_law", "civil_law", "mixed", "unknown"),
}


@dataclass(frozen=True)
class Signatory:
    """Who signs the instrument, and where (blanks in the documents when unknown)."""

    title: str = "minister_for_foreign_affairs"
    name: str | None = None
    place: str | None = None
    title_text: str | None = None  # the exact title as it is to be printed, if known


@dataclass(frozen=True)
class Profile:
    """What a user knows about a State beyond the shipped data."""

    path: Path | None = None
    state: str | None = None
    languages: tuple[str, ...] | None = None
    instrument: str | None = None
    provisional_application: bool = False
    signatory: Signatory = field(default_factory=Signatory)
    planned_deposit_date: date | None = None
    barriers: tuple[str, ...] = ()
    facts: dict[str, Fact] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    def apply(self, state: State) -> State:
        """The State with this profile's facts and languages merged over the shipped ones."""
        context = {**state.context, **self.facts}
        return replace(state, context=context, languages=self.languages or state.languages)


class _Loader(yaml.SafeLoader):
    """Safe YAML that leaves dates as text, so a bad date gets our error, not PyYAML's."""


_Loader.yaml_implicit_resolvers = {
    key: [r for r in resolvers if r[0] != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _fail(where: str, key: str, expected: str, got: object) -> CcmkitError:
    return CcmkitError(f"{where}: key {key!r} must be {expected}, got {got!r}")


def _text(where: str, key: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _fail(where, key, "a non-empty text", value)
    if any(unicodedata.category(c) in ("Cc", "Cs") and c not in "\n\t" for c in value):
        raise _fail(where, key, "text without control characters", value)
    return value


def _date(where: str, key: str, value: Any) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise _fail(where, key, "a date YYYY-MM-DD", value) from None


def _choice(options: tuple[str, ...]) -> Callable[[str, str, Any], str]:
    def check(where: str, key: str, value: Any) -> str:
        value = {True: "yes", False: "no"}.get(value, value) if isinstance(value, bool) else value
        if value not in options:
            raise _fail(where, key, "one of " + ", ".join(options), value)
        return value

    return check


def _list_of(check: Callable[[str, str, Any], str]) -> Callable[[str, str, Any], tuple]:
    def run(where: str, key: str, value: Any) -> tuple:
        if not isinstance(value, list):
            raise _fail(where, key, "a list", value)
        return tuple(check(where, f"{key}[{i}]", v) for i, v in enumerate(value))

    return run


def _bool(where: str, key: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise _fail(where, key, "true or false", value)
    return value


def _mapping(
    where: str, key: str, value: Any, spec: Mapping[str, Callable]
) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _fail(where, key, "a mapping", value)
    out = {}
    for sub, item in value.items():
        name = f"{key}.{sub}" if key else str(sub)
        if sub not in spec:
            raise CcmkitError(
                f"{where}: unknown key {name!r}; expected one of {', '.join(spec)}"
            )
        out[sub] = spec[sub](where, name, item)
    return out


def _fact_check(fact: str) -> Callable[[str, str, Any], Fact]:
    def check(where: str, key: str, value: Any) -> Fact:
        if not isinstance(value, dict):
            value = {"value": value}
        spec = {"value": _choice(FACT_VALUES[fact]), "source": _text, "as_of": _date}
        got = _mapping(where, key, value, spec)
        if "value" not in got:
            raise _fail(where, f"{key}.value", "one of " + ", ".join(FACT_VALUES[fact]), None)
        source = got.get("source") or f"profile {Path(where).name}"
        as_of = got.get("as_of")
        return Fact(got["value"], source, as_of.isoformat() if as_of else None)

    return check


def _languages(where: str, key: str, value: Any) -> tuple[str, ...]:
    from ccmkit.languages import registry

    return _list_of(_choice(tuple(registry())))(where, key, value)


SPEC: dict[str, Callable] = {
    "state": _text,
    "languages": _languages,
    "instrument": _choice(INSTRUMENTS),
    "provisional_application": _bool,
    "signatory": lambda w, k, v: Signatory(
        **_mapping(w, k, v, {"title": _choice(SIGNATORY_TITLES), "name": _text, "place": _text,
                           "title_text": _text})
    ),
    "planned_deposit_date": _date,
    "barriers": _list_of(_choice(BARRIERS)),
    "facts": lambda w, k, v: _mapping(w, k, v, {f: _fact_check(f) for f in CONTEXT_KEYS}),
    "notes": _list_of(_text),
}


def read_profile(path: Path) -> Any:
    """Parse a profile YAML file (not yet validated); syntax errors name the file and line."""
    where = str(path)
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
    except FileNotFoundError:
        raise CcmkitError(f"profile {where} not found: give an existing YAML file") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f", line {mark.line + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise CcmkitError(f"{where}{line}: {problem}; fix the YAML syntax") from None
    except UnicodeDecodeError:
        raise CcmkitError(f"{where}: not UTF-8 text; save the profile as UTF-8") from None
    return {} if raw is None else raw


def load_profile(path: Path) -> Profile:
    """Read and validate a profile YAML file; errors name the file, key and expectation."""
    return profile_from_mapping(read_profile(path), str(path), path)


def profile_from_mapping(raw: Any, where: str, path: Path | None = None) -> Profile:
    """Validate an already-parsed mapping (a profile file, or a batch CSV row)."""
    values = _mapping(where, "", raw, SPEC)
    return Profile(path=path, **values)


def check_profile_state(profile: Profile, state: State) -> None:
    """A profile that names a State must be used for that State."""
    if profile.state is None:
        return
    from ccmkit.data.states import normalise

    if normalise(profile.state) not in {normalise(state.iso3), normalise(state.iso2)}:
        raise CcmkitError(
            f"{profile.path}: key 'state' is {profile.state!r} but the package is for "
            f"{state.iso3}; remove the key or use the profile of {state.iso3}"
        )
