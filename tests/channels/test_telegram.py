"""The Telegram channel through Rasa's channel machinery and python-telegram-bot's real request layer.

Telegram's side is ``FakeTelegramApi``: a local HTTP server on 127.0.0.1 that records every Bot API call.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from typing import Any, Dict, Iterator, List, Optional

import httpx
import pytest
from fake_telegram_api import BOT_USER, FakeTelegramApi, LocalSanicServer
from rasa.core.channels.channel import UserMessage, register
from sanic import Sanic

from channels.dedup import InMemoryStore
from channels.identity import pseudonymise
from channels.telegram import (
    EDITED_REPLY,
    EXPIRED_BUTTON_REPLY,
    ONLY_TEXT_REPLY,
    TelegramInput,
    set_webhook,
)
from safety.guidance import emergency_guidance

TOKEN = "123456:TEST-token_abcdefghijklmnopqrstuvwxyz"
SECRET = "webhook-secret_0123456789abcdefABCDEF"
CHAT_ID = 555000111
WEBHOOK_PATH = "/webhooks/telegram/webhook"
LONG_PAYLOAD = '/choose_service{"service_id": "d3b07384-d9a0-4c3b-8f1e-5e3a1b2c4d5e", "area": "Herefordshire"}'


class ScriptedBot:
    """Plays Rasa's agent (``app.ctx.agent.handle_message``): records messages, answers via the output channel."""

    def __init__(self) -> None:
        self.received: List[UserMessage] = []

    async def handle_message(self, message: UserMessage) -> None:
        self.received.append(message)
        out = message.output_channel
        if message.text == "menu":
            await out.send_text_with_buttons(
                message.sender_id,
                "What would you like help with?",
                [{"title": "Alcohol", "payload": "/help_alcohol"}, {"title": "A service", "payload": LONG_PAYLOAD}],
            )
        elif message.text == "long":
            paragraph = "Here is some support you could try tonight, and what to expect when you call. " * 10
            await out.send_text_message(message.sender_id, "\n\n".join([paragraph.strip()] * 10))
        else:
            await out.send_text_message(message.sender_id, f"Bot heard: {message.text}")


class TelegramHarness:
    def __init__(self, store: Any = None) -> None:
        self.api = FakeTelegramApi(TOKEN).start()
        self.bot = ScriptedBot()
        self.channel = TelegramInput(TOKEN, SECRET, base_url=self.api.base_url, store=store or InMemoryStore())
        app = Sanic(f"telegram_test_{uuid.uuid4().hex}")
        app.ctx.agent = self.bot
        register([self.channel], app, route="/webhooks/")
        self.server = LocalSanicServer(app).start()
        self.client = httpx.Client(base_url=self.server.url, timeout=20)
        self._update_ids = iter(range(1000, 100000))

    def post(self, update: Dict[str, Any], secret: Optional[str] = SECRET, **kwargs: Any) -> httpx.Response:
        headers = dict(kwargs.pop("headers", {}))
        if secret is not None:
            headers["X-Telegram-Bot-Api-Secret-Token"] = secret
        if "content" in kwargs:
            return self.client.post(WEBHOOK_PATH, headers=headers, **kwargs)
        return self.client.post(WEBHOOK_PATH, json=update, headers=headers)

    def next_id(self) -> int:
        return next(self._update_ids)

    def say(self, text: str, chat_id: int = CHAT_ID, chat_type: str = "private") -> httpx.Response:
        return self.post({"update_id": self.next_id(), "message": message(text=text, chat_id=chat_id, chat_type=chat_type)})

    def close(self) -> None:
        self.client.close()
        self.server.stop()
        self.api.stop()


def person(chat_id: int = CHAT_ID) -> Dict[str, Any]:
    return {"id": chat_id, "is_bot": False, "first_name": "Sam"}


def message(chat_id: int = CHAT_ID, chat_type: str = "private", **content: Any) -> Dict[str, Any]:
    chat = {"id": chat_id, "type": chat_type, "first_name": "Sam"} if chat_type == "private" else {
        "id": chat_id, "type": chat_type, "title": "Family"}
    return {"message_id": 42, "date": int(time.time()), "chat": chat, "from": person(chat_id), **content}


@pytest.fixture(autouse=True)
def pseudonym_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIGNPOST_PSEUDONYM_KEY", "k" * 40)


@pytest.fixture
def tg() -> Iterator[TelegramHarness]:
    harness = TelegramHarness()
    yield harness
    harness.close()


