"""Services asked for by name: "when is the night line open", "is frank open", "wen is the famly group on".

Why a module of its own: a question about one service must find it however the person writes its name
(misspelt, part of the name, "the night line" for "Worcestershire Night Line"), straight from the directory, so
a council's import is understood at once with no retraining of the language model. It also finds services that
have closed (status ``inactive``, ``defunct`` or ``temporarily closed``), so "is X open" for a closed service
can say so plainly instead of "I couldn't find that service".

Scoring (0 to 1; 0.6 or more is a match):

* the message is normalised (``knowledge.needs.catalogue.normalise_text``) and question words are dropped
  ("when is ... open tonight" leaves the name);
* a query word matches a name word when equal, or within a small edit distance for longer words (1 edit from 5
  letters, 2 from 8), with the same first letter;
* score = 0.6 x (share of query words found in the name) + 0.4 x (share of the name's words found), so a
  partial name still matches and a fuller one scores higher; an exact name scores 1;
* words run together or apart ("nightline", "night line") match when the query's letters appear as a run in
  the name's letters (score 0.8);
* the organisation's name counts too, a little less (x 0.9) than the service's own names.

Ties go to open (active) services first, then by name, so the order is deterministic.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from knowledge.hours.engine import HoursError, WeeklyHours
from knowledge.needs.catalogue import normalise_text
from knowledge.places.areas import edit_distance
from knowledge.store.models import Organization, Service, ServiceAtLocation

#: A score at or above this is a match.
MATCH_THRESHOLD = 0.6
#: Statuses under which a service is not running (HSDS service.status).
CLOSED_STATUSES = frozenset({"inactive", "defunct", "temporarily closed"})

#: Words in "when is frank open tonight?" that are not part of a name.
QUERY_FILLER = frozenset(
    """
    when what whats time times is are does do the a an open opening opens opened close closes closing shut hours
    today tonight tomorrow now still at on in of to and for it they can i you me please pls tell about until till
    number phone call contact service services how get hold their its still running there any
    wen wat wot tmrw tonite 2nite 2day nw
    """.split()
)
#: Words in a service's name that say little about which service it is.
NAME_FILLER = frozenset({"the", "a", "an", "of", "to", "and", "for", "uk", "england", "service", "services"})


@dataclass(frozen=True)
class NamedService:
    """A service whose name matches what the person wrote, with what an hours answer needs."""

    service_id: str
    name: str
    organisation: str | None
    #: HSDS status: "active", or one of CLOSED_STATUSES.
    status: str
    score: float
    #: Its opening hours as rules for knowledge.hours.engine (empty when not known).
    rules: tuple[WeeklyHours, ...]
    description: str

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATUSES


def query_words(text: str | None) -> list[str]:
    """The words of a question that could be part of a name ("when is the night line open" -> night, line)."""
    return [word for word in normalise_text(text).split() if word not in QUERY_FILLER]


def _allowed_edits(length: int) -> int:
    return 0 if length < 5 else (1 if length < 8 else 2)


def words_match(query_word: str, name_word: str) -> bool:
    """Equal, or a small typo of a long enough word with the same first letter."""
    if query_word == name_word:
        return True
    allowed = _allowed_edits(len(name_word))
    return (
        allowed > 0
        and query_word[:1] == name_word[:1]
        and edit_distance(query_word, name_word, allowed) <= allowed
    )


def name_score(words: Sequence[str], candidate: str | None) -> float:
    """How well the query words name ``candidate`` (0 to 1); see the module docstring."""
    text = normalise_text(candidate)
    if not text or not words:
        return 0.0
    query = " ".join(words)
    if text == query:
        return 1.0
    name_words = [w for w in text.split() if w not in NAME_FILLER] or text.split()
    found_in_name = sum(1 for q in words if any(words_match(q, n) for n in name_words))
    name_found = sum(1 for n in name_words if any(words_match(q, n) for q in words))
    score = 0.0
    if found_in_name:
        score = 0.6 * found_in_name / len(words) + 0.4 * name_found / len(name_words)
    compact = query.replace(" ", "")
    if len(compact) >= 6 and compact in text.replace(" ", ""):
        score = max(score, 0.8)
    return score


def hours_rules(service: Service) -> tuple[WeeklyHours, ...]:
    """The service's schedule rows as hours rules; a location's rows stand in when the service has none."""
    rows = list(service.schedules) or [row for sal in service.service_at_locations for row in sal.schedules]
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
            continue  # one bad row must not hide the service's other hours
    return tuple(rules)


def find_named_services(session: Session, text: str | None, *, limit: int = 3) -> list[NamedService]:
    """Services (open or closed) whose names match ``text``, best first; empty when nothing is close enough."""
    words = query_words(text)
    if not words:
        return []
    organisations = dict(session.execute(select(Organization.id, Organization.name)).all())
    rows = session.execute(
        select(Service.id, Service.name, Service.alternate_name, Service.organization_id, Service.status)
    ).all()
    scored = []
    for service_id, name, alternate, organisation_id, status in rows:
        own = max(name_score(words, name), name_score(words, alternate))
        via_organisation = 0.9 * name_score(words, organisations.get(organisation_id))
        score = max(own, via_organisation)
        if score >= MATCH_THRESHOLD:
            scored.append((-round(score, 6), status in CLOSED_STATUSES, name or "", service_id, score))
    scored.sort()
    chosen = scored[:limit]
    if not chosen:
        return []
    services = {
        service.id: service
        for service in session.execute(
            select(Service)
            .where(Service.id.in_([item[3] for item in chosen]))
            .options(
                selectinload(Service.organization),
                selectinload(Service.schedules),
                selectinload(Service.service_at_locations).selectinload(ServiceAtLocation.location),
                selectinload(Service.service_at_locations).selectinload(ServiceAtLocation.schedules),
            )
        ).scalars()
    }
    found = []
    for *_, service_id, score in chosen:
        service = services[service_id]
        found.append(
            NamedService(
                service_id=service.id,
                name=service.name,
                organisation=service.organization.name if service.organization else None,
                status=service.status or "active",
                score=score,
                rules=hours_rules(service),
                description=service.description or "",
            )
        )
    return found
