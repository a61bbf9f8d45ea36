"""Sourced facts about States: observations, the source registry, layers and import.

An observation is a value read in a source on a date, with the quote that supports it. The
shipped observations (data/shipped/facts.csv + sources.yaml) are overridden by the user's data
folder (same two files), which `ccmkit facts import` writes; a profile overrides both.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cache
from pathlib import Path

import yaml

from ccmkit.data.schema import (
    ImportRow,
    ObservationRow,
    OverrideModel,
    Source,
    check_regular_file,
    parse_partial_date,
    precision_of,
    read_yaml,
    validate,
)
from ccmkit.errors import DataError
from ccmkit.resources import shipped_data_dir
from ccmkit.sheets import read_csv_cell
from ccmkit.vocab import (
    DATE_FACTS,
    FACT_NAMES,
    LIST_FACTS,
    NOTHING,
    REVERSES,
    STALE_AFTER,
    STALE_AFTER_YEARS,
    TEXT_FACTS,
    TOKEN_FACTS,
    UNGA_VOTE,
    UNGA_VOTE_MONTH,
    UNKNOWN,
)

FACTS_FILE = "facts.csv"
OVERRIDES_FILE = "overrides.yaml"
SOURCES_FILE = "sources.yaml"
FACT_COLUMNS = ("iso3", "fact", "value", "qualifier", "source", "as_of", "quote")
IMPORT_COLUMNS = ("iso3", "fact", "value", "source_url", "source_title", "as_of", "quote")
_UNGA = re.compile(rf"^{UNGA_VOTE}_(\d{{4}})$")
_LEGAL = {"common law": "common_law", "civil law": "civil_law", "muslim law": "muslim_law",
          "customary": "customary_law",
          "mixed": "mixed", "in transition": "in_transition", "unknown": UNKNOWN}


@dataclass(frozen=True)
class Observation:
    """One fact about one State, as a source gave it."""

    iso3: str
    fact: str
    value: str
    qualifier: str | None = None
    source: Source | None = None
    source_id: str | None = None
    as_of: date | None = None
    precision: str | None = None  # "day", "month" or "year" of `as_of`
    quote: str | None = None
    layer: str = "shipped"  # shipped | user | profile | override
    # For a multi-valued fact (concerns, engagement): the observations its value is made of.
    parts: tuple[Observation, ...] = ()
    override: Override | None = None  # a reviewer's classification in force, with who and why

    @property
    def known(self) -> bool:
        return self.value != UNKNOWN

    @property
    def as_of_text(self) -> str | None:
        """The date as precise as the source gives it (``2022``, ``2022-08``, ``2022-08-15``)."""
        if self.as_of is None:
            return None
        digits = {"year": 4, "circa": 4, "month": 7}.get(self.precision or "", 10)
        return self.as_of.isoformat()[:digits]

    @property
    def values(self) -> tuple[str, ...]:
        """The value's tokens: several for a multi-valued fact, else the value alone."""
        if fact_family(self.fact) in LIST_FACTS:
            return tuple(v for v in self.value.split(";") if v)
        return (self.value,)

    def stale(self, today: date) -> bool:
        """True when the fact should be re-checked: a vote once the next annual vote is due,
        other facts after their kind's limit (:data:`STALE_AFTER`); undated counts as stale."""
        if not self.known or self.override is not None:
            return False
        vote = _UNGA.match(self.fact)
        if vote:
            return today >= date(int(vote.group(1)) + 1, UNGA_VOTE_MONTH, 1)
        years = STALE_AFTER.get(self.fact, STALE_AFTER_YEARS)
        if years is None:
            return False
        if self.as_of is None:
            return True
        return (today - self.as_of).days > 365.25 * years

    def age_years(self, today: date) -> float | None:
        return None if self.as_of is None else round((today - self.as_of).days / 365.25, 1)

    @property
    def shown(self) -> str:
        """Value with its qualifier, as a reader sees it."""
        return f"{self.value} ({self.qualifier})" if self.qualifier else self.value