def test_text_message_reaches_the_bot_with_a_pseudonym_and_the_reply_is_sent(tg: TelegramHarness) -> None:
    assert tg.say("worried about my son's drinking").status_code == 200
    [received] = tg.bot.received
    assert received.text == "worried about my son's drinking"
    assert received.sender_id == pseudonymise("telegram", str(CHAT_ID))
    assert str(CHAT_ID) not in received.sender_id
    assert received.input_channel == "telegram"
    assert received.metadata == {"channel": "telegram"}
    [sent] = tg.api.calls_to("sendMessage")
    assert sent.params["chat_id"] == CHAT_ID
    assert sent.params["text"] == "Bot heard: worried about my son's drinking"


def test_bot_is_initialised_once_with_get_me(tg: TelegramHarness) -> None:
    tg.say("one")
    tg.say("two")
    assert len(tg.api.calls_to("getMe")) == 1
    assert len(tg.api.calls_to("sendMessage")) == 2


@pytest.mark.parametrize("secret", [None, "", "wrong-secret", SECRET + "x", SECRET[:-1]])
def test_wrong_or_missing_secret_token_is_forbidden(tg: TelegramHarness, secret: Optional[str]) -> None:
    response = tg.post({"update_id": tg.next_id(), "message": message(text="hi")}, secret=secret)
    assert response.status_code == 403
    assert tg.bot.received == []
    assert tg.api.calls == []


def test_channel_refuses_to_start_without_a_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TELEGRAM_WEBHOOK_SECRET", raising=False)
    monkeypatch.setenv("TELEGRAM_TOKEN", TOKEN)
    with pytest.raises(ValueError):
        TelegramInput.from_credentials({"access_token": TOKEN})


def test_environment_wins_over_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_WEBHOOK_SECRET", "from-env")
    monkeypatch.setenv("TELEGRAM_TOKEN", TOKEN)
    channel = TelegramInput.from_credentials({"access_token": "file-token", "secret_token": "from-file"})
    assert channel._secret == b"from-env" and channel._token == TOKEN


def test_buttons_become_an_inline_keyboard_and_a_press_comes_back_as_the_payload(tg: TelegramHarness) -> None:
    tg.say("menu")
    [sent] = tg.api.calls_to("sendMessage")
    keyboard = sent.params["reply_markup"]["inline_keyboard"]
    assert [row[0]["text"] for row in keyboard] == ["Alcohol", "A service"]
    datas = [row[0]["callback_data"] for row in keyboard]
    assert all(len(data.encode("utf-8")) <= 64 for data in datas)
    assert LONG_PAYLOAD not in datas[1]  # too long for Telegram: mapped to a short id

    # Our own payload comes back as it is; one our domain does not offer is read as plain words
    # (channels/commands.py), even from a button.
    for data, payload in zip(datas, ["/help_alcohol", LONG_PAYLOAD.lstrip("/")]):
        query_id = f"cbq-{uuid.uuid4().hex[:8]}"
        response = tg.post({"update_id": tg.next_id(), "callback_query": {
            "id": query_id, "from": person(), "chat_instance": "ci-1", "data": data,
            "message": {"message_id": 101, "date": int(time.time()), "chat": {"id": CHAT_ID, "type": "private"},
                        "from": BOT_USER, "text": "What would you like help with?"}}})
        assert response.status_code == 200
        assert tg.bot.received[-1].text == payload
        assert tg.api.calls_to("answerCallbackQuery")[-1].params["callback_query_id"] == query_id
        edit = tg.api.calls_to("editMessageReplyMarkup")[-1]
        assert edit.params["message_id"] == 101 and "reply_markup" not in edit.params


def test_unknown_button_data_gets_a_friendly_answer(tg: TelegramHarness) -> None:
    tg.post({"update_id": tg.next_id(), "callback_query": {
        "id": "cbq-old", "from": person(), "chat_instance": "ci-1", "data": "h:" + "0" * 32}})
    assert tg.bot.received == []
    assert tg.api.calls_to("answerCallbackQuery")
    assert tg.api.sent_texts() == [EXPIRED_BUTTON_REPLY]


def test_start_greets_through_the_bot_and_help_answers_with_999(tg: TelegramHarness) -> None:
    tg.say("/start")
    assert tg.bot.received[-1].text == "/greet"
    tg.say("/help")
    assert len(tg.bot.received) == 1
    help_text = tg.api.sent_texts()[-1]
    assert "999" in help_text and "Samaritans: 116 123" in help_text


