"""Import an HSDS 3.0 (Open Referral UK) service feed into the directory.

Input is what Open Referral's ``service_full`` example and ORUK feeds publish: a JSON array of service objects, a
page ``{"contents": [...]}`` (``"content"`` from the older ORUK API too) or a single service object. Records are
merged by id: a service already in the database is replaced with its children (phones, schedules, areas, locations
links, attributes); organizations, locations and taxonomy terms are merged by id.

Each record is imported on its own SAVEPOINT: a bad record is reported with its id (or index) and the reason, and
nothing of it is written, while the good records in the same file still go in. The caller owns the transaction
(``with session_scope(engine) as session: import_hsds(session, data, ...)``).

Decisions worth knowing:

* **Times.** A time without an offset (``09:00``) is wall-clock Europe/London, which is what UK publishers mean.
  A time with ``Z`` or an offset is converted to Europe/London wall clock using the UK offset on the schedule's
  ``dtstart``/``valid_from`` date, else on the import date; HSDS offsets are fixed and cannot follow summer time,
  so this is exact for that half of the year only. ``00:00``–``23:59`` (all day) is kept as it is whatever the
  offset. A conversion that moves the opening time across midnight moves ``byday`` with it.
* **Provenance.** Every service ends with a source and a checked date (``assured_date``): the record's own
  ``source``/``assured_date`` win; otherwise the ``source``/``checked`` arguments; otherwise the checked date is
  the import date (reported as a warning) and a record with no source at all is rejected.
* **Older ORUK 1.0 feeds**: ``regular_schedules`` are read as schedules (``weekday`` as a number 1=Monday or a day
  name); ``holiday_schedules`` cannot be stored and are reported as a warning; ``eligibilitys`` ages are used when
  the service has none.
* Phones on a ``service_at_location`` (or on its location) are stored as the service's phones with the location set.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from knowledge.hours.engine import DAY_CODES, HoursError, parse_byday, parse_clock
from knowledge.quality.check import is_valid_uk_number
from knowledge.store.models import (
    PHONE_TYPES,
    SERVICE_STATUSES,
    Address,
    Attribute,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)

LONDON = ZoneInfo("Europe/London")

#: Feeds bigger than this are refused before parsing: a council directory is a few MB at most.
MAX_FILE_BYTES = 50 * 1024 * 1024

#: Ages outside this range are typing mistakes, not eligibility rules.
MAX_AGE = 130

_ORUK_WEEKDAYS = {name: code for name, code in zip(
    ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"), DAY_CODES)}

Json = Dict[str, Any]


class ImportFileError(Exception):
    """The whole file cannot be read as an HSDS feed (not JSON, wrong encoding, wrong shape, too big)."""


class RecordError(Exception):
    """One record is unusable; the message is the reason shown to the person importing."""


@dataclass
class ImportReport:
    """What an import did. ``created``/``updated`` hold service ids; ``rejected`` and ``warnings`` hold
    ``(record id or "#index", reason)`` pairs."""

    created: List[str] = field(default_factory=list)
    updated: List[str] = field(default_factory=list)
    rejected: List[Tuple[str, str]] = field(default_factory=list)
    warnings: List[Tuple[str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.rejected

    def merge(self, other: "ImportReport") -> "ImportReport":
        self.created += other.created
        self.updated += other.updated
        self.rejected += other.rejected
        self.warnings += other.warnings
        return self

    def summary(self) -> str:
        return (
            f"{len(self.created)} created, {len(self.updated)} updated, "
            f"{len(self.rejected)} rejected, {len(self.warnings)} warnings"
        )


# ----------------------------------------------------------------------------------------------------------------
# Files
# ----------------------------------------------------------------------------------------------------------------


def read_hsds_file(path: str | Path, *, max_bytes: int = MAX_FILE_BYTES) -> Any:
    """Read a JSON feed: UTF-8 (a byte-order mark is tolerated). Raises :class:`ImportFileError` with a clear
    message for anything else, so the CLI can print it as it is."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as error:
        raise ImportFileError(f"cannot read {path}: {error.strerror or error}") from error
    if size > max_bytes:
        raise ImportFileError(f"{path} is {size} bytes; the limit is {max_bytes} bytes")
    raw = path.read_bytes()
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ImportFileError(f"{path} is UTF-16; save it as UTF-8 and try again")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportFileError(
            f"{path} is not UTF-8 (bad byte at position {error.start}); save it as UTF-8 and try again"
        ) from error
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise ImportFileError(f"{path} is not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}") from error


