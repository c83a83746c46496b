"""The SMS channel through Rasa's real channel machinery, over real HTTP on 127.0.0.1.

The Sanic app is built with ``rasa.core.channels.channel.register`` exactly as ``rasa run`` does; Rasa's
``on_new_message`` hook is played by a scripted bot that answers through the given output channel.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Dict, Iterator, List, Optional

import httpx
import pytest
from fake_telegram_api import LocalSanicServer
from rasa.core.channels.channel import UserMessage, register
from sanic import Sanic
from twilio.http import AsyncHttpClient
from twilio.http.response import Response as TwilioResponse
from twilio.request_validator import RequestValidator

from channels.dedup import InMemoryStore, RedisStore, store_from_env
from channels.identity import pseudonymise
from channels.sms import SmsInput, SmsSettings
from replies.privacy import FORGOTTEN
from tests.support.services import unavailable

AUTH_TOKEN = "test-twilio-auth-token-000000000000"
ACCOUNT_SID = "AC" + "0" * 32
OUR_NUMBER = "+447700900000"
PHONE = "+447700900123"  # Ofcom's drama range: never a real person
PUBLIC_URL = "https://signpost.example.org"
WEBHOOK_PATH = "/webhooks/sms/webhook"
REDIS_URL = "redis://127.0.0.1:6379/0"
UNREACHABLE_REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there: every store call fails at once


class ScriptedBot:
    """Plays Rasa's agent (``app.ctx.agent.handle_message`` is the ``on_new_message`` that ``register`` wires
    into every channel): records each UserMessage and answers through its output channel."""

    def __init__(self, delay_seconds: float = 0.0) -> None:
        self.received: List[UserMessage] = []
        self.delay_seconds = delay_seconds

    async def handle_message(self, message: UserMessage) -> None:
        self.received.append(message)
        if self.delay_seconds:
            await asyncio.sleep(self.delay_seconds)
        out = message.output_channel
        if message.text == "menu":
            await out.send_text_with_buttons(
                message.sender_id,
                "What would you like help with?",
                [{"title": "Drugs", "payload": "/help_drugs"}, {"title": "Alcohol", "payload": "/help_alcohol"}],
            )
        elif message.text == "crash":
            raise RuntimeError("the bot fell over")
        elif message.text == "forget me":
            await out.send_text_message(message.sender_id, FORGOTTEN)  # what action_forget_me says
        else:
            await out.send_text_message(message.sender_id, f"Bot heard: {message.text}")


class RecordingTwilioHttp(AsyncHttpClient):
    """Twilio's own transport hook: records REST requests and answers like the Messages API."""

    requests: List[Dict[str, Any]] = []

    def __init__(self) -> None:
        super().__init__(logging.getLogger("test.twilio"), is_async=True)

    async def request(self, method, uri, params=None, data=None, headers=None, auth=None, timeout=None,
                      allow_redirects=False) -> TwilioResponse:
        RecordingTwilioHttp.requests.append({"method": method, "uri": uri, "data": dict(data or {})})
        body = {"sid": "SM" + uuid.uuid4().hex, "account_sid": ACCOUNT_SID, "to": data.get("To"),
                "from": data.get("From"), "body": data.get("Body"), "status": "queued"}
        return TwilioResponse(201, json.dumps(body))


class SmsHarness:
    def __init__(self, channel: SmsInput, bot: ScriptedBot) -> None:
        self.channel = channel
        self.bot = bot
        app = Sanic(f"sms_test_{uuid.uuid4().hex}")
        app.ctx.agent = bot
        register([channel], app, route="/webhooks/")
        self.server = LocalSanicServer(app).start()
        self.client = httpx.Client(base_url=self.server.url, timeout=20)

    def post(self, params: Dict[str, str], signature: Optional[str] = "auto", url: str = PUBLIC_URL + WEBHOOK_PATH,
             **kwargs: Any) -> httpx.Response:
        headers = dict(kwargs.pop("headers", {}))
        if signature == "auto":
            signature = RequestValidator(AUTH_TOKEN).compute_signature(url, params)
        if signature is not None:
            headers["X-Twilio-Signature"] = signature
        if "content" in kwargs:
            return self.client.post(WEBHOOK_PATH, headers=headers, **kwargs)
        return self.client.post(WEBHOOK_PATH, data=params, headers=headers, **kwargs)

    def text(self, body: str, sid: Optional[str] = None, sender: str = PHONE) -> httpx.Response:
        return self.post(sms(body, sid=sid, sender=sender))

    def close(self) -> None:
        self.client.close()
        self.server.stop()


