"""The same conversation over SMS and Telegram, through `signpost run` with the trained assistant.

SMS requests are signed as Twilio signs them; Telegram talks to a local stand-in for the Bot API, so
python-telegram-bot's real request layer carries the replies.
"""
from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
import xml.etree.ElementTree as ElementTree

import pytest
from twilio.request_validator import RequestValidator

from tests.support.server import TELEGRAM_SECRET, TWILIO_AUTH_TOKEN

pytestmark = pytest.mark.slow

SMS_PATH = "/webhooks/sms/webhook"
TELEGRAM_PATH = "/webhooks/telegram/webhook"


def post(url: str, data: bytes, headers: dict) -> tuple[int, str]:
    request = urllib.request.Request(url, data=data, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")


class Texter:
    """One phone texting the assistant's Twilio number."""

    def __init__(self, server) -> None:
        self.server = server
        self.number = "+4477009" + str(uuid.uuid4().int)[:5]

    def text(self, body: str, *, signature: str | None = None, sid: str | None = None) -> tuple[int, list[str]]:
        params = {
            "From": self.number, "To": "+447700900000", "Body": body,
            "MessageSid": sid or "SM" + uuid.uuid4().hex, "AccountSid": "ACe2e00000000000000000000000000000",
        }
        url = self.server.base_url + SMS_PATH
        if signature is None:
            signature = RequestValidator(TWILIO_AUTH_TOKEN).compute_signature(url, params)
        status, body_text = post(
            url, urllib.parse.urlencode(params).encode(),
            {"Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": signature},
        )
        if status != 200:
            return status, []
        return status, [m.text or "" for m in ElementTree.fromstring(body_text).iter("Message")]


def test_sms_conversation_with_a_numbered_menu(signpost_server):
    phone = Texter(signpost_server)
    status, greeting = phone.text("hi")
    assert status == 200 and greeting
    menu = "\n".join(greeting)
    assert "1" in menu and "Reply" in menu, "buttons become a numbered list on SMS"
    status, asked = phone.text("1")  # the first choice: help with my drinking
    assert status == 200 and "town" in " ".join(asked).lower()
    status, options = phone.text("skip")
    reply = "\n".join(options)
    assert status == 200 and "Open now" in reply, "24-hour lines are always among the options"
    assert all(len(message) <= 1600 for message in options)


def test_sms_emergency_is_answered_first(signpost_server):
    status, replies = Texter(signpost_server).text("my boyfriend isnt breathing")
    assert status == 200 and "999" in replies[0]


def test_sms_forged_signature_gets_403_and_no_reply(signpost_server):
    status, replies = Texter(signpost_server).text("hi", signature="forged")
    assert status == 403 and replies == []


def test_sms_retry_of_the_same_message_gets_the_same_reply_once(signpost_server):
    phone = Texter(signpost_server)
    sid = "SM" + uuid.uuid4().hex
    _, first = phone.text("need help with drugs", sid=sid)
    _, retry = phone.text("need help with drugs", sid=sid)
    assert first == retry and "town" in " ".join(first).lower()


def test_sms_end_still_carries_the_crisis_numbers(signpost_server):
    status, replies = Texter(signpost_server).text("END")
    assert status == 200 and "999" in replies[0] and "116 123" in replies[0]


def _telegram_update(chat_id: int, text: str) -> dict:
    return {
        "update_id": int(time.time() * 1000) % 2_000_000_000,
        "message": {
            "message_id": 1, "date": int(time.time()), "text": text,
            "chat": {"id": chat_id, "type": "private", "first_name": "Sam"},
            "from": {"id": chat_id, "is_bot": False, "first_name": "Sam"},
        },
    }


def _send_telegram(server, update: dict, secret: str = TELEGRAM_SECRET) -> int:
    status, _ = post(
        server.base_url + TELEGRAM_PATH, json.dumps(update).encode(),
        {"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": secret},
    )
    return status


def _replies_to(api, chat_id: int, count: int, timeout: float = 60.0) -> list[dict]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        sent = [c.params for c in api.calls_to("sendMessage") if str(c.params.get("chat_id")) == str(chat_id)]
        if len(sent) >= count:
            return sent
        time.sleep(0.2)
    return [c.params for c in api.calls_to("sendMessage") if str(c.params.get("chat_id")) == str(chat_id)]


def test_telegram_family_member_conversation(signpost_server):
    chat_id = 700_000_000 + uuid.uuid4().int % 1_000_000
    assert _send_telegram(signpost_server, _telegram_update(chat_id, "worried about my mums drinking")) == 200
    asked = _replies_to(signpost_server.telegram_api, chat_id, 1)
    assert asked and "town" in asked[0]["text"].lower()
    assert "reply_markup" in asked[0], "the Skip choice is an inline keyboard"
    assert _send_telegram(signpost_server, _telegram_update(chat_id, "coventry")) == 200
    replies = _replies_to(signpost_server.telegram_api, chat_id, 3)
    text = "\n".join(r["text"] for r in replies)
    assert "Coventry" in text and "for you" in text.lower()


def test_telegram_without_the_secret_is_refused(signpost_server):
    chat_id = 800_000_000 + uuid.uuid4().int % 1_000_000
    assert _send_telegram(signpost_server, _telegram_update(chat_id, "hi"), secret="wrong") == 403
    time.sleep(1)
    assert _replies_to(signpost_server.telegram_api, chat_id, 1, timeout=1) == []
