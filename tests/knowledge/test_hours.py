"""Tests for knowledge.hours.engine: the opening-hours engine.

Dates used (checked against a calendar): 2026-03-06 is a Friday, 2026-03-09 a Monday. 2026 clock changes are
Sunday 29 March (01:00 GMT -> 02:00 BST) and Sunday 25 October (02:00 BST -> 01:00 GMT). England bank holidays
2026: 1 Jan, 3 Apr (Good Friday), 6 Apr (Easter Monday), 4 May, 25 May, 31 Aug, 25 Dec, 28 Dec (Boxing Day
substitute for Saturday 26 Dec).
"""

from __future__ import annotations

import calendar
import random
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import holidays
import pytest

from knowledge.hours.engine import (
    DAY_CODES,
    HORIZON_DAYS,
    LONDON,
    HoursError,
    OpeningStatus,
    ParsedByDay,
    WeeklyHours,
    apply_closure,
    describe_rules,
    describe_status,
    describe_time,
    is_bank_holiday,
    is_open,
    next_opening,
    opening_status,
    parse_byday,
    parse_clock,
    schedule_from_hsds,
    to_wall_clock,
    wall_to_instant,
)

UTC = timezone.utc
WEEKDAYS = frozenset({"MO", "TU", "WE", "TH", "FR"})


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0, fold: int = 0) -> datetime:
    """A Europe/London wall-clock instant."""
    return datetime(year, month, day, hour, minute, tzinfo=LONDON, fold=fold)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def hours(opens: str, closes: str, byday: str = "", **kwargs) -> WeeklyHours:
    return WeeklyHours(parse_clock(opens)[0], parse_clock(closes)[0], byday, **kwargs)


def on_utc(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=UTC)


def same_instant(a: datetime | None, b: datetime | None) -> bool:
    """Compare as instants (UTC) because same-tzinfo comparison ignores fold."""
    if a is None or b is None:
        return a is b
    return a.astimezone(UTC) == b.astimezone(UTC)


OFFICE = [hours("09:00", "17:00", "MO,TU,WE,TH,FR"), hours("10:00", "14:00", "SA")]
ALWAYS = [hours("00:00", "23:59")]


# --------------------------------------------------------------------------------------------------------------
# Parsing
# --------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, days, ordinals",
    [
        (None, set(), set()),
        ("", set(), set()),
        ("MO", {"MO"}, set()),
        ("MO,TU,WE,TH", {"MO", "TU", "WE", "TH"}, set()),
        (" mo , Fr ", {"MO", "FR"}, set()),
        ("SA,SU,SA", {"SA", "SU"}, set()),
        ("1SA", set(), {(1, "SA")}),
        ("-1FR", set(), {(-1, "FR")}),
        ("+2MO", set(), {(2, "MO")}),
        ("1SA,-1FR,TU", {"TU"}, {(1, "SA"), (-1, "FR")}),
        ("5WE,-5TH", set(), {(5, "WE"), (-5, "TH")}),
    ],
)
def test_parse_byday_accepts(text, days, ordinals):
    assert parse_byday(text) == ParsedByDay(frozenset(days), frozenset(ordinals))


@pytest.mark.parametrize(
    "text", ["XX", "MO,XX", "MON", "Monday", "MO;TU", "MO,,TU", "0SA", "6SA", "-6SA", "1", "M", "1S A", "MO TU"]
)
def test_parse_byday_rejects_garbage(text):
    with pytest.raises(HoursError):
        parse_byday(text)


@pytest.mark.parametrize(
    "text, clock, offset",
    [
        ("09:00", time(9, 0), None),
        ("9:00", time(9, 0), None),
        ("09:00:00", time(9, 0), None),
        ("17:30:15", time(17, 30, 15), None),
        ("09:00:00.000", time(9, 0), None),
        ("09:00Z", time(9, 0), timedelta(0)),
        ("09:00:00Z", time(9, 0), timedelta(0)),
        ("09:00z", time(9, 0), timedelta(0)),
        ("09:00+01:00", time(9, 0), timedelta(hours=1)),
        ("09:00-05:00", time(9, 0), timedelta(hours=-5)),
        ("09:00+0530", time(9, 0), timedelta(hours=5, minutes=30)),
        ("09:00+01", time(9, 0), timedelta(hours=1)),
        ("00:00", time(0, 0), None),
        ("23:59", time(23, 59), None),
        ("24:00", time(0, 0), None),
        (" 08:15 ", time(8, 15), None),
    ],
)
def test_parse_clock_accepts(text, clock, offset):
    assert parse_clock(text) == (clock, offset)


@pytest.mark.parametrize(
    "text", ["25:00", "24:01", "09:60", "09:00:60", "9", "0900", "", "nine", "9am", "09:00+25:00", "09:00 BST", "-1:00"]
)
def test_parse_clock_rejects_garbage(text):
    with pytest.raises(HoursError):
        parse_clock(text)


def test_parse_clock_rejects_non_text():
    with pytest.raises(HoursError):
        parse_clock(900)  # type: ignore[arg-type]


def test_hours_error_is_a_value_error():
    # Importers that already catch ValueError keep working.
    assert issubclass(HoursError, ValueError)


@pytest.mark.parametrize(
    "clock, offset, on, expected",
    [
        (time(9), None, date(2026, 7, 1), time(9)),
        (time(9), timedelta(0), date(2026, 1, 15), time(9)),  # GMT in winter
        (time(9), timedelta(0), date(2026, 7, 1), time(10)),  # BST in summer
        (time(9), timedelta(hours=1), date(2026, 7, 1), time(9)),
        (time(9), timedelta(hours=1), date(2026, 1, 15), time(8)),
        (time(14), timedelta(hours=-5), date(2026, 1, 15), time(19)),
        (time(23, 30), timedelta(0), date(2026, 7, 1), time(0, 30)),  # crosses midnight: time only
    ],
)
def test_to_wall_clock(clock, offset, on, expected):
    assert to_wall_clock(clock, offset, on) == expected


# --------------------------------------------------------------------------------------------------------------
# WeeklyHours validation
# --------------------------------------------------------------------------------------------------------------


def test_byday_text_and_iterables_are_normalised():
    assert hours("09:00", "17:00", "mo,fr").byday == frozenset({"MO", "FR"})
    assert WeeklyHours(time(9), time(17), ["mo", "FR"]).byday == frozenset({"MO", "FR"})  # type: ignore[arg-type]
    monthly = hours("10:00", "14:00", "1SA,-1FR", freq="MONTHLY")
    assert monthly.byday == frozenset() and monthly.byday_ordinals == frozenset({(1, "SA"), (-1, "FR")})


def test_weekly_hours_is_hashable_and_frozen():
    rule = hours("09:00", "17:00", "MO")
    assert rule == hours("09:00", "17:00", "MO") and len({rule, hours("09:00", "17:00", "MO")}) == 1
    with pytest.raises(AttributeError):
        rule.opens_at = time(8)  # type: ignore[misc]


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(byday="XX"),
        dict(byday=frozenset({"MON"})),
        dict(freq="DAILY"),
        dict(freq="YEARLY"),
        dict(byday="1SA"),  # ordinal needs MONTHLY
        dict(bymonthday=frozenset({1})),  # bymonthday needs MONTHLY
        dict(freq="MONTHLY"),  # MONTHLY with nothing to repeat on
        dict(freq="MONTHLY", bymonthday=frozenset({32})),
        dict(freq="MONTHLY", bymonthday=frozenset({0})),
        dict(freq="MONTHLY", byday_ordinals=frozenset({(0, "SA")})),
        dict(freq="MONTHLY", byday_ordinals=frozenset({(1, "XX")})),
        dict(interval=0),
        dict(interval=2),  # nothing to count fortnights from
        dict(valid_from=date(2026, 5, 1), valid_to=date(2026, 4, 1)),
    ],
)
def test_weekly_hours_rejects_bad_rules(kwargs):
    with pytest.raises(HoursError):
        WeeklyHours(time(9), time(17), **kwargs)


