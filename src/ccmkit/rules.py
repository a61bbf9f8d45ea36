"""The rules that turn a State's facts into the package's choices, each with its reason.

Every function returns :class:`Choice` objects: the value the documents use, and a reason in
English that names the facts (with their dates) it rests on. The outgoing documents use only the
values; the internal brief shows the reasons. This module is the one place these rules live.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Literal

from ccmkit.i18n import N_
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
    "security_defence": ("defence_security", N_("states a defence or security need")),
    "interoperability": ("defence_security", N_(
        "concerned about joint operations with States not party (Art. 21)")),
    "definition": ("legal_technical", N_("questions the scope of the definition (Art. 2)")),
    "insufficient_ambition": ("legal_technical", N_(
        "finds the Convention not strict enough (Arts. 2, 21)")),
    "users_responsibility": ("legal_technical", N_(
        "wants users and producers to bear the burden (Arts. 4(4), 6)")),
    "process_outside_un": ("legal_technical", N_(
        "objects to a treaty negotiated outside the United Nations")),
    "clearance_capacity": ("legal_technical", N_(
        "doubts it can meet the clearance deadline (Art. 4)")),
    "stockpile_destruction": ("legal_technical", N_(
        "concerned by the cost or time of stockpile destruction (Art. 3)")),
    "territorial_conflict": ("regional_alignment", N_(
        "ties joining to an unresolved conflict, occupation or peace process")),
    "regional_alignment": ("regional_alignment", N_("waits for its neighbours or region")),
    "capacity_priority": ("bandwidth", N_("cites capacity, resources or other priorities")),
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


class Msg(str):
    """A reason's part that is itself a message, translated with the reason."""




@dataclass(frozen=True)
class Choice:
    """A choice made for a State: its value and why.

    ``reason`` is the English text; a choice made by a rule also keeps its ``message`` (a
    gettext message with named fields) and ``params``, so the brief words it in its own
    language (:meth:`reason_in`)."""

    name: str
    value: str
    reason: str
    facts: tuple[str, ...] = ()  # the facts the reason rests on
    message: str | None = None
    params: tuple[tuple[str, object], ...] = ()

    def reason_in(self, translate: Callable[[str], str],
                  cite_in: Callable[[Observation], str]) -> str:
        """The reason worded with `translate` (gettext), each fact cited with `cite_in`."""
        if self.message is None:
            return self.reason
        return translate(self.message).format(
            **{k: _param(v, translate, cite_in) for k, v in self.params})


def _param(value: object, translate: Callable[[str], str],
           cite_in: Callable[[Observation], str]) -> str:
    if isinstance(value, Msg):
        return translate(value)
    if isinstance(value, str):
        return value
    if isinstance(value, tuple):
        return "; ".join(_param(v, translate, cite_in) for v in value)
    return cite_in(value)  # type: ignore[arg-type]


def because(name: str, value: str, message: str, basis: tuple[str, ...] = (),
            **params: object) -> Choice:
    """A rule's choice: its English reason from `message` and `params` (facts cited); `basis`
    names the facts it rests on."""
    items = tuple(params.items())
    probe = Choice(name, value, "", basis, message, items)
    return replace(probe, reason=probe.reason_in(lambda m: m, cite))


def cite(obs: Observation) -> str:
    """`stockpiles: yes (2023-09-05)` for a reason; the fact's source is listed with the fact."""
    when = obs.as_of_text or "undated"
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
    found: dict[str, list[Msg]] = {}
    for concern in concerns(state):
        barrier, why = CONCERN_BARRIER[concern]
        found.setdefault(barrier, []).append(Msg(why))
    return {b: because("barrier", b, N_("stated concerns: {why}"), ("concerns",),
                       why=tuple(why)) for b, why in found.items()}


