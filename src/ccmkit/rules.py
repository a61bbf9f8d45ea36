"""The rules that turn a State's facts into the package's choices, each with its reason.

Every function returns :class:`Choice` objects: the value the documents use, and a reason in
English that names the facts (with their dates) it rests on. The outgoing documents use only the
values; the internal brief shows the reasons. This module is the one place these rules live.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from ccmkit.vocab import BARRIERS, UNKNOWN

if TYPE_CHECKING:
    from ccmkit.data.facts import Observation
    from ccmkit.data.states import Registry, State

DRAFTING = "legislation.drafting"
Part = Literal["firm", "conditional", "left out"]  # how the steps note gives a deadline
# The order in which barriers are addressed: security concerns first, awareness last.
PRIORITY = ("defence_security", "legal_technical", "regional_alignment", "bandwidth",
            "awareness")
REGIONAL_SHARE = 0.5  # a grouping where at least this share of members is outside
# Each stated concern and the work plan's barrier category it falls under, with why. The one
# mapping from a State's concerns to barriers: a capacity concern is not a defence barrier.
CONCERN_BARRIER: dict[str, tuple[str, str]] = {
    "security_defence": ("defence_security", "states a defence or security need"),
    "interoperability": ("defence_security",
                         "concerned about joint operations with States not party (Art. 21)"),
    "definition": ("legal_technical", "questions the scope of the definition (Art. 2)"),
    "insufficient_ambition": ("legal_technical",
                              "finds the Convention not strict enough (Arts. 2, 21)"),
    "users_responsibility": ("legal_technical",
                             "wants users and producers to bear the burden (Arts. 4(4), 6)"),
    "process_outside_un": ("legal_technical",
                           "objects to a treaty negotiated outside the United Nations"),
    "clearance_capacity": ("legal_technical",
                           "doubts it can meet the clearance deadline (Art. 4)"),
    "stockpile_destruction": ("legal_technical",
                              "concerned by the cost or time of stockpile destruction (Art. 3)"),
    "territorial_conflict": ("regional_alignment",
                             "ties joining to an unresolved conflict, occupation or peace "
                             "process"),
    "regional_alignment": ("regional_alignment", "waits for its neighbours or region"),
    "capacity_priority": ("bandwidth", "cites capacity, resources or other priorities"),
}
# The articles that answer each concern (the brief's ask; the Q&A cites them in full).
CONCERN_ARTICLES: dict[str, str] = {
    "security_defence": "Arts. 1, 3(6), 21", "interoperability": "Art. 21",
    "definition": "Art. 2(2)", "insufficient_ambition": "Arts. 1(1)(c), 9, 21(2)",
    "users_responsibility": "Arts. 4(4), 6", "process_outside_un": "Arts. 7, 22",
    "clearance_capacity": "Arts. 4(5)-(8), 6", "stockpile_destruction": "Arts. 3(3)-(5), 6",
    "territorial_conflict": "Arts. 1, 4, 18", "regional_alignment": "Art. 21",
    "capacity_priority": "Arts. 6, 9",
}
# Engagement that counts as an interim step towards joining (targeting, the brief's ask), and
# stated concerns that count as opposition (refusal on principle, not a practical obstacle).
INTERIM_STEPS = ("pledged", "process_under_way", "considering", "de_facto_compliance",
                 "voluntary_report")
OPPOSING = ("security_defence", "interoperability", "process_outside_un")
PROCEDURE = ("pledged", "process_under_way")


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
    shown = obs.shown.replace(";", ", ")
    return f"{obs.fact}: {shown} ({when})" + (" [override]" if obs.override else "")


def _has(state: State, name: str) -> bool:
    return state.value(name) == "yes"


def concerns(state: State) -> tuple[str, ...]:
    """The State's stated concerns (``none_stated`` and ``unknown`` give none)."""
    return tuple(v for v in state.fact("concerns").values if v in CONCERN_BARRIER)


def engagement(state: State) -> tuple[str, ...]:
    """The State's recorded engagement (``none`` and ``unknown`` give none)."""
    return tuple(v for v in state.fact("engagement").values if v not in ("none", UNKNOWN))


def concern_barriers(state: State) -> dict[str, Choice]:
    """Barriers that follow from the State's stated concerns, through :data:`CONCERN_BARRIER`."""
    found: dict[str, list[str]] = {}
    for concern in concerns(state):
        barrier, why = CONCERN_BARRIER[concern]
        found.setdefault(barrier, []).append(f"{concern}: {why}")
    obs = state.fact("concerns")
    return {b: Choice("barrier", b, "stated concerns " + "; ".join(why) + f" ({cite(obs)})",
                      ("concerns",)) for b, why in found.items()}


