"""Find help: need × area × time × person -> candidates, then ranked by knowledge.ranking, with reasons.

This module does *retrieval*: which services are candidates (active, in scope for the area, fitting the need at
all, allowed for the person's age), what is known about each (fit, special groups, closeness, opening status),
and which national lines to offer out of hours. The *order* is the scoring model in :mod:`knowledge.ranking`
(docs/ranking.md): fit to the need first (identity before description), special groups only for their own people,
fit to the person, locality, availability as a weighted factor. The rules here:

1. Only ``active`` services are ever offered, never one whose age limits exclude the person, never a local
   service for a special group the person is not in, and never one with no way to contact it (no phone, text,
   web address or street address).
2. *Local* services are those whose service-area names, location town/county or postcode district match the
   area, a place inside it, or an area containing it. National services (``is_national``) are never local. Place
   names are compared with one normaliser (:func:`knowledge.needs.catalogue.normalise_text`), the same the area
   index uses, so "Brighton & Hove", "King's Lynn" and "Hull, East Riding" find their services.
3. What a service is for comes from its identity (taxonomy, name, organisation, eligibility); its description
   counts only for what it offers (:func:`knowledge.ranking.offers.offered_text`).
4. *Out of hours* options: local 24/7 or crisis lines, national services that fit the need and are open now,
   national drug/alcohol lines open now, crisis lines (Samaritans, NHS 111, ...) as the safety net, and for needs
   with specific lines (young people, housing, families, leaving prison) one line that fits but whose hours we
   do not know. Never a dead end: there is always at least one option with checked contact details.
5. For someone worried about another person (``for_whom == "someone_else"``) the local ranking covers help for
   that person *and* support for the family member (family services rank high for them); ``for_family`` holds
   family lines. A writer under 18 worried about someone (``writer_age``) gets help for young people affected by
   a parent's drinking or drugs, judged against the writer's own age: never adult treatment, needle exchange or
   prison services.
6. Bank holidays (England): a service whose schedule says nothing about bank holidays is never claimed open on
   one; its match carries ``hours_note`` ("Usually open ...; today is a bank holiday, so it may be closed") and
   ranks below services known to be open.

``SearchResult.first`` is the first answer in reading order: at most three local options, then the out-of-hours
options open at that moment (when nothing local is open, those lead); ``SearchResult.more`` holds the rest for
"more options".

Lines whose only numbers are 999/112 (emergencies: the safety layer handles those with its own words) or 101
(reporting crime) are not offered as signposts here.
"""
from __future__ import annotations

import heapq
import re
from collections.abc import Sequence as SequenceABC
from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Callable, Iterator, Sequence

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from knowledge.hours.engine import (
    LONDON,
    OpeningStatus,
    WeeklyHours,
    describe_rules,
    is_bank_holiday,
    opening_status,
)
from knowledge.needs.catalogue import (
    FAMILY,
    GENERAL,
    MENTAL_HEALTH,
    NEEDS,
    OUT_OF_HOURS,
    YOUNG_FAMILY,
    YOUNG_PEOPLE,
    Fit,
    Need,
    fit_of_normalised,
    need_for_substance,
    normalise_text,
)
from knowledge.places.areas import Area, AreaIndex
from knowledge.ranking.groups import person_groups
from knowledge.ranking.model import NO_CONTACT, Facts, Scored, availability, order_key, score
from knowledge.search.area_scope import AreaScope, area_scope, local_services
from knowledge.search.names import MATCH_THRESHOLD, name_score, query_words
from knowledge.search.snapshot import (
    EAGER,
    Contact,
    DirectorySnapshot,
    ServiceRecord,
    held_snapshot,
    record_of,
    records_of,
    schedule_rows,
)
from knowledge.store.models import (
    Address,
    Location,
    Service,
    ServiceArea,
    ServiceAtLocation,
)

__all__ = [
    "Contact",
    "Person",
    "Match",
    "SearchResult",
    "LaterOptions",
    "find_services",
    "find_service_by_name",
    "services_by_id",
    "SAFETY_NET",
]

#: How many out-of-hours options lead when nothing local is open, and how many are kept "for later" otherwise.
OUT_OF_HOURS_LEAD = 4
FOR_LATER = 2
FOR_FAMILY = 3


@dataclass(frozen=True)
class Person:
    """Who the help is for. ``age`` is the age of the person who drinks or uses (not of a worried parent)."""

    age: int | None = None
    for_whom: str = "self"  # or "someone_else"
    relationship: str | None = None
    #: What the person drinks or uses, if said ("alcohol", "heroin", ...): narrows help for someone else.
    substance: str | None = None
    #: The age of the person writing, when they said it ("im 14 and my mum drinks": 14, while ``age`` is None).
    writer_age: int | None = None
    #: Special groups the person said they are in or asked for ("women", "students"); see knowledge.ranking.groups.
    groups: tuple[str, ...] = ()
    #: They asked for something open now ("anywhere open today for ..."): availability counts for more.
    wants_open_now: bool = False

    @property
    def young_writer(self) -> bool:
        """A child or young person writing about someone else (a parent, a brother): the help is for them."""
        return self.for_whom == "someone_else" and self.writer_age is not None and self.writer_age < 18


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
    #: The ranking's score and its factors ("helps with drinking: for exactly this +40", "open now +20").
    score: int = 0
    ranking: tuple[str, ...] = ()
    #: Replaces the opening status when the hours cannot be trusted today (a bank holiday the record is silent on).
    hours_note: str | None = None
    #: "you" for support for the family member themself, "them" for help for the person they worry about.
    for_whom: str | None = None


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
    #: The first answer in reading order (module docstring), and the further options for "more options" (a
    #: :class:`LaterOptions`, worked out when first read, equal to the tuple of its matches).
    first: tuple[Match, ...] = ()
    more: Sequence[Match] = ()
    #: Local services that fit but have no way to contact them (not offered; the reply says so plainly).
    uncontactable_local: int = 0


