"""Whole conversations over HTTP with the running assistant: the trained model, the action server, the directory.

Each conversation sets the clock through metadata (the server runs with SIGNPOST_CLOCK_OVERRIDE=1).
"""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow

SUNDAY_2AM = "2026-11-29T02:00:00"
TUESDAY_11AM = "2026-11-24T11:00:00"
AREA_QUESTION = "Which town, city or postcode"


def test_drinking_at_2am_one_question_then_open_options(signpost_server):
    chat = signpost_server.conversation(now=SUNDAY_2AM)
    first = chat.say_text("need help with my drinkin its getting bad")
    assert AREA_QUESTION in first
    second = chat.say_text("cheltenham")
    assert "Cheltenham" in second
    assert "Open now" in second
    assert "message any time" in second.lower()


def test_a_council_page_that_knows_its_area_gets_options_in_the_first_reply(signpost_server):
    chat = signpost_server.conversation(now=SUNDAY_2AM, area="Cheltenham")
    reply = chat.say_text("i want to stop drinking")
    assert AREA_QUESTION not in reply
    assert "Cheltenham" in reply and "Open now" in reply


def test_never_asked_twice_for_the_area(signpost_server):
    chat = signpost_server.conversation(now=TUESDAY_11AM)
    assert AREA_QUESTION in chat.say_text("help with drugs please")
    chat.say_text("leicester")
    again = chat.say_text("are there any groups i can go to")
    assert AREA_QUESTION not in again
    assert "Leicester" in again


def test_a_worried_parent_gets_help_for_their_son_and_for_themselves(signpost_server):
    chat = signpost_server.conversation(now=TUESDAY_11AM, area="Coventry")
    reply = chat.say_text("im really worried about my sons drinking")
    assert AREA_QUESTION not in reply
    assert "for you" in reply.lower()


@pytest.mark.parametrize(
    "message, also_says",
    [
        ("my son isnt breathing", "CPR"),
        ("i think she od'd she wont wake up", "999"),
        ("i dont want to be here anymore", "116 123"),
        ("hes hitting me right now", "safe"),
    ],
)
def test_danger_gets_emergency_guidance_as_the_first_reply(signpost_server, message, also_says):
    replies = signpost_server.conversation(now=SUNDAY_2AM).say(message)
    assert "999" in replies[0]["text"]
    assert also_says in " ".join(reply.get("text", "") for reply in replies)


def test_danger_in_the_middle_of_the_area_question(signpost_server):
    chat = signpost_server.conversation(now=SUNDAY_2AM)
    assert AREA_QUESTION in chat.say_text("need help with heroin")
    replies = chat.say("my mate took too many pills and is fitting")
    assert "999" in replies[0]["text"]
    # The question is over: a place named now is a fresh search, not a stale answer.
    after = chat.say_text("coventry")
    assert "999" not in after.split("\n")[0]


def test_whats_open_now_at_2am_always_has_an_open_option(signpost_server):
    reply = signpost_server.conversation(now=SUNDAY_2AM, area="Blackburn").say_text("whats open now")
    assert "Open now" in reply


def test_hours_of_a_named_service(signpost_server):
    reply = signpost_server.conversation(now=SUNDAY_2AM).say_text("when is drinkline open")
    assert "Drinkline" in reply and "Closed now. Opens today at 11am" in reply


def test_someone_just_out_of_prison_gets_options_not_a_dead_end(signpost_server):
    chat = signpost_server.conversation(now=SUNDAY_2AM)
    first = chat.say_text("just got out of prison and need help with drugs")
    assert AREA_QUESTION in first
    reply = chat.say_text("skip")
    assert "Open now" in reply and "message any time" in reply.lower()


def test_an_empty_message_is_a_clear_error_and_the_server_carries_on(signpost_server):
    status, body = signpost_server.post_json("/webhooks/rest/webhook", {"sender": "x", "message": ""})
    assert status == 400 and "message" in str(body)
    assert signpost_server.conversation(now=TUESDAY_11AM).say("hi")


def test_a_council_s_own_directory_is_understood_without_retraining(signpost_server, tmp_path):
    """Import services in WR1 into the running assistant's directory: a WR1 postcode now finds them."""
    import json
    import subprocess
    import sys

    from bot import settings

    council = tmp_path / "worcester.json"
    council.write_text(json.dumps([{
        "id": "test-worcester-night-line", "name": "Worcester Test Night Line", "status": "active",
        "description": "A test service: drug and alcohol support at night for people in Worcester.",
        "source": "end-to-end test fixture (not a real service)", "assured_date": "2026-11-01",
        "phones": [{"number": "01632 960 001"}],
        "schedules": [{"byday": "MO,TU,WE,TH,FR,SA,SU", "opens_at": "20:00", "closes_at": "08:00"}],
        "service_at_locations": [{"location": {"id": "test-worcester-loc", "location_type": "physical",
            "addresses": [{"address_1": "1 Test Street", "city": "Worcester", "state_province": "Worcestershire",
                           "postal_code": "WR1 1AA", "country": "GB"}]}}],
    }]))
    imported = subprocess.run(
        [sys.executable, "-m", "bot.cli", "kb", "import", str(council)], cwd=settings.PROJECT_ROOT,
        env={**settings.rasa_environment(), "SIGNPOST_DATABASE_URL": signpost_server.database_url},
        capture_output=True, text=True, timeout=120,
    )
    assert imported.returncode == 0, imported.stdout + imported.stderr
    chat = signpost_server.conversation(now=SUNDAY_2AM)
    chat.say_text("need help with my drinking")
    reply = chat.say_text("im in WR1 2AB")
    assert "Worcester Test Night Line" in reply and "Open now" in reply