def test_weekly_hours_rejects_aware_times_and_non_times():
    with pytest.raises(HoursError):
        WeeklyHours(time(9, tzinfo=UTC), time(17))
    with pytest.raises(HoursError):
        WeeklyHours("09:00", time(17))  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------------------------------
# Weekly rules, split days, overnight, 24 hours, joining
# --------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "now, expected",
    [
        (at(2026, 3, 6, 8, 59), False),  # Friday before opening
        (at(2026, 3, 6, 9, 0), True),  # opening minute is open
        (at(2026, 3, 6, 12, 0), True),
        (at(2026, 3, 6, 16, 59), True),
        (at(2026, 3, 6, 17, 0), False),  # closing minute is closed
        (at(2026, 3, 7, 9, 59), False),  # Saturday
        (at(2026, 3, 7, 10, 0), True),
        (at(2026, 3, 7, 13, 59), True),
        (at(2026, 3, 7, 14, 0), False),
        (at(2026, 3, 8, 12, 0), False),  # Sunday
        (at(2026, 3, 9, 9, 30), True),  # Monday
        (at(2026, 3, 10, 3, 0), False),
    ],
)
def test_weekly_office_hours(now, expected):
    assert is_open(OFFICE, now) is expected


def test_empty_byday_means_every_day():
    rule = [hours("09:00", "17:00")]
    for offset in range(7):
        assert is_open(rule, at(2026, 3, 9, 12) + timedelta(days=offset))
        assert not is_open(rule, at(2026, 3, 9, 18) + timedelta(days=offset))


SPLIT = [hours("09:00", "12:00", "MO,TU"), hours("15:00", "17:00", "MO,TU")]


@pytest.mark.parametrize(
    "now, open_now, closes, next_opens",
    [
        (at(2026, 3, 9, 10), True, at(2026, 3, 9, 12), None),
        (at(2026, 3, 9, 12), False, None, at(2026, 3, 9, 15)),
        (at(2026, 3, 9, 14, 59), False, None, at(2026, 3, 9, 15)),
        (at(2026, 3, 9, 15), True, at(2026, 3, 9, 17), None),
        (at(2026, 3, 9, 17), False, None, at(2026, 3, 10, 9)),
        (at(2026, 3, 10, 17), False, None, at(2026, 3, 16, 9)),
    ],
)
def test_split_day(now, open_now, closes, next_opens):
    status = opening_status(SPLIT, now)
    assert (status.open_now, status.closes_at, status.next_opens_at) == (open_now, closes, next_opens)


NIGHT = [hours("20:00", "08:00", "FR")]


@pytest.mark.parametrize(
    "now, expected",
    [
        (at(2026, 3, 6, 19, 59), False),
        (at(2026, 3, 6, 20, 0), True),
        (at(2026, 3, 6, 23, 59), True),
        (at(2026, 3, 7, 0, 0), True),
        (at(2026, 3, 7, 3, 0), True),  # Saturday 03:00, in Friday's period
        (at(2026, 3, 7, 7, 59), True),
        (at(2026, 3, 7, 8, 0), False),
        (at(2026, 3, 7, 21, 0), False),  # Saturday evening: the rule is for Friday starts only
        (at(2026, 3, 6, 3, 0), False),  # Friday 03:00: Thursday has no period
    ],
)
def test_overnight_period_belongs_to_its_start_day(now, expected):
    assert is_open(NIGHT, now) is expected


def test_overnight_closes_next_morning():
    status = opening_status(NIGHT, at(2026, 3, 6, 22))
    assert status.closes_at == at(2026, 3, 7, 8)
    assert describe_status(status, at(2026, 3, 6, 22)) == "Open now until 8am tomorrow"
    assert describe_status(opening_status(NIGHT, at(2026, 3, 7, 3)), at(2026, 3, 7, 3)) == "Open now until 8am"


@pytest.mark.parametrize("opens, closes", [
    ("00:00", "23:59"), ("00:00", "24:00"), ("00:00", "00:00"), ("00:00", "23:59:59")
])
def test_all_day_spellings_are_24_7(opens, closes):
    rules = [hours(opens, closes)]
    for minute in range(0, 7 * 24 * 60, 37):
        now = at(2026, 3, 2) + timedelta(minutes=minute)
        status = opening_status(rules, now)
        assert status.open_now and status.always_open and status.closes_at is None
    assert describe_rules(rules) == "24 hours, every day"


def test_all_day_rows_one_per_weekday_join_into_24_7():
    rules = [hours("00:00", "23:59", code) for code in DAY_CODES]
    status = opening_status(rules, at(2026, 3, 6, 23, 59, 0) + timedelta(seconds=30))
    assert status.always_open and status.closes_at is None
    assert describe_status(status, at(2026, 3, 6, 23, 59)) == "Open now, 24 hours"
    assert describe_rules(rules) == "24 hours, every day"


def test_23_59_means_through_midnight_with_no_one_minute_gap():
    rules = [hours("00:00", "23:59", "MO,TU,WE,TH,FR")]
    assert is_open(rules, at(2026, 3, 9, 23, 59) + timedelta(seconds=59))
    status = opening_status(rules, at(2026, 3, 9, 12))
    assert status.closes_at == at(2026, 3, 14, 0)  # Friday night becomes Saturday 00:00
    assert not status.always_open
    assert describe_status(status, at(2026, 3, 9, 12)) == "Open now until midnight Friday"
    friday = opening_status(rules, at(2026, 3, 13, 22))
    assert describe_status(friday, at(2026, 3, 13, 22)) == "Open now until midnight"
    assert not is_open(rules, at(2026, 3, 14, 0))


def test_evening_until_23_59_joins_next_morning_from_00_00():
    rules = [hours("18:00", "23:59", "FR"), hours("00:00", "06:00", "SA")]
    status = opening_status(rules, at(2026, 3, 6, 19))
    assert status.closes_at == at(2026, 3, 7, 6)


@pytest.mark.parametrize(
    "rules, now, closes",
    [
        ([hours("09:00", "17:00", "MO"), hours("17:00", "20:00", "MO")], at(2026, 3, 9, 10), at(2026, 3, 9, 20)),
        ([hours("09:00", "17:00", "MO"), hours("12:00", "20:00", "MO")], at(2026, 3, 9, 10), at(2026, 3, 9, 20)),
        ([hours("09:00", "20:00", "MO"), hours("12:00", "13:00", "MO")], at(2026, 3, 9, 12, 30), at(2026, 3, 9, 20)),
        ([hours("20:00", "08:00", "FR"), hours("08:00", "12:00", "SA")], at(2026, 3, 6, 21), at(2026, 3, 7, 12)),
        ([hours("00:00", "23:59", "SA"), hours("00:00", "23:59", "SU")], at(2026, 3, 7, 10), at(2026, 3, 9, 0)),
        ([hours("22:00", "06:00"), hours("06:00", "09:00", "SA")], at(2026, 3, 6, 23), at(2026, 3, 7, 9)),
    ],
)
def test_touching_and_overlapping_periods_join(rules, now, closes):
    status = opening_status(rules, now)
    assert status.open_now and status.closes_at == closes


