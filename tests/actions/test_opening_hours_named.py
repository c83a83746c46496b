"""action_opening_hours against a council's own services: hours in plain words, never the town question, closed
services named as closed with alternatives, names matched tolerantly from the directory (knowledge/search/names.py)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from actions import directory
from actions.opening_hours import ActionOpeningHours
from knowledge.formats.importer import import_hsds
from knowledge.search.names import NamedService, find_named_services
from knowledge.store.db import make_engine, session_scope
from tests.actions.conftest import make_tracker, run_action, texts

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures_named" / "worcestershire.json"
TUESDAY_7PM = "2026-11-24T19:00:00"
TUESDAY_11AM = "2026-11-24T11:00:00"
AREA_QUESTION = "Which town"


@pytest.fixture
def council_directory(directory_database, monkeypatch):
    """The bundled directory plus a council's own (fictional) services, imported as a council would."""
    monkeypatch.setenv("SIGNPOST_CLOCK_OVERRIDE", "1")
    engine = make_engine(directory_database)
    with session_scope(engine) as session:
        report = import_hsds(session, json.loads(FIXTURE.read_text()))
        assert not report.rejected, report.rejected
    engine.dispose()
    directory.reset()
    return directory_database


def _ask(text: str, now: str, **slots) -> str:
    messages, _ = run_action(
        ActionOpeningHours(), make_tracker(text, intent="opening_hours", metadata={"now": now}, slots=slots)
    )
    return texts(messages)


def test_when_is_a_named_local_service_open_gives_the_week_now_and_next_opening(council_directory):
    reply = _ask("when is the worcester family support group open", TUESDAY_11AM)
    assert "Worcester Family Support Group" in reply
    assert "Tuesday 6pm to 8:30pm" in reply or "Tuesday 6pm to 8.30pm" in reply
    assert "Closed now" in reply and "Opens today at 6pm" in reply
    assert AREA_QUESTION not in reply
    assert "01632 960202" in reply


def test_open_now_is_said_when_it_is(council_directory):
    reply = _ask("is the family group open", TUESDAY_7PM)
    assert "Worcester Family Support Group" in reply and "Open now until 8:30pm" in reply


@pytest.mark.parametrize(
    "asked",
    ["when is the night line open", "wen is severnside nite line open", "is the severnside nightline open tonight",
     "severn side night line opening hours"],
)
def test_names_are_matched_tolerantly(council_directory, asked):
    reply = _ask(asked, TUESDAY_11AM)
    assert "Severnside Night Line" in reply and "8pm to 8am" in reply


def test_a_closed_service_is_named_as_closed_with_alternatives(council_directory):
    reply = _ask("is teme valley recovery cafe open", TUESDAY_7PM, area="Worcester")
    assert "Teme Valley Recovery Cafe has closed" in reply
    assert "instead" in reply
    assert "couldn't find" not in reply


def test_a_misspelt_closed_service_is_still_found(council_directory):
    assert "has closed" in _ask("is the teme valey recovery caffe still open", TUESDAY_7PM)


def test_an_unknown_name_gets_a_way_forward(council_directory):
    reply = _ask("when is zebra crossing club open", TUESDAY_11AM)
    assert "couldn't find" in reply


def test_name_matching_reads_the_directory_itself_with_no_retraining(council_directory):
    engine = make_engine(council_directory)
    with session_scope(engine) as session:
        found = find_named_services(session, "the night line")
        assert found and found[0].name == "Severnside Night Line" and not found[0].is_closed
        closed = find_named_services(session, "teme valley cafe")
        assert closed and closed[0].is_closed
    engine.dispose()


def test_the_hours_and_closed_wording_is_plain_and_does_not_blame():
    from replies.named_service import ALTERNATIVES_LEAD, NOT_FOUND, describe_closed
    from tests.support.plain_english import blaming_words, flesch_reading_ease

    closed = NamedService("x", "The Cafe", None, "defunct", 1.0, (), "")
    for text in (NOT_FOUND, ALTERNATIVES_LEAD, describe_closed(closed)):
        assert flesch_reading_ease(text) >= 60 and blaming_words(text) == [], text
