"""The conversation store keeps conversations only for the retention period and erases one at once on request.

The real PrivateSQLTrackerStore with real DialogueStateTrackers, on SQLite and on PostgreSQL (tracker_store_url).
"""
from __future__ import annotations

import asyncio
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta, timezone
from typing import Optional

import pytest
import sqlalchemy as sa
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot import settings
from bot.tracker_store import PrivateSQLTrackerStore, asked_to_forget

HOUR = 3600.0
DOMAIN = Domain.load(str(settings.DOMAIN))


def run(coroutine):
    return asyncio.run(coroutine)


def turn(tracker: DialogueStateTracker, text: str, intent: str, action: str, at: float) -> None:
    """One user message and the assistant's answer, at time ``at``."""
    tracker.update(UserUttered(text, intent={"name": intent, "confidence": 1.0}, timestamp=at))
    tracker.update(ActionExecuted(action, timestamp=at + 0.1))
    tracker.update(BotUttered("an answer", timestamp=at + 0.2))
    tracker.update(ActionExecuted("action_listen", timestamp=at + 0.3))


def conversation(sender: str, at: float) -> DialogueStateTracker:
    tracker = DialogueStateTracker(sender, DOMAIN.slots)
    tracker.update(ActionExecuted("action_session_start", timestamp=at))
    tracker.update(SessionStarted(timestamp=at))
    tracker.update(ActionExecuted("action_listen", timestamp=at))
    turn(tracker, "need help with my drinking", "help_alcohol", "action_find_services", at + 1)
    return tracker


def stored_events(store: PrivateSQLTrackerStore, sender: str) -> int:
    events = store.SQLEvent.__table__
    with store.engine.connect() as connection:
        return connection.execute(
            sa.select(sa.func.count()).select_from(events).where(events.c.sender_id == sender)
        ).scalar_one()


@pytest.fixture
def store(tracker_store_url):
    store = PrivateSQLTrackerStore(domain=DOMAIN, host=tracker_store_url, retention_hours=24)
    yield store
    store.engine.dispose()


# ------------------------------------------------------------------ retention


def test_purge_removes_conversations_whose_latest_event_is_older_and_keeps_the_rest(store):
    now = time.time()
    run(store.save(conversation("rest:old", now - 48 * HOUR)))
    ongoing = conversation("rest:ongoing", now - 48 * HOUR)  # began two days ago, still talking an hour ago
    turn(ongoing, "whats open now", "whats_open_now", "action_find_services", now - HOUR)
    run(store.save(ongoing))
    run(store.save(conversation("rest:new", now - 60)))
    assert store.count_conversations() == 3

    removed = store.purge(datetime.fromtimestamp(now - 24 * HOUR, tz=timezone.utc))

    assert removed == 1
    assert stored_events(store, "rest:old") == 0
    assert run(store.retrieve("rest:old")) is None
    assert stored_events(store, "rest:ongoing") == len(ongoing.events), "a kept conversation is kept whole"
    assert stored_events(store, "rest:new") > 0
    assert store.purge_expired() == 0, "nothing left past the retention period"


def test_expired_conversations_are_removed_when_the_store_starts(tracker_store_url):
    first = PrivateSQLTrackerStore(domain=DOMAIN, host=tracker_store_url, retention_hours=24)
    run(first.save(conversation("sms:stale", time.time() - 25 * HOUR)))
    run(first.save(conversation("sms:fresh", time.time() - 23 * HOUR)))
    first.engine.dispose()

    restarted = PrivateSQLTrackerStore(domain=DOMAIN, host=tracker_store_url, retention_hours=24)
    try:
        assert restarted.removed_at_start == 1
        assert stored_events(restarted, "sms:stale") == 0
        assert stored_events(restarted, "sms:fresh") > 0
    finally:
        restarted.engine.dispose()


def test_a_long_running_store_purges_again_when_it_is_due(tracker_store_url):
    store = PrivateSQLTrackerStore(domain=DOMAIN, host=tracker_store_url, retention_hours=1, purge_every_minutes=0)
    try:
        run(store.save(conversation("rest:yesterday", time.time() - 5 * HOUR)))
        # Saved after the start-up purge; the next read purges it (due every 0 minutes here, 10 by default).
        assert run(store.retrieve("rest:yesterday")) is None
    finally:
        store.engine.dispose()


def test_retention_comes_from_the_environment_and_must_be_positive(monkeypatch, tmp_path):
    url = f"sqlite:///{tmp_path / 'c.db'}"
    monkeypatch.setenv("SIGNPOST_RETENTION_HOURS", "6")
    store = PrivateSQLTrackerStore(domain=DOMAIN, host=url)
    assert store.retention == timedelta(hours=6)
    store.engine.dispose()
    monkeypatch.setenv("SIGNPOST_RETENTION_HOURS", "0")
    with pytest.raises(ValueError, match="more than 0"):
        PrivateSQLTrackerStore(domain=DOMAIN, host=url)
    monkeypatch.delenv("SIGNPOST_RETENTION_HOURS")
    assert settings.retention_hours() == 24