def test_every_night_overnight_joined_with_daytime_is_24_7():
    rules = [hours("20:00", "08:00"), hours("08:00", "20:00")]
    status = opening_status(rules, at(2026, 6, 10, 3))
    assert status.always_open


def test_zero_length_rule_never_opens_but_hours_are_known():
    # 09:00-09:00 is read as a 24-hour period from 09:00 (closes_at <= opens_at runs past midnight).
    rules = [hours("09:00", "09:00", "MO")]
    assert is_open(rules, at(2026, 3, 10, 8, 59))
    assert not is_open(rules, at(2026, 3, 10, 9, 0))


def test_any_aware_timezone_gives_the_same_answer():
    london = at(2026, 7, 6, 9, 30)  # Monday, BST
    new_york = london.astimezone(ZoneInfo("America/New_York"))
    as_utc = london.astimezone(UTC)
    results = {opening_status(OFFICE, now) for now in (london, new_york, as_utc)}
    assert len(results) == 1
    assert is_open(OFFICE, utc(2026, 7, 6, 8, 0))  # 09:00 BST
    assert not is_open(OFFICE, utc(2026, 7, 6, 7, 59))
    assert is_open(OFFICE, utc(2026, 1, 5, 9, 0))  # 09:00 GMT
    assert not is_open(OFFICE, utc(2026, 1, 5, 8, 59))


def test_results_are_europe_london_datetimes():
    status = opening_status(OFFICE, utc(2026, 7, 6, 20))
    assert status.next_opens_at is not None and status.next_opens_at.tzinfo == LONDON
    assert status.next_opens_at == at(2026, 7, 7, 9)
    assert next_opening(OFFICE, utc(2026, 7, 6, 10)).tzinfo == LONDON


# --------------------------------------------------------------------------------------------------------------
# Validity ranges, dtstart, until
# --------------------------------------------------------------------------------------------------------------

RANGED = [hours("09:00", "17:00", "MO,TU,WE,TH,FR", valid_from=date(2026, 3, 10), valid_to=date(2026, 3, 12))]


@pytest.mark.parametrize(
    "now, expected",
    [
        (at(2026, 3, 9, 12), False),
        (at(2026, 3, 10, 12), True),  # valid_from inclusive
        (at(2026, 3, 11, 12), True),
        (at(2026, 3, 12, 12), True),  # valid_to inclusive
        (at(2026, 3, 13, 12), False),
    ],
)
def test_valid_from_and_valid_to_are_inclusive(now, expected):
    assert is_open(RANGED, now) is expected


def test_overnight_period_starting_on_valid_to_runs_into_next_day():
    rules = [hours("22:00", "06:00", valid_to=date(2026, 3, 10))]
    assert is_open(rules, at(2026, 3, 11, 5, 59))
    assert not is_open(rules, at(2026, 3, 11, 22))


@pytest.mark.parametrize(
    "now, expected",
    [
        (at(2026, 3, 2, 12), False),  # before dtstart
        (at(2026, 3, 3, 12), True),  # dtstart
        (at(2026, 4, 28, 12), True),  # until, inclusive
        (at(2026, 5, 5, 12), False),  # after until
    ],
)
def test_dtstart_and_until_bound_the_recurrence(now, expected):
    rules = [hours("09:00", "17:00", "TU", dtstart=date(2026, 3, 3), until=date(2026, 4, 28))]
    assert is_open(rules, now) is expected


def test_hours_unknown_without_rules_or_when_every_valid_to_has_passed():
    now = at(2026, 3, 11, 12)
    for rules in ([], [hours("09:00", "17:00", valid_to=date(2026, 3, 10))]):
        status = opening_status(rules, now)
        assert status == OpeningStatus(False, False, False, None, None)
        assert describe_status(status, now) == "Opening hours not known"
        assert not is_open(rules, now)
        assert next_opening(rules, now) is None


def test_hours_known_when_only_future_rules_exist():
    # valid_from in the future: known closed now, and we can say when it starts.
    rules = [hours("09:00", "17:00", valid_from=date(2026, 3, 20))]
    status = opening_status(rules, at(2026, 3, 11, 12))
    assert status.known and not status.open_now and status.next_opens_at == at(2026, 3, 20, 9)


def test_ended_recurrence_is_known_closed():
    # until means the recurrence genuinely ends: closed, not unknown.
    rules = [hours("09:00", "17:00", until=date(2026, 3, 10))]
    status = opening_status(rules, at(2026, 3, 11, 12))
    assert status.known and not status.open_now and status.next_opens_at is None
    assert describe_status(status, at(2026, 3, 11, 12)) == "Closed now. No opening times listed for the next 5 weeks"


def test_closed_between_hsds_validity_windows_is_a_known_closure():
    # HSDS models "closed over Christmas" by ending the regular row and starting it again afterwards.
    rules = [
        hours("09:00", "17:00", "MO,TU,WE,TH,FR", valid_to=date(2026, 12, 23)),
        hours("09:00", "17:00", "MO,TU,WE,TH,FR", valid_from=date(2027, 1, 4)),
    ]
    now = at(2026, 12, 24, 12)
    status = opening_status(rules, now)
    assert status.known and not status.open_now and status.next_opens_at == at(2027, 1, 4, 9)
    assert describe_status(status, now) == "Closed now. Opens Monday 4 January at 9am"
    later = at(2026, 12, 29, 12)
    assert describe_status(opening_status(rules, later), later) == "Closed now. Opens Monday at 9am"


# --------------------------------------------------------------------------------------------------------------
# Bank holidays
# --------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "day, expected",
    [
        (date(2026, 1, 1), True),
        (date(2026, 4, 3), True),  # Good Friday
        (date(2026, 4, 6), True),  # Easter Monday
        (date(2026, 5, 4), True),
        (date(2026, 5, 25), True),
        (date(2026, 8, 31), True),  # summer bank holiday
        (date(2026, 12, 25), True),
        (date(2026, 12, 26), True),  # Boxing Day itself (Saturday): treated as closed
        (date(2026, 12, 28), True),  # substitute day
        (date(2026, 4, 7), False),
        (date(2026, 8, 24), False),
        (date(2026, 12, 24), False),
        (date(2026, 3, 17), False),  # St Patrick's Day: Northern Ireland only
        (date(2026, 11, 30), False),  # St Andrew's Day: Scotland only
        (date(2026, 1, 2), False),  # 2 January: Scotland only
        (date(2027, 3, 29), True),  # Easter Monday 2027
        (date(2027, 8, 2), False),  # Scottish summer bank holiday
    ],
)
def test_is_bank_holiday_in_england(day, expected):
    assert is_bank_holiday(day) is expected


def test_is_bank_holiday_rejects_datetimes():
    with pytest.raises(HoursError):
        is_bank_holiday(datetime(2026, 12, 25, 12))  # type: ignore[arg-type]


WEEKDAY_SERVICE = [hours("09:00", "17:00", "MO,TU,WE,TH,FR", closes_on_bank_holidays=True)]


@pytest.mark.parametrize(
    "day", [date(2026, 12, 25), date(2026, 4, 6), date(2026, 8, 31), date(2026, 4, 3), date(2026, 12, 28)]
)
def test_closed_on_bank_holidays(day):
    assert not is_open(WEEKDAY_SERVICE, at(day.year, day.month, day.day, 12))
    assert is_open(OFFICE, at(day.year, day.month, day.day, 12))  # without the flag: open


