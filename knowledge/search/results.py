"""What a search returns: who asked (Person), each service offered (Match), the answer (SearchResult) and the
further options worked out only when read (LaterOptions)."""
from __future__ import annotations

from collections.abc import Sequence as SequenceABC
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Callable, Iterator, Sequence

from knowledge.hours.engine import OpeningStatus
from knowledge.needs.catalogue import Fit, Need
from knowledge.places.areas import Area
from knowledge.search.snapshot import Contact


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
    #: Every local service that could be offered (``local`` holds the best ``limit`` of them), and how many of
    #: those are open now: what commissioners' figures count (insight/event.py).
    local_count: int = 0
    local_open_count: int = 0



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
