"""SMS through Twilio, for people texting at night: ``credentials.yml`` key ``channels.sms.SmsInput``.

Flow of one text (Twilio posts a form to ``/webhooks/sms/webhook``):

1. Reject anything that is not a small, UTF-8, form-encoded POST (415/413/400) and anything without a valid
   ``X-Twilio-Signature`` for our *public* URL (403): nothing reaches Rasa, no reply is sent.
2. Run the rest once per ``MessageSid`` (``channels.dedup``): Twilio's retries get the same TwiML back and the
   conversation does not advance twice.
3. Replace the phone number by a keyed pseudonym (``channels.identity``); the number is dropped after the request.
4. Carrier keywords come before NLU: STOP and friends opt out (the confirmation still carries 999 and
   Samaritans), START resumes, HELP explains. While opted out we send nothing. When Twilio's Advanced Opt-Out
   has already answered a keyword (``OptOutType`` in the webhook) we only record the state.
5. "1", "2"… map back to the numbered choices we last offered. Then Rasa handles the text and its replies,
   collected with Rasa's ``CollectingOutputChannel``, go back as TwiML ``<Message>`` elements in the response.
   If the bot is too slow for Twilio's 15-second webhook limit we answer with empty TwiML and queue the reply
   (``channels.sms_outbox``), which sends it through the Twilio REST API once, with retries.

Configuration: environment variables win over ``credentials.yml`` keys, so secrets can stay out of files that
live in git and each deployment can override without editing them.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import time
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Dict, List, Optional, Sequence, Text
from urllib.parse import parse_qsl

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from twilio.http import HttpClient
from twilio.request_validator import RequestValidator
from twilio.twiml.messaging_response import MessagingResponse

from channels.commands import neutralise
from channels.dedup import (
    DEFAULT_CLAIM_TTL_SECONDS,
    DEFAULT_RESULT_TTL_SECONDS,
    DuplicateStillRunning,
    IdempotencyStore,
    KeyValueStore,
    store_from_env,
    tolerant,
)
from channels.fallback import (
    TurnOutcome,
    after_silent_turn,
    count_channel_crisis,
    emergency_messages,
    fallback_messages,
    missing_emergency,
    run_turn,
    turn_deadline,
)
from channels.identity import pseudonymise
from channels.limits import SMS_CAP_REPLY, SmsDailyCap, sms_segments_per_day_from_env
from channels.render import DEFAULT_SMS_MAX_SEGMENTS, ChoiceMemory, render_sms, sms_segments, to_gsm7
from channels.sms_outbox import OutboxBackend, OutboxSettings, PermanentSendError, SmsOutbox, backend_from_env
from replies.privacy import FORGOTTEN

logger = logging.getLogger(__name__)

CHANNEL_NAME = "sms"
MAX_BODY_CHARS = 1600  # Twilio never delivers more in one Body; anything longer is not from Twilio.
MAX_REQUEST_BYTES = 16 * 1024  # the whole form; Twilio's own fields are well under this.

OPT_OUT_WORDS = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "END", "QUIT", "CANCEL", "OPTOUT", "REVOKE"})
OPT_IN_WORDS = frozenset({"START", "UNSTOP"})
HELP_WORDS = frozenset({"HELP", "INFO"})

# Facts here (999; Samaritans 116 123, free, 24 hours) are VERIFIED in shared/research/helplines.md.
OPT_OUT_REPLY = (
    "OK, we won't text you again. If you're in danger, call 999. Samaritans: 116 123, free, any time. "
    "Text START if you'd like to talk again."
)
HELP_REPLY = (
    "This is signpost: free texts to help you find drug and alcohol support in England. "
    "If you're in danger, call 999. Samaritans: 116 123, free, any time. "
    "Tell me what's going on, or text STOP to stop."
)
OPT_IN_REPLY = "Welcome back. You can text any time. What would you like help with?"

_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def _setting(env_name: str, credentials: Dict[str, Any], key: str) -> Optional[str]:
    """Environment first, then credentials.yml; empty values count as unset."""
    value = os.environ.get(env_name) or credentials.get(key)
    return str(value).strip() if value else None


@dataclass(frozen=True)
class SmsSettings:
    auth_token: str
    account_sid: Optional[str] = None
    twilio_number: Optional[str] = None
    public_url: Optional[str] = None
    reply_timeout_seconds: float = 10.0
    max_segments: int = DEFAULT_SMS_MAX_SEGMENTS
    api_base_url: Optional[str] = None  # Twilio's REST API; only tests point it elsewhere (a local fake)
    dedup_claim_seconds: float = DEFAULT_CLAIM_TTL_SECONDS  # how soon a retry takes over from a dead server

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[str, Any]]) -> "SmsSettings":
        credentials = credentials or {}
        auth_token = _setting("TWILIO_AUTH_TOKEN", credentials, "auth_token")
        if not auth_token:
            # Without the token we cannot check signatures, and an unauthenticated SMS webhook lets anyone
            # impersonate any phone number: refuse to start rather than run open.
            raise ValueError("SMS channel needs TWILIO_AUTH_TOKEN (or auth_token in credentials.yml).")
        settings = cls(
            auth_token=auth_token,
            account_sid=_setting("TWILIO_ACCOUNT_SID", credentials, "account_sid"),
            twilio_number=_setting("TWILIO_NUMBER", credentials, "twilio_number"),
            public_url=_setting("SIGNPOST_PUBLIC_URL", credentials, "public_url"),
            reply_timeout_seconds=float(credentials.get("reply_timeout_seconds", 10.0)),
            max_segments=int(credentials.get("max_segments", DEFAULT_SMS_MAX_SEGMENTS)),
        )
        if not settings.public_url:
            logger.warning(
                "SIGNPOST_PUBLIC_URL is not set: Twilio signatures are checked against the URL this server sees, "
                "which fails behind a proxy or load balancer."
            )
        return settings


KEYWORDS = OPT_OUT_WORDS | OPT_IN_WORDS | HELP_WORDS


def _as_word(text: str) -> str:
    return text.strip().strip(".!?,;:'\"").strip().upper()


def keyword_of(text: str) -> Optional[str]:
    """The carrier keyword a message *is* (whole message, any case, trailing punctuation ignored), if any.

    Whole-message match on purpose: "stop" is a keyword, "I can't stop drinking" is a conversation.
    """
    word = _as_word(text)
    return word if word in KEYWORDS else None


def twiml(messages: List[str]) -> str:
    reply = MessagingResponse()
    for message in messages:
        reply.message(message)
    return str(reply)


class _FormParams(dict):
    """Form fields with every value kept, in the shape twilio's RequestValidator reads (``getall``)."""

    def __init__(self, pairs: List[tuple]) -> None:
        super().__init__()
        self._all: Dict[str, List[str]] = {}
        for name, value in pairs:
            self._all.setdefault(name, []).append(value)
            self[name] = value

    def getall(self, name: str) -> List[str]:
        return self._all.get(name, [])


