"""The Convention's rules on routes, entry into force and deadlines. Pure functions, no I/O.

Articles cited are those of the Convention on Cluster Munitions (Dublin, 30 May 2008).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, timedelta

from ccmkit.vocab import Route, Status

ADOPTION_DATE = date(2008, 5, 30)  # Dublin Diplomatic Conference
OPENED_FOR_SIGNATURE = date(2008, 12, 3)  # Oslo (Art. 15)
THIRTIETH_DEPOSIT = date(2010, 2, 16)  # 30th instrument deposited
ENTRY_INTO_FORCE = date(2010, 8, 1)  # Art. 17(1)
INITIAL_REPORT_DAYS = 180  # Art. 7(1)
STOCKPILE_YEARS = 8  # Art. 3(2)
CLEARANCE_YEARS = 10  # Art. 4(1)(a)


def route_for(status: Status, preferred: Route | None = None) -> Route:
    """The instrument a State deposits (Art. 16).

    A signatory ratifies (or accepts or approves); a State that has not signed can only
    accede, because the Convention closed for signature when it entered into force.
    """
    if status == "state_party":
        raise ValueError("a State Party deposits no instrument of consent")
    if status == "signatory":
        if preferred in (None, "accession"):
            return "ratification"
        return preferred
    return "accession"


def add_months(day: date, months: int) -> date:
    """The first day of the month `months` after the month of `day`."""
    index = day.year * 12 + (day.month - 1) + months
    return date(index // 12, index % 12 + 1, 1)


def entry_into_force(deposit: date) -> date:
    """Entry into force for a State depositing on `deposit` (Art. 17).

    Art. 17(2): the first day of the sixth month after the month of deposit.
    Instruments deposited up to the thirtieth took effect with the Convention, 1 August 2010
    (Art. 17(1)).
    """
    if deposit <= THIRTIETH_DEPOSIT:
        return ENTRY_INTO_FORCE
    return add_months(deposit, 6)


def add_years(day: date, years: int) -> date:
    """Same day and month `years` later (29 February falls back to 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


@dataclass(frozen=True)
class Timeline:
    """A State's dates once it has deposited its instrument."""

    deposit: date
    entry_into_force: date
    initial_report_due: date
    stockpile_destruction_due: date | None
    clearance_due: date | None

    def as_iso(self) -> dict[str, str]:
        """ISO 8601 values, omitting deadlines that do not apply."""
        return {k: v.isoformat() for k, v in asdict(self).items() if v is not None}


def timeline(deposit: date, *, stockpiles: bool = True, contamination: bool = True) -> Timeline:
    """Compute the deadlines that follow a deposit on `deposit`.

    `stockpiles`/`contamination` say whether Art. 3 and Art. 4 deadlines apply (pass True
    when unknown: the deadline is then shown so the State can check whether it applies).
    """
    eif = entry_into_force(deposit)
    return Timeline(
        deposit=deposit,
        entry_into_force=eif,
        initial_report_due=eif + timedelta(days=INITIAL_REPORT_DAYS),
        stockpile_destruction_due=add_years(eif, STOCKPILE_YEARS) if stockpiles else None,
        clearance_due=add_years(eif, CLEARANCE_YEARS) if contamination else None,
    )


PLANNING_HORIZON_YEARS = 10  # a planned deposit further ahead than this is a typing error


def check_deposit_date(deposit: date, today: date, signed: date | None = None,
                       historical: bool = False) -> str | None:
    """Why a deposit date cannot be used, or None when it can.

    A date before the Convention's adoption, before the State's signature, more than
    PLANNING_HORIZON_YEARS ahead, or in the past (unless `historical`, for a worked example
    such as Sri Lanka's 2018 deposit) is refused.
    """
    if deposit < ADOPTION_DATE:
        return (f"deposit date {deposit} is before the Convention was adopted "
                f"({ADOPTION_DATE}); give a later date")
    if signed is not None and deposit < signed:
        return f"deposit date {deposit} is before the State signed ({signed}); give a later date"
    if deposit > add_years(today, PLANNING_HORIZON_YEARS):
        return (f"deposit date {deposit} is more than {PLANNING_HORIZON_YEARS} years ahead; "
                "check the year")
    if deposit < today and not historical:
        return (f"deposit date {deposit} is in the past; give a planned date, or pass "
                "--historical for a past deposit")
    return None