def service_records(data: Any) -> List[Any]:
    """The list of service records in a feed: an array, a page (``contents``/``content``) or one service."""
    if isinstance(data, list):
        return data
    if isinstance(data, dict):
        for key in ("contents", "content"):
            if key in data:
                if not isinstance(data[key], list):
                    raise ImportFileError(f"the page's {key!r} is not a list of services")
                return data[key]
        if "id" in data and "name" in data:
            return [data]
        raise ImportFileError("expected a list of services, a page with 'contents', or one service object")
    raise ImportFileError(f"expected a list of services, got {type(data).__name__}")


# ----------------------------------------------------------------------------------------------------------------
# Import
# ----------------------------------------------------------------------------------------------------------------


def import_hsds(
    session: Session,
    data: Any,
    *,
    source: Optional[str] = None,
    checked: Optional[dt.date] = None,
    today: Optional[dt.date] = None,
) -> ImportReport:
    """Merge an HSDS feed into the directory; see the module docstring for the rules.

    ``source``/``checked`` fill in records that lack ``source``/``assured_date``. ``today`` (the import date) is
    a parameter so tests are repeatable.
    """
    today = today or dt.date.today()
    records = service_records(data)
    report = ImportReport()

    ids_seen: Dict[str, List[int]] = {}
    for index, record in enumerate(records):
        if isinstance(record, dict) and isinstance(record.get("id"), (str, int)):
            ids_seen.setdefault(str(record["id"]).strip(), []).append(index)
    duplicated = {record_id for record_id, places in ids_seen.items() if len(places) > 1}

    for index, record in enumerate(records):
        label = _label(record, index)
        if isinstance(record, dict) and str(record.get("id", "")).strip() in duplicated:
            where = ", ".join(f"#{i}" for i in ids_seen[str(record["id"]).strip()])
            report.rejected.append((label, f"id appears more than once in the file (records {where})"))
            continue
        warnings: List[Tuple[str, str]] = []
        try:
            parsed = _parse_service(record, source=source, checked=checked, today=today, warnings=warnings)
        except RecordError as error:
            report.rejected.append((label, str(error)))
            continue
        try:
            with session.begin_nested():
                existed = _write_service(session, parsed, warnings)
                session.flush()
        except (RecordError, SQLAlchemyError) as error:
            reason = str(error) if isinstance(error, RecordError) else _db_reason(error)
            report.rejected.append((label, reason))
            continue
        report.warnings.extend((label, message) for _, message in warnings)
        (report.updated if existed else report.created).append(parsed["service"]["id"])
    return report


def _label(record: Any, index: int) -> str:
    if isinstance(record, dict) and isinstance(record.get("id"), (str, int)) and str(record["id"]).strip():
        return str(record["id"]).strip()
    return f"#{index}"


def _db_reason(error: SQLAlchemyError) -> str:
    detail = str(getattr(error, "orig", error)).strip().splitlines()
    return "the database refused it: " + (detail[0] if detail else type(error).__name__)


# ---- parsing: plain dicts of column values, validated before anything touches the database -----------------------


