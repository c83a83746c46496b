"""How long events are kept: SIGNPOST_INSIGHT_RETENTION_DAYS (bot/settings.py), counted in UK calendar days.

The recorder deletes older events as it writes (at most hourly); `signpost purge` does it too, for a server that
has been quiet, so nothing outlives the period just because nobody asked anything.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

from knowledge.hours.engine import LONDON


def retention_days() -> int:
    from bot import settings

    return settings.insight_retention_days()


def first_kept_day(today: date | None = None) -> date:
    return (today or datetime.now(LONDON).date()) - timedelta(days=retention_days())


def purge_expired_events(url: str | None = None) -> str:
    """Delete events older than the retention period in the directory database; a sentence saying how many."""
    from sqlalchemy.exc import SQLAlchemyError

    from insight.store import ensure_schema, purge_before
    from knowledge.store.db import make_engine, session_scope

    try:
        days = retention_days()
    except ValueError as error:
        return f"Signpost events not purged: {error}"
    engine = make_engine(url)
    try:
        ensure_schema(engine)
        with session_scope(engine) as session:
            removed = purge_before(session, first_kept_day())
    except SQLAlchemyError as error:
        return f"Signpost events not purged: the database could not be used ({type(error).__name__})."
    finally:
        engine.dispose()
    return f"Removed {removed} anonymous signpost event(s) older than {days} days."
