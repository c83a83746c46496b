"""HSDS 3.0 / Open Referral UK 3.0 service records, parsed into the common form every format ends in.

The common (parsed) form is a plain dict of column values per table, validated before anything touches the
database; :mod:`knowledge.formats.writer` stores it. The ORUK 1.0 and Outpost readers translate their records to
HSDS 3.0 shape and come through here too, so every format obeys the same rules.

What this parser decides:

* **Nested objects are one object.** HSDS 3.0 lets the same phone (or schedule, or contact) appear under the
  service, its locations and its contacts; each id is kept once per service (the first place it appears wins).
  Phones under ``contacts[]`` are the service's phones, described by the contact's title or department; a
  service with no email of its own gets its first contact's email. Contacts' names are not stored.
* **Ids are unique within a feed** (see :mod:`knowledge.formats.ids`): stored ids carry the feed's scope.
* **Hours the engine cannot follow exactly** (see :mod:`knowledge.formats.schedules`) leave the service with no
  hours and a named warning, never with partial or wrong hours.
* **Text for people is plain text** (see :mod:`knowledge.formats.plain_text`).
* **One bad place never costs the service** (what a texter needs is the service's phone and its town): a
  service_at_location with no location object, or a location with an unknown ``location_type``, is left out with a
  warning (its phones are kept as the service's; if it carried hours, the service shows "hours not known", as the
  other places' hours alone would be partial). A location with no id is kept under an id made from its service's
  and its place in the list. An address with no town and no postcode cannot place anyone and is left out; one
  missing its street, town or postcode is kept without that part (stored as ``""``, as the columns are NOT NULL):
  a town alone still matches "im in Testtown", a postcode alone still matches its district. A town that is not a
  place ("Online", "Nationwide") counts as missing, so it never becomes a town people could name.
* **A place that asks for its exact address to be hidden keeps only its town** (Outpost's ``mask_exact_address``,
  which a refuge or a women's service sets): its street, postcode, map point, name and description are never
  stored, so no reply or export can show them; see :func:`hides_exact_address`.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Set, Tuple

from knowledge.formats import fields, ids
from knowledge.formats.fields import Json, RecordError
from knowledge.formats.schedules import ScheduleDropped, apply_holidays, parse_holiday, parse_schedule
from knowledge.quality.check import is_valid_uk_number
from knowledge.store.models import (
    PHONE_TYPES,
    SERVICE_STATUSES,
    Address,
    Attribute,
    CostOption,
    Language,
    Location,
    Organization,
    Phone,
    Service,
    ServiceArea,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)

#: Service fields this parser reads (the importer lists any other top-level field as "not stored").
READ_FIELDS = frozenset({
    "id", "name", "alternate_name", "description", "url", "email", "status", "application_process",
    "eligibility_description", "fees_description", "minimum_age", "maximum_age", "alert", "assured_date", "source",
    "source_url", "is_national", "is_crisis_line", "organization", "organization_id", "phones", "schedules",
    "service_areas", "service_at_locations", "attributes", "contacts", "languages", "cost_options", "last_modified",
    "regular_schedules", "holiday_schedules", "fees",
})


@dataclass
class Context:
    """What one record is parsed with. ``scope`` ``None`` means "made from the source"; ``""`` means unscoped."""

    source: Optional[str]
    checked: Optional[dt.date]
    today: dt.date
    scope: Optional[str] = None
    warnings: List[str] = field(default_factory=list)
    #: Stored ids of the locations that asked for their exact address to be hidden (the report counts them).
    hidden_locations: List[str] = field(default_factory=list)


@dataclass
class _Seen:
    """Ids already taken within one service, per kind of nested object."""

    by_kind: Dict[str, Set[str]] = field(default_factory=dict)

    def first_time(self, kind: str, stored_id: Optional[str]) -> bool:
        if stored_id is None:
            return True
        taken = self.by_kind.setdefault(kind, set())
        if stored_id in taken:
            return False
        taken.add(stored_id)
        return True


def parse_service(record: Any, context: Context) -> Json:
    """One HSDS 3.0 service object in the common parsed form; raises :class:`RecordError` if it is unusable."""
    if not isinstance(record, dict):
        raise RecordError(f"not a service object (got {type(record).__name__})")
    original = fields.raw_id(record)
    if original is None:
        raise RecordError("missing id")
    name = fields.required_text(record, "name", Service)
    status = _status(record)
    minimum_age, maximum_age = fields.age(record, "minimum_age"), fields.age(record, "maximum_age")
    if minimum_age is not None and maximum_age is not None and minimum_age > maximum_age:
        raise RecordError(f"bad ages: minimum_age {minimum_age} is above maximum_age {maximum_age}")

    record_source = fields.text(record, "source", Service)
    argument_source = context.source.strip() if context.source and context.source.strip() else None
    final_source = record_source or argument_source
    if not final_source:
        raise RecordError("no source: add 'source' to the record or import with --source")
    scope = context.scope if context.scope is not None else ids.scope_for(argument_source or record_source)
    service_id = ids.scoped(scope, original)
    assured = fields.date(record, "assured_date")
    if assured is None:
        assured = context.checked or context.today
        if context.checked is None:
            context.warnings.append(f"no assured_date; recorded the import date {context.today.isoformat()} as checked")

    service = {
        "id": service_id,
        "id_scope": scope or None,
        "name": name,
        "status": status,
        "alternate_name": fields.text(record, "alternate_name", Service),
        "description": fields.text(record, "description", Service) or "",
        "url": fields.text(record, "url", Service),
        "email": fields.text(record, "email", Service) or _contact_email(record),
        "application_process": fields.text(record, "application_process", Service),
        "eligibility_description": fields.text(record, "eligibility_description", Service),
        # HSDS 3.0 still carries the older ``fees`` text (ORUK 1.0's name for it) beside ``fees_description``.
        "fees_description": fields.text(record, "fees_description", Service) or fields.text(
            record, "fees", Service, column="fees_description"),
        "alert": fields.text(record, "alert", Service),
        "minimum_age": minimum_age,
        "maximum_age": maximum_age,
        "assured_date": assured,
        "source": final_source,
        "source_url": fields.text(record, "source_url", Service),
        "is_national": fields.boolean(record, "is_national"),
        "is_crisis_line": fields.boolean(record, "is_crisis_line"),
    }
    seen = _Seen()
    parsed = {
        "service": service,
        "original_id": original,
        "organization": _organization(record, scope, context),
        "phones": _phones(_service_phone_sources(record), service_id, seen, context),
        "areas": [_area(a, service_id) for a in fields.as_list(record, "service_areas")],
        "attributes": _attributes(record, service_id, scope, seen),
        "languages": _languages(record, service_id, seen),
        "cost_options": _cost_options(record, service_id, seen),
    }
    parsed["schedules"], parsed["holidays"], parsed["sals"], loose_phones = _hours_and_locations(
        record, service_id, scope, seen, context)
    parsed["phones"] += loose_phones
    return parsed


def _status(record: Json) -> str:
    status_raw = record.get("status")
    if status_raw in (None, ""):
        raise RecordError("missing status")
    status = str(status_raw).strip().lower()
    if status not in SERVICE_STATUSES:
        raise RecordError(f"bad status {status_raw!r} (expected one of: {', '.join(SERVICE_STATUSES)})")
    return status


def _organization(record: Json, scope: str, context: Context) -> Optional[Json]:
    raw = record.get("organization")
    if raw is None:
        reference = record.get("organization_id")
        if reference in (None, ""):
            return None
        return {"id": ids.scoped(scope, str(reference).strip()), "reference_only": True}
    if not isinstance(raw, dict):
        raise RecordError("organization is not an object")
    original = fields.raw_id(raw)
    name = fields.text(raw, "name", Organization)
    if original is None or name is None:
        context.warnings.append(
            f"its organisation has no {'id' if original is None else 'name'}; the service is loaded without it")
        return None
    return {
        "id": ids.scoped(scope, original),
        "name": name,
        "alternate_name": fields.text(raw, "alternate_name", Organization),
        "description": fields.text(raw, "description", Organization) or "",
        "email": fields.text(raw, "email", Organization),
        # ORUK 1.0 and Outpost call the organisation's web address ``url``; HSDS 3.0 calls it ``website``.
        "website": fields.text(raw, "website", Organization) or fields.text(raw, "url", Organization, column="website"),
    }


def _contact_email(record: Json) -> Optional[str]:
    """The first of the service's contacts' email addresses, for a service with no email of its own: the email
    column is how a service's email reaches people (as a contact of kind email), and a contact's is the service's
    own way to be written to. Names and titles of contacts are not stored (the import report says so)."""
    for contact in fields.as_list(record, "contacts"):
        if isinstance(contact, dict):
            email = fields.text(contact, "email", Service)
            if email and "@" in email:
                return email
    return None


# ---- phones ------------------------------------------------------------------------------------------------------


def _service_phone_sources(record: Json) -> List[tuple]:
    """(phone object, contact it sits under or None) for the service's own phones and its contacts' phones."""
    sources = [(phone, None) for phone in fields.as_list(record, "phones")]
    for contact in fields.as_list(record, "contacts"):
        if isinstance(contact, dict):
            sources += [(phone, contact) for phone in fields.as_list(contact, "phones")]
    return sources


def _phones(sources: List[tuple], owner: str, seen: _Seen, context: Context) -> List[Json]:
    phones = []
    for raw, contact in sources:
        if not isinstance(raw, dict):
            raise RecordError("a phone is not an object")
        stored_id = ids.owned(owner, fields.raw_id(raw))
        if not seen.first_time("phone", stored_id):
            continue
        number, extension = _number_and_extension(fields.text(raw, "number", Phone))
        if not number:
            context.warnings.append(f"phone {fields.raw_id(raw) or ''} has no number; left out".replace("  ", " "))
            continue
        phone_type = (fields.text(raw, "type", Phone) or "voice").lower()
        if phone_type not in PHONE_TYPES:
            context.warnings.append(f"phone {number!r} has an unknown type {raw.get('type')!r}; stored as voice")
            phone_type = "voice"
        if not is_valid_uk_number(number):
            context.warnings.append(f"phone {number!r} does not look like a UK number")
        description = fields.text(raw, "description", Phone)
        if description is None and isinstance(contact, dict):
            description = fields.text(contact, "title", Phone, column="description") or fields.text(
                contact, "department", Phone, column="description")
        phones.append({
            "id": stored_id,
            "number": number,
            "extension": fields.text(raw, "extension", Phone) or extension,
            "type": phone_type,
            "description": description,
        })
    return phones


def _number_and_extension(number: Optional[str]):
    """``"0203 289 6420 Ext 303"`` -> (``"0203 289 6420"``, ``"303"``): feeds type extensions into the number."""
    if not number:
        return number, None
    lowered = number.lower()
    for marker in (" extension ", " ext. ", " ext ", " ext:", " x "):
        at = lowered.rfind(marker)
        tail = number[at + len(marker):].strip() if at > 0 else ""
        if tail.isdigit():
            return number[:at].strip(), tail
    return number, None


# ---- hours and locations ---------------------------------------------------------------------------------------


def _hours_and_locations(record: Json, service_id: str, scope: str, seen: _Seen, context: Context):
    """Service-level schedules and holiday schedules, the service_at_locations, and the phones of any left out
    (kept as the service's own); if any schedule cannot be followed, no hours at all."""
    dropped: List[str] = []
    schedules, holidays = _schedules(
        fields.as_list(record, "schedules") + fields.as_list(record, "regular_schedules"),
        fields.as_list(record, "holiday_schedules"), service_id, seen, context, dropped)
    sals, loose_phones = [], []
    locations_seen: Set[str] = set()
    for position, raw in enumerate(fields.as_list(record, "service_at_locations"), start=1):
        item = _service_at_location(raw, service_id, scope, seen, context, dropped, position)
        if item["location"] is None:
            loose_phones += item["phones"]
            continue
        if item["location"]["id"] in locations_seen:
            continue  # the same location twice is one link
        locations_seen.add(item["location"]["id"])
        sals.append(item)
    if dropped:
        for reason in dict.fromkeys(dropped):  # the same schedule nested in three places is one warning
            context.warnings.append(
                f"{reason}: all of this service's opening hours are left out, so it shows 'hours not known'")
        schedules, holidays = [], []
        for item in sals:
            item["schedules"], item["holidays"] = [], []
    return schedules, holidays, sals, loose_phones


def _schedules(raws: List[Any], holidays_raw: List[Any], owner: str, seen: _Seen, context: Context,
               dropped: List[str]) -> Tuple[List[Json], List[Json]]:
    """Schedule values with the holiday schedules applied, and the holiday schedules themselves (kept for export;
    a holiday that is over is neither)."""
    parsed = []
    for raw in raws:
        try:
            values = parse_schedule(raw, context.today)
        except ScheduleDropped as reason:
            dropped.append(str(reason))
            continue
        values["id"] = ids.owned(owner, values["id"])
        if seen.first_time("schedule", values["id"]):
            parsed.append(values)
    holidays = []
    for raw in holidays_raw:
        try:
            holiday = parse_holiday(raw, context.today)
        except ScheduleDropped as reason:
            dropped.append(str(reason))
            continue
        if holiday is not None:
            holidays.append(holiday)
    if holidays:
        parsed = apply_holidays(parsed, holidays)
        for values in parsed:  # holiday rows and split rows get ids under the same owner
            if values["id"] and not values["id"].startswith(owner + "#"):
                values["id"] = ids.owned(owner, values["id"])
    return parsed, _holidays_kept(holidays, owner, seen)


def _holidays_kept(holidays: List[Json], owner: str, seen: _Seen) -> List[Json]:
    """HolidaySchedule values; the same holiday nested in several places is stored once."""
    kept = []
    for holiday in holidays:
        stored_id = ids.owned(owner, holiday["id"])
        if seen.first_time("holiday_schedule", stored_id):
            kept.append({"id": stored_id, "closed": holiday["closed"], "opens_at": holiday.get("opens_at"),
                         "closes_at": holiday.get("closes_at"), "start_date": holiday["start"],
                         "end_date": holiday["end"]})
    return kept


def _service_at_location(raw: Any, service_id: str, scope: str, seen: _Seen, context: Context,
                         dropped: List[str], position: int) -> Json:
    """One service_at_location in parsed form; ``location`` is ``None`` when the place is left out (then only its
    phones are kept, and hours it carried mark the service's hours as not known)."""
    if not isinstance(raw, dict):
        context.warnings.append(f"service_at_location #{position} is not an object; location left out")
        return {"location": None, "phones": []}
    location_raw = raw.get("location")
    location_raw = location_raw if isinstance(location_raw, dict) else None
    phone_sources = [(p, None) for p in fields.as_list(raw, "phones") + _list_in(location_raw, "phones")]
    for holder in (raw, location_raw or {}):
        for contact in fields.as_list(holder, "contacts"):
            if isinstance(contact, dict):
                phone_sources += [(p, contact) for p in fields.as_list(contact, "phones")]
    schedule_raws = (fields.as_list(raw, "schedules") + fields.as_list(raw, "regular_schedules")
                     + _list_in(location_raw, "schedules"))
    schedules, holidays = _schedules(schedule_raws, fields.as_list(raw, "holiday_schedules"), service_id, seen,
                                     context, dropped)
    phones = _phones(phone_sources, service_id, seen, context)
    label = fields.raw_id(raw) or f"#{position}"
    location = _location(location_raw, label, service_id, scope, context, position)
    if location is None:
        if schedules or holidays:
            dropped.append(f"service_at_location {label} has hours but no usable location")
        return {"location": None, "phones": phones}
    hidden = hides_exact_address(location_raw)
    if hidden:
        location.update(HIDDEN_LOCATION_FIELDS)
        context.hidden_locations.append(location["id"])
    return {
        "sal": {"id": ids.owned(service_id, fields.raw_id(raw)),
                "description": fields.text(raw, "description", ServiceAtLocation)},
        "location": location,
        "addresses": _addresses(location_raw, location["id"], context, hidden),
        "phones": phones,
        "schedules": schedules,
        "holidays": holidays,
    }


def _list_in(holder: Optional[Json], key: str) -> List[Any]:
    return fields.as_list(holder, key) if holder is not None else []


def _location(raw: Optional[Json], label: str, service_id: str, scope: str, context: Context,
              position: int) -> Optional[Json]:
    """The location's values, or ``None`` (with a warning) when it cannot be used."""
    if raw is None:
        context.warnings.append(f"service_at_location {label} has no location object; location left out")
        return None
    original = fields.raw_id(raw)
    location_type = (fields.text(raw, "location_type", Location) or "physical").lower()
    if location_type not in ("physical", "postal", "virtual"):
        context.warnings.append(f"location {original or label} has an unknown location_type "
                                f"{raw.get('location_type')!r}; location left out")
        return None
    if original is None:
        # Stable while the feed keeps its order, so importing again updates the same location.
        stored_id = ids.owned(service_id, f"location-{position}")
        context.warnings.append(f"location at service_at_location {label} has no id; kept under the id {stored_id}")
    else:
        stored_id = ids.scoped(scope, original)
    latitude, longitude = _coordinates(raw, context)
    return {
        "id": stored_id,
        "location_type": location_type,
        "name": fields.text(raw, "name", Location),
        "description": fields.text(raw, "description", Location),
        "url": fields.text(raw, "url", Location),
        "latitude": latitude,
        "longitude": longitude,
    }


def _coordinates(raw: Json, context: Context):
    """Latitude and longitude, or neither when either is impossible (the place is still found by its address)."""
    try:
        return fields.number(raw, "latitude", -90, 90), fields.number(raw, "longitude", -180, 180)
    except RecordError as error:
        context.warnings.append(f"location {fields.raw_id(raw)}: {error}; its coordinates are left out")
        return None, None


#: Words feeds put in an address's town for a place that is not one: never stored as a town people could name.
NOT_PLACES = frozenset({
    "online", "nationwide", "national", "virtual", "remote", "various", "none", "n/a", "na", "tbc", "tba",
    "unknown", "telephone", "phone", "uk", "united kingdom", "england",
})


#: Outpost's flag (on a location) for "do not publish the exact address". HSDS 3.0, ORUK 3.0 and ORUK 1.0 have no
#: such field (their location and address schemas were checked); a feed that adds this one is honoured the same way.
HIDE_EXACT_ADDRESS = "mask_exact_address"

#: A hidden place's location fields that could point to the building: its map point is the address itself, and
#: feeds put the address in a location's name ("43 Chapman Place, Mile End") or description.
HIDDEN_LOCATION_FIELDS: Json = {"name": None, "description": None, "latitude": None, "longitude": None}


def hides_exact_address(location_raw: Optional[Json]) -> bool:
    """Whether a location asks for its exact address to be hidden (``true``, or ``"true"``/``"yes"``/``1``)."""
    value = (location_raw or {}).get(HIDE_EXACT_ADDRESS)
    return value is not None and str(value).strip().lower() in ("true", "yes", "1")


def _addresses(location_raw: Json, location_id: str, context: Context, hidden: bool = False) -> List[Json]:
    addresses = []
    taken: Set[str] = set()
    for address in fields.as_list(location_raw, "addresses") or fields.as_list(location_raw, "physical_addresses"):
        if not isinstance(address, dict):
            context.warnings.append(f"an address of location {location_id} is not an object; address left out")
            continue
        stored_id = ids.owned(location_id, fields.raw_id(address))
        if stored_id is not None and stored_id in taken:
            continue
        taken.add(stored_id)
        values = _hidden_address(address, stored_id, context) if hidden else _address(address, stored_id, context)
        if values is not None:
            addresses.append(values)
    return addresses


def _address(address: Json, stored_id: Optional[str], context: Context) -> Optional[Json]:
    """An address's values, kept without a missing street, town or postcode (stored as ``""``), or ``None`` when
    it has neither town nor postcode, so nothing could place the service by it."""
    street = fields.text(address, "address_1", Address)
    town = fields.text(address, "city", Address)
    postcode = fields.text(address, "postal_code", Address)
    if town is not None and town.lower() in NOT_PLACES:
        town = None
    name = f"address {fields.raw_id(address) or ''}".strip()
    if town is None and postcode is None:
        context.warnings.append(f"{name} has no town or postcode, so it cannot place the service; address left out")
        return None
    missing = [label for label, value in (("street (address_1)", street), ("town (city)", town),
                                          ("postcode (postal_code)", postcode)) if value is None]
    if missing:
        context.warnings.append(f"{name} has no {' or '.join(missing)}; address kept without it")
    return {
        "id": stored_id,
        "attention": fields.text(address, "attention", Address),
        "address_1": street or "",
        "address_2": fields.text(address, "address_2", Address),
        "city": town or "",
        "region": fields.text(address, "region", Address),
        "state_province": fields.text(address, "state_province", Address),
        "postal_code": postcode or "",
        "country": (fields.text(address, "country", Address) or "GB").upper(),
        "address_type": (fields.text(address, "address_type", Address) or "physical").lower(),
    }


def _hidden_address(address: Json, stored_id: Optional[str], context: Context) -> Optional[Json]:
    """What is kept of an address whose place asked to be hidden: its town, county and country only.

    Not the postcode, not even its district. A full postcode covers about 15 homes, so it can point to a handful of
    houses; the district narrows a city to one neighbourhood of some thousands of homes, more than a refuge would
    publish beside its name. The town is what people name when they look for help ("im in Aylesbury"), and someone
    who gives their postcode still finds it when the area index knows their district lies in its town. With no
    real town nothing is left that could place the service, so the address is left out (the service is kept)."""
    town = fields.text(address, "city", Address)
    if town is None or town.lower() in NOT_PLACES:
        name = f"address {fields.raw_id(address) or ''}".strip()
        context.warnings.append(f"{name} asked for its exact address to be hidden and names no town, the only part "
                                "signpost keeps of it; address left out")
        return None
    return {
        "id": stored_id,
        "attention": None,
        "address_1": "",
        "address_2": None,
        "city": town,
        "region": fields.text(address, "region", Address),
        "state_province": fields.text(address, "state_province", Address),
        "postal_code": "",
        "country": (fields.text(address, "country", Address) or "GB").upper(),
        "address_type": (fields.text(address, "address_type", Address) or "physical").lower(),
    }


# ---- other nested objects -----------------------------------------------------------------------------------------


def _area(raw: Any, service_id: str) -> Json:
    if not isinstance(raw, dict):
        raise RecordError("a service_area is not an object")
    name = fields.text(raw, "name", ServiceArea) or fields.text(raw, "service_area", ServiceArea, column="name")
    if not name:
        raise RecordError("a service_area has no name")
    extent = raw.get("extent")
    return {
        "id": ids.owned(service_id, fields.raw_id(raw)),
        "name": name,
        "description": fields.text(raw, "description", ServiceArea),
        "extent": extent if isinstance(extent, str) else (json.dumps(extent) if extent else None),
        "extent_type": fields.text(raw, "extent_type", ServiceArea),
        "uri": fields.text(raw, "uri", ServiceArea),
    }


def _attributes(record: Json, service_id: str, scope: str, seen: _Seen) -> List[Json]:
    result = []
    for raw in fields.as_list(record, "attributes"):
        item = _attribute(raw, service_id, scope)
        if seen.first_time("attribute", item["attribute"]["id"]):
            result.append(item)
    return result


def _attribute(raw: Any, service_id: str, scope: str) -> Json:
    if not isinstance(raw, dict):
        raise RecordError("an attribute is not an object")
    term_raw = raw.get("taxonomy_term")
    term = None
    taxonomy = None
    if isinstance(term_raw, dict):
        term_original = fields.raw_id(term_raw)
        if term_original is None:
            raise RecordError("taxonomy_term missing id")
        parent = fields.text(term_raw, "parent_id", TaxonomyTerm)
        taxonomy_id = fields.text(term_raw, "taxonomy_id", TaxonomyTerm)
        term = {
            "id": ids.scoped(scope, term_original),
            "code": fields.text(term_raw, "code", TaxonomyTerm),
            "name": fields.text(term_raw, "name", TaxonomyTerm) or fields.required_text(
                term_raw, "term", TaxonomyTerm, what="taxonomy_term"),
            "description": fields.text(term_raw, "description", TaxonomyTerm) or "",
            "parent_id": ids.scoped(scope, parent) if parent else None,
            "taxonomy": fields.text(term_raw, "taxonomy", TaxonomyTerm),
            "taxonomy_id": ids.scoped(scope, taxonomy_id) if taxonomy_id else None,
            "term_uri": fields.text(term_raw, "term_uri", TaxonomyTerm),
        }
        detail = term_raw.get("taxonomy_detail")
        if isinstance(detail, dict):
            detail_id = fields.raw_id(detail)
            if detail_id is None:
                raise RecordError("taxonomy missing id")
            taxonomy = {
                "id": ids.scoped(scope, detail_id),
                "name": fields.required_text(detail, "name", Taxonomy, what="taxonomy"),
                "description": fields.text(detail, "description", Taxonomy) or "",
                "uri": fields.text(detail, "uri", Taxonomy),
                "version": fields.text(detail, "version", Taxonomy),
            }
            term["taxonomy_id"] = term["taxonomy_id"] or taxonomy["id"]
    elif term_raw is not None:
        raise RecordError("an attribute's taxonomy_term is not an object")
    reference = fields.text(raw, "taxonomy_term_id", Attribute)
    term_id = (term or {}).get("id") or (ids.scoped(scope, reference) if reference else None)
    if not term_id:
        raise RecordError("an attribute has no taxonomy_term_id")
    return {
        "attribute": {
            "id": ids.owned(service_id, fields.raw_id(raw)),
            "taxonomy_term_id": term_id,
            "link_type": fields.text(raw, "link_type", Attribute),
            "value": None if raw.get("value") is None else str(raw.get("value")),
        },
        "term": term,
        "taxonomy": taxonomy,
    }


def _languages(record: Json, service_id: str, seen: _Seen) -> List[Json]:
    result = []
    for raw in fields.as_list(record, "languages"):
        if not isinstance(raw, dict):
            raise RecordError("a language is not an object")
        values = {
            "id": ids.owned(service_id, fields.raw_id(raw)),
            "name": fields.text(raw, "name", Language) or fields.text(raw, "language", Language, column="name"),
            "code": fields.text(raw, "code", Language),
            "note": fields.text(raw, "note", Language),
        }
        if (values["name"] or values["code"]) and seen.first_time("language", values["id"]):
            result.append(values)
    return result


def _cost_options(record: Json, service_id: str, seen: _Seen) -> List[Json]:
    result = []
    for raw in fields.as_list(record, "cost_options"):
        if not isinstance(raw, dict):
            raise RecordError("a cost_option is not an object")
        values = {
            "id": ids.owned(service_id, fields.raw_id(raw)),
            "option": fields.text(raw, "option", CostOption),
            "amount": fields.number(raw, "amount", 0, 1e9),
            "currency": (fields.text(raw, "currency", CostOption) or ("GBP" if raw.get("amount") else None)),
            "amount_description": fields.text(raw, "amount_description", CostOption),
            "valid_from": fields.date(raw, "valid_from", what="cost_option"),
            "valid_to": fields.date(raw, "valid_to", what="cost_option"),
        }
        if seen.first_time("cost_option", values["id"]):
            result.append(values)
    return result
