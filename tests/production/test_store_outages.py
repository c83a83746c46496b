"""The conversation store and the conversation lock while PostgreSQL or Redis is briefly down (docs/production.md,
"While PostgreSQL or Redis is down"): a short outage is waited out (the turn is late, stored once, in order); a
longer one fails the turn with an error, which the channel answers with its fallback, and nothing of it is stored.

PostgreSQL is cut through a relay of this test's own (the machine's server never stops); Redis is a redis-server
of this test's own, killed and started again empty. The quick check of what tests/production/test_fault.py does
to the whole cluster.
"""
from __future__ import annotations

import asyncio
import os
import threading
import time
import uuid

import pytest
import sqlalchemy.exc
from rasa.core.agent import Agent
from rasa.core.lock_store import LockError
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot import lock_store as lock_module
from bot import settings
from bot.lock_store import AtomicRedisLockStore
from bot.tracker_store import PrivateSQLTrackerStore, pass_errors_on
from tests.production.outages import REDIS_SERVER, OwnRedis
from tests.support.relay import Relay
from tests.support.services import unavailable

DOMAIN = Domain.load(str(settings.DOMAIN))


def later(seconds: float, action) -> threading.Timer:
    timer = threading.Timer(seconds, action)
    timer.start()
    return timer


def say(tracker: DialogueStateTracker, text: str) -> None:
    """One turn: the person's message (with the id Rasa gives every message) and the answer."""
    tracker.update(UserUttered(text, intent={"name": "inform", "confidence": 1.0}, message_id=uuid.uuid4().hex))
    tracker.update(ActionExecuted("utter_answer"))
    tracker.update(BotUttered("an answer"))
    tracker.update(ActionExecuted("action_listen"))


def new_conversation(sender: str) -> DialogueStateTracker:
    tracker = DialogueStateTracker(sender, DOMAIN.slots)
    tracker.update(ActionExecuted("action_session_start"))
    tracker.update(SessionStarted())
    tracker.update(ActionExecuted("action_listen"))
    return tracker


def said(tracker: DialogueStateTracker) -> list[str]:
    return [event.text for event in tracker.events if isinstance(event, UserUttered)]


@pytest.fixture
def relay_store(pg_schema_url):
    relay = Relay().start()
    store = PrivateSQLTrackerStore(domain=DOMAIN, host=relay.url(pg_schema_url), retention_hours=24)
    try:
        yield relay, store
    finally:
        relay.stop()
        store.engine.dispose()


def test_a_short_database_outage_is_waited_out_and_each_turn_is_stored_once_in_order(relay_store):
    relay, store = relay_store
    tracker = new_conversation("rest:outage")
    say(tracker, "need help with my drinking")
    asyncio.run(store.save(tracker))

    relay.cut()
    later(1.5, relay.start)
    started = time.monotonic()
    tracker = asyncio.run(store.retrieve("rest:outage"))  # a read while the database is away
    say(tracker, "cheltenham")
    asyncio.run(store.save(tracker))
    assert time.monotonic() - started >= 1.0, "the read waited for the database"

    relay.cut()  # a write while it is away
    later(1.5, relay.start)
    say(tracker, "whats open now")
    asyncio.run(store.save(tracker))

    stored = asyncio.run(store.retrieve_full_tracker("rest:outage"))
    assert said(stored) == ["need help with my drinking", "cheltenham", "whats open now"]


def test_a_longer_outage_fails_the_turn_instead_of_answering_from_an_empty_conversation(relay_store):
    relay, store = relay_store
    tracker = new_conversation("rest:long-outage")
    say(tracker, "need help with my drinking")
    asyncio.run(store.save(tracker))
    store.outage_wait_seconds = 1.0
    pass_errors_on()
    # As the Rasa server holds it: inside Rasa's FailSafeTrackerStore, which without pass_errors_on answers a
    # failed read with "no conversation" (None) and a failed write by keeping the turn in memory only.
    wrapped = Agent._create_tracker_store(store, DOMAIN)

    relay.cut()
    try:
        started = time.monotonic()
        with pytest.raises(sqlalchemy.exc.OperationalError):
            asyncio.run(wrapped.retrieve("rest:long-outage"))
        assert 0.8 <= time.monotonic() - started < 5, "tried for outage_wait_seconds, then gave up"
        say(tracker, "cheltenham")
        started = time.monotonic()
        with pytest.raises(sqlalchemy.exc.OperationalError):
            asyncio.run(wrapped.save(tracker))
        assert time.monotonic() - started < 0.5, "once a wait has run out, the next call fails at once"
    finally:
        relay.start()
    stored = asyncio.run(store.retrieve_full_tracker("rest:long-outage"))
    assert said(stored) == ["need help with my drinking"], "the failed turn is not stored"
    relay.cut()  # back to waiting, now that a call got through
    later(0.5, relay.start)
    assert said(asyncio.run(store.retrieve_full_tracker("rest:long-outage"))) == ["need help with my drinking"]


