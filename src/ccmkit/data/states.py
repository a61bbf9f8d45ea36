"""The registry of States: records, Convention status, sourced facts and groupings, merged.

Layers, each overriding the one before: shipped data < the user's data folder (``--data-dir`` or
``$CCMKIT_DATA_DIR``: facts.csv + sources.yaml, status.csv) < a profile < command-line options.
"""

from __future__ import annotations

import gettext
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path

import pycountry

from ccmkit.data import lookup
from ccmkit.data.facts import FactBook, Observation, load_factbook, unknown
from ccmkit.data.schema import GroupingRecord, NameForms, StateRecord, read_yaml, validate
from ccmkit.data.status import Membership, StatusTable, load_status
from ccmkit.errors import DataError, StateNotFound
from ccmkit.resources import shipped_data_dir, user_data_dir
from ccmkit.vocab import OUTSIDE, STATUSES, UNGA_VOTE, Status

NAME_FORMS = tuple(f for f in NameForms.model_fields if f not in ("gender", "number"))  # texts
Names = NameForms
__all__ = ["Membership", "Names", "Observation", "Registry", "State", "load_registry"]


@dataclass(frozen=True)
class State:
    """One State: its record, its Convention status and its current facts."""

    iso3: str
    iso2: str
    un_name: str
    names: dict[str, NameForms]
    region: str
    subregion: str
    intermediate: str | None
    languages: tuple[str, ...]
    languages_basis: str  # "finding" (a source) or "default" (English where none applies)
    membership: Membership
    facts: dict[str, Observation]
    groupings: tuple[str, ...] = ()
    sources: dict[str, dict] = field(default_factory=dict)
    notes: tuple[dict, ...] = ()
    aliases: tuple[str, ...] = ()

    @property
    def status(self) -> Status:
        return self.membership.status

    @property
    def outside(self) -> bool:
        """True for every State that is not a State Party."""
        return self.status != "state_party"

    def fact(self, name: str) -> Observation:
        """The current observation of a fact (``unknown`` when no source supports a value).

        ``fact("unga_vote")`` is the latest vote found, whatever its year."""
        if name == UNGA_VOTE:
            votes = sorted(k for k in self.facts if k.startswith(UNGA_VOTE + "_"))
            return self.facts[votes[-1]] if votes else unknown(self.iso3, name)
        return self.facts.get(name) or unknown(self.iso3, name)

    def value(self, name: str) -> str:
        """The canonical value of a fact (``yes``, ``no``, ``civil_law``, ``unknown``…)."""
        return self.fact(name).value


