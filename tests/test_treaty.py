"""Treaty rules on real cases from the Convention's history and on the calendar's edges."""

from datetime import date

import pytest

from ccmkit.treaty import add_years, entry_into_force, route_for, timeline


@pytest.mark.parametrize(
    ("deposit", "in_force"),
    [
        # worked examples from the reference (deposit → entry into force)
        (date(2011, 9, 22), date(2012, 3, 1)),  # Czech Republic
        (date(2012, 7, 17), date(2013, 1, 1)),  # Switzerland
        (date(2015, 7, 24), date(2016, 1, 1)),  # Slovakia
        (date(2018, 3, 1), date(2018, 9, 1)),  # Sri Lanka
        (date(2023, 2, 28), date(2023, 8, 1)),  # Nigeria
        (date(2025, 9, 5), date(2026, 3, 1)),  # Vanuatu
        # the first thirty instruments: the Convention's own entry into force (Art. 17(1))
        (date(2010, 2, 16), date(2010, 8, 1)),
        (date(2009, 4, 2), date(2010, 8, 1)),
        # edges: first and last day of a month, and the change of year
        (date(2027, 1, 1), date(2027, 7, 1)),
        (date(2027, 1, 31), date(2027, 7, 1)),
        (date(2027, 6, 30), date(2027, 12, 1)),
        (date(2027, 7, 1), date(2028, 1, 1)),
        (date(2027, 12, 31), date(2028, 6, 1)),
    ],
)
def test_entry_into_force(deposit: date, in_force: date) -> None:
    assert entry_into_force(deposit) == in_force


def test_nigeria_initial_report_due_28_january_2024() -> None:
    assert timeline(date(2023, 2, 28)).initial_report_due == date(2024, 1, 28)


@pytest.mark.parametrize(
    ("deposit", "report_due"),
    [
        (date(2027, 3, 15), date(2028, 2, 28)),  # 1 Sep 2027 + 180 days: the day before 29 Feb 2028
        (date(2027, 4, 15), date(2028, 3, 29)),  # 1 Oct 2027 + 180: leap year 2028
        (date(2026, 4, 15), date(2027, 3, 30)),  # 1 Oct 2026 + 180: common year
        (date(2027, 2, 10), date(2028, 1, 28)),  # 1 Aug 2027 + 180
    ],
)
def test_initial_report_180_days(deposit: date, report_due: date) -> None:
    assert timeline(deposit).initial_report_due == report_due


def test_stockpile_and_clearance_deadlines() -> None:
    line = timeline(date(2018, 3, 1))
    assert line.stockpile_destruction_due == date(2026, 9, 1)  # 8 years (Art. 3)
    assert line.clearance_due == date(2028, 9, 1)  # 10 years (Art. 4)


def test_deadlines_left_out_when_not_applicable() -> None:
    line = timeline(date(2027, 3, 15), stockpiles=False, contamination=False)
    assert line.stockpile_destruction_due is None and line.clearance_due is None
    assert set(line.as_iso()) == {"deposit", "entry_into_force", "initial_report_due"}


def test_add_years_on_29_february() -> None:
    assert add_years(date(2028, 2, 29), 8) == date(2036, 2, 29)
    assert add_years(date(2028, 2, 29), 1) == date(2029, 2, 28)


def test_routes() -> None:
    assert route_for("signatory") == "ratification"
    assert route_for("signatory", "acceptance") == "acceptance"
    assert route_for("not_signed") == "accession"
    assert route_for("not_signed", "ratification") == "accession"  # cannot ratify unsigned
    assert route_for("withdrawn") == "accession"
    with pytest.raises(ValueError):
        route_for("state_party")


@pytest.mark.parametrize(("deposit", "signed", "historical", "message"), [
    (date(2007, 1, 1), None, True, "before the Convention was adopted"),
    (date(2009, 1, 1), date(2009, 3, 18), True, "before the State signed"),
    (date(2040, 1, 1), None, False, "more than 10 years ahead"),
    (date(2018, 3, 1), None, False, "in the past"),
    (date(2018, 3, 1), None, True, None),
    (date(2027, 3, 15), date(2008, 12, 3), False, None),
])
def test_check_deposit_date(deposit, signed, historical, message) -> None:
    from ccmkit.treaty import check_deposit_date

    found = check_deposit_date(deposit, date(2026, 11, 26), signed, historical)
    assert (found is None) if message is None else (message in found)