def test_the_store_defaults_to_sqlite_in_var(monkeypatch):
    monkeypatch.delenv("SIGNPOST_TRACKER_URL", raising=False)
    assert settings.tracker_url() == f"sqlite:///{settings.VAR_DIR / 'conversations.db'}"


# ------------------------------------------------------------------ erasure


def test_forget_me_erases_every_stored_event_of_that_person_and_nothing_else(store):
    now = time.time()
    run(store.save(conversation("rest:person", now - 3 * HOUR)))
    # The same person comes back later: Rasa retrieves the tracker and starts a second session on it.
    person = run(store.retrieve("rest:person"))
    person.update(ActionExecuted("action_session_start", timestamp=now - 600))
    person.update(SessionStarted(timestamp=now - 600))
    person.update(ActionExecuted("action_listen", timestamp=now - 600))
    turn(person, "whats open now", "whats_open_now", "action_find_services", now - 599)
    run(store.save(person))
    other = conversation("rest:someone-else", now - 300)
    run(store.save(other))
    assert stored_events(store, "rest:person") == 14, "two sessions of seven events"

    turn(person, "forget me", "forget_me", "action_forget_me", now)
    assert asked_to_forget(person)
    run(store.save(person))

    assert stored_events(store, "rest:person") == 0, "every session, this turn included"
    assert stored_events(store, "rest:someone-else") == len(other.events)


def test_after_forget_me_the_next_message_starts_a_fresh_conversation(store):
    now = time.time()
    person = conversation("rest:person", now - 60)
    turn(person, "delete this chat", "forget_me", "action_forget_me", now)
    run(store.save(person))

    fresh = run(store.get_or_create_tracker("rest:person"))
    assert not any(isinstance(e, UserUttered) for e in fresh.events)
    fresh.update(UserUttered("hello", intent={"name": "greet", "confidence": 1.0}))
    run(store.save(fresh))
    again = run(store.retrieve("rest:person"))
    assert [e.text for e in again.events if isinstance(e, UserUttered)] == ["hello"]


def test_only_the_latest_turn_decides():
    tracker = conversation("rest:x", time.time())
    assert not asked_to_forget(tracker)
    turn(tracker, "forget me", "forget_me", "action_forget_me", time.time())
    assert asked_to_forget(tracker)
    turn(tracker, "hi", "greet", "utter_greet", time.time())
    assert not asked_to_forget(tracker)


# ------------------------------------------------------------------ signpost purge


def test_signpost_purge_says_how_many_it_removed_and_never_which(tmp_path):
    url = f"sqlite:///{tmp_path / 'conversations.db'}"
    store = PrivateSQLTrackerStore(domain=DOMAIN, host=url, retention_hours=24)
    senders = ["sms:aaaa1111", "telegram:bbbb2222", "rest:cccc3333"]
    run(store.save(conversation(senders[0], time.time() - 30 * HOUR)))
    run(store.save(conversation(senders[1], time.time() - 26 * HOUR)))
    run(store.save(conversation(senders[2], time.time() - 60)))
    store.engine.dispose()

    env = {**settings.rasa_environment(), "SIGNPOST_TRACKER_URL": url, "SIGNPOST_RETENTION_HOURS": "24"}
    result = subprocess.run([sys.executable, "-m", "bot.cli", "purge"], cwd=settings.PROJECT_ROOT, env=env,
                            capture_output=True, text=True, timeout=300)

    assert result.returncode == 0, result.stderr[-2000:]
    assert "Removed 2 conversation(s) older than 24 hours; 1 kept." in result.stdout
    output = result.stdout + result.stderr
    assert not [s for s in senders if s in output or s.split(":")[1] in output]


# ------------------------------------------------------------------ retention per conversation


def new_session(tracker: DialogueStateTracker, at: float) -> None:
    """What Rasa adds when a person comes back after the session expired (action_session_start's events)."""
    tracker.update(ActionExecuted("action_session_start", timestamp=at))
    tracker.update(SessionStarted(timestamp=at))
    tracker.update(ActionExecuted("action_listen", timestamp=at))


def user_texts(tracker: Optional[DialogueStateTracker]) -> list[str]:
    return [e.text for e in tracker.events if isinstance(e, UserUttered)] if tracker else []