@dataclass(frozen=True)
class Registry:
    """All States, the status table and the groupings they were merged with."""

    states: tuple[State, ...]
    status: StatusTable
    groupings: dict[str, GroupingRecord]
    factbook: FactBook
    index: dict[str, str] = field(default_factory=dict, repr=False)  # look-up key -> ISO3
    # keys two or more States share ("korea") -> their ISO3 codes
    shared: dict[str, tuple[str, ...]] = field(default_factory=dict, repr=False)
    data_dir: Path | None = None  # the user's data folder laid over the shipped data

    def by_iso3(self, iso3: str) -> State:
        for state in self.states:
            if state.iso3 == iso3:
                return state
        raise StateNotFound(f"unknown State code {iso3!r}")

    def find(self, query: str) -> State:
        """A State by alpha-3, alpha-2, name in any language, or common name/abbreviation."""
        if not query or not query.strip() or len(query) > 200:
            raise StateNotFound("give a State as an ISO code (e.g. KEN) or a name")
        key = lookup.normalise(query)
        index = self.index
        if key in index:
            return self.by_iso3(index[key])
        shown = repr(query if len(query) <= 60 else query[:57] + "...")
        if key in self.shared:
            return self._one_of(key, shown, self.shared[key])
        within = self._named_within(key)
        if len(within) > 1:  # "Korea": part of the names of two States, the name of neither
            return self._one_of(key, shown, within)
        iso3 = lookup.coco_match(query, {s.iso3 for s in self.states})
        if iso3:
            return self.by_iso3(iso3)
        picks = lookup.suggest(query, index)
        if not picks:
            raise StateNotFound(f"unknown State {shown}; give an ISO code (e.g. KEN) or a "
                                "name (see `ccmkit states list`)")
        raise StateNotFound(f"unknown State {shown}", suggestions=[
            f"{self.by_iso3(p).un_name} ({p})" for p in picks])

    def _named_within(self, key: str) -> tuple[str, ...]:
        """The States one of whose names holds `key` as whole words."""
        if len(key) < 3:
            return ()
        word = re.compile(rf"(?<![\w-]){re.escape(key)}(?![\w-])")
        return tuple(sorted({iso3 for name, iso3 in self.index.items() if word.search(name)}))

    def _one_of(self, key: str, shown: str, codes: tuple[str, ...]) -> State:
        """The State whose own short name is `key` ("Congo"), else ask which one is meant."""
        states = [self.by_iso3(c) for c in codes]
        exact = [s for s in states if key in {lookup.normalise(n) for n in (
            s.un_name, *(f.short for f in s.names.values()))}]
        if len(exact) == 1:
            return exact[0]
        listed = [f"{s.un_name} ({s.iso3})" for s in states[:5]]
        rest = f"{len(states) - 5} others" if len(states) > 5 else listed.pop()
        names = f"{', '.join(listed)} or {rest}"
        raise StateNotFound(f"{shown} could mean {names}; give the ISO code or the full name")

    def select(self, statuses: Iterable[str] = (), region: str | None = None,
               subregion: str | None = None, group: str | None = None) -> list[State]:
        """States matching every given filter (`outside` = not a State Party)."""
        wanted = set(statuses)
        members = self.members(group) if group else None
        norm = lookup.normalise
        return [
            s for s in self.states
            if (not wanted or s.status in wanted or (OUTSIDE in wanted and s.outside))
            and (region is None or norm(s.region) == norm(region))
            and (subregion is None
                 or norm(subregion) in {norm(s.subregion), norm(s.intermediate or "")})
            and (members is None or s.iso3 in members)
        ]

    def grouping(self, key: str) -> GroupingRecord:
        """A grouping by key (ASEAN, CARICOM, AU, ECOWAS…), case-insensitive."""
        for name, record in self.groupings.items():
            if name.casefold() == key.strip().casefold():
                return record
        raise DataError(f"unknown grouping {key!r}; expected one of "
                        f"{', '.join(self.groupings)}")

    def members(self, key: str) -> set[str]:
        return set(self.grouping(key).members)

    def counts(self) -> dict[str, int]:
        """Number of States per status."""
        return {status: sum(s.status == status for s in self.states) for status in STATUSES}

    def regional(self, state: State, group: str | None = None) -> dict[str, int]:
        """Counts for a grouping (or the State's M49 region): total, parties, signatories."""
        if group:
            peers = [s for s in self.states if s.iso3 in self.members(group)]
        else:
            peers = [s for s in self.states if s.region == state.region]
        return {
            "total": len(peers),
            "parties": sum(s.status == "state_party" for s in peers),
            "signatories": sum(s.status == "signatory" for s in peers),
        }


@cache
def _lookup() -> tuple[dict[str, str], dict[str, tuple[str, ...]]]:
    """The look-up keys (normalised codes and names) of the shipped State records: every
    unambiguous key to its ISO3 code, and every key two or more States share ("korea") to their
    codes. They depend on the records only (not on the status table or the facts): built once."""
    found: dict[str, set[str]] = {}
    for record in _records():
        for key in lookup.keys_for(_names_of(record)):
            found.setdefault(key, set()).add(record.iso3)
    index = {key: next(iter(codes)) for key, codes in found.items() if len(codes) == 1}
    shared = {key: tuple(sorted(codes)) for key, codes in found.items() if len(codes) > 1}
    return index, shared


