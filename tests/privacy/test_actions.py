"""The notice and action_forget_me as the action server runs them (real rasa-sdk trackers), and their wording."""
from __future__ import annotations

import asyncio

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.emergency import ActionEmergency
from actions.privacy import (
    FORGOTTEN,
    NOTICE_SLOT,
    OPEN_DOOR,
    ActionForgetMe,
    ActionPrivacyNotice,
    privacy_notice,
    retention_phrase,
)
from bot.components.privacy import is_forget_me_request
from tests.support.plain_english import blaming_words, flesch_reading_ease


def tracker(text: str, intent: str, *, notice_shown: bool | None = None, active_loop: str | None = None,
            entities: list | None = None) -> Tracker:
    latest = {"text": text, "intent": {"name": intent, "confidence": 1.0}, "entities": entities or []}
    return Tracker(
        sender_id="rest:test", slots={NOTICE_SLOT: notice_shown, "requested_slot": "area" if active_loop else None},
        latest_message=latest, events=[], paused=False, followup_action=None,
        active_loop={"name": active_loop} if active_loop else {}, latest_action_name="action_listen",
    )


def run(action, tracker: Tracker) -> tuple[list[str], list[dict]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, {}))
    return [m.get("text") or "" for m in dispatcher.messages], events


def test_the_notice_is_sent_once_and_remembered():
    texts, events = run(ActionPrivacyNotice(), tracker("hi", "greet"))
    assert texts == [privacy_notice()]
    assert events == [{"event": "slot", "timestamp": None, "name": NOTICE_SLOT, "value": True}]
    assert run(ActionPrivacyNotice(), tracker("hi", "greet", notice_shown=True)) == ([], [])


def test_the_emergency_guidance_comes_before_the_notice():
    texts, _ = run(ActionEmergency(), tracker("my son isnt breathing", "emergency",
                                              entities=[{"entity": "crisis_type", "value": "not_breathing"}]))
    assert "999" in texts[0]
    assert texts[-1] == privacy_notice() and texts.count(privacy_notice()) == 1


def test_the_notice_says_what_is_kept_how_long_who_can_read_it_and_how_to_delete_it(monkeypatch):
    monkeypatch.setenv("SIGNPOST_RETENTION_HOURS", "72")
    notice = privacy_notice()
    assert "what you write" in notice and "3 days" in notice
    assert "council team" in notice and "can read it" in notice
    assert '"forget me"' in notice and is_forget_me_request("forget me")
    assert notice.endswith(OPEN_DOOR)


@pytest.mark.parametrize("hours, phrase", [(24, "24 hours"), (1, "1 hour"), (0.5, "30 minutes"), (48, "2 days"),
                                           (36, "36 hours")])
def test_retention_in_plain_words(hours, phrase):
    assert retention_phrase(hours) == phrase


@pytest.mark.parametrize("text", [privacy_notice(24), FORGOTTEN])
def test_privacy_texts_are_plain_short_and_kind(text):
    assert flesch_reading_ease(text) >= 60
    assert blaming_words(text) == []
    assert len(text.split()) <= 50


def test_forget_me_confirms_and_ends_the_question_in_progress():
    texts, events = run(ActionForgetMe(), tracker("forget me", "forget_me", active_loop="area_form"))
    assert texts == [FORGOTTEN] and "deleted" in FORGOTTEN and "start again" in FORGOTTEN
    assert {"event": "active_loop", "name": None} in [{k: e.get(k) for k in ("event", "name")} for e in events]


@pytest.mark.parametrize("text", ["forget me", "Forget me!", "please forget me", "forgt me pls", "foget me",
                                  "delete my messages", "delete this chat", "wipe this conversation",
                                  "delet my msgs", "can you delete everything i said", "erase my data",
                                  "Delete my history please", "remove my details"])
def test_plain_requests_to_delete_are_recognised(text):
    assert is_forget_me_request(text)


@pytest.mark.parametrize("text", ["forget it", "how do i delete my account on facebook", "forget me i want to die",
                                  "i want to stop drinking", "i keep forgetting my meds", "delete",
                                  "do you save these messages", "how do i delete my messages"])
def test_other_messages_are_not_forced(text):
    assert not is_forget_me_request(text)
