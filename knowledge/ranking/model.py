"""The scoring model: one number per service, the sum of named factors, each kept as a reason.

The weights are in :data:`WEIGHTS` (tuned only on the tuning part of tests/relevance/cases.yml; the held-out
fifth was never used). See docs/ranking.md for the why of each factor.

=====================  =====================================================================================
factor                 points
=====================  =====================================================================================
fit to the need        identity says it (taxonomy, name, organisation, eligibility) 40; its description
                       offers it 34; a related service by identity 10, by description 4
special group          a service for a group the person is in (families for a worried parent, young people
                       for a 15-year-old, prison leavers after release) +12; a service whose identity is for a
                       group the person is NOT in: not offered at all
whose help it is       a family member's own support, when they write about someone else, +10 (families need
                       help in their own right; the person they worry about may not want it yet)
fit to the person      age limits aimed at an age group (11-18, over 55) that include the person's age +4 (a
                       plain "18 and over" says nothing about fit); names the substance they use +6
reaching it            a checked phone or text line +3, a checked web address only +1; somewhere to go in
                       person +2; takes people only by referral -8; a crisis line -3 (first in a crisis, after a
                       service made for the need when both are open)
locality               in the town or postcode district 10; serves the whole wider area (a county-wide
                       service area) 6; based elsewhere in the wider area 2; national 0. Asked about a county, a
                       service for the whole county is "in the place" and one town's service counts 6. Tripled
                       for help collected in person (needles, naloxone): the pharmacy in your own town first.
availability           open now 30 (25 when it closes within the hour); opens within 2 hours 15; within a day
                       6; hours unknown 15 (a line might be open); a website-only service with no hours 30 (it is
                       there whenever the person is); closed longer 0; a bank holiday its record says nothing
                       about -25 (services known to be open rank above it). Doubled (the positive bands) when the
                       person asked for something open now.
=====================  =====================================================================================

A service with no way to contact it (no phone, text, web address or street address) is not offered. Ties are
broken by fit, then closeness, then a drug and alcohol organisation before a general one (the recovery hub before
the GP surgery's clinic), then the narrower purpose before the broader (Samaritans before NHS 111), then name, then
id, so the order never depends on the database.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Iterable, Sequence

from knowledge.hours.engine import OpeningStatus
from knowledge.ranking.groups import GROUP_LABELS

__all__ = ["WEIGHTS", "NO_CONTACT", "Facts", "Scored", "availability", "score", "rank", "order_key"]

#: The age most services mean by "adults"; a lower limit of this says nothing about who a service is for.
ADULT_AGE = 18

#: Why a service with no phone, text, web address or street address is not offered.
NO_CONTACT = "no way to contact it"

WEIGHTS = {
    "fit": {4: 40, 3: 34, 2: 10, 1: 4, 0: 0},
    "group_match": 12,
    "age_match": 4,
    "substance": 6,
    "by_referral": -8,
    "has_place": 2,
    "has_contact": 3,
    "web_only_contact": 1,
    "crisis_line": -3,
    "for_writer": 10,
    "in_person_locality": 3,
    "locality": {3: 10, 2: 6, 1: 2, 0: 0},
    "availability": {
        "open": 30, "closing_soon": 25, "soon": 15, "within_a_day": 6, "unknown": 15, "closed": 0,
        "bank_holiday_unknown": -25, "online": 30,
    },
}

_FIT_WORDS = {4: "for exactly this", 3: "offers it", 2: "related help", 1: "mentions related help", 0: "no fit"}
_AVAILABILITY_WORDS = {
    "open": "open now",
    "closing_soon": "closes within the hour",
    "soon": "opens within 2 hours",
    "within_a_day": "opens within a day",
    "unknown": "hours not known",
    "bank_holiday_unknown": "bank holiday: may be closed",
    "closed": "closed for now",
    "online": "online, any time",
}
_LOCALITY_WORDS = {3: "in the place itself", 2: "covers the wider area", 1: "elsewhere in the wider area", 0: "national"}


@dataclass(frozen=True)
class Facts:
    """What the model needs to know about one service for one person (plain data, no database)."""

    key: str
    name: str
    fit: int  # knowledge.needs.catalogue.Fit, judged on identity (TAXONOMY) and offered description (TEXT)
    need_reason: str
    groups: frozenset[str]
    person_groups: frozenset[str]
    minimum_age: int | None
    maximum_age: int | None
    person_age: int | None
    proximity: int
    availability: str
    names_substance: bool
    contactable: bool
    #: The person asked for something open now ("what's open", "anywhere open today for ..."): availability x2.
    wants_open_now: bool = False
    by_referral: bool = False
    has_place: bool = False
    closing_soon: bool = False
    #: A checked phone, text or web contact (not only a street address).
    has_contact: bool = False
    #: A crisis line: first for a crisis, but after a service made for the need when both are open.
    crisis_line: bool = False
    #: Run by a drug and alcohol organisation (its name says so), not a general one that also offers the help.
    specialist: bool = False
    #: How many kinds of help its identity is for (NHS 111: drinking, drugs, mental health; Samaritans: one).
    breadth: int = 0
    #: Help for the person writing (a family member's own support), not for the one they worry about.
    for_writer: bool = False
    #: The need is met in person (needles, naloxone): how near it is counts for more.
    collected_in_person: bool = False
    #: Reached only through its website (no phone, text or place) and no hours given: there whenever the person is.
    online_only: bool = False


@dataclass(frozen=True)
class Scored:
    facts: Facts
    score: int
    #: Each factor with its points, e.g. ("helps with drinking: for exactly this +40", "in the place itself +10").
    reasons: tuple[str, ...]
    #: Why it is not offered at all, or None.
    excluded: str | None = None

    @property
    def offered(self) -> bool:
        return self.excluded is None and self.facts.fit > 0


def availability(status: OpeningStatus, now: datetime, *, bank_holiday_unknown: bool = False) -> str:
    """The availability band of an opening status at ``now``."""
    if bank_holiday_unknown:
        return "bank_holiday_unknown"
    if not status.known:
        return "unknown"
    if status.open_now:
        return "open"
    if status.next_opens_at is None:
        return "closed"
    wait = status.next_opens_at - now
    if wait <= timedelta(hours=2):
        return "soon"
    if wait <= timedelta(hours=24):
        return "within_a_day"
    return "closed"


def _age_fits(facts: Facts) -> bool | None:
    """True: age limits that include the person; False: limits that exclude them; None: no limits or no age."""
    if facts.person_age is None or (facts.minimum_age is None and facts.maximum_age is None):
        return None
    low_ok = facts.minimum_age is None or facts.person_age >= facts.minimum_age
    high_ok = facts.maximum_age is None or facts.person_age <= facts.maximum_age
    return low_ok and high_ok


def _age_targeted(facts: Facts) -> bool:
    """Limits that aim at an age group (11-18, over 55), not just "adults": 18+ alone says nothing about fit."""
    return facts.maximum_age is not None or (facts.minimum_age is not None and facts.minimum_age > ADULT_AGE)


def score(facts: Facts) -> Scored:
    """Score one service; see the module docstring for the factors."""
    w = WEIGHTS
    parts: list[tuple[str, int]] = [(f"{facts.need_reason}: {_FIT_WORDS[facts.fit]}", w["fit"][facts.fit])]
    excluded = None
    outside = sorted(facts.groups - facts.person_groups)
    inside = sorted(facts.groups & facts.person_groups)
    if outside:
        excluded = f"only {GROUP_LABELS.get(outside[0], outside[0])}"
    elif inside:
        parts.append((GROUP_LABELS.get(inside[0], inside[0]), w["group_match"]))
    age_fits = _age_fits(facts)
    if age_fits is False:
        excluded = excluded or "not for this age"
    elif age_fits and _age_targeted(facts):
        parts.append(("for this age", w["age_match"]))
    if facts.names_substance:
        parts.append(("names what they use", w["substance"]))
    if facts.by_referral:
        parts.append(("by referral only", w["by_referral"]))
    if facts.has_place:
        parts.append(("somewhere to go in person", w["has_place"]))
    if facts.has_contact and facts.online_only:
        parts.append(("a checked web address", w["web_only_contact"]))
    elif facts.has_contact:
        parts.append(("a checked phone, text or web contact", w["has_contact"]))
    if facts.crisis_line:
        parts.append(("a crisis line", w["crisis_line"]))
    if facts.for_writer:
        parts.append(("help for you", w["for_writer"]))
    nearness = w["locality"][facts.proximity] * (w["in_person_locality"] if facts.collected_in_person else 1)
    parts.append((_LOCALITY_WORDS[facts.proximity], nearness))
    band = "closing_soon" if facts.availability == "open" and facts.closing_soon else facts.availability
    if facts.online_only and band == "unknown":
        band = "online"
    available = w["availability"][band]
    if facts.wants_open_now and available > 0:
        available *= 2
    parts.append((_AVAILABILITY_WORDS[band], available))
    if not facts.contactable:
        excluded = excluded or NO_CONTACT
    total = sum(points for _label, points in parts)
    reasons = tuple(f"{label} {points:+d}" for label, points in parts if points)
    return Scored(facts=facts, score=total, reasons=reasons, excluded=excluded)


def order_key(scored: Scored) -> tuple:
    """Offered before excluded, then score, then fit, closeness, a specialist before a general service, the
    narrower purpose before the broader, then name and id: deterministic ties."""
    f = scored.facts
    return (
        scored.excluded is not None, -scored.score, -f.fit, -f.proximity, not f.specialist, f.breadth, f.name, f.key
    )


def rank(all_facts: Iterable[Facts]) -> list[Scored]:
    """Every service scored, best first (excluded ones included, last, so callers can say why)."""
    return sorted((score(f) for f in all_facts), key=order_key)


def offered(ranked: Sequence[Scored]) -> list[Scored]:
    return [s for s in ranked if s.offered]
