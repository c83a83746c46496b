"""Reply size per channel (issue 8): the first answer shows at most three local options and the lines open now,
offers "more options" on every channel, and by SMS a whole turn fits three GSM-7 segments; an emergency reply's
first text is the 999 line alone.

Runs the real actions against a real directory: the bundled one (with the historical Blackburn records, which have
no contact details) plus the generated fictional county (tests/relevance/county.py).
"""
from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any, Iterator

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.find_services import ActionFindServices
from actions.more_options import ActionMoreOptions
from channels.render import choices_from_buttons, is_gsm7, render_sms, sms_segments, turn_segments
from replies.services import MORE_OPTIONS_BUTTON
from safety.crisis import CrisisType
from safety.guidance import emergency_guidance
from tests.relevance.county import build
from tests.support.directory import actions_directory

SLOTS = ("need", "area", "area_unrecognised", "relationship", "substance", "age", "writer_age", "for_whom",
         "wants_open_now", "privacy_notice_shown", "plan_ids", "more_options_shown")

SUNDAY_2AM = "2026-12-06T02:00:00+00:00"
TUESDAY_7PM = "2026-12-01T19:00:00+00:00"
TUESDAY_10AM = "2026-12-01T10:00:00+00:00"


@pytest.fixture
def county(tmp_path, monkeypatch) -> Iterator[str]:
    with actions_directory(tmp_path, monkeypatch, feed=build(), clock_override=True,
                           today=dt.date(2026, 11, 20)) as url:
        yield url


def tracker_for(channel: str, now: str, **slots: Any) -> Tracker:
    values = {name: None for name in SLOTS}
    values.update(slots)
    latest = {"text": "", "intent": {"name": "help_alcohol", "confidence": 1.0}, "entities": [],
              "metadata": {"now": now}}
    events = [{"event": "user", "text": "", "parse_data": latest, "metadata": {"now": now}, "input_channel": channel}]
    return Tracker("size-test", values, latest, events, False, None, {}, "action_listen")


def run(action, tracker: Tracker) -> tuple[list[dict], list[dict]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, {}))
    return dispatcher.messages, events


ISSUE_EXAMPLES = [
    # (slots, clock): a drinker at 2am, a worried family member in the evening and at 2am in Blackburn (whose
    # bundled records have no contact details), a 14-year-old worried about their mum, help anywhere.
    (dict(need="alcohol", area="Brackenford"), SUNDAY_2AM),
    (dict(need="family", area="Brackenford", for_whom="someone_else", relationship="husband", substance="alcohol"),
     TUESDAY_7PM),
    (dict(need="family", area="blackburn", for_whom="someone_else", relationship="son"), SUNDAY_2AM),
    (dict(need="family", area="Brackenford", for_whom="someone_else", relationship="mum", writer_age=14.0,
          substance="alcohol"), TUESDAY_10AM),
    (dict(need="alcohol", area="anywhere"), TUESDAY_10AM),
]


@pytest.mark.parametrize("notice_shown", [False, True])
@pytest.mark.parametrize("slots, now", ISSUE_EXAMPLES)
def test_by_sms_a_first_answer_fits_three_segments_and_offers_more(county, slots, now, notice_shown):
    messages, _events = run(ActionFindServices(), tracker_for("sms", now, privacy_notice_shown=notice_shown, **slots))
    rendered = render_sms(messages)
    assert turn_segments(rendered.messages) <= 3, rendered.messages
    assert all(is_gsm7(text) for text in rendered.messages)
    if slots.get("writer_age") is None and slots.get("area") != "blackburn":
        assert "More options" in [choice.title for choice in rendered.choices]
    assert "You can message any time, day or night." in rendered.messages[-1]


def test_by_sms_more_options_gives_the_next_ones_within_three_segments(county):
    slots = dict(need="alcohol", area="Brackenford", privacy_notice_shown=True)
    first, _ = run(ActionFindServices(), tracker_for("sms", TUESDAY_10AM, **slots))
    more, events = run(ActionMoreOptions(), tracker_for("sms", TUESDAY_10AM, **slots))
    first_text, more_text = render_sms(first).messages, render_sms(more).messages
    assert turn_segments(more_text) <= 3
    assert more_text[0].startswith("More options in Brackenford:")
    named = [line.split(":")[0] for line in more_text[0].splitlines()[1:] if ":" in line]
    assert named and not any(name in " ".join(first_text) for name in named)
    assert [e["value"] for e in events if e.get("name") == "more_options_shown"][0] == len(named)


def test_on_the_web_the_first_answer_has_at_most_three_local_options_and_a_more_options_button(county):
    messages, _ = run(ActionFindServices(), tracker_for("rest", TUESDAY_10AM, need="alcohol", area="Brackenford",
                                                        privacy_notice_shown=True))
    local = [m for m in messages if "Street, " in (m.get("text") or "")]  # local services give where they are
    assert 1 <= len(local) <= 3
    buttons = [c for m in messages for c in choices_from_buttons(m.get("buttons"))]
    assert MORE_OPTIONS_BUTTON["payload"] in [c.payload for c in buttons]


def test_a_place_with_only_uncontactable_records_says_so_plainly(county):
    messages, _ = run(ActionFindServices(), tracker_for("telegram", SUNDAY_2AM, need="alcohol", area="blackburn",
                                                        privacy_notice_shown=True))
    text = "\n".join(m.get("text") or "" for m in messages)
    assert "I don't have checked contact details for local services in Blackburn" in text
    assert "2013" not in text and "historical" not in text  # the old report's records are not offered


@pytest.mark.parametrize("crisis", ["overdose", "not_breathing", "suicidal", "withdrawal"])
def test_by_sms_an_emergency_reply_starts_with_the_999_line_alone(crisis):
    guidance = emergency_guidance(crisis)
    rendered = render_sms([{"text": text} for text in guidance])
    assert rendered.messages[0] == guidance[0] and "999" in guidance[0] and "\n" not in rendered.messages[0]
    assert sms_segments(rendered.messages[0]) == 1
    assert "".join(rendered.messages[1:]).replace("\n", "") == "".join(guidance[1:])


@pytest.mark.parametrize("crisis", [*CrisisType, None])
def test_by_sms_every_emergency_reply_fits_three_segments(crisis):
    rendered = render_sms([{"text": text} for text in emergency_guidance(crisis)])
    assert turn_segments(rendered.messages) <= 3
