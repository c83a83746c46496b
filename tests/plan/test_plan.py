"""A plan to keep: chosen from the search answer, facts read fresh, short on SMS, one message elsewhere, a view
for the widget; offered after the options, before the open door."""
from __future__ import annotations

import datetime as dt

import pytest

from actions.find_services import ActionFindServices
from actions.plan import PLAN_SLOT, WIDGET_PAYLOAD_KEY, ActionSendPlan
from channels.render import is_gsm7, sms_segments
from knowledge.hours.engine import LONDON
from replies.plan import OFFER, plan_ids
from replies.services import OPEN_DOOR
from tests.actions.conftest import make_tracker, run_action, slot_events, texts
from tests.plan.conftest import ALCOHOL_SERVICE, RECOVERY_HUB, SUNDAY_2AM, TUESDAY_11AM
from tests.support.plain_english import blaming_words, flesch_reading_ease

pytestmark = pytest.mark.usefixtures("directory_database")


def search(area="Oakhaven", need="alcohol", now=SUNDAY_2AM, **slots):
    tracker = make_tracker("need help with my drinking", intent="help_alcohol", metadata={"now": now},
                           slots={"need": need, "area": area, "for_whom": "self", "privacy_notice_shown": True,
                                  **slots})
    return run_action(ActionFindServices(), tracker)


def plan(ids, channel, now=SUNDAY_2AM, **slots):
    tracker = make_tracker("/ask_plan", intent="ask_plan", metadata={"now": now},
                           slots={PLAN_SLOT: ids, "need": "alcohol", "for_whom": "self", **slots})
    tracker.events[0]["input_channel"] = channel
    tracker.latest_message["input_channel"] = channel
    return run_action(ActionSendPlan(), tracker)


def offered(messages) -> list[str]:
    return [b["payload"] for m in messages for b in m.get("buttons") or []]


def test_the_offer_follows_the_services_and_the_open_door_stays_last():
    messages, events = search()
    said = [m.get("text") for m in messages]
    assert said[-1] == OPEN_DOOR
    with_buttons = [i for i, m in enumerate(messages) if m.get("buttons")]
    assert with_buttons and with_buttons[-1] == len(messages) - 2, "the choices come just before the open door"
    assert OFFER in said
    assert "/ask_plan" in offered(messages)
    ids = slot_events(events)[PLAN_SLOT]
    assert ids[:2] == [ALCOHOL_SERVICE, RECOVERY_HUB]
    assert all(isinstance(i, str) for i in ids), "the slot holds ids only"


def test_no_call_back_button_without_a_route(monkeypatch):
    monkeypatch.delenv("SIGNPOST_REFERRAL_ROUTES", raising=False)
    messages, _ = search()
    assert "/ask_plan" in offered(messages) and "/ask_callback" not in offered(messages)


def test_a_call_back_button_where_a_service_takes_requests(routes_file):
    messages, _ = search()
    assert "/ask_callback" in offered(messages)


def test_sms_plan_fits_in_two_segments_of_plain_characters():
    _, events = search()
    messages, _ = plan(slot_events(events)[PLAN_SLOT], "sms")
    (text,) = [m["text"] for m in messages]
    assert is_gsm7(text) and sms_segments(text) <= 2, (sms_segments(text), text)
    assert "01632 960101" in text and "01632 960102" in text
    assert "refer myself" in text and "999" in text and "any time" in text


def test_telegram_plan_is_one_message_with_hours_what_to_say_and_lines_for_any_hour():
    _, events = search()
    messages, _ = plan(slot_events(events)[PLAN_SLOT], "telegram")
    (text,) = [m["text"] for m in messages]
    assert "Oakhaven Alcohol Service" in text and "Next opens tomorrow at 9am" in text
    assert "At 1 Mill Lane, Oakhaven XX1 1AA." in text
    assert "\"Hi, I'd like to refer myself for help with drinking.\"" in text
    assert "At any hour:" in text and text.endswith(OPEN_DOOR)
    assert flesch_reading_ease(text) >= 60 and blaming_words(text) == []


def test_the_plan_says_what_is_true_when_it_is_read_not_when_it_was_offered():
    _, events = search(now=SUNDAY_2AM)
    messages, _ = plan(slot_events(events)[PLAN_SLOT], "telegram", now=TUESDAY_11AM)
    assert "Open until 5pm" in messages[0]["text"]


def test_the_widget_gets_a_view_to_show_after_its_warning():
    _, events = search()
    messages, _ = plan(slot_events(events)[PLAN_SLOT], "rest")
    view = next(m["custom"][WIDGET_PAYLOAD_KEY] for m in messages if m.get("custom"))
    assert [s["name"] for s in view["services"]][:2] == ["Oakhaven Alcohol Service", "Oakhaven Recovery Hub"]
    assert view["say"].startswith("Hi, I'd like to refer myself") and view["lines"]
    assert "not saved on this device" in texts(messages)


def test_for_a_family_member_the_words_are_about_the_person_they_worry_about():
    _, events = search(need="family", for_whom="someone_else", relationship="son")
    messages, _ = plan(slot_events(events)[PLAN_SLOT], "telegram", need="family", for_whom="someone_else",
                       relationship="son")
    assert "I'm calling about my son" in messages[0]["text"]


def test_no_plan_before_any_search():
    messages, _ = plan(None, "sms")
    assert "I don't have any services to put in a plan yet" in texts(messages)


def test_a_service_closed_since_the_search_is_left_out(directory_database):
    from sqlalchemy import update

    from knowledge.store.db import make_engine, session_scope
    from knowledge.store.models import Service

    _, events = search()
    engine = make_engine(directory_database)
    with session_scope(engine) as session:
        session.execute(update(Service).where(Service.id == ALCOHOL_SERVICE).values(status="defunct"))
    engine.dispose()
    messages, _ = plan(slot_events(events)[PLAN_SLOT], "telegram")
    assert "Oakhaven Alcohol Service" not in messages[0]["text"] and "Oakhaven Recovery Hub" in messages[0]["text"]


def test_plan_ids_prefer_local_services_with_checked_contacts(directory_database):
    from knowledge.needs.catalogue import need_by_code
    from knowledge.places.areas import AreaIndex
    from knowledge.search.finder import find_services
    from knowledge.store.db import make_engine, session_scope

    engine = make_engine(directory_database)
    with session_scope(engine) as session:
        area = AreaIndex.build(session).resolve("Oakhaven")
        result = find_services(session, need=need_by_code("alcohol"), area=area,
                               now=dt.datetime(2026, 11, 29, 2, tzinfo=LONDON))
        ids = plan_ids(result)
    engine.dispose()
    assert ids[:2] == [ALCOHOL_SERVICE, RECOVERY_HUB] and 3 <= len(ids) <= 5


def test_the_offer_buttons_get_through_the_channels_command_filter():
    from channels.commands import neutralise

    for button in messages_buttons():
        assert neutralise(button) == button
    assert neutralise("/ask_plan{\"x\": 1}") != "/ask_plan{\"x\": 1}"


def messages_buttons() -> list[str]:
    from replies.plan import CALLBACK_BUTTON, OFFER_BUTTON

    return [OFFER_BUTTON["payload"], CALLBACK_BUTTON["payload"]]
