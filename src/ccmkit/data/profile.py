"""Profiles: what a user knows about a State beyond the shipped data, validated strictly.

A profile is a YAML file (or a batch CSV row) merged over a State's record. Its schema is
:class:`ProfileFile`; a validation failure is one line naming the file, the key and what was
expected.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import BeforeValidator, ValidationError, field_validator

from ccmkit.data.facts import Observation, check_fact_name, override_observation, parse_value
from ccmkit.data.schema import OverrideModel, Source, Strict, invalid, parse_partial_date, read_yaml
from ccmkit.data.text import Text
from ccmkit.errors import DataError
from ccmkit.vocab import Barrier, Route, SignatoryTitle

MAX_PROFILE_BYTES = 1_000_000


def _strict_date(value: object) -> object:
    if isinstance(value, str):
        return date.fromisoformat(value)
    return value


StrictDate = Annotated[date, BeforeValidator(_strict_date)]


class SignatoryModel(Strict):
    """Who signs the instrument, and where."""

    title: SignatoryTitle = "minister_for_foreign_affairs"
    title_text: Text | None = None  # the exact title, as it will be printed
    name: Text | None = None
    place: Text | None = None


class FactModel(Strict):
    """A fact the user knows, with its source and date."""

    value: Text
    source: Text | None = None
    as_of: StrictDate | None = None
    quote: Text | None = None


class ProfileFile(Strict):
    """The keys a profile may have."""

    state: Text | None = None
    languages: list[Text] | None = None
    instrument: Route | None = None
    provisional_application: bool = False
    signatory: SignatoryModel = SignatoryModel()
    addressee: Text | None = None  # the cover note's addressee, as it will be printed
    planned_deposit_date: StrictDate | None = None
    barriers: list[Barrier] = []
    facts: dict[str, FactModel] = {}
    overrides: dict[str, OverrideModel] = {}
    notes: list[Text] = []

    @field_validator("languages")
    @classmethod
    def _known_languages(cls, value: list[str] | None) -> list[str] | None:
        from ccmkit.languages import registry

        known = tuple(registry())
        for item in value or ():
            if item not in known:
                raise ValueError(f"must be one of {', '.join(known)}")
        return value

    @field_validator("facts", mode="before")
    @classmethod
    def _fact_shapes(cls, value: Any) -> Any:
        if isinstance(value, dict):
            return {k: v if isinstance(v, dict) else {"value": _scalar(v)}
                    for k, v in value.items()}
        return value

    @field_validator("provisional_application", mode="before")
    @classmethod
    def _strict_bool(cls, value: Any) -> Any:
        if not isinstance(value, bool):
            raise ValueError("must be true or false")
        return value


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


@dataclass(frozen=True)
class Profile:
    """A validated profile, ready to merge over a State."""

    path: Path | None = None
    state: str | None = None
    languages: tuple[str, ...] | None = None
    instrument: Route | None = None
    provisional_application: bool = False
    signatory: SignatoryModel = field(default_factory=SignatoryModel)
    addressee: str | None = None
    planned_deposit_date: date | None = None
    barriers: tuple[str, ...] = ()
    facts: dict[str, Observation] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    def apply(self, state: Any) -> Any:
        """The State with this profile's facts and languages merged over its own."""
        facts = {**state.facts, **{k: replace(v, iso3=state.iso3, parts=_parts(state, k, v))
                                   for k, v in self.facts.items()}}
        return replace(state, facts=facts, languages=self.languages or state.languages)


def _parts(state: Any, name: str, obs: Observation) -> tuple[Observation, ...]:
    """An override keeps the sourced observations it replaces, for the brief."""
    own = state.facts.get(name)
    return own.parts if obs.override is not None and own is not None else obs.parts


Signatory = SignatoryModel


class _Loader(yaml.SafeLoader):
    """Safe YAML that leaves dates as text, so a bad date gets our error, not PyYAML's."""


_Loader.yaml_implicit_resolvers = {
    key: [r for r in resolvers if r[0] != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def read_profile(path: Path) -> Any:
    """Parse a profile YAML file (not yet validated); syntax errors name the file and line."""
    raw = read_yaml(path, loader=_Loader, max_bytes=MAX_PROFILE_BYTES, what="profile")
    return {} if raw is None else raw


def load_profile(path: Path) -> Profile:
    """Read and validate a profile YAML file; errors name the file, key and expectation."""
    return profile_from_mapping(read_profile(path), str(path), path)


def profile_from_mapping(raw: Any, where: str, path: Path | None = None) -> Profile:
    """Validate an already-parsed mapping (a profile file, or a batch CSV row)."""
    if not isinstance(raw, dict):
        raise DataError("must be a mapping of the profile keys", path=where, key="")
    try:
        model = ProfileFile.model_validate(raw)
    except ValidationError as exc:
        raise invalid(exc, where, model=ProfileFile) from None
    name = Path(where).name
    facts = {key: _observation(key, fact, name, where) for key, fact in model.facts.items()}
    facts |= {key: override_observation("", key, body, f"{where}: key 'overrides.{key}'")
              for key, body in model.overrides.items()}
    return Profile(
        path=path, state=model.state,
        languages=tuple(model.languages) if model.languages else None,
        instrument=model.instrument, provisional_application=model.provisional_application,
        signatory=model.signatory, addressee=model.addressee,
        planned_deposit_date=model.planned_deposit_date,
        barriers=tuple(model.barriers), facts=facts, notes=tuple(model.notes),
    )


def _observation(key: str, fact: FactModel, name: str, where: str) -> Observation:
    try:
        check_fact_name(key)
        token, qualifier = parse_value(key, fact.value)
    except ValueError as exc:
        raise DataError(str(exc), path=where, key=f"facts.{key}") from None
    title = fact.source or f"profile {name}"
    return Observation(
        iso3="", fact=key, value=token, qualifier=qualifier, source=Source(title=title),
        source_id=None, as_of=parse_partial_date(fact.as_of), precision="day" if fact.as_of
        else None, quote=fact.quote, layer="profile",
    )


def check_profile_state(profile: Profile, state: Any) -> None:
    """A profile that names a State must be used for that State."""
    if profile.state is None:
        return
    from ccmkit.data.lookup import keys_for, normalise

    names = [state.iso3, state.iso2, state.un_name, *state.aliases,
             *(n for forms in state.names.values() for n in (forms.short, forms.formal))]
    if normalise(profile.state) not in keys_for(names):
        raise DataError(
            f"{profile.path or 'profile'}: key 'state' is {profile.state!r} but the package is "
            f"for {state.iso3}; remove the key or use the profile of {state.iso3}"
        )


__all__ = ["Profile", "ProfileFile", "Signatory", "check_profile_state", "load_profile",
           "profile_from_mapping", "read_profile"]