@dataclass(frozen=True)
class Override:
    """A reviewer's classification of a State that replaces the sourced one, and why."""

    by: str
    reason: str
    on: date | None = None


def unknown(iso3: str, fact: str) -> Observation:
    """The observation standing for "no source read supports a value"."""
    return Observation(iso3=iso3, fact=fact, value=UNKNOWN)


def fact_family(name: str) -> str:
    """`unga_vote_2022` -> `unga_vote`; other names unchanged."""
    return UNGA_VOTE if _UNGA.match(name) else name


def check_fact_name(name: str) -> str:
    """The name if it is a known fact name (or `unga_vote_<year>`), else a ValueError."""
    if (name in FACT_NAMES and name != UNGA_VOTE) or _UNGA.match(name):
        return name
    raise ValueError(f"unknown fact {name!r}; expected one of "
                     f"{', '.join(n for n in FACT_NAMES if n != UNGA_VOTE)}, unga_vote_<year>")


def parse_value(name: str, raw: str) -> tuple[str, str | None]:
    """Split ``"no (states it has never used)"`` into its canonical token and qualifier."""
    family = fact_family(check_fact_name(name))
    raw = raw.strip()
    if family in TEXT_FACTS:
        return raw, None
    if family in LIST_FACTS:
        return join_values(family, raw.split(";")), None
    if family in DATE_FACTS:
        if parse_partial_date(raw) is None:
            raise ValueError(f"value of {name} must be a date, got {raw!r}")
        return raw, None
    allowed = TOKEN_FACTS[family]
    spelled = {**{t: t for t in allowed}, **{t.replace("_", " "): t for t in allowed}, **(
        _LEGAL if family == "legal_tradition" else {})}
    lowered = raw.casefold()
    for words in sorted(spelled, key=len, reverse=True):
        if lowered == words or re.match(rf"^{re.escape(words)}\b", lowered):
            rest = raw[len(words):].strip()
            if rest.startswith("(") and rest.endswith(")") and rest.count("(") == 1:
                rest = rest[1:-1].strip()
            return spelled[words], rest or None
    raise ValueError(f"value of {name} must start with one of {', '.join(allowed)}, "
                     f"got {raw[:60]!r}")


def join_values(fact: str, tokens: Iterable[str]) -> str:
    """Tokens of a multi-valued fact checked, deduplicated, in vocabulary order, ";"-joined.

    The "nothing stated" token (``none_stated``, ``none``) gives way to any other value."""
    allowed = LIST_FACTS[fact]
    given = {t.strip() for t in tokens if t.strip()}
    wrong = sorted(given - set(allowed) - {UNKNOWN})
    if wrong:
        raise ValueError(f"value of {fact} must be one or more of {', '.join(allowed)} "
                         f"separated by ';', got {wrong[0]!r}")
    if not given or given == {UNKNOWN}:
        return UNKNOWN
    if given - {NOTHING[fact], UNKNOWN}:
        given -= {NOTHING[fact], UNKNOWN}
    return ";".join(t for t in allowed if t in given)


def fold(found: Iterable[Observation]) -> Observation:
    """The current value of a multi-valued fact: its observations oldest first, each adding its
    values, one qualified ``reverses`` replacing all before it. Returned as the newest
    observation with the joined value and the contributing observations as ``parts``."""
    ordered = sorted(found, key=lambda o: (o.as_of or date.min, o.layer != "shipped"))
    kept: list[Observation] = []
    for obs in ordered:
        if (obs.qualifier or "").strip().casefold() == REVERSES:
            kept = []
        kept.append(obs)
    fact = ordered[-1].fact
    value = join_values(fact, [v for o in kept for v in o.values])
    return replace(kept[-1], value=value, parts=tuple(reversed(kept)))


