"""Opening hours: is a service open now, when does it close, when does it next open?

People message signpost at 2am and at weekends, so "is it open *now*, and if not, when?" is the question that
matters most. This module answers it from HSDS 3.0 ``schedule`` rows (RFC 5545-style recurrences) normalised into
:class:`WeeklyHours`. It is a pure library: no database, no Rasa, only ``zoneinfo`` and the ``holidays`` package.

Semantics, decided once here so every caller gets the same answer:

* All rule times are **wall-clock Europe/London**. HSDS times may carry ``Z`` or an offset; the importer decides
  whether to honour them (see :func:`to_wall_clock` and :func:`schedule_from_hsds`).
* ``opens_at 00:00`` with ``closes_at 23:59`` (or ``24:00``, or ``00:00``) is open all day. ``closes_at`` of 23:59
  always means "until midnight", so there is never a one-minute gap at 23:59 (HSDS has no other way to say it).
* ``closes_at`` at or before ``opens_at`` runs past midnight: FR 20:00-08:00 is Friday 20:00 to Saturday 08:00.
  ``byday`` names the day a period *starts*.
* Periods that touch or overlap are joined, so "until 8pm" and "24 hours" come out right across rows and days.
* ``valid_from``/``valid_to``/``dtstart``/``until`` bound the date a period *starts* (all inclusive). An overnight
  period that starts on the last valid day still runs into the next morning.
* Clock changes: a wall time that does not exist (01:30 on the spring-forward day) means the moment the clocks
  jump (02:00 BST); a wall time that happens twice (01:30 on the fall-back day) means its *first* occurrence. Both
  rules keep the wall-clock-to-instant map monotonic, so back-to-back periods still join with no gap.
* Hours are *unknown* (``known=False``) when there are no rules or every rule's ``valid_to`` has passed: HSDS says
  a passed ``valid_to`` means "find out the new hours", not "closed".

All arithmetic happens in UTC: Python compares and subtracts datetimes that share a ``tzinfo`` by wall clock,
ignoring offsets and ``fold``, which is wrong across clock changes.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from typing import Iterable, Iterator, Mapping, NamedTuple, Sequence
from zoneinfo import ZoneInfo

import holidays

__all__ = [
    "LONDON",
    "HORIZON_DAYS",
    "DAY_CODES",
    "HoursError",
    "WeeklyHours",
    "ParsedByDay",
    "OpeningStatus",
    "parse_byday",
    "parse_clock",
    "to_wall_clock",
    "schedule_from_hsds",
    "apply_closure",
    "opening_status",
    "is_open",
    "next_opening",
    "describe_status",
    "describe_rules",
    "describe_time",
    "is_bank_holiday",
    "wall_to_instant",
]

LONDON = ZoneInfo("Europe/London")
UTC = timezone.utc

#: How far ahead we look for the next opening (and for the end of the current opening). Five weeks covers
#: fortnightly and "first Saturday of the month" services; beyond that we say nothing rather than guess.
HORIZON_DAYS = 35

#: RFC 5545 day codes, index = ``date.weekday()`` (Monday is 0).
DAY_CODES: tuple[str, ...] = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_DAY_NAMES: tuple[str, ...] = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MIDNIGHT = time(0, 0)


class HoursError(ValueError):
    """Bad schedule data or a bad call (for example a naive datetime). Importers catch this per row."""


class ParsedByDay(NamedTuple):
    """``byday`` split into plain weekdays (``MO``) and monthly ordinals (``1SA`` -> ``(1, "SA")``)."""

    days: frozenset[str]
    ordinals: frozenset[tuple[int, str]]


_BYDAY_ITEM = re.compile(r"^([+-]?\d{1,2})?([A-Z]{2})$")


def parse_byday(text: str | None) -> ParsedByDay:
    """Parse an HSDS/RFC 5545 ``byday`` string such as ``"MO,TU"`` or ``"1SA,-1FR"``.

    Case and spaces are forgiven (council spreadsheets vary); anything else raises :class:`HoursError` so a bad
    row is rejected at import instead of silently meaning "every day". ``None`` or ``""`` means no restriction.
    """
    if text is None or not text.strip():
        return ParsedByDay(frozenset(), frozenset())
    days: set[str] = set()
    ordinals: set[tuple[int, str]] = set()
    for raw in text.split(","):
        item = raw.strip().upper()
        match = _BYDAY_ITEM.match(item)
        if not match or match.group(2) not in DAY_CODES:
            raise HoursError(f"not a day code in byday: {raw.strip()!r}")
        number, code = match.groups()
        if number is None:
            days.add(code)
            continue
        ordinal = int(number)
        if ordinal == 0 or abs(ordinal) > 5:
            raise HoursError(f"byday ordinal must be 1..5 or -1..-5: {raw.strip()!r}")
        ordinals.add((ordinal, code))
    return ParsedByDay(frozenset(days), frozenset(ordinals))


_CLOCK = re.compile(
    r"^(?P<h>\d{1,2}):(?P<m>\d{2})(?::(?P<s>\d{2})(?:\.\d+)?)?"
    r"(?P<tz>Z|[+-]\d{2}(?::?\d{2})?)?$"
)


def parse_clock(text: str) -> tuple[time, timedelta | None]:
    """Parse an HSDS time: ``"09:00"``, ``"09:00:00"``, ``"09:00Z"``, ``"09:00+01:00"``, ``"24:00"``.

    Returns the naive wall time and the UTC offset written with it (``None`` if there was none). ``24:00`` becomes
    00:00, which as a closing time means midnight at the end of the day. Raises :class:`HoursError` otherwise.
    """
    if not isinstance(text, str):
        raise HoursError(f"clock time must be text, got {type(text).__name__}")
    match = _CLOCK.match(text.strip().upper())
    if not match:
        raise HoursError(f"not a clock time: {text!r}")
    hour, minute, second = int(match["h"]), int(match["m"]), int(match["s"] or 0)
    if (hour, minute, second) == (24, 0, 0):
        hour = 0
    if hour > 23 or minute > 59 or second > 59:
        raise HoursError(f"clock time out of range: {text!r}")
    offset: timedelta | None = None
    tz = match["tz"]
    if tz == "Z":
        offset = timedelta(0)
    elif tz:
        sign = -1 if tz[0] == "-" else 1
        digits = tz[1:].replace(":", "")
        off_h, off_m = int(digits[:2]), int(digits[2:4] or 0)
        if off_h > 14 or off_m > 59:
            raise HoursError(f"UTC offset out of range: {text!r}")
        offset = sign * timedelta(hours=off_h, minutes=off_m)
    return time(hour, minute, second), offset


def to_wall_clock(t: time, offset: timedelta | None, on: date) -> time:
    """Convert a time written with a UTC offset to Europe/London wall-clock time on the date ``on``.

    ``09:00Z`` is 09:00 in winter and 10:00 in summer, so the answer depends on the date. With ``offset=None``
    the time is already wall clock and is returned unchanged. Only the time is returned: if the conversion
    crosses midnight the period really starts on a neighbouring day, which the caller must reflect in ``byday``.
    """
    if offset is None:
        return t
    instant = datetime.combine(on, t, tzinfo=timezone(offset))
    return instant.astimezone(LONDON).time().replace(tzinfo=None)


@dataclass(frozen=True)
class WeeklyHours:
    """One HSDS schedule row, normalised: wall-clock Europe/London times.

    ``byday`` may also be given as text (``"MO,TU"``) or any iterable of codes; ordinals in text (``"1SA"``) go
    to ``byday_ordinals``. With ``freq="MONTHLY"``: plain ``byday`` means every such weekday of the month,
    ``byday_ordinals`` means e.g. first Saturday ``(1, "SA")`` or last Friday ``(-1, "FR")``, ``bymonthday`` means
    days of the month (negative counts from the end). If both weekday and month-day selectors are given a day must
    match both (RFC 5545). A MONTHLY rule with no selector repeats on ``dtstart``'s day of the month.
    ``interval`` counts weeks (WEEKLY, weeks starting Monday) or months (MONTHLY) from ``dtstart`` (or
    ``valid_from`` when there is no ``dtstart``).
    """

    opens_at: time
    closes_at: time
    byday: frozenset[str] = frozenset()
    valid_from: date | None = None
    valid_to: date | None = None
    closes_on_bank_holidays: bool = False
    freq: str = "WEEKLY"
    interval: int = 1
    dtstart: date | None = None
    until: date | None = None
    byday_ordinals: frozenset[tuple[int, str]] = frozenset()
    bymonthday: frozenset[int] = frozenset()

    def __post_init__(self) -> None:
        for name in ("opens_at", "closes_at"):
            value = getattr(self, name)
            if not isinstance(value, time):
                raise HoursError(f"{name} must be a datetime.time, got {type(value).__name__}")
            if value.tzinfo is not None:
                raise HoursError(f"{name} must be wall-clock (naive); convert with to_wall_clock first")
        days = self.byday
        ordinals = set(self.byday_ordinals)
        if isinstance(days, str):
            parsed = parse_byday(days)
            days = parsed.days
            ordinals |= parsed.ordinals
        days = frozenset(str(code).strip().upper() for code in days)
        unknown = days - set(DAY_CODES)
        if unknown:
            raise HoursError(f"not day codes: {sorted(unknown)}")
        for ordinal, code in ordinals:
            if code not in DAY_CODES or ordinal == 0 or abs(ordinal) > 5:
                raise HoursError(f"bad byday ordinal: {ordinal}{code}")
        monthdays = frozenset(int(day) for day in self.bymonthday)
        if any(day == 0 or abs(day) > 31 for day in monthdays):
            raise HoursError(f"bymonthday must be 1..31 or -1..-31: {sorted(monthdays)}")
        object.__setattr__(self, "byday", days)
        object.__setattr__(self, "byday_ordinals", frozenset(ordinals))
        object.__setattr__(self, "bymonthday", monthdays)

        freq = str(self.freq or "WEEKLY").upper()
        object.__setattr__(self, "freq", freq)
        if freq not in ("WEEKLY", "MONTHLY"):
            raise HoursError(f"freq must be WEEKLY or MONTHLY (HSDS 3.0), got {self.freq!r}")
        if freq == "WEEKLY" and (self.byday_ordinals or self.bymonthday):
            raise HoursError("ordinal byday and bymonthday need freq MONTHLY")
        if freq == "MONTHLY" and not (days or self.byday_ordinals or monthdays or self.dtstart):
            raise HoursError("a MONTHLY rule needs byday, bymonthday or dtstart")
        if not isinstance(self.interval, int) or self.interval < 1:
            raise HoursError(f"interval must be a whole number >= 1, got {self.interval!r}")
        if self.interval > 1 and self.dtstart is None and self.valid_from is None:
            raise HoursError("interval > 1 needs dtstart (or valid_from) to count from")
        if self.valid_from and self.valid_to and self.valid_from > self.valid_to:
            raise HoursError(f"valid_from {self.valid_from} is after valid_to {self.valid_to}")

    @property
    def anchor(self) -> date | None:
        """The date recurrences are counted from (``dtstart``, else ``valid_from``)."""
        return self.dtstart or self.valid_from

    def occurs_on(self, day: date) -> bool:
        """Does a period of this rule *start* on ``day`` (a Europe/London calendar date)?"""
        if self.valid_from and day < self.valid_from:
            return False
        if self.valid_to and day > self.valid_to:
            return False
        if self.dtstart and day < self.dtstart:
            return False
        if self.until and day > self.until:
            return False
        if self.freq == "WEEKLY":
            if self.byday and DAY_CODES[day.weekday()] not in self.byday:
                return False
            if self.interval > 1:
                anchor = self.anchor
                assert anchor is not None  # checked in __post_init__
                weeks = ((day - timedelta(days=day.weekday())) - (anchor - timedelta(days=anchor.weekday()))).days // 7
                if weeks % self.interval:
                    return False
        else:
            if not self._monthly_day_matches(day):
                return False
            if self.interval > 1:
                anchor = self.anchor
                assert anchor is not None
                months = (day.year * 12 + day.month) - (anchor.year * 12 + anchor.month)
                if months % self.interval:
                    return False
        if self.closes_on_bank_holidays and is_bank_holiday(day):
            return False
        return True

    def _monthly_day_matches(self, day: date) -> bool:
        month_length = calendar.monthrange(day.year, day.month)[1]
        code = DAY_CODES[day.weekday()]
        has_weekday_selector = bool(self.byday or self.byday_ordinals)
        weekday_ok = code in self.byday or any(
            c == code
            and ((n > 0 and (day.day - 1) // 7 + 1 == n) or (n < 0 and (month_length - day.day) // 7 + 1 == -n))
            for n, c in self.byday_ordinals
        )
        monthday_ok = any(
            (n > 0 and day.day == n) or (n < 0 and day.day == month_length + 1 + n) for n in self.bymonthday
        )
        if has_weekday_selector and self.bymonthday:
            return weekday_ok and monthday_ok
        if has_weekday_selector:
            return weekday_ok
        if self.bymonthday:
            return monthday_ok
        assert self.dtstart is not None
        return day.day == self.dtstart.day

    @property
    def all_day(self) -> bool:
        return self.opens_at == _MIDNIGHT and _ends_at_midnight(self.closes_at)

    def wall_period(self, day: date) -> tuple[datetime, datetime]:
        """The naive wall-clock (start, end) of the period starting on ``day`` (whether or not it occurs)."""
        start = datetime.combine(day, self.opens_at)
        if _ends_at_midnight(self.closes_at):
            end = datetime.combine(day + timedelta(days=1), _MIDNIGHT)
        elif self.closes_at <= self.opens_at:
            end = datetime.combine(day + timedelta(days=1), self.closes_at)
        else:
            end = datetime.combine(day, self.closes_at)
        return start, end


def _ends_at_midnight(closes_at: time) -> bool:
    """23:59 (HSDS's "through midnight" signal), 23:59:59 and 00:00/24:00 all close at midnight."""
    return closes_at == _MIDNIGHT or (closes_at.hour, closes_at.minute) == (23, 59)


def wall_to_instant(day: date, clock: time) -> datetime:
    """The UTC instant at which Europe/London wall clocks read ``clock`` on ``day``.

    Non-existent times (in the spring-forward gap) map to the moment the clocks jump; repeated times (in the
    fall-back hour) map to their first occurrence.
    """
    naive = datetime.combine(day, clock)
    first = naive.replace(tzinfo=LONDON, fold=0).astimezone(UTC)
    if first.astimezone(LONDON).replace(tzinfo=None) == naive:
        return first
    # In a gap zoneinfo gives two candidate instants either side of the jump; find the jump to the second.
    lo = naive.replace(tzinfo=LONDON, fold=1).astimezone(UTC)
    hi = first
    if lo > hi:
        lo, hi = hi, lo
    while hi - lo > timedelta(seconds=1):
        mid = lo + (hi - lo) / 2
        mid = mid.replace(microsecond=0)
        if mid.astimezone(LONDON).replace(tzinfo=None) >= naive:
            hi = mid
        else:
            lo = mid
    return hi


@lru_cache(maxsize=64)
def _bank_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year).keys())


