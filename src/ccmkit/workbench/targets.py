"""Evidence-based targeting: the States outside ranked by proximity to joining.

Each criterion reads one fact of a State (with its source and date) and gives the criterion's
weight as points when it holds, 0 when it does not. A missing fact (``unknown`` or
``unconfirmed``) is listed as missing and gives no points: a State's score is the sum of the
points it has for sure, and its ``range`` the lowest and highest score its missing facts allow.
Equal scores are ties, shown as such and ordered by :data:`TIE_RULE`. The weights come
from ``weights.yaml`` beside this module, or a user's file
of the same shape (``criterion: weight``); a criterion the user's file leaves out keeps its
default weight.

This module is the one place the targeting rule lives; the CLI, the documents and the log's
report call it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from ccmkit import rules
from ccmkit.data.facts import Observation
from ccmkit.data.schema import Source, read_yaml
from ccmkit.data.states import Registry, State
from ccmkit.errors import DataError
from ccmkit.i18n import N_
from ccmkit.resources import package_dir

MAX_WEIGHT = 1000
TIE_RULE = N_("equal scores are tied (shown as =N); within a tie the order is: signatories "
              "first, then the strongest engagement recorded, then the most recent engagement "
              "statement, then fewer missing facts, then ISO 3166 code")
MISSING_RULE = N_("a missing fact gives no points; the range is the lowest and highest score "
                  "the missing facts allow")
# Engagement, strongest first, for ordering States within a tie (evidence before the code).
ENGAGEMENT_ORDER = ("process_under_way", "pledged", "voluntary_report", "de_facto_compliance",
                    "considering", "supports_norm")
DEFAULT_TOP = 15

Outcome = bool | None  # True: holds; False: does not; None: the fact is missing


def _yes(obs: Observation) -> Outcome:
    return {"yes": True, "no": False}.get(obs.value)


def _vote_yes(obs: Observation) -> Outcome:
    return None if obs.value == "unknown" else obs.value == "yes"


def _any_of(tokens: tuple[str, ...]) -> Callable[[Observation], Outcome]:
    """Holds when a multi-valued fact (concerns, engagement) has one of `tokens`."""
    def test(obs: Observation) -> Outcome:
        return bool(set(obs.values) & set(tokens)) if obs.known else None
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
    Criterion("interim_steps", "engagement", N_("interim steps towards joining"),
              N_("interim steps"), _any_of(rules.INTERIM_STEPS)),
    Criterion("contamination", "contamination", N_("cluster munition remnants (mine action)"),
              N_("remnants"), _yes),
    Criterion("stockpiles", "stockpiles", N_("holds stockpiles"), N_("stockpiles"), _yes),
    Criterion("producer", "producer", N_("has produced"), N_("producer"), _yes),
    Criterion("used", "used", N_("recorded use"), N_("use"), _yes),
    Criterion("stated_opposition", "concerns", N_("opposition stated"),
              N_("opposition"), _any_of(rules.OPPOSING)),
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
    tie: tuple[int, int] | None = None  # first and last rank of the States with this score

    @property
    def missing(self) -> list[str]:
        """Names of the facts missing for this State (each once)."""
        return list(dict.fromkeys(s.fact for s in self.criteria if s.missing))

    @property
    def range(self) -> tuple[float, float]:
        """The lowest and highest score the State's missing facts allow."""
        gaps = [s.weight for s in self.criteria if s.missing]
        return (round(self.score + math.fsum(min(0, w) for w in gaps), 9),
                round(self.score + math.fsum(max(0, w) for w in gaps), 9))

    @property
    def uncertain(self) -> bool:
        """True when missing facts could move the State's score (and so its place)."""
        low, high = self.range
        return low != high

    @property
    def shown_rank(self) -> str:
        """``12``, or ``=12`` for a State tied with others at rank 12."""
        return f"={self.tie[0]}" if self.tie else str(self.rank)

    def record(self) -> dict:
        return {"rank": self.rank, "iso3": self.state.iso3, "name": self.state.un_name,
                "score": _number(self.score),
                "range": [_number(v) for v in self.range],
                "tie": {"from": self.tie[0], "to": self.tie[1]} if self.tie else None,
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
        return {"as_of": self.as_of, "tie_rule": TIE_RULE,
                "states": [t.record() for t in self.top(n)]}

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


def score_state(state: State, registry: Registry, weights: Weights) -> list[Scored]:
    """Every criterion applied to one State, in the order of :data:`CRITERIA`."""
    out = []
    for criterion in CRITERIA:
        obs = (status_observation(state, registry) if criterion.fact == "status"
               else state.fact(criterion.fact))
        outcome = criterion.test(obs)
        weight = weights[criterion.name]
        points = weight if outcome else 0
        out.append(Scored(
            criterion=criterion.name, weight=weight, points=points,
            fact=obs.fact, value=obs.shown, source=obs.source.title if obs.source else None,
            url=obs.source.url if obs.source else None, as_of=obs.as_of_text,
            missing=outcome is None))
    return out


def rank(registry: Registry, states: Iterable[State], weights: Weights | None = None) -> Ranking:
    """Rank `states` (States Parties are left out): highest score first, ties marked and
    ordered by :data:`TIE_RULE`."""
    weights = weights or load_weights()
    scored = []
    for state in states:
        if not state.outside:
            continue
        criteria = score_state(state, registry, weights)
        total = round(math.fsum(s.points for s in criteria), 9)
        scored.append((_order(state, total, criteria), state, total, tuple(criteria)))
    scored.sort(key=lambda item: item[0])
    spans: dict[float, list[int]] = {}
    for i, (_, _, total, _) in enumerate(scored, start=1):
        spans.setdefault(total, []).append(i)
    targets = tuple(
        Target(i, state, total, criteria,
               (spans[total][0], spans[total][-1]) if len(spans[total]) > 1 else None)
        for i, (_, state, total, criteria) in enumerate(scored, start=1))
    return Ranking(registry.status.as_of, weights, targets)


def _order(state: State, total: float, criteria: list[Scored]) -> tuple:
    """Sort key: score, then the tie rule's evidence (:data:`TIE_RULE`)."""
    engaged = rules.engagement(state)
    strongest = min((ENGAGEMENT_ORDER.index(e) for e in engaged if e in ENGAGEMENT_ORDER),
                    default=len(ENGAGEMENT_ORDER))
    obs = state.fact("engagement")
    latest = max((p.as_of for p in (obs.parts or (obs,)) if p.as_of and engaged), default=None)
    missing = len({s.fact for s in criteria if s.missing})
    return (-total, state.status != "signatory", strongest,
            -(latest.toordinal() if latest else 0), missing, state.iso3)


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
