"""Process each incoming message once, even when the provider delivers it twice.

Twilio retries a webhook when our answer is slow or the connection drops, and it may deliver the same
``MessageSid`` to two replicas at once. Without this the conversation would advance twice ("1" picks a choice,
then picks again from the *next* menu) and the person would get two different replies.

``IdempotencyStore.run_once(key, produce)`` runs ``produce`` once per key: a later or concurrent duplicate
waits for the first result and gets the very same reply (the rendered TwiML), kept for an hour.

The first delivery holds a short *claim* (``DEFAULT_CLAIM_TTL_SECONDS``) that it renews while the turn runs, as
the conversation lock does (bot/lock_store.py). A server that dies mid-turn stops renewing, so its claim lapses
within seconds and the provider's retry, waiting on another server, takes over and answers instead of giving up.

De-duplication is a nicety, a reply is not: when the store cannot be reached (Redis down), the message is handled
without it (``StoreUnavailable``), and the channels read and write their other state through ``tolerant``.

The small key-value stores here are shared by the channels for their other short-lived state too (the last
numbered choices offered, opt-out flags): in memory by default, Redis when ``SIGNPOST_REDIS_URL`` is set, so
several replicas agree. Keys never contain phone numbers, chat ids or message text: only provider message ids
and pseudonyms.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import time
import uuid
from typing import Any, Awaitable, Callable, Dict, List, Optional, Protocol, Tuple, TypeVar

logger = logging.getLogger(__name__)

REDIS_URL_ENV = "SIGNPOST_REDIS_URL"
DEFAULT_RESULT_TTL_SECONDS = 3600
#: Short, so a retry takes over from a dead server well inside Twilio's 15 s webhook window; renewed every quarter
#: of it while the turn runs, so a live server keeps it however long the turn takes.
DEFAULT_CLAIM_TTL_SECONDS = 5.0
_POLL_INTERVAL_SECONDS = 0.05
#: A Redis that is down, unreachable or hung must fail fast: a person is waiting for the reply.
REDIS_TIMEOUTS = {"socket_connect_timeout": 1.0, "socket_timeout": 2.0}
REDIS_RETRY_PAUSE_SECONDS = 5.0

T = TypeVar("T")


async def tolerant(operation: Awaitable[T], default: T, what: str) -> T:
    """Await a channel-state operation; if the store fails, log what and the kind of failure and return default.

    Channel state (opt-outs, numbered choices, counters) makes replies better; losing it for a while must never
    silence a person. Only the kind of error is logged: its text could hold a key.
    """
    try:
        return await operation
    except Exception as error:  # noqa: BLE001 - any store failure (connection, timeout, protocol) is the same here
        logger.warning("channel state: %s failed (%s); carrying on without it", what, type(error).__name__)
        return default


class KeyValueStore(Protocol):
    """The few operations the channels need, with the semantics of Redis ``SET``/``GET``/``DEL``."""

    async def get(self, key: str) -> Optional[str]: ...

    async def set(self, key: str, value: str, ttl_seconds: Optional[int] = None) -> None: ...

    async def set_if_absent(self, key: str, value: str, ttl_seconds: float) -> bool: ...

    async def delete(self, key: str) -> None: ...

    async def incr(self, key: str, amount: int, ttl_seconds: int) -> int:
        """Add ``amount`` to a counter that starts at 0 and expires ``ttl_seconds`` after it was created."""
        ...

    async def extend_if_equal(self, key: str, value: str, ttl_seconds: float) -> bool:
        """Give ``key`` a new expiry if it still holds ``value`` (a claim still ours); False if not."""
        ...

    async def delete_if_equal(self, key: str, value: str) -> None:
        """Delete ``key`` only if it still holds ``value``: never another holder's claim."""
        ...

    async def add_member(self, key: str, member: str, ttl_seconds: int) -> None:
        """Add ``member`` to the set at ``key``, which then expires ``ttl_seconds`` from now."""
        ...

    async def members(self, key: str) -> List[str]: ...


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

    async def set(self, key: str, value: str, ttl_seconds: Optional[float] = None) -> None:
        self._sweep()
        expires_at = self._clock() + ttl_seconds if ttl_seconds else None
        self._items[key] = (value, expires_at)

    async def set_if_absent(self, key: str, value: str, ttl_seconds: float) -> bool:
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

    async def extend_if_equal(self, key: str, value: str, ttl_seconds: float) -> bool:
        if self._live(key) != value:
            return False
        await self.set(key, value, ttl_seconds)
        return True

    async def delete_if_equal(self, key: str, value: str) -> None:
        if self._live(key) == value:
            del self._items[key]

    async def add_member(self, key: str, member: str, ttl_seconds: int) -> None:
        await self.set(key, json.dumps(sorted({*await self.members(key), member})), ttl_seconds)

    async def members(self, key: str) -> List[str]:
        return json.loads(self._live(key) or "[]")