def is_bank_holiday(d: date) -> bool:
    """Is ``d`` a bank holiday in England?

    Uses the ``holidays`` package (GB, subdivision ENG), which lists a holiday that falls at a weekend *and* its
    weekday substitute (e.g. Boxing Day Saturday 26 Dec 2026 and Monday 28 Dec 2026). We treat both as closed
    days: a service that shuts on bank holidays is almost always shut on Christmas Day itself too, and telling
    someone a door is open when it is locked is the worse mistake.
    """
    if isinstance(d, datetime):
        raise HoursError("is_bank_holiday takes a date, not a datetime")
    return d in _bank_holidays(d.year)


@dataclass(frozen=True)
class OpeningStatus:
    """Where a service stands at one instant. Datetimes are aware, Europe/London."""

    known: bool
    open_now: bool
    always_open: bool
    closes_at: datetime | None
    next_opens_at: datetime | None


_UNKNOWN = OpeningStatus(known=False, open_now=False, always_open=False, closes_at=None, next_opens_at=None)


def _require_aware(now: datetime) -> datetime:
    if not isinstance(now, datetime):
        raise HoursError(f"now must be a datetime, got {type(now).__name__}")
    if now.tzinfo is None or now.utcoffset() is None:
        raise HoursError("now must be timezone-aware (e.g. datetime.now(LONDON)); naive times are ambiguous")
    return now.astimezone(UTC)


