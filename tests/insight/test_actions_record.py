"""The actions record through the real recorder, and a database that refuses the write changes nothing in the
reply: the same messages, and a log line that names only the kind of failure."""
from __future__ import annotations

import logging

import pytest
from sqlalchemy import select, text

from actions.emergency import ActionEmergency
from actions.find_services import ActionFindServices
from insight.models import EventRow
from insight.recorder import default_recorder, record_answer
from knowledge.store.db import make_engine, session_scope
from tests.actions.conftest import make_tracker, run_action, texts
from tests.support.directory import actions_directory

SUNDAY_2AM = {"now": "2026-12-06T02:10:00"}


@pytest.fixture
def directory_url(tmp_path, monkeypatch):
    with actions_directory(tmp_path, monkeypatch, clock_override=True) as url:
        yield url
        assert default_recorder().flush(timeout=20)


def _ask():
    return make_tracker("need help with my drinking", intent="help_alcohol", metadata=SUNDAY_2AM,
                        slots={"need": "alcohol", "area": "Leicester", "for_whom": "self"})


def _rows(url):
    engine = make_engine(url)
    with session_scope(engine) as session:
        rows = session.execute(select(EventRow.kind, EventRow.area_code, EventRow.crisis_type)).all()
    engine.dispose()
    return rows


def test_find_services_and_emergency_each_record_one_event(directory_url):
    messages, _ = run_action(ActionFindServices(), _ask())
    assert "Leicester" in texts(messages)
    run_action(ActionEmergency(), make_tracker("hes not breathing", intent="emergency", metadata=SUNDAY_2AM,
                                               entities=[{"entity": "crisis_type", "value": "not_breathing"}]))
    assert default_recorder().flush(timeout=20)
    assert sorted(_rows(directory_url), key=str) == sorted(
        [("ask", "E06000016", None), ("crisis", None, "not_breathing")], key=str)


def test_a_refused_write_leaves_the_reply_as_it_was(directory_url, caplog):
    expected, _ = run_action(ActionFindServices(), _ask())
    assert default_recorder().flush(timeout=20)
    engine = make_engine(directory_url)
    with engine.begin() as connection:  # the table is now something nothing can be inserted into
        connection.execute(text("DROP TABLE signpost_event"))
        connection.execute(text("CREATE VIEW signpost_event AS SELECT 1 AS id"))
    engine.dispose()
    caplog.set_level(logging.INFO, logger="insight.recorder")
    messages, _ = run_action(ActionFindServices(), _ask())
    assert default_recorder().flush(timeout=20)
    assert messages == expected
    logged = [r.getMessage() for r in caplog.records if r.name == "insight.recorder"]
    assert logged and all("Could not record" in m for m in logged)
    assert not any("Leicester" in m or "drinking" in m for m in logged)


def test_a_malformed_result_is_logged_and_never_raised(caplog):
    caplog.set_level(logging.INFO, logger="insight.recorder")
    record_answer(object(), "rest")
    assert any("Could not make a signpost event (AttributeError)" in r.getMessage() for r in caplog.records)
