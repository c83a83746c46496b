"""The local options in the ranking's order, worked out only as far as they are read: services alike for the
ranking are scored once, and what a search works out before the time matters is kept per directory snapshot."""
from __future__ import annotations

import heapq
from dataclasses import dataclass, field, fields
from datetime import datetime, timedelta
from typing import Callable

from knowledge.hours.engine import LONDON, OpeningStatus
from knowledge.needs.catalogue import FAMILY, GENERAL, Fit, Need
from knowledge.ranking.model import NO_CONTACT, Facts, Scored, availability, order_key
from knowledge.search.candidates import (
    Candidate,
    age_allows,
    bank_holiday_said,
    closes_within,
    names_substance,
    substance_words,
)
from knowledge.search.snapshot import DirectorySnapshot, ServiceRecord

# --- Ranking the local options --------------------------------------------------------------------------------

#: A need, time and opening status that stand for "any", to read what a record alone puts in its Facts.
_ANY_TIME = datetime(2000, 1, 12, 12, 0, tzinfo=LONDON)
_NO_STATUS = OpeningStatus(known=False, open_now=False, always_open=False, closes_at=None, next_opens_at=None)

#: The Facts fields that are not the service's identity (its id and name only break ties).
_PROFILE_FIELDS = tuple(f.name for f in fields(Facts) if f.name not in ("key", "name"))


def profile_of(snapshot: DirectorySnapshot, service: ServiceRecord) -> int:
    """A number shared by services that put the same into their Facts (knowledge.ranking.model) apart from their
    id and name and what the search decides (fit to its need, closeness, hours, the person's substance). Read off
    the Facts themselves, built the one way at a fixed need, time and person, so whatever a record brings to them,
    in any factor added later too, is in it. Kept per snapshot."""
    profiles = snapshot.memo.setdefault("profiles", {})
    number = profiles.get(service.id)
    if number is None:
        facts = Candidate(service=service, fit=Fit.NONE, status=_NO_STATUS).facts(
            GENERAL, frozenset(), None, None, _ANY_TIME
        )
        numbers = snapshot.memo.setdefault("profile_numbers", {})
        values = tuple(getattr(facts, name) for name in _PROFILE_FIELDS)
        number = profiles[service.id] = numbers.setdefault(values, len(numbers))
    return number


@dataclass(frozen=True)
class Asked:
    """What the local options of a search depend on apart from the time. Two searches of one area in one directory
    version with equal ``Asked`` have the same candidates, the same kinds and, at the same availability, the same
    verdicts: :class:`LocalPlan` keeps those, so a search at another hour reads only the opening hours."""

    help_need: Need
    for_someone_else: bool
    young_writer: bool
    #: The age the help must suit (the writer's own for a young writer), and a worried family member's.
    age: int | None
    family_age: int | None
    #: What the person uses, when it may be named in a service's words (None for a young writer).
    substance: str | None
    #: The need for that substance (GENERAL when none was named).
    named_substance: Need
    groups: frozenset[str]
    wants_open: bool
    #: False: every candidate is its own kind (scored one by one; tests compare the two).
    group_alike: bool = True


@dataclass(frozen=True, slots=True)
class LocalEntry:
    """One local service as a search sees it before the time matters."""

    service: ServiceRecord
    proximity: int
    place: str | None
    fit: Fit
    #: "you" (support for the worried family member), "them" (help for the person they worry about) or None.
    for_whom: str | None
    #: The need and age it is judged against among the local options; None when it is not one of them.
    judged: tuple[Need, int | None] | None
    #: Whether it may be offered out of hours when open now: a crisis line, or a 24-hour service that fits.
    crisis_line: bool


@dataclass
class LocalPlan:
    """The local options of one area for one :class:`Asked`, worked out once per directory snapshot.

    ``kinds`` groups the ranked entries whose Facts differ only in id and name (:func:`profile_of`) and whose
    opening status is one (the same hours rules and what they say of bank holidays), first seen first and each in
    name order; ``pool`` holds the entries that may stand in for an out-of-hours line, grouped by their hours.
    ``verdicts`` keeps the verdict of each kind's first member per availability band, filled as searches meet them.
    """

    located: tuple
    entries: tuple[LocalEntry, ...]
    kinds: tuple[tuple[int, ...], ...]
    pool: tuple[int, ...]
    pool_hours: tuple[int, ...]
    hours_members: tuple[int, ...]
    verdicts: dict = field(default_factory=dict)


