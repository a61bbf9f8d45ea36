"""State data: the shipped records, the Convention status table, look-up and filters."""

from __future__ import annotations

import csv
import difflib
import os
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path

import pycountry
import yaml

from ccmkit.errors import CcmkitError
from ccmkit.resources import shipped_data_dir
from ccmkit.treaty import entry_into_force
from ccmkit.vocab import STATUSES, Status

STATUS_COLUMNS = (
    "un_name", "status", "route", "signature_date", "deposit_date", "effective_date", "source",
)
CONTEXT_KEYS = ("mine_ban_treaty", "legal_tradition", "stockpiles", "contamination")
NAME_FORMS = ("short", "with_article", "of", "to", "formal", "formal_of")
STATUS_ENV = "CCMKIT_STATUS_FILE"


@dataclass(frozen=True)
class Names:
    """A State's name in one language, in every form the templates need."""

    short: str
    with_article: str
    of: str
    to: str
    formal: str
    formal_of: str


@dataclass(frozen=True)
class Fact:
    """One sourced fact: a value with where it comes from and when it was true."""

    value: str
    source: str | None = None
    as_of: str | None = None


@dataclass(frozen=True)
class Membership:
    """A State's position towards the Convention, from the status table."""

    status: Status
    route: str | None = None
    signature_date: date | None = None
    deposit_date: date | None = None
    effective_date: date | None = None
    source: str | None = None

    @property
    def entry_into_force(self) -> date | None:
        if self.status == "state_party" and self.deposit_date:
            return entry_into_force(self.deposit_date)
        return None


@dataclass(frozen=True)
class State:
    """One State's shipped record merged with its Convention status."""

    iso3: str
    iso2: str
    un_name: str
    names: dict[str, Names]
    region: str
    subregion: str
    intermediate: str | None
    languages: tuple[str, ...]
    membership: Membership
    context: dict[str, Fact]
    notes: tuple[dict, ...] = ()
    sources: dict[str, dict] = field(default_factory=dict)

    @property
    def status(self) -> Status:
        return self.membership.status

    @property
    def outside(self) -> bool:
        """True for every State that is not a State Party."""
        return self.status != "state_party"

    def fact(self, key: str) -> Fact:
        return self.context.get(key, Fact("unknown"))


@dataclass(frozen=True)
class StatusTable:
    """The Convention status rows by UN name, with their provenance."""

    rows: dict[str, Membership]
    path: Path
    as_of: str  # ISO date or year-month

    @property
    def month_only(self) -> bool:
        """True when the as-of date is a year and month (e.g. "2025-09")."""
        return len(self.as_of) == 7

    def as_of_date(self) -> date:
        parts = [int(p) for p in self.as_of.split("-")] + [1, 1]
        return date(parts[0], parts[1], parts[2])


def _parse_date(value: str, where: str) -> date | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CcmkitError(f"{where}: bad date {value!r}; expected YYYY-MM-DD") from None


def load_status(path: Path | None = None, as_of: str | None = None) -> StatusTable:
    """Read a status table (shipped, `path`, or $CCMKIT_STATUS_FILE) and validate it."""
    if as_of is not None:
        try:
            date.fromisoformat(as_of if len(as_of) != 7 else f"{as_of}-01")
        except ValueError:
            raise CcmkitError(
                f"--status-as-of {as_of!r}: give a date YYYY-MM-DD (or YYYY-MM)") from None
    env = os.environ.get(STATUS_ENV)
    if path is None and env:
        path = Path(env)
    if path is None:
        meta_file = shipped_data_dir() / "ccm-status.meta.yaml"
        meta = yaml.safe_load(meta_file.read_text(encoding="utf-8"))
        return _read_status(shipped_data_dir() / "ccm-status.csv", as_of or str(meta["as_of"]))
    if not path.is_file():
        raise CcmkitError(f"status file {path} not found: give an existing CSV file")
    if as_of is None:
        as_of = date.fromtimestamp(path.stat().st_mtime).isoformat()
    return _read_status(path, as_of)


def _read_status(path: Path, as_of: str) -> StatusTable:
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = [c for c in STATUS_COLUMNS if c not in (reader.fieldnames or [])]
            if missing:
                raise CcmkitError(
                    f"{path}: missing column(s) {', '.join(missing)}; "
                    f"the header must be {','.join(STATUS_COLUMNS)}"
                )
            rows = {}
            for line, row in enumerate(reader, start=2):
                where = f"{path}, line {line}"
                status = (row["status"] or "").strip()
                if status not in STATUSES:
                    raise CcmkitError(
                        f"{where}: status {status!r} is not one of {', '.join(STATUSES)}"
                    )
                rows[row["un_name"].strip()] = Membership(
                    status=status,  # type: ignore[arg-type]
                    route=(row["route"] or "").strip() or None,
                    signature_date=_parse_date(row["signature_date"], where),
                    deposit_date=_parse_date(row["deposit_date"], where),
                    effective_date=_parse_date(row["effective_date"], where),
                    source=(row["source"] or "").strip() or None,
                )
    except UnicodeDecodeError:
        raise CcmkitError(f"{path}: not UTF-8 text; save the CSV as UTF-8") from None
    return StatusTable(rows=rows, path=path, as_of=as_of)


