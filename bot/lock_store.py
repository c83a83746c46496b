"""A conversation lock that is safe when several Rasa servers (or Sanic workers) share one Redis.

Rasa takes a ticket lock per conversation around every turn (``Agent.handle_message``), so two messages from one
person are handled one after the other: the second turn sees the first turn's events and slots. Rasa Open Source
3.6 ships only two lock stores, and neither works across replicas (anchors §4):

* ``InMemoryLockStore`` lives in one process;
* ``RedisLockStore`` keeps each conversation's whole ticket queue as one JSON value and does get → modify → set,
  so two servers issuing tickets at the same moment overwrite each other: both think they hold the lock.

``AtomicRedisLockStore`` does every step as one atomic Redis operation:

* **one key per ticket** (``…{conversation}:t:<n>``), with an expiry, so a server that dies while holding the lock
  blocks that conversation for at most ``lifetime`` seconds, never for ever;
* **INCR** for ticket numbers (``…{conversation}:last``), so no two tickets ever share a number;
* a sorted set (``…{conversation}:queue``) to find the ticket now being served without scanning the keyspace;
* **Lua scripts** to issue, take, renew and release, so each step is atomic on the Redis server;
* the holder **renews** its ticket every ``lifetime / 4`` seconds while the turn runs, so the expiry is always
  longer than the slowest turn, and waiters renew theirs as they poll;
* when the last ticket of a conversation is released its keys are deleted; nothing of a conversation stays in
  Redis once it is idle (the ids are keyed pseudonyms anyway: channels/identity.py);
* while Redis cannot be reached (a restart, a fail-over) a turn waits for it, trying again, for up to
  ``OUTAGE_WAIT_SECONDS``: the turn is late, not lost. A Redis restarted without its data has lost every ticket: a
  waiting turn whose ticket is gone queues again. After that wait the turn fails with ``LockError`` and the channel
  answers with its fallback (channels/fallback.py); that turn is not run, so nothing of it is stored. Until Redis
  answers again, later turns then fail at once rather than each waiting.

Redis is ``SIGNPOST_REDIS_URL`` (bot/settings.py). Without it the store keeps locks in this process, as Rasa's
default does: right for one server, and `signpost run` then runs a single Sanic worker.

All keys of one conversation share a hash tag (``{conversation}``), so they live on one Redis Cluster slot.
"""
from __future__ import annotations

import asyncio
import logging
import os
import time
from contextlib import asynccontextmanager
from typing import Any, AsyncIterator, Dict, Optional, Text

from rasa.core.lock import TicketLock
from rasa.core.lock_store import InMemoryLockStore, LockError, LockStore
from rasa.utils.endpoints import EndpointConfig

from bot import settings

logger = logging.getLogger(__name__)

#: Prefix of every key signpost keeps in Redis (so it can share a Redis; tests give each run its own).
REDIS_PREFIX_ENV = "SIGNPOST_REDIS_PREFIX"
DEFAULT_REDIS_PREFIX = "signpost:"
#: Seconds a ticket lives without renewal: how long a crashed server can hold up one conversation.
LIFETIME_ENV = "SIGNPOST_LOCK_LIFETIME_SECONDS"
DEFAULT_LIFETIME_SECONDS = 20.0
#: First and longest pause between two tries while another turn of the same conversation runs.
FIRST_POLL_SECONDS = 0.01
LONGEST_POLL_SECONDS = 0.2
#: How long a turn waits for an unreachable Redis to come back before it fails (seconds): long enough for a
#: restart, short enough that an SMS reply still fits Twilio's window (channels/sms.py).
OUTAGE_WAIT_SECONDS = 6.0
LONGEST_OUTAGE_PAUSE_SECONDS = 1.0
#: A waiting turn queues again at most this often when its ticket vanishes (Redis lost its data).
REQUEUES = 3

# KEYS[1] = last issued number, KEYS[2] = queue; ARGV[1] = ticket key stem, ARGV[2] = lifetime in ms.
# If `last` vanished while tickets still wait (it expires with the queue, but be safe), continue above them.
_ISSUE = """
local n = redis.call('INCR', KEYS[1])
local top = redis.call('ZRANGE', KEYS[2], -1, -1, 'WITHSCORES')
if top[2] and tonumber(top[2]) >= n then
  n = tonumber(top[2]) + 1
  redis.call('SET', KEYS[1], n)
end
redis.call('SET', ARGV[1] .. n, '1', 'PX', ARGV[2])
redis.call('ZADD', KEYS[2], n, n)
redis.call('PEXPIRE', KEYS[1], ARGV[2])
redis.call('PEXPIRE', KEYS[2], ARGV[2])
return n
"""

