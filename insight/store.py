"""Every query on the signpost event table: write events, forget old ones, count them for a report.

Reports count in the database (GROUP BY over a few columns at a time), so a year of a million events is read as a
few thousand grouped rows, not a million objects.
"""
from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Iterable, Sequence

from sqlalchemy import and_, delete, func, insert, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from insight.event import ASK, CRISIS, SignpostEvent
from insight.models import EventRow, InsightBase, random_key


def ensure_schema(engine: Engine) -> None:
    """Create the event table if it is not there (idempotent; never touches the directory's tables)."""
    InsightBase.metadata.create_all(engine, checkfirst=True)


def add_events(session: Session, events: Iterable[SignpostEvent]) -> int:
    rows = [{"id": random_key(), **asdict(event)} for event in events]
    if rows:
        session.execute(insert(EventRow), rows)
    return len(rows)


def purge_before(session: Session, first_kept_day: date) -> int:
    """Delete events from days before ``first_kept_day``; returns how many."""
    result = session.execute(delete(EventRow).where(EventRow.day < first_kept_day))
    return result.rowcount or 0


def count_events(session: Session) -> int:
    return session.execute(select(func.count()).select_from(EventRow)).scalar_one()


def _in_period(kind: str, start: date, end: date):
    return and_(EventRow.kind == kind, EventRow.day >= start, EventRow.day < end)


def asks_by_day_and_hour(session: Session, start: date, end: date) -> list[tuple[date, int, int]]:
    """(day, hour, asks) for every hour with at least one ask."""
    stmt = (
        select(EventRow.day, EventRow.hour, func.count())
        .where(_in_period(ASK, start, end))
        .group_by(EventRow.day, EventRow.hour)
    )
    return [(day, hour, count) for day, hour, count in session.execute(stmt)]


#: Columns a report may count asks by.
DIMENSIONS = {
    "need": EventRow.need,
    "area_code": EventRow.area_code,
    "channel": EventRow.channel,
    "for_whom": EventRow.for_whom,
    "age_band": EventRow.age_band,
    "hour": EventRow.hour,
}

#: Which asks to count: all, those with no fitting local service, those where nothing fitting was open.
#: Asks with no area given are left out of the two local ones: nothing local could be looked for.
ASK_FILTERS = {
    "all": (),
    "no_fitting_local": (EventRow.local_fitted == 0, EventRow.area_code != "not_given"),
    "nothing_fitting_open": (EventRow.local_fitted > 0, EventRow.local_open == 0),
}


def asks_by(session: Session, start: date, end: date, dimensions: Sequence[str],
            which: str = "all") -> list[tuple]:
    """(values of ``dimensions``..., asks) for the asks in the period, optionally only one kind of ask."""
    columns = [DIMENSIONS[name] for name in dimensions]
    stmt = (
        select(*columns, func.count())
        .where(_in_period(ASK, start, end), *ASK_FILTERS[which])
        .group_by(*columns)
    )
    return [tuple(row) for row in session.execute(stmt)]


def crises_by_day(session: Session, start: date, end: date) -> list[tuple[date, str, int]]:
    """(day, crisis type, count) for emergency guidance given in the period."""
    stmt = (
        select(EventRow.day, EventRow.crisis_type, func.count())
        .where(_in_period(CRISIS, start, end))
        .group_by(EventRow.day, EventRow.crisis_type)
    )
    return [(day, kind, count) for day, kind, count in session.execute(stmt)]
