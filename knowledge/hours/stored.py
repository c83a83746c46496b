"""Hours rules from stored schedule rows: the one reading of a ``schedule`` row, for everyone who needs it.

The importer checks each row with it before storing, the directory check uses it to say whether a stored row can
be read, and search can use it to turn rows into :class:`~knowledge.hours.engine.WeeklyHours`. Keeping one reading
means a row the importer accepted is never silently read differently later (``bymonthday``, ordinal days).
"""
from __future__ import annotations

from typing import Any, Mapping

from knowledge.hours.engine import WeeklyHours, parse_byday

_FIELDS = ("opens_at", "closes_at", "byday", "bymonthday", "valid_from", "valid_to", "closes_on_bank_holidays",
           "freq", "interval", "dtstart", "until")


def rule_from_stored(row: Any) -> WeeklyHours:
    """The rule for a stored row (a ``Schedule`` or a mapping of its column values).

    Raises :class:`~knowledge.hours.engine.HoursError` when the row cannot be followed.
    """
    values = row if isinstance(row, Mapping) else {name: getattr(row, name, None) for name in _FIELDS}
    parsed = parse_byday(values.get("byday") or "")
    monthdays = frozenset(int(day) for day in str(values.get("bymonthday") or "").split(",") if day.strip())
    return WeeklyHours(
        opens_at=values["opens_at"],
        closes_at=values["closes_at"],
        byday=parsed.days,
        byday_ordinals=parsed.ordinals,
        bymonthday=monthdays,
        valid_from=values.get("valid_from"),
        valid_to=values.get("valid_to"),
        closes_on_bank_holidays=bool(values.get("closes_on_bank_holidays")),
        freq=values.get("freq") or "WEEKLY",
        interval=values.get("interval") or 1,
        dtstart=values.get("dtstart"),
        until=values.get("until"),
    )