def test_a_database_that_never_answers_fails_the_turn_within_seconds(relay_store):
    relay, store = relay_store
    tracker = new_conversation("rest:hung")
    say(tracker, "need help with my drinking")
    asyncio.run(store.save(tracker))
    store.outage_wait_seconds = 3.0
    relay.hang()
    safety = later(20, relay.unhang)  # without a connect timeout the read would wait for ever
    try:
        started = time.monotonic()
        with pytest.raises(sqlalchemy.exc.OperationalError):
            asyncio.run(store.retrieve("rest:hung"))
        assert time.monotonic() - started < 8, "2 s per connection attempt, within the outage wait"
    finally:
        safety.cancel()
        relay.unhang()
    assert said(asyncio.run(store.retrieve("rest:hung"))) == ["need help with my drinking"]


@pytest.fixture
def own_redis(tmp_path):
    if not os.path.exists(REDIS_SERVER):
        unavailable(f"redis-server not installed at {REDIS_SERVER}")
    server = OwnRedis(tmp_path / "redis").start()
    try:
        yield server
    finally:
        server.stop()


def test_a_turn_waits_out_a_redis_restart_for_its_lock(own_redis):
    store = AtomicRedisLockStore(url=own_redis.url, key_prefix="test:lock:", lifetime=5)

    async def main() -> float:
        own_redis.kill()
        later(1.0, own_redis.start)
        started = time.monotonic()
        async with store.lock("rest:restart"):
            waited = time.monotonic() - started
        await store.close()
        return waited

    assert 0.8 <= asyncio.run(main()) < 5


def test_a_waiting_turn_whose_ticket_redis_lost_queues_again(own_redis):
    store = AtomicRedisLockStore(url=own_redis.url, key_prefix="test:lock:", lifetime=5)
    order: list[str] = []

    async def main() -> None:
        holder_has_it = asyncio.Event()
        release_holder = asyncio.Event()

        async def holder() -> None:
            async with store.lock("rest:lost"):
                order.append("holder")
                holder_has_it.set()
                await release_holder.wait()

        async def waiter() -> None:
            await holder_has_it.wait()
            async with store.lock("rest:lost"):
                order.append("waiter")

        tasks = [asyncio.create_task(holder()), asyncio.create_task(waiter())]
        await holder_has_it.wait()
        await asyncio.sleep(0.2)  # the waiter has its ticket and polls
        await asyncio.to_thread(own_redis.kill)
        await asyncio.to_thread(own_redis.start)  # empty: both tickets are gone
        await asyncio.wait_for(tasks[1], 5)  # it queued again and got the lock, rather than failing the turn
        release_holder.set()
        await asyncio.gather(*tasks)
        await store.close()

    asyncio.run(main())
    assert order == ["holder", "waiter"]


def test_a_turn_fails_with_a_lock_error_when_redis_stays_down(own_redis, monkeypatch):
    monkeypatch.setattr(lock_module, "OUTAGE_WAIT_SECONDS", 1.0)
    store = AtomicRedisLockStore(url=own_redis.url, key_prefix="test:lock:", lifetime=5)
    own_redis.kill()

    async def main() -> None:
        async with store.lock("rest:down"):
            pytest.fail("the lock was given without Redis")

    started = time.monotonic()
    with pytest.raises(LockError):
        asyncio.run(main())
    assert 0.8 <= time.monotonic() - started < 5
    started = time.monotonic()
    with pytest.raises(LockError):
        asyncio.run(main())
    assert time.monotonic() - started < 0.5, "once a wait has run out, the next turn fails at once"
    own_redis.start()

    async def served() -> bool:
        async with store.lock("rest:down"):
            return True

    assert asyncio.run(served()), "a turn gets its lock again once Redis is back"


def test_a_hung_redis_fails_the_lock_within_seconds(monkeypatch):
    """A Redis that accepts connections and never answers (a hung server, a half-open network) costs a turn a few
    short tries, not a 5 s timeout each."""
    import socket

    monkeypatch.setattr(lock_module, "OUTAGE_WAIT_SECONDS", 1.0)
    hung = socket.socket()
    hung.bind(("127.0.0.1", 0))
    hung.listen(16)
    store = AtomicRedisLockStore(url=f"redis://127.0.0.1:{hung.getsockname()[1]}/0", key_prefix="t:", lifetime=5)

    async def main() -> None:
        async with store.lock("rest:hung"):
            pytest.fail("the lock was given by a Redis that never answered")

    started = time.monotonic()
    try:
        with pytest.raises(LockError):
            asyncio.run(main())
    finally:
        hung.close()
    assert time.monotonic() - started < 4
