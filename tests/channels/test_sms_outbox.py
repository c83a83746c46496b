"""Late SMS replies go through the outbox (channels/sms_outbox.py): sent once, retried, never after STOP.

Everything real except Twilio: the SMS webhook runs in Rasa's channel machinery over HTTP (``SmsHarness``), twilio's
own ``Client`` with its aiohttp transport sends to a local fake of the Messages API over HTTP, and the queue lives
in the local Redis (127.0.0.1:6379) under a key prefix of its own per test, removed afterwards.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from typing import Callable, Iterator

import pytest
from fake_twilio_api import FakeTwilioApi
from test_sms import (
    ACCOUNT_SID,
    AUTH_TOKEN,
    OUR_NUMBER,
    PHONE,
    PUBLIC_URL,
    REDIS_URL,
    ScriptedBot,
    SmsHarness,
    redis_or_skip,
    replies,
    sms,
)

from channels.dedup import InMemoryStore, RedisStore
from channels.identity import pseudonymise
from channels.sms import SmsInput, SmsSettings
from channels.sms_outbox import (
    NAMESPACE,
    InMemoryOutboxBackend,
    OutboxSettings,
    RedisOutboxBackend,
    backend_from_env,
)

QUICK_RETRIES = OutboxSettings(first_retry_seconds=0.1, max_retry_seconds=0.2, poll_seconds=0.05)


@pytest.fixture(autouse=True)
def pseudonym_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIGNPOST_PSEUDONYM_KEY", "k" * 40)


@pytest.fixture
def api() -> Iterator[FakeTwilioApi]:
    fake = FakeTwilioApi(ACCOUNT_SID, AUTH_TOKEN).start()
    yield fake
    fake.stop()


@pytest.fixture
def namespace() -> Iterator[str]:
    """A Redis key prefix for this test alone; every key under it is deleted afterwards."""
    import redis

    redis_or_skip()
    prefix = f"test:outbox:{uuid.uuid4().hex}:"
    yield prefix
    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(match=f"{prefix}*"):
        client.delete(key)
    client.close()


def make_server(api: FakeTwilioApi, namespace: str, settings: OutboxSettings = QUICK_RETRIES,
                reply_timeout_seconds: float = 0.1) -> SmsInput:
    """One signpost server's SMS channel, its state in Redis under ``namespace``, Twilio at the fake."""
    sms_settings = SmsSettings(auth_token=AUTH_TOKEN, account_sid=ACCOUNT_SID, twilio_number=OUR_NUMBER,
                               public_url=PUBLIC_URL, reply_timeout_seconds=reply_timeout_seconds,
                               api_base_url=api.base_url)
    return SmsInput(sms_settings, store=RedisStore(REDIS_URL, namespace + "channels:"),
                    outbox_backend=RedisOutboxBackend(REDIS_URL, namespace + NAMESPACE), outbox_settings=settings)