class RedisUnreachable(ConnectionError):
    """Redis failed to connect or answer moments ago; not tried again until the pause is over."""


class RedisStore:
    """Shared store on Redis (``redis.asyncio``), namespaced so it can share a database with Rasa's stores.

    After a connection failure or timeout every call fails at once for ``REDIS_RETRY_PAUSE_SECONDS``: a hung Redis
    would otherwise cost each of a message's few store calls its full timeout, and Twilio waits 15 s in all.
    """

    def __init__(self, url: str, namespace: str = "signpost:channels:") -> None:
        import redis.asyncio as redis_asyncio  # imported here so the in-memory default needs no Redis client
        from redis.exceptions import ConnectionError as RedisConnectionError
        from redis.exceptions import TimeoutError as RedisTimeoutError

        self._url = url
        self._namespace = namespace
        self._clients: Dict[int, "redis_asyncio.Redis"] = {}
        self._factory = redis_asyncio.Redis.from_url
        self._outages = (RedisConnectionError, RedisTimeoutError, OSError, asyncio.TimeoutError)
        self._down_until = 0.0

    def _client(self):
        # A redis.asyncio connection pool belongs to the event loop that created it; Sanic workers and tests
        # may run several loops, so keep one client per loop.
        loop_id = id(asyncio.get_running_loop())
        if loop_id not in self._clients:
            self._clients[loop_id] = self._factory(self._url, decode_responses=True, **REDIS_TIMEOUTS)
        return self._clients[loop_id]

    async def _run(self, operation: Callable[[Any], Awaitable[T]]) -> T:
        if time.monotonic() < self._down_until:
            raise RedisUnreachable("redis was unreachable moments ago")
        try:
            return await operation(self._client())
        except self._outages:
            self._down_until = time.monotonic() + REDIS_RETRY_PAUSE_SECONDS
            raise

    async def get(self, key: str) -> Optional[str]:
        return await self._run(lambda client: client.get(self._namespace + key))

    async def set(self, key: str, value: str, ttl_seconds: Optional[int] = None) -> None:
        await self._run(lambda client: client.set(self._namespace + key, value, ex=ttl_seconds))

    async def set_if_absent(self, key: str, value: str, ttl_seconds: float) -> bool:
        milliseconds = max(1, int(ttl_seconds * 1000))
        return bool(
            await self._run(lambda client: client.set(self._namespace + key, value, px=milliseconds, nx=True))
        )

    async def delete(self, key: str) -> None:
        await self._run(lambda client: client.delete(self._namespace + key))

    async def incr(self, key: str, amount: int, ttl_seconds: int) -> int:
        # One transaction: create the counter with its expiry if absent, then add. Atomic across replicas.
        name = self._namespace + key

        async def add(client: Any) -> int:
            async with client.pipeline(transaction=True) as pipe:
                pipe.set(name, 0, ex=ttl_seconds, nx=True)
                pipe.incrby(name, amount)
                _, total = await pipe.execute()
            return int(total)

        return await self._run(add)

    async def extend_if_equal(self, key: str, value: str, ttl_seconds: float) -> bool:
        # A script, so the check and the new expiry are one step: a claim taken over meanwhile is left alone.
        milliseconds = max(1, int(ttl_seconds * 1000))
        name = self._namespace + key
        return bool(await self._run(lambda client: client.eval(_EXTEND_IF_EQUAL, 1, name, value, milliseconds)))

    async def delete_if_equal(self, key: str, value: str) -> None:
        await self._run(lambda client: client.eval(_DELETE_IF_EQUAL, 1, self._namespace + key, value))

    async def add_member(self, key: str, member: str, ttl_seconds: int) -> None:
        name = self._namespace + key

        async def add(client: Any) -> None:
            async with client.pipeline(transaction=True) as pipe:
                pipe.sadd(name, member)
                pipe.expire(name, ttl_seconds)
                await pipe.execute()

        await self._run(add)

    async def members(self, key: str) -> List[str]:
        return sorted(await self._run(lambda client: client.smembers(self._namespace + key)))


_EXTEND_IF_EQUAL = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
"""
_DELETE_IF_EQUAL = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


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


class StoreUnavailable(Exception):
    """The shared store failed; ``kind`` is the error's type name (its text could hold a key)."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


async def _shared(operation: Awaitable[T]) -> T:
    """A store operation whose failure means "de-duplicate without the store" (``StoreUnavailable``)."""
    try:
        return await operation
    except Exception as error:  # noqa: BLE001 - connection refused, timeout, protocol: all mean "no store"
        raise StoreUnavailable(type(error).__name__) from None


