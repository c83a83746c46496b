"""Small readers for one field of a feed record, shared by every format's parser.

Each returns a clean Python value or raises :class:`RecordError` with a reason a council officer can read. Text
fields meant for people (names, descriptions, notes) go through :func:`~knowledge.formats.plain_text.html_to_text`,
so no markup is ever stored or sent; identifiers, web addresses and codes are kept exactly as written.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Dict, List, Optional

from knowledge.formats.plain_text import html_to_text

Json = Dict[str, Any]

#: Ages outside this range are typing mistakes, not eligibility rules.
MAX_AGE = 130

#: Fields written for people to read: HTML in them becomes plain text.
PROSE_FIELDS = frozenset({
    "name", "alternate_name", "description", "application_process", "eligibility_description", "fees_description",
    "alert", "notes", "attention", "option", "amount_description", "note", "title", "department",
})


class RecordError(Exception):
    """One record is unusable; the message is the reason shown to the person importing."""


def as_list(record: Json, key: str) -> List[Any]:
    value = record.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise RecordError(f"{key} is not a list")
    return value


def column_length(model: type, key: str) -> Optional[int]:
    column = model.__table__.columns.get(key)
    return getattr(column.type, "length", None) if column is not None else None


def text(record: Json, key: str, model: Optional[type] = None, *, column: Optional[str] = None) -> Optional[str]:
    """A text field, trimmed (and as plain text if it is prose); ``None`` if absent or blank. Over-long values
    are refused here so SQLite and PostgreSQL reject the same records. ``column`` names the model column when it
    differs from the feed's key."""
    value = record.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise RecordError(f"{key} is not text")
    result = str(value).strip()
    if key in PROSE_FIELDS or (column or "") in PROSE_FIELDS:
        result = html_to_text(result)
    if not result:
        return None
    limit = column_length(model, column or key) if model is not None else None
    if limit is not None and len(result) > limit:
        raise RecordError(f"{key} is too long ({len(result)} characters; at most {limit})")
    return result


def required_text(record: Json, key: str, model: Optional[type] = None, *, what: str = "") -> str:
    result = text(record, key, model)
    if not result:
        raise RecordError(f"{what + ' ' if what else ''}missing {key}".strip())
    return result


def boolean(record: Json, key: str) -> bool:
    value = record.get(key)
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "yes", "1", "false", "no", "0", ""):
        return value.strip().lower() in ("true", "yes", "1")
    raise RecordError(f"{key} is not true or false: {value!r}")


def age(record: Json, key: str) -> Optional[int]:
    value = record.get(key)
    if value in (None, ""):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise RecordError(f"bad ages: {key} is not a number: {value!r}") from None
    if isinstance(value, bool) or number != int(number) or not 0 <= number <= MAX_AGE:
        raise RecordError(f"bad ages: {key} must be a whole number from 0 to {MAX_AGE}: {value!r}")
    return int(number)


def number(record: Json, key: str, low: float, high: float) -> Optional[float]:
    value = record.get(key)
    if value in (None, ""):
        return None
    try:
        result = float(value)
    except (TypeError, ValueError):
        raise RecordError(f"{key} is not a number: {value!r}") from None
    if isinstance(value, bool) or not low <= result <= high:
        raise RecordError(f"{key} is out of range: {value!r}")
    return result


def date(record: Json, key: str, *, what: str = "") -> Optional[dt.date]:
    value = record.get(key)
    if value in (None, ""):
        return None
    try:
        return dt.date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        prefix = f"{what}: " if what else ""
        raise RecordError(f"{prefix}bad dates: {key} is not a YYYY-MM-DD date: {value!r}") from None


def raw_id(record: Any) -> Optional[str]:
    """A record's own id as text (feeds use strings or numbers), or ``None``."""
    if isinstance(record, dict) and isinstance(record.get("id"), (str, int)) and not isinstance(record.get("id"), bool):
        value = str(record["id"]).strip()
        return value or None
    return None