def _parse_service(
    record: Any, *, source: Optional[str], checked: Optional[dt.date], today: dt.date,
    warnings: List[Tuple[str, str]],
) -> Json:
    if not isinstance(record, dict):
        raise RecordError(f"not a service object (got {type(record).__name__})")
    service_id = _required_text(record, "id", Service)
    name = _required_text(record, "name", Service)
    status_raw = record.get("status")
    if status_raw in (None, ""):
        raise RecordError("missing status")
    status = str(status_raw).strip().lower()
    if status not in SERVICE_STATUSES:
        raise RecordError(f"bad status {status_raw!r} (expected one of: {', '.join(SERVICE_STATUSES)})")

    minimum_age, maximum_age = _age(record, "minimum_age"), _age(record, "maximum_age")
    if minimum_age is None and maximum_age is None:
        minimum_age, maximum_age = _oruk_eligibility_ages(record)
    if minimum_age is not None and maximum_age is not None and minimum_age > maximum_age:
        raise RecordError(f"bad ages: minimum_age {minimum_age} is above maximum_age {maximum_age}")

    record_source = _text(record, "source", Service)
    final_source = record_source or (source.strip() if source and source.strip() else None)
    if not final_source:
        raise RecordError("no source: add 'source' to the record or import with --source")
    assured = _date(record, "assured_date")
    if assured is None:
        if checked is not None:
            assured = checked
        else:
            assured = today
            warnings.append((service_id, f"no assured_date; recorded the import date {today.isoformat()} as checked"))

    service = {
        "id": service_id,
        "name": name,
        "status": status,
        "alternate_name": _text(record, "alternate_name", Service),
        "description": _text(record, "description", Service) or "",
        "url": _text(record, "url", Service),
        "email": _text(record, "email", Service),
        "application_process": _text(record, "application_process", Service),
        "eligibility_description": _text(record, "eligibility_description", Service),
        "fees_description": _text(record, "fees_description", Service),
        "alert": _text(record, "alert", Service),
        "minimum_age": minimum_age,
        "maximum_age": maximum_age,
        "assured_date": assured,
        "source": final_source,
        "source_url": _text(record, "source_url", Service),
        "is_national": _bool(record, "is_national"),
        "is_crisis_line": _bool(record, "is_crisis_line"),
    }

    organization = None
    org_raw = record.get("organization")
    if org_raw is not None:
        organization = _parse_organization(org_raw)
    elif record.get("organization_id") not in (None, ""):
        organization = {"id": str(record["organization_id"]).strip(), "reference_only": True}

    phones = [_parse_phone(p, service_id, warnings) for p in _list(record, "phones")]
    schedules = [_parse_schedule(s, today) for s in _list(record, "schedules")]
    schedules += [_parse_oruk_regular_schedule(s, today) for s in _list(record, "regular_schedules")]
    if _list(record, "holiday_schedules"):
        warnings.append((service_id, "holiday_schedules (ORUK 1.0) cannot be stored and were left out"))
    areas = [_parse_area(a) for a in _list(record, "service_areas")]
    sals = [_parse_sal(s, service_id, today, warnings) for s in _list(record, "service_at_locations")]
    attributes = [_parse_attribute(a) for a in _list(record, "attributes")]
    return {
        "service": service,
        "organization": organization,
        "phones": phones,
        "schedules": schedules,
        "areas": areas,
        "sals": sals,
        "attributes": attributes,
    }


def _parse_organization(raw: Any) -> Json:
    if not isinstance(raw, dict):
        raise RecordError("organization is not an object")
    return {
        "id": _required_text(raw, "id", Organization, what="organization"),
        "name": _required_text(raw, "name", Organization, what="organization"),
        "alternate_name": _text(raw, "alternate_name", Organization),
        "description": _text(raw, "description", Organization) or "",
        "email": _text(raw, "email", Organization),
        "website": _text(raw, "website", Organization),
    }


def _parse_phone(raw: Any, owner: str, warnings: List[Tuple[str, str]]) -> Json:
    if not isinstance(raw, dict):
        raise RecordError("a phone is not an object")
    number = _text(raw, "number", Phone)
    if not number:
        raise RecordError(f"phone {raw.get('id') or ''} has no number".replace("  ", " "))
    phone_type = (_text(raw, "type", Phone) or "voice").lower()
    if phone_type not in PHONE_TYPES:
        raise RecordError(f"phone {number!r} has bad type {raw.get('type')!r} (expected one of: {', '.join(PHONE_TYPES)})")
    if not is_valid_uk_number(number):
        warnings.append((owner, f"phone {number!r} does not look like a UK number"))
    return {
        "id": _text(raw, "id", Phone),
        "number": number,
        "extension": _text(raw, "extension", Phone),
        "type": phone_type,
        "description": _text(raw, "description", Phone),
    }