class IdempotencyStore:
    """Run a coroutine once per key; duplicates (sequential or concurrent, any replica) get the same result."""

    def __init__(
        self,
        store: KeyValueStore,
        prefix: str,
        result_ttl_seconds: int = DEFAULT_RESULT_TTL_SECONDS,
        wait_timeout_seconds: float = 12.0,
        claim_ttl_seconds: float = DEFAULT_CLAIM_TTL_SECONDS,
    ) -> None:
        self._store = store
        self._prefix = prefix
        self._result_ttl = result_ttl_seconds
        self._wait_timeout = wait_timeout_seconds
        self._claim_ttl = claim_ttl_seconds
        # In-process waiters share the first delivery's future: no polling needed within one process.
        self._in_flight: Dict[str, "asyncio.Future[str]"] = {}

    def _result_key(self, key: str) -> str:
        return f"{self._prefix}result:{key}"

    async def run_once(self, key: str, produce: Callable[[], Awaitable[str]]) -> str:
        try:
            return await self._run_once(key, produce)
        except StoreUnavailable as error:
            # A person is waiting: answer without shared de-duplication (duplicates in this process still share).
            logger.warning("dedup: store unavailable (%s); handling the message without de-duplication", error.kind)
            return await self._run_here(key, produce)

    async def forget(self, key: str) -> None:
        """Drop the kept result for ``key`` (the person asked us to forget them)."""
        await self._store.delete(self._result_key(key))

    async def _run_once(self, key: str, produce: Callable[[], Awaitable[str]]) -> str:
        result_key = self._result_key(key)
        claim_key = f"{self._prefix}claim:{key}"
        deadline = time.monotonic() + self._wait_timeout
        while True:
            local = self._in_flight.get(key)
            if local is not None:
                try:
                    return await asyncio.wait_for(asyncio.shield(local), max(0.0, deadline - time.monotonic()))
                except asyncio.TimeoutError:
                    raise DuplicateStillRunning(key) from None
                except Exception:
                    continue  # the first delivery failed and released its claim: try ourselves
            cached = await _shared(self._store.get(result_key))
            if cached is not None:
                return cached
            token = uuid.uuid4().hex
            if await _shared(self._store.set_if_absent(claim_key, token, self._claim_ttl)):
                return await self._produce_and_store(key, result_key, claim_key, token, produce)
            # Another server holds the claim: wait for its result, or take over once its claim lapses (it died).
            if time.monotonic() >= deadline:
                raise DuplicateStillRunning(key)
            await asyncio.sleep(_POLL_INTERVAL_SECONDS)

    async def _produce_and_store(
        self, key: str, result_key: str, claim_key: str, token: str, produce: Callable[[], Awaitable[str]]
    ) -> str:
        renewer = asyncio.ensure_future(self._renew_claim(claim_key, token))
        try:
            result = await self._run_here(key, produce)
        except BaseException:
            renewer.cancel()
            # Let a later retry try again rather than replaying a failure.
            await tolerant(self._store.delete_if_equal(claim_key, token), None, "releasing a dedup claim")
            raise
        renewer.cancel()
        await tolerant(self._store.set(result_key, result, self._result_ttl), None, "keeping a reply for retries")
        # The result answers duplicates from now on; the claim would only linger.
        await tolerant(self._store.delete_if_equal(claim_key, token), None, "releasing a dedup claim")
        return result

    async def _renew_claim(self, claim_key: str, token: str) -> None:
        """Keep the claim while the turn runs; stop once it is no longer ours."""
        while True:
            await asyncio.sleep(self._claim_ttl / 4)
            try:
                alive = await self._store.extend_if_equal(claim_key, token, self._claim_ttl)
            except Exception as error:  # noqa: BLE001 - store blip: keep the turn going, try again next time
                logger.warning("dedup: could not renew a claim (%s)", type(error).__name__)
                continue
            if not alive:
                logger.warning("dedup: a claim lapsed while its turn was still running")
                return

    async def _run_here(self, key: str, produce: Callable[[], Awaitable[str]]) -> str:
        """Run ``produce``, sharing its result with duplicates that arrive in this process meanwhile."""
        local = self._in_flight.get(key)
        if local is not None:
            return await asyncio.shield(local)
        future: "asyncio.Future[str]" = asyncio.get_running_loop().create_future()
        self._in_flight[key] = future
        try:
            result = await produce()
        except BaseException as error:
            if not future.done():
                if isinstance(error, asyncio.CancelledError):
                    future.cancel()
                else:
                    future.set_exception(error)
                    future.exception()  # mark retrieved: there may be no waiters
            raise
        else:
            future.set_result(result)
            return result
        finally:
            self._in_flight.pop(key, None)
