"""Who is writing and for whom (actions/people.py), and need-plus-open-now questions (actions/open_now.py)."""
from __future__ import annotations

import pytest

from actions.open_now import asks_open_now, open_now_need_intent
from actions.people import read_message


@pytest.mark.parametrize(
    ("text", "writer_age", "other_age"),
    [
        ("im 14 and my mum drinks every day, i have to look after my little brother", 14, None),
        ("im 15 and i drink alot", 15, None),
        ("i’m 16 and my dad’s drinking scares me", 16, None),
        ("16 yrs old", 16, None),
        ("17", 17, None),
        ("aged 15", 15, None),
        ("my son is 15 and smokes weed", None, 15),
        ("my 16 year old daughter is drinking", None, 16),
        ("my son aged 15 drinks", None, 15),
        ("hes 17 and using ket", None, 17),
        ("i am 16 years old and my dad drinks", 16, None),
        ("my mum is 45 and im 14", 14, 45),
    ],
)
def test_the_writer_s_age_and_the_other_person_s_age_are_kept_apart(text, writer_age, other_age):
    said = read_message(text)
    assert (said.writer_age, said.other_age) == (writer_age, other_age)


@pytest.mark.parametrize(
    "text",
    [
        "im 10 days sober",
        "been drinking for 15 years",
        "12 weeks clean",
        "im 3 weeks into detox",
        "15 years sober this month",
        "i drink 10 pints a night",
        "stopped drinking 3 days ago",
        "im on 12 cans a day",
        "clean for 18 months",
        "im 2 years clean",
    ],
)
def test_durations_and_amounts_are_never_ages(text):
    said = read_message(text)
    assert said.writer_age is None and said.other_age is None


def test_an_age_next_to_a_duration_is_still_read():
    assert read_message("im 40 and been drinking for 20 years").writer_age == 40


@pytest.mark.parametrize(
    ("text", "whose", "relative"),
    [
        ("im 14 and my mum drinks every day, i have to look after my little brother", "someone_else", "mum"),
        ("since my wife died i drink alone every night", "self", None),
        ("my husband drinks every night and i cant cope anymore. im in worcester", "someone_else", "husband"),
        ("worried about my dads drinking", "someone_else", "dad"),
        ("i drink to forget since my husband left", "self", None),
        ("ive been using since my brother passed", "self", None),
        ("my drinking is out of control", "self", None),
        ("need help", None, None),
    ],
)
def test_whose_drinking_it_is(text, whose, relative):
    said = read_message(text)
    assert (said.whose_use, said.subject_relationship) == (whose, relative)


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("anywhere open today for clean works", "harm_reduction"),
        ("whats open for drink tonight", "help_alcohol"),
        ("what’s open tonight for needles", "harm_reduction"),
        ("is there anything open now for someone to talk to", "mental_health"),
        ("is there anywhere open tonight i can sleep", "homeless"),
        ("whats open now", "whats_open_now"),
        ("anyone open at 2am", "whats_open_now"),
        ("when is frank open", None),
        ("is the night line open tonight", None),
        ("what time does drinkline open", None),
        ("where can i get clean needles", None),
    ],
)
def test_a_need_plus_open_now_is_not_a_service_name(text, intent):
    assert open_now_need_intent(text) == intent


def test_open_now_is_heard_in_everyday_words():
    assert asks_open_now("anywhere open today for clean works")
    assert asks_open_now("is it open tonight")
    assert not asks_open_now("i want to stop drinking")