#: Plans kept per snapshot (each is a few hundred small records); past this they are all dropped and made again as
#: asked, as area_scope.local_services does with its areas (a clear is safe while other threads read the dict).
PLANS_KEPT = 128


def local_plan(snapshot: DirectorySnapshot, located: tuple, asked: Asked) -> LocalPlan:
    """The plan for ``asked`` over ``located`` (the area's services, :func:`area_scope.local_services`), kept in the
    snapshot's memo. ``located`` is kept by its plan, so its id cannot be reused while the plan is kept."""
    plans = snapshot.memo.setdefault("local_plans", {})
    key = (id(located), asked)
    plan = plans.get(key)
    if plan is None or plan.located is not located:
        if len(plans) >= PLANS_KEPT:
            plans.clear()
        plan = plans[key] = _make_plan(snapshot, located, asked)
    return plan


def _entry(service: ServiceRecord, proximity: int, place: str | None, asked: Asked) -> LocalEntry:
    """How the search judges one local service: for someone else, a family service is support for the writer."""
    probe = Candidate(service=service, fit=Fit.NONE, status=_NO_STATUS)
    fit, for_whom = probe.fit_for(asked.help_need), None
    judged_age, fit_need = asked.age, asked.help_need
    if asked.for_someone_else and probe.fit_for(FAMILY) >= Fit.TEXT and "family" in probe.groups:
        fit, for_whom, judged_age, fit_need = probe.fit_for(FAMILY), "you", asked.family_age, FAMILY
    elif asked.for_someone_else:
        for_whom = "them"
    ranked = _is_local_option(probe, fit, for_whom, judged_age, asked)
    return LocalEntry(service, proximity, place, fit, for_whom, (fit_need, judged_age) if ranked else None,
                      bool(service.is_crisis_line))


def _is_local_option(probe: Candidate, fit: Fit, for_whom: str | None, judged_age: int | None, asked: Asked) -> bool:
    if fit == Fit.NONE or (asked.young_writer and fit < Fit.TEXT):
        return False
    if not age_allows(probe.service, judged_age):
        return False
    return for_whom == "you" or _fits_named_substance(probe, fit, asked.named_substance)


def _fits_named_substance(probe: Candidate, fit: Fit, named_substance: Need) -> bool:
    """A service that fits only as drug or alcohol help in general must fit the substance the person named:
    someone out of prison asking about heroin is not helped by an alcohol-only advice service."""
    if named_substance is GENERAL or fit > Fit.RELATED_TAXONOMY:
        return True
    return probe.fit_for(named_substance) > Fit.NONE


def _may_stand_out_of_hours(entry: LocalEntry, asked: Asked) -> bool:
    """Allowed for the person, contactable, and a crisis line or a fit (24-hour is decided at the time asked)."""
    probe = Candidate(service=entry.service, fit=entry.fit, status=_NO_STATUS)
    return (
        age_allows(entry.service, asked.age)
        and not (probe.groups - asked.groups)
        and probe.contactable
        and (entry.crisis_line or entry.fit > Fit.NONE)
    )


def _hours_key(service: ServiceRecord) -> tuple:
    """Services with equal keys have one opening status at any time (records share one tuple for equal rules)."""
    return id(service.rules), bank_holiday_said(service)


def _kind_key(snapshot: DirectorySnapshot, entry: LocalEntry, asked: Asked) -> tuple:
    """Equal for entries whose Facts differ only in id and name at any time (see :func:`profile_of`)."""
    fit_need, judged_age = entry.judged
    named = bool(substance_words(asked.substance)) and names_substance(entry.service, asked.substance)
    return (profile_of(snapshot, entry.service), id(fit_need), judged_age, entry.for_whom, entry.fit,
            entry.proximity, _hours_key(entry.service), named)