# --- Loading --------------------------------------------------------------------------------------------------

# Search reads records (knowledge/search/snapshot.py): from the snapshot the action server keeps per directory
# version, or, for a caller without one, loaded here for this search only (the national lines and the services of
# the area), as the same records.
_EAGER = EAGER


def _raw_place_names(session: Session, names: set[str]) -> tuple[set[str], set[str]]:
    """The place names as the directory spells them (address towns and counties, service-area names) whose
    normalised form is one of ``names``. One normaliser, :func:`normalise_text`, for the area index and for search:
    a SQL twin could never agree with it on "&", curly apostrophes or commas."""
    address_names = session.execute(
        select(Address.city).distinct().union(select(Address.state_province).distinct())
    ).scalars()
    area_names = session.execute(select(ServiceArea.name).distinct()).scalars()
    in_addresses = {raw for raw in address_names if raw and normalise_text(raw) in names}
    in_areas = {raw for raw in area_names if raw and normalise_text(raw) in names}
    return in_addresses, in_areas


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
    address_names, area_names = _raw_place_names(session, names) if names else (set(), set())
    address_match = []
    if address_names:
        address_match += [Address.city.in_(address_names), Address.state_province.in_(address_names)]
    for district in districts:
        address_match.append(_compact_postcode(Address.postal_code).like(district + "___"))
    conditions = []
    if address_match:
        via_location = (
            select(ServiceAtLocation.service_id)
            .join(Location, Location.id == ServiceAtLocation.location_id)
            .join(Address, Address.location_id == Location.id)
            .where(or_(*address_match))
        )
        conditions.append(Service.id.in_(via_location))
    if area_names:
        via_area = select(ServiceArea.service_id).where(ServiceArea.name.in_(area_names))
        conditions.append(Service.id.in_(via_area))
    if not conditions:
        return []
    stmt = (
        _active(select(Service))
        .where(Service.is_national.is_(False), or_(*conditions))
        .options(*_EAGER)
        .order_by(Service.name)
    )
    return list(session.execute(stmt).scalars().unique())


def _snapshot_for_one_search(session: Session, scope: "AreaScope | None") -> DirectorySnapshot:
    """The national lines and the services of the area, as records, for a caller that holds no snapshot."""
    local = _load_local(session, scope.names, set(scope.districts)) if scope is not None else []
    return DirectorySnapshot.of(records_of([*_load_national(session), *local]))


# --- Facts about one service ------------------------------------------------------------------------------------


def _rules(service: ServiceRecord) -> list[WeeklyHours]:
    """The service's hours rules (its own schedule rows, or its locations' when it has none), read once by
    ``knowledge.hours.stored.rule_from_stored`` when the record was made: month days and ordinal days count."""
    return list(service.rules)


def _contacts(service: ServiceRecord) -> tuple[Contact, ...]:
    """Only what the record holds: phones (no fax or pager), text, web, email (worked out with the record)."""
    return service.contacts


def _is_signpost(service: ServiceRecord) -> bool:
    """False for lines whose only numbers are emergencies or 101 (:data:`NOT_SIGNPOSTS`)."""
    return service.signpost


def _age_limits(service: ServiceRecord) -> tuple[int | None, int | None]:
    """HSDS minimum/maximum age, or (when both are empty) limits plainly written in the eligibility text."""
    return service.age_limits


def _age_allows(service: ServiceRecord, age: int | None) -> bool:
    if age is None:
        return True
    low, high = _age_limits(service)
    return (low is None or age >= low) and (high is None or age <= high)


@lru_cache(maxsize=32)
def _without_context(need: Need) -> Need:
    return replace(need, needs_substance_context=False)


def _identity(service: ServiceRecord) -> list[str]:
    """What the service says it *is*: its name, alternate name, organisation and eligibility (taxonomy apart)."""
    return list(service.identity)


def _offers(service: ServiceRecord) -> str:
    return service.offers