def _periods(rules: Sequence[WeeklyHours], first_day: date, last_day: date) -> Iterator[tuple[datetime, datetime]]:
    """UTC (start, end) of every period starting from ``first_day`` to ``last_day``, in start order, lazily."""
    day = first_day
    while day <= last_day:
        todays = []
        for rule in rules:
            if rule.occurs_on(day):
                wall_start, wall_end = rule.wall_period(day)
                start = wall_to_instant(wall_start.date(), wall_start.time())
                end = wall_to_instant(wall_end.date(), wall_end.time())
                if start < end:
                    todays.append((start, end))
        todays.sort()
        yield from todays
        day += timedelta(days=1)


def _merged(periods: Iterable[tuple[datetime, datetime]]) -> Iterator[tuple[datetime, datetime]]:
    """Join periods that overlap or touch, so 9-5 plus 5-8 reads as one opening until 8."""
    current: tuple[datetime, datetime] | None = None
    for start, end in periods:
        if current is None:
            current = (start, end)
        elif start <= current[1]:
            current = (current[0], max(current[1], end))
        else:
            yield current
            current = (start, end)
    if current is not None:
        yield current


def _hours_known(rules: Sequence[WeeklyHours], today: date) -> bool:
    return any(rule.valid_to is None or rule.valid_to >= today for rule in rules)


