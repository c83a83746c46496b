"""The atomic Redis lock store (bot/lock_store.py) against the real Redis: one turn at a time per conversation,
in order, across processes; a dead holder delays a conversation only briefly; nothing is left behind."""
from __future__ import annotations

import asyncio
import subprocess
import sys
import time

import pytest
import redis

from bot import settings
from bot.lock_store import AtomicRedisLockStore
from tests.production.conftest import REDIS_URL, redis_keys


def store_for(prefix: str, lifetime: float = 5) -> AtomicRedisLockStore:
    return AtomicRedisLockStore(url=REDIS_URL, key_prefix=prefix + "lock:", lifetime=lifetime)


def test_turns_of_one_conversation_never_overlap_and_are_served_in_arrival_order(redis_prefix):
    store = store_for(redis_prefix)
    inside: list[int] = []
    order: list[int] = []

    async def turn(number: int) -> None:
        async with store.lock("rest:one-person"):
            inside.append(number)
            assert len(inside) == 1, "two turns of one conversation ran at once"
            order.append(number)
            await asyncio.sleep(0.02)
            inside.remove(number)

    async def main() -> None:
        tasks = []
        for number in range(30):
            tasks.append(asyncio.create_task(turn(number)))
            await asyncio.sleep(0.01)  # each one has its ticket (a local Redis round trip) before the next comes
        await asyncio.gather(*tasks)
        await store.close()

    asyncio.run(main())
    assert order == list(range(30)), "served in the order the tickets were issued"
    assert redis_keys(redis_prefix) == [], "an idle conversation leaves no keys in Redis"


def test_different_conversations_do_not_wait_for_each_other(redis_prefix):
    store = store_for(redis_prefix)

    async def main() -> float:
        async with store.lock("rest:first"):
            started = time.monotonic()
            async with store.lock("rest:second"):
                waited = time.monotonic() - started
        await store.close()
        return waited

    assert asyncio.run(main()) < 1.0


def test_two_processes_taking_turns_on_one_conversation_lose_no_update(redis_prefix):
    turns = 40
    contenders = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.production.lock_contender", REDIS_URL, redis_prefix, "sms:contended",
             str(turns)],
            cwd=settings.PROJECT_ROOT, env=settings.rasa_environment(),
        )
        for _ in range(2)
    ]
    for contender in contenders:
        assert contender.wait(timeout=120) == 0
    client = redis.Redis.from_url(REDIS_URL)
    counter = int(client.get(redis_prefix + "counter"))
    seen = [int(value) for value in client.lrange(redis_prefix + "seen", 0, -1)]
    client.close()
    assert counter == 2 * turns, "every turn's update kept"
    assert seen == list(range(2 * turns)), "each turn saw the one before it, never the same state twice"


def test_a_server_that_dies_holding_the_lock_holds_up_its_conversation_only_until_the_ticket_expires(redis_prefix):
    holder = subprocess.Popen(
        [sys.executable, "-m", "tests.production.lock_contender", REDIS_URL, redis_prefix, "rest:crash", "1",
         "hold"],
        cwd=settings.PROJECT_ROOT, env=settings.rasa_environment(), stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "holding"
        store = store_for(redis_prefix, lifetime=1)

        async def blocked_while_alive() -> bool:
            try:
                async with asyncio.timeout(2.5) if hasattr(asyncio, "timeout") else _timeout(2.5):
                    async with store.lock("rest:crash"):
                        return False
            except asyncio.TimeoutError:
                return True

        # Alive, the holder renews its 1-second ticket: nobody else gets in, however long its turn.
        assert asyncio.run(blocked_while_alive()), "a live holder keeps the lock past its lifetime by renewing"
        holder.kill()
        holder.wait()
        started = time.monotonic()

        async def take_after_crash() -> None:
            async with store.lock("rest:crash"):
                pass
            await store.close()

        asyncio.run(take_after_crash())
        assert time.monotonic() - started < 3.0, "the dead holder's ticket expired within its lifetime"
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait()


class _timeout:
    """asyncio.timeout for Python 3.10."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    async def __aenter__(self):
        self._handle = asyncio.get_running_loop().call_later(self.seconds, asyncio.current_task().cancel)
        return self

    async def __aexit__(self, kind, value, traceback):
        self._handle.cancel()
        if kind is asyncio.CancelledError:
            raise asyncio.TimeoutError from value
        return False


def test_without_redis_the_lock_is_kept_in_this_process_and_refuses_several_workers(monkeypatch):
    monkeypatch.delenv("SIGNPOST_REDIS_URL", raising=False)
    monkeypatch.setenv("SANIC_WORKERS", "2")
    with pytest.raises(ValueError, match="SIGNPOST_REDIS_URL"):
        AtomicRedisLockStore()
    monkeypatch.delenv("SANIC_WORKERS")
    store = AtomicRedisLockStore()
    assert not store.shared
    order: list[int] = []

    async def turn(number: int) -> None:
        async with store.lock("rest:local"):
            order.append(number)
            await asyncio.sleep(0.002)
            order.append(number)

    async def main() -> None:
        await asyncio.gather(*(turn(n) for n in range(5)))

    asyncio.run(main())
    assert order == [n for n in range(5) for _ in (0, 1)], "one turn at a time"


def test_rasa_loads_it_from_the_endpoints_file_with_the_url_from_the_environment(monkeypatch, redis_prefix):
    from rasa.core.lock_store import LockStore
    from rasa.core.utils import AvailableEndpoints, number_of_sanic_workers

    monkeypatch.setenv("SIGNPOST_REDIS_URL", REDIS_URL)
    endpoints = AvailableEndpoints.read_endpoints(str(settings.ENDPOINTS))
    store = LockStore.create(endpoints.lock_store)
    assert isinstance(store, AtomicRedisLockStore) and store.shared and store.url == REDIS_URL
    monkeypatch.setenv("SANIC_WORKERS", "2")
    assert number_of_sanic_workers(endpoints.lock_store) == 2, "Rasa allows several workers with this store"