@cache
def _records() -> tuple[dict, ...]:
    text = (shipped_data_dir() / "states.yaml").read_text(encoding="utf-8")
    return tuple(yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)))


def _fact(raw: dict | None) -> Fact:
    raw = raw or {}
    return Fact(str(raw.get("value", "unknown")), raw.get("source"), _str(raw.get("as_of")))


def _str(value: object) -> str | None:
    return None if value is None else str(value)


def _state(record: dict, membership: Membership) -> State:
    country = pycountry.countries.get(alpha_3=record["iso3"])
    m49 = record["m49"]
    return State(
        iso3=record["iso3"],
        iso2=country.alpha_2,  # type: ignore[union-attr]  # every shipped ISO3 is in ISO 3166
        un_name=record["un_name"],
        names={lang: Names(**forms) for lang, forms in record["names"].items()},
        region=m49["region"],
        subregion=m49["subregion"],
        intermediate=m49.get("intermediate"),
        languages=tuple(record["languages"]),
        membership=membership,
        context={key: _fact(record.get("context", {}).get(key)) for key in CONTEXT_KEYS},
        notes=tuple(record.get("notes") or ()),
        sources=record.get("sources", {}),
    )


@dataclass(frozen=True)
class Registry:
    """All States with the status table they were merged with."""

    states: tuple[State, ...]
    status: StatusTable

    def find(self, query: str) -> State:
        """Look up a State by alpha-3, alpha-2 or name in any language (accent-insensitive)."""
        key = normalise(query)
        for state in self.states:
            if key in _keys(state):
                return state
        raise CcmkitError(f"unknown State {query!r}{_suggest(key, self.states)}")

    def select(
        self,
        statuses: Iterable[str] = (),
        region: str | None = None,
        subregion: str | None = None,
    ) -> list[State]:
        """States matching every given filter (`outside` = not a State Party)."""
        wanted = set(statuses)
        return [
            s
            for s in self.states
            if (not wanted or s.status in wanted or ("outside" in wanted and s.outside))
            and (region is None or normalise(s.region) == normalise(region))
            and (
                subregion is None
                or normalise(subregion) in {normalise(s.subregion), normalise(s.intermediate or "")}
            )
        ]

    def counts(self) -> dict[str, int]:
        """Number of States per status."""
        return {status: sum(s.status == status for s in self.states) for status in STATUSES}

    def regional(self, state: State) -> dict[str, int]:
        """Counts for the State's M49 region: total, States Parties, signatories."""
        peers = [s for s in self.states if s.region == state.region]
        return {
            "total": len(peers),
            "parties": sum(s.status == "state_party" for s in peers),
            "signatories": sum(s.status == "signatory" for s in peers),
        }


def load_registry(status_file: Path | None = None, status_as_of: str | None = None) -> Registry:
    """Merge the shipped records with a status table; every table row must match a State."""
    table = load_status(status_file, status_as_of)
    by_name = {r["un_name"]: r for r in _records()}
    unknown = sorted(set(table.rows) - set(by_name))
    if unknown:
        raise CcmkitError(
            f"{table.path}: unknown un_name {unknown[0]!r}; use the UN English short name "
            "as in `ccmkit states list`"
        )
    states = tuple(
        _state(r, table.rows.get(r["un_name"], Membership("not_signed"))) for r in _records()
    )
    return Registry(states=states, status=table)


def normalise(text: str) -> str:
    """Case-, accent-, apostrophe- and space-insensitive form of a name or code."""
    text = unicodedata.normalize("NFKD", text.replace("’", "'").replace("‘", "'"))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", text).strip().casefold()


_ARTICLES = re.compile(r"^(the |le |la |les |l'|el |los |las )", re.IGNORECASE)


@cache
def _keys_cached(iso3: str, names: tuple[str, ...]) -> frozenset[str]:
    keys = {normalise(n) for n in names}
    keys |= {_ARTICLES.sub("", k) for k in keys}
    return frozenset(keys)


def _keys(state: State) -> frozenset[str]:
    names: list[str] = [state.iso3, state.iso2, state.un_name]
    for forms in state.names.values():
        names += [forms.short, forms.with_article, forms.formal]
    country = pycountry.countries.get(alpha_3=state.iso3)
    names += [getattr(country, a) for a in ("name", "official_name", "common_name")
              if hasattr(country, a)]
    return _keys_cached(state.iso3, tuple(names))


def _suggest(key: str, states: Sequence[State]) -> str:
    names = {normalise(s.un_name): s for s in states}
    for s in states:
        for forms in s.names.values():
            names.setdefault(normalise(forms.short), s)
    close = difflib.get_close_matches(key, list(names), n=3, cutoff=0.6)
    picks = list(dict.fromkeys(f"{names[c].un_name} ({names[c].iso3})" for c in close))
    if not picks:
        return "; give an ISO code (e.g. KEN) or a name (see `ccmkit states list`)"
    return "; did you mean " + ", ".join(picks) + "?"