def sms(body: str, sid: Optional[str] = None, sender: str = PHONE) -> Dict[str, str]:
    return {"MessageSid": sid or "SM" + uuid.uuid4().hex, "AccountSid": ACCOUNT_SID, "From": sender,
            "To": OUR_NUMBER, "Body": body, "NumMedia": "0"}


def replies(response: httpx.Response) -> List[str]:
    """The <Message> texts in a TwiML answer."""
    import xml.etree.ElementTree as ElementTree

    assert response.status_code == 200, response.text
    root = ElementTree.fromstring(response.text)
    assert root.tag == "Response"
    return [element.text or "" for element in root.findall("Message")]


def make_channel(store=None, reply_timeout_seconds: float = 10.0, claim_seconds: float = 5.0) -> SmsInput:
    settings = SmsSettings(auth_token=AUTH_TOKEN, account_sid=ACCOUNT_SID, twilio_number=OUR_NUMBER,
                           public_url=PUBLIC_URL, reply_timeout_seconds=reply_timeout_seconds,
                           dedup_claim_seconds=claim_seconds)
    return SmsInput(settings, store=store or InMemoryStore(), twilio_http_client_factory=RecordingTwilioHttp)


@pytest.fixture(autouse=True)
def pseudonym_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIGNPOST_PSEUDONYM_KEY", "k" * 40)


@pytest.fixture
def harness() -> Iterator[SmsHarness]:
    h = SmsHarness(make_channel(), ScriptedBot())
    yield h
    h.close()


def redis_or_skip() -> None:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except Exception as error:  # pragma: no cover - depends on the machine
        unavailable(f"needs the local Redis at 127.0.0.1:6379 ({type(error).__name__})")


# --- signatures ---------------------------------------------------------------------------------------------------


def test_signed_message_reaches_the_bot_and_the_reply_comes_back_as_twiml(harness: SmsHarness) -> None:
    response = harness.text("hello there")
    assert replies(response) == ["Bot heard: hello there"]
    assert response.headers["content-type"].startswith("text/xml")
    [message] = harness.bot.received
    assert message.text == "hello there"
    assert message.input_channel == "sms"
    assert message.metadata == {"channel": "sms"}
    assert message.sender_id == pseudonymise("sms", PHONE)
    assert "7700900123" not in message.sender_id


@pytest.mark.parametrize(
    "signature",
    [None, "", "not-a-signature", RequestValidator("wrong-token").compute_signature(PUBLIC_URL + WEBHOOK_PATH, sms("hi", sid="SM1"))],
)
def test_missing_or_wrong_signature_is_forbidden_and_nothing_reaches_the_bot(harness: SmsHarness, signature) -> None:
    response = harness.post(sms("hi", sid="SM1"), signature=signature)
    assert response.status_code == 403
    assert "<Message>" not in response.text
    assert harness.bot.received == []


def test_signature_must_be_for_the_public_url_not_the_internal_one(harness: SmsHarness) -> None:
    params = sms("hi")
    response = harness.post(params, url=harness.server.url + WEBHOOK_PATH)
    assert response.status_code == 403
    assert harness.bot.received == []


def test_tampered_body_fails_the_signature(harness: SmsHarness) -> None:
    params = sms("hi")
    signature = RequestValidator(AUTH_TOKEN).compute_signature(PUBLIC_URL + WEBHOOK_PATH, params)
    response = harness.post({**params, "Body": "something else"}, signature=signature)
    assert response.status_code == 403
    assert harness.bot.received == []


# --- numbered choices -----------------------------------------------------------------------------------------------