def _parse_schedule(raw: Any, today: dt.date) -> Json:
    if not isinstance(raw, dict):
        raise RecordError("a schedule is not an object")
    label = f"schedule {raw.get('id')}" if raw.get("id") else "a schedule"
    for unsupported in ("count", "byweekno", "byyearday", "bymonthday"):
        if raw.get(unsupported) not in (None, ""):
            raise RecordError(f"{label}: {unsupported} is not supported")
    freq = str(raw.get("freq") or "WEEKLY").strip().upper()
    if freq not in ("WEEKLY", "MONTHLY"):
        raise RecordError(f"{label}: bad freq {raw.get('freq')!r} (WEEKLY or MONTHLY)")
    try:
        interval = int(raw.get("interval") or 1)
    except (TypeError, ValueError):
        raise RecordError(f"{label}: interval is not a number: {raw.get('interval')!r}") from None
    if interval < 1:
        raise RecordError(f"{label}: interval must be 1 or more")
    dates = {name: _date(raw, name, what=label) for name in ("valid_from", "valid_to", "dtstart", "until")}
    if dates["valid_from"] and dates["valid_to"] and dates["valid_from"] > dates["valid_to"]:
        raise RecordError(f"{label}: bad dates: valid_from is after valid_to")
    byday_text = raw.get("byday")
    if not isinstance(byday_text, str) or not byday_text.strip():
        raise RecordError(f"{label}: bad byday: no days given")
    try:
        parsed_days = parse_byday(byday_text)
    except HoursError as error:
        raise RecordError(f"{label}: bad byday: {error}") from None
    if raw.get("opens_at") in (None, "") or raw.get("closes_at") in (None, ""):
        raise RecordError(f"{label}: bad time: needs both opens_at and closes_at")
    reference = dates["dtstart"] or dates["valid_from"] or today
    opens_at, closes_at, day_shift = _wall_clock_times(str(raw["opens_at"]), str(raw["closes_at"]), reference, label)
    byday = ",".join(_shift_days(parsed_days, day_shift, byday_text, label))
    return {
        "id": _text(raw, "id", Schedule),
        "freq": freq,
        "interval": interval,
        "byday": byday,
        "opens_at": opens_at,
        "closes_at": closes_at,
        "description": _text(raw, "description", Schedule),
        "notes": _text(raw, "notes", Schedule),
        "closes_on_bank_holidays": _bool(raw, "closes_on_bank_holidays"),
        **dates,
    }


def _parse_oruk_regular_schedule(raw: Any, today: dt.date) -> Json:
    """ORUK 1.0 ``regular_schedule``: ``weekday`` (1=Monday … 7=Sunday, or a day name) instead of ``byday``."""
    if not isinstance(raw, dict):
        raise RecordError("a regular_schedule is not an object")
    if raw.get("byday") in (None, ""):
        weekday = raw.get("weekday")
        code = None
        if isinstance(weekday, int) and 1 <= weekday <= 7:
            code = DAY_CODES[weekday - 1]
        elif isinstance(weekday, str):
            text = weekday.strip().lower()
            code = _ORUK_WEEKDAYS.get(text) or (DAY_CODES[int(text) - 1] if text.isdigit() and 1 <= int(text) <= 7 else None)
        if code is None:
            raise RecordError(f"regular_schedule {raw.get('id') or ''}: bad weekday {weekday!r}")
        raw = {**raw, "byday": code}
    return _parse_schedule({k: v for k, v in raw.items() if k != "weekday"}, today)


def _wall_clock_times(opens_text: str, closes_text: str, reference: dt.date, label: str) -> Tuple[dt.time, dt.time, int]:
    """Opening and closing as Europe/London wall clock, and how many days the opening moved (-1, 0, 1)."""
    try:
        opens, opens_offset = parse_clock(opens_text)
        closes, closes_offset = parse_clock(closes_text)
    except HoursError as error:
        raise RecordError(f"{label}: bad time: {error}") from None
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


