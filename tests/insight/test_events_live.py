"""Through the running server: one answered conversation makes exactly one anonymous event, with the right
fields and no text; emergency guidance makes one crisis count. (The server is tests/support/server.py's.)"""
from __future__ import annotations

import dataclasses
import time
from datetime import date, datetime

import pytest
from sqlalchemy import select

from insight.event import MAX_COUNTED
from insight.models import EventRow
from insight.store import ensure_schema
from knowledge.hours.engine import LONDON
from knowledge.needs.catalogue import need_by_code
from knowledge.places.areas import AreaIndex
from knowledge.search.finder import Person, find_services
from knowledge.store.db import make_engine, session_scope

pytestmark = pytest.mark.slow

SUNDAY_2AM = "2026-12-06T02:15:00"
COLUMNS = [c.name for c in EventRow.__table__.columns]


def _events(url: str) -> dict[int, dict]:
    engine = make_engine(url)
    try:
        ensure_schema(engine)
        with session_scope(engine) as session:
            rows = session.execute(select(EventRow)).scalars().all()
            return {row.id: {c: getattr(row, c) for c in COLUMNS} for row in rows}
    finally:
        engine.dispose()


def _new_events(url: str, before: dict, expected: int, wait: float = 20.0) -> list[dict]:
    """The events added since ``before``, once ``expected`` have arrived, then a little longer to see no more."""
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        new = [e for key, e in _events(url).items() if key not in before]
        if len(new) >= expected:
            break
        time.sleep(0.25)
    time.sleep(2.0)  # anything else the conversation wrote would have arrived by now
    return [e for key, e in _events(url).items() if key not in before]


def test_one_conversation_makes_exactly_one_event_without_text(signpost_server):
    url = signpost_server.database_url
    before = _events(url)
    chat = signpost_server.conversation(now=SUNDAY_2AM)
    first = chat.say_text("need help with my drinkin its getting bad")
    reply = chat.say_text("cheltnam")
    assert "Cheltenham" in reply or "Cheltenham" in first

    new = _new_events(url, before, expected=1)
    assert len(new) == 1, new
    event = new[0]
    engine = make_engine(url)
    with session_scope(engine) as session:
        area = AreaIndex.build(session).resolve("Cheltenham")
        expected = find_services(session, need=need_by_code("alcohol"), area=area,
                                 now=datetime(2026, 12, 6, 2, 15, tzinfo=LONDON), person=Person())
    engine.dispose()
    assert {k: event[k] for k in ("kind", "day", "hour", "channel", "need", "area_code", "for_whom", "age_band")} == {
        "kind": "ask", "day": date(2026, 12, 6), "hour": 2, "channel": "web", "need": "alcohol",
        "area_code": "E07000078", "for_whom": "self", "age_band": "not said",
    }
    assert event["local_fitted"] == min(expected.local_count, MAX_COUNTED)
    assert event["local_open"] == min(expected.local_open_count, event["local_fitted"])
    assert event["out_of_hours_only"] is (not expected.any_local_open)
    assert event["crisis_type"] is None
    # No text, no sender, nothing finer than the hour.
    stored = " ".join(str(v) for v in event.values()).lower()
    for said in ("drink", "getting bad", "cheltnam", "cheltenham", chat.sender.lower(), "02:15", ":15"):
        assert said not in stored
    assert set(COLUMNS) == {"id", *(f.name for f in dataclasses.fields(_event_type()))}


def _event_type():
    from insight.event import SignpostEvent

    return SignpostEvent


def test_emergency_guidance_is_counted_by_type_only(signpost_server):
    url = signpost_server.database_url
    before = _events(url)
    chat = signpost_server.conversation(now=SUNDAY_2AM, area="Coventry")
    reply = chat.say_text("my mate took loads of pills and he wont wake up")
    assert "999" in reply
    new = _new_events(url, before, expected=1)
    assert len(new) == 1, new
    event = new[0]
    assert (event["kind"], event["hour"], event["channel"]) == ("crisis", 2, "web")
    assert event["crisis_type"] in {"overdose", "unconscious", "poisoning"}
    assert all(event[k] is None for k in ("need", "area_code", "for_whom", "age_band", "local_fitted"))