class BadRequest(Exception):
    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def parse_twilio_form(request: Request) -> _FormParams:
    """Parse the webhook body strictly; raise ``BadRequest`` with a status and a reason that holds no content."""
    content_type = (request.headers.get("content-type") or "").lower()
    media_type, _, parameters = content_type.partition(";")
    if media_type.strip() != "application/x-www-form-urlencoded":
        raise BadRequest(415, "expected application/x-www-form-urlencoded")
    charset = parameters.partition("charset=")[2].strip().strip('"')
    if charset and charset not in ("utf-8", "utf8"):
        raise BadRequest(415, "expected UTF-8")
    body = request.body or b""
    if len(body) > MAX_REQUEST_BYTES:
        raise BadRequest(413, "request too large")
    try:
        pairs = parse_qsl(body.decode("ascii"), keep_blank_values=True, encoding="utf-8", errors="strict")
    except (UnicodeDecodeError, ValueError):
        raise BadRequest(400, "body is not valid UTF-8 form encoding") from None
    return _FormParams(pairs)


class SmsInput(InputChannel):
    """Rasa input channel for Twilio SMS with signatures, idempotency, keywords and numbered menus."""

    def __init__(
        self,
        settings: SmsSettings,
        store: Optional[KeyValueStore] = None,
        twilio_http_client_factory: Optional[Callable[[], HttpClient]] = None,
        outbox_backend: Optional[OutboxBackend] = None,
        outbox_settings: Optional[OutboxSettings] = None,
    ) -> None:
        self.settings = settings
        self._store = store if store is not None else store_from_env()
        self._choices = ChoiceMemory(self._store)
        self._once = IdempotencyStore(
            self._store, prefix="sms:sid:", claim_ttl_seconds=settings.dedup_claim_seconds
        )
        self._daily_cap = SmsDailyCap(self._store, sms_segments_per_day_from_env())
        self._validator = RequestValidator(settings.auth_token)
        self._http_client_factory = twilio_http_client_factory
        self._rest_client: Any = None
        self.outbox = SmsOutbox(
            outbox_backend if outbox_backend is not None else backend_from_env(),
            self._send_or_raise,
            self._opted_out,
            outbox_settings or OutboxSettings(),
        )
        self._late_replies: Dict[str, "asyncio.Task[None]"] = {}

    @classmethod
    def name(cls) -> Text:
        return CHANNEL_NAME

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "SmsInput":
        return cls(SmsSettings.from_credentials(credentials))

    def get_metadata(self, request: Request) -> Optional[Dict[Text, Any]]:
        # A dict so other facts (e.g. the local time the text arrived) can join later without changing callers.
        return {"channel": CHANNEL_NAME}

    # --- request checks ----------------------------------------------------------------------------------------

    def _signed_url(self, request: Request) -> str:
        """The URL Twilio signed: our public base plus the path it called (we may sit behind a proxy)."""
        if not self.settings.public_url:
            return request.url
        url = self.settings.public_url.rstrip("/") + request.path
        if request.query_string:
            url += "?" + request.query_string
        return url

    def _signature_ok(self, request: Request, params: _FormParams) -> bool:
        signature = request.headers.get("x-twilio-signature")
        if not signature:
            return False
        return self._validator.validate(self._signed_url(request), params, signature)

    # --- the turn ----------------------------------------------------------------------------------------------

    async def _opted_out(self, sender_id: str) -> bool:
        """Whether this number sent STOP. With the store down we cannot tell, and they have just written to us:
        answering is better than silence (Twilio itself still blocks texts to a number that opted out with it)."""
        flag = await tolerant(self._store.get(f"sms:optout:{sender_id}"), None, "reading an opt-out")
        return flag is not None

    async def _record_opt_out(self, sender_id: str, opted_out: bool) -> None:
        key = f"sms:optout:{sender_id}"
        if opted_out:
            await tolerant(self._store.set(key, "1"), None, "recording an opt-out")
            await self._choices.forget(sender_id)
        else:
            await tolerant(self._store.delete(key), None, "recording an opt-in")

    async def _handle_keyword(self, keyword: str, sender_id: str) -> str:
        if keyword in OPT_OUT_WORDS:
            await self._record_opt_out(sender_id, True)
            logger.info("sms: sender opted out")
            return twiml([OPT_OUT_REPLY])
        if keyword in OPT_IN_WORDS:
            await self._record_opt_out(sender_id, False)
            logger.info("sms: sender opted back in")
            return twiml([OPT_IN_REPLY])
        return twiml([to_gsm7(HELP_REPLY)])

    # --- what is kept per sender, and forgetting it ----------------------------------------------------------------

    @staticmethod
    def _replies_key(sender_id: str) -> str:
        return f"sms:replied:{sender_id}"

    async def _note_reply(self, sender_id: str, message_sid: str, said: Sequence[str]) -> None:
        """Index the reply kept for retries under its sender, or, when the bot has just forgotten this person
        ("forget me"), erase what the channel keeps for them: the kept replies and the numbered choices."""
        if FORGOTTEN in said:
            await self._forget_sender(sender_id)
            return
        await tolerant(
            self._store.add_member(self._replies_key(sender_id), message_sid, DEFAULT_RESULT_TTL_SECONDS),
            None,
            "indexing a kept reply",
        )

    async def _forget_sender(self, sender_id: str) -> None:
        message_sids = await tolerant(self._store.members(self._replies_key(sender_id)), [], "finding kept replies")
        for message_sid in message_sids:
            await tolerant(self._once.forget(message_sid), None, "erasing a kept reply")
        await tolerant(self._store.delete(self._replies_key(sender_id)), None, "erasing the reply index")
        await self._choices.forget(sender_id)
        logger.info("sms: erased the channel's state for a sender who asked to be forgotten")

    async def _process(
        self,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        request: Request,
        from_number: str,
        text: str,
        message_sid: str,
        twilio_handled: str = "",
        received_at: Optional[float] = None,
    ) -> str:
        sender_id = pseudonymise(CHANNEL_NAME, from_number)
        if twilio_handled in ("STOP", "START", "HELP"):
            # Advanced Opt-Out matched a keyword it still owns and has already sent the reply configured in the
            # console (docs/channels-sms-telegram.md gives our texts); record the state, send nothing twice.
            if twilio_handled in ("STOP", "START"):
                await self._record_opt_out(sender_id, twilio_handled == "STOP")
            logger.info("sms: keyword handled by Twilio Advanced Opt-Out (%s)", twilio_handled)
            return twiml([])
        keyword = keyword_of(text)
        opted_out = await self._opted_out(sender_id)
        if opted_out and _as_word(text) == "YES":
            keyword = "START"  # Twilio also treats YES as opt-in, but only once someone has opted out
        if keyword:
            # HELP is answered even while opted out: it is a request for information and carries 999.
            return await self._handle_keyword(keyword, sender_id)
        if opted_out:
            return twiml([])

        choice = await self._choices.resolve(sender_id, text)
        collector = CollectingOutputChannel()
        message = UserMessage(
            text=neutralise(choice.payload if choice else text),
            output_channel=collector,
            sender_id=sender_id,
            input_channel=CHANNEL_NAME,
            message_id=message_sid,
            metadata=self.get_metadata(request),
        )
        turn = asyncio.ensure_future(on_new_message(message))
        # An emergency is answered at once (channels/fallback.py); anything else within Twilio's window, which
        # began when the request arrived: a retry may have waited for a dead server's claim first.
        waited = time.monotonic() - received_at if received_at is not None else 0.0
        deadline = max(0.0, turn_deadline(text, self.settings.reply_timeout_seconds) - waited)
        try:
            await asyncio.wait_for(asyncio.shield(turn), deadline)
        except asyncio.TimeoutError:
            # Answer now and text the rest of the reply when the bot is done (Twilio gives up after 15 s). The
            # number lives only in this task and is dropped when it ends.
            guidance = emergency_messages(text) or []
            late = asyncio.ensure_future(
                self._queue_late_reply(turn, collector, request, sender_id, from_number, text, message_sid, guidance)
            )
            self._late_replies[message_sid] = late
            late.add_done_callback(lambda _: self._late_replies.pop(message_sid, None))
            logger.warning("sms: bot reply slower than %.1fs; the rest goes to the outbox", deadline)
            if not guidance:
                return twiml([])
            rendered = render_sms([{"text": t} for t in guidance], self.settings.max_segments)
            return twiml(await self._within_daily_cap(sender_id, text, rendered.messages))
        except Exception as error:  # the bot failed; the person still deserves an answer (below)
            logger.error("sms: bot failed to handle a message (%s)", type(error).__name__)
            outcome = TurnOutcome(failed=True)
        else:
            outcome = TurnOutcome()
        return twiml(await self._reply_for(request, sender_id, text, collector, outcome, message_sid=message_sid))

    async def _reply_for(
        self,
        request: Request,
        sender_id: str,
        text: str,
        collector: CollectingOutputChannel,
        outcome: TurnOutcome,
        already_sent: Sequence[str] = (),
        message_sid: str = "",
    ) -> List[str]:
        """The texts to send for a finished turn: never none (channels/fallback.py), within the daily cap.

        ``already_sent``: lines the person has had this turn (emergency guidance sent before the bot finished).
        """
        bot_said = [m.get("text") for m in collector.messages if m.get("text")]
        await self._note_reply(sender_id, message_sid, bot_said)
        if emergency_messages(text):
            count_channel_crisis(text, bot_said, CHANNEL_NAME)  # the turn has ended: counted unless the bot did
        bot_messages = [m for m in collector.messages if m.get("text") not in already_sent or m.get("buttons")]
        said = [*already_sent, *(m.get("text") for m in bot_messages if m.get("text"))]
        if not collector.messages:
            bot_messages = [] if already_sent else [{"text": t} for t in fallback_messages(text)]
        else:
            bot_messages = [{"text": t} for t in missing_emergency(text, said)] + bot_messages
        await after_silent_turn(request, sender_id, outcome, bool(collector.messages))
        if not bot_messages:
            return []
        rendered = render_sms(bot_messages, self.settings.max_segments)
        await self._choices.remember(sender_id, rendered.choices)
        return await self._within_daily_cap(sender_id, text, rendered.messages)

    async def _within_daily_cap(self, sender_id: str, text: str, messages: List[str]) -> List[str]:
        """``messages``, or the kind cap message once a number has had its segments for the day, then nothing.

        Emergency guidance is always sent (and counted). A store that cannot be reached never stops a reply.
        """
        segments = sum(sms_segments(body) for body in messages)
        try:
            if emergency_messages(text):
                await self._daily_cap.record(sender_id, segments)
                return messages
            decision = await self._daily_cap.allow(sender_id, segments)
        except Exception as error:  # noqa: BLE001
            logger.warning("sms: daily cap store unavailable (%s)", type(error).__name__)
            return messages
        if decision == "send":
            return messages
        if decision == "cap":
            await self._choices.forget(sender_id)
            return [SMS_CAP_REPLY]
        return []

    async def _queue_late_reply(
        self,
        turn: "asyncio.Future[Any]",
        collector: CollectingOutputChannel,
        request: Request,
        sender_id: str,
        to_number: str,
        text: str,
        message_sid: str,
        already_sent: Sequence[str] = (),
    ) -> None:
        """Wait for the slow turn, then hand its reply to the outbox (keyed by the incoming MessageSid)."""
        outcome = await run_turn(turn)
        messages = await self._reply_for(request, sender_id, text, collector, outcome, already_sent, message_sid)
        if not messages or await self._opted_out(sender_id):
            return
        try:
            await self.outbox.enqueue(message_sid, to_number, sender_id, messages)
        except Exception as error:  # noqa: BLE001 - the queue's store is down: never silent, send once without it
            logger.error("sms: outbox unavailable (%s); sending the late reply directly", type(error).__name__)
            for body in messages:
                await self.send_sms(to_number, body)
            return
        self.outbox.ensure_worker()
        self.outbox.wake()

    # --- proactive sends ---------------------------------------------------------------------------------------

    def _client(self) -> Any:
        if self._rest_client is None:
            from twilio.http.async_http_client import AsyncTwilioHttpClient
            from twilio.rest import Client

            if not (self.settings.account_sid and self.settings.twilio_number):
                raise RuntimeError("Sending SMS needs TWILIO_ACCOUNT_SID and TWILIO_NUMBER.")
            factory = self._http_client_factory or AsyncTwilioHttpClient
            client = Client(self.settings.account_sid, self.settings.auth_token, http_client=factory())
            if self.settings.api_base_url:
                client.api.base_url = self.settings.api_base_url
            self._rest_client = client
        return self._rest_client

    async def _send_or_raise(self, to_number: str, body: str) -> str:
        """Send one SMS through the Twilio REST API and return its MessageSid; errors go to the outbox's retry."""
        try:
            client = self._client()
        except RuntimeError as missing_settings:
            raise PermanentSendError(str(missing_settings)) from None
        message = await client.messages.create_async(to=to_number, from_=self.settings.twilio_number, body=body)
        return message.sid

    async def send_sms(self, to_number: str, body: str) -> Optional[str]:
        """Send one SMS now, once, no retry; returns the new MessageSid, or None if it failed."""
        try:
            return await self._send_or_raise(to_number, body)
        except Exception as error:  # twilio errors can quote the number: log the type only
            logger.error("sms: REST send failed (%s)", type(error).__name__)
            return None

    async def close(self) -> None:
        """Stop this event loop's outbox sender and close the REST client (its aiohttp session is per loop)."""
        await self.outbox.stop()
        client, self._rest_client = self._rest_client, None
        close = getattr(getattr(client, "http_client", None), "close", None)
        if close is not None:
            await close()

    # --- Sanic ---------------------------------------------------------------------------------------------------

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        sms_webhook = Blueprint(f"signpost_sms_{id(self)}", __name__)

        @sms_webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @sms_webhook.listener("before_server_stop")
        async def stop_outbox(*_: Any) -> None:
            await self.close()

        @sms_webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            # The outbox sender also sweeps replies a crashed server left queued, so run it on every server.
            self.outbox.ensure_worker()
            try:
                params = parse_twilio_form(request)
            except BadRequest as problem:
                logger.warning("sms: rejected request (%d: %s)", problem.status, problem.reason)
                return response.text(problem.reason, status=problem.status)
            if not self._signature_ok(request, params):
                logger.warning("sms: rejected request with missing or invalid Twilio signature")
                return response.text("forbidden", status=403)

            from_number = params.get("From", "").strip()
            message_sid = params.get("MessageSid", "").strip()
            text = params.get("Body")
            if not from_number or not message_sid or text is None:
                logger.warning("sms: rejected signed request missing From, MessageSid or Body")
                return response.text("missing From, MessageSid or Body", status=400)
            if len(text) > MAX_BODY_CHARS:
                logger.warning("sms: rejected body of %d characters", len(text))
                return response.text("message body too long", status=413)
            text = _CONTROL_CHARS.sub(" ", text).strip()
            twilio_handled = params.get("OptOutType", "").strip().upper()
            received_at = time.monotonic()

            try:
                reply = await self._once.run_once(
                    message_sid, lambda: self._process(
                        on_new_message, request, from_number, text, message_sid, twilio_handled, received_at
                    )
                )
            except DuplicateStillRunning:
                # The first delivery is still being answered; it will deliver the reply.
                reply = twiml([])
            return response.text(reply, content_type="text/xml; charset=utf-8")

        return sms_webhook