@pytest.mark.parametrize(
    "now, next_opens, text",
    [
        (at(2026, 4, 2, 18), at(2026, 4, 7, 9), "Closed now. Opens Tuesday at 9am"),  # Easter
        (at(2026, 12, 24, 18), at(2026, 12, 29, 9), "Closed now. Opens Tuesday at 9am"),  # Christmas
        (at(2026, 8, 28, 18), at(2026, 9, 1, 9), "Closed now. Opens Tuesday at 9am"),  # summer bank holiday
        (at(2026, 12, 31, 18), at(2027, 1, 4, 9), "Closed now. Opens Monday at 9am"),  # New Year (Friday 1 Jan 2027)
    ],
)
def test_next_opening_skips_bank_holidays(now, next_opens, text):
    status = opening_status(WEEKDAY_SERVICE, now)
    assert status.next_opens_at == next_opens
    assert describe_status(status, now) == text


def test_overnight_service_that_closes_on_bank_holidays_skips_only_periods_starting_that_day():
    rules = [hours("20:00", "08:00", closes_on_bank_holidays=True)]
    assert is_open(rules, at(2026, 12, 25, 3))  # started Christmas Eve
    assert not is_open(rules, at(2026, 12, 25, 21))
    assert not is_open(rules, at(2026, 12, 26, 3))
    assert opening_status(rules, at(2026, 12, 25, 12)).next_opens_at == at(2026, 12, 27, 20)


# --------------------------------------------------------------------------------------------------------------
# Fortnightly and monthly
# --------------------------------------------------------------------------------------------------------------

def days_open_at_noon(rule: WeeklyHours, first: date, last: date) -> list[date]:
    days = []
    day = first
    while day <= last:
        if is_open([rule], at(day.year, day.month, day.day, 12)):
            days.append(day)
        day += timedelta(days=1)
    return days


FORTNIGHTLY = [hours("09:00", "17:00", "TU", interval=2, dtstart=date(2026, 3, 3))]


@pytest.mark.parametrize(
    "day, expected",
    [
        (date(2026, 2, 24), False),  # before dtstart
        (date(2026, 3, 3), True),
        (date(2026, 3, 10), False),
        (date(2026, 3, 17), True),
        (date(2026, 3, 24), False),
        (date(2026, 3, 31), True),  # across the clock change
        (date(2026, 12, 22), True),  # 42 weeks later
        (date(2026, 12, 29), False),
        (date(2027, 1, 5), True),  # across the year end
    ],
)
def test_fortnightly(day, expected):
    assert is_open(FORTNIGHTLY, at(day.year, day.month, day.day, 12)) is expected


def test_fortnightly_counts_weeks_from_the_week_of_dtstart():
    # dtstart on a Thursday; Mondays in the same week are before dtstart, the following Monday is week 1.
    rules = [hours("09:00", "17:00", "MO,TH", interval=2, dtstart=date(2026, 3, 5))]
    open_days = days_open_at_noon(rules[0], date(2026, 3, 2), date(2026, 3, 29))
    assert open_days == [date(2026, 3, 5), date(2026, 3, 16), date(2026, 3, 19)]


def test_fortnightly_uses_valid_from_when_there_is_no_dtstart():
    rules = [hours("09:00", "17:00", "WE", interval=2, valid_from=date(2026, 3, 4))]
    assert days_open_at_noon(rules[0], date(2026, 3, 1), date(2026, 3, 31)) == [date(2026, 3, 4), date(2026, 3, 18)]


def test_next_opening_of_a_fortnightly_service():
    status = opening_status(FORTNIGHTLY, at(2026, 3, 4, 12))
    assert status.next_opens_at == at(2026, 3, 17, 9)
    assert describe_status(status, at(2026, 3, 4, 12)) == "Closed now. Opens Tuesday 17 March at 9am"


def test_hsds_worked_example_first_saturday():
    # docs/figures/field-guidance/schedules/schedules.csv: freq=MONTHLY, byday=1SA, dtstart=2020-07-04, until=2020-11-07
    rule = schedule_from_hsds(
        {
            "freq": "MONTHLY", "byday": "1SA", "dtstart": "2020-07-04", "until": "2020-11-07",
            "opens_at": "10:00", "closes_at": "14:00",
        }
    )
    assert days_open_at_noon(rule, date(2020, 6, 1), date(2020, 12, 31)) == [
        date(2020, 7, 4),
        date(2020, 8, 1),
        date(2020, 9, 5),
        date(2020, 10, 3),
        date(2020, 11, 7),
    ]


@pytest.mark.parametrize(
    "kwargs, expected",
    [
        (dict(byday="-1FR"), [date(2026, 1, 30), date(2026, 2, 27), date(2026, 3, 27), date(2026, 4, 24)]),
        (dict(byday="2MO"), [date(2026, 1, 12), date(2026, 2, 9), date(2026, 3, 9), date(2026, 4, 13)]),
        (dict(byday="5TH"), [date(2026, 1, 29), date(2026, 4, 30)]),  # only months with five Thursdays
        (dict(byday="-2WE"), [date(2026, 1, 21), date(2026, 2, 18), date(2026, 3, 18), date(2026, 4, 22)]),
        (dict(bymonthday=frozenset({1})), [date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1), date(2026, 4, 1)]),
        (dict(bymonthday=frozenset({-1})), [date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31), date(2026, 4, 30)]),
        (dict(bymonthday=frozenset({31})), [date(2026, 1, 31), date(2026, 3, 31)]),
        (dict(byday="FR", bymonthday=frozenset({13})), [date(2026, 2, 13), date(2026, 3, 13)]),  # Friday 13th
        (dict(byday="1SA", interval=2, dtstart=date(2026, 1, 1)), [date(2026, 1, 3), date(2026, 3, 7)]),
        (dict(dtstart=date(2026, 1, 15)), [date(2026, 1, 15), date(2026, 2, 15), date(2026, 3, 15), date(2026, 4, 15)]),
    ],
)
def test_monthly_rules(kwargs, expected):
    rule = hours("10:00", "14:00", freq="MONTHLY", **kwargs)
    assert days_open_at_noon(rule, date(2026, 1, 1), date(2026, 4, 30)) == expected


def test_monthly_plain_byday_means_every_such_weekday():
    rule = hours("10:00", "14:00", "WE", freq="MONTHLY")
    assert len(days_open_at_noon(rule, date(2026, 4, 1), date(2026, 4, 30))) == 5


def test_next_opening_of_a_monthly_service_is_weeks_away():
    rules = [hours("10:00", "14:00", "1SA", freq="MONTHLY")]
    now = at(2026, 3, 9, 12)
    status = opening_status(rules, now)
    assert status.next_opens_at == at(2026, 4, 4, 10)
    assert describe_status(status, now) == "Closed now. Opens Saturday 4 April at 10am"


# --------------------------------------------------------------------------------------------------------------
# next_opening and the horizon
# --------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "now, expected",
    [
        (at(2026, 3, 6, 17, 0), at(2026, 3, 7, 10)),  # Friday evening -> Saturday
        (at(2026, 3, 7, 14, 0), at(2026, 3, 9, 9)),  # Saturday afternoon -> Monday
        (at(2026, 3, 8, 23, 59), at(2026, 3, 9, 9)),
        (at(2026, 3, 9, 0, 0), at(2026, 3, 9, 9)),
        (at(2026, 3, 9, 8, 59) + timedelta(seconds=59), at(2026, 3, 9, 9)),
    ],
)
def test_next_opening_across_the_weekend(now, expected):
    assert next_opening(OFFICE, now) == expected