def _fit(service: ServiceRecord, need: Need, *, text_only: bool = False) -> Fit:
    """How well ``service`` fits ``need``: its identity (taxonomy terms, name, organisation, eligibility) counts as
    :attr:`Fit.TAXONOMY`, what its description offers as :attr:`Fit.TEXT` (``text_only``: no taxonomy terms, and
    the name counts as text too, to prefer lines whose own words fit)."""
    if need.needs_substance_context and service.is_national:
        # National helplines are curated for signpost; their tags are trusted without the drug/alcohol check.
        need = _without_context(need)
    if text_only:
        return fit_of_normalised(need, "", service.identity_offers_text)
    return fit_of_normalised(need, service.identity_text, service.offers_text)


def _identity_text(service: ServiceRecord) -> str:
    return service.identity_text


def _groups(service: ServiceRecord) -> frozenset[str]:
    """Special groups (knowledge.ranking.groups). National lines are curated and serve everyone their age limits
    allow (FRANK is tagged for families *and* for people who use drugs), so only their ages count."""
    return service.groups


def _has_way_to_contact(service: ServiceRecord) -> bool:
    """A phone, text, web address or street address (an email alone is not enough at 2am)."""
    return service.has_direct_contact or service.first_address[0] is not None


#: Substance words too general to count as "names what they use".
_GENERIC_SUBSTANCES = frozenset("alcohol drink drinking drinks drug drugs booze substance substances".split())


@lru_cache(maxsize=256)
def _substance_words(substance: str | None) -> frozenset[str]:
    """The words of what the person named that could name it in a service's text (not "alcohol" or "drugs")."""
    return frozenset(normalise_text(substance).split()) - _GENERIC_SUBSTANCES


def _names_substance(service: ServiceRecord, substance: str | None) -> bool:
    words = _substance_words(substance)
    if not words:
        return False
    text = set(f"{service.identity_text} {service.offers_text}".split())
    return bool(words & text)


def _by_referral_only(service: ServiceRecord) -> bool:
    """The service takes people only when another service refers them (not someone writing at 2am)."""
    return service.by_referral


def _closes_within(status: OpeningStatus, now: datetime, window: timedelta) -> bool:
    return bool(status.open_now and status.closes_at is not None and status.closes_at - now <= window)


# --- Bank holidays --------------------------------------------------------------------------------------------

_BANK_HOLIDAY_OPEN = re.compile(
    r"(open|opening|available)\b[^.;]*\bbank\s+holidays?|including\s+bank\s+holidays?|bank\s+holidays?\s+included",
    re.IGNORECASE,
)
_BANK_HOLIDAY_CLOSED = re.compile(r"closed?\b[^.;]*\bbank\s+holidays?|except\s+bank\s+holidays?", re.IGNORECASE)
_UNCERTAIN = re.compile(r"\bnot\b|unknown|unconfirmed|may\b|check", re.IGNORECASE)


def _schedule_rows(service: ServiceRecord) -> list:
    return list(schedule_rows(service))


def _bank_holiday_info(service: ServiceRecord) -> str | None:
    """What the schedule says about bank holidays: "closed", "open", or None when it says nothing certain
    ("Bank holiday hours not confirmed" is nothing certain)."""
    said = None
    for row in _schedule_rows(service):
        if row.closes_on_bank_holidays:
            return "closed"
        text = " ".join(filter(None, (row.notes, row.description)))
        if not text or _UNCERTAIN.search(text):
            continue
        if _BANK_HOLIDAY_CLOSED.search(text):
            return "closed"
        if _BANK_HOLIDAY_OPEN.search(text):
            said = "open"
    return said


def _opening(service: ServiceRecord, now: datetime, statuses: dict | None = None) -> tuple[OpeningStatus, str | None]:
    """The opening status at ``now`` and, on a bank holiday the schedule is silent on, a note saying so.

    The hours engine's rules are not changed: the status is the one it gives when the rows are read as closing on
    bank holidays (so the service is never claimed open today, and "next opens" is the next working day), and the
    note says what is usual: "Usually open Monday to Friday 9am to 5pm; today is a bank holiday, so it may be
    closed"."""
    rules = service.rules
    if statuses is None:
        status = opening_status(rules, now)
    else:  # one search asks once per set of hours (records share one tuple for equal rules, see snapshot.py)
        status = statuses.get(id(rules))
        if status is None:
            status = statuses[id(rules)] = opening_status(rules, now)
    if not rules or status.always_open or not is_bank_holiday(now.date()):
        return status, None
    said = _bank_holiday_info(service)
    if said == "open":
        return status, None
    if statuses is None:
        return _on_bank_holiday(rules, said, status, now)
    key = ("bank holiday", id(rules), said)
    if key not in statuses:
        statuses[key] = _on_bank_holiday(rules, said, status, now)
    return statuses[key]


def _on_bank_holiday(
    rules: Sequence[WeeklyHours], said: str | None, status: OpeningStatus, now: datetime
) -> tuple[OpeningStatus, str | None]:
    """:func:`_opening` on a bank holiday the schedule does not say it opens on (``said``: "closed" or None)."""
    rules = list(rules)
    cautious_rules = [replace(rule, closes_on_bank_holidays=True) for rule in rules]
    cautious = opening_status(cautious_rules, now)
    if cautious == status:
        return status, None  # the holiday makes no difference now (it does not open today anyway)
    usual = describe_rules(rules)
    if said == "closed":
        return cautious, f"Closed today (bank holiday). Usually open {usual}"
    return cautious, f"Usually open {usual}; today is a bank holiday, so it may be closed"


