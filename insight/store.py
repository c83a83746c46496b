"""Every query on the signpost event table: write events, forget old ones, count them for a report.

Reports count in the database, four GROUP BY passes over the period's key range, so a year of a million events is
read as a few thousand grouped rows, not a million objects.
"""
from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Iterable

from sqlalchemy import and_, case, delete, func, insert, select
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


#: What an ask found locally, as one number so a report can count it in the same pass as area and hour.
FOUND_LOCAL = 0
NO_FITTING_LOCAL = 1  # nothing local fitted (asks that named no area are not counted: nothing could be looked for)
NOTHING_FITTING_OPEN = 2  # something local fitted, but none of it was open


def _found_local():
    return case(
        (and_(EventRow.local_fitted == 0, EventRow.area_code != "not_given"), NO_FITTING_LOCAL),
        (and_(EventRow.local_fitted > 0, EventRow.local_open == 0), NOTHING_FITTING_OPEN),
        else_=FOUND_LOCAL,
    )


def asks_by_area_hour_and_gap(session: Session, start: date, end: date) -> list[tuple[str, int, int, int]]:
    """(area code, hour of day, FOUND_LOCAL | NO_FITTING_LOCAL | NOTHING_FITTING_OPEN, asks), in one pass."""
    found = _found_local().label("found")
    stmt = (
        select(EventRow.area_code, EventRow.hour, found, func.count())
        .where(_in_period(ASK, start, end))
        .group_by(EventRow.area_code, EventRow.hour, found)
    )
    return [tuple(row) for row in session.execute(stmt)]


def asks_by_need_channel_and_person(session: Session, start: date, end: date) -> list[tuple[str, str, str, str, int]]:
    """(need, channel, for whom, age band, asks), in one pass."""
    columns = (EventRow.need, EventRow.channel, EventRow.for_whom, EventRow.age_band)
    stmt = select(*columns, func.count()).where(_in_period(ASK, start, end)).group_by(*columns)
    return [tuple(row) for row in session.execute(stmt)]


def crises_by_day(session: Session, start: date, end: date) -> list[tuple[date, str, int]]:
    """(day, crisis type, count) for emergency guidance given in the period."""
    stmt = (
        select(EventRow.day, EventRow.crisis_type, func.count())
        .where(_in_period(CRISIS, start, end))
        .group_by(EventRow.day, EventRow.crisis_type)
    )
    return [(day, kind, count) for day, kind, count in session.execute(stmt)]
