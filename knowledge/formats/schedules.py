"""Schedule rows from a feed: what the hours engine can follow, and what it cannot.

A schedule the engine cannot express exactly (``count``, ``byweekno``, ``byyearday``, a weekly rule with month
days, a malformed day or time) raises :class:`ScheduleDropped`. The service parser then leaves out *all* of that
service's hours and says so: a service with some of its hours missing would be shown as closed when it is open,
and "hours not known" is the honest answer.

ORUK 1.0 ``holiday_schedules`` are applied here as the HSDS 3.0 guidance says: a closure ends the regular rules
the day before it and starts them again the day after (:func:`knowledge.hours.engine.apply_closure`); changed
hours on those days are added as rules valid for those days only.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Dict, List, Optional, Tuple
from zoneinfo import ZoneInfo

from knowledge.formats import fields
from knowledge.formats.fields import Json, RecordError
from knowledge.hours.engine import DAY_CODES, HoursError, WeeklyHours, apply_closure, parse_byday, parse_clock
from knowledge.hours.stored import rule_from_stored
from knowledge.store.models import Schedule

LONDON = ZoneInfo("Europe/London")

#: RFC 5545 parts the hours engine does not follow.
UNSUPPORTED_PARTS = ("count", "byweekno", "byyearday")

_WEEKDAY_NAMES = {name: code for name, code in zip(
    ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"), DAY_CODES)}


class ScheduleDropped(Exception):
    """This schedule cannot be followed exactly; the message names it and says why."""


def schedule_label(raw: Any) -> str:
    return f"schedule {raw.get('id')}" if isinstance(raw, dict) and raw.get("id") not in (None, "") else "a schedule"


def parse_schedule(raw: Any, today: dt.date) -> Json:
    """An HSDS 3.0 ``schedule`` (or ORUK ``regular_schedule``) as Schedule column values, wall-clock London."""
    if not isinstance(raw, dict):
        raise ScheduleDropped("a schedule is not an object")
    label = schedule_label(raw)
    try:
        return _parse(raw, label, today)
    except RecordError as error:
        raise ScheduleDropped(str(error)) from None


def _parse(raw: Json, label: str, today: dt.date) -> Json:
    for part in UNSUPPORTED_PARTS:
        if raw.get(part) not in (None, ""):
            raise ScheduleDropped(f"{label} uses {part}, which signpost cannot follow")
    freq = str(raw.get("freq") or "WEEKLY").strip().upper()
    if freq not in ("WEEKLY", "MONTHLY"):
        raise ScheduleDropped(f"{label}: freq {raw.get('freq')!r} is not WEEKLY or MONTHLY")
    try:
        interval = int(raw.get("interval") or 1)
    except (TypeError, ValueError):
        raise ScheduleDropped(f"{label}: interval is not a number: {raw.get('interval')!r}") from None
    if interval < 1:
        raise ScheduleDropped(f"{label}: interval must be 1 or more")
    dates = {name: fields.date(raw, name, what=label) for name in ("valid_from", "valid_to", "dtstart", "until")}
    if dates["valid_from"] and dates["valid_to"] and dates["valid_from"] > dates["valid_to"]:
        raise ScheduleDropped(f"{label}: bad dates: valid_from is after valid_to")
    byday_text = _byday_text(raw, label)
    bymonthday = _bymonthday_text(raw, label)
    if not byday_text and not bymonthday:
        raise ScheduleDropped(f"{label}: bad byday: no days given")
    try:
        parsed_days = parse_byday(byday_text)
    except HoursError as error:
        raise ScheduleDropped(f"{label}: bad byday: {error}") from None
    if raw.get("opens_at") in (None, "") or raw.get("closes_at") in (None, ""):
        raise ScheduleDropped(f"{label}: bad time: needs both opens_at and closes_at")
    reference = dates["dtstart"] or dates["valid_from"] or today
    opens_at, closes_at, day_shift = _wall_clock_times(str(raw["opens_at"]), str(raw["closes_at"]), reference, label)
    if day_shift and (parsed_days.ordinals or bymonthday):
        raise ScheduleDropped(f"{label}: bad time: the offset moves a monthly day ({byday_text}) across midnight")
    byday = ",".join(_shift_days(parsed_days.days, day_shift, byday_text)) if day_shift else _clean_days(byday_text)
    values = {
        "id": fields.text(raw, "id", Schedule),
        "freq": freq,
        "interval": interval,
        "byday": byday or None,
        "bymonthday": bymonthday,
        "opens_at": opens_at,
        "closes_at": closes_at,
        "description": fields.text(raw, "description", Schedule),
        "notes": fields.text(raw, "notes", Schedule),
        "closes_on_bank_holidays": fields.boolean(raw, "closes_on_bank_holidays"),
        **dates,
    }
    try:
        rule_of(values)
    except HoursError as error:
        raise ScheduleDropped(f"{label}: {error}") from None
    return values


def _byday_text(raw: Json, label: str) -> str:
    """``byday``, or ORUK 1.0's ``weekday`` (1 = Monday … 7 = Sunday, or a day name)."""
    byday = raw.get("byday")
    if isinstance(byday, str) and byday.strip():
        return byday.strip()
    weekday = raw.get("weekday")
    if weekday in (None, ""):
        return ""
    if isinstance(weekday, int) and not isinstance(weekday, bool) and 1 <= weekday <= 7:
        return DAY_CODES[weekday - 1]
    if isinstance(weekday, str):
        word = weekday.strip().lower()
        if word in _WEEKDAY_NAMES:
            return _WEEKDAY_NAMES[word]
        if word.isdigit() and 1 <= int(word) <= 7:
            return DAY_CODES[int(word) - 1]
        if word.upper() in DAY_CODES:
            return word.upper()
    raise ScheduleDropped(f"{label}: bad weekday {weekday!r}")