def _names_of(record: StateRecord) -> list[str]:
    country = pycountry.countries.get(alpha_3=record.iso3)
    names = [record.iso3, country.alpha_2 if country else "", record.un_name, *record.aliases]
    for forms in record.names.values():
        names += [forms.short, forms.with_article, forms.formal]
    if country is None:
        return names
    iso_names = [getattr(country, a) for a in ("name", "official_name", "common_name")
                 if hasattr(country, a)]
    for translate in _iso_translations():
        local = [translate(n) for n in iso_names]
        names += local + [n.split(",")[0] for n in local if "," in n]
    return names + iso_names


@cache
def _iso_translations() -> tuple[Callable[[str], str], ...]:
    """French and Spanish ISO 3166 names (pycountry's catalogs, from Debian iso-codes)."""
    return tuple(
        gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang],
                            fallback=True).gettext
        for lang in ("fr", "es")
    )


@cache
def _records() -> tuple[StateRecord, ...]:
    path = shipped_data_dir() / "states.yaml"
    raw = read_yaml(path, trusted=True)
    records = tuple(validate(StateRecord, r, str(path), f"entry {i + 1}")
                    for i, r in enumerate(raw))
    return records


@cache
def _groupings() -> dict[str, GroupingRecord]:
    path = shipped_data_dir() / "groupings.yaml"
    raw = read_yaml(path, trusted=True)
    records = [validate(GroupingRecord, r, str(path), f"entry {i + 1}")
               for i, r in enumerate(raw)]
    return {r.key: r for r in records}


def _state(record: StateRecord, membership: Membership, facts: dict[str, Observation],
           groupings: tuple[str, ...]) -> State:
    country = pycountry.countries.get(alpha_3=record.iso3)
    sources = {k: v.model_dump(mode="json") for k, v in record.sources.items()}
    return State(
        iso3=record.iso3,
        iso2=country.alpha_2 if country else "",
        un_name=record.un_name,
        names=dict(record.names),
        region=record.m49.region,
        subregion=record.m49.subregion,
        intermediate=record.m49.intermediate,
        languages=tuple(record.languages),
        languages_basis=record.languages_basis,
        membership=membership,
        facts=facts,
        groupings=groupings,
        sources=sources,
        notes=tuple(n.model_dump() for n in record.notes),
        aliases=tuple(record.aliases),
    )


def load_registry(status_file: Path | None = None, status_as_of: str | None = None,
                  data_dir: Path | None = None) -> Registry:
    """Merge the shipped records with the status table, the facts and the groupings."""
    user = user_data_dir(data_dir)
    if user is not None and not user.is_dir():
        raise DataError(f"data folder {user} not found; create it or fix --data-dir / "
                        "CCMKIT_DATA_DIR")
    table = load_status(status_file, status_as_of, user)
    records = _records()
    codes = frozenset(r.iso3 for r in records)
    unknown_rows = sorted(set(table.rows) - codes)
    if unknown_rows:
        where = table.update or table.path
        raise DataError(f"{where}: unknown State code {unknown_rows[0]!r}; use ISO 3166 alpha-3 "
                        "codes as in `ccmkit states list`")
    book = load_factbook(shipped_data_dir(), user, codes)
    groupings = _groupings()
    membership_of: dict[str, list[str]] = {}
    for key, record in groupings.items():
        for iso3 in record.members:
            membership_of.setdefault(iso3, []).append(key)
    states = tuple(
        _state(r, table.membership(r.iso3), book.current(r.iso3),
               tuple(membership_of.get(r.iso3, ())))
        for r in records
    )
    index, shared = _lookup()
    return Registry(states=states, status=table, groupings=groupings, factbook=book,
                    index=dict(index), shared=dict(shared), data_dir=user)


def today() -> date:
    """Today's date (one place, so staleness can be computed against a fixed day in tests)."""
    return date.today()


normalise = lookup.normalise