def opening_status(rules: Sequence[WeeklyHours], now: datetime) -> OpeningStatus:
    """Open or closed at ``now`` (any aware datetime), until when, and when it next opens.

    Looks ahead :data:`HORIZON_DAYS`: an opening that lasts the whole horizon is reported as ``always_open``;
    a closure longer than the horizon gives ``next_opens_at=None``.
    """
    now_utc = _require_aware(now)
    if not rules:
        return _UNKNOWN
    today = now_utc.astimezone(LONDON).date()
    # An overnight period from yesterday can still be running; two days back is a margin for clock changes.
    first_day = today - timedelta(days=2)
    last_day = today + timedelta(days=HORIZON_DAYS)
    horizon = wall_to_instant(last_day, _MIDNIGHT)
    for start, end in _merged(_periods(rules, first_day, last_day)):
        if end <= now_utc:
            continue
        if start <= now_utc:
            if end >= horizon:
                return OpeningStatus(True, True, True, None, None)
            return OpeningStatus(True, True, False, end.astimezone(LONDON), None)
        if not _hours_known(rules, today):
            return _UNKNOWN
        return OpeningStatus(True, False, False, None, start.astimezone(LONDON))
    if not _hours_known(rules, today):
        return _UNKNOWN
    return OpeningStatus(True, False, False, None, None)