def test_numbered_reply_maps_back_to_the_offered_payload(harness: SmsHarness) -> None:
    [menu] = replies(harness.text("menu"))
    assert menu == "What would you like help with?\nReply 1 for Drugs\nReply 2 for Alcohol"
    harness.text("2")
    assert harness.bot.received[-1].text == "/help_alcohol"
    # The reply to "/help_alcohol" had no menu, so numbers mean nothing special any more.
    harness.text("1")
    assert harness.bot.received[-1].text == "1"


def test_number_outside_the_menu_and_other_senders_pass_through_as_text(harness: SmsHarness) -> None:
    harness.text("menu")
    harness.text("3")
    assert harness.bot.received[-1].text == "3"
    harness.text("menu")
    harness.text("1", sender="+447700900999")
    assert harness.bot.received[-1].text == "1"


# --- carrier keywords -------------------------------------------------------------------------------------------------


def test_stop_opts_out_with_safety_numbers_then_silence_until_start(harness: SmsHarness) -> None:
    [confirmation] = replies(harness.text("STOP"))
    assert "999" in confirmation and "116 123" in confirmation
    assert replies(harness.text("hello?")) == []  # opted out: we send nothing
    assert harness.bot.received == []
    [help_text] = replies(harness.text("help"))
    assert "999" in help_text and "signpost" in help_text
    [welcome] = replies(harness.text("Start"))
    assert "Welcome back" in welcome
    assert replies(harness.text("hello again")) == ["Bot heard: hello again"]
    assert [m.text for m in harness.bot.received] == ["hello again"]


@pytest.mark.parametrize("word", ["END", "quit", "Cancel.", "unsubscribe", "STOPALL", "optout", "revoke!", " stop "])
def test_every_opt_out_word_opts_out_and_carries_999(harness: SmsHarness, word: str) -> None:
    [confirmation] = replies(harness.text(word))
    assert "If you're in danger, call 999. Samaritans: 116 123, free, any time." in confirmation
    assert replies(harness.text("hi")) == []
    assert harness.bot.received == []


def test_yes_reopts_in_only_after_an_opt_out(harness: SmsHarness) -> None:
    harness.text("yes")
    assert harness.bot.received[-1].text == "yes"  # an ordinary answer
    harness.text("stop")
    [welcome] = replies(harness.text("YES"))
    assert "Welcome back" in welcome


@pytest.mark.parametrize("text", ["I want to end it", "can't stop drinking", "help me please", "stop it"])
def test_keywords_inside_a_sentence_go_to_the_bot(harness: SmsHarness, text: str) -> None:
    answer = "\n".join(replies(harness.text(text)))
    assert [m.text for m in harness.bot.received] == [text]
    assert f"Bot heard: {text}" in answer


def test_help_answers_what_this_is_with_999(harness: SmsHarness) -> None:
    [answer] = replies(harness.text("HELP"))
    assert "drug and alcohol support" in answer and "999" in answer and "116 123" in answer
    assert harness.bot.received == []


# --- idempotency --------------------------------------------------------------------------------------------------------


def test_same_message_sid_twice_is_processed_once_and_gets_the_same_reply(harness: SmsHarness) -> None:
    harness.text("menu")
    first = harness.text("1", sid="SMretry1")
    second = harness.text("1", sid="SMretry1")
    assert first.text == second.text
    assert [m.text for m in harness.bot.received] == ["menu", "/help_drugs"]


def test_concurrent_duplicate_deliveries_are_processed_once() -> None:
    h = SmsHarness(make_channel(), ScriptedBot(delay_seconds=0.5))
    try:
        params = sms("are you there", sid="SMconcurrent")
        with ThreadPoolExecutor(max_workers=6) as pool:
            responses = list(pool.map(lambda _: h.post(params), range(6)))
        bodies = {response.text for response in responses}
        assert len(bodies) == 1
        assert replies(responses[0]) == ["Bot heard: are you there"]
        assert len(h.bot.received) == 1
    finally:
        h.close()