def test_next_opening_is_now_when_open():
    now = at(2026, 3, 9, 10)
    assert next_opening(OFFICE, now) == now


def test_next_opening_after_a_long_closure_within_the_horizon():
    rules = [hours("09:00", "17:00", "MO,TU,WE,TH,FR", valid_from=date(2026, 4, 6))]
    now = at(2026, 3, 9, 12)  # 28 days before
    assert next_opening(rules, now) == at(2026, 4, 6, 9)


def test_closure_longer_than_the_horizon_gives_none():
    rules = [hours("09:00", "17:00", valid_from=date(2026, 3, 9) + timedelta(days=HORIZON_DAYS + 2))]
    status = opening_status(rules, at(2026, 3, 9, 12))
    assert status.known and not status.open_now and status.next_opens_at is None


def test_always_open_needs_the_whole_horizon():
    # 24 hours a day, but the information ends in 10 days: open, with a real closing time.
    rules = [hours("00:00", "23:59", valid_to=date(2026, 3, 19))]
    status = opening_status(rules, at(2026, 3, 9, 12))
    assert status.open_now and not status.always_open and status.closes_at == at(2026, 3, 20, 0)
    assert describe_status(status, at(2026, 3, 9, 12)) == "Open now until midnight on Thursday 19 March"


# --------------------------------------------------------------------------------------------------------------
# Clock changes
# --------------------------------------------------------------------------------------------------------------

SPRING = [date(2026, 3, 29), date(2025, 3, 30), date(2027, 3, 28)]
AUTUMN = [date(2026, 10, 25), date(2025, 10, 26), date(2027, 10, 31)]


def quarter_hours_utc(day: date, start_hour: int = -3, end_hour: int = 27):
    base = datetime.combine(day, time(0), tzinfo=UTC)
    return [base + timedelta(minutes=15 * n) for n in range(start_hour * 4, end_hour * 4)]


@pytest.mark.parametrize("day", SPRING + AUTUMN)
def test_24_7_is_open_at_every_instant_of_clock_change_days(day):
    for now in quarter_hours_utc(day):
        status = opening_status(ALWAYS, now)
        assert status.open_now and status.always_open, now
        assert describe_status(status, now) == "Open now, 24 hours"


@pytest.mark.parametrize("day", SPRING + AUTUMN)
def test_24_hour_days_join_across_clock_change_days(day):
    # One row per day, each 00:00-23:59: no instant of the change weekend is closed.
    rules = [hours("00:00", "23:59", code) for code in ("SA", "SU", "MO")]
    saturday = day - timedelta(days=1)
    for now in quarter_hours_utc(saturday, 1, 24 * 3 - 2):
        assert is_open(rules, now), now
    assert opening_status(rules, at(saturday.year, saturday.month, saturday.day, 12)).closes_at == datetime.combine(
        day + timedelta(days=2), time(0), tzinfo=LONDON
    )


@pytest.mark.parametrize("day", SPRING)
def test_spring_forward_period_is_two_real_hours(day):
    rules = [hours("00:00", "03:00", "SU")]
    open_instants = [now for now in quarter_hours_utc(day) if is_open(rules, now)]
    # 00:00 GMT to 03:00 BST is 00:00 to 02:00 UTC.
    assert open_instants[0] == datetime.combine(day, time(0), tzinfo=UTC)
    assert open_instants[-1] == datetime.combine(day, time(1, 45), tzinfo=UTC)
    assert len(open_instants) == 8
    status = opening_status(rules, datetime.combine(day, time(0, 30), tzinfo=UTC))
    assert status.closes_at.astimezone(UTC) == datetime.combine(day, time(2), tzinfo=UTC)
    assert status.closes_at.hour == 3  # shown as 3am BST


@pytest.mark.parametrize("day", SPRING)
def test_spring_forward_nonexistent_opening_moves_to_the_jump(day):
    rules = [hours("01:30", "05:00", "SU")]
    saturday_night = datetime.combine(day - timedelta(days=1), time(22), tzinfo=LONDON)
    opens = next_opening(rules, saturday_night)
    assert opens.astimezone(UTC) == datetime.combine(day, time(1), tzinfo=UTC)  # 02:00 BST
    assert (opens.hour, opens.minute) == (2, 0)
    assert describe_status(opening_status(rules, saturday_night), saturday_night) == "Closed now. Opens tomorrow at 2am"
    for now in quarter_hours_utc(day, 0, 6):
        assert is_open(rules, now) is (time(1) <= now.time() < time(4)), now


@pytest.mark.parametrize("day", SPRING)
def test_spring_forward_nonexistent_closing_moves_to_the_jump(day):
    rules = [hours("22:00", "01:30", "SA")]
    for now in quarter_hours_utc(day - timedelta(days=1), 20, 28):
        # 22:00 GMT Saturday to the jump at 01:00 UTC Sunday.
        expected = on_utc(day - timedelta(days=1), 22) <= now < on_utc(day, 1)
        assert is_open(rules, now) is expected, now


@pytest.mark.parametrize("day", SPRING)
def test_overnight_service_across_spring_forward_is_an_hour_shorter(day):
    rules = [hours("22:00", "06:00")]
    saturday = day - timedelta(days=1)
    status = opening_status(rules, datetime.combine(saturday, time(23), tzinfo=LONDON))
    start = wall_to_instant(saturday, time(22))
    assert status.closes_at.astimezone(UTC) - start == timedelta(hours=7)


@pytest.mark.parametrize("day", AUTUMN)
def test_overnight_service_across_fall_back_is_an_hour_longer(day):
    rules = [hours("22:00", "06:00")]
    saturday = day - timedelta(days=1)
    open_instants = [now for now in quarter_hours_utc(saturday, 12, 36) if is_open(rules, now)]
    assert len(open_instants) == 9 * 4  # 21:00 UTC Saturday to 06:00 UTC Sunday


@pytest.mark.parametrize("day", AUTUMN)
def test_fall_back_ambiguous_times_mean_their_first_occurrence(day):
    rules = [hours("00:30", "01:30", "SU")]
    # 00:30 BST (23:30 UTC Saturday) to the first 01:30, which is 01:30 BST (00:30 UTC).
    for now in quarter_hours_utc(day, -2, 4):
        expected = on_utc(day - timedelta(days=1), 23, 30) <= now < on_utc(day, 0, 30)
        assert is_open(rules, now) is expected, now
    # At 01:15 GMT (the second 01:15) the wall clock is inside 00:30-01:30 but the period has ended.
    assert not is_open(rules, datetime(day.year, day.month, day.day, 1, 15, tzinfo=LONDON, fold=1))
    assert is_open(rules, datetime(day.year, day.month, day.day, 1, 15, tzinfo=LONDON, fold=0))


@pytest.mark.parametrize("day", AUTUMN)
def test_fall_back_back_to_back_periods_leave_no_gap(day):
    rules = [hours("00:00", "01:30", "SU"), hours("01:30", "03:00", "SU")]
    for now in quarter_hours_utc(day, -1, 4):
        expected = on_utc(day - timedelta(days=1), 23) <= now < on_utc(day, 3)
        assert is_open(rules, now) is expected, now


