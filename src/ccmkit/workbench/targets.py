"""Evidence-based targeting: the States outside ranked by proximity to joining.

Each criterion reads one fact of a State (with its source and date) and gives the criterion's
weight as points when it holds, 0 when it does not. A missing fact (``unknown`` or
``unconfirmed``) is listed as missing and scored as the less favourable outcome, ``min(0,
weight)``: never as favourable. A State's score is the sum of its points. Ties are broken by
:data:`TIE_RULE`. The weights come from ``weights.yaml`` beside this module, or a user's file
of the same shape (``criterion: weight``); a criterion the user's file leaves out keeps its
default weight.

This module is the one place the targeting rule lives; the CLI, the documents and the log's
report call it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from ccmkit.data.facts import Observation
from ccmkit.data.schema import Source, read_yaml
from ccmkit.data.states import Registry, State
from ccmkit.errors import DataError
from ccmkit.i18n import N_
from ccmkit.resources import package_dir

MAX_WEIGHT = 1000
TIE_RULE = N_("ties: higher score first, then signatories, then fewer missing facts, then "
              "ISO 3166 code")
DEFAULT_TOP = 15

# Statements in a stated position that count as interim steps (support for the norm, a pledge,
# de facto compliance, a voluntary report, a domestic process under way) ...
INTERIM = re.compile(
    r"pledged to (ratify|accede)|intent(ion)? to (ratify|accede|join)"
    r"|(expresse[sd]|shown|shows|has shown) (interest|support)|\binterested\b"
    r"|supports? the (CCM|convention)|working to accede|under consideration"
    r"|(?<!not )(?<!only )(?<!cannot )consider(ing)? (joining|accession|acceding|signing"
    r"|its position)|de facto compliance|voluntarily compl|voluntary (article 7|transparency)"
    r" report|recommended accession|internal processes are underway|consultations"
    r"|draft ratification|advanced stage|procedural",
    re.IGNORECASE)
# ... and statements that count as opposition (refusal, objection, military utility).
OPPOSITION = re.compile(
    r"military (utility|value)|legitimate'? weapon|legal (weapon|means)"
    r"|cannot (join|accede|support|consider)|could only consider|will not (ratify|join|accede)"
    r"|not prepared to join|no interest in|not considering accession|\bobject(s|ed)\b"
    r"|\bopposed?\b|\brejects\b|counterproductive|insufficiently ambitious|discriminatory"
    r"|not in a position|withdrew|forgoing|unable to comply",
    re.IGNORECASE)

Outcome = bool | None  # True: holds; False: does not; None: the fact is missing


def _yes(obs: Observation) -> Outcome:
    return {"yes": True, "no": False}.get(obs.value)


def _vote_yes(obs: Observation) -> Outcome:
    return None if obs.value == "unknown" else obs.value == "yes"


def _matches(pattern: re.Pattern[str]) -> Callable[[Observation], Outcome]:
    def test(obs: Observation) -> Outcome:
        return bool(pattern.search(obs.value)) if obs.known else None
    return test


@dataclass(frozen=True)
class Criterion:
    """A named test on one fact of a State."""

    name: str
    fact: str  # the fact read ("status" = the Convention status table)
    label: str  # gettext message, for documents
    short: str  # gettext message, for the points column of the one-page list
    test: Callable[[Observation], Outcome]


CRITERIA: tuple[Criterion, ...] = (
    Criterion("signatory", "status", N_("signatory yet to ratify"),
              N_("signatory"), lambda o: o.value == "signatory"),
    Criterion("mine_ban_treaty", "mine_ban_treaty", N_("party to the Mine Ban Convention"),
              N_("Mine Ban Conv."), _yes),
    Criterion("unga_vote_in_favour", "unga_vote", N_("voted for the UNGA resolution"),
              N_("UNGA yes"), _vote_yes),
    Criterion("interim_steps", "stated_position", N_("interim steps or support stated"),
              N_("interim steps"), _matches(INTERIM)),
    Criterion("contamination", "contamination", N_("cluster munition remnants (mine action)"),
              N_("remnants"), _yes),
    Criterion("stockpiles", "stockpiles", N_("holds stockpiles"), N_("stockpiles"), _yes),
    Criterion("producer", "producer", N_("has produced"), N_("producer"), _yes),
    Criterion("used", "used", N_("recorded use"), N_("use"), _yes),
    Criterion("stated_opposition", "stated_position", N_("opposition stated"),
              N_("opposition"), _matches(OPPOSITION)),
)
BY_NAME = {c.name: c for c in CRITERIA}


# --- weights -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Weights:
    """A weight per criterion and where they come from (``default`` or the user's file)."""

    values: Mapping[str, float]
    origin: str

    def __getitem__(self, name: str) -> float:
        return self.values[name]


def default_weights_path() -> Path:
    return package_dir() / "workbench" / "weights.yaml"


def default_weights_text() -> str:
    """The shipped weights file, comments included (`ccmkit targets --show-weights`)."""
    return default_weights_path().read_text(encoding="utf-8")


def load_weights(path: Path | None = None) -> Weights:
    """The default weights, with a user's file (``criterion: weight``) laid over them."""
    defaults = _parse_weights(default_weights_path(), trusted=True)
    missing = [c.name for c in CRITERIA if c.name not in defaults]
    if missing:
        raise DataError(f"{default_weights_path()}: no weight for {', '.join(missing)}")
    if path is None:
        return Weights(defaults, "default")
    if not path.is_file():
        raise DataError(f"weights file {path} not found; give a YAML file of criterion: "
                        "weight (see `ccmkit targets --show-weights`)")
    return Weights({**defaults, **_parse_weights(path, trusted=False)}, path.name)


def _parse_weights(path: Path, trusted: bool) -> dict[str, float]:
    raw = read_yaml(path, trusted=trusted)
    if not isinstance(raw, dict) or not raw:
        raise DataError(f"{path}: expected a mapping of criterion: weight (see "
                        "`ccmkit targets --show-weights`)")
    out: dict[str, float] = {}
    for key, value in raw.items():
        if key not in BY_NAME:
            raise DataError(f"{path}: unknown criterion {key!r}; expected one of "
                            f"{', '.join(BY_NAME)}")
        if isinstance(value, bool) or not isinstance(value, int | float) \
                or not math.isfinite(value) or abs(value) > MAX_WEIGHT:
            raise DataError(f"{path}: weight of {key} must be a number between "
                            f"-{MAX_WEIGHT} and {MAX_WEIGHT}, got {value!r}")
        out[key] = value
    return out


# --- scoring -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Scored:
    """One criterion applied to one State: the weight, the points and the fact behind them."""

    criterion: str
    weight: float
    points: float
    fact: str  # e.g. "unga_vote_2022"
    value: str  # the fact's value with its qualifier
    source: str | None  # the source's title
    url: str | None
    as_of: str | None  # ISO date, year-month or year, as precise as the source
    missing: bool

    def record(self) -> dict:
        """The criterion as in `targets --format json`."""
        return {"criterion": self.criterion, "weight": _number(self.weight),
                "points": _number(self.points), "fact": self.fact, "value": self.value,
                "source": self.source, "as_of": self.as_of}


@dataclass(frozen=True)
class Target:
    """A State's place in the ranking, with its score decomposed into criteria."""

    rank: int
    state: State
    score: float
    criteria: tuple[Scored, ...]

    @property
    def missing(self) -> list[str]:
        """Names of the facts missing for this State (each once)."""
        return list(dict.fromkeys(s.fact for s in self.criteria if s.missing))

    def record(self) -> dict:
        return {"rank": self.rank, "iso3": self.state.iso3, "name": self.state.un_name,
                "score": _number(self.score),
                "criteria": [s.record() for s in self.criteria], "missing": self.missing}


@dataclass(frozen=True)
class Ranking:
    """Every selected State, ranked; the weights used; the status table's as-of date."""

    as_of: str
    weights: Weights
    targets: tuple[Target, ...]

    def top(self, n: int | None) -> list[Target]:
        return list(self.targets if n is None else self.targets[:n])

    def record(self, n: int | None = None) -> dict:
        """`targets --format json`."""
        return {"as_of": self.as_of, "states": [t.record() for t in self.top(n)]}

    def position(self, iso3: str) -> Target | None:
        return next((t for t in self.targets if t.state.iso3 == iso3), None)


def status_observation(state: State, registry: Registry) -> Observation:
    """The State's Convention status as an observation (source: the status table)."""
    table = registry.status
    title = state.membership.source or (
        f"Convention status table ({(table.update or table.path).name}): not listed, "
        "so not signed")
    return Observation(iso3=state.iso3, fact="status", value=state.status,
                       source=Source(title=title), as_of=table.as_of_date(),
                       precision="month" if table.month_only else "day")


def _as_of(obs: Observation) -> str | None:
    if obs.as_of is None:
        return None
    digits = {"year": 4, "circa": 4, "month": 7}.get(obs.precision or "", 10)
    return obs.as_of.isoformat()[:digits]


def score_state(state: State, registry: Registry, weights: Weights) -> list[Scored]:
    """Every criterion applied to one State, in the order of :data:`CRITERIA`."""
    out = []
    for criterion in CRITERIA:
        obs = (status_observation(state, registry) if criterion.fact == "status"
               else state.fact(criterion.fact))
        outcome = criterion.test(obs)
        weight = weights[criterion.name]
        points = weight if outcome else 0 if outcome is False else min(0, weight)
        out.append(Scored(
            criterion=criterion.name, weight=weight, points=points,
            fact=obs.fact, value=obs.shown, source=obs.source.title if obs.source else None,
            url=obs.source.url if obs.source else None, as_of=_as_of(obs),
            missing=outcome is None))
    return out


def rank(registry: Registry, states: Iterable[State], weights: Weights | None = None) -> Ranking:
    """Rank `states` (States Parties are left out): highest score first, ties by TIE_RULE."""
    weights = weights or load_weights()
    scored = []
    for state in states:
        if not state.outside:
            continue
        criteria = score_state(state, registry, weights)
        total = round(math.fsum(s.points for s in criteria), 9)
        missing = len({s.fact for s in criteria if s.missing})
        key = (-total, state.status != "signatory", missing, state.iso3)
        scored.append((key, state, total, tuple(criteria)))
    scored.sort(key=lambda item: item[0])
    targets = tuple(Target(i, state, total, criteria)
                    for i, (_, state, total, criteria) in enumerate(scored, start=1))
    return Ranking(registry.status.as_of, weights, targets)


def top_iso3(registry: Registry, n: int = DEFAULT_TOP, weights_file: Path | None = None,
             group: str | None = None) -> list[str]:
    """The ISO3 codes of the top `n` States outside (e.g. for the follow-up log's report)."""
    chosen = registry.select(("outside",), group=group)
    return [t.state.iso3 for t in rank(registry, chosen, load_weights(weights_file)).top(n)]


def _number(value: float) -> int | float:
    """Whole numbers as int (JSON `30`, not `30.0`)."""
    return int(value) if float(value).is_integer() else value


def criteria_labels() -> dict[str, str]:
    """criterion -> gettext message for its label."""
    return {c.name: c.label for c in CRITERIA}


def describe_weights(weights: Weights, names: Sequence[str] | None = None) -> list[tuple[str,
                                                                                       float]]:
    """(criterion, weight) pairs in the order of CRITERIA."""
    return [(c.name, weights[c.name]) for c in CRITERIA if names is None or c.name in names]
