"""What an anonymous event holds: codes and coarse counts from a real search, never text, ids or minutes."""
from __future__ import annotations

import dataclasses
from datetime import date, datetime

import pytest

from insight.areas import NOT_GIVEN, UNKNOWN, area_code, area_label
from insight.event import CRISIS, MAX_COUNTED, age_band, channel_name, crisis_event, event_from_search
from knowledge.bundled.loader import load_bundled
from knowledge.hours.engine import LONDON
from knowledge.needs.catalogue import need_by_code
from knowledge.places.areas import Area, AreaIndex
from knowledge.search.finder import Person, find_services
from knowledge.store.db import create_schema, make_engine, session_scope

EVENT_FIELDS = {
    "kind", "day", "hour", "channel", "need", "area_code", "for_whom", "age_band", "local_fitted", "local_open",
    "out_of_hours_only", "crisis_type",
}


@pytest.fixture(scope="module")
def directory(tmp_path_factory):
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('dir') / 'directory.db'}")
    create_schema(engine)
    with session_scope(engine) as session:
        load_bundled(session)
    yield engine
    engine.dispose()


def _resolve(engine, text: str) -> Area | None:
    with session_scope(engine) as session:
        return AreaIndex.build(session).resolve(text)


@pytest.mark.parametrize(
    "typed, code",
    [
        ("Cheltenham", "E07000078"),
        ("cheltnam", "E07000078"),
        ("GL52 3AB", "E07000078"),
        ("Blackburn", "E06000008"),
        ("darwen", "E06000008"),
        ("Leicester", "E06000016"),
        ("Loughborough", "E07000130"),
        ("Coventry", "E08000026"),
        ("Gloucestershire", "E10000013"),
        ("WR1 2AB", UNKNOWN),  # a real postcode district we hold no code for
    ],
)
def test_places_become_ons_codes_never_the_words(directory, typed, code):
    assert area_code(_resolve(directory, typed)) == code


def test_no_area_and_an_unplaced_answer_are_told_apart():
    assert area_code(None) == NOT_GIVEN
    assert area_code(Area(name="Atlantis", kind="unknown", postcode_district=None, containing=())) == UNKNOWN
    assert area_label("E07000078") == "Cheltenham (E07000078)"
    assert "county" in area_label("E10000013")


def test_an_event_from_a_real_search_at_2am_on_sunday(directory):
    now = datetime(2026, 12, 6, 2, 37, tzinfo=LONDON)  # a Sunday
    area = _resolve(directory, "Cheltenham")
    with session_scope(directory) as session:
        result = find_services(session, need=need_by_code("alcohol"), area=area, now=now,
                               person=Person(age=34, for_whom="self"))
    event = event_from_search(result, "sms")
    assert set(dataclasses.asdict(event)) == EVENT_FIELDS
    assert (event.kind, event.day, event.hour, event.channel) == ("ask", date(2026, 12, 6), 2, "sms")
    assert (event.need, event.area_code, event.for_whom, event.age_band) == ("alcohol", "E07000078", "self", "25 to 49")
    with session_scope(directory) as session:  # every local option, not only the best four
        every = find_services(session, need=need_by_code("alcohol"), area=area, now=now,
                              person=Person(age=34, for_whom="self"), limit=1000).local
    assert (result.local_count, result.local_open_count) == (len(every), sum(1 for m in every if m.status.open_now))
    assert event.local_fitted == min(len(every), MAX_COUNTED)
    assert event.local_open == min(sum(1 for m in every if m.status.open_now), event.local_fitted)
    assert event.out_of_hours_only is (not result.any_local_open)
    assert event.hour_of_week == 6 * 24 + 2
    # Nothing but short codes and small numbers: no text a person typed, no id, no minute.
    for value in dataclasses.asdict(event).values():
        assert value is None or isinstance(value, (bool, int, date)) or len(str(value)) <= 16


def test_someone_else_and_no_area(directory):
    now = datetime(2026, 12, 2, 14, 5, tzinfo=LONDON)
    with session_scope(directory) as session:
        result = find_services(session, need=need_by_code("family"), area=None, now=now,
                               person=Person(for_whom="someone_else", relationship="son"))
    event = event_from_search(result, "telegram")
    assert (event.for_whom, event.area_code, event.age_band, event.local_fitted) == (
        "someone_else", NOT_GIVEN, "not said", 0)
    assert event.out_of_hours_only is True


def test_crisis_events_hold_the_type_and_hour_only():
    event = crisis_event("overdose", datetime(2026, 12, 5, 23, 59, tzinfo=LONDON), "rest")
    assert (event.kind, event.crisis_type, event.channel, event.hour) == (CRISIS, "overdose", "web", 23)
    assert event.need is None and event.area_code is None and event.for_whom is None
    assert crisis_event(None, datetime(2026, 12, 5, 1, tzinfo=LONDON), None).crisis_type == "unspecified"


def test_bands_and_channels():
    assert [age_band(a) for a in (None, 15, 18, 24, 25, 50, 70)] == [
        "not said", "under 18", "18 to 24", "18 to 24", "25 to 49", "50 to 64", "65 and over"]
    assert [channel_name(c) for c in ("rest", "sms", "telegram", "cmdline", None)] == [
        "web", "sms", "telegram", "other", "other"]


def test_the_hour_is_uk_wall_clock_in_summer_time():
    event = crisis_event("suicidal", datetime(2026, 7, 1, 23, 30, tzinfo=LONDON), "sms")
    assert event.hour == 23
    utc = datetime.fromisoformat("2026-07-01T23:30:00+00:00")  # 00:30 on 2 July in London
    assert (crisis_event("suicidal", utc, "sms").day, crisis_event("suicidal", utc, "sms").hour) == (
        date(2026, 7, 2), 0)
