"""Emergency guidance the channels give from safety/ (the bot silent, failed, slow, or the sender over a limit) is
counted for commissioners like action_emergency's, once: not when the bot said guidance itself (the action counted
it). Real HTTP through the REST, SMS and Telegram channels, the real recorder and a real SQLite directory."""

from __future__ import annotations

import asyncio
import uuid
from typing import Iterator, List, Tuple

import httpx
import pytest
from fake_telegram_api import LocalSanicServer
from rasa.core.channels.channel import UserMessage, register
from sanic import Sanic
from sqlalchemy import select

from channels.dedup import InMemoryStore
from channels.rest import MetadataRestInput
from insight.models import EventRow
from insight.recorder import default_recorder, record_crisis
from knowledge.store.db import make_engine, session_scope
from safety.guidance import emergency_guidance
from tests.support.directory import actions_directory

EMERGENCY = "my son isnt breathing"


class Bot:
    """Plays Rasa's agent: silent, raising, slow, or giving guidance and counting it as action_emergency does."""

    def __init__(self, behaviour: str) -> None:
        self.behaviour = behaviour
        self.received: List[UserMessage] = []

    async def handle_message(self, message: UserMessage) -> None:
        self.received.append(message)
        if self.behaviour == "raise":
            raise RuntimeError("action server down")
        if self.behaviour in ("guidance", "slow guidance"):
            if self.behaviour == "slow guidance":
                await asyncio.sleep(3)
            from datetime import datetime

            for line in emergency_guidance("not_breathing"):
                await message.output_channel.send_text_message(message.sender_id, line)
            record_crisis("not_breathing", datetime.now(), message.input_channel)  # what action_emergency does
        if self.behaviour == "slow silent":
            await asyncio.sleep(3)


@pytest.fixture
def events_url(tmp_path, monkeypatch) -> Iterator[str]:
    monkeypatch.setenv("SIGNPOST_PSEUDONYM_KEY", "k" * 40)
    for name in ("SIGNPOST_TRUSTED_PROXIES", "SIGNPOST_LIMIT_PER_ADDRESS", "SIGNPOST_LIMIT_PER_SENDER"):
        monkeypatch.delenv(name, raising=False)
    with actions_directory(tmp_path, monkeypatch) as url:
        yield url


def crises(url: str) -> List[Tuple[str, str]]:
    assert default_recorder().flush(timeout=20)
    engine = make_engine(url)
    with session_scope(engine) as session:
        rows = session.execute(select(EventRow.crisis_type, EventRow.channel).where(EventRow.kind == "crisis")).all()
    engine.dispose()
    return [tuple(row) for row in rows]


def rest_harness(bot: Bot) -> Tuple[LocalSanicServer, httpx.Client]:
    app = Sanic(f"crisis_count_{uuid.uuid4().hex}")
    app.ctx.agent = bot
    register([MetadataRestInput(store=InMemoryStore())], app, route="/webhooks/")
    server = LocalSanicServer(app).start()
    return server, httpx.Client(base_url=server.url, timeout=20)


def say(client: httpx.Client, text: str, sender: str = "widget-1") -> List[str]:
    answer = client.post("/webhooks/rest/webhook", json={"sender": sender, "message": text})
    assert answer.status_code == 200, answer.text
    return [m["text"] for m in answer.json()]


@pytest.mark.parametrize("behaviour", ["silent", "raise"])
def test_guidance_from_the_channel_is_counted_once(events_url: str, behaviour: str) -> None:
    server, client = rest_harness(Bot(behaviour))
    try:
        assert say(client, EMERGENCY) == emergency_guidance("not_breathing")
        assert say(client, "need help with my drinking")[0].startswith("Sorry")  # not a crisis: not counted
    finally:
        client.close()
        server.stop()
    assert crises(events_url) == [("not_breathing", "web")]


def test_guidance_the_bot_gave_is_counted_by_the_action_only(events_url: str) -> None:
    server, client = rest_harness(Bot("guidance"))
    try:
        assert say(client, EMERGENCY) == emergency_guidance("not_breathing")
    finally:
        client.close()
        server.stop()
    assert crises(events_url) == [("not_breathing", "web")]


@pytest.mark.parametrize("behaviour, counted_by", [("slow guidance", "the action"), ("slow silent", "the channel")])
def test_a_slow_turn_is_counted_once_it_has_ended(events_url: str, behaviour: str, counted_by: str) -> None:
    server, client = rest_harness(Bot(behaviour))
    try:
        assert say(client, EMERGENCY) == emergency_guidance("not_breathing")  # at once, from safety/
        import time

        time.sleep(3.5)  # the turn ends in the background
    finally:
        client.close()
        server.stop()
    assert crises(events_url) == [("not_breathing", "web")], counted_by


def test_guidance_given_over_the_limit_is_counted(events_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIGNPOST_LIMIT_PER_SENDER", "1/60")
    server, client = rest_harness(Bot("silent"))
    try:
        say(client, "hello", sender="flood")
        assert say(client, EMERGENCY, sender="flood") == emergency_guidance("not_breathing")
    finally:
        client.close()
        server.stop()
    assert crises(events_url) == [("not_breathing", "web")]


def test_sms_and_telegram_count_the_guidance_they_give_from_safety(events_url: str) -> None:
    from test_sms import SilentBot, SmsHarness, make_channel, replies
    from test_telegram import TelegramHarness

    sms = SmsHarness(make_channel(), SilentBot())
    try:
        assert replies(sms.text(EMERGENCY))[0] == "Call 999 now."
    finally:
        sms.close()
    telegram = TelegramHarness()
    telegram.bot.handle_message = Bot("silent").handle_message  # type: ignore[method-assign]
    try:
        assert telegram.say(EMERGENCY).status_code == 200
        assert telegram.api.calls_to("sendMessage")[0].params["text"] == "Call 999 now."
    finally:
        telegram.close()
    assert sorted(crises(events_url)) == [("not_breathing", "sms"), ("not_breathing", "telegram")]


def test_telegram_does_not_count_again_what_the_bot_said(events_url: str) -> None:
    from test_telegram import TelegramHarness

    telegram = TelegramHarness()
    telegram.bot.handle_message = Bot("guidance").handle_message  # type: ignore[method-assign]
    try:
        assert telegram.say(EMERGENCY).status_code == 200
    finally:
        telegram.close()
    assert crises(events_url) == [("not_breathing", "telegram")]
