"""Ratification steps note: domestic and international steps with computed dates (Arts. 3,
4, 7, 9, 16, 17, 22)."""

from __future__ import annotations

from datetime import date

from ccmkit import rules
from ccmkit.documents.choices import Choice
from ccmkit.documents.subject import CommonContext, Subject, common_context
from ccmkit.languages import Locale
from ccmkit.treaty import (
    CLEARANCE_YEARS,
    ENTRY_INTO_FORCE,
    INITIAL_REPORT_DAYS,
    STOCKPILE_YEARS,
    Timeline,
    timeline,
)


def example_deposit(generated: date) -> date:
    """A plausible deposit date for the worked example: the 15th, three months ahead."""
    month = generated.month + 3
    return date(generated.year + (month - 1) // 12, (month - 1) % 12 + 1, 15)


def _deadline(subject: Subject, fact: str) -> Choice:
    """Whether the note shows an Art. 3/4 deadline, and how (rule in ccmkit.rules)."""
    return rules.treaty_part(subject.state, fact)


class StepsContext(CommonContext):
    """The context of steps/<lang>.html.j2 (see ``CommonContext``)."""

    timeline: Timeline | None  # the dates from the planned deposit date, if one is known
    # (deposit, entry_into_force, initial_report_due, stockpile_destruction_due, clearance_due)
    example: Timeline  # the same dates for an example deposit, when no date is known
    signature_date: date | None  # when the State signed (None if it never signed)
    withdrawal_date: date | None  # when its withdrawal took effect (a withdrawn State)
    convention_in_force: date  # the Convention's entry into force (1 August 2010)
    stockpiles: str  # the Art. 3 deadline: "firm", "conditional" or "left out"
    contamination: str  # the Art. 4 deadline: "firm", "conditional" or "left out"
    provisional_application: bool  # the Article 18 declaration is made
    report_days: int  # days after entry into force for the initial report (Art. 7(1))
    stockpile_years: int  # years to destroy stockpiles (Art. 3(2))
    clearance_years: int  # years to clear remnants (Art. 4(1))
    choices: list[Choice]  # internal (English reasons for the ISU): never print in a template


def build(subject: Subject, locale: Locale) -> StepsContext:
    """Context for templates/steps/<lang>.html.j2."""
    state = subject.state
    line = subject.timeline()
    example = timeline(example_deposit(subject.options.generated))
    stock, cont = _deadline(subject, "stockpiles"), _deadline(subject, "contamination")
    dates = Choice("steps.dates", "deposit date" if line else "example",
                   "Dates from the planned deposit date." if line else
                   "No deposit date given: the table applies the rules to an example date.")
    return {
        **common_context(subject, locale),
        "timeline": line,
        "example": example,
        "signature_date": state.membership.signature_date,
        "withdrawal_date": state.membership.effective_date,
        "convention_in_force": ENTRY_INTO_FORCE,
        "stockpiles": stock.value,
        "contamination": cont.value,
        "provisional_application": subject.provisional_application,
        "report_days": INITIAL_REPORT_DAYS,
        "stockpile_years": STOCKPILE_YEARS,
        "clearance_years": CLEARANCE_YEARS,
        "choices": [dates, stock, cont],
    }
