"""action_note_need keeps the writer and the person written about apart, with real trackers and the bundled directory."""
from __future__ import annotations

import pytest

from actions.conversation import known_age, known_writer_age
from actions.note_need import ActionNoteNeed
from tests.actions.conftest import make_tracker, run_action, slot_events

pytestmark = pytest.mark.usefixtures("directory_database")


def _slots_after(text: str, intent: str, entities: list[dict] | None = None, slots: dict | None = None) -> dict:
    _, events = run_action(ActionNoteNeed(), make_tracker(text, intent=intent, entities=entities, slots=slots))
    return slot_events(events)


def test_a_fourteen_year_old_worried_about_mum_is_the_young_writer_and_mum_is_the_one_drinking():
    slots = _slots_after(
        "im 14 and my mum drinks every day, i have to look after my little brother",
        "young_person",
        entities=[{"entity": "relationship", "value": "brother"}, {"entity": "relationship", "value": "mum"}],
    )
    assert slots["writer_age"] == 14.0
    assert slots["for_whom"] == "someone_else"
    assert slots["relationship"] == "mum"
    assert "age" not in slots  # mum's age was not said


def test_the_writer_s_age_is_what_the_search_reads_as_theirs():
    tracker = make_tracker("", slots={"writer_age": 14.0, "for_whom": "someone_else", "age": None})
    assert known_writer_age(tracker) == 14
    assert known_age(tracker) is None
    self_tracker = make_tracker("", slots={"age": 16.0, "for_whom": "self"})
    assert known_writer_age(self_tracker) == 16


def test_a_widower_drinking_alone_is_about_his_own_drinking():
    slots = _slots_after(
        "since my wife died i drink alone every night",
        "worried_about_someone",
        entities=[{"entity": "relationship", "value": "wife"}],
    )
    assert slots["for_whom"] == "self"
    assert slots["need"] == "alcohol"
    assert slots["relationship"] is None


def test_a_partner_worried_about_her_husband_is_a_family_member():
    slots = _slots_after(
        "my husband drinks every night and i cant cope anymore. im in worcester",
        "worried_about_someone",
        entities=[{"entity": "relationship", "value": "husband"}],
    )
    assert (slots["need"], slots["for_whom"], slots["relationship"]) == ("family", "someone_else", "husband")


@pytest.mark.parametrize("text", ["im 10 days sober", "been drinking for 15 years", "12 weeks clean"])
def test_durations_never_become_ages(text):
    slots = _slots_after(text, "help_alcohol", entities=[{"entity": "age", "value": "10"}])
    assert "age" not in slots and "writer_age" not in slots


def test_a_young_person_s_own_age_is_theirs_and_the_helped_person_s():
    slots = _slots_after("im 15 and i drink alot", "young_person")
    assert slots["writer_age"] == 15.0 and slots["age"] == 15.0 and slots["for_whom"] == "self"


def test_a_parent_s_stated_child_age_is_the_age_of_the_person_helped():
    slots = _slots_after(
        "my son is 15 and smokes weed", "worried_about_someone", entities=[{"entity": "relationship", "value": "son"}]
    )
    assert slots["age"] == 15.0 and "writer_age" not in slots


def test_anywhere_open_today_for_clean_works_is_needles_open_now():
    slots = _slots_after("anywhere open today for clean works", "harm_reduction")
    assert slots["need"] == "harm_reduction" and slots["wants_open_now"] is True


def test_whats_open_tonight_for_a_need_keeps_the_need():
    slots = _slots_after("whats open tonight for needles", "whats_open_now")
    assert slots["need"] == "harm_reduction" and slots["wants_open_now"] is True


def test_a_plain_need_does_not_ask_for_open_now():
    assert "wants_open_now" not in _slots_after("i want help with my drinking", "help_alcohol")


def test_distress_without_danger_keeps_the_need_and_adds_one_support_line():
    messages, events = run_action(
        ActionNoteNeed(),
        make_tracker(
            "my husband drinks every night and i cant cope anymore. im in worcester",
            intent="worried_about_someone",
            entities=[{"entity": "relationship", "value": "husband"}],
        ),
    )
    assert slot_events(events)["need"] == "family"
    lines = [m["text"] for m in messages]
    assert len(lines) == 1 and "116 123" in lines[0] and "85258" in lines[0] and "999" not in lines[0]


def test_a_plain_need_gets_no_support_line():
    messages, _ = run_action(ActionNoteNeed(), make_tracker("need help with my drinking", intent="help_alcohol"))
    assert messages == []


def test_distress_given_as_the_answer_to_the_area_question_gets_the_support_line_and_moves_on():
    import asyncio

    from rasa_sdk.executor import CollectingDispatcher

    from actions.area_form import ValidateAreaForm

    dispatcher = CollectingDispatcher()
    tracker = make_tracker("i cant cope anymore", intent="mental_health", active_loop="area_form")
    result = asyncio.run(ValidateAreaForm().validate_area("i cant cope anymore", dispatcher, tracker, {}))
    assert result["area"] == "anywhere"
    assert ["116 123" in m["text"] for m in dispatcher.messages] == [True]
