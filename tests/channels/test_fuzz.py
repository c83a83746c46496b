"""Fuzz every public channel: no malformed, hostile or odd request may get a 5xx, and an accepted message is answered.

For each channel at least 1,000 varied requests (seeded, so a failure can be replayed) go over real HTTP to a
Sanic app built with Rasa's own ``register``, running our real channel code. Rasa's agent is played by a bot
that answers, stays silent (as Rasa does when a custom action fails) or raises (as it does when the conversation
store is down), chosen from the text, so the fallback paths run too.
"""

from __future__ import annotations

import json
import random
import string
import time
import uuid
from typing import Any, Callable, Dict, Iterator, List, Tuple
from urllib.parse import quote, urlencode

import httpx
import pytest
from fake_telegram_api import FakeTelegramApi, LocalSanicServer
from rasa.core.channels.channel import UserMessage, register
from sanic import Sanic
from twilio.request_validator import RequestValidator

from channels.dedup import InMemoryStore
from channels.rest import MetadataRestInput
from channels.sms import SmsInput, SmsSettings
from channels.telegram import TelegramInput
from channels.widget import WidgetInput

REQUESTS_PER_CHANNEL = 1000
SEED = 20261201

AUTH_TOKEN = "fuzz-twilio-auth-token-0000000000"
PUBLIC_URL = "https://signpost.example.org"
SMS_PATH = "/webhooks/sms/webhook"
TG_TOKEN = "123456:fuzz-token"
TG_SECRET = "fuzz-secret"
TG_PATH = "/webhooks/telegram/webhook"
REST_PATH = "/webhooks/rest/webhook"


class MoodyBot:
    """Answers, stays silent or raises, decided by the text, like Rasa with parts failing."""

    def __init__(self) -> None:
        self.turns = 0

    async def handle_message(self, message: UserMessage) -> None:
        self.turns += 1
        mood = sum(map(ord, message.text or "")) % 5
        if mood == 0:
            return
        if mood == 1:
            raise RuntimeError("conversation store down")
        out = message.output_channel
        if mood == 2:
            await out.send_text_with_buttons(
                message.sender_id, "Pick one", [{"title": "Alcohol", "payload": "/help_alcohol"}]
            )
        else:
            await out.send_text_message(message.sender_id, "Thanks, here is some help. You can message any time.")


@pytest.fixture(autouse=True)
def environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIGNPOST_PSEUDONYM_KEY", "f" * 40)
    # Limits are tested in test_rest.py; here every request should reach the channel's full path.
    monkeypatch.setenv("SIGNPOST_LIMIT_PER_ADDRESS", "off")
    monkeypatch.setenv("SIGNPOST_LIMIT_PER_SENDER", "off")
    monkeypatch.setenv("SIGNPOST_SMS_SEGMENTS_PER_DAY", "100000")
    monkeypatch.delenv("SIGNPOST_TRUSTED_PROXIES", raising=False)


@pytest.fixture(scope="module")
def telegram_api() -> Iterator[FakeTelegramApi]:
    api = FakeTelegramApi(token=TG_TOKEN).start()
    yield api
    api.stop()


@pytest.fixture
def server(telegram_api: FakeTelegramApi) -> Iterator[Tuple[httpx.Client, MoodyBot]]:
    bot = MoodyBot()
    app = Sanic(f"fuzz_{uuid.uuid4().hex}")
    app.ctx.agent = bot
    store = InMemoryStore()
    channels = [
        MetadataRestInput(store=store),
        WidgetInput(),
        SmsInput(SmsSettings(auth_token=AUTH_TOKEN, public_url=PUBLIC_URL), store=store),
        TelegramInput(TG_TOKEN, TG_SECRET, base_url=telegram_api.base_url, store=store),
    ]
    register(channels, app, route="/webhooks/")
    running = LocalSanicServer(app).start()
    client = httpx.Client(base_url=running.url, timeout=30)
    yield client, bot
    client.close()
    running.stop()


# --- random material ---------------------------------------------------------------------------------------------

_ODD_TEXT = [
    "", " ", "\x00", "\x00\x01\x7f", "\ufeff", "\u202e", "\u200b/restart", "/restart", "/session_start",
    '/inform{"age": 1e309}', "/help_alcohol", '/help_alcohol{"age": 3}', "//", "/", "STOP", "start", "help",
    "yes", "1", "#2", "2.", "99999999999999999999", "my son isnt breathing", "i want to end it all",
    "need help with my drinkin", "🙂" * 50, "ż" * 300, "\n" * 20, "a" * 1599, "a" * 1601, "a" * 2001,
    "<Response><Message>x</Message></Response>", "{{ 7*7 }}", "%s%s%s", "' OR 1=1 --", "\\ud800",
    "\U0010ffff", "\ud7ff", "\ue000",
]


