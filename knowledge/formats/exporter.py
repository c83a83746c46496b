"""Export the directory as HSDS 3.0 JSON: a list of ``service_full``-shaped objects that :func:`import_hsds` reads.

Times are written as wall-clock ``HH:MM`` with no offset, meaning Europe/London (HSDS offsets are fixed and
cannot follow summer time; see the importer's docstring). Our extensions (``source``, ``source_url``,
``is_national``, ``is_crisis_line`` and schedule ``closes_on_bank_holidays``) are included; HSDS consumers ignore
unknown fields.

Holiday schedules a feed gave (ORUK 1.0 ``holiday_schedules``) are written twice over, each in its format's shape:
in the ``schedules``, the HSDS 3.0 way (regular rules paused over the dates with ``valid_from``/``valid_to``, changed
hours as rules valid on those days only), which is what any HSDS reader follows; and as ``holiday_schedules``
(``closed``, ``start_date``, ``end_date``, ``opens_at``/``closes_at``) on the service and on each service at a
location, as ORUK 1.0 has them. Importing the export applies them again, which changes nothing: the rules are
already paused over those dates. Empty optional fields are left out so the files stay readable. Ids are written as the feed sent them (without
the scope that keeps councils apart in the database; see :mod:`knowledge.formats.ids`).
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Dict, List, Optional

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from knowledge.formats.ids import original_id
from knowledge.store.models import (
    Attribute,
    HolidaySchedule,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)

Json = Dict[str, Any]


def export_hsds(session: Session) -> List[Json]:
    """Every service (all statuses), ordered by id, with its nested objects."""
    services = session.scalars(
        select(Service)
        .options(
            selectinload(Service.organization),
            selectinload(Service.phones),
            selectinload(Service.schedules),
            selectinload(Service.service_areas),
            selectinload(Service.service_at_locations).selectinload(ServiceAtLocation.location).selectinload(Location.addresses),
            selectinload(Service.service_at_locations).selectinload(ServiceAtLocation.schedules),
            selectinload(Service.attributes).selectinload(Attribute.taxonomy_term),
            selectinload(Service.languages),
            selectinload(Service.cost_options),
            selectinload(Service.holiday_schedules),
            selectinload(Service.service_at_locations).selectinload(ServiceAtLocation.holiday_schedules),
        )
        .order_by(Service.id)
    ).all()
    return [service_to_hsds(session, service) for service in services]


def service_to_hsds(session: Session, service: Service) -> Json:
    ids = _Ids(scope=service.id_scope, owner=service.id)
    out = _fields(service, (
        "id", "name", "alternate_name", "description", "url", "email", "status", "application_process",
        "eligibility_description", "fees_description", "minimum_age", "maximum_age", "alert", "assured_date",
        "source", "source_url",
    ))
    out["id"] = ids.shared(service.id)
    out["is_national"] = bool(service.is_national)
    out["is_crisis_line"] = bool(service.is_crisis_line)
    if service.last_modified is not None:
        out["last_modified"] = service.last_modified.replace(microsecond=0).isoformat() + "Z"
    if service.organization is not None:
        out["organization_id"] = ids.shared(service.organization.id)
        out["organization"] = _organization(service.organization, ids)
    ordered_phones = sorted(service.phones, key=lambda p: p.position)
    out["phones"] = [_phone(p, ids) for p in ordered_phones if p.location_id is None]
    out["schedules"] = [_schedule(s, ids) for s in sorted(service.schedules, key=_schedule_key)]
    _add_holidays(out, service.holiday_schedules, ids)
    out["service_areas"] = [
        ids.own_id(_fields(a, ("id", "name", "description", "extent", "extent_type", "uri")))
        for a in sorted(service.service_areas, key=lambda a: (a.name, a.id))
    ]
    out["service_at_locations"] = [
        _service_at_location(sal, [p for p in ordered_phones if p.location_id == sal.location_id], ids)
        for sal in sorted(service.service_at_locations, key=lambda s: s.id)
    ]
    out["attributes"] = [
        _attribute(session, a, ids) for a in sorted(service.attributes, key=lambda a: (a.taxonomy_term_id, a.id))
    ]
    languages = [ids.own_id(_fields(lang, ("id", "name", "code", "note")))
                 for lang in sorted(service.languages, key=lambda lang: lang.id)]
    if languages:
        out["languages"] = languages
    costs = [ids.own_id(_fields(c, ("id", "option", "amount", "currency", "amount_description", "valid_from",
                                    "valid_to")))
             for c in sorted(service.cost_options, key=lambda c: c.id)]
    if costs:
        out["cost_options"] = costs
    return out


class _Ids:
    """Turns one service's stored ids back into the ids its feed used."""

    def __init__(self, *, scope: Optional[str], owner: str) -> None:
        self.scope, self.owner = scope, owner

    def shared(self, stored: Optional[str]) -> Optional[str]:
        return original_id(stored, scope=self.scope)

    def own(self, stored: Optional[str], owner: Optional[str] = None) -> Optional[str]:
        return original_id(stored, owner=owner or self.owner)

    def own_id(self, values: Json, owner: Optional[str] = None) -> Json:
        if "id" in values:
            values["id"] = self.own(values["id"], owner)
        return values


