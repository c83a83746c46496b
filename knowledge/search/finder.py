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

from datetime import datetime
from typing import Callable, Sequence

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from knowledge.hours.engine import LONDON, opening_status
from knowledge.needs.catalogue import (
    FAMILY,
    GENERAL,
    OUT_OF_HOURS,
    YOUNG_FAMILY,
    YOUNG_PEOPLE,
    Fit,
    Need,
    need_for_substance,
    normalise_text,
)
from knowledge.places.areas import Area, AreaIndex
from knowledge.ranking.groups import person_groups
from knowledge.ranking.model import Scored, score
from knowledge.search.area_scope import AreaScope, area_scope, local_services
from knowledge.search.candidates import (
    Candidate,
    age_allows,
    is_signpost,
    opening,
    service_rules,
)
from knowledge.search.local_ranking import Asked, LocalRanking, local_plan, open_out_of_hours
from knowledge.search.names import MATCH_THRESHOLD, name_score, query_words
from knowledge.search.out_of_hours import SAFETY_NET, out_of_hours_options, voice_first
from knowledge.search.results import LaterOptions, Match, Person, SearchResult
from knowledge.search.snapshot import (
    EAGER,
    Contact,
    DirectorySnapshot,
    ServiceRecord,
    held_snapshot,
    record_of,
    records_of,
)
from knowledge.store.models import Address, Location, Service, ServiceArea, ServiceAtLocation

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
FOR_FAMILY = 3


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


#: The person when nothing is known about them yet (a search for anyone).
_NOTHING_SAID = Person()


def find_services(
    session: Session,
    *,
    need: Need,
    area: Area | None,
    now: datetime,
    person: Person = _NOTHING_SAID,
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
    :class:`LocalRanking`): the same answer, more slowly; the tests compare the two.
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

    def candidate(service: ServiceRecord, fit_need: Need, proximity: int = 0, place: str | None = None) -> Candidate:
        status, note = opening(service, now, statuses)
        c = Candidate(service, Fit.NONE, status, proximity, place, note)
        c.fit = c.fit_for(fit_need)
        return c

    substance = None if young_writer else person.substance

    def verdict(c: Candidate, fit_need: Need, judged_age: int | None) -> Scored:
        return score(c.facts(fit_need, groups, judged_age, substance, now, wants_open))

    def judge(c: Candidate, fit_need: Need, judged_age: int | None) -> None:
        c.scored = verdict(c, fit_need, judged_age)

    def rank(c: Candidate) -> Scored:
        """The local verdict (once); an out-of-hours choice judged before it keeps that verdict for its match."""
        if c.ranked is None:
            c.ranked = verdict(c, *c.judged)
            if c.scored is None:
                c.scored = c.ranked
        return c.ranked

    snapshot = snapshot or held_snapshot(session)
    index = area_index or (snapshot.area_index if snapshot is not None else None)
    scope = None
    if area is not None and area.kind != "unknown":
        scope = area_scope(area, index or AreaIndex.build(session))
    if snapshot is None:
        snapshot = _snapshot_for_one_search(session, scope)
    national = [candidate(s, help_need) for s in snapshot.national if is_signpost(s)]

    # Local services in the area (and in places inside it, and services covering the areas containing it): the
    # plan holds what does not depend on the time; candidates are made only for the services read.
    asked = Asked(
        help_need=help_need, for_someone_else=for_someone_else, young_writer=young_writer, age=age,
        family_age=family_age, substance=substance,
        named_substance=need_for_substance(person.substance) if person.substance and not young_writer else GENERAL,
        groups=groups, wants_open=wants_open, group_alike=group_alike,
    )
    plan = local_plan(snapshot, local_services(snapshot, scope) if scope is not None else (), asked)
    made: dict[int, Candidate] = {}

    def make(i: int) -> Candidate:
        """The candidate for the plan's entry ``i`` at this time (one per search, so its verdicts stick)."""
        c = made.get(i)
        if c is None:
            entry = plan.entries[i]
            status, note = opening(entry.service, now, statuses)
            c = made[i] = Candidate(entry.service, entry.fit, status, entry.proximity, entry.place, note,
                                    for_whom=entry.for_whom, judged=entry.judged)
        return c

    ranking = LocalRanking(plan, make, rank, now)
    uncontactable = ranking.uncontactable
    local_top = ranking.best(limit)
    any_local_open = ranking.any_open
    shown = {c.service.id for c in local_top}

    # Out-of-hours options: for the person themself; for a family member, family lines first.
    if for_someone_else:
        ooh_needs: list[Need] = [FAMILY, help_need]
        national_pool = [
            c for c in national
            if age_allows(c.service, person.age)
            or (c.fit_for(FAMILY) >= Fit.TEXT and age_allows(c.service, family_age))
        ]
    else:
        ooh_needs = [help_need]
        national_pool = [c for c in national if age_allows(c.service, age)]
    local_pool = [make(i) for i in open_out_of_hours(plan, make) if plan.entries[i].service.id not in shown]
    chosen_ooh = out_of_hours_options(local_pool, national_pool, ooh_needs, any_local_open)
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
            and age_allows(c.service, family_age)
        ]
        family_lines.sort(
            key=lambda c: (
                -int(c.status.open_now),
                -int(c.status.known),
                -int(c.fit_for(FAMILY, text_only=True)),
                voice_first(c),
                c.service.name,
            )
        )
        chosen: list[Candidate] = family_local[:2]
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
        area_has_services=bool(plan.entries),
        first=first,
        more=more,
        uncontactable_local=uncontactable,
        local_count=ranking.count,
        local_open_count=ranking.open_count,
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


def _refit(candidate: Candidate, fit: Fit) -> Candidate:
    """The same candidate judged against another need (the fit cache is shared, it is keyed by need)."""
    return Candidate(
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
        c = Candidate(service=record, fit=Fit.NONE, status=opening_status(service_rules(record), now))
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
            c = Candidate(service=record, fit=Fit.NONE, status=opening_status(service_rules(record), now))
            matches.append(c.match(None))
    return matches