def _place_names(service: ServiceRecord) -> list[tuple[str, str]]:
    """(normalised name, what it is) for every place the service names: towns, counties, areas, districts."""
    return list(service.places)


def _first_address(service: ServiceRecord) -> tuple[str | None, str | None]:
    """(one-line address, town) of the first physical address."""
    return service.first_address


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


@dataclass(slots=True)
class _Candidate:
    service: ServiceRecord
    fit: Fit
    status: OpeningStatus
    proximity: int = 0  # IN_PLACE, COVERS_AREA, ELSEWHERE_IN_AREA; 0: national
    place_reason: str | None = None
    hours_note: str | None = None
    #: The ranking's verdict once scored (knowledge.ranking.model.Scored).
    scored: Scored | None = None
    #: "you" (support for a worried family member) or "them" (help for the person they worry about), or None.
    for_whom: str | None = None
    #: A local candidate: the need and age it is judged against, and its verdict among the local options (the
    #: same as ``scored`` unless it is also chosen out of hours, where it is judged against the person's needs).
    judged: tuple[Need, int | None] | None = None
    ranked: Scored | None = None

    #: Fits to needs outside the catalogue (made when first asked; catalogue needs are kept on the record).
    _fits: dict | None = field(default=None, repr=False)

    def fit_for(self, need: Need, *, text_only: bool = False) -> Fit:
        key = (need.code, text_only)
        # A catalogue need: the record keeps the answer for every search.
        fits = self.service.fits if NEEDS.get(need.code) is need else self._fits
        if fits is None:
            fits = self._fits = {}
        fit = fits.get(key)
        if fit is None:
            fit = fits[key] = _fit(self.service, need, text_only=text_only)
        return fit

    @property
    def contacts(self) -> tuple[Contact, ...]:
        return _contacts(self.service)

    @property
    def groups(self) -> frozenset[str]:
        return _groups(self.service)

    @property
    def verified(self) -> bool:
        return bool(self.service.source) and bool(self.contacts)

    @property
    def contactable(self) -> bool:
        return _has_way_to_contact(self.service)

    def facts(self, need: Need, person_groups: frozenset[str], age: int | None, substance: str | None,
              now: datetime, wants_open_now: bool = False) -> Facts:
        """What the ranking needs to know, for this need and person."""
        low, high = _age_limits(self.service)
        return Facts(
            key=self.service.id,
            name=self.service.name,
            fit=int(self.fit_for(need)),
            need_reason=need.reason,
            groups=self.groups,
            person_groups=person_groups,
            minimum_age=low,
            maximum_age=high,
            person_age=age,
            proximity=self.proximity,
            availability=availability(self.status, now, bank_holiday_unknown=self.hours_note is not None),
            names_substance=_names_substance(self.service, substance),
            contactable=self.contactable,
            by_referral=_by_referral_only(self.service),
            has_place=not self.service.is_national and _first_address(self.service)[0] is not None,
            closing_soon=_closes_within(self.status, now, timedelta(hours=1)),
            has_contact=self.verified and self.service.has_direct_contact,
            crisis_line=bool(self.service.is_crisis_line),
            wants_open_now=wants_open_now,
            online_only=self.online_only,
            specialist=self.service.specialist,
            breadth=self.breadth,
            for_writer=self.for_whom == "you",
            collected_in_person=need.collected_in_person,
        )

    @property
    def breadth(self) -> int:
        """How many catalogue needs its identity is for: the fewer, the more it is made for the one asked about.
        The same in every search, so the record keeps it."""
        fits = self.service.fits
        if "breadth" not in fits:
            fits["breadth"] = sum(1 for code in _BREADTH_NEEDS if self.fit_for(NEEDS[code]) == Fit.TAXONOMY)
        return fits["breadth"]

    @property
    def online_only(self) -> bool:
        """Reached only through a website: no phone or text line and nowhere to go in person (kept by the record)."""
        fits = self.service.fits
        if "online_only" not in fits:
            kinds = {contact.kind for contact in self.service.contacts}
            fits["online_only"] = (
                "web" in kinds and kinds <= {"web", "email"} and _first_address(self.service)[0] is None
            )
        return fits["online_only"]

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
        time_reason = "may be closed today (bank holiday)" if self.hours_note else _time_reason(self.status)
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
            score=self.scored.score if self.scored else 0,
            ranking=self.scored.reasons if self.scored else (),
            hours_note=self.hours_note,
            for_whom=self.for_whom,
        )


# --- Ranking the local options --------------------------------------------------------------------------------

#: A need, time and opening status that stand for "any", to read what a record alone puts in its Facts.
_ANY_TIME = datetime(2000, 1, 12, 12, 0, tzinfo=LONDON)
_NO_STATUS = OpeningStatus(known=False, open_now=False, always_open=False, closes_at=None, next_opens_at=None)
#: The needs a service's breadth is counted over (not the catch-alls, nor the child-writer variant of family help).
_BREADTH_NEEDS = tuple(code for code in NEEDS if code not in ("general", "out_of_hours", "young_family"))

