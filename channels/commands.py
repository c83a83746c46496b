"""Rasa command text from public channels is read as ordinary words, except our own buttons' payloads.

Rasa treats a message that starts with "/" as a command: ``/restart`` wipes the conversation, ``/session_start``
starts a new session, ``/inform{"age": 1e309}`` sets an intent *and entities* of the sender's choosing (that one
left a conversation silent for every later search). Anyone can type such text into SMS, Telegram or the widget.

Our own buttons must still work, and they send payloads like "/help_alcohol". So the channels let through only
the exact payloads our responses offer, read from the domain files once (``allowed_payloads``), plus a channel's
own fixed payloads (Telegram's /start becomes "/greet"). Anything else that starts with "/" loses its slashes and
goes to the NLU model as the words it is ("restart", "inform age 1e309" …), where it can do no harm.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path
from typing import Any, FrozenSet, Iterable, Iterator

import yaml

logger = logging.getLogger(__name__)

COMMAND_PREFIX = "/"  # rasa.shared.constants.INTENT_MESSAGE_PREFIX
DOMAIN_DIR = Path(__file__).resolve().parent.parent / "bot" / "domain"
#: What a command made only of slashes becomes: NLU reads it as "I didn't follow", the bot asks again.
EMPTY_COMMAND_TEXT = "?"


def _button_payloads(node: Any) -> Iterator[str]:
    """Every ``payload`` of every ``buttons`` list anywhere under ``node`` (responses and their variations)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "buttons" and isinstance(value, list):
                for button in value:
                    if isinstance(button, dict) and isinstance(button.get("payload"), str):
                        yield button["payload"].strip()
            else:
                yield from _button_payloads(value)
    elif isinstance(node, list):
        for item in node:
            yield from _button_payloads(item)


def payloads_in_domain(domain_dir: Path = DOMAIN_DIR) -> FrozenSet[str]:
    """The command payloads ("/…") our domain's responses offer as buttons."""
    payloads = set()
    for path in sorted(domain_dir.glob("*.yml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        payloads.update(_button_payloads(document.get("responses") or {}))
    return frozenset(p for p in payloads if p.startswith(COMMAND_PREFIX))


@lru_cache(maxsize=1)
def allowed_payloads() -> FrozenSet[str]:
    """Read once per process: the domain only changes with a new model, which means a restart. Custom actions'
    buttons ("Send me this as a plan") are listed with their words in replies/."""
    from replies.plan import ACTION_BUTTON_PAYLOADS

    return payloads_in_domain() | ACTION_BUTTON_PAYLOADS


def is_command(text: str) -> bool:
    return text.strip().startswith(COMMAND_PREFIX)


def neutralise(text: str, extra_allowed: Iterable[str] = ()) -> str:
    """``text`` as it is, unless it is Rasa command text we did not offer: then the same words without the slashes.

    Allowed: exactly one of our button payloads (no entities, no trailing text), or one of ``extra_allowed``.
    """
    stripped = text.strip()
    if not stripped.startswith(COMMAND_PREFIX):
        return text
    if stripped in allowed_payloads() or stripped in set(extra_allowed):
        return stripped
    logger.info("commands: neutralised command text from a public channel")
    words = stripped
    while words.startswith(COMMAND_PREFIX):  # Rasa strips before it looks: no slash may survive at the front
        words = words.lstrip(COMMAND_PREFIX).strip()
    return words or EMPTY_COMMAND_TEXT