def infer_barriers(state: State, registry: Registry) -> list[Choice]:
    """Barriers from the State's stated concerns, then from its facts, in the order the
    package addresses them; the first is the primary barrier (:func:`primary_barrier`)."""
    stated = concern_barriers(state)
    found: dict[str, Choice] = {}
    arms = [state.fact(n) for n in ("stockpiles", "producer", "used") if _has(state, n)]
    if arms:
        found["defence_security"] = Choice(
            "barrier", "defence_security",
            "facts point to a military stake in cluster munitions: "
            + "; ".join(cite(o) for o in arms), tuple(o.fact for o in arms))
    steps = [e for e in engagement(state) if e in PROCEDURE]
    if state.status == "signatory":
        found["legal_technical"] = Choice(
            "barrier", "legal_technical",
            "a signatory: the domestic procedure to ratify is what remains", ("status",))
    elif steps:
        found["legal_technical"] = Choice(
            "barrier", "legal_technical", "engagement records a domestic process: "
            + cite(state.fact("engagement")), ("engagement",))
    regional = _regional(state, registry)
    if regional:
        found["regional_alignment"] = regional
    if not stated:
        _silent(state, found)
    ordered = [stated[b] for b in PRIORITY if b in stated]
    ordered += [found[b] for b in PRIORITY if b in found and b not in stated]
    if not ordered:
        ordered = [Choice("barrier", "awareness", "no fact points to a specific barrier", ())]
    return ordered


def _silent(state: State, found: dict[str, Choice]) -> None:
    """No stated concern: supportive but not acting (bandwidth), or not engaged (awareness)."""
    obs, vote = state.fact("concerns"), state.fact("unga_vote")
    basis = f"no stated concern ({cite(obs)})" if obs.known else "concerns not classified"
    supportive = vote.value == "yes" or bool(engagement(state))
    if supportive and "bandwidth" not in found:
        found["bandwidth"] = Choice(
            "barrier", "bandwidth", f"{basis}, yet {cite(vote)}; "
            f"{cite(state.fact('engagement'))}: supportive but not acting",
            ("concerns", "engagement", vote.fact))
    elif not supportive:
        found["awareness"] = Choice("barrier", "awareness", f"{basis}; {cite(vote)}; "
                                    f"{cite(state.fact('engagement'))}",
                                    ("concerns", "engagement", vote.fact))


def primary_barrier(state: State, registry: Registry) -> Choice:
    """The one barrier to focus on: the first behind the State's own stated concerns (in
    :data:`PRIORITY` order), else the first inferred from its facts."""
    first = infer_barriers(state, registry)[0]
    rule = ("primary: the first barrier, in priority order, behind the State's stated concerns"
            if concern_barriers(state) else
            "primary: no stated concern, so the first barrier from the facts")
    return Choice("barrier.primary", first.value, f"{rule}; {first.reason}", first.facts)


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


# The ask for the next meeting: what to request, from the State's engagement (strongest first),
# its route and its concerns. Values are keys; the brief words them in its language.
ASKS = ("confirm_route_after_withdrawal", "date_for_parliament", "timeline_to_submit",
        "formalise_compliance", "name_the_obstacle", "first_step", "open_dialogue")


def next_ask(state: State, last_next_step: str | None = None) -> Choice:
    """The ask for the next meeting, and why (the log's agreed next step comes first)."""
    engaged = set(engagement(state))
    obs = cite(state.fact("engagement"))
    if last_next_step:
        return Choice("ask", "follow_up", f"the follow-up log's last agreed next step: "
                      f"{last_next_step}", ("log",))
    if state.status == "withdrawn":
        value, why = "confirm_route_after_withdrawal", "withdrew: ask what would allow it to " \
            "reconsider, and whether it keeps the Convention's norms in practice"
    elif engaged & {"process_under_way"}:
        value, why = "date_for_parliament", "a domestic process is under way"
    elif engaged & {"pledged"} or state.status == "signatory":
        value, why = "timeline_to_submit", "pledged or signed, no process under way recorded"
    elif engaged & {"de_facto_compliance", "voluntary_report"}:
        value, why = "formalise_compliance", "complies in practice or reports voluntarily"
    elif engaged & {"considering"} or concerns(state):
        value, why = "name_the_obstacle", "considering joining or has stated concerns"
    elif engaged & {"supports_norm"}:
        value, why = "first_step", "supports the aims, no step recorded"
    else:
        value, why = "open_dialogue", "no engagement recorded"
    return Choice("ask", value, f"{why} ({obs})", ("engagement", "status"))