def infer_barriers(state: State, registry: Registry) -> list[Choice]:
    """Barriers from the State's stated concerns, then from its facts, in the order the
    package addresses them; the first is the primary barrier (:func:`primary_barrier`)."""
    stated = concern_barriers(state)
    found: dict[str, Choice] = {}
    arms = tuple(state.fact(n) for n in ("stockpiles", "producer", "used") if _has(state, n))
    if arms:
        found["defence_security"] = because(
            "barrier", "defence_security",
            N_("facts point to a military stake in cluster munitions: {facts}"),
            tuple(o.fact for o in arms), facts=arms)
    steps = [e for e in engagement(state) if e in PROCEDURE]
    if state.status == "signatory":
        found["legal_technical"] = because(
            "barrier", "legal_technical",
            N_("a signatory: the domestic procedure to ratify is what remains"), ("status",))
    elif steps:
        found["legal_technical"] = because(
            "barrier", "legal_technical", N_("engagement records a domestic process: {fact}"),
            ("engagement",), fact=state.fact("engagement"))
    regional = _regional(state, registry)
    if regional:
        found["regional_alignment"] = regional
    if not stated:
        _silent(state, found)
    ordered = [stated[b] for b in PRIORITY if b in stated]
    ordered += [found[b] for b in PRIORITY if b in found and b not in stated]
    if not ordered:
        ordered = [because("barrier", "awareness", N_("no fact points to a specific barrier"))]
    return ordered


def _silent(state: State, found: dict[str, Choice]) -> None:
    """No stated concern: supportive but not acting (bandwidth), or not engaged (awareness)."""
    obs, vote, engaged = state.fact("concerns"), state.fact("unga_vote"), state.fact("engagement")
    grounds: object = obs if obs.known else Msg(N_("concerns not classified"))
    facts = ("concerns", "engagement", vote.fact)
    if vote.value == "yes" or bool(engagement(state)):
        if "bandwidth" not in found:
            found["bandwidth"] = because(
                "barrier", "bandwidth",
                N_("no stated concern ({grounds}), yet {vote}; {engagement}: supportive but "
                   "not acting"), facts, grounds=grounds, vote=vote, engagement=engaged)
    else:
        found["awareness"] = because(
            "barrier", "awareness", N_("no stated concern ({grounds}); {vote}; {engagement}"),
            facts, grounds=grounds, vote=vote, engagement=engaged)


def primary_barrier(state: State, registry: Registry) -> Choice:
    """The one barrier to focus on: the first behind the State's own stated concerns (in
    :data:`PRIORITY` order), else the first inferred from its facts."""
    first = infer_barriers(state, registry)[0]
    rule = (N_("primary: the first barrier, in priority order, behind the State's stated "
               "concerns") if concern_barriers(state) else
            N_("primary: no stated concern, so the first barrier from the facts"))
    return replace(first, name="barrier.primary", message=N_("{rule}; {reason}"),
                   params=(("rule", Msg(rule)), ("reason", first)),
                   reason=f"{rule}; {first.reason}")


def _regional(state: State, registry: Registry) -> Choice | None:
    for key in state.groupings:
        members = [registry.by_iso3(m) for m in registry.members(key)]
        outside = [m for m in members if m.outside]
        if len(members) >= 3 and len(outside) / len(members) >= REGIONAL_SHARE:
            return because(
                "barrier", "regional_alignment",
                N_("{outside} of the {members} members of {group} are outside the Convention "
                   "(status as of {as_of})"), ("groupings", "status"),
                outside=str(len(outside)), members=str(len(members)), group=key,
                as_of=registry.status.as_of)
    return None


def barriers(state: State, registry: Registry, given: Sequence[str] | None,
             source: str = "profile") -> list[Choice]:
    """The State's barriers: those given (option or profile) in their order, else inferred."""
    if given:
        unknown = [b for b in given if b not in BARRIERS]
        if unknown:
            raise ValueError(f"unknown barrier {unknown[0]!r}")
        where = Msg(N_("the options") if source == "options" else N_("the profile"))
        return [because("barrier", b, N_("given in {source}"), where=where, source=where)
                for b in given]
    return infer_barriers(state, registry)


CHOSEN = N_("chosen by the user")


