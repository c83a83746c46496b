"""Each custom action, run with real trackers against the bundled directory."""
from __future__ import annotations

import re
from datetime import datetime

import pytest

from actions.area_form import ValidateAreaForm
from actions.clock import now_for
from actions.confidentiality import ActionConfidentiality
from actions.emergency import ActionEmergency
from actions.find_services import ActionFindServices
from actions.note_need import ActionNoteNeed
from actions.opening_hours import ActionOpeningHours
from knowledge.bundled.loader import NATIONAL_FILE
from knowledge.hours.engine import LONDON
from tests.actions.conftest import make_tracker, run_action, slot_events, texts

pytestmark = pytest.mark.usefixtures("directory_database")

SUNDAY_2AM = "2026-11-29T02:00:00"
TUESDAY_11AM = "2026-11-24T11:00:00"


@pytest.fixture(autouse=True)
def clock_override(monkeypatch):
    monkeypatch.setenv("SIGNPOST_CLOCK_OVERRIDE", "1")


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def bundled_numbers() -> set[str]:
    """Every phone number the bundled directory holds, as digits."""
    return {_digits(n) for n in re.findall(r'"number":\s*"([^"]+)"', NATIONAL_FILE.read_text())}


def numbers_in(text: str) -> set[str]:
    """Phone-number-like runs in a reply, spaces allowed inside (116 123, 0300 123 1110).

    Short numbers (999, 111), text short codes (85258), 116 xxx and national numbers; not years ("2017").
    """
    runs = {_digits(m) for m in re.findall(r"\b\d[\d ]{1,14}\d\b", text)}
    return {digits for digits in runs if len(digits) in (3, 5, 6) or len(digits) >= 10}


# ------------------------------------------------------------------ action_note_need


def test_need_place_and_person_are_noted_from_one_message():
    tracker = make_tracker("need help with my drinkin in cheltenham", intent="help_alcohol")
    _, events = run_action(ActionNoteNeed(), tracker)
    assert slot_events(events) == {
        "need": "alcohol", "for_whom": "self", "area": "Cheltenham", "area_unrecognised": None,
    }


def test_the_embedding_page_presets_the_area():
    tracker = make_tracker("i want to stop drinking", intent="help_alcohol", metadata={"area": "Coventry"})
    _, events = run_action(ActionNoteNeed(), tracker)
    assert slot_events(events)["area"] == "Coventry"


def test_an_area_already_known_is_not_replaced_by_page_metadata():
    tracker = make_tracker(
        "help with drugs", intent="help_drugs", metadata={"area": "Coventry"}, slots={"area": "Leicester"}
    )
    _, events = run_action(ActionNoteNeed(), tracker)
    assert "area" not in slot_events(events)


def test_a_family_member_is_helped_as_someone_else():
    tracker = make_tracker(
        "worried about my sons drinking",
        intent="worried_about_someone",
        entities=[{"entity": "relationship", "value": "son"}],
    )
    _, events = run_action(ActionNoteNeed(), tracker)
    slots = slot_events(events)
    assert slots["need"] == "family" and slots["for_whom"] == "someone_else"
    assert "area" not in slots  # "son" is not a place


def test_a_young_person_s_age_is_noted():
    tracker = make_tracker("im 15 and i drink every weekend", intent="young_person")
    _, events = run_action(ActionNoteNeed(), tracker)
    assert slot_events(events)["age"] == 15.0


def test_a_place_given_later_keeps_the_need():
    tracker = make_tracker("what about leicester", intent="inform", slots={"need": "drugs", "for_whom": "self"})
    _, events = run_action(ActionNoteNeed(), tracker)
    assert slot_events(events) == {"area": "Leicester", "area_unrecognised": None}


# ------------------------------------------------------------------ validate_area_form