def test_stop_says_goodbye_and_nothing_is_sent_until_they_write_again(tg: TelegramHarness) -> None:
    tg.say("hello")
    reminder_channel = tg.bot.received[-1].output_channel
    tg.say("/stop@signpost_test_bot")
    goodbye = tg.api.sent_texts()[-1]
    assert "999" in goodbye and "116 123" in goodbye
    assert len(tg.bot.received) == 1

    # A later bot-initiated message (e.g. a Rasa reminder reusing the turn's output channel) is held back.
    sent_before = len(tg.api.calls_to("sendMessage"))
    asyncio.run_coroutine_threadsafe(
        reminder_channel.send_text_message("ignored", "Just checking in"), tg.server.loop
    ).result(10)
    assert len(tg.api.calls_to("sendMessage")) == sent_before

    tg.say("I'm back")
    assert tg.api.sent_texts()[-1] == "Bot heard: I'm back"
    asyncio.run_coroutine_threadsafe(
        reminder_channel.send_text_message("ignored", "Just checking in"), tg.server.loop
    ).result(10)
    assert tg.api.sent_texts()[-1] == "Just checking in"


@pytest.mark.parametrize(
    "content",
    [
        {"sticker": {"file_id": "s1", "file_unique_id": "su1", "type": "regular", "width": 512, "height": 512,
                     "is_animated": False, "is_video": False}},
        {"photo": [{"file_id": "p1", "file_unique_id": "pu1", "width": 90, "height": 90}]},
        {"voice": {"file_id": "v1", "file_unique_id": "vu1", "duration": 3}},
        {"location": {"latitude": 52.05, "longitude": -2.71}},
    ],
    ids=["sticker", "photo", "voice", "location"],
)
def test_non_text_messages_get_a_short_friendly_answer(tg: TelegramHarness, content: Dict[str, Any]) -> None:
    assert tg.post({"update_id": tg.next_id(), "message": message(**content)}).status_code == 200
    assert tg.bot.received == []
    assert tg.api.sent_texts() == [ONLY_TEXT_REPLY]


def test_edited_message_gets_a_friendly_answer(tg: TelegramHarness) -> None:
    update = {"update_id": tg.next_id(), "edited_message": {**message(text="actually"), "edit_date": int(time.time())}}
    assert tg.post(update).status_code == 200
    assert tg.bot.received == []
    assert tg.api.sent_texts() == [EDITED_REPLY]


def test_other_update_types_and_group_chats_are_ignored_quietly(tg: TelegramHarness) -> None:
    member_update = {"update_id": tg.next_id(), "my_chat_member": {
        "chat": {"id": CHAT_ID, "type": "private", "first_name": "Sam"}, "from": person(), "date": int(time.time()),
        "old_chat_member": {"user": BOT_USER, "status": "member"},
        "new_chat_member": {"user": BOT_USER, "status": "kicked", "until_date": 0}}}
    assert tg.post(member_update).status_code == 200
    assert tg.say("my brother drinks", chat_id=-100123, chat_type="group").status_code == 200
    assert tg.bot.received == []
    assert tg.api.calls_to("sendMessage") == []


