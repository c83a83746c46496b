"""Encryption at rest for the outbox, with Fernet (AES-128-CBC + HMAC-SHA256) from `cryptography`.

The key is SIGNPOST_OUTBOX_KEY (``Fernet.generate_key()``, as `signpost referrals new-key` prints). Everything a
request says about the person is sealed; the table keeps in the clear only what the worker needs to schedule it.
``conversation_tag`` lets "forget me" find a conversation's requests without storing its id: a keyed hash,
derived from the same key, that cannot be turned back into the id. ``request_key`` is the same kind of hash of
the conversation and the random token its call-back form was given, so one "yes" is one request however often
it is run.
"""
from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

from cryptography.fernet import Fernet, InvalidToken

from referrals import settings


class SealError(RuntimeError):
    """A sealed record cannot be opened: wrong key, or the record was changed."""


class Sealer:
    def __init__(self, key: str | bytes | None = None) -> None:
        key = key if key is not None else settings.outbox_key()
        raw = key.encode("ascii") if isinstance(key, str) else key
        try:
            self._fernet = Fernet(raw)
        except (ValueError, TypeError):
            raise settings.NotConfigured(
                f"{settings.OUTBOX_KEY_ENV} is not a Fernet key (32 url-safe base64 bytes): "
                "make one with `signpost referrals new-key`."
            ) from None
        self._tag_key = hashlib.sha256(b"signpost-outbox-conversation-tag:" + raw).digest()

    def seal(self, payload: dict[str, Any]) -> bytes:
        return self._fernet.encrypt(json.dumps(payload, sort_keys=True).encode("utf-8"))

    def open(self, token: bytes) -> dict[str, Any]:
        try:
            return json.loads(self._fernet.decrypt(bytes(token)).decode("utf-8"))
        except InvalidToken:
            raise SealError("cannot decrypt an outbox record (wrong SIGNPOST_OUTBOX_KEY?)") from None

    def conversation_tag(self, sender_id: str) -> str:
        return hmac.new(self._tag_key, sender_id.encode("utf-8"), hashlib.sha256).hexdigest()

    def request_key(self, sender_id: str, request_token: str) -> str:
        """The idempotency key of one call-back request: the conversation and its form's token, keyed."""
        message = b"request:" + self.conversation_tag(sender_id).encode("ascii") + b":" + request_token.encode("utf-8")
        return hmac.new(self._tag_key, message, hashlib.sha256).hexdigest()


def new_key() -> str:
    return Fernet.generate_key().decode("ascii")
