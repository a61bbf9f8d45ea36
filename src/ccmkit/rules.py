"""The rules that turn a State's facts into the package's choices, each with its reason.

Every function returns :class:`Choice` objects: the value the documents use, and a reason in
English that names the facts (with their dates) it rests on. The outgoing documents use only the
values; the internal brief shows the reasons. This module is the one place these rules live.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from ccmkit.vocab import BARRIERS, UNKNOWN

if TYPE_CHECKING:
    from ccmkit.data.facts import Observation
    from ccmkit.data.states import Registry, State

DRAFTING = "legislation.drafting"
Part = Literal["firm", "conditional", "left out"]  # how the steps note gives a deadline
# The order in which inferred barriers are addressed: security concerns first, awareness last.
PRIORITY = ("defence_security", "legal_technical", "regional_alignment", "bandwidth",
            "awareness")
REGIONAL_SHARE = 0.5  # a grouping where at least this share of members is outside
_NEIGHBOURS = re.compile(r"neighbo|region|peninsula|dispute|conflict with|until .* resolved",
                         re.IGNORECASE)
_CAPACITY = re.compile(r"resource|(technical|logistical|limited|lack of|reduced) capacity|"
                       r"other priorit|logistic|bandwidth", re.IGNORECASE)
_PROCEDURE = re.compile(r"procedur|parliament|legislat|decree|ratification (process|not)|"
                        r"pledged to ratify|study|studying|consider", re.IGNORECASE)
_SILENT = re.compile(r"never (commented|stated|explained|made)|no (public )?(position|comment|"
                     r"statement)", re.IGNORECASE)


@dataclass(frozen=True)
class Choice:
    """A choice made for a State: its value and why (internal, English)."""

    name: str
    value: str
    reason: str
    facts: tuple[str, ...] = ()  # the facts the reason rests on


def cite(obs: Observation) -> str:
    """`stockpiles: yes (2023-09-05)` for a reason; the fact's source is listed with the fact."""
    when = obs.as_of.isoformat()[: {"year": 4, "circa": 4, "month": 7}.get(
        obs.precision or "", 10)] if obs.as_of else "undated"
    return f"{obs.fact}: {obs.shown} ({when})"


def _has(state: State, name: str) -> bool:
    return state.value(name) == "yes"


def _position(state: State) -> Observation | None:
    obs = state.fact("stated_position")
    return obs if obs.known and not _SILENT.search(obs.value) else None


def infer_barriers(state: State, registry: Registry) -> list[Choice]:
    """Barriers inferred from the facts, in the order the package addresses them."""
    found: dict[str, Choice] = {}
    arms = [state.fact(n) for n in ("stockpiles", "producer", "used") if _has(state, n)]
    if arms:
        found["defence_security"] = Choice(
            "barrier", "defence_security",
            "facts point to a military stake in cluster munitions: "
            + "; ".join(cite(o) for o in arms), tuple(o.fact for o in arms))
    position = _position(state)
    if state.status == "signatory":
        found["legal_technical"] = Choice(
            "barrier", "legal_technical",
            "a signatory: the domestic procedure to ratify is what remains", ("status",))
    elif position and _PROCEDURE.search(position.value):
        found["legal_technical"] = Choice(
            "barrier", "legal_technical", "stated position refers to a domestic process: "
            + cite(position), ("stated_position",))
    regional = _regional(state, registry)
    if regional:
        found["regional_alignment"] = regional
    elif position and _NEIGHBOURS.search(position.value):
        found["regional_alignment"] = Choice(
            "barrier", "regional_alignment", "stated position ties joining to neighbours or a "
            "regional situation: " + cite(position), ("stated_position",))
    if position and _CAPACITY.search(position.value):
        found["bandwidth"] = Choice("barrier", "bandwidth", "stated position cites resources, "
                                    "capacity or priorities: " + cite(position),
                                    ("stated_position",))
    if position is None:
        vote = state.fact("unga_vote")
        silent = ("no stated reason for not joining"
                  + (f" ({cite(state.fact('stated_position'))})"
                     if state.fact("stated_position").known else ""))
        if vote.value == "yes" and "bandwidth" not in found:
            found["bandwidth"] = Choice("barrier", "bandwidth", f"{silent}, yet {cite(vote)}: "
                                        "supportive but not acting", ("stated_position", vote.fact))
        elif vote.value != "yes":
            found["awareness"] = Choice("barrier", "awareness",
                                        f"{silent}; {cite(vote)}", ("stated_position", vote.fact))
    if not found:
        found["awareness"] = Choice("barrier", "awareness",
                                    "no fact points to a specific barrier", ())
    return [found[b] for b in PRIORITY if b in found]


