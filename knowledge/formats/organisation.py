"""An HSDS 3.0 ``organization_full``: an organisation with its services nested in it, read as those services.

Each service is given the organisation itself (without its lists). A service that carries no phone anywhere
(its own, its contacts', its locations') is given the organisation's phones (and its contacts' phones), and a
service with no ``service_at_locations`` is linked to the organisation's locations (with their addresses, and
the phones and hours the locations carry, as for any location): the
organisation's way in is the way in to its services, and without it a person would get a service with no way to
contact or find it. A service's own phones and locations always win; nothing is made up.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple

Json = Dict[str, Any]


def nested_services(organisation: Json) -> Tuple[List[Any], List[str]]:
    """The organisation's services, each with the organisation's details filled in; and notes for the report."""
    slim = {key: value for key, value in organisation.items() if not isinstance(value, (list, dict))}
    phones = _phones_of(organisation)
    locations = [location for location in _as_list(organisation.get("locations")) if isinstance(location, dict)]
    services, given_phones, given_locations = [], 0, 0
    for service in _as_list(organisation.get("services")):
        if not isinstance(service, dict):
            services.append(service)
            continue
        service = dict(service)
        if not isinstance(service.get("organization"), dict):
            service["organization"] = slim
        if phones and not _has_phone(service):
            service["phones"] = phones
            given_phones += 1
        if locations and not _as_list(service.get("service_at_locations")):
            service["service_at_locations"] = [{"location": location} for location in locations]
            given_locations += 1
        services.append(service)
    return services, [_note(organisation.get("name"), len(services), given_phones, given_locations)]


def _note(name: Optional[str], count: int, given_phones: int, given_locations: int) -> str:
    note = (f"This file is the organisation {name!r} with {count} services nested in it; each service is loaded "
            "with that organisation.")
    if given_phones:
        note += f" {given_phones} with no phone of their own were given the organisation's phone numbers."
    if given_locations:
        note += f" {given_locations} with no location of their own were given the organisation's locations."
    return note


def _phones_of(organisation: Json) -> List[Any]:
    """The organisation's phones, then its contacts' phones (with the contact's title as their description)."""
    phones = [phone for phone in _as_list(organisation.get("phones")) if isinstance(phone, dict)]
    for contact in _as_list(organisation.get("contacts")):
        if isinstance(contact, dict):
            for phone in _as_list(contact.get("phones")):
                if isinstance(phone, dict):
                    described = contact.get("title") or contact.get("department")
                    phones.append(phone if phone.get("description") or not described
                                  else {**phone, "description": described})
    return phones


def _has_phone(service: Json) -> bool:
    """Whether the service carries a phone anywhere the reader looks: its own, its contacts', its locations'."""
    holders = [service]
    for sal in _as_list(service.get("service_at_locations")):
        if isinstance(sal, dict):
            holders += [sal, sal.get("location") if isinstance(sal.get("location"), dict) else {}]
    for holder in holders:
        if _as_list(holder.get("phones")):
            return True
        if any(isinstance(contact, dict) and _as_list(contact.get("phones"))
               for contact in _as_list(holder.get("contacts"))):
            return True
    return False


def _as_list(value: Any) -> List[Any]:
    return value if isinstance(value, list) else []