#: The Facts fields that are not the service's identity (its id and name only break ties).
_PROFILE_FIELDS = tuple(f.name for f in fields(Facts) if f.name not in ("key", "name"))


def _profile(snapshot: DirectorySnapshot, service: ServiceRecord) -> int:
    """A number shared by services that put the same into their Facts (knowledge.ranking.model) apart from their
    id and name and what the search decides (fit to its need, closeness, hours, the person's substance). Read off
    the Facts themselves, built the one way at a fixed need, time and person, so whatever a record brings to them,
    in any factor added later too, is in it. Kept per snapshot."""
    profiles = snapshot.memo.setdefault("profiles", {})
    number = profiles.get(service.id)
    if number is None:
        facts = _Candidate(service=service, fit=Fit.NONE, status=_NO_STATUS).facts(
            GENERAL, frozenset(), None, None, _ANY_TIME
        )
        numbers = snapshot.memo.setdefault("profile_numbers", {})
        values = tuple(getattr(facts, name) for name in _PROFILE_FIELDS)
        number = profiles[service.id] = numbers.setdefault(values, len(numbers))
    return number


class _LocalRanking:
    """The offered local candidates in the ranking's order (:func:`knowledge.ranking.model.order_key`), worked out
    only as far as they are read.

    Candidates with the same ``alike`` key have the same Facts but for their id and name, so the same verdict and
    score; among themselves, already in name order, they keep that order (the model breaks ties by name, then id).
    One of each kind is scored to know whether the kind is offered; the best ``n`` are a merge of the kinds, which
    scores only the candidates taken and the next of each kind. A search with ~900 local candidates thus scores a
    few dozen for its first answer, and "more options" scores the rest when it is read. With ``alike=id`` every
    candidate is its own kind: each is scored, as a plain sort would (tests compare the two).
    """

    def __init__(self, candidates: Sequence[_Candidate], alike: Callable[[_Candidate], object],
                 rank: Callable[[_Candidate], Scored]) -> None:
        kinds: dict[object, list[_Candidate]] = {}
        for c in candidates:
            kinds.setdefault(alike(c), []).append(c)
        self._rank = rank
        self._offered: list[list[_Candidate]] = []
        #: Candidates not offered because there is no way to contact them.
        self.uncontactable = 0
        for members in kinds.values():
            verdict = rank(members[0])
            if verdict.offered:
                self._offered.append(members)
            elif verdict.excluded == NO_CONTACT:
                self.uncontactable += len(members)
        self.count = sum(len(members) for members in self._offered)
        self.any_open = any(members[0].status.open_now for members in self._offered)

    def best(self, n: int, where: Callable[[_Candidate], bool] | None = None) -> list[_Candidate]:
        """The best ``n`` offered candidates, in order (only kinds whose candidates meet ``where``)."""
        heap = [
            (order_key(self._rank(members[0])), i, 0)
            for i, members in enumerate(self._offered)
            if where is None or where(members[0])
        ]
        heapq.heapify(heap)
        taken: list[_Candidate] = []
        while heap and len(taken) < n:
            _key, i, j = heapq.heappop(heap)
            members = self._offered[i]
            taken.append(members[j])
            if j + 1 < len(members):
                heapq.heappush(heap, (order_key(self._rank(members[j + 1])), i, j + 1))
        return taken


class LaterOptions(SequenceABC):
    """``SearchResult.more``: a sequence of matches worked out the first time it is read (most answers never
    read it: it holds every further local option, hundreds in a county). Equal to a tuple of the same matches.
    ``known_some``: it is known to hold something, so ``bool()`` need not work it out."""

    __slots__ = ("_make", "_items", "_known_some")

    def __init__(self, make: Callable[[], Sequence[Match]], known_some: bool = False) -> None:
        self._make: Callable[[], Sequence[Match]] | None = make
        self._items: tuple[Match, ...] | None = None
        self._known_some = known_some

    def _all(self) -> tuple[Match, ...]:
        if self._items is None:
            assert self._make is not None
            self._items, self._make = tuple(self._make()), None
        return self._items

    def __len__(self) -> int:
        return len(self._all())

    def __getitem__(self, index):
        return self._all()[index]

    def __iter__(self) -> Iterator[Match]:
        return iter(self._all())

    def __bool__(self) -> bool:
        return self._known_some or bool(self._all())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (tuple, LaterOptions)):
            return self._all() == tuple(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._all())

    def __repr__(self) -> str:
        return repr(self._all())


# --- Out of hours ---------------------------------------------------------------------------------------------


def _voice_first(candidate: _Candidate) -> int:
    return 0 if any(c.kind == "phone" for c in candidate.contacts) else 1


