"""One process taking turns on one conversation through AtomicRedisLockStore (run by test_lock_store.py).

Each turn reads a counter, waits a little (as a turn waits for the model and the action server), then writes it
back plus one and records what it read. If two turns ever overlapped, two of them would read the same value and
an increment would be lost: exactly what happens to a tracker without a safe lock.

    python -m tests.production.lock_contender REDIS_URL PREFIX CONVERSATION TURNS [hold]
"""
from __future__ import annotations

import asyncio
import random
import sys

import redis.asyncio as redis_asyncio

from bot.lock_store import AtomicRedisLockStore


async def take_turns(url: str, prefix: str, conversation: str, turns: int) -> None:
    store = AtomicRedisLockStore(url=url, key_prefix=prefix + "lock:", lifetime=5)
    client = redis_asyncio.Redis.from_url(url)
    for _ in range(turns):
        async with store.lock(conversation):
            seen = int(await client.get(prefix + "counter") or 0)
            await asyncio.sleep(random.uniform(0, 0.004))
            await client.set(prefix + "counter", seen + 1)
            await client.rpush(prefix + "seen", seen)
    await client.close()
    await store.close()


async def hold_for_ever(url: str, prefix: str, conversation: str) -> None:
    """Takes the lock, says so, and never lets go (the test kills this process)."""
    store = AtomicRedisLockStore(url=url, key_prefix=prefix + "lock:", lifetime=1)
    async with store.lock(conversation):
        print("holding", flush=True)
        await asyncio.sleep(3600)


if __name__ == "__main__":
    url, prefix, conversation, turns = sys.argv[1:5]
    if sys.argv[5:] == ["hold"]:
        asyncio.run(hold_for_ever(url, prefix, conversation))
    else:
        asyncio.run(take_turns(url, prefix, conversation, int(turns)))