def test_each_conversation_is_removed_a_day_after_its_own_last_message(store):
    now = time.time()
    person = conversation("sms:returning", now - 30 * HOUR)  # a conversation yesterday...
    run(store.save(person))
    person = run(store.retrieve("sms:returning"))
    new_session(person, now - HOUR)  # ...and another one an hour ago
    turn(person, "whats open now", "whats_open_now", "action_find_services", now - HOUR + 1)
    run(store.save(person))
    assert store.count_conversations() == 2

    assert store.purge_expired() == 1, "yesterday's conversation only"

    kept = run(store.retrieve_full_tracker("sms:returning"))
    assert user_texts(kept) == ["whats open now"], "nothing of the old conversation, all of the new one"
    assert user_texts(run(store.retrieve("sms:returning"))) == ["whats open now"]


# ------------------------------------------------------------------ several servers on one store


def test_two_servers_saving_one_persons_turns_at_once_lose_and_interleave_nothing(tracker_store_url):
    """Two stores (two servers) each read the tracker, add a turn and save, over and over, without a lock."""
    servers = [PrivateSQLTrackerStore(domain=DOMAIN, host=tracker_store_url, retention_hours=24) for _ in range(2)]
    run(servers[0].save(conversation("rest:busy", time.time())))
    turns_each = 20

    def talk(index: int) -> None:
        server = servers[index]
        for number in range(turns_each):
            tracker = run(server.retrieve("rest:busy"))
            turn(tracker, f"server {index} message {number}", "greet", "utter_greet", time.time())
            run(server.save(tracker))

    threads = [threading.Thread(target=talk, args=(index,)) for index in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    try:
        stored = run(servers[1].retrieve_full_tracker("rest:busy"))
        texts = user_texts(stored)
        assert len(texts) == 1 + 2 * turns_each, "every user message stored once"
        for index in range(2):
            mine = [t for t in texts if t.startswith(f"server {index} ")]
            assert mine == [f"server {index} message {n}" for n in range(turns_each)], "each server's in order"
        # Each turn is one block: a user message, then its action, answer and listen, never another's event.
        types = [(type(e).__name__, getattr(e, "action_name", None)) for e in stored.events]
        for position, event in enumerate(stored.events):
            if isinstance(event, UserUttered) and event.text.startswith("server "):
                assert types[position + 1] == ("ActionExecuted", "utter_greet")
                assert types[position + 2][0] == "BotUttered"
                assert types[position + 3] == ("ActionExecuted", "action_listen")
    finally:
        for server in servers:
            server.engine.dispose()


def test_forget_me_on_one_server_while_another_answers_really_deletes(tracker_store_url):
    first, second = (PrivateSQLTrackerStore(domain=DOMAIN, host=tracker_store_url, retention_hours=24)
                     for _ in range(2))
    try:
        now = time.time()
        run(first.save(conversation("telegram:both", now - 60)))
        answering = run(second.retrieve("telegram:both"))  # the second server is in the middle of a turn
        forgetting = run(first.retrieve("telegram:both"))
        turn(forgetting, "forget me", "forget_me", "action_forget_me", now)
        run(first.save(forgetting))
        turn(answering, "whats open now", "whats_open_now", "action_find_services", now)
        run(second.save(answering))  # built on the erased conversation: must not bring it back

        assert stored_events(first, "telegram:both") == 0
        assert run(second.retrieve("telegram:both")) is None
    finally:
        first.engine.dispose()
        second.engine.dispose()


def test_a_retried_message_is_stored_once(store):
    tracker = conversation("sms:retry", time.time())
    run(store.save(tracker))
    for _ in range(2):  # the same text message delivered twice (e.g. on two servers)
        again = run(store.retrieve("sms:retry"))
        again.update(UserUttered("need help", intent={"name": "help", "confidence": 1.0}, message_id="SM123"))
        again.update(ActionExecuted("action_listen"))
        run(store.save(again))
    assert user_texts(run(store.retrieve("sms:retry"))).count("need help") == 1


def test_a_database_written_by_rasas_own_store_is_upgraded_and_kept_per_conversation(tmp_path):
    from rasa.core.tracker_store import SQLTrackerStore

    url = f"sqlite:///{tmp_path / 'legacy.db'}"
    now = time.time()
    legacy = SQLTrackerStore(domain=DOMAIN, host=url)
    old = conversation("rest:legacy", now - 30 * HOUR)
    new_session(old, now - 60)
    turn(old, "still here", "greet", "utter_greet", now - 59)
    run(legacy.save(old))
    legacy.engine.dispose()

    upgraded = PrivateSQLTrackerStore(domain=DOMAIN, host=url, retention_hours=24)
    try:
        assert upgraded.removed_at_start == 1, "the day-old conversation"
        assert user_texts(run(upgraded.retrieve_full_tracker("rest:legacy"))) == ["still here"]
        tracker = run(upgraded.retrieve("rest:legacy"))
        turn(tracker, "thanks", "thank", "utter_welcome", now)
        run(upgraded.save(tracker))
        assert user_texts(run(upgraded.retrieve("rest:legacy"))) == ["still here", "thanks"]
    finally:
        upgraded.engine.dispose()
