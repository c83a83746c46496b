"""The REST channel (what the web widget talks to) through Rasa's real channel machinery over real HTTP.

The Sanic app is built with ``rasa.core.channels.channel.register`` as ``rasa run`` does; Rasa's agent is played
by a bot that answers, stays silent (as Rasa does when the action server is down) or raises. The resilience
tests in tests/resilience/ do the same through a real Rasa server.
"""

from __future__ import annotations

import json
import uuid
from typing import Iterator, List

import httpx
import pytest
from fake_telegram_api import LocalSanicServer
from rasa.core.channels.channel import UserMessage, register
from sanic import Sanic

from channels.dedup import InMemoryStore
from channels.rest import MetadataRestInput
from replies.services import OPEN_DOOR
from safety.guidance import emergency_guidance

WEBHOOK = "/webhooks/rest/webhook"
EMERGENCY = "my son isnt breathing"


class Bot:
    """Plays Rasa's agent: answers "Bot heard: …", or says nothing / raises when the text asks for it."""

    def __init__(self) -> None:
        self.received: List[UserMessage] = []

    async def handle_message(self, message: UserMessage) -> None:
        self.received.append(message)
        if message.text.startswith("silent"):
            return  # what Rasa does when a custom action fails: the turn ends with nothing said
        if message.text.startswith("crash"):
            raise RuntimeError("tracker store down")
        await message.output_channel.send_text_message(message.sender_id, f"Bot heard: {message.text}")


class RestHarness:
    def __init__(self, channel: MetadataRestInput) -> None:
        self.bot = Bot()
        app = Sanic(f"rest_test_{uuid.uuid4().hex}")
        app.ctx.agent = self.bot
        register([channel], app, route="/webhooks/")
        self.server = LocalSanicServer(app).start()
        self.client = httpx.Client(base_url=self.server.url, timeout=20)

    def say(self, message: str, sender: str = "widget-1", **headers: str) -> httpx.Response:
        return self.client.post(WEBHOOK, json={"sender": sender, "message": message}, headers=headers)

    def texts(self, message: str, sender: str = "widget-1") -> List[str]:
        response = self.say(message, sender)
        assert response.status_code == 200, response.text
        return [m["text"] for m in response.json()]

    def close(self) -> None:
        self.client.close()
        self.server.stop()


@pytest.fixture(autouse=True)
def environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIGNPOST_PSEUDONYM_KEY", "k" * 40)
    monkeypatch.delenv("SIGNPOST_TRUSTED_PROXIES", raising=False)
    monkeypatch.delenv("SIGNPOST_LIMIT_PER_ADDRESS", raising=False)
    monkeypatch.delenv("SIGNPOST_LIMIT_PER_SENDER", raising=False)


@pytest.fixture
def rest() -> Iterator[RestHarness]:
    harness = RestHarness(MetadataRestInput(store=InMemoryStore()))
    yield harness
    harness.close()


# --- never silent ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("failure", ["silent", "crash"])
def test_a_turn_that_says_nothing_or_fails_still_answers_with_999_and_the_always_open_lines(
    rest: RestHarness, failure: str
) -> None:
    texts = rest.texts(f"{failure} need help with my drinking")
    joined = "\n".join(texts)
    assert texts[0].startswith("Sorry, I can't look up services just now.")
    assert "999" in joined and "116 123" in joined
    assert texts[-1] == OPEN_DOOR


@pytest.mark.parametrize("failure", ["silent", "crash"])
def test_an_emergency_in_a_failed_turn_gets_the_emergency_guidance_from_the_rule_layer(
    rest: RestHarness, failure: str
) -> None:
    texts = rest.texts(f"{failure} {EMERGENCY}")
    assert texts == emergency_guidance("not_breathing")


def test_an_emergency_the_bot_answered_without_guidance_gets_the_guidance_first(rest: RestHarness) -> None:
    texts = rest.texts(EMERGENCY)
    assert texts[: len(emergency_guidance("not_breathing"))] == emergency_guidance("not_breathing")
    assert texts[-1] == f"Bot heard: {EMERGENCY}"


# --- command text --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "sent, received",
    [
        ("/restart", "restart"),
        ("/session_start", "session_start"),
        ('/inform{"age": 1e309}', 'inform{"age": 1e309}'),
        ('/help_alcohol{"age": 12}', 'help_alcohol{"age": 12}'),
        ("  //greet", "greet"),
        ("/", "?"),
        ("/help_alcohol", "/help_alcohol"),  # our own button payload
        ("/whats_open_now", "/whats_open_now"),
        ("I take 2/3 of a bottle", "I take 2/3 of a bottle"),
    ],
)
def test_only_our_own_button_payloads_reach_rasa_as_commands(rest: RestHarness, sent: str, received: str) -> None:
    rest.texts(sent)
    assert rest.bot.received[-1].text == received


