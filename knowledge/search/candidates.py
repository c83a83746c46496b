"""One service as a search sees it: its fit to a need, opening status at the time asked (bank holidays
included), closeness, and the Facts the ranking model scores (knowledge.ranking.model); and its Match."""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Sequence

from knowledge.hours.engine import OpeningStatus, WeeklyHours, describe_rules, is_bank_holiday, opening_status
from knowledge.needs.catalogue import NEEDS, Fit, Need, fit_of_normalised, normalise_text
from knowledge.ranking.model import Facts, Scored, availability
from knowledge.search.results import Match
from knowledge.search.snapshot import Contact, ServiceRecord, schedule_rows

# --- Facts about one service ------------------------------------------------------------------------------------


def service_rules(service: ServiceRecord) -> list[WeeklyHours]:
    """The service's hours rules (its own schedule rows, or its locations' when it has none), read once by
    ``knowledge.hours.stored.rule_from_stored`` when the record was made: month days and ordinal days count."""
    return list(service.rules)


def _contacts(service: ServiceRecord) -> tuple[Contact, ...]:
    """Only what the record holds: phones (no fax or pager), text, web, email (worked out with the record)."""
    return service.contacts


def is_signpost(service: ServiceRecord) -> bool:
    """False for lines whose only numbers are emergencies or 101 (:data:`NOT_SIGNPOSTS`)."""
    return service.signpost


def service_age_limits(service: ServiceRecord) -> tuple[int | None, int | None]:
    """HSDS minimum/maximum age, or (when both are empty) limits plainly written in the eligibility text."""
    return service.age_limits


def age_allows(service: ServiceRecord, age: int | None) -> bool:
    if age is None:
        return True
    low, high = service_age_limits(service)
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
def substance_words(substance: str | None) -> frozenset[str]:
    """The words of what the person named that could name it in a service's text (not "alcohol" or "drugs")."""
    return frozenset(normalise_text(substance).split()) - _GENERIC_SUBSTANCES


def names_substance(service: ServiceRecord, substance: str | None) -> bool:
    words = substance_words(substance)
    if not words:
        return False
    text = set(f"{service.identity_text} {service.offers_text}".split())
    return bool(words & text)


def _by_referral_only(service: ServiceRecord) -> bool:
    """The service takes people only when another service refers them (not someone writing at 2am)."""
    return service.by_referral


def closes_within(status: OpeningStatus, now: datetime, window: timedelta) -> bool:
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


def bank_holiday_said(service: ServiceRecord) -> str | None:
    """:func:`_bank_holiday_info`, kept by the record: its schedule's words are the same in every search."""
    fits = service.fits
    if "bank_holiday_said" not in fits:
        fits["bank_holiday_said"] = _bank_holiday_info(service)
    return fits["bank_holiday_said"]


def opening(service: ServiceRecord, now: datetime, statuses: dict | None = None) -> tuple[OpeningStatus, str | None]:
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
    said = bank_holiday_said(service)
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
    """:func:`opening` on a bank holiday the schedule does not say it opens on (``said``: "closed" or None)."""
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
class Candidate:
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
        low, high = service_age_limits(self.service)
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
            names_substance=names_substance(self.service, substance),
            contactable=self.contactable,
            by_referral=_by_referral_only(self.service),
            has_place=not self.service.is_national and _first_address(self.service)[0] is not None,
            closing_soon=closes_within(self.status, now, timedelta(hours=1)),
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
        low, high = service_age_limits(service)
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



#: The needs a service's breadth is counted over (not the catch-alls, nor the child-writer variant of family help).
_BREADTH_NEEDS = tuple(code for code in NEEDS if code not in ("general", "out_of_hours", "young_family"))
