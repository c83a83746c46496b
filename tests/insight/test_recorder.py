"""Events are written off the reply's path, on SQLite and PostgreSQL; a failure is logged without text and lost."""
from __future__ import annotations

import logging
import time
from datetime import date, datetime, timedelta

from sqlalchemy import select

from insight import store
from insight.event import crisis_event
from insight.models import EventRow
from insight.recorder import Recorder
from knowledge.hours.engine import LONDON
from knowledge.store.db import make_engine, session_scope


def test_recorded_events_reach_the_table_and_keys_hold_no_order(insight_url):
    recorder = Recorder(insight_url)
    for hour in range(24):  # written in hour order
        recorder.record(crisis_event("overdose", datetime(2026, 12, 5, hour, 30, tzinfo=LONDON), "sms"))
    assert recorder.flush(timeout=20)
    engine = make_engine(insight_url)
    with session_scope(engine) as session:
        rows = session.execute(select(EventRow.id, EventRow.hour, EventRow.crisis_type).order_by(EventRow.id)).all()
    engine.dispose()
    assert len(rows) == 24 and recorder.dropped == 0
    assert {kind for _, _, kind in rows} == {"overdose"}
    assert len({row.id for row in rows}) == 24
    # Sorting by key does not give back the order they were written in (random keys; 1 in 24! by chance).
    assert [row.hour for row in rows] != list(range(24))


def test_record_returns_at_once_and_a_broken_database_is_logged_without_text(tmp_path, caplog):
    recorder = Recorder(f"sqlite:///{tmp_path / 'missing-folder' / 'x.db'}")  # cannot be opened
    caplog.set_level(logging.INFO, logger="insight.recorder")
    started = time.perf_counter()
    recorder.record(crisis_event("violence", datetime(2026, 12, 5, 2, tzinfo=LONDON), "sms"))
    queued_in = time.perf_counter() - started
    assert recorder.flush(timeout=20)
    assert recorder.dropped == 1
    assert queued_in < 0.5  # putting on a queue, not writing (a generous bound, not a timing test)
    messages = [r.getMessage() for r in caplog.records]
    assert any("Could not record 1 signpost event" in m and "OperationalError" in m for m in messages)
    assert not any("violence" in m or "x.db" in m for m in messages)


def test_old_events_are_purged_beyond_the_retention_period(insight_engine, monkeypatch):
    today = date.today()
    with session_scope(insight_engine) as session:
        store.add_events(session, [
            crisis_event("overdose", datetime.combine(today - timedelta(days=age), datetime.min.time(), LONDON), "sms")
            for age in (0, 10, 40, 400)
        ])
    monkeypatch.setenv("SIGNPOST_INSIGHT_RETENTION_DAYS", "30")
    recorder = Recorder(str(insight_engine.url.render_as_string(hide_password=False)))
    recorder.record(crisis_event("overdose", datetime.now(LONDON), "sms"))
    assert recorder.flush(timeout=20)
    with session_scope(insight_engine) as session:
        days = sorted(session.execute(select(EventRow.day)).scalars())
    assert days[0] >= today - timedelta(days=30)
    assert len(days) == 3  # the 0- and 10-day-old ones, and the new one


def test_signpost_purge_deletes_old_events_and_says_how_many(insight_engine, monkeypatch):
    from insight.retention import purge_expired_events

    today = datetime.now(LONDON).date()
    with session_scope(insight_engine) as session:
        store.add_events(session, [
            crisis_event("overdose", datetime.combine(today - timedelta(days=age), datetime.min.time(), LONDON), "sms")
            for age in (1, 8, 9, 100)
        ])
    monkeypatch.setenv("SIGNPOST_INSIGHT_RETENTION_DAYS", "8")
    url = insight_engine.url.render_as_string(hide_password=False)
    assert purge_expired_events(url) == "Removed 2 anonymous signpost event(s) older than 8 days."
    with session_scope(insight_engine) as session:
        assert store.count_events(session) == 2
    monkeypatch.setenv("SIGNPOST_INSIGHT_RETENTION_DAYS", "a year")
    assert "whole number of days" in purge_expired_events(url)
