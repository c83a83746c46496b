"""The directory check: is every service we might offer someone backed by a source, a recent check, numbers
that can be dialled in the UK and hours we can read?

``check_directory`` returns a list of :class:`Problem`; an empty list means the directory passes. Only ``active``
services are checked, because only they are ever offered to people. Each problem has a ``kind`` so callers can
apply different policies, e.g. the bundled seed records are old by design and the CLI reports their
``stale`` problems separately from everything else.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Iterable, List

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from knowledge.hours.engine import HoursError, parse_byday
from knowledge.hours.stored import rule_from_stored
from knowledge.store.models import Schedule, Service, ServiceAtLocation

#: Problem kinds. ``STALE`` is the only one a caller may reasonably choose to tolerate.
#: ``STALE_NO_CONTACT`` is an old record that shows no contact facts at all (the bundled seed organisations): it
#: cannot send anyone to a wrong number or a closed door, and replies say when it was last checked, so the CLI
#: reports it without failing.
MISSING_SOURCE = "missing-source"
MISSING_ASSURED_DATE = "missing-assured-date"
BAD_PHONE = "bad-phone"
BAD_SCHEDULE = "bad-schedule"
STALE = "stale"
STALE_NO_CONTACT = "stale-no-contact"
PROBLEM_KINDS = (MISSING_SOURCE, MISSING_ASSURED_DATE, BAD_PHONE, BAD_SCHEDULE, STALE, STALE_NO_CONTACT)
#: Kinds that do not fail `signpost kb check`.
TOLERATED_KINDS = frozenset({STALE_NO_CONTACT})


@dataclass(frozen=True)
class Problem:
    service_id: str
    service_name: str
    kind: str
    detail: str

    def __str__(self) -> str:
        return f"{self.service_id} ({self.service_name}): {self.kind}: {self.detail}"


# ---- UK numbers ---------------------------------------------------------------------------------------------------

#: Numbers that are whole on their own: emergency (999, 112), NHS 111, police 101 and the 116 xxx harmonised
#: European helpline range (Samaritans 116 123, Childline's 0800 1111 is listed separately below).
_SPECIAL_NUMBERS = re.compile(r"^(999|112|111|101|116\d{3})$")
#: Childline's 0800 1111 is the one short freephone number in common use.
_SHORT_FREEPHONE = {"08001111"}
#: Five-digit SMS short codes (Shout 85258, FRANK 82111); UK mobile networks allocate 6xxxx–8xxxx.
_SMS_SHORT_CODE = re.compile(r"^[6-8]\d{4}$")
#: Full national numbers: 01 (10 or 11 digits: a few areas still have 9 digits after the 0), 02/03/07 (11),
#: freephone 0800 (10 or 11) and 0808 (11).
_NATIONAL = re.compile(r"^(01\d{8,9}|0[237]\d{9}|0800\d{6,7}|0808\d{7})$")
_SEPARATORS = re.compile(r"[\s\-().]")


def normalise_uk_number(number: str) -> str:
    """Digits only, with +44/0044 turned into the national 0 (``+44 300 123 6600`` -> ``03001236600``)."""
    digits = _SEPARATORS.sub("", number.strip())
    if digits.startswith("+44"):
        digits = "0" + digits[3:].lstrip("0")
    elif digits.startswith("0044"):
        digits = "0" + digits[4:].lstrip("0")
    return digits


def is_valid_uk_number(number: str | None) -> bool:
    """True for numbers a person in England can dial or text: 999/111/101/116 xxx, 5-digit SMS short codes,
    and 01/02/03/07/0800/0808 numbers with the right number of digits. Premium and unknown ranges are not valid."""
    if not number:
        return False
    digits = normalise_uk_number(number)
    if not digits.isdigit():
        return False
    return bool(
        _SPECIAL_NUMBERS.match(digits)
        or digits in _SHORT_FREEPHONE
        or _SMS_SHORT_CODE.match(digits)
        or _NATIONAL.match(digits)
    )


# ---- the check ----------------------------------------------------------------------------------------------------


def check_directory(session: Session, *, max_age_days: int, today: dt.date) -> List[Problem]:
    """Every problem with the active services, in service-id order (empty list = the directory passes)."""
    services = session.scalars(
        select(Service)
        .where(Service.status == "active")
        .options(
            selectinload(Service.phones),
            selectinload(Service.schedules),
            selectinload(Service.service_at_locations).selectinload(ServiceAtLocation.schedules),
        )
        .order_by(Service.id)
    ).all()
    problems: List[Problem] = []
    for service in services:
        problems.extend(_check_service(service, max_age_days=max_age_days, today=today))
    return problems


def _check_service(service: Service, *, max_age_days: int, today: dt.date) -> Iterable[Problem]:
    def problem(kind: str, detail: str) -> Problem:
        return Problem(service.id, service.name, kind, detail)

    if not (service.source or "").strip():
        yield problem(MISSING_SOURCE, "no source recorded: where did these facts come from?")
    if service.assured_date is None:
        yield problem(MISSING_ASSURED_DATE, "no assured_date: when were these facts last checked?")
    elif (today - service.assured_date).days > max_age_days:
        age = (today - service.assured_date).days
        kind = STALE if shows_contact_facts(service) else STALE_NO_CONTACT
        yield problem(kind, f"last checked {service.assured_date.isoformat()}, {age} days ago (limit {max_age_days})")
    for phone in service.phones:
        if not is_valid_uk_number(phone.number):
            yield problem(BAD_PHONE, f"{phone.number!r} is not a valid UK number")
    schedules = list(service.schedules)
    for sal in service.service_at_locations:
        schedules.extend(sal.schedules)
    for schedule in schedules:
        reason = schedule_problem(schedule)
        if reason:
            yield problem(BAD_SCHEDULE, reason)


def shows_contact_facts(service: Service) -> bool:
    """Whether a reply about this service would show a phone number, web address, email or opening hours."""
    has_schedules = bool(service.schedules) or any(sal.schedules for sal in service.service_at_locations)
    return bool(service.phones or service.url or service.email or has_schedules)


def schedule_problem(schedule: Schedule) -> str | None:
    """Why a stored schedule row cannot be read, or None if it can (read as search reads it)."""
    if not (schedule.byday or "").strip() and not (schedule.bymonthday or "").strip():
        return f"schedule {schedule.id}: no days (byday) given"
    try:
        parse_byday(schedule.byday)
    except HoursError as error:
        return f"schedule {schedule.id}: bad byday: {error}"
    if schedule.opens_at is None or schedule.closes_at is None:
        return f"schedule {schedule.id}: missing opening or closing time"
    try:
        rule_from_stored(schedule)
    except (HoursError, ValueError) as error:
        return f"schedule {schedule.id}: cannot be followed: {error}"
    return None
