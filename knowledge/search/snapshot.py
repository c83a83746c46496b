"""The directory held in memory for search: plain immutable records, built once per directory version.

Why: a search over 10,000 services used to load every candidate with its phones, schedules, areas, locations,
addresses and taxonomy terms as ORM objects (hundreds for a town) and reload the same national lines every time,
taking seconds. A :class:`DirectorySnapshot` is read once, in one consistent transaction, when the directory's
fingerprint changes (an import, a sync); a search then filters and ranks records without touching the database.

A record carries what search needs and what can be worked out once: the opening-hours rules (read with
:func:`knowledge.hours.stored.rule_from_stored`, the one reading of a stored schedule), the text a service offers,
its identity text, age limits, place names and first address. Records have the attribute names of the
:class:`~knowledge.store.models.Service` model, so the search code reads one or the other the same way.

A snapshot is never changed after it is built: a search that holds one sees one directory version throughout,
however the directory changes meanwhile.
"""
from __future__ import annotations

import gc
import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Iterable, Mapping, Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from knowledge.hours.engine import HoursError, WeeklyHours
from knowledge.hours.stored import rule_from_stored
from knowledge.needs.catalogue import GENERAL, normalise_text
from knowledge.places.areas import AreaIndex, directory_fingerprint, postcode_district
from knowledge.ranking.groups import service_groups
from knowledge.ranking.offers import offered_text
from knowledge.store.models import (
    Address,
    Attribute,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    TaxonomyTerm,
)

__all__ = ["ServiceRecord", "DirectorySnapshot", "record_of", "snapshot_fingerprint", "EAGER", "hold", "held_snapshot"]