@dataclass
class FactBook:
    """Every observation by State and fact, from one or more layers, with the source registry."""

    sources: dict[str, Source] = field(default_factory=dict)
    observations: dict[str, dict[str, list[Observation]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(list)))
    overrides: dict[str, dict[str, Observation]] = field(
        default_factory=lambda: defaultdict(dict))

    def add(self, obs: Observation) -> None:
        self.observations[obs.iso3][obs.fact].append(obs)

    def current(self, iso3: str) -> dict[str, Observation]:
        """The value that holds for each fact of a State: the user's layer wins over the
        shipped one; within a layer the newest observation wins (undated counts as oldest)."""
        out: dict[str, Observation] = {}
        for name, found in self.observations.get(iso3, {}).items():
            out[name] = fold(found) if name in LIST_FACTS else max(found, key=_precedence)
        for name, obs in self.overrides.get(iso3, {}).items():
            out[name] = replace(obs, parts=out[name].parts if name in out else ())
        return out

    def history(self, iso3: str, fact: str) -> list[Observation]:
        """All observations of one fact, newest first."""
        found = self.observations.get(iso3, {}).get(fact, [])
        return sorted(found, key=_precedence, reverse=True)


def _precedence(obs: Observation) -> tuple[int, date, int]:
    layer = {"shipped": 0, "user": 1, "profile": 2, "override": 3}[obs.layer]
    return (layer, obs.as_of or date.min, obs.known)


# --- reading ----------------------------------------------------------------------------------

def read_sources(path: Path) -> dict[str, Source]:
    """The source registry in ``sources.yaml``: id -> Source."""
    raw = read_yaml(path, trusted=path.parent == shipped_data_dir()) or {}
    if not isinstance(raw, dict):
        raise DataError(f"{path}: expected a mapping of source ids to sources")
    return {str(key): validate(Source, value, str(path), f"source {key!r}")
            for key, value in raw.items()}


def read_observations(path: Path, sources: Mapping[str, Source], layer: str,
                      known_states: Iterable[str]) -> list[Observation]:
    """The rows of a ``facts.csv``, each validated (State, fact, value, source, date)."""
    states = set(known_states)
    out = []
    for line, row in _csv_rows(path, FACT_COLUMNS):
        where = f"{path}, line {line}"
        record = validate(ObservationRow, _blank_to_none(row), str(path), f"line {line}")
        out.append(_observation(record, sources, layer, states, where))
    return out


def _observation(record: ObservationRow, sources: Mapping[str, Source], layer: str,
                 states: set[str], where: str) -> Observation:
    if record.iso3 not in states:
        raise DataError(f"{where}: unknown State {record.iso3!r}; use an ISO 3166 alpha-3 code")
    try:
        token, qualifier = parse_value(record.fact, record.value)
        as_of = parse_partial_date(record.as_of)
    except ValueError as exc:
        raise DataError(f"{where}: {exc}") from None
    qualifier = record.qualifier or qualifier
    if record.source is not None and record.source not in sources:
        raise DataError(f"{where}: source {record.source!r} is not in {SOURCES_FILE}; "
                        "add it there")
    if token != UNKNOWN and (record.source is None or record.quote is None):
        raise DataError(f"{where}: a value other than 'unknown' needs a source and a quote")
    return Observation(
        iso3=record.iso3, fact=record.fact, value=token, qualifier=qualifier,
        source=sources.get(record.source) if record.source else None, source_id=record.source,
        as_of=as_of, precision=precision_of(record.as_of), quote=record.quote, layer=layer,
    )


def _blank_to_none(row: dict[str, str]) -> dict[str, str | None]:
    return {key: (value if value and value.strip() else None) for key, value in row.items()}


def _csv_rows(path: Path, columns: tuple[str, ...]) -> Iterable[tuple[int, dict[str, str]]]:
    check_regular_file(path, "facts file")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise DataError(f"{path}: not UTF-8 text; save the CSV as UTF-8") from None
    except OSError as exc:
        raise DataError(f"{path}: cannot read ({exc.strerror})") from None
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip().casefold() for h in reader.fieldnames or []]
    missing = [c for c in columns if c not in header]
    if missing:
        raise DataError(f"{path}: missing column(s) {', '.join(missing)}; "
                        f"the header must be {','.join(columns)}")
    reader.fieldnames = header
    for line, row in enumerate(reader, start=2):
        if None in row or any(value is None for value in row.values()):
            raise DataError(f"{path}, line {line}: wrong number of columns; "
                            f"expected {len(header)}")
        yield line, {key: read_csv_cell(value) for key, value in row.items() if key in columns}