#: Needs whose national lines are specific enough to offer even when their hours are not known (Childline for a
#: young person, Shelter for somewhere to stay, a family helpline). For drink or drugs in general many lines carry
#: the same tag, and a line of unknown hours at 2am is a poor signpost, so those needs rely on open lines.
_UNKNOWN_HOURS_NEEDS = frozenset(
    {"young_people", "young_family", "housing", "family", "criminal_justice", "peer_support"}
)
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
            c.breadth,  # made for this (Samaritans) before a line for everything (NHS 111)
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
        chosen = chosen[:FOR_LATER]
        # Lines made for exactly a specific need (Childline and Nacoa for a young person, Shelter for somewhere to
        # stay) are offered even when their hours are not confirmed.
        for need in needs:
            if need.code in _UNKNOWN_HOURS_NEEDS:
                for c in sorted((c for c in others if not c.status.known and c.fit_for(need) >= Fit.TEXT),
                                key=lambda c: (-int(c.fit_for(need)), _voice_first(c), c.service.name)):
                    take(c, need)
        return chosen

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
    def open_lines_for(need: Need) -> None:
        open_lines = [c for c in others if c.status.open_now and c.fit_for(need) >= Fit.TEXT]
        for c in sorted(open_lines, key=lambda c: (-int(c.fit_for(need)), _voice_first(c), c.breadth, c.service.name)):
            if len(chosen) >= OUT_OF_HOURS_LEAD - 1:
                break
            take(c, need)

    for need in needs:
        open_lines_for(need)
    # 4. For specific needs, one line that fits but whose hours we do not know (Childline for a 15-year-old comes
    # before drug and alcohol lines in general); room is kept for a crisis line.
    for need in needs:
        if need.code not in _UNKNOWN_HOURS_NEEDS or len(chosen) >= OUT_OF_HOURS_LEAD - 1:
            continue
        unknown = [c for c in others if not c.status.known and c.fit_for(need) >= Fit.TEXT]
        unknown.sort(
            key=lambda c: (-int(c.fit_for(need)), -int(c.fit_for(need, text_only=True)), _voice_first(c), c.service.name)
        )
        for c in unknown:
            if take(c, need):
                break
    open_lines_for(GENERAL)
    # 5. The first crisis line as the safety net, then more crisis lines.
    for c in crisis:
        if len(chosen) >= OUT_OF_HOURS_LEAD or take(c, None):
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
    snapshot: DirectorySnapshot | None = None,
    group_alike: bool = True,
) -> SearchResult:
    """Search the directory; see the module docstring for the rules.

    ``snapshot`` (or one held by ``session``, see :func:`knowledge.search.snapshot.hold`) is the directory in
    memory: the search then reads nothing from the database. Without one, the national lines and the area's
    services are loaded for this search alone.
    ``area_index`` lets a caller that already holds one skip rebuilding it (it tells which towns lie in a county);
    a snapshot carries its own.
    An area of kind ``"unknown"`` (a place we could not resolve) has no local services. ``limit`` caps ``local``.
    ``group_alike=False`` scores every local candidate on its own instead of one of each kind (see
    :class:`_LocalRanking`): the same answer, more slowly; the tests compare the two.
    """
    now = _require_aware(now)
    young_writer = person.young_writer
    for_someone_else = person.for_whom == "someone_else" and not young_writer
    help_need = need
    if young_writer:
        help_need = YOUNG_FAMILY
    elif for_someone_else and need.code == FAMILY.code:
        help_need = need_for_substance(person.substance)
    # Whose age the help must suit: the writer's own when a young person writes about someone at home.
    age = person.writer_age if young_writer else person.age
    if not young_writer and age is not None and age < 18 and help_need.code in _YOUNG_PERSON_NEEDS:
        help_need = YOUNG_PEOPLE  # a 15-year-old who drinks: help for young people, not adult treatment
    family_age = person.writer_age if person.writer_age is not None else _family_member_age(person)
    groups = person_groups(
        YOUNG_FAMILY.code if young_writer else need.code,
        age=age,
        writer_age=person.writer_age,
        for_whom=person.for_whom,
        stated=person.groups,
    )
    wants_open = person.wants_open_now or need.code == OUT_OF_HOURS.code

    statuses: dict = {}

    def candidate(service: ServiceRecord, fit_need: Need, proximity: int = 0, place: str | None = None) -> _Candidate:
        status, note = _opening(service, now, statuses)
        c = _Candidate(service, Fit.NONE, status, proximity, place, note)
        c.fit = c.fit_for(fit_need)
        return c

    substance = None if young_writer else person.substance
    substance_named = bool(_substance_words(substance))

    def verdict(c: _Candidate, fit_need: Need, judged_age: int | None) -> Scored:
        return score(c.facts(fit_need, groups, judged_age, substance, now, wants_open))

    def judge(c: _Candidate, fit_need: Need, judged_age: int | None) -> None:
        c.scored = verdict(c, fit_need, judged_age)

    def rank(c: _Candidate) -> Scored:
        """The local verdict (once); an out-of-hours choice judged before it keeps that verdict for its match."""
        if c.ranked is None:
            c.ranked = verdict(c, *c.judged)
            if c.scored is None:
                c.scored = c.ranked
        return c.ranked

    def alike(c: _Candidate) -> tuple:
        """Equal for candidates whose Facts differ only in id and name (see :func:`_profile`)."""
        fit_need, judged_age = c.judged
        return (
            _profile(snapshot, c.service), id(fit_need), judged_age, c.for_whom, c.fit_for(fit_need), c.proximity,
            id(c.status), c.hours_note, substance_named and _names_substance(c.service, substance),
        )

    snapshot = snapshot or held_snapshot(session)
    index = area_index or (snapshot.area_index if snapshot is not None else None)
    scope = None
    if area is not None and area.kind != "unknown":
        scope = area_scope(area, index or AreaIndex.build(session))
    if snapshot is None:
        snapshot = _snapshot_for_one_search(session, scope)
    national = [candidate(s, help_need) for s in snapshot.national if _is_signpost(s)]

    # Local services in the area (and in places inside it, and services covering the areas containing it).
    local_all: list[_Candidate] = []
    if scope is not None:
        local_all = [candidate(s, help_need, p, place) for s, p, place in local_services(snapshot, scope)]

    named_substance = need_for_substance(person.substance) if person.substance and not young_writer else GENERAL

    def fits_named_substance(c: _Candidate) -> bool:
        """A service that fits only as drug or alcohol help in general must fit the substance the person named:
        someone out of prison asking about heroin is not helped by an alcohol-only advice service."""
        if named_substance is GENERAL or c.fit > Fit.RELATED_TAXONOMY:
            return True
        return c.fit_for(named_substance) > Fit.NONE

    # Local candidates: help for the need; for someone else, also support for the family member themself.
    local_candidates: list[_Candidate] = []
    for c in local_all:
        judged_age, fit_need = age, help_need
        if for_someone_else and c.fit_for(FAMILY) >= Fit.TEXT and "family" in c.groups:
            c.fit, c.for_whom, judged_age, fit_need = c.fit_for(FAMILY), "you", family_age, FAMILY
        elif for_someone_else:
            c.for_whom = "them"
        if c.fit == Fit.NONE or (young_writer and c.fit < Fit.TEXT):
            continue
        if not _age_allows(c.service, judged_age) or (c.for_whom != "you" and not fits_named_substance(c)):
            continue
        c.judged = (fit_need, judged_age)
        local_candidates.append(c)
    ranking = _LocalRanking(local_candidates, alike if group_alike else id, rank)
    uncontactable = ranking.uncontactable
    local_top = ranking.best(limit)
    any_local_open = ranking.any_open
    shown = {c.service.id for c in local_top}

    # Out-of-hours options: for the person themself; for a family member, family lines first.
    if for_someone_else:
        ooh_needs: list[Need] = [FAMILY, help_need]
        national_pool = [
            c for c in national
            if _age_allows(c.service, person.age)
            or (c.fit_for(FAMILY) >= Fit.TEXT and _age_allows(c.service, family_age))
        ]
    else:
        ooh_needs = [help_need]
        national_pool = [c for c in national if _age_allows(c.service, age)]
    local_pool = [
        c for c in local_all
        if c.service.id not in shown
        and _age_allows(c.service, age)
        and not (c.groups - groups)
        and c.contactable
    ]
    chosen_ooh = _out_of_hours(local_pool, national_pool, ooh_needs, any_local_open)
    for c, _taken_for in chosen_ooh:
        # Judged against the person's own need(s), not the broader need a line was taken for.
        judge(c, max(ooh_needs, key=lambda n: int(c.fit_for(n))), age)
    out_of_hours = [c.match(n) for c, n in chosen_ooh]
    if not any(m.has_verified_contact for m in out_of_hours):
        names = {m.name for m in out_of_hours}
        out_of_hours.extend(m for m in SAFETY_NET if m.name not in names)

    # Support for the family member themself: local family services not already shown, then family lines.
    for_family: list[Match] = []
    if for_someone_else:
        taken_ids = shown | {m.service_id for m in out_of_hours}
        taken_orgs = {c.organisation_key for c in national if c.service.id in taken_ids}
        # At most ``limit`` of the best family services for the family member are shown already.
        family_best = ranking.best(limit + 2, lambda c: c.for_whom == "you")
        family_local = [c for c in family_best if c.service.id not in shown]
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
        chosen: list[_Candidate] = family_local[:2]
        for c in family_lines:
            if c.organisation_key not in taken_orgs:
                taken_orgs.add(c.organisation_key)
                c.for_whom = "you"
                chosen.append(c)
        for_family = [c.match(FAMILY) for c in chosen[:FOR_FAMILY]]

    local = [c.match(FAMILY if c.for_whom == "you" else help_need) for c in local_top]

    def later_local() -> list[Match]:
        return [c.match(help_need) for c in ranking.best(ranking.count)[limit:]]

    first, more = _first_answer(local, out_of_hours, for_family, later_local, max(0, ranking.count - limit))
    return SearchResult(
        need=need,
        area=area,
        now=now,
        local=tuple(local),
        out_of_hours=tuple(out_of_hours),
        any_local_open=any_local_open,
        for_family=tuple(for_family),
        person=person,
        help_need=help_need,
        area_has_services=bool(local_all),
        first=first,
        more=more,
        uncontactable_local=uncontactable,
    )