# ARGV[3] = this ticket's number. Returns 1 when this ticket is served now, 0 to wait, -1 when it has expired.
# Tickets at the head of the queue whose key has expired (their server died) are dropped on the way.
_TAKE = """
local mine = ARGV[1] .. ARGV[3]
if redis.call('EXISTS', mine) == 0 then
  redis.call('ZREM', KEYS[2], ARGV[3])
  return -1
end
redis.call('PEXPIRE', mine, ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
redis.call('PEXPIRE', KEYS[2], ARGV[2])
while true do
  local head = redis.call('ZRANGE', KEYS[2], 0, 0)[1]
  if head == false or head == nil then return -1 end
  if head == ARGV[3] then return 1 end
  if redis.call('EXISTS', ARGV[1] .. head) == 1 then return 0 end
  redis.call('ZREM', KEYS[2], head)
end
"""

# Returns 1 when the ticket was still alive and now lives another lifetime, 0 when it had already expired.
_RENEW = """
if redis.call('PEXPIRE', ARGV[1] .. ARGV[3], ARGV[2]) == 1 then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  redis.call('PEXPIRE', KEYS[2], ARGV[2])
  return 1
end
return 0
"""

# The conversation's keys go when its last ticket does.
_RELEASE = """
redis.call('DEL', ARGV[1] .. ARGV[3])
redis.call('ZREM', KEYS[2], ARGV[3])
if redis.call('ZCARD', KEYS[2]) == 0 then
  redis.call('DEL', KEYS[1], KEYS[2])
end
return 1
"""


def lifetime_seconds() -> float:
    """SIGNPOST_LOCK_LIFETIME_SECONDS (default 20): a positive number of seconds."""
    raw = os.environ.get(LIFETIME_ENV, "").strip()
    if not raw:
        return DEFAULT_LIFETIME_SECONDS
    value = float(raw)
    if not value > 0:
        raise ValueError(f"{LIFETIME_ENV} must be more than 0 seconds")
    return value


