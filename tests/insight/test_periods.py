"""Whole periods only: months, ISO weeks, quarters, financial years; anything else is refused with the forms."""
from __future__ import annotations

from datetime import date

import pytest

from insight.periods import PeriodError, iso_weeks, parse_period


@pytest.mark.parametrize(
    "text, kind, start, end",
    [
        ("2026-12", "month", date(2026, 12, 1), date(2027, 1, 1)),
        ("2026-02", "month", date(2026, 2, 1), date(2026, 3, 1)),
        ("2026-W49", "week", date(2026, 11, 30), date(2026, 12, 7)),
        ("2026-w01", "week", date(2025, 12, 29), date(2026, 1, 5)),  # ISO week 1 starts in the year before
        ("2026-W53", "week", date(2026, 12, 28), date(2027, 1, 4)),  # 2026 has 53 ISO weeks
        ("2026-Q4", "quarter", date(2026, 10, 1), date(2027, 1, 1)),
        ("2026-Q1", "quarter", date(2026, 1, 1), date(2026, 4, 1)),
        ("2026/27", "financial_year", date(2026, 4, 1), date(2027, 4, 1)),
        ("2099/00", "financial_year", date(2099, 4, 1), date(2100, 4, 1)),
    ],
)
def test_whole_periods(text, kind, start, end):
    period = parse_period(text)
    assert (period.kind, period.start, period.end) == (kind, start, end)


@pytest.mark.parametrize(
    "text",
    ["2026-12-01", "2026-12-01..2026-12-15", "2026-11-03/2026-11-20", "2026", "2026-13", "2027-W53", "2026-Q5",
     "2026/28", "last month", "", "2026-12 ", "1999-01"],
)
def test_anything_else_is_refused_with_the_accepted_forms(text):
    if text == "2026-12 ":
        assert parse_period(text).code == "2026-12"  # surrounding spaces are forgiven
        return
    with pytest.raises(PeriodError) as error:
        parse_period(text)
    assert "2026-W49" in str(error.value) or "financial year" in str(error.value)


def test_provisional_while_the_period_runs():
    december = parse_period("2026-12")
    assert december.is_provisional(date(2026, 12, 31))
    assert not december.is_provisional(date(2027, 1, 1))


def test_iso_weeks_of_a_month():
    weeks = iso_weeks(parse_period("2026-12"))
    assert [code for code, _ in weeks] == ["2026-W49", "2026-W50", "2026-W51", "2026-W52", "2026-W53"]