def _regional(state: State, registry: Registry) -> Choice | None:
    for key in state.groupings:
        members = [registry.by_iso3(m) for m in registry.members(key)]
        outside = [m for m in members if m.outside]
        if len(members) >= 3 and len(outside) / len(members) >= REGIONAL_SHARE:
            return Choice(
                "barrier", "regional_alignment",
                f"{len(outside)} of the {len(members)} members of {key} are outside the "
                f"Convention (status as of {registry.status.as_of})", ("groupings", "status"))
    return None


def barriers(state: State, registry: Registry, given: Sequence[str] | None,
             source: str = "profile") -> list[Choice]:
    """The State's barriers: those given (option or profile) in their order, else inferred."""
    if given:
        unknown = [b for b in given if b not in BARRIERS]
        if unknown:
            raise ValueError(f"unknown barrier {unknown[0]!r}")
        return [Choice("barrier", b, f"given in the {source}") for b in given]
    return infer_barriers(state, registry)


def legislation_variant(state: State, chosen: str | None = None) -> Choice:
    """`minimal` for a State with no stockpiles, no contamination and no production; else
    `full`."""
    if chosen:
        return Choice("legislation.variant", chosen, "chosen by the user")
    facts = [state.fact(n) for n in ("stockpiles", "contamination", "producer")]
    if all(f.value == "no" for f in facts):
        return Choice("legislation.variant", "minimal", "minimum credible implementation: "
                      + "; ".join(cite(f) for f in facts), tuple(f.fact for f in facts))
    open_ = [f for f in facts if f.value != "no"]
    return Choice("legislation.variant", "full", "full model law, because "
                  + "; ".join(cite(f) if f.known else f"{f.fact}: unknown" for f in open_),
                  tuple(f.fact for f in open_))


def drafting_style(state: State, chosen: str | None = None) -> Choice:
    """The drafting style of the model law, from the State's legal tradition."""
    if chosen:
        return Choice(DRAFTING, chosen, "chosen by the user")
    tradition = state.fact("legal_tradition")
    value = tradition.value
    parts = (tradition.qualifier or "").casefold()
    if value == "common_law" or (value == "mixed" and "common law" in parts
                                 and "civil law" not in parts):
        return Choice(DRAFTING, "common-law", f"{cite(tradition)}: common-law drafting",
                      ("legal_tradition",))
    if value == "civil_law" or (value == "mixed" and "civil law" in parts
                                and "common law" not in parts):
        return Choice(DRAFTING, "civil-law", f"{cite(tradition)}: civil-law drafting",
                      ("legal_tradition",))
    style = "common-law" if state.languages[:1] == ("en",) else "civil-law"
    basis = cite(tradition) if tradition.known else "legal tradition unknown"
    return Choice(DRAFTING, style, f"{basis}: neither common nor civil law alone; "
                  f"{style} drafting follows the package language ({state.languages[0]}); "
                  "the other style is available on request", ("legal_tradition", "languages"))


def treaty_part(state: State, fact: str) -> Choice:
    """Whether the steps note gives the Art. 3 (stockpiles) or Art. 4 (clearance) deadline."""
    obs = state.fact(fact)
    if obs.value == "no":
        return Choice(f"steps.{fact}", "left out", f"{cite(obs)}: deadline not relevant",
                      (fact,))
    if obs.value == "yes":
        return Choice(f"steps.{fact}", "firm", f"{cite(obs)}: deadline applies", (fact,))
    basis = cite(obs) if obs.value != UNKNOWN else f"{fact}: unknown"
    return Choice(f"steps.{fact}", "conditional",
                  f"{basis}: deadline stated conditionally", (fact,))