class AtomicRedisLockStore(LockStore):
    """Ticket locks in Redis that stay correct with any number of servers (see the module docstring)."""

    def __init__(
        self,
        endpoint_config: Optional[EndpointConfig] = None,
        url: Optional[str] = None,
        key_prefix: Optional[str] = None,
        lifetime: Optional[float] = None,
    ) -> None:
        options: Dict[str, Any] = dict(endpoint_config.kwargs) if endpoint_config else {}
        self.url = url or (endpoint_config.url if endpoint_config else None) or settings.redis_url()
        self.key_prefix = key_prefix or options.get("key_prefix") or (
            (os.environ.get(REDIS_PREFIX_ENV, "").strip() or DEFAULT_REDIS_PREFIX) + "lock:"
        )
        self.lifetime = float(lifetime or options.get("lifetime") or lifetime_seconds())
        self._clients: Dict[int, Any] = {}
        #: True after a wait for Redis ran out, until a call gets through: then nothing waits.
        self._gave_up = False
        self._scripts: Dict[int, Dict[str, Any]] = {}
        # Without Redis: one process, Rasa's own in-memory queue (polled quickly, not once a second).
        self._local: Optional[InMemoryLockStore] = None if self.url else InMemoryLockStore()
        if self._local is not None:
            # Rasa lets any custom lock store run several Sanic workers; in-process locks would not be shared.
            if int(os.environ.get("SANIC_WORKERS", "1") or 1) > 1:
                raise ValueError(f"Several Sanic workers (SANIC_WORKERS) need {settings.REDIS_URL_ENV}: "
                                 "without Redis, conversation locks are not shared between processes")
            logger.info("%s not set: conversation locks are kept in this process only (one server).",
                        settings.REDIS_URL_ENV)
        super().__init__()

    @property
    def shared(self) -> bool:
        """True when locks are in Redis, i.e. safe for several servers and Sanic workers."""
        return self._local is None

    # ------------------------------------------------------------------ Redis plumbing

    def _keys(self, conversation_id: Text) -> tuple[list[str], str]:
        base = f"{self.key_prefix}{{{conversation_id}}}"
        return [f"{base}:last", f"{base}:queue"], f"{base}:t:"

    def _script(self, name: str):
        # A redis.asyncio connection pool belongs to the event loop that created it: one client per loop.
        loop_id = id(asyncio.get_running_loop())
        if loop_id not in self._clients:
            import redis.asyncio as redis_asyncio

            # Short timeouts (a lock call is one small script): a hung Redis costs a few tries inside the outage
            # wait, not 5 s each.
            client = redis_asyncio.Redis.from_url(self.url, socket_timeout=2, socket_connect_timeout=1)
            self._clients[loop_id] = client
            self._scripts[loop_id] = {
                "issue": client.register_script(_ISSUE),
                "take": client.register_script(_TAKE),
                "renew": client.register_script(_RENEW),
                "release": client.register_script(_RELEASE),
            }
        return self._scripts[loop_id][name]

    async def _call(self, name: str, conversation_id: Text, ticket: int = 0) -> int:
        keys, stem = self._keys(conversation_id)
        ttl_ms = int(self.lifetime * 1000)
        return int(await self._script(name)(keys=keys, args=[stem, ttl_ms, ticket]))

    async def _patiently(self, name: str, conversation_id: Text, ticket: int = 0) -> int:
        """``_call``, tried again while Redis cannot be reached, for up to ``OUTAGE_WAIT_SECONDS``; then LockError."""
        deadline = time.monotonic() + OUTAGE_WAIT_SECONDS
        pause = FIRST_POLL_SECONDS * 10
        while True:
            try:
                result = await self._call(name, conversation_id, ticket)
                self._gave_up = False
                return result
            except Exception as error:  # noqa: BLE001 - refused, reset, timed out: all mean "Redis not there"
                remaining = deadline - time.monotonic()
                if remaining <= 0 or self._gave_up:
                    # Once one wait has run out the outage is long: later turns fail at once (their fallback
                    # answers now, not 6 s later) until a call gets through again.
                    self._gave_up = True
                    raise LockError(f"Redis unreachable for the conversation lock: {type(error).__name__}") from None
                logger.warning("Redis unreachable for a conversation lock (%s); trying again.", type(error).__name__)
            await asyncio.sleep(min(pause, remaining))
            pause = min(pause * 2, LONGEST_OUTAGE_PAUSE_SECONDS)

    async def issue(self, conversation_id: Text) -> int:
        """A new ticket for this conversation: served after every earlier live ticket."""
        return await self._call("issue", conversation_id)

    async def take(self, conversation_id: Text, ticket: int) -> int:
        """1: the ticket is served now; 0: wait; -1: it expired (the lock was lost)."""
        return await self._call("take", conversation_id, ticket)

    async def renew(self, conversation_id: Text, ticket: int) -> bool:
        return bool(await self._call("renew", conversation_id, ticket))

    async def release(self, conversation_id: Text, ticket: int) -> None:
        await self._call("release", conversation_id, ticket)

    async def _renew_while_held(self, conversation_id: Text, ticket: int) -> None:
        while True:
            await asyncio.sleep(self.lifetime / 4)
            try:
                alive = await self.renew(conversation_id, ticket)
            except Exception as error:  # noqa: BLE001 - Redis down: keep the turn going, try again next time
                logger.warning("Could not renew a conversation lock: %s", type(error).__name__)
                continue
            if not alive:
                logger.warning("A conversation lock expired while its turn was still running.")
                return

    # ------------------------------------------------------------------ Rasa's interface

    @asynccontextmanager
    async def lock(
        self,
        conversation_id: Text,
        lock_lifetime: float = 0,
        wait_time_in_seconds: float = FIRST_POLL_SECONDS,
    ) -> AsyncIterator[TicketLock]:
        """Holds the conversation's lock for the body of the ``async with``: one turn at a time, in order.

        ``lock_lifetime`` from Rasa is not used: tickets live ``self.lifetime`` and are renewed while held.
        """
        if self._local is not None:
            async with self._local.lock(conversation_id, self.lifetime, FIRST_POLL_SECONDS) as local:
                yield local
            return
        ticket = await self._patiently("issue", conversation_id)
        renewer: Optional[asyncio.Task] = None
        requeues = 0
        try:
            pause = FIRST_POLL_SECONDS
            while True:
                state = await self._patiently("take", conversation_id, ticket)
                if state == 1:
                    break
                if state < 0:
                    # Polling renews a waiting ticket, so it can only be gone because Redis lost it (restarted
                    # without its data): queue again rather than fail the turn.
                    requeues += 1
                    if requeues > REQUEUES:
                        raise LockError("The ticket kept vanishing before the conversation's lock was free.")
                    logger.warning("A waiting conversation lock ticket vanished; queueing again.")
                    ticket = await self._patiently("issue", conversation_id)
                    continue
                await asyncio.sleep(pause)
                pause = min(pause * 2, LONGEST_POLL_SECONDS)
            renewer = asyncio.create_task(self._renew_while_held(conversation_id, ticket))
            yield TicketLock(conversation_id)
        finally:
            if renewer is not None:
                renewer.cancel()
            try:
                await self.release(conversation_id, ticket)
            except Exception as error:  # noqa: BLE001 - the ticket then expires by itself
                logger.warning("Could not release a conversation lock: %s", type(error).__name__)

    # Rasa's synchronous queue methods are not used by the server (it only calls `lock`); they would be the
    # read-modify-write this store exists to avoid, so they are refused rather than half-implemented.

    def get_lock(self, conversation_id: Text) -> Optional[TicketLock]:
        if self._local is not None:
            return self._local.get_lock(conversation_id)
        raise NotImplementedError("AtomicRedisLockStore is used through lock() only")

    def delete_lock(self, conversation_id: Text) -> None:
        if self._local is not None:
            return self._local.delete_lock(conversation_id)
        raise NotImplementedError("AtomicRedisLockStore is used through lock() only")

    def save_lock(self, lock: TicketLock) -> None:
        if self._local is not None:
            return self._local.save_lock(lock)
        raise NotImplementedError("AtomicRedisLockStore is used through lock() only")

    async def close(self) -> None:
        """Closes this loop's Redis connections (tests and the bench start and stop many loops)."""
        loop_id = id(asyncio.get_running_loop())
        client = self._clients.pop(loop_id, None)
        self._scripts.pop(loop_id, None)
        if client is not None:
            await client.close()
