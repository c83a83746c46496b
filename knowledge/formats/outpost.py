"""Outpost-based feeds (Buckinghamshire, and other councils running Outpost/Scout), read as HSDS 3.0.

Outpost's API is ORUK-flavoured but its own: no ``status`` (it publishes only live services, so they are
``active``), ``organisation`` spelt the British way, flat ``locations`` with a GeoJSON point, ``min_age``/
``max_age``, ``contacts`` with a single ``phone`` string, ``taxonomies`` as a flat list, and ``regular_schedules``
with a ``weekday`` name. This reader renames; :func:`knowledge.formats.hsds3.parse_service` does the checking.
A location's ``mask_exact_address`` is passed on as it is: hsds3 then keeps only its town.

Outpost has no ``assured_date``: the record's ``updated_at`` (when its publisher last saved it) is the date it was
checked, its UK calendar day. A record's own date wins over ``--checked``, as an ``assured_date`` would.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Dict, List, Optional
from zoneinfo import ZoneInfo

from knowledge.formats.fields import Json
from knowledge.formats.hsds3 import HIDE_EXACT_ADDRESS, NOT_PLACES

LONDON = ZoneInfo("Europe/London")

#: Top-level fields this reader uses (others are listed by the importer as not stored).
READ_FIELDS = frozenset({
    "id", "name", "description", "url", "email", "status", "organisation", "organization", "locations",
    "min_age", "max_age", "contacts", "taxonomies", "regular_schedules", "cost_options", "updated_at", "source",
})

#: Keys whose presence marks a record as Outpost's.
MARKERS = frozenset({"organisation", "taxonomies", "min_age", "max_age", "target_directories", "send_needs"})

#: The taxonomy name Outpost's flat taxonomy list is stored under.
TAXONOMY_NAME = "Outpost taxonomy"


def to_hsds3(record: Any) -> Any:
    if not isinstance(record, dict):
        return record
    out: Dict[str, Any] = {
        "id": record.get("id"),
        "name": record.get("name"),
        "description": record.get("description"),
        "url": record.get("url"),
        "email": record.get("email"),
        "status": record.get("status") or "active",
        "minimum_age": record.get("min_age"),
        "maximum_age": record.get("max_age"),
        "source": record.get("source"),
        "assured_date": record.get("assured_date") or _checked_on(record.get("updated_at")),
        "schedules": list(record.get("regular_schedules") or []),
        "cost_options": [_cost_option(row) for row in record.get("cost_options") or []],
        "phones": _phones(record.get("contacts") or []),
        # Their phones are read above (Outpost gives one ``phone`` string); hsds3 reads their emails.
        "contacts": [contact for contact in record.get("contacts") or [] if isinstance(contact, dict)],
        "attributes": _attributes(record.get("taxonomies") or []),
        "service_at_locations": [_service_at_location(row, record.get("id")) for row in record.get("locations") or []],
    }
    organisation = record.get("organisation") or record.get("organization")
    if isinstance(organisation, dict):
        out["organization"] = dict(organisation)
    return out


def _checked_on(updated_at: Any) -> Optional[str]:
    """The UK calendar day of an ISO timestamp (``2021-01-13T12:48:54.730Z``), or ``None`` if there is none or it
    cannot be read (then the import's own rule applies: ``--checked``, else the import date, with a warning)."""
    if not isinstance(updated_at, str) or not updated_at.strip():
        return None
    try:
        moment = dt.datetime.fromisoformat(updated_at.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(LONDON)
    return moment.date().isoformat()


def _phones(contacts: List[Any]) -> List[Json]:
    phones = []
    for contact in contacts:
        if not isinstance(contact, dict) or not str(contact.get("phone") or "").strip():
            continue
        phones.append({
            "id": f"contact-{contact.get('id')}" if contact.get("id") is not None else None,
            "number": contact["phone"],
            "description": contact.get("title") or None,
        })
    return phones


def _attributes(taxonomies: List[Any]) -> List[Json]:
    attributes = []
    for taxonomy in taxonomies:
        if not isinstance(taxonomy, dict) or taxonomy.get("id") is None:
            continue
        attributes.append({
            "id": f"taxonomy-{taxonomy['id']}",
            "taxonomy_term": {
                "id": f"outpost-taxonomy-{taxonomy['id']}",
                "name": taxonomy.get("name"),
                "code": taxonomy.get("slug"),
                "taxonomy": TAXONOMY_NAME,
                "parent_id": f"outpost-taxonomy-{taxonomy['parent_id']}" if taxonomy.get("parent_id") else None,
            },
        })
    return attributes


def _cost_option(row: Any) -> Any:
    if not isinstance(row, dict):
        return row
    return {"id": row.get("id"), "option": row.get("option"), "amount": row.get("amount"),
            "amount_description": row.get("cost_type") or row.get("amount_description")}


def _service_at_location(row: Any, service_id: Any) -> Any:
    """A flat Outpost location as an HSDS 3.0 service_at_location with one address and coordinates."""
    if not isinstance(row, dict):
        return row
    longitude = latitude = None
    geometry = row.get("geometry")
    if isinstance(geometry, dict) and isinstance(geometry.get("coordinates"), list) and len(geometry["coordinates"]) == 2:
        longitude, latitude = geometry["coordinates"]  # GeoJSON order
    address = {key: row.get(key) for key in ("address_1", "city", "state_province", "postal_code", "country")}
    location_id = row.get("id")
    return {
        "id": f"{service_id}-at-{location_id}" if location_id is not None else None,
        "location": {
            "id": location_id,
            "name": row.get("name"),
            "latitude": latitude,
            "longitude": longitude,
            "addresses": [{"id": f"address-{location_id}", **address}] if _places_anyone(address) else [],
            # "Hide the exact address" (a refuge, a women's service): hsds3 keeps only the town.
            HIDE_EXACT_ADDRESS: row.get(HIDE_EXACT_ADDRESS),
        },
    }


def _places_anyone(address: Json) -> bool:
    """An address with a postcode or a real town is passed on (hsds3 keeps it without a missing street or part and
    says so); Outpost's "Nationwide" or "Online" with nothing else is how it marks a service with no place, not a
    mistake, so that one is left out without a warning."""
    town = str(address.get("city") or "").strip().lower()
    return bool(str(address.get("postal_code") or "").strip() or (town and town not in NOT_PLACES))