def _shift_days(parsed, shift: int, original: str, label: str) -> List[str]:
    if shift == 0:
        return [item.strip().upper() for item in original.split(",") if item.strip()]
    if parsed.ordinals:
        raise RecordError(f"{label}: bad time: the offset moves a monthly day ({original}) across midnight")
    shifted = {DAY_CODES[(DAY_CODES.index(code) + shift) % 7] for code in parsed.days}
    return [code for code in DAY_CODES if code in shifted]


def _parse_area(raw: Any) -> Json:
    if not isinstance(raw, dict):
        raise RecordError("a service_area is not an object")
    name = _text(raw, "name", ServiceArea) or _text(raw, "service_area", ServiceArea)
    if not name:
        raise RecordError("a service_area has no name")
    return {
        "id": _text(raw, "id", ServiceArea),
        "name": name,
        "description": _text(raw, "description", ServiceArea),
        "extent": raw["extent"] if isinstance(raw.get("extent"), str) else (json.dumps(raw["extent"]) if raw.get("extent") else None),
        "extent_type": _text(raw, "extent_type", ServiceArea),
        "uri": _text(raw, "uri", ServiceArea),
    }


def _parse_sal(raw: Any, service_id: str, today: dt.date, warnings: List[Tuple[str, str]]) -> Json:
    if not isinstance(raw, dict):
        raise RecordError("a service_at_location is not an object")
    location_raw = raw.get("location")
    if not isinstance(location_raw, dict):
        raise RecordError("a service_at_location has no location object")
    location_type = (_text(location_raw, "location_type", Location) or "physical").lower()
    if location_type not in ("physical", "postal", "virtual"):
        raise RecordError(f"location has bad location_type {location_raw.get('location_type')!r}")
    location = {
        "id": _required_text(location_raw, "id", Location, what="location"),
        "location_type": location_type,
        "name": _text(location_raw, "name", Location),
        "description": _text(location_raw, "description", Location),
        "url": _text(location_raw, "url", Location),
        "latitude": _number(location_raw, "latitude", -90, 90),
        "longitude": _number(location_raw, "longitude", -180, 180),
    }
    addresses = []
    for address in _list(location_raw, "addresses") or _list(location_raw, "physical_addresses"):
        if not isinstance(address, dict):
            raise RecordError("an address is not an object")
        addresses.append({
            "id": _text(address, "id", Address),
            "attention": _text(address, "attention", Address),
            "address_1": _required_text(address, "address_1", Address, what="address"),
            "address_2": _text(address, "address_2", Address),
            "city": _required_text(address, "city", Address, what="address"),
            "region": _text(address, "region", Address),
            "state_province": _text(address, "state_province", Address),
            "postal_code": _required_text(address, "postal_code", Address, what="address"),
            "country": (_text(address, "country", Address) or "GB").upper(),
            "address_type": (_text(address, "address_type", Address) or "physical").lower(),
        })
    phones = [_parse_phone(p, service_id, warnings) for p in _list(raw, "phones") + _list(location_raw, "phones")]
    schedules = [_parse_schedule(s, today) for s in _list(raw, "schedules") + _list(location_raw, "schedules")]
    return {
        "sal": {"id": _text(raw, "id", ServiceAtLocation), "description": _text(raw, "description", ServiceAtLocation)},
        "location": location,
        "addresses": addresses,
        "phones": phones,
        "schedules": schedules,
    }


