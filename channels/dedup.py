"""Process each incoming message once, even when the provider delivers it twice.

Twilio retries a webhook when our answer is slow or the connection drops, and it may deliver the same
``MessageSid`` to two replicas at once. Without this the conversation would advance twice ("1" picks a choice,
then picks again from the *next* menu) and the person would get two different replies.

``IdempotencyStore.run_once(key, produce)`` runs ``produce`` once per key: a later or concurrent duplicate
waits for the first result and gets the very same reply (the rendered TwiML), kept for an hour.

The small key-value stores here are shared by the channels for their other short-lived state too (the last
numbered choices offered, opt-out flags): in memory by default, Redis when ``SIGNPOST_REDIS_URL`` is set, so
several replicas agree. Keys never contain phone numbers, chat ids or message text: only provider message ids
and pseudonyms.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from typing import Awaitable, Callable, Dict, Optional, Protocol, Tuple

logger = logging.getLogger(__name__)

REDIS_URL_ENV = "SIGNPOST_REDIS_URL"
DEFAULT_RESULT_TTL_SECONDS = 3600
_CLAIM_TTL_SECONDS = 120
_POLL_INTERVAL_SECONDS = 0.05


class KeyValueStore(Protocol):
    """The few operations the channels need, with the semantics of Redis ``SET``/``GET``/``DEL``."""

    async def get(self, key: str) -> Optional[str]: ...

    async def set(self, key: str, value: str, ttl_seconds: Optional[int] = None) -> None: ...

    async def set_if_absent(self, key: str, value: str, ttl_seconds: int) -> bool: ...

    async def delete(self, key: str) -> None: ...

    async def incr(self, key: str, amount: int, ttl_seconds: int) -> int:
        """Add ``amount`` to a counter that starts at 0 and expires ``ttl_seconds`` after it was created."""
        ...


class InMemoryStore:
    """Process-local store: right for one process and for tests; lost on restart, not shared by replicas."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._items: Dict[str, Tuple[str, Optional[float]]] = {}

    def _live(self, key: str) -> Optional[str]:
        item = self._items.get(key)
        if item is None:
            return None
        value, expires_at = item
        if expires_at is not None and expires_at <= self._clock():
            del self._items[key]
            return None
        return value

    def _sweep(self) -> None:
        # Cheap bound on memory: drop expired items now and then rather than on a timer.
        if len(self._items) % 256 == 0:
            for key in list(self._items):
                self._live(key)

    async def get(self, key: str) -> Optional[str]:
        return self._live(key)

    async def set(self, key: str, value: str, ttl_seconds: Optional[int] = None) -> None:
        self._sweep()
        expires_at = self._clock() + ttl_seconds if ttl_seconds else None
        self._items[key] = (value, expires_at)

    async def set_if_absent(self, key: str, value: str, ttl_seconds: int) -> bool:
        if self._live(key) is not None:
            return False
        await self.set(key, value, ttl_seconds)
        return True

    async def delete(self, key: str) -> None:
        self._items.pop(key, None)

    async def incr(self, key: str, amount: int, ttl_seconds: int) -> int:
        current = self._live(key)
        if current is None:
            await self.set(key, str(amount), ttl_seconds)
            return amount
        value, expires_at = self._items[key]
        total = int(value) + amount
        self._items[key] = (str(total), expires_at)
        return total


class RedisStore:
    """Shared store on Redis (``redis.asyncio``), namespaced so it can share a database with Rasa's stores."""

    def __init__(self, url: str, namespace: str = "signpost:channels:") -> None:
        import redis.asyncio as redis_asyncio  # imported here so the in-memory default needs no Redis client

        self._url = url
        self._namespace = namespace
        self._clients: Dict[int, "redis_asyncio.Redis"] = {}
        self._factory = redis_asyncio.Redis.from_url

    def _client(self):
        # A redis.asyncio connection pool belongs to the event loop that created it; Sanic workers and tests
        # may run several loops, so keep one client per loop.
        loop_id = id(asyncio.get_running_loop())
        if loop_id not in self._clients:
            self._clients[loop_id] = self._factory(self._url, decode_responses=True)
        return self._clients[loop_id]

    async def get(self, key: str) -> Optional[str]:
        return await self._client().get(self._namespace + key)

    async def set(self, key: str, value: str, ttl_seconds: Optional[int] = None) -> None:
        await self._client().set(self._namespace + key, value, ex=ttl_seconds)

    async def set_if_absent(self, key: str, value: str, ttl_seconds: int) -> bool:
        return bool(await self._client().set(self._namespace + key, value, ex=ttl_seconds, nx=True))

    async def delete(self, key: str) -> None:
        await self._client().delete(self._namespace + key)

    async def incr(self, key: str, amount: int, ttl_seconds: int) -> int:
        # One transaction: create the counter with its expiry if absent, then add. Atomic across replicas.
        name = self._namespace + key
        async with self._client().pipeline(transaction=True) as pipe:
            pipe.set(name, 0, ex=ttl_seconds, nx=True)
            pipe.incrby(name, amount)
            _, total = await pipe.execute()
        return int(total)