def is_open(rules: Sequence[WeeklyHours], now: datetime) -> bool:
    """True only when the rules say the service is open at ``now`` (unknown hours count as not open)."""
    return opening_status(rules, now).open_now


def next_opening(rules: Sequence[WeeklyHours], now: datetime) -> datetime | None:
    """The earliest instant at or after ``now`` when the service is open, in Europe/London.

    That is ``now`` itself when open; ``None`` when hours are unknown or nothing opens within the horizon.
    """
    status = opening_status(rules, now)
    if status.open_now:
        return now.astimezone(LONDON)
    return status.next_opens_at


# ---------------------------------------------------------------------------------------------------------------
# Plain-English descriptions
# ---------------------------------------------------------------------------------------------------------------


def describe_time(t: time) -> str:
    """12-hour clock the way people say it: ``9am``, ``8:30pm``, ``midday``, ``midnight``."""
    if (t.hour, t.minute) == (0, 0):
        return "midnight"
    if (t.hour, t.minute) == (12, 0):
        return "midday"
    suffix = "am" if t.hour < 12 else "pm"
    hour = t.hour % 12 or 12
    return f"{hour}{suffix}" if t.minute == 0 else f"{hour}:{t.minute:02d}{suffix}"


def _long_date(d: date) -> str:
    return f"{_DAY_NAMES[d.weekday()]} {d.day} {calendar.month_name[d.month]}"