@cache
def _shipped(folder: Path, states: frozenset[str]) -> tuple[dict[str, Source],
                                                             tuple[Observation, ...]]:
    sources = read_sources(folder / SOURCES_FILE)
    rows = read_observations(folder / FACTS_FILE, sources, "shipped", states)
    return sources, tuple(rows)


def override_observation(iso3: str, fact: str, model: OverrideModel,
                         where: str) -> Observation:
    """A reviewer's override as the observation in force (layer ``override``)."""
    if fact not in LIST_FACTS:
        raise DataError(f"{where}: only {', '.join(LIST_FACTS)} can be overridden, "
                        f"not {fact!r}")
    try:
        value = join_values(fact, model.value)
    except ValueError as exc:
        raise DataError(f"{where}: {exc}") from None
    return Observation(iso3=iso3, fact=fact, value=value, layer="override",
                       source=Source(title=f"override by {model.by}: {model.reason}"),
                       as_of=model.as_of, precision="day" if model.as_of else None,
                       override=Override(model.by, model.reason, model.as_of))


def read_overrides(path: Path, states: frozenset[str]) -> list[Observation]:
    """``overrides.yaml`` of a data folder: ``ISO3: {fact: {value, by, reason, as_of}}``."""
    raw = read_yaml(path) or {}
    if not isinstance(raw, dict):
        raise DataError(f"{path}: expected a mapping of ISO3 codes to overridden facts")
    out = []
    for iso3, facts in raw.items():
        if iso3 not in states:
            raise DataError(f"{path}: unknown State {iso3!r}; use an ISO 3166 alpha-3 code")
        if not isinstance(facts, dict):
            raise DataError(f"{path}: {iso3}: expected a mapping of fact: override")
        for fact, body in facts.items():
            where = f"{path}: {iso3}.{fact}"
            if fact not in LIST_FACTS:
                raise DataError(f"{where}: only {', '.join(LIST_FACTS)} can be overridden")
            model = validate(OverrideModel, body, str(path), f"{iso3}.{fact}")
            out.append(override_observation(iso3, str(fact), model, where))
    return out


def load_factbook(shipped: Path, user: Path | None, states: frozenset[str]) -> FactBook:
    """The shipped observations, then the user's data folder's, in one book."""
    book = FactBook()
    sources, rows = _shipped(shipped, states)
    book.sources.update(sources)
    for obs in rows:
        book.add(obs)
    if user is not None and (user / FACTS_FILE).is_file():
        user_sources = read_sources(user / SOURCES_FILE) if (user / SOURCES_FILE).is_file() else {}
        merged = {**book.sources, **user_sources}
        book.sources = merged
        for obs in read_observations(user / FACTS_FILE, merged, "user", states):
            book.add(obs)
    if user is not None and (user / OVERRIDES_FILE).is_file():
        for obs in read_overrides(user / OVERRIDES_FILE, states):
            book.overrides[obs.iso3][obs.fact] = obs
    return book


# --- import -------------------------------------------------------------------------------

def source_id(url: str | None, title: str) -> str:
    """A stable, readable id for a source: a slug of its title and a short hash of its URL."""
    slug = re.sub(r"[^a-z0-9]+", "-", title.casefold()).strip("-")[:40].rstrip("-")
    digest = hashlib.sha1(f"{url or ''}|{title}".encode()).hexdigest()[:6]
    return f"{slug}-{digest}"