#: How the ORM loads a service with everything search reads (one query per relationship, not per service).
EAGER = (
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


#: Numbers that are not signposts: emergencies (handled by the safety layer) and reporting crime.
NOT_SIGNPOSTS = frozenset({"999", "112", "101"})


@dataclass(frozen=True)
class Contact:
    kind: str  # "phone" | "text" | "web" | "email"
    value: str
    label: str | None = None


# --- Records ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NamedRecord:
    """An organisation, taxonomy term or service area: search reads only its name."""

    name: str | None


@dataclass(frozen=True, slots=True)
class PhoneRecord:
    number: str | None
    type: str | None
    extension: str | None
    description: str | None


@dataclass(frozen=True, slots=True)
class ScheduleRecord:
    opens_at: object
    closes_at: object
    byday: str | None
    bymonthday: str | None
    valid_from: date | None
    valid_to: date | None
    closes_on_bank_holidays: bool
    freq: str | None
    interval: int | None
    dtstart: date | None
    until: date | None
    notes: str | None
    description: str | None


@dataclass(frozen=True, slots=True)
class AddressRecord:
    address_1: str | None
    address_2: str | None
    city: str | None
    state_province: str | None
    postal_code: str | None


@dataclass(frozen=True, slots=True)
class LocationRecord:
    location_type: str | None
    addresses: tuple[AddressRecord, ...]


@dataclass(frozen=True, slots=True)
class SiteRecord:
    """A service at a location, with the location's own schedules."""

    location: LocationRecord
    schedules: tuple[ScheduleRecord, ...]


@dataclass(frozen=True, slots=True)
class ServiceRecord:
    """One active service as search sees it (attribute names as on the ``Service`` model), plus facts worked
    out once: ``rules``, ``offers``, ``identity``, ``identity_text``, ``age_limits``, ``places``, ``first_address``."""

    id: str
    name: str
    alternate_name: str | None
    organization: NamedRecord | None
    description: str | None
    eligibility_description: str | None
    application_process: str | None
    status: str
    is_national: bool
    is_crisis_line: bool
    minimum_age: int | None
    maximum_age: int | None
    url: str | None
    email: str | None
    source: str | None
    assured_date: date | None
    taxonomy_terms: tuple[NamedRecord, ...]
    phones: tuple[PhoneRecord, ...]
    schedules: tuple[ScheduleRecord, ...]
    service_areas: tuple[NamedRecord, ...]
    service_at_locations: tuple[SiteRecord, ...]
    # Worked out once (see the class docstring).
    rules: tuple[WeeklyHours, ...]
    offers: str
    identity: tuple[str, ...]
    identity_text: str
    age_limits: tuple[int | None, int | None]
    #: (normalised name, what it is: "area", "town", "county" or "district") for every place the service names.
    places: tuple[tuple[str, str], ...]
    #: (one-line address, town) of the first physical address, or (None, None).
    first_address: tuple[str | None, str | None]
    #: What it offers, normalised; and its identity followed by what it offers, normalised (for a fit by words).
    offers_text: str
    identity_offers_text: str
    #: Special groups it is for (knowledge.ranking.groups); national lines by their ages only.
    groups: frozenset[str]
    #: It takes people only when another service refers them.
    by_referral: bool
    #: Only what the record holds: phones (no fax or pager), text, web, email.
    contacts: tuple[Contact, ...]
    #: False for a line whose only numbers are emergencies or 101 (not a signpost).
    signpost: bool
    #: A phone, text or web contact (an email alone is not enough at 2am).
    has_direct_contact: bool
    #: Its organisation's name is a drug and alcohol one ("Wendmoor Recovery Partnership", not "Dunmere Surgery").
    specialist: bool = False
    #: How well it fits each catalogue need, and other answers searches work out per record (breadth, online only),
    #: filled in as they ask (the same answer in every search).
    fits: dict = field(default_factory=dict, compare=False, hash=False, repr=False)


def _schedule(row: Schedule) -> ScheduleRecord:
    return ScheduleRecord(
        opens_at=row.opens_at, closes_at=row.closes_at, byday=row.byday, bymonthday=row.bymonthday,
        valid_from=row.valid_from, valid_to=row.valid_to, closes_on_bank_holidays=bool(row.closes_on_bank_holidays),
        freq=row.freq, interval=row.interval, dtstart=row.dtstart, until=row.until, notes=row.notes,
        description=row.description,
    )


def schedule_rows(service) -> Sequence:
    """The service's own schedule rows; its locations' rows stand in when it has none."""
    rows = list(service.schedules)
    return rows or [row for site in service.service_at_locations for row in site.schedules]


_RULE_FIELDS = ("opens_at", "closes_at", "byday", "bymonthday", "valid_from", "valid_to", "closes_on_bank_holidays",
                "freq", "interval", "dtstart", "until")


@lru_cache(maxsize=4096)
def _rule(values: tuple) -> WeeklyHours | None:
    """The rule for one row's rule fields (many rows repeat: "Monday to Friday 9 to 5"); None if it cannot be
    followed."""
    try:
        return rule_from_stored(dict(zip(_RULE_FIELDS, values)))
    except HoursError:
        return None


def rules_of(rows: Iterable) -> tuple[WeeklyHours, ...]:
    """Stored schedule rows as hours rules, read the one way (``rule_from_stored``: month days and ordinal days
    included). A row with no times, or one the engine cannot follow, is left out: it must not hide the service."""
    rules = []
    for row in rows:
        if row.opens_at is None or row.closes_at is None:
            continue
        rule = _rule(tuple(getattr(row, name) for name in _RULE_FIELDS))
        if rule is not None:
            rules.append(rule)
    return tuple(rules)


@lru_cache(maxsize=8192)
def _normalised(text: str | None) -> str:
    """:func:`normalise_text`, remembered for the place names and words that repeat across a directory."""
    return normalise_text(text)


_ADULTS_ONLY = re.compile(
    r"\b(?:(18|16|21|25)\s*\+|(?:aged|age|ages)\s*(18|16|21|25)\s*(?:and|or)\s*(?:over|above|older)"
    r"|over\s*(18|16|21|25)s?\b|adults?\s+only)"
)
_UNDER = re.compile(r"\bunder\s*(1[0-9]|2[0-5])s?\b")


def age_limits(minimum: int | None, maximum: int | None, eligibility: str | None) -> tuple[int | None, int | None]:
    """HSDS minimum/maximum age, or (when both are empty) limits plainly written in the eligibility text."""
    if minimum is not None or maximum is not None:
        return minimum, maximum
    text = (eligibility or "").lower()
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


_REFERRAL_ONLY = re.compile(r"\bby referral\b|\breferral only\b|\bmust be referred\b|\breferred by\b", re.I)


def _places(areas: Sequence[NamedRecord], sites: Sequence[SiteRecord]) -> tuple[tuple[str, str], ...]:
    places: list[tuple[str, str]] = [(_normalised(area.name), "area") for area in areas]
    for site in sites:
        for address in site.location.addresses:
            town = _normalised(address.city)
            if town:  # an address kept without its town places the service by its postcode alone
                places.append((town, "town"))
            if address.state_province:
                places.append((_normalised(address.state_province), "county"))
            district = postcode_district(address.postal_code)
            if district:
                places.append((district.lower(), "district"))
    return tuple(places)


def _first_address(sites: Sequence[SiteRecord]) -> tuple[str | None, str | None]:
    """(one-line address, town) of the first address with a street or postcode. A town alone (what is kept of a
    place whose exact address is hidden) is not somewhere to go: it places the service but is never shown as one."""
    town_only = None
    for site in sites:
        if site.location.location_type == "virtual":
            continue
        for address in site.location.addresses:
            street = [p.strip() for p in (address.address_1, address.address_2) if p and p.strip()]
            postcode = (address.postal_code or "").strip()
            if not street and not postcode:
                town_only = town_only or address.city
                continue
            town = [address.city.strip()] if address.city and address.city.strip() else []
            return f"{', '.join(street + town)} {postcode}".strip(), address.city
    return None, town_only or None


def _contacts(phones: Sequence[PhoneRecord], url: str | None, email: str | None) -> tuple[Contact, ...]:
    contacts: list[Contact] = []
    for phone in phones:
        number = (phone.number or "").strip()
        if not number:
            continue
        kind = "text" if phone.type == "text" else "phone"
        if phone.type in ("fax", "pager"):
            continue
        if phone.extension:
            number = f"{number} ext. {phone.extension}"
        contacts.append(Contact(kind=kind, value=number, label=(phone.description or None)))
    if url:
        contacts.append(Contact(kind="web", value=url.strip()))
    if email:
        contacts.append(Contact(kind="email", value=email.strip()))
    return tuple(contacts)


def _is_signpost(phones: Sequence[PhoneRecord]) -> bool:
    numbers = {re.sub(r"\s+", "", phone.number or "") for phone in phones}
    return not (numbers and numbers <= NOT_SIGNPOSTS)


def record_of(service: Service, rules_pool: dict | None = None) -> ServiceRecord:
    """The record for one loaded ``Service`` (load it with :data:`EAGER` options to avoid a query per field).

    Records made with one ``rules_pool`` share one tuple for equal hours rules, so a search works out the opening
    status once per set of hours (many services keep the same hours)."""
    organisation = NamedRecord(service.organization.name) if service.organization else None
    terms = tuple(NamedRecord(term.name) for term in service.taxonomy_terms)
    phones = tuple(PhoneRecord(p.number, p.type, p.extension, p.description) for p in service.phones)
    sites = tuple(
        SiteRecord(
            location=LocationRecord(
                location_type=sal.location.location_type,
                addresses=tuple(
                    AddressRecord(a.address_1, a.address_2, a.city, a.state_province, a.postal_code)
                    for a in sal.location.addresses
                ),
            ),
            schedules=tuple(_schedule(row) for row in sal.schedules),
        )
        for sal in service.service_at_locations
    )
    schedules = tuple(_schedule(row) for row in service.schedules)
    areas = tuple(NamedRecord(area.name) for area in service.service_areas)
    return _assemble(service, organisation, terms, phones, schedules, areas, sites, rules_pool)


def _assemble(service, organisation: NamedRecord | None, terms: tuple[NamedRecord, ...],
              phones: tuple[PhoneRecord, ...], schedules: tuple[ScheduleRecord, ...], areas: tuple[NamedRecord, ...],
              sites: tuple[SiteRecord, ...], rules_pool: dict | None) -> ServiceRecord:
    """A record from a service's own columns (``service``: a ``Service`` or a row with the same names) and its
    parts, with the facts worked out once."""
    identity = tuple(
        text for text in (service.name, service.alternate_name, organisation.name if organisation else None,
                          service.eligibility_description) if text
    )
    offers = offered_text(service.description)
    rules = rules_of(schedules or [row for site in sites for row in site.schedules])
    contacts = _contacts(phones, service.url, service.email)
    identity_text = normalise_text(" ; ".join([*(t.name for t in terms), *identity]))
    limits = age_limits(service.minimum_age, service.maximum_age, service.eligibility_description)
    referral_text = " ".join(
        filter(None, (service.description, service.eligibility_description, service.application_process))
    )
    return ServiceRecord(
        id=service.id, name=service.name, alternate_name=service.alternate_name, organization=organisation,
        description=service.description, eligibility_description=service.eligibility_description,
        application_process=service.application_process, status=service.status,
        is_national=bool(service.is_national), is_crisis_line=bool(service.is_crisis_line),
        minimum_age=service.minimum_age, maximum_age=service.maximum_age, url=service.url, email=service.email,
        source=service.source, assured_date=service.assured_date, taxonomy_terms=terms,
        phones=phones,
        schedules=schedules, service_areas=areas, service_at_locations=sites,
        rules=rules if rules_pool is None else rules_pool.setdefault(rules, rules),
        offers=offers,
        identity=identity,
        identity_text=identity_text,
        age_limits=limits,
        places=_places(areas, sites),
        first_address=_first_address(sites),
        offers_text=_normalised(offers),
        identity_offers_text=normalise_text(f"{' ; '.join(identity)} ; {offers}"),
        groups=service_groups("" if service.is_national else identity_text, *limits),
        by_referral=bool(_REFERRAL_ONLY.search(referral_text)),
        contacts=contacts,
        signpost=_is_signpost(phones),
        has_direct_contact=any(c.kind in ("phone", "text", "web") for c in contacts),
        specialist=bool(organisation) and GENERAL.matches(normalise_text(organisation.name)),
    )


def records_of(services: Iterable[Service]) -> list[ServiceRecord]:
    pool: dict = {}
    return [record_of(service, pool) for service in services]


def _grouped(rows, key: int = 0) -> dict:
    """Rows grouped by one column (a foreign key), in the order read, without that column."""
    groups: dict = defaultdict(list)
    for row in rows:
        groups[row[key]].append(row)
    return groups


def read_active_records(session: Session) -> list[ServiceRecord]:
    """Every active service as a record, read table by table as plain rows (one query per table, no ORM objects:
    about ten times faster than loading the models for 10,000 services). The same records as :func:`record_of`
    makes from a loaded ``Service`` (the tests compare them)."""
    columns = (
        Service.id, Service.name, Service.alternate_name, Service.organization_id, Service.description,
        Service.eligibility_description, Service.application_process, Service.status, Service.is_national,
        Service.is_crisis_line, Service.minimum_age, Service.maximum_age, Service.url, Service.email,
        Service.source, Service.assured_date,
    )
    services = session.execute(select(*columns).where(Service.status == "active")).all()
    organisations = dict(session.execute(select(Organization.id, Organization.name)).all())
    phones = _grouped(session.execute(
        select(Phone.service_id, Phone.number, Phone.type, Phone.extension, Phone.description)
        .where(Phone.service_id.is_not(None)).order_by(Phone.service_id, Phone.position)
    ))
    schedule_columns = (
        Schedule.opens_at, Schedule.closes_at, Schedule.byday, Schedule.bymonthday, Schedule.valid_from,
        Schedule.valid_to, Schedule.closes_on_bank_holidays, Schedule.freq, Schedule.interval, Schedule.dtstart,
        Schedule.until, Schedule.notes, Schedule.description,
    )
    own_schedules = _grouped(session.execute(
        select(Schedule.service_id, *schedule_columns)
        .where(Schedule.service_id.is_not(None), Schedule.service_at_location_id.is_(None))
    ))
    site_schedules = _grouped(session.execute(
        select(Schedule.service_at_location_id, *schedule_columns).where(Schedule.service_at_location_id.is_not(None))
    ))
    terms = _grouped(session.execute(
        select(Attribute.link_id, TaxonomyTerm.name).join(TaxonomyTerm, TaxonomyTerm.id == Attribute.taxonomy_term_id)
    ))
    areas = _grouped(session.execute(select(ServiceArea.service_id, ServiceArea.name)))
    location_types = dict(session.execute(select(Location.id, Location.location_type)).all())
    addresses = _grouped(session.execute(
        select(Address.location_id, Address.address_1, Address.address_2, Address.city, Address.state_province,
               Address.postal_code)
    ))
    sites = _grouped(session.execute(
        select(ServiceAtLocation.service_id, ServiceAtLocation.id, ServiceAtLocation.location_id)
    ))

    def schedule(row) -> ScheduleRecord:
        return ScheduleRecord(*row[1:7], bool(row[7]), *row[8:])

    def site(row) -> SiteRecord:
        location = LocationRecord(location_types.get(row.location_id),
                                  tuple(AddressRecord(*a[1:]) for a in addresses.get(row.location_id, ())))
        return SiteRecord(location, tuple(schedule(s) for s in site_schedules.get(row.id, ())))

    pool: dict = {}
    records = []
    for service in services:
        organisation = organisations.get(service.organization_id, _NO_ORGANISATION)
        records.append(_assemble(
            service,
            None if organisation is _NO_ORGANISATION else NamedRecord(organisation),
            tuple(NamedRecord(t.name) for t in terms.get(service.id, ())),
            tuple(PhoneRecord(*p[1:]) for p in phones.get(service.id, ())),
            tuple(schedule(s) for s in own_schedules.get(service.id, ())),
            tuple(NamedRecord(a.name) for a in areas.get(service.id, ())),
            tuple(site(row) for row in sites.get(service.id, ())),
            pool,
        ))
    return records


_NO_ORGANISATION = object()


# --- The snapshot ---------------------------------------------------------------------------------------------


def snapshot_fingerprint(session: Session) -> str:
    """The area index's fingerprint (which counts services and holds the newest ``last_modified``: a sync stamps
    every service it changes or withdraws, an import every record it rewrites) plus what a change to a service's
    parts alone would leave behind: how many phones, schedules and taxonomy links there are, and the highest
    phone number. A few index-only aggregates, checked at most once a second by the action server."""
    # One statement each: SQLite answers a lone count from an index alone, not one inside a larger SELECT.
    parts = tuple(
        session.execute(query).scalar()
        for query in (
            select(func.count()).select_from(Phone),
            select(func.max(Phone.number)),
            select(func.count()).select_from(Schedule),
            select(func.count()).select_from(Attribute),
        )
    )
    raw = f"{directory_fingerprint(session)}|{parts!r}"
    return hashlib.sha1(raw.encode("utf-8")).hexdigest()[:16]


def _compact_postcode(postal_code: str | None) -> str:
    return (postal_code or "").replace(" ", "").upper()


@dataclass(frozen=True)
class DirectorySnapshot:
    """Every active service as a record, the national lines in name order, and an index from normalised place
    name (address town or county, service-area name) and postcode district to the local services there."""

    version: str
    services: Mapping[str, ServiceRecord]
    national: tuple[ServiceRecord, ...]
    by_place: Mapping[str, tuple[str, ...]]
    by_district: Mapping[str, tuple[str, ...]]
    #: The area index read in the same transaction (None for a snapshot of a few services, see ``of``).
    area_index: AreaIndex | None = None
    #: What searches work out once per directory version and keep here (knowledge/search/finder.py: the local
    #: services of an area with their closeness, each record's ranking profile). Never part of the directory.
    memo: dict = field(default_factory=dict, compare=False, hash=False, repr=False)

    @classmethod
    def of(cls, records: Iterable[ServiceRecord], version: str = "",
           area_index: AreaIndex | None = None) -> "DirectorySnapshot":
        """A snapshot of these records (active ones only)."""
        active = sorted((r for r in records if r.status == "active"), key=lambda r: (r.name, r.id))
        by_place: dict[str, dict[str, None]] = {}
        by_district: dict[str, dict[str, None]] = {}
        for record in active:
            if record.is_national:
                continue
            for area in record.service_areas:
                by_place.setdefault(_normalised(area.name), {})[record.id] = None
            for site in record.service_at_locations:
                for address in site.location.addresses:
                    for name in (address.city, address.state_province):
                        if name:
                            by_place.setdefault(_normalised(name), {})[record.id] = None
                    compact = _compact_postcode(address.postal_code)
                    if len(compact) > 3:
                        by_district.setdefault(compact[:-3], {})[record.id] = None
        return cls(
            version=version,
            services={record.id: record for record in active},
            national=tuple(r for r in active if r.is_national),
            by_place={key: tuple(ids) for key, ids in by_place.items() if key},
            by_district={key: tuple(ids) for key, ids in by_district.items()},
            area_index=area_index,
        )

    @classmethod
    def build(cls, session: Session) -> "DirectorySnapshot":
        """Read the whole directory as one version of it, with its fingerprint and area index.

        On PostgreSQL the reads run in a REPEATABLE READ transaction of their own (READ COMMITTED, the default,
        would let an import that commits half way through the reads show through). A SQLite transaction always
        reads one version, so there the reads run in ``session`` itself.
        """
        bind = session.get_bind()
        if bind.dialect.name != "postgresql":
            return cls._read(session)
        with bind.connect() as connection:
            connection = connection.execution_options(isolation_level="REPEATABLE READ")
            with Session(bind=connection, future=True) as own, own.begin():
                return cls._read(own)

    @classmethod
    def _read(cls, session: Session) -> "DirectorySnapshot":
        version = snapshot_fingerprint(session)
        index = AreaIndex.build(session)
        return cls.of(read_active_records(session), version=version, area_index=index)

    def is_current(self, session: Session) -> bool:
        return snapshot_fingerprint(session) == self.version

    def local(self, names: Iterable[str], districts: Iterable[str]) -> list[ServiceRecord]:
        """Active local services that name one of ``names`` (normalised) or lie in one of ``districts`` (upper
        case), in name order."""
        ids: set[str] = set()
        for name in names:
            ids.update(self.by_place.get(name, ()))
        for district in districts:
            ids.update(self.by_district.get(district.upper(), ()))
        return sorted((self.services[i] for i in ids), key=lambda r: (r.name, r.id))


#: Where a unit of work keeps the snapshot it was given, so every search in it reads the same directory version.
SESSION_KEY = "signpost.directory_snapshot"


def hold(session: Session, snapshot: DirectorySnapshot) -> None:
    """Let searches in ``session`` use ``snapshot`` (the action server's directory module does this per turn)."""
    session.info[SESSION_KEY] = snapshot


def held_snapshot(session: Session) -> DirectorySnapshot | None:
    return session.info.get(SESSION_KEY)


def settle_in_memory() -> None:
    """Keep what is alive now (a snapshot just built, the program itself) out of the cyclic garbage collector's
    full scans. A snapshot of 10,000 services is about a million objects; a full collection walks them all (about
    100 ms on this machine), and one fell in the middle of every few searches, making their p95 ten times their p50.
    Frozen objects are still freed by reference counting when the snapshot is replaced (records hold no cycles);
    each call first unfreezes and collects, so cyclic garbage left from before is collected once per directory
    version. The action server calls it after building a snapshot; a library caller may choose not to."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()