# --- malformed input -----------------------------------------------------------------------------------------------


def test_deeply_nested_metadata_is_a_400_not_a_500(rest: RestHarness) -> None:
    nested = '{"sender": "a", "message": "hi", "metadata": ' + "[" * 100_000 + "]" * 100_000 + "}"
    response = rest.client.post(WEBHOOK, content=nested.encode(), headers={"content-type": "application/json"})
    assert response.status_code in (400, 413)
    nested = '{"sender": "a", "message": "hi", "metadata": {"a": ' + "[" * 5000 + "]" * 5000 + "}}"
    response = rest.client.post(WEBHOOK, content=nested.encode(), headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert rest.bot.received == []


@pytest.mark.parametrize("field", ["sender", "message"])
def test_a_lone_surrogate_is_a_clear_400(rest: RestHarness, field: str) -> None:
    body = {"sender": "a", "message": "hi"}
    raw = json.dumps(body).replace('"a"' if field == "sender" else '"hi"', '"\\ud800x"')
    response = rest.client.post(WEBHOOK, content=raw.encode(), headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert field in response.json()["error"]


def test_metadata_keeps_short_flat_values_only(rest: RestHarness) -> None:
    body = {"sender": "a", "message": "hi", "metadata": {
        "area": "Cheltenham", "channel": "web", "nested": {"a": 1}, "list": [1], "long": "x" * 500, "n": 3,
        "flag": True, "none": None}}
    assert rest.client.post(WEBHOOK, json=body).status_code == 200
    assert rest.bot.received[-1].metadata == {"area": "Cheltenham", "channel": "web", "n": 3, "flag": True,
                                              "none": None}


def test_control_characters_become_spaces(rest: RestHarness) -> None:
    rest.texts("hello\x00there")
    assert rest.bot.received[-1].text == "hello there"


# --- limits ----------------------------------------------------------------------------------------------------------


def _limited_harness(monkeypatch: pytest.MonkeyPatch, **env: str) -> RestHarness:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return RestHarness(MetadataRestInput(store=InMemoryStore()))


SCRIPT = {"X-Forwarded-For": "198.51.100.7"}  # one client behind our (trusted) proxy


def test_one_address_sending_many_senders_gets_429_with_retry_after(monkeypatch: pytest.MonkeyPatch) -> None:
    rest = _limited_harness(monkeypatch, SIGNPOST_LIMIT_PER_ADDRESS="5/60", SIGNPOST_LIMIT_PER_SENDER="off",
                            SIGNPOST_TRUSTED_PROXIES="127.0.0.1")
    try:
        statuses = [rest.say("hello", sender=f"script-{i}", **SCRIPT).status_code for i in range(8)]
        assert statuses == [200] * 5 + [429] * 3
        limited = rest.say("hello", sender="script-x", **SCRIPT)
        assert 1 <= int(limited.headers["Retry-After"]) <= 60
        assert "999" in limited.json()["error"]
        # Over the limit, an emergency gets the guidance at once from safety/, without a turn: emergency words
        # must not buy a flooder full turns, and someone in danger is never refused.
        emergency = rest.say(EMERGENCY, sender="script-y", **SCRIPT)
        assert emergency.status_code == 200
        assert [m["text"] for m in emergency.json()] == emergency_guidance("not_breathing")
        assert EMERGENCY not in [m.text for m in rest.bot.received]
        # Someone else is not slowed or refused.
        assert rest.say("hello", sender="someone", **{"X-Forwarded-For": "203.0.113.9"}).status_code == 200
    finally:
        rest.close()


def test_the_widget_files_are_limited_per_address_too(monkeypatch: pytest.MonkeyPatch) -> None:
    from channels.widget import WidgetInput

    monkeypatch.setenv("SIGNPOST_LIMIT_PER_ADDRESS", "3/60")
    monkeypatch.setenv("SIGNPOST_TRUSTED_PROXIES", "127.0.0.1")
    app = Sanic(f"widget_limit_{uuid.uuid4().hex}")
    register([WidgetInput(store=InMemoryStore())], app, route="/webhooks/")
    server = LocalSanicServer(app).start()
    try:
        with httpx.Client(base_url=server.url) as client:
            statuses = [client.get("/webhooks/widget/widget.js", headers=SCRIPT).status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
    finally:
        server.stop()


def test_without_a_trusted_proxy_local_requests_are_not_limited_per_address(monkeypatch: pytest.MonkeyPatch) -> None:
    # A reverse proxy on this machine that nobody declared would put every person under one limit.
    rest = _limited_harness(monkeypatch, SIGNPOST_LIMIT_PER_ADDRESS="2/60", SIGNPOST_LIMIT_PER_SENDER="off")
    try:
        assert [rest.say("hi", sender=f"s{i}").status_code for i in range(4)] == [200] * 4
    finally:
        rest.close()


def test_one_sender_is_limited_on_its_own(monkeypatch: pytest.MonkeyPatch) -> None:
    rest = _limited_harness(monkeypatch, SIGNPOST_LIMIT_PER_ADDRESS="off", SIGNPOST_LIMIT_PER_SENDER="3/60")
    try:
        assert [rest.say("hi", sender="busy").status_code for _ in range(4)] == [200, 200, 200, 429]
        assert rest.say("hi", sender="someone-else").status_code == 200
    finally:
        rest.close()


def test_forwarded_for_counts_only_behind_a_trusted_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    # From a peer that is not a trusted proxy the header is ignored: a client cannot dodge the limit by
    # inventing addresses.
    rest = _limited_harness(monkeypatch, SIGNPOST_LIMIT_PER_ADDRESS="2/60", SIGNPOST_LIMIT_PER_SENDER="off",
                            SIGNPOST_TRUSTED_PROXIES="10.9.9.9")
    try:
        statuses = [rest.say("hi", sender=f"s{i}", **{"X-Forwarded-For": f"203.0.113.{i}"}).status_code
                    for i in range(3)]
        assert statuses == [200, 200, 429]
    finally:
        rest.close()
    rest = _limited_harness(monkeypatch, SIGNPOST_LIMIT_PER_ADDRESS="2/60", SIGNPOST_LIMIT_PER_SENDER="off",
                            SIGNPOST_TRUSTED_PROXIES="127.0.0.1")
    try:
        statuses = [rest.say("hi", sender=f"s{i}", **{"X-Forwarded-For": f"203.0.113.{i}"}).status_code
                    for i in range(3)]
        assert statuses == [200, 200, 200]  # three different clients behind our proxy
        same = [rest.say("hi", sender=f"t{i}", **{"X-Forwarded-For": "198.51.100.7"}).status_code
                for i in range(3)]
        assert same == [200, 200, 429]
    finally:
        rest.close()


def test_limit_settings_that_do_not_parse_are_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIGNPOST_LIMIT_PER_ADDRESS", "lots")
    with pytest.raises(ValueError, match="SIGNPOST_LIMIT_PER_ADDRESS"):
        MetadataRestInput(store=InMemoryStore())




def test_an_emergency_is_answered_at_once_when_the_bot_is_slow(rest: RestHarness) -> None:
    import time as clock

    async def slow(message: UserMessage) -> None:
        import asyncio

        rest.bot.received.append(message)
        await asyncio.sleep(6)
        await message.output_channel.send_text_message(message.sender_id, "late")

    rest.bot.handle_message = slow  # type: ignore[method-assign]
    started = clock.monotonic()
    texts = rest.texts(EMERGENCY)
    assert clock.monotonic() - started < 4
    assert texts == emergency_guidance("not_breathing")


def test_under_the_limit_an_emergency_still_runs_a_full_turn(monkeypatch: pytest.MonkeyPatch) -> None:
    rest = _limited_harness(monkeypatch, SIGNPOST_LIMIT_PER_ADDRESS="off", SIGNPOST_LIMIT_PER_SENDER="3/60")
    try:
        texts = rest.texts(EMERGENCY, sender="someone")
        assert texts[0] == "Call 999 now." and texts[-1] == f"Bot heard: {EMERGENCY}"
        assert [m.text for m in rest.bot.received] == [EMERGENCY]
    finally:
        rest.close()


def test_with_redis_unreachable_an_emergency_gets_the_guidance_and_a_message_its_reply(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from channels.dedup import RedisStore

    monkeypatch.setenv("SIGNPOST_LIMIT_PER_SENDER", "1/60")  # the counters cannot be reached: nobody is refused
    rest = RestHarness(MetadataRestInput(store=RedisStore("redis://127.0.0.1:1/0", "test:down:")))
    try:
        assert rest.texts(EMERGENCY)[0] == "Call 999 now."
        assert rest.texts("need help with my drinking") == ["Bot heard: need help with my drinking"]
    finally:
        rest.close()