def test_long_replies_are_split_within_telegrams_limit(tg: TelegramHarness) -> None:
    tg.say("long")
    texts = tg.api.sent_texts()
    assert len(texts) > 1
    assert all(len(text.encode("utf-16-le")) // 2 <= 4096 for text in texts)
    assert sum(text.count("Here is some support") for text in texts) == 100


def test_the_same_update_delivered_twice_is_handled_once(tg: TelegramHarness) -> None:
    update = {"update_id": 7777, "message": message(text="only once")}
    tg.post(update)
    tg.post(update)
    assert [m.text for m in tg.bot.received] == ["only once"]
    assert len(tg.api.calls_to("sendMessage")) == 1


@pytest.mark.parametrize(
    "content,content_type,status",
    [
        (b"{not json", "application/json", 400),
        (b"[1, 2]", "application/json", 400),
        (b"\xff\xfe{}", "application/json", 400),
        (b"update_id=1", "application/x-www-form-urlencoded", 415),
        (b"{" + b" " * (1024 * 1024 + 10) + b"}", "application/json", 413),
    ],
)
def test_malformed_requests_get_a_clear_4xx(tg: TelegramHarness, content: bytes, content_type: str, status: int) -> None:
    response = tg.post({}, content=content, headers={"content-type": content_type})
    assert response.status_code == status
    assert tg.bot.received == []
    assert tg.say("still alive?").status_code == 200
    assert tg.bot.received[-1].text == "still alive?"


def test_a_chat_that_blocked_the_bot_does_not_break_the_webhook(tg: TelegramHarness) -> None:
    tg.api.blocked_chats.add(CHAT_ID)
    assert tg.say("hello").status_code == 200
    tg.api.blocked_chats.clear()
    assert tg.say("hello again").status_code == 200
    assert tg.api.sent_texts()[-1] == "Bot heard: hello again"


def test_set_webhook_registers_url_and_secret() -> None:
    api = FakeTelegramApi(TOKEN).start()
    try:
        ok = asyncio.run(set_webhook("https://signpost.example.org/webhooks/telegram/webhook", TOKEN, SECRET,
                                     base_url=api.base_url))
        assert ok is True
        [call] = api.calls_to("setWebhook")
        assert call.params["url"] == "https://signpost.example.org/webhooks/telegram/webhook"
        assert call.params["secret_token"] == SECRET
        assert call.params["allowed_updates"] == ["message", "edited_message", "callback_query"]
    finally:
        api.stop()


def test_set_webhook_with_a_wrong_token_raises() -> None:
    from telegram.error import InvalidToken

    api = FakeTelegramApi(TOKEN).start()
    try:
        with pytest.raises(InvalidToken):
            asyncio.run(set_webhook("https://x.example/h", "999:wrong", SECRET, base_url=api.base_url))
    finally:
        api.stop()


def test_logs_never_contain_chat_id_or_text(tg: TelegramHarness, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    secret_text = "my dad is using crack again"
    tg.say(secret_text)
    tg.say("menu")
    tg.post({"update_id": tg.next_id(), "message": message(sticker={
        "file_id": "s1", "file_unique_id": "su1", "type": "regular", "width": 1, "height": 1,
        "is_animated": False, "is_video": False})})
    tg.post({"update_id": tg.next_id(), "message": message(text=secret_text)}, secret="wrong")
    tg.post({}, content=secret_text.encode(), headers={"content-type": "application/json"})
    tg.api.blocked_chats.add(CHAT_ID)
    tg.say(secret_text + " still")
    tg.say("/stop")
    assert caplog.records, "expected the channel to log something"
    for record in caplog.records:
        line = record.getMessage()
        assert str(CHAT_ID) not in line, line
        assert "crack" not in line, line
        assert TOKEN.split(":")[1] not in line, line


def test_unreachable_bot_api_gives_503_without_leaking_the_token(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    harness = TelegramHarness()
    try:
        harness.api.stop()  # Telegram's API is down
        response = harness.say("hello")
        assert response.status_code == 503
        assert harness.bot.received == []
    finally:
        harness.client.close()
        harness.server.stop()
    for record in caplog.records:
        assert TOKEN.split(":")[1] not in record.getMessage()


def test_cli_helper_reads_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    from channels.telegram import set_webhook_from_environment

    api = FakeTelegramApi(TOKEN).start()
    try:
        monkeypatch.setenv("TELEGRAM_TOKEN", TOKEN)
        monkeypatch.setenv("TELEGRAM_WEBHOOK_SECRET", SECRET)
        monkeypatch.setenv("TELEGRAM_API_BASE_URL", api.base_url)
        assert set_webhook_from_environment("https://signpost.example.org/webhooks/telegram/webhook") is True
        assert api.calls_to("setWebhook")[0].params["secret_token"] == SECRET
        monkeypatch.delenv("TELEGRAM_WEBHOOK_SECRET")
        with pytest.raises(ValueError):
            set_webhook_from_environment("https://signpost.example.org/webhooks/telegram/webhook")
    finally:
        api.stop()


# --- never silent ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("failure", ["silent", "raise"])
def test_a_failed_or_silent_turn_is_answered_from_the_safety_layer(tg: TelegramHarness, failure: str) -> None:
    async def failing(message: UserMessage) -> None:
        tg.bot.received.append(message)
        if failure == "raise":
            raise RuntimeError("action server down")

    tg.bot.handle_message = failing  # type: ignore[method-assign]
    assert tg.say("my dad took too many pills and wont wake up").status_code == 200
    texts = [call.params["text"] for call in tg.api.calls_to("sendMessage")]
    assert texts[0] == "Call 999 now."
    assert tg.say("worried about my sons drinking").status_code == 200
    texts = [call.params["text"] for call in tg.api.calls_to("sendMessage")][len(texts):]
    assert texts[0].startswith("Sorry, I can't look up services just now.")
    assert "116 123" in "\n".join(texts)


def test_command_text_on_telegram_is_read_as_words_but_start_still_greets(tg: TelegramHarness) -> None:
    tg.say("/restart")
    tg.say('/inform{"age": 1e309}')
    tg.say("/start")
    assert [m.text for m in tg.bot.received] == ["restart", 'inform{"age": 1e309}', "/greet"]


def test_an_emergency_is_answered_at_once_when_the_bot_is_slow_and_not_repeated_later(tg: TelegramHarness) -> None:
    from safety.guidance import emergency_guidance

    async def slow(message: UserMessage) -> None:
        tg.bot.received.append(message)
        await asyncio.sleep(3)
        for line in emergency_guidance("not_breathing"):  # what action_emergency says, late
            await message.output_channel.send_text_message(message.sender_id, line)

    tg.bot.handle_message = slow  # type: ignore[method-assign]
    started = time.monotonic()
    assert tg.say("my son isnt breathing").status_code == 200
    assert time.monotonic() - started < 3
    time.sleep(2)
    texts = [call.params["text"] for call in tg.api.calls_to("sendMessage")]
    assert texts == emergency_guidance("not_breathing")


def test_a_chat_sending_too_fast_is_answered_briefly_and_others_and_emergencies_go_through(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from channels.limits import TOO_MANY_REQUESTS

    monkeypatch.setenv("SIGNPOST_LIMIT_PER_SENDER", "3/60")
    harness = TelegramHarness()
    try:
        for n in range(5):
            assert harness.say(f"message {n}").status_code == 200
        assert [m.text for m in harness.bot.received] == ["message 0", "message 1", "message 2"]
        texts = [call.params["text"] for call in harness.api.calls_to("sendMessage")]
        assert texts[3:] == [TOO_MANY_REQUESTS, TOO_MANY_REQUESTS]  # never silent, but no turn
        assert harness.say("hello from someone else", chat_id=CHAT_ID + 1).status_code == 200
        assert [m.text for m in harness.bot.received][-1] == "hello from someone else"
        # Over its limit, a chat writing about danger gets the guidance at once, from safety/, without a turn:
        # emergency words must not buy a flooder full turns.
        sent_before = len(harness.api.calls_to("sendMessage"))
        assert harness.say("my son isnt breathing").status_code == 200
        texts = [call.params["text"] for call in harness.api.calls_to("sendMessage")][sent_before:]
        assert texts == emergency_guidance("not_breathing")
        assert "my son isnt breathing" not in [m.text for m in harness.bot.received]
    finally:
        harness.close()


def test_under_its_limit_an_emergency_still_runs_a_full_turn(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIGNPOST_LIMIT_PER_SENDER", "3/60")
    harness = TelegramHarness()
    try:
        assert harness.say("my son isnt breathing").status_code == 200
        assert [m.text for m in harness.bot.received] == ["my son isnt breathing"]
        texts = [call.params["text"] for call in harness.api.calls_to("sendMessage")]
        assert "Bot heard: my son isnt breathing" in texts and "Call 999 now." in texts
    finally:
        harness.close()


def test_with_redis_unreachable_an_emergency_gets_the_guidance_and_a_message_its_reply() -> None:
    from channels.dedup import RedisStore

    harness = TelegramHarness(store=RedisStore("redis://127.0.0.1:1/0", "test:down:"))
    try:
        assert harness.say("my son isnt breathing").status_code == 200
        texts = [call.params["text"] for call in harness.api.calls_to("sendMessage")]
        assert texts[-len(emergency_guidance("not_breathing")):] == emergency_guidance("not_breathing")
        assert harness.say("worried about my sons drinking").status_code == 200
        texts = [call.params["text"] for call in harness.api.calls_to("sendMessage")]
        assert texts[-1] == "Bot heard: worried about my sons drinking"
        harness.say("menu")
        [keyboard] = [c for c in harness.api.calls_to("sendMessage") if c.params.get("reply_markup")]
        assert "Alcohol" in str(keyboard.params["reply_markup"])  # the buttons still show
    finally:
        harness.close()