def test_duplicate_on_another_replica_sharing_redis_is_processed_once() -> None:
    redis_or_skip()
    namespace = f"test:{uuid.uuid4().hex}:"
    bot = ScriptedBot(delay_seconds=0.3)
    replica_a = SmsHarness(make_channel(RedisStore(REDIS_URL, namespace)), bot)
    replica_b = SmsHarness(make_channel(RedisStore(REDIS_URL, namespace)), bot)
    try:
        params = sms("one turn only", sid="SMreplicas")
        with ThreadPoolExecutor(max_workers=2) as pool:
            answers = list(pool.map(lambda h: h.post(params), [replica_a, replica_b]))
        assert len(bot.received) == 1
        assert replies(answers[0]) == replies(answers[1]) == ["Bot heard: one turn only"]
    finally:
        replica_a.close()
        replica_b.close()


def test_numbered_choices_survive_across_replicas_with_redis() -> None:
    redis_or_skip()
    namespace = f"test:{uuid.uuid4().hex}:"
    bot = ScriptedBot()
    replica_a = SmsHarness(make_channel(RedisStore(REDIS_URL, namespace)), bot)
    replica_b = SmsHarness(make_channel(RedisStore(REDIS_URL, namespace)), bot)
    try:
        replica_a.text("menu")
        replica_b.text("2")
        assert bot.received[-1].text == "/help_alcohol"
        replica_a.text("stop")
        assert replies(replica_b.text("hello")) == []
    finally:
        replica_a.close()
        replica_b.close()


def test_store_from_env_uses_redis_when_configured(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIGNPOST_REDIS_URL", REDIS_URL)
    assert isinstance(store_from_env(), RedisStore)
    monkeypatch.delenv("SIGNPOST_REDIS_URL")
    assert isinstance(store_from_env(), InMemoryStore)


# --- bad input --------------------------------------------------------------------------------------------------------


def test_oversized_body_is_rejected_with_413(harness: SmsHarness) -> None:
    response = harness.text("x" * 1601)
    assert response.status_code == 413
    assert harness.bot.received == []
    assert replies(harness.text("x" * 1600))  # exactly the limit is fine


def test_non_form_content_type_is_rejected(harness: SmsHarness) -> None:
    response = harness.post(sms("hi"), content=json.dumps(sms("hi")), headers={"content-type": "application/json"})
    assert response.status_code == 415
    assert harness.bot.received == []


@pytest.mark.parametrize("raw", [b"Body=%FF%FE&From=%2B447700900123&MessageSid=SMx", "Body=caf\u00e9".encode("latin-1")])
def test_wrong_encoding_is_a_clear_400(harness: SmsHarness, raw: bytes) -> None:
    response = harness.post({}, signature="x", content=raw,
                            headers={"content-type": "application/x-www-form-urlencoded"})
    assert response.status_code == 400
    assert harness.bot.received == []


@pytest.mark.parametrize("missing", ["Body", "From", "MessageSid"])
def test_signed_request_missing_a_field_is_a_400(harness: SmsHarness, missing: str) -> None:
    params = sms("hi")
    del params[missing]
    assert harness.post(params).status_code == 400
    assert harness.bot.received == []


def test_server_keeps_running_after_bad_requests_and_bot_failures(harness: SmsHarness) -> None:
    harness.post({}, signature=None, content=b"\xff\xfe", headers={"content-type": "application/x-www-form-urlencoded"})
    harness.post(sms("hi"), signature="nope")
    sorry = "\n".join(replies(harness.text("crash")))
    assert "999" in sorry and "116 123" in sorry
    assert replies(harness.text("still there?")) == ["Bot heard: still there?"]


# --- slow bot: REST fallback through twilio's http_client hook -------------------------------------------------------


def test_slow_reply_is_sent_by_rest_after_an_empty_twiml_answer() -> None:
    RecordingTwilioHttp.requests.clear()
    h = SmsHarness(make_channel(reply_timeout_seconds=0.2), ScriptedBot(delay_seconds=0.6))
    try:
        assert replies(h.text("slow question")) == []
        deadline = time.monotonic() + 5
        while not RecordingTwilioHttp.requests and time.monotonic() < deadline:
            time.sleep(0.05)
        [sent] = RecordingTwilioHttp.requests
        assert sent["method"] == "POST"
        assert sent["uri"].endswith(f"/Accounts/{ACCOUNT_SID}/Messages.json")
        assert sent["data"] == {"To": PHONE, "From": OUR_NUMBER, "Body": "Bot heard: slow question"}
    finally:
        h.close()


# --- configuration and privacy ------------------------------------------------------------------------------------------


def test_environment_wins_over_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "from-env")
    monkeypatch.delenv("SIGNPOST_PUBLIC_URL", raising=False)
    settings = SmsSettings.from_credentials({"auth_token": "from-file", "public_url": "https://file.example"})
    assert settings.auth_token == "from-env"
    assert settings.public_url == "https://file.example"