def convert_import_rows(path: Path, states: Iterable[str],
                        known: Mapping[str, Source]) -> tuple[dict[str, Source], list[dict]]:
    """Validate a CSV in the reference sample's format, or a filled review worksheet (CSV or
    XLSX, ``ccmkit facts review``); return new sources and fact rows.

    Every row is checked before anything is returned, so a bad row imports nothing.
    """
    from ccmkit.data.worksheet import filled_rows, is_worksheet

    if is_worksheet(path):
        records = filled_rows(path)
    else:
        records = [(f"{path}, line {line}", dict(_blank_to_none(row)))
                   for line, row in _csv_rows(path, IMPORT_COLUMNS)]
    return convert_records(records, set(states), known)


def convert_records(records: Iterable[tuple[str, Mapping[str, str | None]]], states: set[str],
                    known: Mapping[str, Source]) -> tuple[dict[str, Source], list[dict]]:
    """Validate import records (``where``, {iso3, fact, value, qualifier?, source_title,
    source_url, as_of, quote}); return the new sources and the fact rows."""
    new_sources: dict[str, Source] = {}
    rows: list[dict] = []
    for where, row in records:
        file, _, line = where.rpartition(", ")
        record = validate(ImportRow, dict(row), file, line)
        sid = None
        if record.source_title:
            sid = source_id(record.source_url, record.source_title)
            if sid not in known:
                new_sources[sid] = Source(title=record.source_title, url=record.source_url)
        fact_row = {"iso3": record.iso3, "fact": record.fact, "value": record.value,
                    "qualifier": record.qualifier, "source": sid,
                    "as_of": None if record.as_of.startswith("undated") else record.as_of,
                    "quote": record.quote}
        checked = validate(ObservationRow, fact_row, file, line)
        _observation(checked, {**known, **new_sources}, "user", states, where)
        token, qualifier = parse_value(record.fact, record.value)
        rows.append({**fact_row, "value": token, "qualifier": record.qualifier or qualifier})
    return new_sources, rows


def write_fact_files(folder: Path, sources: Mapping[str, Source], rows: list[dict]) -> None:
    """Write ``facts.csv`` and ``sources.yaml`` into `folder`, each atomically."""
    from ccmkit.output import replace_file
    from ccmkit.sheets import csv_text

    folder.mkdir(parents=True, exist_ok=True)
    registry = {
        key: {k: (v.isoformat() if isinstance(v, date) else v)
              for k, v in src.model_dump(exclude_none=True).items()}
        for key, src in sorted(sources.items())
    }
    replace_file(folder / SOURCES_FILE,
                 yaml.safe_dump(registry, allow_unicode=True, sort_keys=True, width=100))
    replace_file(folder / FACTS_FILE, csv_text(FACT_COLUMNS, rows))


def existing_rows(folder: Path) -> tuple[dict[str, Source], list[dict]]:
    """The user's data folder's current sources and fact rows (as plain dicts)."""
    sources = read_sources(folder / SOURCES_FILE) if (folder / SOURCES_FILE).is_file() else {}
    rows: list[dict] = []
    if (folder / FACTS_FILE).is_file():
        rows = [dict(_blank_to_none(r)) for _, r in _csv_rows(folder / FACTS_FILE, FACT_COLUMNS)]
    return sources, rows


def import_facts(path: Path, folder: Path, states: Iterable[str],
                 shipped_sources: Mapping[str, Source]) -> int:
    """Add the observations of `path` to the user's data folder; all rows or none."""
    sources, rows = existing_rows(folder)
    new_sources, new_rows = convert_import_rows(path, states, {**shipped_sources, **sources})
    seen = {tuple(sorted((k, str(v)) for k, v in r.items())) for r in rows}
    added = [r for r in new_rows if tuple(sorted((k, str(v)) for k, v in r.items())) not in seen]
    write_fact_files(folder, {**sources, **new_sources}, rows + added)
    return len(added)


def with_profile_facts(current: dict[str, Observation],
                       overrides: Mapping[str, Observation]) -> dict[str, Observation]:
    """The State's facts with a profile's facts laid over them."""
    return {**current, **{k: replace(v, layer="profile") for k, v in overrides.items()}}