#: Needs that, for someone under 18, mean help for young people.
_YOUNG_PERSON_NEEDS = frozenset({"alcohol", "drugs", "general", "cut_down", "out_of_hours"})

#: The first answer shows at most this many local options, and this many out-of-hours ones after open local ones.
FIRST_LOCAL = 3
FIRST_OUT_OF_HOURS_AFTER_LOCAL = 2
FIRST_OUT_OF_HOURS_LEADING = 3


def _first_answer(
    local: Sequence[Match],
    out_of_hours: Sequence[Match],
    for_family: Sequence[Match],
    later_local: Callable[[], Sequence[Match]],
    later_count: int,
) -> tuple[tuple[Match, ...], LaterOptions]:
    """(first answer, more options) in reading order.

    At most three local options and the out-of-hours options open at that moment (up to three when nothing local
    is open, which then include lines whose hours we do not know), all in one order by score.
    A family member also sees one line for themself when no local family support is among them.
    ``later_local`` gives the ``later_count`` further local options, called only when "more options" is read.
    """
    top_local = list(local[:FIRST_LOCAL])
    by_score = sorted(out_of_hours, key=lambda m: -m.score)  # stable: the selection order breaks ties
    if any(m.status.open_now for m in top_local):
        # Lines open now, and lines made for exactly this need whose hours we do not know (Childline for a child).
        lines = [m for m in by_score if m.status.open_now or (not m.status.known and m.fit >= Fit.TEXT)]
        lines = lines[:FIRST_OUT_OF_HOURS_AFTER_LOCAL]
    else:
        lines = by_score[:FIRST_OUT_OF_HOURS_LEADING]
    # One order by score: a national line for exactly this need, open now, beats a local service that only
    # relates to it; ties keep local first.
    first = sorted(top_local + lines, key=lambda m: (-m.score, m.is_national))
    if for_family and not any(m.for_whom == "you" for m in first):
        first.append(for_family[0])
    first_ids = {m.service_id for m in first}

    def rest() -> list[Match]:
        seen = set(first_ids)
        options: list[Match] = []
        for m in [*local[FIRST_LOCAL:], *later_local(), *by_score, *for_family]:
            if m.service_id not in seen:
                seen.add(m.service_id)
                options.append(m)
        return options

    # Something is left for "more options" if a shown-later match is not in the first answer, or if there are more
    # later local options than the first answer has places.
    known_some = later_count > len(first_ids) or any(
        m.service_id not in first_ids for m in [*local[FIRST_LOCAL:], *by_score, *for_family]
    )
    return tuple(first), LaterOptions(rest, known_some)


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