def wait_until(condition: Callable[[], bool], seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def queue_is_empty(namespace: str) -> bool:
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    try:
        return client.zcard(f"{namespace}{NAMESPACE}due") == 0 and not list(
            client.scan_iter(match=f"{namespace}{NAMESPACE}item:*"))
    finally:
        client.close()


def test_a_reply_that_misses_the_window_is_sent_once_by_the_queue(api: FakeTwilioApi, namespace: str) -> None:
    harness = SmsHarness(make_server(api, namespace), ScriptedBot(delay_seconds=0.5))
    try:
        assert replies(harness.text("slow question")) == []
        wait_until(lambda: api.accepted)
        time.sleep(0.5)  # several more polls of the sender: nothing more goes out
        assert api.accepted == [{"To": PHONE, "From": OUR_NUMBER, "Body": "Bot heard: slow question"}]
        assert queue_is_empty(namespace)  # the number and text are gone once sent
    finally:
        harness.close()


def test_the_in_memory_queue_sends_a_late_reply_once_on_a_single_server(api: FakeTwilioApi) -> None:
    settings = SmsSettings(auth_token=AUTH_TOKEN, account_sid=ACCOUNT_SID, twilio_number=OUR_NUMBER,
                           public_url=PUBLIC_URL, reply_timeout_seconds=0.1, api_base_url=api.base_url)
    channel = SmsInput(settings, store=InMemoryStore(), outbox_backend=InMemoryOutboxBackend(),
                       outbox_settings=QUICK_RETRIES)
    harness = SmsHarness(channel, ScriptedBot(delay_seconds=0.4))
    try:
        assert replies(harness.text("slow question")) == []
        wait_until(lambda: api.accepted)
        time.sleep(0.4)
        assert api.bodies() == ["Bot heard: slow question"]
    finally:
        harness.close()


def test_a_send_that_fails_twice_is_retried_and_sent_once(api: FakeTwilioApi, namespace: str) -> None:
    api.fail_next = 2
    harness = SmsHarness(make_server(api, namespace), ScriptedBot(delay_seconds=0.3))
    try:
        assert replies(harness.text("slow question")) == []
        wait_until(lambda: api.accepted)
        time.sleep(0.5)
        assert len(api.attempts) == 3
        assert api.bodies() == ["Bot heard: slow question"]
        assert queue_is_empty(namespace)
    finally:
        harness.close()


def test_retries_are_bounded_and_a_refusal_for_good_is_not_retried(api: FakeTwilioApi, namespace: str) -> None:
    api.fail_next = 100
    bounded = OutboxSettings(max_attempts=3, first_retry_seconds=0.05, max_retry_seconds=0.1, poll_seconds=0.05)
    harness = SmsHarness(make_server(api, namespace, bounded), ScriptedBot(delay_seconds=0.3))
    try:
        harness.text("slow question")
        wait_until(lambda: len(api.attempts) >= 3)
        time.sleep(0.6)
        assert len(api.attempts) == 3 and api.accepted == []
        assert queue_is_empty(namespace)

        api.fail_next = 0
        api.attempts.clear()
        api.reject_numbers.add(PHONE)  # Twilio 21610: unsubscribed at the carrier
        harness.text("another slow question")
        wait_until(lambda: api.attempts)
        time.sleep(0.5)
        assert len(api.attempts) == 1 and api.accepted == []
    finally:
        harness.close()


def test_a_retried_webhook_sends_no_second_reply(api: FakeTwilioApi, namespace: str) -> None:
    bot = ScriptedBot(delay_seconds=0.3)
    server = make_server(api, namespace)
    harness = SmsHarness(server, bot)
    try:
        params = sms("slow question", sid="SMretried")
        assert replies(harness.post(params)) == []
        wait_until(lambda: api.accepted)
        assert replies(harness.post(params)) == []  # Twilio's retry of the same MessageSid
        time.sleep(0.5)
        assert api.bodies() == ["Bot heard: slow question"]
        assert len(bot.received) == 1
        # Even queued again (e.g. the webhook's own dedup record expired), a sent part is not re-queued.
        requeued = asyncio.run(server.outbox.enqueue("SMretried", PHONE, pseudonymise("sms", PHONE), ["again"]))
        assert requeued == 0
    finally:
        harness.close()


def test_two_servers_draining_one_queue_send_each_part_once_and_in_order(api: FakeTwilioApi, namespace: str) -> None:
    api.delay_seconds = 0.1  # each send is slow, so the two servers' sweeps overlap
    server_a, server_b = make_server(api, namespace), make_server(api, namespace)
    parts = ["part one", "part two", "part three"]

    async def both_servers() -> None:
        assert await server_a.outbox.enqueue("SMtwo", PHONE, pseudonymise("sms", PHONE), parts) == 3
        for _ in range(8):
            await asyncio.gather(server_a.outbox.drain(), server_b.outbox.drain(),
                                 server_a.outbox.drain(), server_b.outbox.drain())
        await server_a.close()
        await server_b.close()

    asyncio.run(both_servers())
    assert api.bodies() == parts
    assert len(api.attempts) == 3
    assert queue_is_empty(namespace)


def test_a_reply_left_claimed_by_a_crashed_server_is_sent_by_another_once_the_claim_expires(
    api: FakeTwilioApi, namespace: str,
) -> None:
    crashed = RedisOutboxBackend(REDIS_URL, namespace + NAMESPACE)
    survivor = make_server(api, namespace)

    async def crash_then_sweep() -> None:
        await survivor.outbox.enqueue("SMcrash", PHONE, pseudonymise("sms", PHONE), ["late reply"])
        assert await crashed.claim("SMcrash:0", "crashed-server", ttl_seconds=1)  # then it dies before sending
        assert await survivor.outbox.drain() == 0
        await asyncio.sleep(1.2)
        assert await survivor.outbox.drain() == 1
        assert await survivor.outbox.drain() == 0
        await survivor.close()

    asyncio.run(crash_then_sweep())
    assert api.bodies() == ["late reply"]


def test_nothing_is_sent_after_the_number_opts_out(api: FakeTwilioApi, namespace: str) -> None:
    api.fail_next = 1  # the first try fails, so the reply is still queued when STOP arrives
    # Generous times, so STOP surely lands between the two tries and while the second turn is thinking.
    slow_retry = OutboxSettings(first_retry_seconds=1.5, max_retry_seconds=1.5, poll_seconds=0.05)
    harness = SmsHarness(make_server(api, namespace, slow_retry), ScriptedBot(delay_seconds=1.0))
    try:
        assert replies(harness.text("slow question")) == []
        wait_until(lambda: api.attempts)
        [confirmation] = replies(harness.text("STOP"))
        assert "999" in confirmation
        time.sleep(2.0)
        assert len(api.attempts) == 1 and api.accepted == []
        assert queue_is_empty(namespace)

        # Opted out while the bot was still thinking: the reply is never queued.
        harness.text("START")
        harness.text("another slow question")  # its turn outlasts the window
        harness.text("STOP")
        time.sleep(1.5)
        assert api.accepted == []
    finally:
        harness.close()


def test_backend_from_env_uses_redis_under_the_shared_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIGNPOST_REDIS_URL", REDIS_URL)
    monkeypatch.setenv("SIGNPOST_REDIS_PREFIX", "run42:")
    backend = backend_from_env()
    assert isinstance(backend, RedisOutboxBackend) and backend._key("due") == "run42:sms-outbox:due"
    monkeypatch.delenv("SIGNPOST_REDIS_URL")
    assert isinstance(backend_from_env(), InMemoryOutboxBackend)


def test_with_the_queue_store_down_the_late_reply_is_still_sent_once_directly(api: FakeTwilioApi) -> None:
    settings = SmsSettings(auth_token=AUTH_TOKEN, account_sid=ACCOUNT_SID, twilio_number=OUR_NUMBER,
                           public_url=PUBLIC_URL, reply_timeout_seconds=0.1, api_base_url=api.base_url)
    unreachable = RedisOutboxBackend("redis://127.0.0.1:1/0")  # nothing listens on port 1
    channel = SmsInput(settings, store=InMemoryStore(), outbox_backend=unreachable, outbox_settings=QUICK_RETRIES)
    harness = SmsHarness(channel, ScriptedBot(delay_seconds=0.3))
    try:
        assert replies(harness.text("slow question")) == []
        wait_until(lambda: api.accepted)
        time.sleep(0.3)
        assert api.bodies() == ["Bot heard: slow question"]
    finally:
        harness.close()