def text(rng: random.Random) -> str:
    pick = rng.random()
    if pick < 0.4:
        return rng.choice(_ODD_TEXT)
    if pick < 0.7:
        return "".join(rng.choice(string.printable) for _ in range(rng.randint(0, 80)))
    alphabet = [chr(rng.randint(1, 0x2FFFF)) for _ in range(40)]
    return "".join(c for c in (rng.choice(alphabet) for _ in range(rng.randint(1, 60))) if not 0xD800 <= ord(c) <= 0xDFFF)


def json_value(rng: random.Random, depth: int = 0) -> Any:
    kind = rng.randint(0, 8 if depth < 3 else 4)
    if kind == 0:
        return None
    if kind == 1:
        return rng.choice([True, False])
    if kind == 2:
        return rng.choice([0, -1, 2**63, 10**30, 1.5, float("1e308")])
    if kind in (3, 4):
        return text(rng)
    if kind in (5, 6):
        return [json_value(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    return {text(rng)[:20]: json_value(rng, depth + 1) for _ in range(rng.randint(0, 4))}


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth if depth % 2 else '{"a":' * depth + "1" + "}" * depth


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, allow_nan=True)


# --- REST --------------------------------------------------------------------------------------------------------


def rest_request(rng: random.Random) -> Dict[str, Any]:
    headers = {"content-type": rng.choice(["application/json", "text/plain", "application/json; charset=utf-8"])}
    sender = rng.choice([f"fuzz-{rng.randint(0, 50)}", text(rng), "x" * 129, ""])
    shape = rng.randint(0, 12)
    if shape <= 4:  # a well-formed message with odd text and metadata
        body = dumps({"sender": sender, "message": text(rng), "metadata": json_value(rng)})
    elif shape == 5:
        body = '{"sender": "s", "message": "hi", "metadata": {"m": ' + nested(rng.choice([100, 900, 1500, 3000])) + "}}"
    elif shape == 6:
        body = '{"sender": "' + rng.choice(["\\ud800", "\\udfff", "a\\ud83d", "\\u0000"]) + '", "message": "hi"}'
    elif shape == 7:
        body = '{"sender": "s", "message": "' + rng.choice(["\\ud800", "hi\\udc00", "\\u0000"]) + '"}'
    elif shape == 8:
        body = dumps(json_value(rng))
    elif shape == 9:
        body = dumps({"sender": json_value(rng), "message": json_value(rng), "input_channel": "sms"})
    elif shape == 10:
        return {"method": "POST", "path": REST_PATH, "content": bytes(rng.randint(0, 255) for _ in range(64)),
                "headers": headers}
    elif shape == 11:
        body = '{"sender": "s", "message": "hi", "metadata": {"n": 1e309, "m": -1e999, "x": NaN}}'
    else:
        body = "x" * rng.choice([10, 17000, 70000])
    path = REST_PATH + rng.choice(["", "", "?stream=true", "?stream=nonsense", "?a=%ff"])
    return {"method": rng.choice(["POST"] * 9 + ["GET", "PUT"]), "path": path, "content": body.encode("utf-8", "surrogatepass"),
            "headers": headers}


def test_rest_never_answers_5xx_and_every_accepted_message_gets_a_reply(server) -> None:
    client, bot = server
    rng = random.Random(SEED)
    statuses = _fire(client, rest_request, rng, check=_rest_reply_not_empty)
    assert bot.turns > 200, "too few requests reached the bot for the fuzz to mean much"
    assert {400, 200} <= statuses


def _rest_reply_not_empty(request: Dict[str, Any], response: httpx.Response) -> None:
    if response.status_code == 200 and request["path"].startswith(REST_PATH) and request["method"] == "POST":
        replies = response.json()
        assert isinstance(replies, list) and replies and all(r.get("text") for r in replies), replies


# --- widget ------------------------------------------------------------------------------------------------------


def widget_request(rng: random.Random) -> Dict[str, Any]:
    name = rng.choice(["", "demo", "widget.js", "widget.css", "page.css", "../../bot/credentials.yml",
                       "%2e%2e%2fsettings.py", "widget.js%00.html", "chat.html", quote(text(rng)[:40], safe=""),
                       "a" * 3000, "widget.js/extra", "..%5c..%5cwin.ini"])
    query = rng.choice(["", "?area=Cheltenham", "?x=" + quote(text(rng)[:30], safe=""), "?%ff%fe"])
    return {"method": rng.choice(["GET", "GET", "HEAD", "POST", "OPTIONS", "DELETE"]),
            "path": "/webhooks/widget/" + name + query, "content": None,
            "headers": {"accept-encoding": rng.choice(["gzip", "br", "identity", "\x01"])}}


def test_widget_never_answers_5xx(server) -> None:
    client, _ = server
    statuses = _fire(client, widget_request, random.Random(SEED + 1))
    assert 200 in statuses and 404 in statuses


# --- SMS ---------------------------------------------------------------------------------------------------------


def sms_request(rng: random.Random) -> Dict[str, Any]:
    params: Dict[str, str] = {
        "MessageSid": rng.choice(["SM" + uuid.uuid4().hex, "SM" + uuid.uuid4().hex, "SMrepeat", "", text(rng)[:40]]),
        "AccountSid": "AC" + "0" * 32,
        "From": rng.choice(["+447700900" + str(rng.randint(100, 999)), "", text(rng)[:20], "+44" + "9" * 40]),
        "To": "+447700900000",
        "Body": text(rng),
        "NumMedia": rng.choice(["0", "1", "x"]),
    }
    if rng.random() < 0.2:
        del params[rng.choice(list(params))]
    if rng.random() < 0.1:
        params["OptOutType"] = rng.choice(["STOP", "START", "HELP", "nonsense", ""])
    pairs = list(params.items())
    valid_signature = rng.random() < 0.6
    content_type = rng.choice(["application/x-www-form-urlencoded"] * 8 + [
        "application/x-www-form-urlencoded; charset=latin-1", "application/json", ""])
    headers = {"content-type": content_type}
    body_kind = rng.randint(0, 9)
    if body_kind <= 6:
        content = urlencode(pairs).encode("ascii")
    elif body_kind == 7:
        content = b"Body=%ff%fe&From=%2B44&MessageSid=SMx"
    elif body_kind == 8:
        content = bytes(rng.randint(0, 255) for _ in range(100))
    else:
        content = b"Body=" + b"a" * 17000
    if valid_signature:
        validator = RequestValidator(AUTH_TOKEN)
        headers["X-Twilio-Signature"] = validator.compute_signature(PUBLIC_URL + SMS_PATH, dict(pairs))
    elif rng.random() < 0.5:
        headers["X-Twilio-Signature"] = rng.choice(["", "bm9wZQ==", "".join(rng.choice(string.ascii_letters + "+/=") for _ in range(28))])
    return {"method": "POST", "path": SMS_PATH, "content": content, "headers": headers, "signed": valid_signature}


def test_sms_with_valid_and_invalid_signatures_never_answers_5xx(server) -> None:
    client, bot = server
    statuses = _fire(client, sms_request, random.Random(SEED + 2))
    assert {200, 403, 400} <= statuses
    assert bot.turns > 80


# --- Telegram ----------------------------------------------------------------------------------------------------


def telegram_update(rng: random.Random) -> Any:
    if rng.random() < 0.5:  # well-formed, as Telegram sends them, with odd text
        chat_id = rng.randint(1000, 1100)
        return {"update_id": rng.randint(1, 10**9), "message": {
            "message_id": 1, "date": int(time.time()), "chat": {"id": chat_id, "type": "private"},
            "from": {"id": chat_id, "is_bot": False, "first_name": "A"}, "text": text(rng)}}
    chat_id = rng.choice([1001, 1002, -100123, 2**40, 0, "x", None, 10**30])
    chat = {"id": chat_id, "type": rng.choice(["private", "private", "group", "channel", "nonsense", 5])}
    message = {"message_id": rng.choice([1, -1, "m", None]), "date": rng.choice([int(time.time()), -5, "now"]),
               "chat": chat, "from": {"id": chat_id, "is_bot": False, "first_name": text(rng)[:10]}}
    content = rng.randint(0, 9)
    if content <= 4:
        message["text"] = text(rng)
    elif content == 5:
        message["sticker"] = {"file_id": "x", "file_unique_id": "y", "width": 1, "height": 1, "is_animated": False,
                              "is_video": False, "type": "regular"}
    elif content == 6:
        message["text"] = json_value(rng)
    update_id = rng.choice([rng.randint(1, 10**9), rng.randint(1, 10**9), -1, "u", None, 2**70])
    kind = rng.randint(0, 9)
    if kind <= 4:
        return {"update_id": update_id, "message": message}
    if kind == 5:
        return {"update_id": update_id, "edited_message": message}
    if kind == 6:
        return {"update_id": update_id, "callback_query": {
            "id": text(rng)[:10] or "q", "from": {"id": chat_id, "is_bot": False, "first_name": "A"},
            "chat_instance": "c", "data": rng.choice(["p:/help_alcohol", "p:/restart", "h:nothing", "zz", "",
                                                      "p:" + text(rng)[:40]]),
            "message": message if rng.random() < 0.5 else None}}
    if kind == 7:
        return json_value(rng)
    if kind == 8:
        return {"update_id": update_id, "message": json_value(rng)}
    return {"update_id": update_id, "my_chat_member": json_value(rng)}


def telegram_request(rng: random.Random) -> Dict[str, Any]:
    with_secret = rng.random() < 0.7
    headers = {"content-type": rng.choice(["application/json"] * 8 + ["text/plain", ""])}
    if with_secret:
        headers["X-Telegram-Bot-Api-Secret-Token"] = TG_SECRET
    elif rng.random() < 0.5:
        headers["X-Telegram-Bot-Api-Secret-Token"] = rng.choice(["wrong", "", TG_SECRET + "x"])
    shape = rng.randint(0, 9)
    if shape <= 6:
        content = dumps(telegram_update(rng)).encode("utf-8", "surrogatepass")
    elif shape == 7:
        content = ('{"update_id": 5, "message": ' + nested(rng.choice([500, 2000, 5000])) + "}").encode()
    elif shape == 8:
        content = bytes(rng.randint(0, 255) for _ in range(80))
    else:
        content = ('{"update_id": 7, "message": {"message_id": 1, "date": 1, "chat": {"id": 1, "type": "private"},'
                   ' "text": "\\ud800"}}').encode()
    return {"method": "POST", "path": TG_PATH, "content": content, "headers": headers}


def test_telegram_with_and_without_the_secret_never_answers_5xx(server, telegram_api: FakeTelegramApi) -> None:
    client, bot = server
    statuses = _fire(client, telegram_request, random.Random(SEED + 3))
    assert {200, 403} <= statuses
    assert bot.turns > 100


def test_every_text_telegram_accepts_gets_an_answer(server, telegram_api: FakeTelegramApi) -> None:
    client, _ = server
    rng = random.Random(SEED + 4)
    for index in range(200):
        chat_id = 5000 + index
        update = {"update_id": 900000 + index, "message": {
            "message_id": 1, "date": int(time.time()), "chat": {"id": chat_id, "type": "private"},
            "from": {"id": chat_id, "is_bot": False, "first_name": "A"}, "text": text(rng) or "hi"}}
        before = len(telegram_api.calls_to("sendMessage"))
        response = client.post(TG_PATH, content=dumps(update).encode("utf-8", "surrogatepass"),
                               headers={"content-type": "application/json", "X-Telegram-Bot-Api-Secret-Token": TG_SECRET})
        assert response.status_code == 200
        sent = [c for c in telegram_api.calls_to("sendMessage")[before:] if c.params.get("chat_id") in (chat_id, str(chat_id))]
        assert sent, f"no answer to update {index}"


# --- driver ------------------------------------------------------------------------------------------------------


def _fire(
    client: httpx.Client,
    make: Callable[[random.Random], Dict[str, Any]],
    rng: random.Random,
    check: Callable[[Dict[str, Any], httpx.Response], None] | None = None,
) -> set:
    statuses = set()
    failures: List[str] = []
    for index in range(REQUESTS_PER_CHANNEL):
        request = make(rng)
        response = client.request(request["method"], request["path"], content=request["content"],
                                  headers=request["headers"])
        statuses.add(response.status_code)
        if response.status_code >= 500:
            failures.append(f"#{index} {request['method']} {request['path'][:60]} -> {response.status_code}: "
                            f"{(request['content'] or b'')[:120]!r}")
        elif check is not None:
            check(request, response)
    assert not failures, f"{len(failures)} 5xx answers:\n" + "\n".join(failures[:10])
    return statuses
