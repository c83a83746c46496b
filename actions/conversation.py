"""Small readers of what a conversation already holds, shared by the actions.

Each answers one question ("what did the page that embeds us say?", "how old did they say they were?") so
that no action asks the person again for something already said.
"""
from __future__ import annotations

import re
from typing import Any, Dict, Optional

from rasa_sdk import Tracker

#: Answers that mean "don't narrow it to a place".
ANYWHERE = "anywhere"
_SKIP_WORDS = {
    "skip", "anywhere", "any where", "dont know", "don't know", "dunno", "not sure", "no", "nope",
    "rather not say", "id rather not say", "i'd rather not say", "dont want to say", "don't want to say",
    "prefer not to say", "none", "nowhere", "england", "uk", "national",
}

_AGE_PATTERNS = (
    re.compile(r"\b(?:i'?m|i am|im|am|aged|age)\s+(\d{1,2})\b"),
    re.compile(r"\b(\d{1,2})\s*(?:yrs?|years?)(?:\s*old)?\b"),
    re.compile(r"^\s*(\d{1,2})\s*$"),
)


def message_metadata(tracker: Tracker) -> Dict[str, Any]:
    metadata = tracker.latest_message.get("metadata") or {}
    return metadata if isinstance(metadata, dict) else {}


def latest_text(tracker: Tracker) -> str:
    return tracker.latest_message.get("text") or ""


def latest_entity(tracker: Tracker, name: str) -> Optional[str]:
    for entity in tracker.latest_message.get("entities") or []:
        if entity.get("entity") == name and entity.get("value") not in (None, ""):
            return str(entity["value"])
    return None


def is_skip_answer(text: str) -> bool:
    normalised = re.sub(r"[^a-z' ]", "", text.lower()).strip()
    return normalised in _SKIP_WORDS


def age_from_text(text: str) -> Optional[int]:
    """An age a person states about themselves ("im 15", "16 yrs old", a bare "17"), if plausible."""
    lowered = text.lower()
    for pattern in _AGE_PATTERNS:
        found = pattern.search(lowered)
        if found:
            age = int(found.group(1))
            if 8 <= age <= 99:
                return age
    return None


def known_age(tracker: Tracker) -> Optional[int]:
    value = tracker.get_slot("age")
    try:
        return int(float(value)) if value is not None else None
    except (TypeError, ValueError):
        return None
