"""Why each document says what it says: data for the internal brief, never rendered.

Every context builder returns `choices`, a list of `Choice` (in English, for the ISU). The
outgoing templates never use them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Choice:
    """One choice made for the State: what was chosen and why (English, internal)."""

    name: str  # e.g. "legislation.variant", "qa.entry.withdrawal"
    value: str
    reason: str
