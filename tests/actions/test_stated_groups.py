"""A writer who says she is a woman, or asks for a women-only group, can be offered one; a student, the university's
service. Services made for a special group are offered only to people in it (knowledge/ranking/groups.py), so
without this a women's recovery group could never be offered to anyone."""
from __future__ import annotations

import datetime as dt
from typing import Iterator

import pytest

from actions.find_services import ActionFindServices
from actions.note_need import ActionNoteNeed
from actions.people import stated_groups
from tests.actions.conftest import make_tracker, run_action, slot_events, texts
from tests.relevance.county import build
from tests.support.directory import actions_directory

MONDAY_10AM = "2026-11-30T10:00:00+00:00"


@pytest.mark.parametrize(
    ("text", "groups"),
    [
        ("i dont feel safe in mixed groups, is there a women only one", ("women",)),
        ("any womens groups near me", ("women",)),
        ("im a woman and i drink too much", ("women",)),
        ("im a student at brackenford uni and i drink too much", ("students",)),
        ("freshers week got out of hand, now i cant stop", ("students",)),
        ("im a woman and a student", ("women", "students")),
        ("i want to stop drinking", ()),
        ("my wife drinks every night", ()),
        ("unit 4 of my course is on alcohol", ()),
    ],
)
def test_what_a_message_says_about_the_writer_s_group(text, groups):
    assert stated_groups(text) == groups


@pytest.fixture
def county(tmp_path, monkeypatch) -> Iterator[str]:
    with actions_directory(tmp_path, monkeypatch, feed=build(), clock_override=True,
                           today=dt.date(2026, 11, 20)) as url:
        yield url


def test_a_stated_group_is_kept_and_added_to(county):
    _, events = run_action(ActionNoteNeed(), make_tracker("is there a women only group", intent="peer_support"))
    assert slot_events(events)["groups"] == ["women"]
    _, events = run_action(
        ActionNoteNeed(), make_tracker("im a student too", intent="inform", slots={"groups": ["women"]})
    )
    assert slot_events(events)["groups"] == ["women", "students"]


def test_a_woman_asking_for_a_women_only_group_is_offered_one_and_no_one_else_is(county):
    slots = {"need": "peer_support", "area": "Brackenford", "for_whom": "self"}
    asked = make_tracker("a women only group please", intent="peer_support", metadata={"now": MONDAY_10AM},
                         slots={**slots, "groups": ["women"]})
    messages, _ = run_action(ActionFindServices(), asked)
    assert "Brackenford Women's Recovery Group" in texts(messages)
    not_asked = make_tracker("any groups", intent="peer_support", metadata={"now": MONDAY_10AM}, slots=slots)
    messages, _ = run_action(ActionFindServices(), not_asked)
    assert "Women's Recovery Group" not in texts(messages)