@pytest.mark.parametrize(
    "day, clock, expected_utc",
    [
        (date(2026, 3, 29), time(0, 59), utc(2026, 3, 29, 0, 59)),
        (date(2026, 3, 29), time(1, 0), utc(2026, 3, 29, 1, 0)),  # nonexistent -> the jump
        (date(2026, 3, 29), time(1, 30), utc(2026, 3, 29, 1, 0)),
        (date(2026, 3, 29), time(1, 59, 59), utc(2026, 3, 29, 1, 0)),
        (date(2026, 3, 29), time(2, 0), utc(2026, 3, 29, 1, 0)),
        (date(2026, 3, 29), time(3, 0), utc(2026, 3, 29, 2, 0)),
        (date(2026, 10, 25), time(0, 30), utc(2026, 10, 24, 23, 30)),
        (date(2026, 10, 25), time(1, 30), utc(2026, 10, 25, 0, 30)),  # ambiguous -> first occurrence
        (date(2026, 10, 25), time(2, 0), utc(2026, 10, 25, 2, 0)),
        (date(2026, 7, 1), time(9, 0), utc(2026, 7, 1, 8, 0)),
        (date(2026, 1, 1), time(9, 0), utc(2026, 1, 1, 9, 0)),
    ],
)
def test_wall_to_instant(day, clock, expected_utc):
    assert wall_to_instant(day, clock) == expected_utc


# --------------------------------------------------------------------------------------------------------------
# Descriptions
# --------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "clock, text",
    [
        (time(0, 0), "midnight"),
        (time(12, 0), "midday"),
        (time(9, 0), "9am"),
        (time(20, 0), "8pm"),
        (time(20, 30), "8:30pm"),
        (time(0, 30), "12:30am"),
        (time(12, 15), "12:15pm"),
        (time(11, 59), "11:59am"),
        (time(23, 5), "11:05pm"),
    ],
)
def test_describe_time(clock, text):
    assert describe_time(clock) == text


@pytest.mark.parametrize(
    "rules, now, text",
    [
        (ALWAYS, at(2026, 3, 6, 3), "Open now, 24 hours"),
        ([hours("09:00", "20:00")], at(2026, 3, 6, 12), "Open now until 8pm"),
        ([hours("09:00", "20:30")], at(2026, 3, 6, 12), "Open now until 8:30pm"),
        ([hours("09:00", "12:00")], at(2026, 3, 6, 10), "Open now until midday"),
        ([hours("18:00", "23:59")], at(2026, 3, 6, 19), "Open now until midnight"),
        ([hours("20:00", "08:00")], at(2026, 3, 6, 21), "Open now until 8am tomorrow"),
        ([hours("18:00", "18:00", "MO")], at(2026, 3, 9, 19), "Open now until 6pm tomorrow"),
        ([hours("09:00", "23:59", "MO"), hours("00:00", "23:59", "TU,WE")], at(2026, 3, 9, 16), "Open now until midnight Wednesday"),
        ([hours("18:00", "23:00")], at(2026, 3, 6, 12), "Closed now. Opens today at 6pm"),
        ([hours("09:00", "17:00")], at(2026, 3, 6, 20), "Closed now. Opens tomorrow at 9am"),
        (OFFICE, at(2026, 3, 7, 15), "Closed now. Opens Monday at 9am"),
        ([hours("09:00", "17:00", "TU")], at(2026, 2, 24, 18), "Closed now. Opens Tuesday 3 March at 9am"),
        ([hours("09:00", "17:00", "TU")], at(2026, 2, 25, 10), "Closed now. Opens Tuesday at 9am"),
        ([hours("08:30", "17:00")], at(2026, 3, 6, 7), "Closed now. Opens today at 8:30am"),
        ([hours("00:00", "06:00")], at(2026, 3, 6, 12), "Closed now. Opens tonight at midnight"),
        ([hours("00:00", "06:00", "SU")], at(2026, 3, 6, 12), "Closed now. Opens tomorrow night at midnight"),
        ([hours("00:00", "06:00", "TU")], at(2026, 3, 6, 12), "Closed now. Opens Monday night at midnight"),
        ([], at(2026, 3, 6, 12), "Opening hours not known"),
    ],
)
def test_describe_status(rules, now, text):
    assert describe_status(opening_status(rules, now), now) == text


def test_describe_status_is_relative_to_london_dates():
    # 23:30 UTC in summer is already tomorrow in London.
    rules = [hours("09:00", "17:00")]
    now = utc(2026, 7, 6, 23, 30)
    assert describe_status(opening_status(rules, now), now) == "Closed now. Opens today at 9am"


@pytest.mark.parametrize(
    "rules, text",
    [
        ([], "Opening hours not known"),
        (ALWAYS, "24 hours, every day"),
        (OFFICE, "Monday to Friday 9am to 5pm; Saturday 10am to 2pm"),
        ([hours("09:00", "17:00")], "Every day 9am to 5pm"),
        ([hours("10:00", "16:00", "SA,SU")], "Saturday and Sunday 10am to 4pm"),
        ([hours("09:00", "17:00", "MO,WE,FR")], "Monday, Wednesday and Friday 9am to 5pm"),
        (
            [hours("09:00", "17:00", "MO,TU,WE,FR"), hours("09:00", "20:00", "TH")],
            "Monday to Wednesday and Friday 9am to 5pm; Thursday 9am to 8pm",
        ),
        (SPLIT, "Monday and Tuesday 9am to midday and 3pm to 5pm"),
        (NIGHT, "Friday 8pm to 8am"),
        ([hours("18:00", "23:59", "FR")], "Friday 6pm to midnight"),
        ([hours("00:00", "23:59", "SA,SU")], "Saturday and Sunday 24 hours"),
        (WEEKDAY_SERVICE, "Monday to Friday 9am to 5pm. Closed on bank holidays"),
        (FORTNIGHTLY, "Every other Tuesday 9am to 5pm (from 3 March 2026)"),
        ([hours("10:00", "14:00", "1SA", freq="MONTHLY")], "The first Saturday of the month 10am to 2pm"),
        ([hours("10:00", "14:00", "-1FR", freq="MONTHLY")], "The last Friday of the month 10am to 2pm"),
        (RANGED, "Monday to Friday 9am to 5pm (from 10 March 2026 to 12 March 2026)"),
        (
            [hours("09:00", "17:00", "MO,TU,WE,TH,FR"), hours("10:00", "14:00", "SA", closes_on_bank_holidays=True)],
            "Monday to Friday 9am to 5pm; Saturday 10am to 2pm (not bank holidays)",
        ),
    ],
)
def test_describe_rules(rules, text):
    assert describe_rules(rules) == text


# --------------------------------------------------------------------------------------------------------------
# Errors: naive datetimes
# --------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "call",
    [
        lambda now: opening_status(OFFICE, now),
        lambda now: is_open(OFFICE, now),
        lambda now: next_opening(OFFICE, now),
        lambda now: describe_status(opening_status(OFFICE, at(2026, 3, 9, 12)), now),
        lambda now: opening_status([], now),  # even with no rules: the caller's bug is reported
    ],
)
def test_naive_datetime_raises(call):
    with pytest.raises(HoursError):
        call(datetime(2026, 3, 9, 12))


def test_non_datetime_now_raises():
    with pytest.raises(HoursError):
        opening_status(OFFICE, date(2026, 3, 9))  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------------------------------
# Import helpers
# --------------------------------------------------------------------------------------------------------------


