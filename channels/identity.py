"""Keyed one-way pseudonyms for the people who message us.

Rasa stores every conversation under a ``sender_id``. If that were a phone number or a Telegram chat id, the
tracker store, the logs and every backup would hold a list of people who asked about drugs or alcohol. So each
channel passes ``pseudonymise(channel, raw_id)`` instead: HMAC-SHA256 keyed with ``SIGNPOST_PSEUDONYM_KEY``.

* Keyed, not a plain hash: phone numbers are few enough to hash them all, so an unkeyed hash is reversible.
* Stable for one key: the same person reaches the same conversation across messages and across replicas.
* Without ``SIGNPOST_PSEUDONYM_KEY`` we make a random key for this process and warn. We chose that over writing a
  key file under ``var/``: a key file sits beside the data it protects, is easy to copy or commit by mistake, and
  differs between replicas anyway. The cost is that conversations start afresh after a restart, which is harmless
  for development; production must set the variable (same value on every replica).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import secrets

logger = logging.getLogger(__name__)

PSEUDONYM_KEY_ENV = "SIGNPOST_PSEUDONYM_KEY"
_MIN_KEY_LENGTH = 32

_process_key: bytes | None = None


def _key() -> bytes:
    """The HMAC key: from the environment when set (read on every call so tests and reloads see changes)."""
    global _process_key
    configured = os.environ.get(PSEUDONYM_KEY_ENV, "")
    if configured:
        if len(configured) < _MIN_KEY_LENGTH:
            logger.warning(
                "%s is shorter than %d characters; use a long random value (e.g. `openssl rand -hex 32`).",
                PSEUDONYM_KEY_ENV,
                _MIN_KEY_LENGTH,
            )
        return configured.encode("utf-8")
    if _process_key is None:
        _process_key = secrets.token_bytes(32)
        logger.warning(
            "%s is not set: using a random key for this process only. Conversations will not survive a restart "
            "and replicas will not share them. Set it in production.",
            PSEUDONYM_KEY_ENV,
        )
    return _process_key


def pseudonymise(channel: str, raw_id: str) -> str:
    """Return a stable, non-reversible id for ``raw_id`` on ``channel``, e.g. ``"sms:3f1c…"``.

    The channel is part of the MAC input so the same digits on two channels never collide, and it is kept as a
    readable prefix so operators can tell channels apart without learning anything about the person.
    """
    if not channel or not raw_id:
        raise ValueError("channel and raw_id must be non-empty")
    digest = hmac.new(_key(), f"{channel}\x1f{raw_id}".encode("utf-8"), hashlib.sha256).hexdigest()
    return f"{channel}:{digest}"
