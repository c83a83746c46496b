"""Late SMS replies, sent from a queue that retries and never sends a reply twice.

When the bot is slower than Twilio's webhook window, ``channels.sms`` answers the webhook with empty TwiML and the
reply has to go through the Twilio REST API. A bare send loses the reply on a network error or a Twilio 5xx, and
two servers (or a webhook Twilio retried) could each send it. So each late reply is queued here:

* Each part of the reply is one item, keyed by the incoming ``MessageSid`` and the part's position
  (``SM…:0``, ``SM…:1``). Adding an item that is already queued or already sent does nothing, so a retried webhook
  cannot queue it again.
* A sender claims an item with ``SET NX`` and an expiry before sending; whoever does not get the claim leaves it
  alone. After Twilio accepts the message the item is marked sent (the marker is kept for a day) and its text and
  number are deleted. Parts of one reply go in order: a part waits while an earlier part is still queued.
* A failed send is tried again with exponential backoff, at most ``max_attempts`` times; a Twilio 4xx other than
  429 (bad number, number unsubscribed at the carrier) is final. An item is never sent once the number has opted
  out (STOP) - checked just before each send.
* A server that crashes while holding a claim loses it when the claim expires; any server's sweep then sends it.

The one case this cannot close: a crash (or a lost HTTP response) *after* Twilio accepted the message but *before*
the sent marker is written. Twilio's Messages API has no idempotency key, so the item is still queued when the claim
expires and it is sent again: at least once, never silently lost, in that window of a few milliseconds (or a
timed-out response). Every other path sends exactly once.

Storage: Redis when ``SIGNPOST_REDIS_URL`` is set (shared by every server, survives a restart); otherwise this
process's memory, which is right for a single server only (lost on restart, invisible to other servers). Each item
holds the phone number and the text until it is sent or given up, and expires after ``keep_seconds`` anyway; keys
hold only Twilio's message ids. Nothing here logs a number or a text.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import time
import uuid
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Dict, List, Optional, Protocol, Set, Tuple

from channels.dedup import REDIS_TIMEOUTS, REDIS_URL_ENV

logger = logging.getLogger(__name__)

PREFIX_ENV = "SIGNPOST_REDIS_PREFIX"  # shared by all of signpost's Redis keys (bot/lock_store.py)
DEFAULT_PREFIX = "signpost:"
NAMESPACE = "sms-outbox:"

SendSms = Callable[[str, str], Awaitable[str]]  # (to, body) -> Twilio's message sid; raises on failure
OptedOut = Callable[[str], Awaitable[bool]]  # (sender pseudonym) -> has this number opted out?


@dataclass(frozen=True)
class OutboxSettings:
    """How hard the queue tries. Defaults: 6 attempts over about a minute, then it gives up (and logs it)."""

    max_attempts: int = 6
    first_retry_seconds: float = 2.0
    max_retry_seconds: float = 30.0
    claim_seconds: int = 60  # longer than one REST call (its timeout is well under this)
    keep_seconds: int = 24 * 3600  # how long items and sent markers live
    poll_seconds: float = 1.0

    def retry_delay(self, attempts_made: int) -> float:
        return min(self.max_retry_seconds, self.first_retry_seconds * 2 ** max(0, attempts_made - 1))


class PermanentSendError(Exception):
    """Twilio refused the message for good (e.g. an invalid or unsubscribed number): do not retry."""


def is_permanent(error: BaseException) -> bool:
    """A Twilio 4xx (except 429, too many requests) will fail the same way every time."""
    if isinstance(error, PermanentSendError):
        return True
    status = getattr(error, "status", None)
    return isinstance(status, int) and 400 <= status < 500 and status != 429


class OutboxBackend(Protocol):
    async def add(self, key: str, item: str, due: float, ttl_seconds: int) -> bool: ...

    async def due(self, now: float, limit: int) -> List[str]: ...

    async def item(self, key: str) -> Optional[str]: ...

    async def claim(self, key: str, owner: str, ttl_seconds: int) -> bool: ...

    async def release(self, key: str, owner: str) -> None: ...

    async def was_sent(self, key: str) -> bool: ...

    async def mark_sent(self, key: str, message_sid: str, ttl_seconds: int) -> None: ...

    async def reschedule(self, key: str, item: str, due: float) -> None: ...

    async def drop(self, key: str) -> None: ...


class InMemoryOutboxBackend:
    """One process only: lost on restart and not seen by other servers (fine for a single server and tests)."""

    def __init__(self) -> None:
        self._items: Dict[str, Tuple[str, float]] = {}  # key -> (item, expires_at)
        self._due: Dict[str, float] = {}
        self._claims: Dict[str, Tuple[str, float]] = {}
        self._sent: Dict[str, float] = {}

    async def add(self, key: str, item: str, due: float, ttl_seconds: int) -> bool:
        if await self.was_sent(key) or await self.item(key) is not None:
            return False
        self._items[key] = (item, time.time() + ttl_seconds)
        self._due[key] = due
        return True

    async def due(self, now: float, limit: int) -> List[str]:
        ready = sorted((at, key) for key, at in self._due.items() if at <= now)
        return [key for _, key in ready[:limit]]

    async def item(self, key: str) -> Optional[str]:
        found = self._items.get(key)
        if found is None or found[1] <= time.time():
            self._items.pop(key, None)
            return None
        return found[0]

    async def claim(self, key: str, owner: str, ttl_seconds: int) -> bool:
        held = self._claims.get(key)
        if held is not None and held[1] > time.monotonic():
            return False
        self._claims[key] = (owner, time.monotonic() + ttl_seconds)
        return True

    async def release(self, key: str, owner: str) -> None:
        if self._claims.get(key, ("",))[0] == owner:
            del self._claims[key]

    async def was_sent(self, key: str) -> bool:
        return self._sent.get(key, 0) > time.time()

    async def mark_sent(self, key: str, message_sid: str, ttl_seconds: int) -> None:
        self._sent[key] = time.time() + ttl_seconds
        await self.drop(key)

    async def reschedule(self, key: str, item: str, due: float) -> None:
        if key in self._items:
            self._items[key] = (item, self._items[key][1])
            self._due[key] = due

    async def drop(self, key: str) -> None:
        self._items.pop(key, None)
        self._due.pop(key, None)


# Delete the claim only if we still hold it (it may have expired and been taken by another server).
_RELEASE_SCRIPT = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0"


class RedisOutboxBackend:
    """Shared by every server: items as strings, a sorted set of due times, ``SET NX EX`` claims."""

    def __init__(self, url: str, namespace: str = DEFAULT_PREFIX + NAMESPACE) -> None:
        import redis.asyncio as redis_asyncio

        self._url = url
        self._ns = namespace
        self._factory = redis_asyncio.Redis.from_url
        self._clients: Dict[int, Any] = {}

    def _client(self) -> Any:
        # A redis.asyncio pool belongs to the loop that made it (as in channels.dedup.RedisStore).
        loop_id = id(asyncio.get_running_loop())
        if loop_id not in self._clients:
            # A hung Redis fails fast, so a late reply is sent directly rather than waiting on it for ever.
            self._clients[loop_id] = self._factory(self._url, decode_responses=True, **REDIS_TIMEOUTS)
        return self._clients[loop_id]

    def _key(self, kind: str, key: str = "") -> str:
        return f"{self._ns}{kind}:{key}" if key else f"{self._ns}{kind}"

    async def add(self, key: str, item: str, due: float, ttl_seconds: int) -> bool:
        client = self._client()
        if await client.exists(self._key("sent", key)):
            return False
        if not await client.set(self._key("item", key), item, ex=ttl_seconds, nx=True):
            return False
        await client.zadd(self._key("due"), {key: due})
        return True

    async def due(self, now: float, limit: int) -> List[str]:
        return list(await self._client().zrangebyscore(self._key("due"), "-inf", now, start=0, num=limit))

    async def item(self, key: str) -> Optional[str]:
        return await self._client().get(self._key("item", key))

    async def claim(self, key: str, owner: str, ttl_seconds: int) -> bool:
        return bool(await self._client().set(self._key("claim", key), owner, ex=ttl_seconds, nx=True))

    async def release(self, key: str, owner: str) -> None:
        await self._client().eval(_RELEASE_SCRIPT, 1, self._key("claim", key), owner)

    async def was_sent(self, key: str) -> bool:
        return bool(await self._client().exists(self._key("sent", key)))

    async def mark_sent(self, key: str, message_sid: str, ttl_seconds: int) -> None:
        async with self._client().pipeline(transaction=True) as pipe:
            pipe.set(self._key("sent", key), message_sid, ex=ttl_seconds)
            pipe.delete(self._key("item", key))
            pipe.zrem(self._key("due"), key)
            await pipe.execute()

    async def reschedule(self, key: str, item: str, due: float) -> None:
        async with self._client().pipeline(transaction=True) as pipe:
            pipe.set(self._key("item", key), item, xx=True, keepttl=True)
            pipe.zadd(self._key("due"), {key: due})
            await pipe.execute()

    async def drop(self, key: str) -> None:
        async with self._client().pipeline(transaction=True) as pipe:
            pipe.delete(self._key("item", key))
            pipe.zrem(self._key("due"), key)
            await pipe.execute()


def backend_from_env() -> OutboxBackend:
    """Redis when ``SIGNPOST_REDIS_URL`` is set (keys under ``SIGNPOST_REDIS_PREFIX``), else this process only."""
    url = os.environ.get(REDIS_URL_ENV, "").strip()
    if url:
        prefix = os.environ.get(PREFIX_ENV, "").strip() or DEFAULT_PREFIX
        return RedisOutboxBackend(url, prefix + NAMESPACE)
    logger.info("%s not set: late SMS replies are queued in this process only (single server).", REDIS_URL_ENV)
    return InMemoryOutboxBackend()


def item_key(message_sid: str, position: int) -> str:
    return f"{message_sid}:{position}"


def _earlier_key(key: str) -> Optional[str]:
    message_sid, _, position = key.rpartition(":")
    return item_key(message_sid, int(position) - 1) if int(position) > 0 else None


class SmsOutbox:
    """Queue late replies and send each exactly once (see the module docstring for the one exception)."""

    def __init__(
        self,
        backend: OutboxBackend,
        send: SendSms,
        opted_out: OptedOut,
        settings: OutboxSettings = OutboxSettings(),
    ) -> None:
        self._backend = backend
        self._send = send
        self._opted_out = opted_out
        self.settings = settings
        self._owner = uuid.uuid4().hex  # this sender's name on its claims
        self._workers: Dict[int, "asyncio.Task[None]"] = {}
        self._wakers: Set["asyncio.Task[None]"] = set()  # held so the loop cannot drop them mid-send

    async def enqueue(self, message_sid: str, to_number: str, sender_id: str, bodies: List[str]) -> int:
        """Queue each part of one late reply; returns how many were new (0 for a retried webhook)."""
        added = 0
        now = time.time()
        for position, body in enumerate(bodies):
            item = json.dumps({"to": to_number, "sender": sender_id, "body": body, "attempts": 0})
            key = item_key(message_sid, position)
            added += await self._backend.add(key, item, now, self.settings.keep_seconds)
        return added

    async def drain(self, limit: int = 100) -> int:
        """Try every item that is due now; returns how many this sender sent."""
        sent = 0
        for key in await self._backend.due(time.time(), limit):
            sent += await self._try(key)
        return sent

    async def _try(self, key: str) -> bool:
        if not await self._backend.claim(key, self._owner, self.settings.claim_seconds):
            return False  # another sender has it
        try:
            return await self._deliver(key)
        finally:
            await self._backend.release(key, self._owner)

    async def _deliver(self, key: str) -> bool:
        if await self._backend.was_sent(key):
            await self._backend.drop(key)
            return False
        raw = await self._backend.item(key)
        if raw is None:  # expired or already finished
            await self._backend.drop(key)
            return False
        earlier = _earlier_key(key)
        if earlier is not None and await self._backend.item(earlier) is not None:
            return False  # keep the parts in order: the earlier part is still queued
        item = json.loads(raw)
        if await self._opted_out(item["sender"]):
            logger.info("sms outbox: number opted out; late reply dropped")
            await self._backend.drop(key)
            return False
        item["attempts"] += 1
        try:
            message_sid = await self._send(item["to"], item["body"])
        except Exception as error:  # noqa: BLE001 - errors can quote the number: log the type only
            await self._after_failure(key, item, error)
            return False
        await self._backend.mark_sent(key, message_sid or "sent", self.settings.keep_seconds)
        return True

    async def _after_failure(self, key: str, item: Dict[str, Any], error: BaseException) -> None:
        if is_permanent(error) or item["attempts"] >= self.settings.max_attempts:
            logger.error("sms outbox: gave up on a late reply after %d attempt(s) (%s)",
                         item["attempts"], type(error).__name__)
            await self._backend.drop(key)
            return
        delay = self.settings.retry_delay(item["attempts"])
        logger.warning("sms outbox: send failed (%s); retry %d in %.1fs",
                       type(error).__name__, item["attempts"] + 1, delay)
        await self._backend.reschedule(key, json.dumps(item), time.time() + delay)

    # --- the background sender ---------------------------------------------------------------------------------

    def ensure_worker(self) -> None:
        """Start this event loop's sender if it is not running (one per loop: Sanic workers, tests)."""
        loop = asyncio.get_running_loop()
        task = self._workers.get(id(loop))
        if task is None or task.done():
            self._workers[id(loop)] = loop.create_task(self._run())

    def wake(self) -> None:
        """Send what is due now rather than at the next poll."""
        task = asyncio.get_running_loop().create_task(self._drain_quietly())
        self._wakers.add(task)
        task.add_done_callback(self._wakers.discard)

    async def _drain_quietly(self) -> None:
        try:
            await self.drain()
        except Exception as error:  # noqa: BLE001 - a store outage must not kill the sender; it polls again
            logger.error("sms outbox: could not read the queue (%s)", type(error).__name__)

    async def _run(self) -> None:
        while True:
            await self._drain_quietly()
            await asyncio.sleep(self.settings.poll_seconds)

    async def stop(self) -> None:
        """Stop this loop's sender (tests, shutdown)."""
        task = self._workers.pop(id(asyncio.get_running_loop()), None)
        if task is not None:
            task.cancel()
            try:
                await task
            except asyncio.CancelledError:
                pass