def _bymonthday_text(raw: Json, label: str) -> Optional[str]:
    value = raw.get("bymonthday")
    if value in (None, ""):
        return None
    parts = value if isinstance(value, list) else str(value).split(",")
    try:
        days = [int(str(part).strip()) for part in parts if str(part).strip()]
    except ValueError:
        raise ScheduleDropped(f"{label}: bymonthday is not a list of day numbers: {value!r}") from None
    if any(day == 0 or abs(day) > 31 for day in days):
        raise ScheduleDropped(f"{label}: bymonthday must be 1 to 31 (or -1 to -31 from the month's end): {value!r}")
    return ",".join(str(day) for day in days) or None


def _clean_days(byday_text: str) -> str:
    return ",".join(item.strip().upper() for item in byday_text.split(",") if item.strip())


def _wall_clock_times(opens_text: str, closes_text: str, reference: dt.date, label: str) -> Tuple[dt.time, dt.time, int]:
    """Opening and closing as Europe/London wall clock, and how many days the opening moved (-1, 0, 1)."""
    try:
        opens, opens_offset = parse_clock(opens_text)
        closes, closes_offset = parse_clock(closes_text)
    except HoursError as error:
        raise ScheduleDropped(f"{label}: bad time: {error}") from None
    if opens == dt.time(0, 0) and closes in (dt.time(23, 59), dt.time(0, 0)):
        return dt.time(0, 0), dt.time(23, 59), 0  # "all day" whatever the offset says
    shift = 0
    if opens_offset is not None:
        opens, shift = _to_london(opens, opens_offset, reference)
    if closes_offset is not None:
        closes, _ = _to_london(closes, closes_offset, reference)
    return opens, closes, shift


def _to_london(clock: dt.time, offset: dt.timedelta, on: dt.date) -> Tuple[dt.time, int]:
    local = dt.datetime.combine(on, clock, tzinfo=dt.timezone(offset)).astimezone(LONDON)
    return local.time().replace(tzinfo=None), (local.date() - on).days


def _shift_days(days, shift: int, original: str) -> List[str]:
    if not days:
        return []
    shifted = {DAY_CODES[(DAY_CODES.index(code) + shift) % 7] for code in days}
    return [code for code in DAY_CODES if code in shifted]


def rule_of(values: Json) -> WeeklyHours:
    """The hours-engine rule for stored schedule values (the same reading the search and the check use)."""
    return rule_from_stored(values)


# ---- ORUK 1.0 holiday_schedules -----------------------------------------------------------------------------------


def parse_holiday(raw: Any, today: dt.date) -> Optional[Dict[str, Any]]:
    """An ORUK 1.0 ``holiday_schedule`` as ``{start, end, closed, opens_at, closes_at, id}``; ``None`` when it
    ended before ``today`` (a past closure changes nothing)."""
    if not isinstance(raw, dict):
        raise ScheduleDropped("a holiday_schedule is not an object")
    label = f"holiday_schedule {raw.get('id')}" if raw.get("id") not in (None, "") else "a holiday_schedule"
    try:
        start = fields.date(raw, "start_date", what=label)
        end = fields.date(raw, "end_date", what=label) or start
    except RecordError as error:
        raise ScheduleDropped(str(error)) from None
    if start is None:
        raise ScheduleDropped(f"{label}: no start_date")
    if end < start:
        raise ScheduleDropped(f"{label}: end_date is before start_date")
    if end < today:
        return None
    closed = raw.get("closed") in (True, "true", "True", 1, "1", "yes")
    holiday = {"id": fields.raw_id(raw), "start": start, "end": end, "closed": closed}
    if not closed:
        if raw.get("opens_at") in (None, "") or raw.get("closes_at") in (None, ""):
            raise ScheduleDropped(f"{label}: open on those days but gives no opens_at and closes_at")
        opens, closes, _ = _wall_clock_times(str(raw["opens_at"]), str(raw["closes_at"]), start, label)
        holiday.update(opens_at=opens, closes_at=closes)
    return holiday


def apply_holidays(schedules: List[Json], holidays: List[Dict[str, Any]]) -> List[Json]:
    """Regular schedule values with each holiday applied: the regular rules pause over the holiday, and a
    holiday with its own hours adds a rule for those days only."""
    result = list(schedules)
    for holiday in holidays:
        paused: List[Json] = []
        for values in result:
            pieces = apply_closure([rule_of(values)], holiday["start"], holiday["end"])
            for number, piece in enumerate(pieces):
                copy = dict(values, valid_from=piece.valid_from, valid_to=piece.valid_to, dtstart=piece.dtstart)
                if number and copy.get("id"):
                    copy["id"] = f"{copy['id']}~{number + 1}"
                paused.append(copy)
        result = paused
        if not holiday["closed"]:
            result.append({
                "id": f"holiday-{holiday['id']}" if holiday["id"] else None,
                "freq": "WEEKLY", "interval": 1, "byday": ",".join(DAY_CODES), "bymonthday": None,
                "opens_at": holiday["opens_at"], "closes_at": holiday["closes_at"],
                "description": "holiday hours", "notes": None, "closes_on_bank_holidays": False,
                "valid_from": holiday["start"], "valid_to": holiday["end"], "dtstart": None, "until": None,
            })
    return result

