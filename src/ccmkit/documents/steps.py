"""Ratification steps note: domestic and international steps with computed dates (Arts. 3,
4, 7, 9, 16, 17, 22)."""

from __future__ import annotations

from datetime import date
from typing import Any

from ccmkit.documents.subject import Subject, common_context
from ccmkit.treaty import (
    CLEARANCE_YEARS,
    ENTRY_INTO_FORCE,
    INITIAL_REPORT_DAYS,
    STOCKPILE_YEARS,
    timeline,
)


def example_deposit(generated: date) -> date:
    """A plausible deposit date for the worked example: the 15th, three months ahead."""
    month = generated.month + 3
    return date(generated.year + (month - 1) // 12, (month - 1) % 12 + 1, 15)


def build(subject: Subject, lang: str) -> dict[str, Any]:
    """Context for templates/steps/<lang>.html.j2."""
    state = subject.state
    example = timeline(example_deposit(subject.options.generated))
    return {
        **common_context(subject, lang),
        "timeline": subject.timeline(),
        "example": example,
        "signature_date": state.membership.signature_date,
        "withdrawal_date": state.membership.effective_date,
        "convention_in_force": ENTRY_INTO_FORCE,
        "stockpiles": state.fact("stockpiles"),
        "contamination": state.fact("contamination"),
        "may_stockpiles": subject.may_have("stockpiles"),
        "may_contamination": subject.may_have("contamination"),
        "provisional_application": subject.provisional_application,
        "report_days": INITIAL_REPORT_DAYS,
        "stockpile_years": STOCKPILE_YEARS,
        "clearance_years": CLEARANCE_YEARS,
    }
