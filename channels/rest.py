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
from typing import Any, Awaitable, Callable, Dict, Optional, Text, Union

import rasa.utils.endpoints
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse, ResponseStream

from channels.identity import pseudonymise

logger = logging.getLogger(__name__)

MAX_MESSAGE_CHARS = 2000
MAX_SENDER_CHARS = 128
# Room for a 2000-character message of 4-byte characters, a sender id and metadata.
MAX_BODY_BYTES = 16 * 1024


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
    except ValueError:
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

    sender = payload.get("sender")
    if not isinstance(sender, str) or not sender.strip():
        raise InvalidRequest(400, "'sender' must be a non-empty string.")
    if len(sender) > MAX_SENDER_CHARS:
        raise InvalidRequest(400, f"'sender' must be at most {MAX_SENDER_CHARS} characters.")

    return payload


def metadata_from_payload(payload: Dict[str, Any]) -> Optional[Dict[str, Any]]:
    """The ``metadata`` object of a parsed body; anything that is not an object is ignored."""
    metadata = payload.get("metadata")
    return metadata if isinstance(metadata, dict) else None


def _error(status: int, error: str) -> HTTPResponse:
    return response.json({"error": error}, status=status)


class MetadataRestInput(RestInput):
    """Rasa's REST channel with input validation, metadata and no message text in logs."""

    @classmethod
    def name(cls) -> Text:
        return "rest"

    def get_metadata(self, request: Request) -> Optional[Dict[Text, Any]]:
        """The JSON body's ``metadata`` object, or None when absent or not an object."""
        try:
            payload = json.loads((request.body or b"").decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return None
        return metadata_from_payload(payload) if isinstance(payload, dict) else None

    def blueprint(
        self, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> Blueprint:
        """Same routes as ``RestInput`` (``/`` health and ``/webhook``), stricter handler."""
        webhook = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> Union[ResponseStream, HTTPResponse]:
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

            text: str = payload["message"]
            # Never the raw client id: it is what the tracker store would keep (channels/identity.py).
            sender_id = pseudonymise(self.name(), payload["sender"])
            metadata = metadata_from_payload(payload)
            # The channel name is ours to set: a client must not pose as SMS or Telegram.
            input_channel = self.name()

            if rasa.utils.endpoints.bool_arg(request, "stream", default=False):
                return response.stream(
                    self.stream_response(
                        on_new_message, text, sender_id, input_channel, metadata
                    ),
                    content_type="text/event-stream",
                )

            collector = CollectingOutputChannel()
            try:
                await on_new_message(
                    UserMessage(
                        text,
                        collector,
                        sender_id,
                        input_channel=input_channel,
                        metadata=metadata,
                    )
                )
            except asyncio.CancelledError:
                logger.error("rest.webhook.timeout")
            except Exception as exc:  # noqa: BLE001 - the client still gets what was said
                # The exception type only: messages and tracebacks can quote user text.
                logger.error("rest.webhook.failure error_type=%s", type(exc).__name__)
            return response.json(collector.messages)

        return webhook