def _organization(org: Organization, ids: _Ids) -> Json:
    out = _fields(org, ("id", "name", "alternate_name", "description", "email", "website"))
    out["id"] = ids.shared(org.id)
    return out


def _phone(phone: Phone, ids: _Ids) -> Json:
    return ids.own_id(_fields(phone, ("id", "number", "extension", "type", "description")))


def _schedule_key(schedule: Schedule) -> tuple:
    return (schedule.byday or "", schedule.opens_at or dt.time(0), schedule.id)


def _schedule(schedule: Schedule, ids: _Ids) -> Json:
    out = _fields(schedule, (
        "id", "valid_from", "valid_to", "dtstart", "until", "freq", "interval", "byday", "bymonthday", "opens_at",
        "closes_at", "description", "notes",
    ))
    out["closes_on_bank_holidays"] = bool(schedule.closes_on_bank_holidays)
    return ids.own_id(out)


def _service_at_location(sal: ServiceAtLocation, phones: List[Phone], ids: _Ids) -> Json:
    location = sal.location
    location_out = _fields(location, ("id", "location_type", "name", "description", "url", "latitude", "longitude"))
    location_out["id"] = ids.shared(location.id)
    location_out["addresses"] = [
        ids.own_id(_fields(a, ("id", "attention", "address_1", "address_2", "city", "region", "state_province",
                               "postal_code", "country", "address_type")), owner=location.id)
        for a in sorted(location.addresses, key=lambda a: a.id)
    ]
    out = ids.own_id(_fields(sal, ("id", "description")))
    out["location"] = location_out
    out["phones"] = [_phone(p, ids) for p in phones]
    out["schedules"] = [_schedule(s, ids) for s in sorted(sal.schedules, key=_schedule_key)]
    _add_holidays(out, sal.holiday_schedules, ids)
    return out


def _add_holidays(out: Json, holidays: List[HolidaySchedule], ids: _Ids) -> None:
    """ORUK 1.0 ``holiday_schedules``, only when there are any (most services have none)."""
    if holidays:
        out["holiday_schedules"] = [
            ids.own_id(_fields(h, ("id", "closed", "opens_at", "closes_at", "start_date", "end_date")))
            for h in sorted(holidays, key=lambda h: (h.start_date, h.id))
        ]


def _attribute(session: Session, attribute: Attribute, ids: _Ids) -> Json:
    out = ids.own_id(_fields(attribute, ("id", "taxonomy_term_id", "link_type", "link_entity", "value")))
    out["taxonomy_term_id"] = ids.shared(attribute.taxonomy_term_id)
    out["link_id"] = ids.shared(attribute.link_id)
    term: Optional[TaxonomyTerm] = attribute.taxonomy_term
    if term is not None:
        term_out = _fields(term, ("id", "code", "name", "description", "parent_id", "taxonomy", "taxonomy_id", "term_uri"))
        for key in ("id", "parent_id", "taxonomy_id"):
            if key in term_out:
                term_out[key] = ids.shared(term_out[key])
        if term.taxonomy_id:
            taxonomy = session.get(Taxonomy, term.taxonomy_id)
            if taxonomy is not None:
                detail = _fields(taxonomy, ("id", "name", "description", "uri", "version"))
                detail["id"] = ids.shared(detail["id"])
                term_out["taxonomy_detail"] = detail
        out["taxonomy_term"] = term_out
    return out


def _fields(row: Any, names: tuple) -> Json:
    out: Json = {}
    for name in names:
        value = getattr(row, name)
        if value is None or value == "" and name not in ("description",):
            continue
        if isinstance(value, dt.time):
            value = value.strftime("%H:%M") if value.second == 0 else value.strftime("%H:%M:%S")
        elif isinstance(value, (dt.date, dt.datetime)):
            value = value.isoformat()
        out[name] = value
    return out
