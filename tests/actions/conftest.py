"""Actions run against a real directory (SQLite with the bundled data) and real rasa-sdk trackers."""
from __future__ import annotations

import asyncio
from typing import Any, Iterator

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from tests.support.directory import actions_directory

SLOTS = ("need", "area", "area_unrecognised", "relationship", "substance", "age", "writer_age", "for_whom",
         "wants_open_now",
         "service_name", "requested_slot")


@pytest.fixture
def directory_database(tmp_path, monkeypatch) -> Iterator[str]:
    with actions_directory(tmp_path, monkeypatch) as url:
        yield url


def make_tracker(
    text: str = "",
    *,
    intent: str | None = None,
    entities: list[dict] | None = None,
    metadata: dict | None = None,
    slots: dict[str, Any] | None = None,
    active_loop: str | None = None,
) -> Tracker:
    """A tracker as the Rasa server sends it to the action server after the latest user message."""
    latest = {
        "text": text,
        "intent": {"name": intent, "confidence": 1.0} if intent else {},
        "entities": entities or [],
        "metadata": metadata or {},
    }
    all_slots = {name: None for name in SLOTS}
    all_slots.update(slots or {})
    events = [{"event": "user", "text": text, "parse_data": latest, "metadata": metadata or {}}]
    return Tracker(
        sender_id="test-sender",
        slots=all_slots,
        latest_message=latest,
        events=events,
        paused=False,
        followup_action=None,
        active_loop={"name": active_loop} if active_loop else {},
        latest_action_name="action_listen",
    )


def run_action(action, tracker: Tracker, domain: dict | None = None) -> tuple[list[dict], list[dict]]:
    """Run an action as the SDK's executor would; returns (messages sent, events returned)."""
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, domain or {}))
    return dispatcher.messages, events


def texts(messages: list[dict]) -> str:
    return "\n".join(m.get("text") or "" for m in messages)


def slot_events(events: list[dict]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