def test_schedule_from_hsds_weekly_example_reads_z_as_wall_clock_by_default():
    row = {"freq": "WEEKLY", "byday": "MO,TU,WE,TH", "opens_at": "09:00:00Z", "closes_at": "17:00:00Z"}
    rule = schedule_from_hsds(row)
    assert rule == hours("09:00", "17:00", "MO,TU,WE,TH")


def test_schedule_from_hsds_can_honour_offsets():
    row = {"byday": "MO", "opens_at": "09:00Z", "closes_at": "17:00Z", "valid_from": "2026-06-01"}
    rule = schedule_from_hsds(row, honour_offsets=True)
    assert (rule.opens_at, rule.closes_at) == (time(10), time(18))
    assert rule.valid_from == date(2026, 6, 1)


def test_schedule_from_hsds_full_row():
    rule = schedule_from_hsds(
        {
            "id": "x",
            "freq": "weekly",
            "interval": "2",
            "byday": "TU",
            "dtstart": "2026-03-03",
            "until": "2026-12-31",
            "valid_from": date(2026, 1, 1),
            "valid_to": None,
            "opens_at": "09:00",
            "closes_at": "24:00",
            "bymonthday": "",
            "timezone": 0,
        },
        closes_on_bank_holidays=True,
    )
    assert rule == WeeklyHours(
        time(9), time(0), frozenset({"TU"}), valid_from=date(2026, 1, 1), closes_on_bank_holidays=True,
        interval=2, dtstart=date(2026, 3, 3), until=date(2026, 12, 31),
    )


@pytest.mark.parametrize(
    "row",
    [
        {"opens_at": "09:00"},
        {"opens_at": "", "closes_at": "17:00"},
        {"opens_at": "25:00", "closes_at": "17:00"},
        {"opens_at": "09:00", "closes_at": "17:00", "byday": "XX"},
        {"opens_at": "09:00", "closes_at": "17:00", "freq": "DAILY"},
        {"opens_at": "09:00", "closes_at": "17:00", "count": 5},
        {"opens_at": "09:00", "closes_at": "17:00", "valid_from": "1 March"},
        {"opens_at": "09:00", "closes_at": "17:00", "interval": "two", "dtstart": "2026-01-01"},
        {"opens_at": "09:00", "closes_at": "17:00", "freq": "MONTHLY", "bymonthday": "1,x"},
    ],
)
def test_schedule_from_hsds_rejects_bad_rows(row):
    with pytest.raises(HoursError):
        schedule_from_hsds(row)


def test_apply_closure_splits_validity_around_an_oruk_holiday_closure():
    closed = apply_closure(OFFICE, date(2026, 3, 10), date(2026, 3, 12))
    assert len(closed) == 4
    assert is_open(closed, at(2026, 3, 9, 12))
    for day in (10, 11, 12):
        assert not is_open(closed, at(2026, 3, day, 12))
    assert is_open(closed, at(2026, 3, 13, 12))
    assert opening_status(closed, at(2026, 3, 9, 18)).next_opens_at == at(2026, 3, 13, 9)


def test_apply_closure_keeps_fortnightly_counting():
    closed = apply_closure(FORTNIGHTLY, date(2026, 3, 4), date(2026, 3, 20))
    assert not is_open(closed, at(2026, 3, 17, 12))
    assert is_open(closed, at(2026, 3, 31, 12))  # still the original fortnight
    assert not is_open(closed, at(2026, 3, 24, 12))


def test_apply_closure_leaves_rules_outside_the_closure_alone_and_rejects_reversed_ranges():
    assert apply_closure(RANGED, date(2026, 4, 1), date(2026, 4, 2)) == tuple(RANGED)
    assert apply_closure(RANGED, date(2026, 3, 1), date(2026, 3, 31)) == ()
    with pytest.raises(HoursError):
        apply_closure(OFFICE, date(2026, 4, 2), date(2026, 4, 1))


# --------------------------------------------------------------------------------------------------------------
# Property test: agree with a brute-force reference written from the stated semantics, not from the code
# --------------------------------------------------------------------------------------------------------------

_ENGLAND = holidays.country_holidays("GB", subdiv="ENG", years=range(2024, 2029))