# Name matching (query words, typos, partial names) lives in knowledge/search/names.py, shared with the hours
# answer for named services (which also finds services that have closed).


def find_service_by_name(
    session: Session, name: str, *, now: datetime | None = None, limit: int = 5
) -> list[Match]:
    """Active services whose name (or alternate or organisation name) is like ``name``, best first.

    Forgives filler ("when is frank open"), case and small typos ("samaratins"). Empty if nothing is close.
    """
    now = _require_aware(now) if now is not None else datetime.now(LONDON)
    query_tokens = query_words(name)
    if not query_tokens:
        return []
    rows = session.execute(
        _active(select(Service.id, Service.name, Service.alternate_name, Service.organization_id))
    ).all()
    from knowledge.store.models import Organization

    org_names = dict(session.execute(select(Organization.id, Organization.name)).all())
    scored: list[tuple[float, str, str]] = []
    for service_id, service_name, alternate, organisation_id in rows:
        score = max(
            name_score(query_tokens, candidate)
            for candidate in (service_name, alternate or "", org_names.get(organisation_id) or "")
        )
        # An organisation-name match is weaker than the service's own name.
        own = max(name_score(query_tokens, c) for c in (service_name, alternate or ""))
        score = own if own >= score else score * 0.9
        if score >= MATCH_THRESHOLD:
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
        record = record_of(service)
        c = _Candidate(service=record, fit=Fit.NONE, status=opening_status(_rules(record), now))
        matches.append(c.match(None))
    return matches


def services_by_id(session: Session, ids: Sequence[str], *, now: datetime) -> list[Match]:
    """The active services with these ids, in the order given (ids no longer active are left out).

    For answers about services already offered in this conversation (a plan to keep, a call-back): the
    conversation keeps only ids, and every fact is read fresh from the directory: from the snapshot ``session``
    holds (the current directory version, see :func:`knowledge.search.snapshot.hold`), else from the database.
    """
    now = _require_aware(now)
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return []
    snapshot = held_snapshot(session)
    if snapshot is not None:  # the directory version this unit of work reads (its active services only)
        records = {i: snapshot.services[i] for i in wanted if i in snapshot.services}
    else:
        stmt = _active(select(Service)).where(Service.id.in_(wanted)).options(*_EAGER)
        records = {service.id: record_of(service) for service in session.execute(stmt).scalars().unique()}
    matches = []
    for service_id in wanted:
        record = records.get(service_id)
        if record is not None:
            c = _Candidate(service=record, fit=Fit.NONE, status=opening_status(_rules(record), now))
            matches.append(c.match(None))
    return matches