def _day_phrase(d: date, today: date) -> str:
    """``today``/``tomorrow``/``Monday`` (within 6 days)/``Tuesday 3 March`` (further)."""
    ahead = (d - today).days
    if ahead == 0:
        return "today"
    if ahead == 1:
        return "tomorrow"
    if 1 < ahead <= 6:
        return _DAY_NAMES[d.weekday()]
    return _long_date(d)


def _closing_phrase(closes: datetime, today: date) -> str:
    # Midnight belongs to the day that is ending: "until midnight" tonight, not "until midnight tomorrow".
    label_day = closes.date() - timedelta(days=1) if closes.time() == _MIDNIGHT else closes.date()
    ahead = (label_day - today).days
    clock = describe_time(closes.time())
    if ahead == 0:
        return clock
    if ahead == 1:
        return f"{clock} tomorrow"
    if 1 < ahead <= 6:
        return f"{clock} {_DAY_NAMES[label_day.weekday()]}"
    return f"{clock} on {_long_date(label_day)}"


def _opening_phrase(opens: datetime, today: date) -> str:
    if opens.time() == _MIDNIGHT:
        # "Opens Friday at midnight" is ambiguous; name the night that is ending instead.
        night_of = opens.date() - timedelta(days=1)
        ahead = (night_of - today).days
        if ahead == 0:
            return "tonight at midnight"
        if ahead == 1:
            return "tomorrow night at midnight"
        if 1 < ahead <= 6:
            return f"{_DAY_NAMES[night_of.weekday()]} night at midnight"
        return f"at midnight on the night of {_long_date(night_of)}"
    return f"{_day_phrase(opens.date(), today)} at {describe_time(opens.time())}"


def describe_status(status: OpeningStatus, now: datetime) -> str:
    """Short plain English relative to ``now``, e.g. ``"Open now until 8pm"``, ``"Closed now. Opens Monday at 9am"``."""
    today = _require_aware(now).astimezone(LONDON).date()
    if not status.known:
        return "Opening hours not known"
    if status.open_now:
        if status.always_open or status.closes_at is None:
            return "Open now, 24 hours"
        return f"Open now until {_closing_phrase(status.closes_at.astimezone(LONDON), today)}"
    if status.next_opens_at is None:
        return f"Closed now. No opening times listed for the next {HORIZON_DAYS // 7} weeks"
    return f"Closed now. Opens {_opening_phrase(status.next_opens_at.astimezone(LONDON), today)}"


