"""Regional framing by workshop grouping, for the Q&A ("in ASEAN, 2 of the 11 member States are
party…"): counts computed from the data with the status table's as-of date."""

from __future__ import annotations

from dataclasses import dataclass

from ccmkit.data.states import Registry, State


@dataclass(frozen=True)
class RegionalFraming:
    """How a grouping (or the State's M49 region) stands towards the Convention."""

    key: str  # grouping key (e.g. "ASEAN") or the M49 region
    name: str  # the grouping's name in the language asked for (region: the M49 name)
    total: int
    parties: int
    signatories: int
    as_of: str  # the status table's as-of date (ISO date or year-month)


def regional_framing(registry: Registry, state: State, group: str | None = None,
                     lang: str = "en") -> RegionalFraming:
    """Counts for the workshop's grouping when given, else for the State's M49 region."""
    counts = registry.regional(state, group)
    if group:
        record = registry.grouping(group)
        key, name = record.key, record.names.get(lang) or record.key
    else:
        key = name = state.region
    return RegionalFraming(key, name, counts["total"], counts["parties"],
                           counts["signatories"], registry.status.as_of)
