"""What time it is for a conversation.

Replies are about "open now", so the clock matters. In production it is the real time in Europe/London. For tests
and demos, ``SIGNPOST_CLOCK_OVERRIDE=1`` lets a message's metadata field ``now`` (ISO 8601) stand in for the clock,
so a conversation "at 2am on Sunday" can be held at any hour. Without the switch, metadata cannot move the clock:
a web page must not be able to make the assistant claim a shut service is open.
"""
from __future__ import annotations

import logging
import os
from datetime import datetime
from typing import Any, Mapping

from knowledge.hours.engine import LONDON

logger = logging.getLogger(__name__)

OVERRIDE_ENV = "SIGNPOST_CLOCK_OVERRIDE"


def clock_override_enabled() -> bool:
    return os.environ.get(OVERRIDE_ENV, "").strip().lower() in {"1", "true", "yes"}


def parse_override(value: Any) -> datetime | None:
    """An aware datetime from an ISO 8601 string; naive times are taken as Europe/London wall clock."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        logger.warning("Ignoring a clock override that is not ISO 8601.")
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=LONDON)
    return parsed.astimezone(LONDON)


def now_for(metadata: Mapping[str, Any] | None) -> datetime:
    """The time to answer this message at: the override when allowed and given, else now in Europe/London."""
    if clock_override_enabled() and metadata:
        override = parse_override(metadata.get("now"))
        if override is not None:
            return override
    return datetime.now(LONDON)
