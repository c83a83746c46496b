"""Open Referral UK 1.0 service records (``/services`` lists and ``/services/{id}`` details), read as HSDS 3.0.

ORUK 1.0 differs from HSDS 3.0 in names more than in meaning; this reader renames, and
:func:`knowledge.formats.hsds3.parse_service` does the checking. Real feeds spell some arrays the old way, so both
are read: ``eligibilitys``/``eligibilities``, ``service_taxonomys``/``service_taxonomies``. Mapping:

* ``fees`` -> ``fees_description``; ``eligibilitys[].eligibility`` -> ``eligibility_description`` and the widest
  ``minimum_age``/``maximum_age`` -> the service's ages (when it gives none of its own).
* ``regular_schedules`` (``weekday`` 1 = Monday or a day name, or ``byday``) -> ``schedules``, at the service and
  under ``service_at_locations[]``; ``holiday_schedules`` are applied to them (see
  :mod:`knowledge.formats.schedules`).
* ``contacts[].phones`` -> the service's phones; ``languages[].language`` -> languages; ``cost_options`` as they are.
* ``service_taxonomys[].taxonomy`` -> attributes with their taxonomy terms (``vocabulary`` is the taxonomy).
* ``attending_type``, ``attending_access``, ``deliverable_type`` -> attributes under the taxonomies of those
  names, so they are kept and exported rather than dropped.
* ``location.physical_addresses`` -> addresses; the organisation's ``url`` -> its ``website``.
"""
from __future__ import annotations

import re
from typing import Any, Dict, List

from knowledge.formats.fields import Json

#: Top-level fields this reader uses (others are listed by the importer as not stored).
READ_FIELDS = frozenset({
    "id", "name", "description", "url", "email", "status", "fees", "assured_date", "organization",
    "eligibilitys", "eligibilities", "service_taxonomys", "service_taxonomies", "regular_schedules",
    "holiday_schedules", "contacts", "service_at_locations", "cost_options", "languages", "service_areas",
    "attending_type", "attending_access", "deliverable_type", "source", "minimum_age", "maximum_age",
})

#: ORUK 1.0 plain-text classifications kept as attributes, and the taxonomy each goes under.
CLASSIFICATIONS = {
    "attending_type": "ORUK attending type",
    "attending_access": "ORUK attending access",
    "deliverable_type": "ORUK deliverable type",
}

#: Keys whose presence marks a record as ORUK 1.0 (HSDS 3.0 has none of them). Not ``holiday_schedules``: signpost's
#: HSDS 3.0 export carries them too (knowledge/formats/exporter.py), and the HSDS 3.0 reader reads them.
MARKERS = frozenset({
    "eligibilitys", "eligibilities", "service_taxonomys", "service_taxonomies", "regular_schedules",
    "attending_type", "attending_access", "deliverable_type",
})


def to_hsds3(record: Any) -> Any:
    """The record in HSDS 3.0 shape (anything that is not an object is returned as it is, to be rejected)."""
    if not isinstance(record, dict):
        return record
    out: Dict[str, Any] = {key: value for key, value in record.items() if key not in _RENAMED}
    if record.get("fees") not in (None, "") and not record.get("fees_description"):
        out["fees_description"] = record["fees"]
    eligibilities = _first_list(record, "eligibilitys", "eligibilities")
    texts = [str(row.get("eligibility")).strip() for row in eligibilities
             if isinstance(row, dict) and str(row.get("eligibility") or "").strip()]
    if texts and not record.get("eligibility_description"):
        out["eligibility_description"] = "; ".join(dict.fromkeys(texts))
    if record.get("minimum_age") in (None, "") and record.get("maximum_age") in (None, ""):
        out["minimum_age"], out["maximum_age"] = _widest_ages(eligibilities)
    out["schedules"] = list(record.get("regular_schedules") or [])
    out["holiday_schedules"] = list(record.get("holiday_schedules") or [])
    out["phones"] = list(record.get("phones") or [])
    out["contacts"] = list(record.get("contacts") or [])
    out["languages"] = [_language(row) for row in record.get("languages") or []]
    out["attributes"] = _taxonomy_attributes(record) + _classification_attributes(record)
    out["service_areas"] = list(record.get("service_areas") or [])
    out["service_at_locations"] = [_service_at_location(row) for row in record.get("service_at_locations") or []]
    if isinstance(record.get("organization"), dict):
        out["organization"] = dict(record["organization"])
    return out


_RENAMED = frozenset({
    "fees", "eligibilitys", "eligibilities", "service_taxonomys", "service_taxonomies", "regular_schedules",
    "attending_type", "attending_access", "deliverable_type",
})


def _first_list(record: Json, *keys: str) -> List[Any]:
    for key in keys:
        if isinstance(record.get(key), list):
            return record[key]
    return []


def _widest_ages(rows: List[Any]):
    minimums, maximums = [], []
    for row in rows:
        if not isinstance(row, dict):
            continue
        if isinstance(row.get("minimum_age"), (int, float)) and not isinstance(row.get("minimum_age"), bool):
            minimums.append(row["minimum_age"])
        if isinstance(row.get("maximum_age"), (int, float)) and not isinstance(row.get("maximum_age"), bool):
            maximums.append(row["maximum_age"])
    return (min(minimums) if minimums else None, max(maximums) if maximums else None)


def _language(row: Any) -> Any:
    if isinstance(row, dict) and "name" not in row:
        return {**row, "name": row.get("language")}
    return row


def _taxonomy_attributes(record: Json) -> List[Json]:
    attributes = []
    for row in _first_list(record, "service_taxonomys", "service_taxonomies"):
        if not isinstance(row, dict) or not isinstance(row.get("taxonomy"), dict):
            continue
        taxonomy = row["taxonomy"]
        parent = taxonomy.get("parent")
        attributes.append({
            "id": row.get("id"),
            "taxonomy_term": {
                "id": taxonomy.get("id"),
                "name": taxonomy.get("name"),
                "taxonomy": taxonomy.get("vocabulary"),
                "parent_id": parent.get("id") if isinstance(parent, dict) else parent,
            },
        })
    return attributes


def _classification_attributes(record: Json) -> List[Json]:
    attributes = []
    for key, taxonomy in CLASSIFICATIONS.items():
        value = record.get(key)
        if not isinstance(value, str) or not value.strip():
            continue
        slug = "-".join(re.findall(r"[a-z0-9]+", value.lower()))
        attributes.append({
            "id": f"{key}-{slug}",
            "taxonomy_term": {"id": f"oruk1-{key}-{slug}", "name": value.strip(), "taxonomy": taxonomy},
        })
    return attributes


def _service_at_location(row: Any) -> Any:
    if not isinstance(row, dict):
        return row
    out = {key: value for key, value in row.items() if key != "regular_schedules"}
    out["schedules"] = list(row.get("regular_schedules") or []) + list(row.get("schedules") or [])
    location = row.get("location")
    if isinstance(location, dict) and "addresses" not in location:
        out["location"] = {**location, "addresses": list(location.get("physical_addresses") or [])}
    return out
