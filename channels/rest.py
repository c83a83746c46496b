"""REST input channel that validates its input and passes page metadata to the bot.

Why not Rasa's own ``RestInput`` as it is?  In Rasa 3.6.21 it:

* accepts any JSON (``message``/``sender`` of any type and size, missing or not), so a
  bad client can make the bot process ``None`` or a megabyte of text;
* passes ``metadata`` through whatever its type (a list or string reaches the tracker);
* lets the caller choose ``input_channel`` (so a web client could pose as "twilio");
* logs the user's message text on errors (``rest.message.received.failure``), which
  our privacy rule forbids;
* stores the client's ``sender`` as it is: a widget id (or whatever a client sends,
  an email address, a phone number) would sit in the tracker store and logs.

The sender becomes ``channels.identity.pseudonymise("rest", sender)``, as SMS and
Telegram do with phone numbers and chat ids: the same widget id still reaches the
same conversation, and replies carry the pseudonym as ``recipient_id``.

This subclass keeps the same name ("rest", so it serves ``/webhooks/rest/webhook``) and
the same reply format (a JSON list of bot messages), and fixes those points.  The web
widget (``channels/web/widget.js``) sends ``{sender, message, metadata: {area, channel}}``.

Metadata keys the bot uses: ``area`` (the council page's area), ``channel`` ("web"),
``now`` (an ISO 8601 clock for tests and demos; the *actions* honour it only when
``SIGNPOST_CLOCK_OVERRIDE=1``, this channel just passes it on).
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
import re
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels.commands import neutralise
from channels.dedup import KeyValueStore, store_from_env
from channels.fallback import (
    after_silent_turn,
    count_channel_crisis,
    count_crisis_when_done,
    emergency_messages,
    fallback_messages,
    missing_emergency,
    run_turn,
    turn_deadline,
)
from channels.identity import pseudonymise
from channels.limits import TOO_MANY_REQUESTS, RateLimiter, request_address, trusted_proxies_from_env

logger = logging.getLogger(__name__)

MAX_MESSAGE_CHARS = 2000
MAX_SENDER_CHARS = 128
# Room for a 2000-character message of 4-byte characters, a sender id and metadata.
MAX_BODY_BYTES = 16 * 1024
MAX_METADATA_KEYS = 16
MAX_METADATA_KEY_CHARS = 40
MAX_METADATA_VALUE_CHARS = 200

_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_MESSAGE_ID = re.compile(r"[A-Za-z0-9_.:-]{1,64}")


class InvalidRequest(Exception):
    """A client error, carrying the HTTP status and a message safe to show the client."""

    def __init__(self, status: int, error: str) -> None:
        super().__init__(error)
        self.status = status
        self.error = error


def parse_webhook_body(raw: Optional[bytes]) -> Dict[str, Any]:
    """Decodes and validates a webhook body, or raises ``InvalidRequest``.

    Kept free of Sanic so the rules are easy to read and test on their own.
    """
    body = raw or b""
    if len(body) > MAX_BODY_BYTES:
        raise InvalidRequest(413, f"Request body is larger than {MAX_BODY_BYTES} bytes.")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidRequest(400, "Request body is not valid UTF-8.") from None
    try:
        payload = json.loads(text)
    except (ValueError, RecursionError):
        # RecursionError: JSON nested thousands deep (e.g. in ``metadata``) is not a real client.
        raise InvalidRequest(400, "Request body is not valid JSON.") from None
    if not isinstance(payload, dict):
        raise InvalidRequest(400, "Request body must be a JSON object.")

    message = payload.get("message")
    if not isinstance(message, str) or not message.strip():
        raise InvalidRequest(400, "'message' must be a non-empty string.")
    if len(message) > MAX_MESSAGE_CHARS:
        raise InvalidRequest(
            400, f"'message' must be at most {MAX_MESSAGE_CHARS} characters."
        )
    if not _is_unicode_text(message):
        raise InvalidRequest(400, "'message' must be valid Unicode text.")

    sender = payload.get("sender")
    if not isinstance(sender, str) or not sender.strip():
        raise InvalidRequest(400, "'sender' must be a non-empty string.")
    if len(sender) > MAX_SENDER_CHARS:
        raise InvalidRequest(400, f"'sender' must be at most {MAX_SENDER_CHARS} characters.")
    if not _is_unicode_text(sender):
        raise InvalidRequest(400, "'sender' must be valid Unicode text.")

    # Optional: the client's id for this message, the same when it sends the message again after a lost reply,
    # so the conversation store keeps the turn once (bot/tracker_store.py).
    message_id = payload.get("message_id")
    if message_id is not None and not (isinstance(message_id, str) and _MESSAGE_ID.fullmatch(message_id)):
        raise InvalidRequest(400, "'message_id' must be 1 to 64 letters, digits, '-', '_', '.' or ':'.")

    return payload


def _is_unicode_text(value: str) -> bool:
    """False for strings JSON allows but UTF-8 cannot hold: a lone surrogate such as ``"\\ud800"``."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def clean_text(text: str) -> str:
    """The message without control characters (NUL cannot be stored in PostgreSQL text): spaces instead."""
    return _CONTROL_CHARS.sub(" ", text)