def reference_occurs(rule: WeeklyHours, day: date) -> bool:
    """Does a period start on ``day``? Monthly via calendar.monthcalendar rather than arithmetic."""
    lower = max([d for d in (rule.valid_from, rule.dtstart) if d], default=date.min)
    upper = min([d for d in (rule.valid_to, rule.until) if d], default=date.max)
    if not lower <= day <= upper:
        return False
    if rule.closes_on_bank_holidays and day in _ENGLAND:
        return False
    code = DAY_CODES[day.weekday()]
    if rule.freq == "WEEKLY":
        if rule.byday and code not in rule.byday:
            return False
        if rule.interval > 1:
            anchor = rule.dtstart or rule.valid_from
            monday_of = lambda d: d.toordinal() - d.weekday()  # noqa: E731
            return ((monday_of(day) - monday_of(anchor)) // 7) % rule.interval == 0
        return True
    if rule.interval > 1:
        anchor = rule.dtstart or rule.valid_from
        if ((day.year - anchor.year) * 12 + day.month - anchor.month) % rule.interval:
            return False
    same_weekday = [week[day.weekday()] for week in calendar.monthcalendar(day.year, day.month) if week[day.weekday()]]
    weekday_ok = code in rule.byday or any(
        c == code and same_weekday[n - 1 if n > 0 else n] == day.day
        for n, c in rule.byday_ordinals
        if abs(n) <= len(same_weekday)
    )
    month_days = [d for week in calendar.monthcalendar(day.year, day.month) for d in week if d]
    monthday_ok = any(
        month_days[n - 1 if n > 0 else n] == day.day for n in rule.bymonthday if abs(n) <= len(month_days)
    )
    by_weekday = bool(rule.byday or rule.byday_ordinals)
    if by_weekday and rule.bymonthday:
        return weekday_ok and monthday_ok  # RFC 5545: a day must match both kinds of selector
    if by_weekday:
        return weekday_ok
    if rule.bymonthday:
        return monthday_ok
    return day.day == rule.dtstart.day


def reference_wall_span(rule: WeeklyHours, day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, rule.opens_at)
    closes = rule.closes_at
    if closes == time(0) or (closes.hour, closes.minute) == (23, 59):
        return start, datetime.combine(day + timedelta(days=1), time(0))
    if closes <= rule.opens_at:
        return start, datetime.combine(day + timedelta(days=1), closes)
    return start, datetime.combine(day, closes)


def wall(now: datetime) -> datetime:
    return now.astimezone(LONDON).replace(tzinfo=None, fold=0)


def reference_is_open(rules, now_utc: datetime, reached: datetime | None = None) -> bool:
    """Open iff for some period, the wall clock has *reached* its start but not yet its end.

    "Reached" is the highest wall-clock reading so far: it jumps forward over the spring gap (so a nonexistent
    opening time happens at the jump) and stands still while the autumn hour repeats (so a repeated time happens
    at its first occurrence). It is computed by looking back over the last two hours, minute by minute.
    """
    if reached is None:
        reached = max(wall(now_utc - timedelta(minutes=k)) for k in range(0, 121))
    for rule in rules:
        for back in range(0, 3):
            day = reached.date() - timedelta(days=back)
            if reference_occurs(rule, day):
                start, end = reference_wall_span(rule, day)
                if start <= reached < end:
                    return True
    return False


_BANK_HOLIDAYS = [date(2026, 12, 25), date(2026, 4, 6), date(2026, 8, 31), date(2026, 12, 28), date(2027, 1, 1)]
_INTERESTING_DAYS = SPRING + AUTUMN + _BANK_HOLIDAYS
_CLOCKS = [
    "00:00", "00:30", "01:00", "01:30", "02:00", "02:30", "06:00", "08:00",
    "09:00", "12:00", "17:00", "20:00", "22:00", "23:45", "23:59",
]


def random_rule(rng: random.Random) -> WeeklyHours:
    # Opening times stay on quarter hours so the forward scan below can step 15 minutes at a time;
    # 23:59 is only a closing time (meaning midnight).
    opens, closes = rng.choice(_CLOCKS[:-1]), rng.choice(_CLOCKS)
    byday = ",".join(rng.sample(DAY_CODES, rng.randint(0, 7)))
    kwargs: dict = {}
    if rng.random() < 0.25:
        kwargs["closes_on_bank_holidays"] = True
    if rng.random() < 0.2:
        kwargs["valid_from"] = rng.choice(_INTERESTING_DAYS) + timedelta(days=rng.randint(-3, 3))
    if rng.random() < 0.2:
        kwargs["valid_to"] = rng.choice(_INTERESTING_DAYS) + timedelta(days=rng.randint(-3, 3))
        if kwargs.get("valid_from") and kwargs["valid_from"] > kwargs["valid_to"]:
            kwargs["valid_from"], kwargs["valid_to"] = kwargs["valid_to"], kwargs["valid_from"]
    if rng.random() < 0.15:
        kwargs["interval"] = 2
        kwargs["dtstart"] = rng.choice(_INTERESTING_DAYS) - timedelta(days=rng.randint(0, 30))
    if rng.random() < 0.25:
        return random_monthly_rule(rng, opens, closes, kwargs)
    return WeeklyHours(parse_clock(opens)[0], parse_clock(closes)[0], byday, **kwargs)


def random_monthly_rule(rng: random.Random, opens: str, closes: str, kwargs: dict) -> WeeklyHours:
    """"First Monday", "last Friday", "the 1st and 15th", "the last day", "every Tuesday", combinations of them
    (a day must match both), every other month, and a plain MONTHLY on dtstart's day."""
    selectors: dict = {}
    kind = rng.choice(["ordinal", "ordinal", "monthday", "monthday", "both", "weekday", "dtstart"])
    if kind in ("ordinal", "both"):
        selectors["byday_ordinals"] = frozenset(
            (rng.choice([1, 2, 3, 4, 5, -1, -2, -5]), rng.choice(DAY_CODES)) for _ in range(rng.randint(1, 2)))
    if kind in ("monthday", "both"):
        selectors["bymonthday"] = frozenset(rng.choice([1, 2, 13, 15, 28, 29, 30, 31, -1, -2, -31])
                                            for _ in range(rng.randint(1, 3)))
    if kind == "weekday":
        selectors["byday"] = frozenset(rng.sample(DAY_CODES, rng.randint(1, 3)))
    if kind == "dtstart" or rng.random() < 0.2:
        kwargs["dtstart"] = rng.choice(_INTERESTING_DAYS) - timedelta(days=rng.randint(0, 60))
        kwargs["interval"] = rng.choice([1, 2, 3]) if kind != "dtstart" else rng.choice([1, 2])
    else:
        kwargs.pop("interval", None)
        kwargs.pop("dtstart", None)
    return WeeklyHours(parse_clock(opens)[0], parse_clock(closes)[0], freq="MONTHLY", **selectors, **kwargs)


def random_instant(rng: random.Random) -> datetime:
    if rng.random() < 0.7:
        day = rng.choice(_INTERESTING_DAYS) + timedelta(days=rng.randint(-1, 1))
    else:
        day = date(2025, 1, 1) + timedelta(days=rng.randint(0, 3 * 365))
    return datetime.combine(day, time(0), tzinfo=UTC) + timedelta(minutes=rng.randint(-180, 27 * 60))


@pytest.mark.parametrize("seed", range(8))
def test_is_open_agrees_with_brute_force_reference(seed):
    rng = random.Random(seed)
    for _ in range(150):
        rules = [random_rule(rng) for _ in range(rng.randint(1, 3))]
        now = random_instant(rng)
        assert is_open(rules, now) is reference_is_open(rules, now), (rules, now)


@pytest.mark.parametrize("seed", range(4))
def test_closing_and_next_opening_agree_with_forward_scan(seed):
    """Walk forward in 15-minute steps (every rule time and clock change is on a quarter hour) for up to 3 days."""
    rng = random.Random(1000 + seed)
    step = timedelta(minutes=15)
    for _ in range(25):
        rules = [random_rule(rng) for _ in range(rng.randint(1, 3))]
        now = random_instant(rng).replace(minute=0) + timedelta(minutes=15 * rng.randint(0, 3))
        status = opening_status(rules, now)
        if not status.known:
            continue
        reached = max(wall(now - timedelta(minutes=k)) for k in range(0, 121, 15))
        currently = reference_is_open(rules, now, reached)
        assert status.open_now is currently
        change = None
        probe = now
        for _ in range(3 * 96):
            probe += step
            reached = max(reached, wall(probe))
            if reference_is_open(rules, probe, reached) is not currently:
                change = probe
                break
        reported = status.closes_at if currently else status.next_opens_at
        if change is None:
            assert reported is None or reported.astimezone(UTC) > probe, (rules, now, reported)
        else:
            assert reported is not None and same_instant(reported, change), (rules, now, reported, change)


# --------------------------------------------------------------------------------------------------------------
# Monthly rules as feeds write them: ordinal weekdays and days of the month (from HSDS rows and stored rows)
# --------------------------------------------------------------------------------------------------------------


def test_first_monday_and_last_friday_of_the_month_from_hsds_rows():
    first_monday = schedule_from_hsds({"freq": "MONTHLY", "byday": "1MO", "opens_at": "10:00", "closes_at": "12:00"})
    last_friday = schedule_from_hsds({"freq": "MONTHLY", "byday": "-1FR", "opens_at": "18:00", "closes_at": "20:00"})
    assert is_open([first_monday], at(2026, 12, 7, 11)) and not is_open([first_monday], at(2026, 12, 14, 11))
    assert is_open([first_monday], at(2027, 1, 4, 11))
    assert is_open([last_friday], at(2027, 1, 29, 19)) and not is_open([last_friday], at(2027, 1, 22, 19))
    assert opening_status([first_monday], at(2026, 12, 8, 9)).next_opens_at == at(2027, 1, 4, 10)


def test_days_of_the_month_from_hsds_rows_and_stored_rows():
    from knowledge.hours.stored import rule_from_stored

    row = {"freq": "MONTHLY", "bymonthday": "1,-1", "opens_at": "09:00", "closes_at": "11:00"}
    rules = [schedule_from_hsds(row)]
    assert is_open(rules, at(2027, 2, 1, 10)) and is_open(rules, at(2027, 2, 28, 10))
    assert not is_open(rules, at(2027, 2, 27, 10))
    stored = rule_from_stored({**row, "opens_at": time(9), "closes_at": time(11), "byday": None})
    assert stored == rules[0]
    assert "Day 1 and the last day of the month" in describe_rules(rules)


def test_unsupported_recurrence_parts_are_refused_by_name():
    for part, value in (("count", 3), ("byweekno", "41"), ("byyearday", "2")):
        with pytest.raises(HoursError, match=part):
            schedule_from_hsds({"byday": "MO", "opens_at": "09:00", "closes_at": "17:00", part: value})