def _parse_attribute(raw: Any) -> Json:
    if not isinstance(raw, dict):
        raise RecordError("an attribute is not an object")
    term_raw = raw.get("taxonomy_term")
    term = None
    taxonomy = None
    if isinstance(term_raw, dict):
        term = {
            "id": _required_text(term_raw, "id", TaxonomyTerm, what="taxonomy_term"),
            "code": _text(term_raw, "code", TaxonomyTerm),
            "name": _required_text(term_raw, "name", TaxonomyTerm, what="taxonomy_term"),
            "description": _text(term_raw, "description", TaxonomyTerm) or "",
            "parent_id": _text(term_raw, "parent_id", TaxonomyTerm),
            "taxonomy": _text(term_raw, "taxonomy", TaxonomyTerm),
            "taxonomy_id": _text(term_raw, "taxonomy_id", TaxonomyTerm),
            "term_uri": _text(term_raw, "term_uri", TaxonomyTerm),
        }
        detail = term_raw.get("taxonomy_detail")
        if isinstance(detail, dict):
            taxonomy = {
                "id": _required_text(detail, "id", Taxonomy, what="taxonomy"),
                "name": _required_text(detail, "name", Taxonomy, what="taxonomy"),
                "description": _text(detail, "description", Taxonomy) or "",
                "uri": _text(detail, "uri", Taxonomy),
                "version": _text(detail, "version", Taxonomy),
            }
            term["taxonomy_id"] = term["taxonomy_id"] or taxonomy["id"]
    elif term_raw is not None:
        raise RecordError("an attribute's taxonomy_term is not an object")
    term_id = (term or {}).get("id") or _text(raw, "taxonomy_term_id", Attribute)
    if not term_id:
        raise RecordError("an attribute has no taxonomy_term_id")
    return {
        "attribute": {
            "id": _text(raw, "id", Attribute),
            "taxonomy_term_id": term_id,
            "link_type": _text(raw, "link_type", Attribute),
            "value": None if raw.get("value") is None else str(raw.get("value")),
        },
        "term": term,
        "taxonomy": taxonomy,
    }


# ---- small field readers ----------------------------------------------------------------------------------------


def _list(record: Json, key: str) -> List[Any]:
    value = record.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise RecordError(f"{key} is not a list")
    return value


def _column_length(model: type, key: str) -> Optional[int]:
    column = model.__table__.columns.get(key)
    return getattr(column.type, "length", None) if column is not None else None


def _text(record: Json, key: str, model: type) -> Optional[str]:
    """A text field, trimmed; ``None`` if absent or blank. Over-long values are refused here so SQLite and
    PostgreSQL reject the same records."""
    value = record.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise RecordError(f"{key} is not text")
    text = str(value).strip()
    if not text:
        return None
    limit = _column_length(model, key)
    if limit is not None and len(text) > limit:
        raise RecordError(f"{key} is too long ({len(text)} characters; at most {limit})")
    return text


def _required_text(record: Json, key: str, model: type, *, what: str = "") -> str:
    text = _text(record, key, model)
    if not text:
        raise RecordError(f"{what + ' ' if what else ''}missing {key}".strip())
    return text


def _bool(record: Json, key: str) -> bool:
    value = record.get(key)
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "yes", "1", "false", "no", "0", ""):
        return value.strip().lower() in ("true", "yes", "1")
    raise RecordError(f"{key} is not true or false: {value!r}")


def _age(record: Json, key: str) -> Optional[int]:
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


def _oruk_eligibility_ages(record: Json) -> Tuple[Optional[int], Optional[int]]:
    rows = [row for row in _list(record, "eligibilitys") if isinstance(row, dict)]
    minimums = [age for age in (_age(row, "minimum_age") for row in rows) if age is not None]
    maximums = [age for age in (_age(row, "maximum_age") for row in rows) if age is not None]
    return (min(minimums) if minimums else None, max(maximums) if maximums else None)


def _number(record: Json, key: str, low: float, high: float) -> Optional[float]:
    value = record.get(key)
    if value in (None, ""):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise RecordError(f"{key} is not a number: {value!r}") from None
    if isinstance(value, bool) or not low <= number <= high:
        raise RecordError(f"{key} is out of range: {value!r}")
    return number


def _date(record: Json, key: str, *, what: str = "") -> Optional[dt.date]:
    value = record.get(key)
    if value in (None, ""):
        return None
    try:
        return dt.date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        prefix = f"{what}: " if what else ""
        raise RecordError(f"{prefix}bad dates: {key} is not a YYYY-MM-DD date: {value!r}") from None