def _join_words(words: Sequence[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def _describe_days(days: Sequence[int]) -> str:
    """Weekday indexes (sorted) as ``Monday to Friday``, ``Monday, Wednesday and Friday``, ``Saturday and Sunday``."""
    if len(days) == 7:
        return "Every day"
    runs: list[list[int]] = []
    for day in days:
        if runs and runs[-1][-1] == day - 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    parts: list[str] = []
    for run in runs:
        if len(run) >= 3:
            parts.append(f"{_DAY_NAMES[run[0]]} to {_DAY_NAMES[run[-1]]}")
        else:
            parts.extend(_DAY_NAMES[day] for day in run)
    return _join_words(parts)


def _describe_span(rule: WeeklyHours) -> str:
    if rule.all_day:
        return "24 hours"
    closes = _MIDNIGHT if _ends_at_midnight(rule.closes_at) else rule.closes_at
    return f"{describe_time(rule.opens_at)} to {describe_time(closes)}"


def _is_plain_weekly(rule: WeeklyHours) -> bool:
    return (
        rule.freq == "WEEKLY"
        and rule.interval == 1
        and rule.valid_from is None
        and rule.valid_to is None
        and rule.dtstart is None
        and rule.until is None
    )


def _ordinal_word(n: int) -> str:
    words = {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth", -1: "last", -2: "second to last"}
    return words.get(n, f"{n}th")


def _full_date(d: date) -> str:
    return f"{d.day} {calendar.month_name[d.month]} {d.year}"


def _describe_special(rule: WeeklyHours) -> str:
    """A rule that is not a plain weekly one, described on its own."""
    if rule.freq == "MONTHLY":
        # Counting from the start of the month reads first: "the first Monday and the last Friday".
        ordinals = sorted(rule.byday_ordinals, key=lambda item: (item[0] < 0, item[0], DAY_CODES.index(item[1])))
        selectors = [f"the {_ordinal_word(n)} {_DAY_NAMES[DAY_CODES.index(c)]}" for n, c in ordinals]
        selectors += [f"every {_DAY_NAMES[DAY_CODES.index(c)]}" for c in DAY_CODES if c in rule.byday]
        selectors += [
            f"day {n}" if n > 0 else ("the last day" if n == -1 else f"{-n} days from the end")
            for n in sorted(rule.bymonthday, key=lambda n: (n < 0, n))
        ]
        if not selectors and rule.dtstart:
            selectors = [f"day {rule.dtstart.day}"]
        every = "of the month" if rule.interval == 1 else f"of every {rule.interval} months"
        head = f"{_join_words(selectors)} {every}"
        head = head[0].upper() + head[1:]
    else:
        days = sorted(DAY_CODES.index(code) for code in rule.byday) or list(range(7))
        day_text = _describe_days(days)
        if rule.interval == 2:
            head = f"Every other {day_text}" if len(days) < 7 else "Every other week, every day"
        elif rule.interval > 2:
            head = f"Every {rule.interval} weeks, {day_text}"
        else:
            head = day_text
    text = f"{head} {_describe_span(rule)}"
    start = max((d for d in (rule.valid_from, rule.dtstart) if d), default=None)
    end = min((d for d in (rule.valid_to, rule.until) if d), default=None)
    if start and end:
        text += f" (from {_full_date(start)} to {_full_date(end)})"
    elif start:
        text += f" (from {_full_date(start)})"
    elif end:
        text += f" (until {_full_date(end)})"
    if rule.closes_on_bank_holidays:
        text += ", not bank holidays"
    return text


def describe_rules(rules: Sequence[WeeklyHours]) -> str:
    """The rules as one short line, e.g. ``"Monday to Friday 9am to 5pm; Saturday 10am to 2pm"``."""
    if not rules:
        return "Opening hours not known"
    plain = [rule for rule in rules if _is_plain_weekly(rule)]
    special = [rule for rule in rules if not _is_plain_weekly(rule)]
    bank_flags = {rule.closes_on_bank_holidays for rule in plain}
    shared_bank_holiday_note = bank_flags == {True}

    by_day: dict[int, list[WeeklyHours]] = {day: [] for day in range(7)}
    for rule in plain:
        for day in sorted(DAY_CODES.index(code) for code in rule.byday) or range(7):
            by_day[day].append(rule)
    signatures: dict[int, tuple] = {}
    for day, day_rules in by_day.items():
        if day_rules:
            signatures[day] = tuple(
                sorted(
                    {
                        (
                            r.opens_at,
                            _MIDNIGHT if _ends_at_midnight(r.closes_at) else r.closes_at,
                            r.closes_on_bank_holidays and not shared_bank_holiday_note,
                        )
                        for r in day_rules
                    }
                )
            )
    if len(signatures) == 7 and all(
        all(WeeklyHours(o, c).all_day for o, c, _ in sig) for sig in signatures.values()
    ) and not shared_bank_holiday_note and not special:
        return "24 hours, every day"

    parts: list[str] = []
    seen: set[tuple] = set()
    for day in sorted(signatures):
        signature = signatures[day]
        if signature in seen:
            continue
        seen.add(signature)
        days = [d for d in sorted(signatures) if signatures[d] == signature]
        spans = []
        for opens, closes, bank in signature:
            span = _describe_span(WeeklyHours(opens, closes))
            spans.append(span + (" (not bank holidays)" if bank else ""))
        parts.append(f"{_describe_days(days)} {_join_words(spans)}")
    parts.extend(_describe_special(rule) for rule in special)
    text = "; ".join(parts)
    if shared_bank_holiday_note:
        text += ". Closed on bank holidays"
    return text


# ---------------------------------------------------------------------------------------------------------------
# Import helpers (HSDS 3.0 schedule rows, ORUK 1.0 holiday_schedule closures)
# ---------------------------------------------------------------------------------------------------------------


def _as_date(value: object, name: str) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError as error:
        raise HoursError(f"{name} is not a YYYY-MM-DD date: {value!r}") from error


def schedule_from_hsds(
    row: Mapping[str, object],
    *,
    honour_offsets: bool = False,
    closes_on_bank_holidays: bool = False,
) -> WeeklyHours:
    """Build :class:`WeeklyHours` from an HSDS 3.0 ``schedule`` mapping (field names as in the spec).

    ``honour_offsets=False`` (the default) reads ``09:00Z`` as 09:00 wall clock: UK publishers mostly write ``Z``
    or ``+00:00`` without meaning UTC in summer. With ``True``, offsets are converted to Europe/London using the
    row's ``dtstart``/``valid_from`` (or today's date), which is exact only for that half of the year.
    ``count``, ``byweekno`` and ``byyearday`` are not supported and raise :class:`HoursError` if set.
    """
    for unsupported in ("count", "byweekno", "byyearday"):
        if row.get(unsupported) not in (None, ""):
            raise HoursError(f"schedule field {unsupported!r} is not supported")
    if row.get("opens_at") in (None, "") or row.get("closes_at") in (None, ""):
        raise HoursError("schedule needs opens_at and closes_at")
    opens_at, opens_offset = parse_clock(str(row["opens_at"]))
    closes_at, closes_offset = parse_clock(str(row["closes_at"]))
    dtstart = _as_date(row.get("dtstart"), "dtstart")
    valid_from = _as_date(row.get("valid_from"), "valid_from")
    if honour_offsets:
        reference = dtstart or valid_from or datetime.now(LONDON).date()
        opens_at = to_wall_clock(opens_at, opens_offset, reference)
        closes_at = to_wall_clock(closes_at, closes_offset, reference)
    byday = parse_byday(row.get("byday") if isinstance(row.get("byday"), str) else None)
    monthdays_text = row.get("bymonthday")
    try:
        monthdays = frozenset(
            int(part) for part in str(monthdays_text).split(",") if monthdays_text not in (None, "")
        )
    except ValueError as error:
        raise HoursError(f"bymonthday is not a list of numbers: {monthdays_text!r}") from error
    interval = row.get("interval")
    try:
        interval_number = int(interval) if interval not in (None, "") else 1
    except (TypeError, ValueError) as error:
        raise HoursError(f"interval is not a number: {interval!r}") from error
    return WeeklyHours(
        opens_at=opens_at,
        closes_at=closes_at,
        byday=byday.days,
        byday_ordinals=byday.ordinals,
        bymonthday=monthdays,
        valid_from=valid_from,
        valid_to=_as_date(row.get("valid_to"), "valid_to"),
        closes_on_bank_holidays=closes_on_bank_holidays,
        freq=str(row.get("freq") or "WEEKLY"),
        interval=interval_number,
        dtstart=dtstart,
        until=_as_date(row.get("until"), "until"),
    )


def apply_closure(rules: Sequence[WeeklyHours], first_day: date, last_day: date) -> tuple[WeeklyHours, ...]:
    """Rules with no period starting between ``first_day`` and ``last_day`` (inclusive).

    This is how an ORUK 1.0 ``holiday_schedule`` row with ``closed=true`` becomes HSDS 3.0 shape: each regular
    rule's validity is split around the closure, exactly as the HSDS guidance says ("set valid_to to the last day
    the regular schedule is in operation"). For changed hours, apply the closure and then add rules with
    ``valid_from``/``valid_to`` for the exceptional hours.
    """
    if first_day > last_day:
        raise HoursError(f"closure starts {first_day} after it ends {last_day}")
    result: list[WeeklyHours] = []
    for rule in rules:
        starts = rule.valid_from or date.min
        ends = rule.valid_to or date.max
        if ends < first_day or starts > last_day:
            result.append(rule)
            continue
        if starts < first_day:
            result.append(replace(rule, valid_to=first_day - timedelta(days=1)))
        if ends > last_day:
            # Keep counting fortnights (or months) from the original start, not from the end of the closure.
            after = last_day + timedelta(days=1)
            result.append(replace(rule, valid_from=after, dtstart=rule.dtstart or rule.valid_from))
    return tuple(result)
