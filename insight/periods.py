"""Whole reporting periods: a month, an ISO week, a quarter or an English financial year. Nothing else.

Reports are made only for whole calendar periods, never for arbitrary date ranges, so two reports can never be
subtracted to single out one conversation (a range ending an hour later would show one more event).

    2026-12    December 2026          2026-W49   ISO week 49 of 2026 (Monday to Sunday)
    2026-Q4    October–December 2026  2026/27    financial year 1 April 2026 – 31 March 2027
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$", re.IGNORECASE)
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$", re.IGNORECASE)
_FINANCIAL_YEAR = re.compile(r"^(\d{4})/(\d{2})$")

PERIOD_HELP = "a month (2026-12), an ISO week (2026-W49), a quarter (2026-Q4) or a financial year (2026/27)"

_MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
    "November", "December",
)


class PeriodError(ValueError):
    """Not a whole period signpost reports on; the message says which forms are accepted."""


@dataclass(frozen=True)
class Period:
    code: str  # canonical form, e.g. "2026-W49"
    kind: str  # "month" | "week" | "quarter" | "financial_year"
    start: date  # first day
    end: date  # the day after the last day
    title: str  # "December 2026"

    def contains(self, day: date) -> bool:
        return self.start <= day < self.end

    def is_provisional(self, today: date) -> bool:
        """Still running (or just ended today): events can still arrive, so figures may change."""
        return today < self.end

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)


def _month(year: int, month: int) -> Period:
    if not 1 <= month <= 12:
        raise PeriodError(f"There is no month {month:02d}. Give {PERIOD_HELP}.")
    start = date(year, month, 1)
    end = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return Period(f"{year}-{month:02d}", "month", start, end, f"{_MONTH_NAMES[month - 1]} {year}")


def _week(year: int, week: int) -> Period:
    try:
        start = date.fromisocalendar(year, week, 1)
    except ValueError:
        raise PeriodError(f"{year} has no ISO week {week}. Give {PERIOD_HELP}.") from None
    end = start + timedelta(days=7)
    title = f"Week {week} of {year} ({start:%-d %B %Y} to {end - timedelta(days=1):%-d %B %Y})"
    return Period(f"{year}-W{week:02d}", "week", start, end, title)


def _quarter(year: int, quarter: int) -> Period:
    first_month = 3 * (quarter - 1) + 1
    start = date(year, first_month, 1)
    end = date(year + 1, 1, 1) if quarter == 4 else date(year, first_month + 3, 1)
    title = f"Quarter {quarter} of {year} ({_MONTH_NAMES[first_month - 1]} to {_MONTH_NAMES[first_month + 1]})"
    return Period(f"{year}-Q{quarter}", "quarter", start, end, title)


def _financial_year(year: int, short_next: int) -> Period:
    if short_next != (year + 1) % 100:
        raise PeriodError(f"A financial year runs into the next year: {year}/{(year + 1) % 100:02d}, not "
                          f"{year}/{short_next:02d}.")
    start, end = date(year, 4, 1), date(year + 1, 4, 1)
    return Period(f"{year}/{short_next:02d}", "financial_year", start, end,
                  f"Financial year {year} to {year + 1} (1 April {year} to 31 March {year + 1})")


def parse_period(text: str) -> Period:
    """The whole period ``text`` names; :class:`PeriodError` for anything else (ranges, days, bad dates)."""
    value = (text or "").strip()
    for pattern, make in ((_MONTH, _month), (_WEEK, _week), (_QUARTER, _quarter), (_FINANCIAL_YEAR, _financial_year)):
        found = pattern.match(value)
        if found:
            year, number = int(found.group(1)), int(found.group(2))
            if year < 2000:
                raise PeriodError(f"{year} is before signpost existed. Give {PERIOD_HELP}.")
            return make(year, number)
    raise PeriodError(f"{value!r} is not a whole period. Give {PERIOD_HELP}; date ranges are refused so that two "
                      "reports can never be subtracted to single out one conversation.")


def iso_weeks(period: Period) -> list[tuple[str, date]]:
    """The ISO weeks that overlap the period, as ("2026-W49", its Monday), in order."""
    monday = period.start - timedelta(days=period.start.weekday())
    weeks = []
    while monday < period.end:
        year, week, _ = monday.isocalendar()
        weeks.append((f"{year}-W{week:02d}", monday))
        monday += timedelta(days=7)
    return weeks