def store_from_env() -> KeyValueStore:
    """Redis when ``SIGNPOST_REDIS_URL`` is set, else in memory (with a warning that replicas won't agree)."""
    url = os.environ.get(REDIS_URL_ENV, "").strip()
    if url:
        # The same key prefix as the rest of signpost's Redis keys (bot/lock_store.py), so deployments and test
        # runs sharing one Redis stay apart.
        prefix = os.environ.get("SIGNPOST_REDIS_PREFIX", "").strip() or "signpost:"
        return RedisStore(url, prefix + "channels:")
    logger.info("%s not set: channel state (dedup, choices, opt-outs) is kept in this process only.", REDIS_URL_ENV)
    return InMemoryStore()


class DuplicateStillRunning(Exception):
    """A duplicate waited for the first delivery's reply longer than the provider will wait for us."""


class IdempotencyStore:
    """Run a coroutine once per key; duplicates (sequential or concurrent, any replica) get the same result."""

    def __init__(
        self,
        store: KeyValueStore,
        prefix: str,
        result_ttl_seconds: int = DEFAULT_RESULT_TTL_SECONDS,
        wait_timeout_seconds: float = 12.0,
    ) -> None:
        self._store = store
        self._prefix = prefix
        self._result_ttl = result_ttl_seconds
        self._wait_timeout = wait_timeout_seconds
        # In-process waiters share the first delivery's future: no polling needed within one process.
        self._in_flight: Dict[str, "asyncio.Future[str]"] = {}

    async def run_once(self, key: str, produce: Callable[[], Awaitable[str]]) -> str:
        result_key = f"{self._prefix}result:{key}"
        claim_key = f"{self._prefix}claim:{key}"
        deadline = time.monotonic() + self._wait_timeout
        while True:
            cached = await self._store.get(result_key)
            if cached is not None:
                return cached
            local = self._in_flight.get(key)
            if local is not None:
                try:
                    return await asyncio.wait_for(asyncio.shield(local), max(0.0, deadline - time.monotonic()))
                except asyncio.TimeoutError:
                    raise DuplicateStillRunning(key) from None
                except Exception:
                    continue  # the first delivery failed and released its claim: try ourselves
            if await self._store.set_if_absent(claim_key, "1", _CLAIM_TTL_SECONDS):
                return await self._produce_and_store(key, result_key, claim_key, produce)
            # Another replica holds the claim: wait for its result (or for the claim to vanish if it failed).
            if time.monotonic() >= deadline:
                raise DuplicateStillRunning(key)
            await asyncio.sleep(_POLL_INTERVAL_SECONDS)

    async def _produce_and_store(
        self, key: str, result_key: str, claim_key: str, produce: Callable[[], Awaitable[str]]
    ) -> str:
        future: "asyncio.Future[str]" = asyncio.get_running_loop().create_future()
        self._in_flight[key] = future
        try:
            result = await produce()
        except BaseException as error:
            # Let a later retry try again rather than replaying a failure.
            await self._store.delete(claim_key)
            if not future.done():
                if isinstance(error, asyncio.CancelledError):
                    future.cancel()
                else:
                    future.set_exception(error)
                    future.exception()  # mark retrieved: there may be no waiters
            raise
        else:
            await self._store.set(result_key, result, self._result_ttl)
            future.set_result(result)
            return result
        finally:
            self._in_flight.pop(key, None)
