"""Small readers of what a conversation already holds, shared by the actions.

Each answers one question ("what did the page that embeds us say?", "how old did they say they were?") so
that no action asks the person again for something already said.
"""
from __future__ import annotations

import re
from typing import Any, Dict, Optional

from rasa_sdk import Tracker

from actions.people import read_message

#: Answers that mean "don't narrow it to a place".
ANYWHERE = "anywhere"
_SKIP_WORDS = {
    "skip", "anywhere", "any where", "dont know", "don't know", "dunno", "not sure", "no", "nope",
    "rather not say", "id rather not say", "i'd rather not say", "dont want to say", "don't want to say",
    "prefer not to say", "none", "nowhere", "england", "uk", "national",
}

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
    """The age the writer states about themselves ("im 15", "16 yrs old", a bare "17"), if plausible.

    Durations are never ages: "im 10 days sober" and "been drinking for 15 years" give None.
    """
    return read_message(text).writer_age


def _slot_age(tracker: Tracker, slot: str) -> Optional[int]:
    value = tracker.get_slot(slot)
    try:
        return int(float(value)) if value is not None else None
    except (TypeError, ValueError):
        return None


def known_age(tracker: Tracker) -> Optional[int]:
    """The age of the person who needs help: the writer, or the person they write about."""
    return _slot_age(tracker, "age")


def known_writer_age(tracker: Tracker) -> Optional[int]:
    """The writer's own age, whoever the help is for ("im 14 and my mum drinks" gives 14).

    When the writer asks for themselves and stated no age of their own, the age of the person who needs help is
    theirs too.
    """
    writer_age = _slot_age(tracker, "writer_age")
    if writer_age is None and (tracker.get_slot("for_whom") or "self") == "self":
        return known_age(tracker)
    return writer_age