@pytest.mark.parametrize(
    "answer, area, unrecognised",
    [
        ("cheltnam", "Cheltenham", None),
        ("GL50 1AA", "GL50", None),
        ("skip", "anywhere", None),
        ("dont want to say", "anywhere", None),
        ("Narnia", "anywhere", "Narnia"),
        ("my son keeps drinking and i dont know what to do", "anywhere", None),
    ],
)
def test_the_area_answer_is_placed_or_moves_on(answer, area, unrecognised):
    tracker = make_tracker(answer, intent="inform", active_loop="area_form", slots={"requested_slot": "area"})
    result = pytest.importorskip("asyncio").run(
        ValidateAreaForm().validate_area(answer, None, tracker, {})
    )
    assert result == {"area": area, "area_unrecognised": unrecognised}


# ------------------------------------------------------------------ action_find_services


def test_at_2am_on_sunday_out_of_hours_help_leads_and_every_number_is_from_the_directory():
    tracker = make_tracker(
        "cheltenham", intent="inform", metadata={"now": SUNDAY_2AM},
        slots={"need": "alcohol", "for_whom": "self", "area": "Cheltenham"},
    )
    messages, _ = run_action(ActionFindServices(), tracker)
    reply = texts(messages)
    assert "Cheltenham" in messages[0]["text"]
    first_service = messages[1]["text"]
    assert "Open now" in first_service, "out of hours, the first option offered must be open"
    assert numbers_in(reply) - {"999"} <= bundled_numbers(), "a number in the reply is not in the directory"
    assert "message any time" in messages[-1]["text"].lower()


def test_in_office_hours_drinkline_is_open_for_a_drinking_question():
    tracker = make_tracker(
        "help with drinking", intent="help_alcohol", metadata={"now": TUESDAY_11AM},
        slots={"need": "alcohol", "for_whom": "self", "area": "anywhere"},
    )
    messages, _ = run_action(ActionFindServices(), tracker)
    drinkline = [m["text"] for m in messages if m["text"].startswith("Drinkline")]
    assert drinkline and "Open now until 8pm" in drinkline[0]


def test_a_place_we_do_not_know_is_said_plainly_and_national_help_follows():
    tracker = make_tracker(
        "Narnia", intent="inform", metadata={"now": SUNDAY_2AM},
        slots={"need": "drugs", "for_whom": "self", "area": "anywhere", "area_unrecognised": "Narnia"},
    )
    messages, _ = run_action(ActionFindServices(), tracker)
    reply = texts(messages)
    assert "Narnia" in reply and "FRANK" in reply


def test_a_family_member_gets_help_for_themselves_too():
    tracker = make_tracker(
        "coventry", intent="inform", metadata={"now": TUESDAY_11AM},
        slots={"need": "family", "for_whom": "someone_else", "relationship": "son", "area": "Coventry"},
    )
    messages, _ = run_action(ActionFindServices(), tracker)
    assert "for you" in texts(messages).lower()


def test_a_fifteen_year_old_is_never_offered_an_adults_only_service():
    tracker = make_tracker(
        "im 15", intent="young_person", metadata={"now": TUESDAY_11AM},
        slots={"need": "young_people", "for_whom": "self", "age": 15.0, "area": "anywhere"},
    )
    messages, _ = run_action(ActionFindServices(), tracker)
    reply = texts(messages)
    assert "Childline" in reply


# ------------------------------------------------------------------ action_opening_hours


def test_hours_of_a_named_service_at_the_conversation_s_time():
    tracker = make_tracker(
        "when is drinkline open", intent="opening_hours", metadata={"now": SUNDAY_2AM},
        entities=[{"entity": "service_name", "value": "drinkline"}],
    )
    messages, events = run_action(ActionOpeningHours(), tracker)
    assert "Closed now. Opens today at 11am" in texts(messages)
    assert slot_events(events)["service_name"] == "Drinkline"


