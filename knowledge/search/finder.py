"""Find help: need × area × time × age -> ranked local services with reasons, then out-of-hours options.

Every directory query lives in this module. The rules, in the order they apply:

1. Only ``active`` services are ever offered, and never one whose age limits exclude the person (a 15-year-old
   never gets an adults-only service; an adult never gets Childline). Unknown age: no age filter.
2. *Local* services are those whose service-area names, location town/county or postcode district match the
   area, a place inside it, or an area containing it. National services (``is_national``) are never local.
3. Local services rank by need fit (taxonomy term > own words > related words), then open now, then whether
   we hold checked contact details, then how close (in the town itself before county-wide). A record with no
   checked contact is listed, but never first when one with checked contact fits as well.
4. *Out of hours* options: when no local service that fits is open, they lead: local 24/7 or crisis lines,
   then national services that fit the need and are open now, then national drug/alcohol lines open now, then
   crisis lines (Samaritans, NHS 111, ...) as the safety net, then, for needs with specific lines (young people,
   housing, families, leaving prison), one line that fits but whose hours we do not know. For mental health the
   crisis lines are the lines that fit, so they lead.
   When something local is open, two national options are kept "for later".
   Never a dead end: there is always at least one option with checked contact details.
5. For someone worried about another person (``for_whom == "someone_else"``) the result covers help for that
   person *and* ``for_family``: support for the family member themself.

Lines whose only numbers are 999/112 (emergencies: the safety layer handles those with its own words) or 101
(reporting crime) are not offered as signposts here.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from functools import cached_property, lru_cache
from typing import Sequence

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from knowledge.hours.engine import LONDON, HoursError, OpeningStatus, WeeklyHours, opening_status
from knowledge.needs.catalogue import (
    FAMILY,
    GENERAL,
    MENTAL_HEALTH,
    OUT_OF_HOURS,
    Fit,
    Need,
    need_for_substance,
    normalise_text,
    service_fit,
)
from knowledge.places.areas import Area, AreaIndex, postcode_district
from knowledge.store.models import (
    Address,
    Attribute,
    Location,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
)

__all__ = [
    "Contact",
    "Person",
    "Match",
    "SearchResult",
    "find_services",
    "find_service_by_name",
    "services_by_id",
    "SAFETY_NET",
]

#: Numbers that are not signposts: emergencies (handled by the safety layer) and reporting crime.
NOT_SIGNPOSTS = frozenset({"999", "112", "101"})

#: How many out-of-hours options lead when nothing local is open, and how many are kept "for later" otherwise.
OUT_OF_HOURS_LEAD = 4
FOR_LATER = 2
FOR_FAMILY = 3


@dataclass(frozen=True)
class Contact:
    kind: str  # "phone" | "text" | "web" | "email"
    value: str
    label: str | None = None


@dataclass(frozen=True)
class Person:
    """Who the help is for. ``age`` is the age of the person who drinks or uses (not of a worried parent)."""

    age: int | None = None
    for_whom: str = "self"  # or "someone_else"
    relationship: str | None = None
    #: What the person drinks or uses, if said ("alcohol", "heroin", ...): narrows help for someone else.
    substance: str | None = None


@dataclass(frozen=True)
class Match:
    service_id: str
    name: str
    organisation: str | None
    #: Plain words: "helps families", "in Cheltenham", "open now".
    reasons: tuple[str, ...]
    status: OpeningStatus
    #: Only what the record holds.
    contacts: tuple[Contact, ...]
    #: True when the record holds contact details *and* says where they came from.
    has_verified_contact: bool
    assured_date: date | None
    source: str | None
    is_national: bool
    is_crisis_line: bool
    description: str
    fit: Fit = Fit.NONE
    #: Where it is, for people who walk in: "12 High Street, Cheltenham GL50 1AA" (local services only).
    address: str | None = None
    minimum_age: int | None = None
    maximum_age: int | None = None


@dataclass(frozen=True)
class SearchResult:
    need: Need
    area: Area | None
    now: datetime
    local: tuple[Match, ...]
    out_of_hours: tuple[Match, ...]
    any_local_open: bool
    #: When for_whom == "someone_else": services for the family member themself.
    for_family: tuple[Match, ...]
    person: Person = field(default_factory=Person)
    #: The need the local services were chosen for (for someone else: their drinking or drug use).
    help_need: Need | None = None
    #: Whether the directory holds any active local service for the area at all (for "I don't have ... yet").
    area_has_services: bool = False


# --- Loading --------------------------------------------------------------------------------------------------

_EAGER = (
    selectinload(Service.organization),
    selectinload(Service.phones),
    selectinload(Service.schedules),
    selectinload(Service.service_areas),
    selectinload(Service.attributes).selectinload(Attribute.taxonomy_term),
    selectinload(Service.service_at_locations)
    .selectinload(ServiceAtLocation.location)
    .selectinload(Location.addresses),
    selectinload(Service.service_at_locations).selectinload(ServiceAtLocation.schedules),
)


def _sql_normalised(column):
    """SQL twin of :func:`normalise_text` for place names (lower case, common punctuation gone)."""
    expr = func.lower(func.trim(column))
    for char, replacement in (("-", " "), (".", ""), ("'", ""), (",", " ")):
        expr = func.replace(expr, char, replacement)
    return expr


def _compact_postcode(column):
    return func.upper(func.replace(column, " ", ""))


def _active(stmt):
    return stmt.where(Service.status == "active")


def _load_national(session: Session) -> list[Service]:
    stmt = _active(select(Service)).where(Service.is_national.is_(True)).options(*_EAGER).order_by(Service.name)
    return list(session.execute(stmt).scalars().unique())


def _load_local(session: Session, names: set[str], districts: set[str]) -> list[Service]:
    """Active non-national services that name one of ``names`` (normalised) or lie in one of ``districts``."""
    if not names and not districts:
        return []
    address_match = []
    if names:
        address_match += [_sql_normalised(Address.city).in_(names), _sql_normalised(Address.state_province).in_(names)]
    for district in districts:
        address_match.append(_compact_postcode(Address.postal_code).like(district + "___"))
    via_location = (
        select(ServiceAtLocation.service_id)
        .join(Location, Location.id == ServiceAtLocation.location_id)
        .join(Address, Address.location_id == Location.id)
        .where(or_(*address_match))
    )
    conditions = [Service.id.in_(via_location)]
    if names:
        via_area = select(ServiceArea.service_id).where(_sql_normalised(ServiceArea.name).in_(names))
        conditions.append(Service.id.in_(via_area))
    stmt = (
        _active(select(Service))
        .where(Service.is_national.is_(False), or_(*conditions))
        .options(*_EAGER)
        .order_by(Service.name)
    )
    return list(session.execute(stmt).scalars().unique())


# --- Facts about one service ------------------------------------------------------------------------------------


def _rules(service: Service) -> list[WeeklyHours]:
    """The service's schedule rows as hours rules; a location's rows stand in when the service has none."""
    rows: list[Schedule] = list(service.schedules)
    if not rows:
        rows = [row for sal in service.service_at_locations for row in sal.schedules]
    rules = []
    for row in rows:
        if row.opens_at is None or row.closes_at is None:
            continue
        try:
            rules.append(
                WeeklyHours(
                    opens_at=row.opens_at,
                    closes_at=row.closes_at,
                    byday=row.byday or "",
                    valid_from=row.valid_from,
                    valid_to=row.valid_to,
                    closes_on_bank_holidays=bool(row.closes_on_bank_holidays),
                    freq=row.freq or "WEEKLY",
                    interval=row.interval or 1,
                    dtstart=row.dtstart,
                    until=row.until,
                )
            )
        except HoursError:
            continue  # one bad row must not hide the service; its other rows still count
    return rules


def _contacts(service: Service) -> tuple[Contact, ...]:
    contacts: list[Contact] = []
    for phone in service.phones:
        number = (phone.number or "").strip()
        if not number:
            continue
        kind = "text" if phone.type == "text" else "phone"
        if phone.type in ("fax", "pager"):
            continue
        if phone.extension:
            number = f"{number} ext. {phone.extension}"
        contacts.append(Contact(kind=kind, value=number, label=(phone.description or None)))
    if service.url:
        contacts.append(Contact(kind="web", value=service.url.strip()))
    if service.email:
        contacts.append(Contact(kind="email", value=service.email.strip()))
    return tuple(contacts)


def _is_signpost(service: Service) -> bool:
    numbers = {re.sub(r"\s+", "", phone.number or "") for phone in service.phones}
    return not (numbers and numbers <= NOT_SIGNPOSTS)


_ADULTS_ONLY = re.compile(
    r"\b(?:(18|16|21|25)\s*\+|(?:aged|age|ages)\s*(18|16|21|25)\s*(?:and|or)\s*(?:over|above|older)"
    r"|over\s*(18|16|21|25)s?\b|adults?\s+only)"
)
_UNDER = re.compile(r"\bunder\s*(1[0-9]|2[0-5])s?\b")


def _age_limits(service: Service) -> tuple[int | None, int | None]:
    """HSDS minimum/maximum age, or (when both are empty) limits plainly written in the eligibility text."""
    low, high = service.minimum_age, service.maximum_age
    if low is not None or high is not None:
        return low, high
    text = (service.eligibility_description or "").lower()
    if not text:
        return None, None
    adults = _ADULTS_ONLY.search(text)
    if adults:
        number = next((g for g in adults.groups() if g), "18")
        return int(number), None
    under = _UNDER.search(text)
    if under:
        return None, int(under.group(1)) - 1
    return None, None


def _age_allows(service: Service, age: int | None) -> bool:
    if age is None:
        return True
    low, high = _age_limits(service)
    return (low is None or age >= low) and (high is None or age <= high)


@lru_cache(maxsize=32)
def _without_context(need: Need) -> Need:
    return replace(need, needs_substance_context=False)


def _service_text(service: Service) -> str:
    return " ".join(filter(None, (service.alternate_name, service.description, service.eligibility_description)))


def _fit(service: Service, need: Need, *, text_only: bool = False) -> Fit:
    """How well ``service`` fits ``need`` (``text_only``: ignore its taxonomy terms)."""
    if need.needs_substance_context and service.is_national:
        # National helplines are curated for signpost; their tags are trusted without the drug/alcohol check.
        need = _without_context(need)
    terms = [] if text_only else [term.name for term in service.taxonomy_terms]
    return service_fit(need, terms, service.name, _service_text(service))


def _place_names(service: Service) -> list[tuple[str, str]]:
    """(normalised name, what it is) for every place the service names: towns, counties, areas, districts."""
    places: list[tuple[str, str]] = []
    for area in service.service_areas:
        places.append((normalise_text(area.name), "area"))
    for sal in service.service_at_locations:
        for address in sal.location.addresses:
            places.append((normalise_text(address.city), "town"))
            if address.state_province:
                places.append((normalise_text(address.state_province), "county"))
            district = postcode_district(address.postal_code)
            if district:
                places.append((district.lower(), "district"))
    return places


def _first_address(service: Service) -> tuple[str | None, str | None]:
    """(one-line address, town) of the first physical address."""
    for sal in service.service_at_locations:
        if sal.location.location_type == "virtual":
            continue
        for address in sal.location.addresses:
            parts = [address.address_1, address.address_2, address.city]
            line = ", ".join(p.strip() for p in parts if p and p.strip())
            if address.postal_code:
                line = f"{line} {address.postal_code.strip()}"
            return line, address.city
    return None, None


def _age_reason(low: int | None, high: int | None) -> str | None:
    if low is not None and high is not None:
        return f"for ages {low} to {high}"
    if high is not None:
        return f"for under {high + 1}s"
    if low is not None:
        return f"for ages {low} and over"
    return None


def _time_reason(status: OpeningStatus) -> str | None:
    if status.always_open:
        return "open 24 hours"
    if status.open_now:
        return "open now"
    return None


@dataclass
class _Candidate:
    service: Service
    fit: Fit
    status: OpeningStatus
    proximity: int = 0  # 2: in the place itself, 1: covers a larger area it lies in, 0: national
    place_reason: str | None = None

    _fits: dict = field(default_factory=dict, repr=False)

    def fit_for(self, need: Need, *, text_only: bool = False) -> Fit:
        key = (need.code, text_only)
        if key not in self._fits:
            self._fits[key] = _fit(self.service, need, text_only=text_only)
        return self._fits[key]

    @cached_property
    def contacts(self) -> tuple[Contact, ...]:
        return _contacts(self.service)

    @property
    def verified(self) -> bool:
        return bool(self.service.source) and bool(self.contacts)

    @property
    def organisation_key(self) -> str:
        """One line per organisation among national options (FRANK's phone, text and chat are one FRANK)."""
        organisation = self.service.organization
        return normalise_text(organisation.name) if organisation else f"service:{self.service.id}"

    def match(self, need: Need | None) -> Match:
        service = self.service
        reasons: list[str] = []
        fit = self.fit_for(need) if need is not None else self.fit
        if need is not None and fit >= Fit.TEXT:
            reasons.append(need.reason)
        elif need is not None and fit > Fit.NONE:
            reasons.append("drug and alcohol service" if need.code not in ("general", "out_of_hours") else need.reason)
        if self.place_reason:
            reasons.append(self.place_reason)
        elif service.is_national:
            reasons.append("anywhere in England")
        time_reason = _time_reason(self.status)
        if time_reason:
            reasons.append(time_reason)
        low, high = _age_limits(service)
        age_reason = _age_reason(low, high)
        if age_reason:
            reasons.append(age_reason)
        contacts = self.contacts
        address, _town = _first_address(service) if not service.is_national else (None, None)
        return Match(
            service_id=service.id,
            name=service.name,
            organisation=service.organization.name if service.organization else None,
            reasons=tuple(dict.fromkeys(reasons)),
            status=self.status,
            contacts=contacts,
            has_verified_contact=bool(service.source) and bool(contacts),
            assured_date=service.assured_date,
            source=service.source,
            is_national=bool(service.is_national),
            is_crisis_line=bool(service.is_crisis_line),
            description=(service.description or "").strip(),
            fit=fit,
            address=address,
            minimum_age=low,
            maximum_age=high,
        )


# --- Area matching ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _AreaScope:
    """Normalised names that count as "in the area" (proximity 2) or "covering it" (proximity 1)."""

    inside: frozenset[str]
    covering: frozenset[str]
    districts: frozenset[str]  # upper case, for SQL
    display: dict[str, str]

    @property
    def names(self) -> set[str]:
        return set(self.inside | self.covering) - {d.lower() for d in self.districts}


def _scope(area: Area, index: AreaIndex) -> _AreaScope:
    inside_names = [area.name, *index.members(area.name)]
    covering_names = list(area.containing)
    display: dict[str, str] = {}
    inside: set[str] = set()
    covering: set[str] = set()
    districts: set[str] = set()
    for name in inside_names:
        key = normalise_text(name)
        display.setdefault(key, name)
        inside.add(key)
        district = postcode_district(name) if re.fullmatch(r"[A-Za-z]{1,2}\d[A-Za-z\d]?", name.strip()) else None
        if district:
            districts.add(district)
    if area.postcode_district:
        districts.add(area.postcode_district.upper())
        inside.add(area.postcode_district.lower())
    for name in covering_names:
        key = normalise_text(name)
        display.setdefault(key, name)
        if key not in inside:
            covering.add(key)
    return _AreaScope(frozenset(inside), frozenset(covering), frozenset(districts), display)


def _locate(service: Service, scope: _AreaScope) -> tuple[int, str | None]:
    """How close a loaded local service is to the area (2 in it, 1 covering it, 0 no match), and why."""
    best = (0, None)
    for key, what in _place_names(service):
        if key in scope.inside:
            name = scope.display.get(key, key.upper() if what == "district" else key.title())
            if what == "district":
                _line, town = _first_address(service)
                name = town or name
            reason = f"covers {name}" if what == "area" else f"in {name}"
            if best[0] < 2:
                best = (2, reason)
        elif key in scope.covering and best[0] < 1:
            name = scope.display.get(key, key.title())
            best = (1, f"covers {name}" if what in ("area", "county") else f"in {name}")
    return best


# --- Ranking --------------------------------------------------------------------------------------------------


def _rank_key(candidate: _Candidate, open_first: bool = False):
    open_now = candidate.status.open_now
    key = (-int(candidate.fit), -int(open_now), -int(candidate.verified), -candidate.proximity, candidate.service.name)
    if open_first:
        key = (-int(open_now),) + key
    return key


def _ranked(candidates: list[_Candidate], open_first: bool = False) -> list[_Candidate]:
    ranked = sorted(candidates, key=lambda c: _rank_key(c, open_first))
    # A record we cannot contact is never first when one we can contact fits as well (and, when the question
    # is what is open now, is as open).
    if ranked and not ranked[0].verified:
        first = ranked[0]
        for position, candidate in enumerate(ranked[1:], start=1):
            same_open = candidate.status.open_now == first.status.open_now or not open_first
            if candidate.fit == first.fit and candidate.verified and same_open:
                ranked.insert(0, ranked.pop(position))
                break
    return ranked


def _voice_first(candidate: _Candidate) -> int:
    return 0 if any(c.kind == "phone" for c in candidate.contacts) else 1


#: Needs whose national lines are specific enough to offer even when their hours are not known (Childline for a
#: young person, Shelter for somewhere to stay, a family helpline). For drink or drugs in general many lines carry
#: the same tag, and a line of unknown hours at 2am is a poor signpost, so those needs rely on open lines.
_UNKNOWN_HOURS_NEEDS = frozenset({"young_people", "housing", "family", "criminal_justice"})
#: Needs that crisis lines meet directly (not only as a safety net).
_CRISIS_LINES_FIT = frozenset({"mental_health"})


def _out_of_hours(
    local: list[_Candidate],
    national: list[_Candidate],
    needs: Sequence[Need],
    any_local_open: bool,
) -> list[tuple[_Candidate, Need | None]]:
    """Out-of-hours options in the order described in the module docstring, one per national organisation."""
    chosen: list[tuple[_Candidate, Need | None]] = []
    seen: set[str] = set()

    def take(candidate: _Candidate, need: Need | None) -> bool:
        key = candidate.organisation_key if candidate.service.is_national else f"service:{candidate.service.id}"
        if key in seen:
            return False
        seen.add(key)
        chosen.append((candidate, need))
        return True

    crisis = sorted(
        (c for c in national if c.service.is_crisis_line and c.status.open_now and c.verified),
        key=lambda c: (
            0 if _age_limits(c.service) != (None, None) else 1,  # a line for the person's own age group first
            _voice_first(c),
            -max(int(c.fit_for(need)) for need in needs),
            -int(c.fit_for(MENTAL_HEALTH)),
            c.service.name,
        ),
    )
    others = [c for c in national if not c.service.is_crisis_line and c.verified]

    if any_local_open:
        # Something local is open now; keep national options for later, 24-hour ones first.
        for need in needs:
            for c in sorted(
                (c for c in others if c.status.known and c.fit_for(need) >= Fit.TEXT),
                key=lambda c: (-int(c.status.always_open), -int(c.status.open_now), -int(c.fit_for(need)), c.service.name),
            ):
                if take(c, need):
                    break
        always = [c for c in others if c.status.always_open and c.fit_for(GENERAL) > Fit.NONE]
        for c in always + crisis:
            if len(chosen) >= FOR_LATER:
                break
            take(c, None)
        return chosen[:FOR_LATER]

    # 1. Local 24/7 services that fit, and local crisis lines, open now.
    for c in local:
        if c.status.open_now and (c.service.is_crisis_line or (c.status.always_open and c.fit > Fit.NONE)):
            take(c, needs[0])
    # 2-3. National lines open now that fit the need, then any drug/alcohol line open now; room is left for a
    # crisis line. For mental health, the crisis lines *are* the lines that fit, so they come first.
    for need in needs:
        if need.code in _CRISIS_LINES_FIT:
            for c in crisis:
                if c.fit_for(need) >= Fit.TEXT and len(chosen) < OUT_OF_HOURS_LEAD - 2:
                    take(c, need)
    for need in [*needs, GENERAL]:
        open_lines = [c for c in others if c.status.open_now and c.fit_for(need) >= Fit.TEXT]
        for c in sorted(open_lines, key=lambda c: (-int(c.fit_for(need)), _voice_first(c), c.service.name)):
            if len(chosen) >= OUT_OF_HOURS_LEAD - 1:
                break
            take(c, need)
    # 4. The first crisis line as the safety net.
    for c in crisis:
        if len(chosen) >= OUT_OF_HOURS_LEAD or take(c, None):
            break
    # 5. For specific needs, one line that fits but whose hours we do not know; then more crisis lines.
    for need in needs:
        if need.code not in _UNKNOWN_HOURS_NEEDS or len(chosen) >= OUT_OF_HOURS_LEAD:
            continue
        unknown = [c for c in others if not c.status.known and c.fit_for(need) >= Fit.TEXT]
        unknown.sort(
            key=lambda c: (-int(c.fit_for(need)), -int(c.fit_for(need, text_only=True)), _voice_first(c), c.service.name)
        )
        for c in unknown:
            if take(c, need):
                break
    for c in crisis:
        if len(chosen) >= OUT_OF_HOURS_LEAD:
            break
        take(c, None)
    return chosen


# --- Safety net -------------------------------------------------------------------------------------------------

_ALWAYS_OPEN = OpeningStatus(known=True, open_now=True, always_open=True, closes_at=None, next_opens_at=None)

#: Used only when the directory itself holds no contactable line open now (an empty or broken directory), so
#: the reply is never a dead end. Facts are the VERIFIED rows of research/helplines.md, with their sources.
SAFETY_NET: tuple[Match, ...] = (
    Match(
        service_id="safety-net-samaritans",
        name="Samaritans",
        organisation="Samaritans",
        reasons=("anywhere in England", "open 24 hours"),
        status=_ALWAYS_OPEN,
        contacts=(Contact(kind="phone", value="116 123", label="Free to call, 24 hours a day."),),
        has_verified_contact=True,
        assured_date=date(2026, 11, 24),
        source="samaritans.org 'contact a Samaritan' page (research/helplines.md)",
        is_national=True,
        is_crisis_line=True,
        description="Someone to talk to, any time, if you are struggling or having thoughts of suicide.",
    ),
    Match(
        service_id="safety-net-nhs-111",
        name="NHS 111",
        organisation="NHS",
        reasons=("anywhere in England", "open 24 hours"),
        status=_ALWAYS_OPEN,
        contacts=(Contact(kind="phone", value="111"),),
        has_verified_contact=True,
        assured_date=date(2026, 11, 24),
        source="NHS GP surgery pages citing NHS 111 (research/helplines.md)",
        is_national=True,
        is_crisis_line=True,
        description="Urgent medical advice for anyone, any age, when it is not a 999 emergency.",
    ),
)


# --- Public API -------------------------------------------------------------------------------------------------


def _require_aware(now: datetime) -> datetime:
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware, e.g. datetime.now(LONDON)")
    return now.astimezone(LONDON)


#: Relationships where the worried family member is almost certainly an adult (it is their child or partner).
_ADULT_FAMILY_MEMBER = frozenset(
    "son daughter child kid kids partner husband wife boyfriend girlfriend fiance fiancee grandson granddaughter "
    "stepson stepdaughter".split()
)


def _family_member_age(person: Person) -> int | None:
    """Best guess at the worried family member's age: an adult if they speak of their child or partner."""
    words = set(normalise_text(person.relationship).split())
    return 18 if words & _ADULT_FAMILY_MEMBER else None


def find_services(
    session: Session,
    *,
    need: Need,
    area: Area | None,
    now: datetime,
    person: Person = Person(),
    limit: int = 4,
    area_index: AreaIndex | None = None,
) -> SearchResult:
    """Search the directory; see the module docstring for the rules.

    ``area_index`` lets a caller that already holds one skip rebuilding it (it tells which towns lie in a county).
    An area of kind ``"unknown"`` (a place we could not resolve) has no local services.
    """
    now = _require_aware(now)
    for_someone_else = person.for_whom == "someone_else"
    help_need = need
    if for_someone_else and need.code == FAMILY.code:
        help_need = need_for_substance(person.substance)

    def candidate(service: Service, fit_need: Need, proximity: int = 0, place: str | None = None) -> _Candidate:
        c = _Candidate(service=service, fit=Fit.NONE, status=opening_status(_rules(service), now))
        c.fit, c.proximity, c.place_reason = c.fit_for(fit_need), proximity, place
        return c

    national = [candidate(s, help_need) for s in _load_national(session) if _is_signpost(s)]

    # Local services in the area (and in places inside it, and services covering the areas containing it).
    local_all: list[_Candidate] = []
    if area is not None and area.kind != "unknown":
        scope = _scope(area, area_index or AreaIndex.build(session))
        for service in _load_local(session, scope.names, set(scope.districts)):
            proximity, place = _locate(service, scope)
            if proximity and _is_signpost(service):
                local_all.append(candidate(service, help_need, proximity, place))

    # For someone else, family services (tagged or named for families, and not themselves tagged or named for
    # drink or drugs) belong to "for you" below, not to help for the person they worry about.
    family_specific: set[str] = set()
    if for_someone_else:
        for c in local_all:
            label = normalise_text(" ; ".join([c.service.name, *(t.name for t in c.service.taxonomy_terms)]))
            if (
                c.fit_for(FAMILY) >= Fit.TEXT
                and FAMILY.matches(label)
                and not (help_need.matches(label) or help_need.matches_related(label))
            ):
                family_specific.add(c.service.id)
    named_substance = need_for_substance(person.substance) if person.substance else GENERAL

    def fits_named_substance(c: _Candidate) -> bool:
        """A service that fits only as drug or alcohol help in general must fit the substance the person named:
        someone out of prison asking about heroin is not helped by an alcohol-only advice service."""
        if named_substance is GENERAL or c.fit > Fit.RELATED_TAXONOMY:
            return True
        return c.fit_for(named_substance) > Fit.NONE

    local_fitting = [
        c for c in local_all
        if c.fit > Fit.NONE
        and _age_allows(c.service, person.age)
        and c.service.id not in family_specific
        and fits_named_substance(c)
    ]
    local_top = _ranked(local_fitting, open_first=need.code == OUT_OF_HOURS.code)[:limit]
    any_local_open = any(c.status.open_now for c in local_fitting)
    shown = {c.service.id for c in local_top}

    # Out-of-hours options: for the person themself; for a family member, family lines first.
    family_age = _family_member_age(person)
    if for_someone_else:
        ooh_needs: list[Need] = [FAMILY, help_need]
        national_pool = [
            c for c in national
            if _age_allows(c.service, person.age)
            or (c.fit_for(FAMILY) >= Fit.TEXT and _age_allows(c.service, family_age))
        ]
    else:
        ooh_needs = [need]
        national_pool = [c for c in national if _age_allows(c.service, person.age)]
    local_pool = [c for c in local_all if _age_allows(c.service, person.age) and c.service.id not in shown]
    out_of_hours = [c.match(n) for c, n in _out_of_hours(local_pool, national_pool, ooh_needs, any_local_open)]
    if not any(m.has_verified_contact for m in out_of_hours):
        names = {m.name for m in out_of_hours}
        out_of_hours.extend(m for m in SAFETY_NET if m.name not in names)

    # Support for the family member themself: local family services, then national family lines.
    for_family: list[Match] = []
    if for_someone_else:
        taken_ids = shown | {m.service_id for m in out_of_hours}
        taken_orgs = {c.organisation_key for c in national if c.service.id in taken_ids}
        family_local = [
            _refit(c, c.fit_for(FAMILY)) for c in local_all if c.service.id not in shown
        ]
        family_local = [c for c in family_local if c.fit >= Fit.TEXT]
        family_lines = [
            _refit(c, c.fit_for(FAMILY))
            for c in national
            if not c.service.is_crisis_line
            and c.verified
            and c.fit_for(FAMILY) >= Fit.TEXT
            and _age_allows(c.service, family_age)
        ]
        family_lines.sort(
            key=lambda c: (
                -int(c.status.open_now),
                -int(c.status.known),
                -int(c.fit_for(FAMILY, text_only=True)),
                _voice_first(c),
                c.service.name,
            )
        )
        chosen: list[_Candidate] = _ranked(family_local)[:2]
        for c in family_lines:
            if c.organisation_key not in taken_orgs:
                taken_orgs.add(c.organisation_key)
                chosen.append(c)
        for_family = [c.match(FAMILY) for c in chosen[:FOR_FAMILY]]

    return SearchResult(
        need=need,
        area=area,
        now=now,
        local=tuple(c.match(help_need) for c in local_top),
        out_of_hours=tuple(out_of_hours),
        any_local_open=any_local_open,
        for_family=tuple(for_family),
        person=person,
        help_need=help_need,
        area_has_services=bool(local_all),
    )


def _refit(candidate: _Candidate, fit: Fit) -> _Candidate:
    """The same candidate judged against another need (the fit cache is shared, it is keyed by need)."""
    return _Candidate(
        service=candidate.service,
        fit=fit,
        status=candidate.status,
        proximity=candidate.proximity,
        place_reason=candidate.place_reason,
        _fits=candidate._fits,
    )


# --- By name --------------------------------------------------------------------------------------------------

#: Words in "when is frank open tonight?" that are not part of a name.
_QUERY_FILLER = frozenset(
    """
    when what whats time times is are does do the a an open opening opens close closes closing hours today
    tonight tomorrow now still at on in of to and for it they can i you me please pls tell about until till
    number phone call contact service services how get hold
    """.split()
)
_NAME_FILLER = frozenset({"the", "a", "an", "of", "to", "and", "for", "uk", "england", "service", "services"})


def _token_matches(query_token: str, name_token: str) -> bool:
    if query_token == name_token:
        return True
    from knowledge.places.areas import edit_distance  # local import keeps the module graph one-way at import time

    allowed = 0 if len(name_token) < 5 else (1 if len(name_token) < 8 else 2)
    return allowed > 0 and query_token[:1] == name_token[:1] and edit_distance(query_token, name_token, allowed) <= allowed


def _name_score(query_tokens: list[str], query_text: str, candidate: str) -> float:
    text = normalise_text(candidate)
    if not text:
        return 0.0
    if text == query_text:
        return 1.0
    tokens = [t for t in text.split() if t not in _NAME_FILLER] or text.split()
    matched_query = sum(1 for q in query_tokens if any(_token_matches(q, t) for t in tokens))
    matched_name = sum(1 for t in tokens if any(_token_matches(q, t) for q in query_tokens))
    if not query_tokens or matched_query == 0:
        return 0.0
    return 0.6 * matched_query / len(query_tokens) + 0.4 * matched_name / len(tokens)


def find_service_by_name(
    session: Session, name: str, *, now: datetime | None = None, limit: int = 5
) -> list[Match]:
    """Active services whose name (or alternate or organisation name) is like ``name``, best first.

    Forgives filler ("when is frank open"), case and small typos ("samaratins"). Empty if nothing is close.
    """
    now = _require_aware(now) if now is not None else datetime.now(LONDON)
    query_text = normalise_text(name)
    query_tokens = [t for t in query_text.split() if t not in _QUERY_FILLER]
    if not query_tokens:
        return []
    query_core = " ".join(query_tokens)
    rows = session.execute(
        _active(select(Service.id, Service.name, Service.alternate_name, Service.organization_id))
    ).all()
    from knowledge.store.models import Organization

    org_names = dict(session.execute(select(Organization.id, Organization.name)).all())
    scored: list[tuple[float, str, str]] = []
    for service_id, service_name, alternate, organisation_id in rows:
        score = max(
            _name_score(query_tokens, query_core, candidate)
            for candidate in (service_name, alternate or "", org_names.get(organisation_id) or "")
        )
        # An organisation-name match is weaker than the service's own name.
        own = max(_name_score(query_tokens, query_core, c) for c in (service_name, alternate or ""))
        score = own if own >= score else score * 0.9
        if score >= 0.6:
            scored.append((score, service_name, service_id))
    if not scored:
        return []
    scored.sort(key=lambda item: (-item[0], item[1]))
    ids = [service_id for _score, _name, service_id in scored[:limit]]
    services = {
        s.id: s for s in session.execute(select(Service).where(Service.id.in_(ids)).options(*_EAGER)).scalars().unique()
    }
    matches = []
    for service_id in ids:
        service = services[service_id]
        c = _Candidate(service=service, fit=Fit.NONE, status=opening_status(_rules(service), now))
        matches.append(c.match(None))
    return matches


def services_by_id(session: Session, ids: Sequence[str], *, now: datetime) -> list[Match]:
    """The active services with these ids, in the order given (ids no longer active are left out).

    For answers about services already offered in this conversation (a plan to keep, a call-back): the
    conversation keeps only ids, and every fact is read fresh from the directory.
    """
    now = _require_aware(now)
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return []
    rows = session.execute(_active(select(Service)).where(Service.id.in_(wanted)).options(*_EAGER)).scalars().unique()
    services = {service.id: service for service in rows}
    matches = []
    for service_id in wanted:
        service = services.get(service_id)
        if service is not None:
            c = _Candidate(service=service, fit=Fit.NONE, status=opening_status(_rules(service), now))
            matches.append(c.match(None))
    return matches
