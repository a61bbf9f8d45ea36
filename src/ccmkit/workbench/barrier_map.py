"""The one-page internal barrier map: the five barrier categories of the work plan against the
States for which each is the primary barrier (from their stated concerns, else their facts, by
``ccmkit.rules.primary_barrier``), with the recommended engagement message for each."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TypedDict

from ccmkit import rules
from ccmkit.data.states import Registry, State
from ccmkit.i18n import N_, gettext_for
from ccmkit.vocab import BARRIERS
from ccmkit.workbench.messaging import messages
from ccmkit.workbench.render import BaseContext, base_context, render_internal
from ccmkit.workbench.targets import rank

TITLE = N_("Barrier map")
PRIMARY_RULE = N_("Each State appears once, under its primary barrier: the first, in the order "
                  "defence and security, legal and technical, regional, capacity, awareness, "
                  "behind its own stated concerns; without a stated concern, the first that its "
                  "facts point to. Within a barrier, States are in the order of the engagement "
                  "list, closest to joining first.")


@dataclass(frozen=True)
class Row:
    """One barrier: the States it concerns and the engagement message."""

    barrier: str
    label: str
    states: tuple[State, ...]
    engagement: str
    citation: str


def barrier_states(registry: Registry, states: Iterable[State]) -> dict[str, list[State]]:
    """barrier -> the States outside for which it is the primary barrier (each State once)."""
    out: dict[str, list[State]] = {b: [] for b in BARRIERS}
    for state in states:
        if state.outside:
            out[rules.primary_barrier(state, registry).value].append(state)
    return out


def rows(registry: Registry, states: Iterable[State], lang: str,
         template_dir: Path | None = None) -> list[Row]:
    chosen = list(states)
    found = barrier_states(registry, chosen)
    order = {t.state.iso3: t.rank for t in rank(registry, chosen).targets}
    out = []
    for entry in messages(lang, template_dir=template_dir):
        members = sorted(found[entry.barrier], key=lambda s: order.get(s.iso3, 0))
        out.append(Row(entry.barrier, entry.label, tuple(members), entry.engagement,
                       entry.citation))
    return out


class BarrierRow(TypedDict):
    """One barrier of the map."""

    label: str  # the barrier's label, in the language
    states: list[str]  # the short names of the States it concerns, in ranking order
    engagement: str  # the engagement message for it
    citation: str  # the articles its messages rest on


class BarrierMapContext(BaseContext):
    """The context of internal/barrier_map.html.j2 (see ``BaseContext``)."""

    scope_name: str  # what the selection covers (a grouping, a region, all States outside)
    count: int  # the States outside the Convention in the selection
    primary_rule: str  # how each State's primary barrier is chosen
    rows: list[BarrierRow]


def context(registry: Registry, states: list[State], lang: str, generated: date, scope: str,
            template_dir: Path | None = None) -> BarrierMapContext:
    outside = [s for s in states if s.outside]
    _ = gettext_for(lang)
    return {**base_context(registry, lang, generated), "scope_name": scope,
            "count": len(outside), "primary_rule": _(PRIMARY_RULE),
            "rows": [{"label": r.label, "states": [s.names[lang].short for s in r.states],
                      "engagement": r.engagement, "citation": r.citation}
                     for r in rows(registry, outside, lang, template_dir)]}


def render(registry: Registry, states: list[State], lang: str, formats: tuple[str, ...],
           generated: date, scope: str, template_dir: Path | None = None) -> dict[str, bytes]:
    """The barrier map in `lang`: {format: bytes}."""
    _ = gettext_for(lang)
    return render_internal("barrier_map", lang,
                           context(registry, states, lang, generated, scope, template_dir),
                           formats, title=_(TITLE), scope=scope, generated=generated,
                           template_dir=template_dir)