def test_no_auth_token_means_the_channel_refuses_to_start(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TWILIO_AUTH_TOKEN", raising=False)
    with pytest.raises(ValueError):
        SmsInput.from_credentials({})


def test_pseudonyms_are_keyed_stable_and_hide_the_number(monkeypatch: pytest.MonkeyPatch) -> None:
    first = pseudonymise("sms", PHONE)
    assert first == pseudonymise("sms", PHONE)
    assert first != pseudonymise("telegram", PHONE)
    assert "7700900123" not in first
    monkeypatch.setenv("SIGNPOST_PSEUDONYM_KEY", "another-key-" + "z" * 30)
    assert pseudonymise("sms", PHONE) != first


def test_logs_never_contain_the_number_or_the_text(harness: SmsHarness, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    secret_text = "my secret words about heroin"
    harness.text(secret_text)
    harness.post(sms(secret_text), signature="bad")
    harness.text("x" * 1601)
    harness.text("menu")
    harness.text("1")
    harness.text("STOP")
    harness.text(secret_text)
    harness.text("START")
    harness.post({}, signature=None, content=f"Body={secret_text}&From={PHONE}".encode() + b"%FF",
                 headers={"content-type": "application/x-www-form-urlencoded"})
    assert caplog.records, "expected the channel to log something"
    for record in caplog.records:
        line = record.getMessage()
        assert "7700900123" not in line and secret_text not in line and "heroin" not in line


def test_rasa_loads_both_channels_from_credentials_yml(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The exact credentials.yml entries we document, loaded the way `rasa run --credentials` loads them."""
    from rasa.core.run import create_http_input_channels

    monkeypatch.setenv("TWILIO_AUTH_TOKEN", AUTH_TOKEN)
    monkeypatch.setenv("TELEGRAM_TOKEN", "123:abc")
    monkeypatch.setenv("TELEGRAM_WEBHOOK_SECRET", "s3cret")
    monkeypatch.setenv("SIGNPOST_PUBLIC_URL", PUBLIC_URL)
    credentials = tmp_path / "credentials.yml"
    credentials.write_text(
        "channels.sms.SmsInput:\n"
        "  account_sid: null\n  auth_token: null\n  twilio_number: null\n  public_url: null\n"
        "channels.telegram.TelegramInput:\n"
        "  access_token: null\n  secret_token: null\n"
    )
    sms_channel, telegram_channel = create_http_input_channels(None, str(credentials))
    assert (sms_channel.name(), telegram_channel.name()) == ("sms", "telegram")
    assert sms_channel.settings.public_url == PUBLIC_URL


def test_keyword_already_answered_by_twilio_advanced_opt_out_is_recorded_not_answered_twice(
    harness: SmsHarness,
) -> None:
    assert replies(harness.post({**sms("STOP"), "OptOutType": "STOP"})) == []
    assert replies(harness.text("hello")) == []  # we recorded the opt-out
    assert replies(harness.post({**sms("START"), "OptOutType": "START"})) == []
    assert replies(harness.text("hello")) == ["Bot heard: hello"]
    assert replies(harness.post({**sms("HELP"), "OptOutType": "HELP"})) == []
    assert [m.text for m in harness.bot.received] == ["hello"]


# --- never silent and the daily cap --------------------------------------------------------------------------------


class SilentBot(ScriptedBot):
    """Says nothing, as Rasa does when the action server is down."""

    async def handle_message(self, message: UserMessage) -> None:
        self.received.append(message)


def test_a_silent_turn_is_answered_from_the_safety_layer() -> None:
    harness = SmsHarness(make_channel(), SilentBot())
    try:
        emergency = "\n".join(replies(harness.text("my mum wont wake up and shes not breathing")))
        assert emergency.startswith("Call 999 now.")
        other = "\n".join(replies(harness.text("need help with my drinking")))
        assert other.startswith("Sorry, I can't look up services just now.") and "116 123" in other
    finally:
        harness.close()


def test_a_slow_turn_that_ends_silent_still_gets_a_late_reply_by_rest() -> None:
    RecordingTwilioHttp.requests.clear()
    bot = SilentBot(delay_seconds=0.0)

    async def slow_and_silent(message: UserMessage) -> None:
        bot.received.append(message)
        await asyncio.sleep(0.6)

    bot.handle_message = slow_and_silent  # type: ignore[method-assign]
    harness = SmsHarness(make_channel(reply_timeout_seconds=0.2), bot)
    try:
        assert replies(harness.text("need help with my drinking")) == []
        deadline = time.monotonic() + 10
        while not RecordingTwilioHttp.requests and time.monotonic() < deadline:
            time.sleep(0.05)
        sent = "\n".join(r["data"]["Body"] for r in RecordingTwilioHttp.requests)
        assert "999" in sent and "116 123" in sent
    finally:
        harness.close()


def test_the_daily_segment_cap_ends_with_one_kind_message_then_silence_but_emergencies_still_get_through(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SIGNPOST_SMS_SEGMENTS_PER_DAY", "3")
    harness = SmsHarness(make_channel(), ScriptedBot())
    try:
        answered = [replies(harness.text(f"message {i}")) for i in range(5)]
        assert answered[:3] == [[f"Bot heard: message {i}"] for i in range(3)]
        [capped] = answered[3]
        assert "999" in capped and "116 123" in capped and "tomorrow" in capped
        assert answered[4] == []
        emergency = "\n".join(replies(harness.text("hes not breathing")))
        assert emergency.startswith("Call 999 now.")
        # Another number has its own allowance.
        assert replies(harness.text("hello", sender="+447700900456")) == ["Bot heard: hello"]
    finally:
        harness.close()


def test_the_daily_cap_is_shared_by_replicas_through_redis(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except Exception as error:
        if os.environ.get("CI") == "true":
            raise
        unavailable(f"needs the local Redis at 127.0.0.1:6379 ({type(error).__name__})")
    monkeypatch.setenv("SIGNPOST_SMS_SEGMENTS_PER_DAY", "2")
    namespace = f"test:{uuid.uuid4().hex}:"
    bot = ScriptedBot()
    replica_a = SmsHarness(make_channel(RedisStore(REDIS_URL, namespace)), bot)
    replica_b = SmsHarness(make_channel(RedisStore(REDIS_URL, namespace)), bot)
    try:
        assert replies(replica_a.text("one")) == ["Bot heard: one"]
        assert replies(replica_b.text("two")) == ["Bot heard: two"]
        assert "tomorrow" in replies(replica_a.text("three"))[0]
        assert replies(replica_b.text("four")) == []
    finally:
        replica_a.close()
        replica_b.close()
        client = redis.Redis.from_url(REDIS_URL)
        for key in client.scan_iter(match=f"{namespace}*"):
            client.delete(key)


def test_command_text_by_sms_is_read_as_words(harness: SmsHarness) -> None:
    harness.text('/inform{"age": 1e309}')
    harness.text("/restart")
    assert [m.text for m in harness.bot.received] == ['inform{"age": 1e309}', "restart"]


def test_an_emergency_is_answered_at_once_when_the_bot_is_slow_and_the_rest_follows_by_rest() -> None:
    from safety.guidance import emergency_guidance

    RecordingTwilioHttp.requests.clear()
    bot = ScriptedBot()

    async def slow(message: UserMessage) -> None:
        bot.received.append(message)
        await asyncio.sleep(3)
        for line in [*emergency_guidance("not_breathing"), "Is there anything else?"]:
            await message.output_channel.send_text_message(message.sender_id, line)

    bot.handle_message = slow  # type: ignore[method-assign]
    harness = SmsHarness(make_channel(), bot)
    try:
        started = time.monotonic()
        now = "\n".join(replies(harness.text("my son isnt breathing")))
        assert time.monotonic() - started < 3
        assert now.startswith("Call 999 now.")
        deadline = time.monotonic() + 10
        while not RecordingTwilioHttp.requests and time.monotonic() < deadline:
            time.sleep(0.05)
        later = [r["data"]["Body"] for r in RecordingTwilioHttp.requests]
        assert later == ["Is there anything else?"]  # the guidance is not sent twice
    finally:
        harness.close()


# --- Redis down, a server dead mid-turn, forget me ------------------------------------------------------------------


def _clear(namespace: str) -> None:
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(match=f"{namespace}*"):
        client.delete(key)


def test_with_redis_unreachable_every_text_still_gets_its_reply() -> None:
    harness = SmsHarness(make_channel(RedisStore(UNREACHABLE_REDIS_URL, "test:down:")), ScriptedBot())
    try:
        emergency = replies(harness.text("my son isnt breathing"))
        assert emergency[0] == "Call 999 now."
        assert replies(harness.text("need help with my drinking")) == ["Bot heard: need help with my drinking"]
        [menu] = replies(harness.text("menu"))
        assert "Reply 1 for Drugs" in menu
        assert replies(harness.text("1")) == ["Bot heard: 1"]  # the menu could not be kept: read as words
        [confirmation] = replies(harness.text("STOP"))
        assert "999" in confirmation  # the opt-out cannot be recorded, but it is confirmed with 999
    finally:
        harness.close()


def test_a_retry_takes_over_from_a_server_that_died_holding_the_message_and_gets_a_real_reply() -> None:
    import threading

    redis_or_skip()
    namespace = f"test:{uuid.uuid4().hex}:"
    hanging = ScriptedBot(delay_seconds=60)  # the first server's turn never finishes
    dead = SmsHarness(make_channel(RedisStore(REDIS_URL, namespace), claim_seconds=1.0), hanging)
    live = SmsHarness(make_channel(RedisStore(REDIS_URL, namespace), claim_seconds=1.0), ScriptedBot())
    frozen = threading.Event()
    params = sms("is anyone there", sid="SMdeadholder")
    first = ThreadPoolExecutor(max_workers=1)
    try:
        first.submit(lambda: httpx.post(dead.server.url + WEBHOOK_PATH, data=params, timeout=3, headers={
            "X-Twilio-Signature": RequestValidator(AUTH_TOKEN).compute_signature(PUBLIC_URL + WEBHOOK_PATH, params)}))
        deadline = time.monotonic() + 10
        while not hanging.received and time.monotonic() < deadline:
            time.sleep(0.02)
        assert hanging.received, "the first server never started the turn"
        # The first server dies: its event loop stops for good, so it never renews its claim again.
        dead.server.loop.call_soon_threadsafe(frozen.wait)
        started = time.monotonic()
        assert replies(live.post(params)) == ["Bot heard: is anyone there"]
        assert time.monotonic() - started < 8  # within Twilio's window
        assert [m.text for m in live.bot.received] == ["is anyone there"]
    finally:
        frozen.set()
        first.shutdown(wait=False)
        live.close()
        dead.close()
        _clear(namespace)


def test_a_live_server_keeps_its_claim_while_a_slow_turn_runs_and_the_retry_gets_its_reply() -> None:
    redis_or_skip()
    namespace = f"test:{uuid.uuid4().hex}:"
    bot = ScriptedBot(delay_seconds=3)  # three times the claim's lifetime: only renewing keeps it
    replica_a = SmsHarness(make_channel(RedisStore(REDIS_URL, namespace), claim_seconds=1.0), bot)
    replica_b = SmsHarness(make_channel(RedisStore(REDIS_URL, namespace), claim_seconds=1.0), bot)
    params = sms("a slow question", sid="SMliveholder")
    try:
        with ThreadPoolExecutor(max_workers=1) as pool:
            first = pool.submit(replica_a.post, params)
            deadline = time.monotonic() + 10
            while not bot.received and time.monotonic() < deadline:
                time.sleep(0.02)
            retry = replica_b.post(params)
            assert replies(first.result()) == replies(retry) == ["Bot heard: a slow question"]
        assert len(bot.received) == 1  # the retry waited for the live holder instead of running the turn again
    finally:
        replica_a.close()
        replica_b.close()
        _clear(namespace)


def test_forget_me_erases_the_kept_replies_and_numbered_choices_of_that_sender_only() -> None:
    import redis

    redis_or_skip()
    namespace = f"test:{uuid.uuid4().hex}:"
    client = redis.Redis.from_url(REDIS_URL, decode_responses=True)
    harness = SmsHarness(make_channel(RedisStore(REDIS_URL, namespace)), ScriptedBot())
    someone_else = "+447700900456"
    try:
        harness.text("worried about my sons drinking", sid="SMkept1")
        harness.text("menu", sid="SMkept2")
        harness.text("menu", sid="SMother", sender=someone_else)
        me, other = pseudonymise("sms", PHONE), pseudonymise("sms", someone_else)
        assert client.get(f"{namespace}sms:sid:result:SMkept1") and client.get(f"{namespace}choices:{me}")

        assert replies(harness.text("forget me", sid="SMforget")) == [FORGOTTEN]

        kept = sorted(client.scan_iter(match=f"{namespace}*"))
        # Only the day's segment count is kept (a number, no words): forgetting must not reset the bill's cap.
        assert [key for key in kept if me in key or "SMkept" in key] == [key for key in kept if ":segments:" in key
                                                                          and me in key]
        assert f"{namespace}choices:{other}" in kept and f"{namespace}sms:sid:result:SMother" in kept
        # The menu is gone: "1" is read as words now.
        harness.text("1")
        assert harness.bot.received[-1].text == "1"
    finally:
        harness.close()
        _clear(namespace)


class HungRedis:
    """A TCP server on 127.0.0.1 that accepts connections and never answers: Redis hung, not refusing."""

    def __init__(self) -> None:
        import socket
        import threading

        self._server = socket.socket()
        self._server.bind(("127.0.0.1", 0))
        self._server.listen(64)
        self._held: List[Any] = []
        self.url = f"redis://127.0.0.1:{self._server.getsockname()[1]}/0"
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                self._held.append(self._server.accept()[0])
            except OSError:
                return

    def close(self) -> None:
        self._server.close()
        for connection in self._held:
            connection.close()


def test_with_redis_hung_a_text_is_answered_in_time_and_a_late_reply_still_goes_out() -> None:
    from channels.sms_outbox import RedisOutboxBackend

    RecordingTwilioHttp.requests.clear()
    hung = HungRedis()
    channel = SmsInput(
        SmsSettings(auth_token=AUTH_TOKEN, account_sid=ACCOUNT_SID, twilio_number=OUR_NUMBER, public_url=PUBLIC_URL,
                    reply_timeout_seconds=0.5),
        store=RedisStore(hung.url, "test:hung:"),
        twilio_http_client_factory=RecordingTwilioHttp,
        outbox_backend=RedisOutboxBackend(hung.url, "test:hung:outbox:"),
    )
    harness = SmsHarness(channel, ScriptedBot(delay_seconds=1.0))
    try:
        started = time.monotonic()
        emergency = replies(harness.text("my son isnt breathing"))
        assert emergency[0] == "Call 999 now."
        # One 2 s store timeout; then the store is not tried again for a few seconds (not a timeout per call).
        assert time.monotonic() - started < 5
        deadline = time.monotonic() + 20
        while not RecordingTwilioHttp.requests and time.monotonic() < deadline:
            time.sleep(0.1)
        # The rest of the reply could not be queued in the hung Redis, so it was sent directly.
        assert [r["data"]["Body"] for r in RecordingTwilioHttp.requests][-1].startswith("Bot heard:")
    finally:
        harness.close()
        hung.close()