def _make_plan(snapshot: DirectorySnapshot, located: tuple, asked: Asked) -> LocalPlan:
    entries = tuple(_entry(service, proximity, place, asked) for service, proximity, place in located)
    kinds: dict[object, list[int]] = {}
    for i, entry in enumerate(entries):
        if entry.judged is not None:
            key = _kind_key(snapshot, entry, asked) if asked.group_alike else i
            kinds.setdefault(key, []).append(i)
    pool = [i for i, entry in enumerate(entries) if _may_stand_out_of_hours(entry, asked)]
    hours: dict[tuple, int] = {}
    members: list[int] = []
    pool_hours = []
    for i in pool:
        key = _hours_key(entries[i].service)
        if key not in hours:
            hours[key] = len(members)
            members.append(i)
        pool_hours.append(hours[key])
    return LocalPlan(located, entries, tuple(map(tuple, kinds.values())), tuple(pool), tuple(pool_hours),
                     tuple(members))


def open_out_of_hours(plan: LocalPlan, make: Callable[[int], Candidate]) -> list[int]:
    """The plan's entries that may be offered out of hours at this time: open now, and a crisis line or open 24
    hours (what :func:`out_of_hours_options` takes from local services), in order; one status read per set of hours."""
    statuses = [make(i).status for i in plan.hours_members]
    return [
        i for i, hours in zip(plan.pool, plan.pool_hours)
        if statuses[hours].open_now and (plan.entries[i].crisis_line or statuses[hours].always_open)
    ]


class LocalRanking:
    """The offered local candidates in the ranking's order (:func:`knowledge.ranking.model.order_key`), worked out
    only as far as they are read.

    A plan's kinds have the same Facts but for their id and name, so the same verdict and score; among
    themselves, already in name order, they keep that order (the model breaks ties by name, then id). One of each
    kind is scored to know whether the kind is offered (or its verdict at that availability is read from the
    plan); the best ``n`` are a merge of the kinds, which makes and scores only the candidates taken and the next of
    each kind. A search with ~900 local services thus makes a few dozen candidates for its first answer, and "more
    options" makes the rest when it is read.
    """

    def __init__(self, plan: LocalPlan, make: Callable[[int], Candidate], rank: Callable[[Candidate], Scored],
                 now: datetime) -> None:
        self._make = make
        self._rank = rank
        self._offered: list[tuple[int, ...]] = []
        #: Candidates not offered because there is no way to contact them.
        self.uncontactable = 0
        for k, members in enumerate(plan.kinds):
            verdict = self._first_verdict(plan, k, make(members[0]), now)
            if verdict.offered:
                self._offered.append(members)
            elif verdict.excluded == NO_CONTACT:
                self.uncontactable += len(members)
        self.count = sum(len(members) for members in self._offered)
        #: How many offered candidates are open now (a kind's members share one opening status).
        self.open_count = sum(len(members) for members in self._offered if make(members[0]).status.open_now)
        self.any_open = self.open_count > 0

    def _first_verdict(self, plan: LocalPlan, kind: int, first: Candidate, now: datetime) -> Scored:
        """The kind's verdict: its Facts change with the time only through the availability band."""
        band = availability(first.status, now, bank_holiday_unknown=first.hours_note is not None)
        key = (kind, band, closes_within(first.status, now, timedelta(hours=1)))
        verdict = plan.verdicts.get(key)
        if verdict is None:
            verdict = plan.verdicts[key] = self._rank(first)
        elif first.ranked is None:
            first.ranked = verdict
            if first.scored is None:
                first.scored = verdict
        return verdict

    def best(self, n: int, where: Callable[[Candidate], bool] | None = None) -> list[Candidate]:
        """The best ``n`` offered candidates, in order (only kinds whose candidates meet ``where``)."""
        make = self._make
        heap = [
            (order_key(self._rank(make(members[0]))), i, 0)
            for i, members in enumerate(self._offered)
            if where is None or where(make(members[0]))
        ]
        heapq.heapify(heap)
        taken: list[Candidate] = []
        while heap and len(taken) < n:
            _key, i, j = heapq.heappop(heap)
            members = self._offered[i]
            taken.append(make(members[j]))
            if j + 1 < len(members):
                heapq.heappush(heap, (order_key(self._rank(make(members[j + 1]))), i, j + 1))
        return taken