def _clean_metadata_value(value: Any) -> Any:
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return value if abs(value) < 2**53 else None
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, str) and len(value) <= MAX_METADATA_VALUE_CHARS and _is_unicode_text(value):
        return clean_text(value)
    return None


def metadata_from_payload(payload: Dict[str, Any]) -> Optional[Dict[str, Any]]:
    """The ``metadata`` object of a parsed body, flat and small; anything that is not an object is ignored.

    Only short scalar values under short keys are kept (the bot reads ``area``, ``channel`` and ``now``): nested
    objects, long strings and numbers JSON cannot round-trip are dropped, so nothing a client sends can make the
    tracker store or a later ``json.dumps`` fail, or fill the store.
    """
    metadata = payload.get("metadata")
    if not isinstance(metadata, dict):
        return None
    cleaned: Dict[str, Any] = {}
    for key, value in list(metadata.items())[:MAX_METADATA_KEYS]:
        if not (isinstance(key, str) and key and len(key) <= MAX_METADATA_KEY_CHARS and _is_unicode_text(key)):
            continue
        if value is not None and _clean_metadata_value(value) is None:
            continue
        cleaned[key] = _clean_metadata_value(value)
    return cleaned


def _error(status: int, error: str) -> HTTPResponse:
    return response.json({"error": error}, status=status)


class MetadataRestInput(RestInput):
    """Rasa's REST channel with input validation, metadata, limits, no silent turns and no message text in logs."""

    def __init__(self, store: Optional[KeyValueStore] = None) -> None:
        self._store = store if store is not None else store_from_env()
        self._limiter = RateLimiter.from_env(self._store)
        self._trusted_proxies = trusted_proxies_from_env()

    @classmethod
    def name(cls) -> Text:
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "MetadataRestInput":
        return cls()

    def get_metadata(self, request: Request) -> Optional[Dict[Text, Any]]:
        """The JSON body's ``metadata`` object (cleaned), or None when absent or not an object."""
        try:
            payload = json.loads((request.body or b"").decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            return None
        return metadata_from_payload(payload) if isinstance(payload, dict) else None

    async def _limited(self, request: Request, sender_id: str, text: str) -> Optional[HTTPResponse]:
        """None to go ahead; when this client or sender is over its limit, a 429, or for a message about danger
        the emergency guidance at once, without a turn: emergency words must not buy a flooder full turns, and
        someone in danger must not be refused."""
        address = request_address(request, self._trusted_proxies)
        wait = await self._limiter.check_request(self.name(), address, sender_id)
        if wait is None:
            return None
        guidance = emergency_messages(text)
        if guidance:
            count_channel_crisis(text, [], self.name())
            return response.json([{"recipient_id": sender_id, "text": line} for line in guidance])
        return response.json(
            {"error": TOO_MANY_REQUESTS, "retry_after": wait}, status=429, headers={"Retry-After": str(wait)}
        )

    async def _answer(
        self,
        request: Request,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        text: str,
        sender_id: str,
        metadata: Optional[Dict[str, Any]],
        message_id: Optional[str] = None,
    ) -> List[Dict[str, Any]]:
        """One turn; whatever fails, the reply holds at least one message (channels/fallback.py)."""
        collector = CollectingOutputChannel()
        turn = asyncio.ensure_future(
            on_new_message(
                UserMessage(
                    neutralise(text),
                    collector,
                    sender_id,
                    # The channel name is ours to set: a client must not pose as SMS or Telegram.
                    input_channel=self.name(),
                    metadata=metadata,
                    message_id=message_id,
                )
            )
        )
        outcome = await run_turn(turn, timeout=turn_deadline(text))
        count_crisis_when_done(turn, lambda: [m.get("text") for m in collector.messages], text, self.name())
        messages = list(collector.messages)  # a snapshot: after a timeout the turn goes on in the background
        said = [m.get("text") for m in messages if m.get("text")]
        if not messages or outcome.timed_out:
            messages = [{"recipient_id": sender_id, "text": t} for t in fallback_messages(text)]
        else:
            first = missing_emergency(text, said)
            messages = [{"recipient_id": sender_id, "text": t} for t in first] + messages
        await after_silent_turn(request, sender_id, outcome, bool(collector.messages))
        return messages

    def blueprint(
        self, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> Blueprint:
        """Same routes as ``RestInput`` (``/`` health and ``/webhook``), stricter handler.

        Rasa's ``?stream=true`` mode is not offered: a streamed turn that fails has no way to say so.
        """
        webhook = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            try:
                payload = parse_webhook_body(request.body)
            except InvalidRequest as invalid:
                # Only the reason and size: never the body, which holds the user's words.
                logger.info(
                    "rest.webhook.rejected status=%s reason=%s bytes=%s",
                    invalid.status,
                    invalid.error,
                    len(request.body or b""),
                )
                return _error(invalid.status, invalid.error)

            text = clean_text(payload["message"])
            # Never the raw client id: it is what the tracker store would keep (channels/identity.py).
            sender_id = pseudonymise(self.name(), payload["sender"])
            limited = await self._limited(request, sender_id, text)
            if limited is not None:
                return limited
            messages = await self._answer(
                request, on_new_message, text, sender_id, metadata_from_payload(payload), payload.get("message_id")
            )
            return response.json(messages)

        return webhook
