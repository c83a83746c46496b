"""Store one service in the common parsed form (see :mod:`knowledge.formats.hsds3`): the only write path.

A service already in the database is replaced with its children (the feed is the truth for it); organisations,
locations, taxonomies and terms are merged by their stored id. The caller runs this inside a SAVEPOINT, so a
failure leaves nothing of the record behind.
"""
from __future__ import annotations

from typing import Any, List

from sqlalchemy.orm import Session

from knowledge.formats.fields import Json, RecordError
from knowledge.store.models import (
    Address,
    Attribute,
    CostOption,
    Language,
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


def write_service(session: Session, parsed: Json, warnings: List[str]) -> bool:
    """Write one parsed record. Returns True if the service existed (an update)."""
    values = parsed["service"]
    service = session.get(Service, values["id"])
    replaced_older = service is None and _replace_unscoped(session, parsed, warnings)
    existed = service is not None or replaced_older
    if service is not None:
        # Flush the deletes first so children re-imported with the same ids are inserted cleanly.
        for children in (service.phones, service.schedules, service.service_areas, service.service_at_locations,
                         service.attributes, service.languages, service.cost_options):
            children.clear()
        session.flush()
    else:
        service = Service(id=values["id"])
        session.add(service)
    for key, value in values.items():
        setattr(service, key, value)
    return _write_children(session, service, parsed, warnings, existed)


def _write_children(session: Session, service: Service, parsed: Json, warnings: List[str], existed: bool) -> bool:
    _link_organization(session, service, parsed["organization"], warnings)
    for position, phone in enumerate(parsed["phones"]):
        service.phones.append(_new(Phone, phone, position=position))
    for schedule in parsed["schedules"]:
        service.schedules.append(_new(Schedule, schedule))
    for area in parsed["areas"]:
        service.service_areas.append(_new(ServiceArea, area))
    for language in parsed.get("languages", ()):
        service.languages.append(_new(Language, language))
    for option in parsed.get("cost_options", ()):
        service.cost_options.append(_new(CostOption, option))
    _write_locations(session, service, parsed)
    _write_attributes(session, service, parsed["attributes"], warnings)
    return existed


def _replace_unscoped(session: Session, parsed: Json, warnings: List[str]) -> bool:
    """A directory imported before ids were kept per feed stored this record under its bare id: the same record
    from the same source replaces it (its children go with it), so re-importing after an upgrade updates rather
    than duplicates. Returns True if an older copy was replaced."""
    values = parsed["service"]
    if not values.get("id_scope") or parsed.get("original_id") == values["id"]:
        return False
    older = session.get(Service, parsed["original_id"])
    if older is None or older.id_scope is not None or older.source != values["source"]:
        return False
    session.delete(older)
    session.flush()
    warnings.append("replaced the copy stored before ids were kept per feed (same id and source)")
    return True


def _link_organization(session: Session, service: Service, organization: Any, warnings: List[str]) -> None:
    if organization is None:
        service.organization = None
    elif organization.get("reference_only"):
        existing = session.get(Organization, organization["id"])
        if existing is None:
            warnings.append(f"organization {organization['id']!r} is not in the directory; link left out")
        service.organization = existing
    else:
        service.organization = _upsert(session, Organization, organization)


def _write_locations(session: Session, service: Service, parsed: Json) -> None:
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


def _write_attributes(session: Session, service: Service, attributes: List[Json], warnings: List[str]) -> None:
    for item in attributes:
        if item["taxonomy"] is not None:
            _upsert(session, Taxonomy, item["taxonomy"])
        if item["term"] is not None:
            term = dict(item["term"])
            if term["taxonomy_id"] and session.get(Taxonomy, term["taxonomy_id"]) is None:
                session.add(Taxonomy(id=term["taxonomy_id"], name=term["taxonomy"] or term["taxonomy_id"]))
            if term["parent_id"] and session.get(TaxonomyTerm, term["parent_id"]) is None:
                warnings.append(f"taxonomy term {term['name']!r}: its parent is not in the directory; link left out")
                term["parent_id"] = None
            _upsert(session, TaxonomyTerm, term)
            session.flush()
        elif session.get(TaxonomyTerm, item["attribute"]["taxonomy_term_id"]) is None:
            raise RecordError(f"attribute refers to unknown taxonomy term {item['attribute']['taxonomy_term_id']!r}")
        service.attributes.append(_new(Attribute, item["attribute"], link_entity="service"))


def _new(model: type, values: Json, **extra: Any) -> Any:
    """A new row; ids missing from the feed are generated (HSDS requires them, feeds sometimes omit them)."""
    clean = {key: value for key, value in values.items() if not (key == "id" and value is None)}
    clean.update(extra)
    return model(**clean)


def _upsert(session: Session, model: type, values: Json) -> Any:
    row = session.get(model, values["id"])
    if row is None:
        row = model(**values)
        session.add(row)
    else:
        for key, value in values.items():
            setattr(row, key, value)
    return row