# ---- writing -----------------------------------------------------------------------------------------------------


def _write_service(session: Session, parsed: Json, warnings: List[Tuple[str, str]]) -> bool:
    """Write one parsed record (inside the caller's SAVEPOINT). Returns True if the service existed."""
    values = parsed["service"]
    service = session.get(Service, values["id"])
    existed = service is not None
    if existed:
        # Replace the children wholesale: the feed is the truth for this service. Flush the deletes first so
        # children re-imported with the same ids are inserted cleanly.
        service.phones.clear()
        service.schedules.clear()
        service.service_areas.clear()
        service.service_at_locations.clear()
        service.attributes.clear()
        session.flush()
    else:
        service = Service(id=values["id"])
        session.add(service)
    for key, value in values.items():
        setattr(service, key, value)

    organization = parsed["organization"]
    if organization is None:
        service.organization = None
    elif organization.get("reference_only"):
        existing = session.get(Organization, organization["id"])
        if existing is None:
            warnings.append((values["id"], f"organization {organization['id']!r} is not in the directory; link left out"))
        service.organization = existing
    else:
        service.organization = _upsert(session, Organization, organization)

    for position, phone in enumerate(parsed["phones"]):
        service.phones.append(_new(Phone, phone, position=position))
    for schedule in parsed["schedules"]:
        service.schedules.append(_new(Schedule, schedule))
    for area in parsed["areas"]:
        service.service_areas.append(_new(ServiceArea, area))

    position = len(parsed["phones"])
    for item in parsed["sals"]:
        location = _upsert(session, Location, item["location"])
        if service.organization is not None and location.organization_id is None:
            location.organization = service.organization
        location.addresses.clear()
        session.flush()
        for address in item["addresses"]:
            location.addresses.append(_new(Address, address))
        sal = _new(ServiceAtLocation, item["sal"])
        sal.location = location
        service.service_at_locations.append(sal)
        for schedule in item["schedules"]:
            sal.schedules.append(_new(Schedule, schedule))
        for phone in item["phones"]:
            service.phones.append(_new(Phone, phone, position=position, location_id=location.id))
            position += 1

    for item in parsed["attributes"]:
        if item["taxonomy"] is not None:
            _upsert(session, Taxonomy, item["taxonomy"])
        if item["term"] is not None:
            term = dict(item["term"])
            if term["taxonomy_id"] and session.get(Taxonomy, term["taxonomy_id"]) is None:
                session.add(Taxonomy(id=term["taxonomy_id"], name=term["taxonomy"] or term["taxonomy_id"]))
            if term["parent_id"] and session.get(TaxonomyTerm, term["parent_id"]) is None:
                warnings.append((values["id"], f"taxonomy term {term['id']!r}: parent {term['parent_id']!r} unknown, left out"))
                term["parent_id"] = None
            _upsert(session, TaxonomyTerm, term)
        elif session.get(TaxonomyTerm, item["attribute"]["taxonomy_term_id"]) is None:
            raise RecordError(f"attribute refers to unknown taxonomy term {item['attribute']['taxonomy_term_id']!r}")
        attribute = _new(Attribute, item["attribute"], link_entity="service")
        service.attributes.append(attribute)
    return existed


def _new(model: type, values: Json, **extra: Any) -> Any:
    """A new row; ids missing from the feed are generated (HSDS requires them, feeds sometimes omit them)."""
    clean = {key: value for key, value in values.items() if not (key == "id" and value is None)}
    return model(**clean, **extra)


def _upsert(session: Session, model: type, values: Json) -> Any:
    row = session.get(model, values["id"])
    if row is None:
        row = model(**values)
        session.add(row)
    else:
        for key, value in values.items():
            setattr(row, key, value)
    return row


def service_ids(session: Session) -> Sequence[str]:
    """All service ids in the directory (handy for reports and tests)."""
    return list(session.scalars(select(Service.id).order_by(Service.id)))
