"""Keyed one-way pseudonyms for the people who message us.

Rasa stores every conversation under a ``sender_id``. If that were a phone number or a Telegram chat id, the
tracker store, the logs and every backup would hold a list of people who asked about drugs or alcohol. So each
channel passes ``pseudonymise(channel, raw_id)`` instead: HMAC-SHA256 keyed with ``SIGNPOST_PSEUDONYM_KEY``.

* Keyed, not a plain hash: phone numbers are few enough to hash them all, so an unkeyed hash is reversible.
* Stable for one key: the same person reaches the same conversation across messages and across replicas.
* Without ``SIGNPOST_PSEUDONYM_KEY`` a key is generated once and kept in ``var/pseudonym.key`` (mode 0600; another
  path with ``SIGNPOST_PSEUDONYM_KEY_FILE``), so a restart never loses a conversation. ``signpost run`` makes it
  before starting the servers; both read the same file. Keep it out of backups of the conversation store and
  never commit it (``var/`` is git-ignored).
* Several servers must share one key, and a key file made on one machine is not shared: when conversations are
  kept anywhere but a local SQLite file (``SIGNPOST_TRACKER_URL``), the servers refuse to start without
  ``SIGNPOST_PSEUDONYM_KEY`` (the same value everywhere, from your secret store; ``openssl rand -hex 32``). They
  also refuse the placeholder of the examples in deploy/ (``change-me…``), long as it is: a key everyone can read
  in this repository would make the pseudonyms reversible.
* Only if the key file cannot be read or written (a read-only disk) do we fall back to a random key for this
  process, with a warning: conversations then start afresh after a restart.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import secrets
import time
from pathlib import Path

logger = logging.getLogger(__name__)

PSEUDONYM_KEY_ENV = "SIGNPOST_PSEUDONYM_KEY"
PSEUDONYM_KEY_FILE_ENV = "SIGNPOST_PSEUDONYM_KEY_FILE"
DEFAULT_KEY_FILE = Path(__file__).resolve().parent.parent / "var" / "pseudonym.key"
_MIN_KEY_LENGTH = 32

_process_key: bytes | None = None
_file_keys: dict[str, bytes] = {}


def key_file() -> Path:
    configured = os.environ.get(PSEUDONYM_KEY_FILE_ENV, "").strip()
    return Path(configured) if configured else DEFAULT_KEY_FILE


def _read_or_create_key_file(path: Path) -> bytes:
    """The key kept in ``path``, made once (random, 0600) if the file does not exist yet. Safe when two processes
    start at once: the file is created exclusively, and the loser reads the winner's key."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(descriptor, "w", encoding="ascii") as handle:
            handle.write(secrets.token_hex(32) + "\n")
        logger.warning("Made a new pseudonym key in %s (kept for later restarts).", path)
    for _ in range(50):  # another process may be writing it this instant
        key = path.read_text(encoding="ascii").strip()
        if key:
            break
        time.sleep(0.02)
    if len(key) < _MIN_KEY_LENGTH:
        raise ValueError(f"The pseudonym key in {path} is shorter than {_MIN_KEY_LENGTH} characters.")
    if path.stat().st_mode & 0o077:
        os.chmod(path, 0o600)
        logger.warning("%s was readable by others; it is now readable by its owner only.", path)
    return key.encode("ascii")


#: The placeholder the examples in deploy/ carry, and its usual spellings: never a real key.
PLACEHOLDER_PREFIXES = ("change-me", "changeme", "change_me")
HOW_TO_MAKE_A_KEY = "`openssl rand -hex 32` (or `python3 -c 'import secrets; print(secrets.token_hex(32))'`)"


def conversations_are_shared() -> bool:
    """True when conversations are kept anywhere but a local SQLite file: then other servers may read them."""
    tracker_url = os.environ.get("SIGNPOST_TRACKER_URL", "").strip().lower()
    return bool(tracker_url) and not tracker_url.startswith("sqlite")


def check_key_settings() -> None:
    """Refuse, before any server starts, a key set-up that would split or expose conversations.

    Raises ValueError saying what to do: the key is still the examples' placeholder; or conversations are in a
    shared database and no key is set, so each server would make its own key file and none would find the
    others' conversations.
    """
    configured = os.environ.get(PSEUDONYM_KEY_ENV, "").strip()
    if configured.lower().startswith(PLACEHOLDER_PREFIXES):
        raise ValueError(
            f"{PSEUDONYM_KEY_ENV} is still the placeholder from the example files. Set it to a long random "
            f"value, e.g. the output of {HOW_TO_MAKE_A_KEY}, the same on every server, and never change it."
        )
    if not configured and conversations_are_shared():
        raise ValueError(
            f"Conversations are kept in a shared database (SIGNPOST_TRACKER_URL is not a local SQLite file), so "
            f"every server must use the same pseudonym key, and a key file made on one machine is not shared. "
            f"Set {PSEUDONYM_KEY_ENV} to one long random value on every server, e.g. the output of "
            f"{HOW_TO_MAKE_A_KEY}, kept in your secret store."
        )


def ensure_pseudonym_key() -> str:
    """Make sure a stable key exists before the servers start; says where it comes from (never the key).

    Raises ValueError with what to do when the key set-up is unsafe (``check_key_settings``) or the key file is
    unusable.
    """
    check_key_settings()
    if os.environ.get(PSEUDONYM_KEY_ENV, ""):
        return f"from {PSEUDONYM_KEY_ENV}"
    path = key_file()
    try:
        _read_or_create_key_file(path)
    except (OSError, UnicodeDecodeError) as error:
        raise ValueError(
            f"Cannot read or create the pseudonym key file {path} ({type(error).__name__}). Set "
            f"{PSEUDONYM_KEY_ENV} (e.g. `openssl rand -hex 32`) or {PSEUDONYM_KEY_FILE_ENV} to a writable place."
        ) from None
    return f"kept in {path}"


def _key() -> bytes:
    """The HMAC key: the environment when set, else the kept key file (read on every call: cheap, cached)."""
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
    path = str(key_file())
    if path not in _file_keys:
        try:
            _file_keys[path] = _read_or_create_key_file(Path(path))
        except (OSError, UnicodeDecodeError, ValueError) as error:
            if _process_key is None:
                _process_key = secrets.token_bytes(32)
                logger.warning(
                    "The pseudonym key file %s is unusable (%s): using a random key for this process only. "
                    "Conversations will not survive a restart. Set %s.",
                    path, type(error).__name__, PSEUDONYM_KEY_ENV,
                )
            return _process_key
    return _file_keys[path]


def pseudonymise(channel: str, raw_id: str) -> str:
    """Return a stable, non-reversible id for ``raw_id`` on ``channel``, e.g. ``"sms:3f1c…"``.

    The channel is part of the MAC input so the same digits on two channels never collide, and it is kept as a
    readable prefix so operators can tell channels apart without learning anything about the person.
    """
    if not channel or not raw_id:
        raise ValueError("channel and raw_id must be non-empty")
    digest = hmac.new(_key(), f"{channel}\x1f{raw_id}".encode("utf-8"), hashlib.sha256).hexdigest()
    return f"{channel}:{digest}"