def test_an_unknown_service_name_gets_a_way_forward():
    tracker = make_tracker("when is the zzzz project open", intent="opening_hours", metadata={"now": SUNDAY_2AM})
    messages, _ = run_action(ActionOpeningHours(), tracker)
    assert "couldn't find" in messages[0]["text"] and messages[0]["buttons"]


# ------------------------------------------------------------------ action_emergency


def test_emergency_guidance_comes_first_and_ends_the_question_in_progress():
    tracker = make_tracker(
        "he took too many pills", intent="emergency", active_loop="area_form",
        entities=[{"entity": "crisis_type", "value": "overdose"}], slots={"requested_slot": "area"},
    )
    messages, events = run_action(ActionEmergency(), tracker)
    assert "999" in messages[0]["text"]
    assert {"event": "active_loop", "name": None} in [
        {k: e.get(k) for k in ("event", "name")} for e in events
    ]


def test_suicidal_thoughts_get_samaritans():
    tracker = make_tracker("i want to end it all", intent="emergency",
                           entities=[{"entity": "crisis_type", "value": "suicidal"}])
    messages, events = run_action(ActionEmergency(), tracker)
    assert "116 123" in texts(messages)
    assert not [e for e in events if e.get("event") == "active_loop"], "no form was active, none to end"


def test_an_emergency_without_a_type_still_says_999():
    messages, _ = run_action(ActionEmergency(), make_tracker("help", intent="emergency"))
    assert "999" in messages[0]["text"]


# ------------------------------------------------------------------ action_confidentiality and the clock


def test_confidentiality_is_honest_about_the_exception():
    messages, _ = run_action(ActionConfidentiality(), make_tracker("will they tell social services",
                                                                   intent="ask_confidentiality"))
    assert "serious risk" in texts(messages)


def test_metadata_cannot_move_the_clock_unless_the_override_is_on(monkeypatch):
    assert now_for({"now": SUNDAY_2AM}) == datetime(2026, 11, 29, 2, 0, tzinfo=LONDON)
    monkeypatch.delenv("SIGNPOST_CLOCK_OVERRIDE")
    assert now_for({"now": SUNDAY_2AM}) != datetime(2026, 11, 29, 2, 0, tzinfo=LONDON)


# ------------------------------------------------------------------ when the directory cannot be read


@pytest.fixture
def broken_directory(tmp_path, monkeypatch):
    """A database with no directory in it (never initialised): every query fails."""
    from actions import directory

    monkeypatch.setenv("SIGNPOST_DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    directory.reset()
    yield
    directory.reset()


def test_without_a_directory_the_person_still_gets_lines_that_always_work(broken_directory, caplog):
    tracker = make_tracker(
        "need help with my drinking in cheltenham", intent="help_alcohol", metadata={"now": SUNDAY_2AM},
    )
    _, events = run_action(ActionNoteNeed(), tracker)
    assert "area" not in slot_events(events)
    tracker = make_tracker("skip", intent="inform", metadata={"now": SUNDAY_2AM},
                           slots={"need": "alcohol", "for_whom": "self", "area": "anywhere"})
    messages, _ = run_action(ActionFindServices(), tracker)
    reply = texts(messages)
    assert "999" in messages[0]["text"] and "116 123" in reply and "Open now" in reply
    assert "cheltenham" not in caplog.text.lower()


def test_without_a_directory_the_area_answer_moves_on(broken_directory):
    tracker = make_tracker("cheltenham", intent="inform", active_loop="area_form", slots={"requested_slot": "area"})
    result = pytest.importorskip("asyncio").run(ValidateAreaForm().validate_area("cheltenham", None, tracker, {}))
    assert result == {"area": "anywhere", "area_unrecognised": None}


def test_without_a_directory_opening_hours_still_answer(broken_directory):
    tracker = make_tracker("when is drinkline open", intent="opening_hours", metadata={"now": SUNDAY_2AM})
    messages, _ = run_action(ActionOpeningHours(), tracker)
    assert "999" in messages[0]["text"]