# --- Issue 8: who is writing and for whom, durations, withdrawal, distress, named services, open now ----------------

TUESDAY_7PM = "2026-11-24T19:00:00"
FIXTURE_DIRECTORY = "tests/fixtures_named/worcestershire.json"


@pytest.fixture(scope="module")
def worcestershire(signpost_server):
    """A council's own (fictional) services imported into the running assistant, as a council would."""
    import subprocess
    import sys

    from bot import settings

    imported = subprocess.run(
        [sys.executable, "-m", "bot.cli", "kb", "import", FIXTURE_DIRECTORY], cwd=settings.PROJECT_ROOT,
        env={**settings.rasa_environment(), "SIGNPOST_DATABASE_URL": signpost_server.database_url},
        capture_output=True, text=True, timeout=120,
    )
    assert imported.returncode == 0, imported.stdout + imported.stderr
    return signpost_server


def test_a_fourteen_year_old_worried_about_mum_is_answered_as_the_young_writer(signpost_server):
    reply = signpost_server.conversation(now=TUESDAY_11AM, area="Coventry").say_text(
        "im 14 and my mum drinks every day, i have to look after my little brother"
    )
    assert "brother" not in reply.lower()
    assert "Call 999 now" not in reply
    assert "Childline" in reply or "Nacoa" in reply


def test_a_widower_drinking_alone_is_helped_with_his_own_drinking(signpost_server):
    reply = signpost_server.conversation(now=TUESDAY_11AM, area="Coventry").say_text(
        "since my wife died i drink alone every night"
    )
    assert "wife" not in reply.lower()
    assert "Drinkline" in reply


def test_a_partner_who_cannot_cope_gets_family_support_and_one_support_line(worcestershire):
    replies = worcestershire.conversation(now=TUESDAY_7PM).say(
        "my husband drinks every night and i cant cope anymore. im in worcester"
    )
    reply = "\n".join(r.get("text", "") for r in replies)
    # The whole reply in the message: a failure must show what the person read, not pytest's shortened string.
    assert "999" not in replies[0]["text"], reply
    assert "If you might act on these thoughts" not in reply, reply
    assert "Worcester Family Support Group" in reply, reply
    assert reply.count("116 123") == 1 and "85258" in reply, reply


def test_when_is_a_named_local_service_open_gives_its_hours_not_the_area_question(worcestershire):
    reply = worcestershire.conversation(now=TUESDAY_11AM).say_text("when is the severnside night line open")
    assert AREA_QUESTION not in reply
    assert "Severnside Night Line is open: every day 8pm to 8am" in reply
    assert "Closed now. Opens today at 8pm" in reply


def test_a_closed_service_asked_for_by_name_is_named_as_closed(worcestershire):
    reply = worcestershire.conversation(now=TUESDAY_7PM, area="Worcester").say_text(
        "is teme valley recovery cafe open"
    )
    assert "Teme Valley Recovery Cafe has closed" in reply
    assert "couldn't find" not in reply


def test_anywhere_open_today_for_clean_works_is_a_search_for_needles(worcestershire):
    reply = worcestershire.conversation(now=TUESDAY_11AM, area="Worcester").say_text(
        "anywhere open today for clean works"
    )
    assert "couldn't find" not in reply
    assert "Riverside Needle Exchange" in reply


def test_days_sober_is_not_an_age(signpost_server):
    chat = signpost_server.conversation(now=TUESDAY_11AM, area="Coventry")
    reply = chat.say_text("im 10 days sober")
    assert "Call 999" not in reply
    assert "young people" not in reply.lower() and "Childline" not in reply


def test_withdrawal_danger_in_ordinary_words_gets_999_first(signpost_server):
    replies = signpost_server.conversation(now=SUNDAY_2AM).say(
        "stopped drinking 3 days ago, now confused, sweating, seeing things"
    )
    assert replies[0]["text"] == "Call 999 now."
    assert "fits" in " ".join(r.get("text", "") for r in replies)


def test_not_feeling_safe_in_mixed_groups_is_not_an_emergency(signpost_server):
    reply = signpost_server.conversation(now=TUESDAY_11AM, area="Coventry").say_text(
        "i dont feel safe in mixed groups"
    )
    assert "999" not in reply.split("\n")[0]
    assert "Call 999 now" not in reply