def legislation_variant(state: State, chosen: str | None = None) -> Choice:
    """`minimal` for a State with no stockpiles, no contamination and no production; else
    `full`."""
    name = "legislation.variant"
    if chosen:
        return because(name, chosen, CHOSEN)
    facts = tuple(state.fact(n) for n in ("stockpiles", "contamination", "producer"))
    if all(f.value == "no" for f in facts):
        return because(name, "minimal", N_("minimum credible implementation: {facts}"),
                       tuple(f.fact for f in facts), facts=facts)
    open_ = tuple(f for f in facts if f.value != "no")
    return because(name, "full", N_("full model law, because {facts}"),
                   tuple(f.fact for f in open_), facts=open_)


def drafting_style(state: State, chosen: str | None = None) -> Choice:
    """The drafting style of the model law, from the State's legal tradition."""
    if chosen:
        return because(DRAFTING, chosen, CHOSEN)
    tradition = state.fact("legal_tradition")
    value = tradition.value
    parts = (tradition.qualifier or "").casefold()
    if value == "common_law" or (value == "mixed" and "common law" in parts
                                 and "civil law" not in parts):
        return because(DRAFTING, "common-law", N_("{fact}: common-law drafting"),
                       ("legal_tradition",), fact=tradition)
    if value == "civil_law" or (value == "mixed" and "civil law" in parts
                                and "common law" not in parts):
        return because(DRAFTING, "civil-law", N_("{fact}: civil-law drafting"),
                       ("legal_tradition",), fact=tradition)
    style = "common-law" if state.languages[:1] == ("en",) else "civil-law"
    return because(DRAFTING, style, N_(
        "{fact}: neither common nor civil law alone; {style} drafting follows the package "
        "language ({lang}); the other style is available on request"),
        ("legal_tradition", "languages"), fact=tradition, style=style, lang=state.languages[0])


def treaty_part(state: State, fact: str) -> Choice:
    """Whether the steps note gives the Art. 3 (stockpiles) or Art. 4 (clearance) deadline."""
    obs = state.fact(fact)
    name = f"steps.{fact}"
    if obs.value == "no":
        return because(name, "left out", N_("{fact}: deadline not relevant"), (fact,), fact=obs)
    if obs.value == "yes":
        return because(name, "firm", N_("{fact}: deadline applies"), (fact,), fact=obs)
    return because(name, "conditional", N_("{fact}: deadline stated conditionally"), (fact,),
                   fact=obs)


# The ask for the next meeting: what to request, from the State's engagement (strongest first),
# its route and its concerns. Values are keys; the brief words them in its language.
ASKS = ("confirm_route_after_withdrawal", "date_for_parliament", "timeline_to_submit",
        "formalise_compliance", "name_the_obstacle", "first_step", "open_dialogue")


def next_ask(state: State, last_next_step: str | None = None) -> Choice:
    """The ask for the next meeting, and why (the log's agreed next step comes first)."""
    engaged = set(engagement(state))
    if last_next_step:
        return because("ask", "follow_up", N_("the follow-up log's last agreed next step: "
                                              "{step}"), ("log",), step=last_next_step)
    if state.status == "withdrawn":
        value, why = "confirm_route_after_withdrawal", N_(
            "withdrew: ask what would allow it to reconsider, and whether it keeps the "
            "Convention's norms in practice")
    elif engaged & {"process_under_way"}:
        value, why = "date_for_parliament", N_("a domestic process is under way")
    elif engaged & {"pledged"} or state.status == "signatory":
        value, why = "timeline_to_submit", N_("pledged or signed, no process under way "
                                              "recorded")
    elif engaged & {"de_facto_compliance", "voluntary_report"}:
        value, why = "formalise_compliance", N_("complies in practice or reports voluntarily")
    elif engaged & {"considering"} or concerns(state):
        value, why = "name_the_obstacle", N_("considering joining or has stated concerns")
    elif engaged & {"supports_norm"}:
        value, why = "first_step", N_("supports the aims, no step recorded")
    else:
        value, why = "open_dialogue", N_("no engagement recorded")
    return because("ask", value, N_("{why} ({fact})"), ("engagement", "status"),
                   why=Msg(why), fact=state.fact("engagement"))
