"""Questions that ask for a need plus "open now", not for a named service.

"anywhere open today for clean works", "what's open for drink tonight", "is there anything open now for
needles": the person wants help of a kind (needles) at this hour, not the hours of a service called
"clean works". Plain Python, no Rasa: `bot/components/open_now.py` uses it to correct the intent, and
`action_note_need` to set the `wants_open_now` slot and the need.
"""
from __future__ import annotations

import re
from typing import Optional

_WHO = (
    r"(?:anywhere|anything|anyone|anybody|somewhere|something|someone|somebody|where|wheres|where's|what|whats|"
    r"what's|who|whos|who's|any ?place|any services?|any help|a place|places|services?)"
)
_OPEN_NOW = re.compile(
    rf"\b{_WHO}\s+(?:\w+\s+){{0,3}}?(?:open|opened|running|on)\b"
    r"|\bopen\s+(?:now|today|tonight|right now|at the moment|atm|this (?:morning|afternoon|evening|weekend)|"
    r"tomorrow|late|24 ?7|24 hours|all night)\b"
)
#: Phrases people use for a need, and the intent that need belongs to (data, checked in order).
NEED_PHRASES: tuple[tuple[str, str], ...] = (
    ("harm_reduction", r"clean (?:works|needles|pins|kit|gear|equipment)|needles?|syringes?|\bworks\b|\bpins\b|"
                       r"sharps|naloxone|narcan|nyxoid|needle exchange|exchange|foils?|injecting"),
    ("homeless", r"somewhere to (?:sleep|stay)|(?:can|to) sleep|a bed|beds|shelter|nowhere to (?:sleep|stay)|homeless|sleeping rough"),
    ("peer_support", r"meetings?|groups?|\baa\b|\bna\b|peer support|recovery cafe"),
    ("family_support", r"famil(?:y|ies)|parents|carers"),
    ("mental_health", r"mental health|someone to talk to|talk to someone"),
    ("help_drugs", r"drugs?|heroin|gear|crack|coke|cocaine|spice|ket|methadone|script"),
    ("help_alcohol", r"drink(?:ing)?|alcohol|booze"),
)
_NEED_PATTERNS = tuple((intent, re.compile(rf"\b(?:{pattern})\b")) for intent, pattern in NEED_PHRASES)


def _plain(text: str) -> str:
    return re.sub(r"\s+", " ", (text or "").lower().replace("\u2019", "'")).strip()


def asks_open_now(text: str) -> bool:
    """True when the message asks for something open now, today or tonight."""
    return bool(_OPEN_NOW.search(_plain(text)))


def need_intent_in(text: str) -> Optional[str]:
    """The intent of the need named in the message ("clean works" -> harm_reduction), if any."""
    plain = _plain(text)
    for intent, pattern in _NEED_PATTERNS:
        if pattern.search(plain):
            return intent
    return None


def open_now_need_intent(text: str) -> Optional[str]:
    """For "anywhere open today for clean works": the need's intent; for "whats open now": whats_open_now.

    None when the message is not an open-now question for a need: "when is the night line open" names a service.
    """
    plain = _plain(text)
    if not asks_open_now(plain) or re.search(r"\b(?:when|what time|till when|until when|how late)\b", plain):
        return None
    if re.match(r"^\s*(?:is|are)\s+(?!there\b)", plain):
        return None  # "is the night line open now": a named service
    return need_intent_in(plain) or "whats_open_now"


_NAMED_SERVICE_QUESTION = (
    re.compile(r"^(?:so |and |ok |hi |hey )?(?:when|what time|wat time|till when|until when|how late)\b.*\b(?:open|opens|close|closes|shut|shuts|on|run|runs)\b"),
    re.compile(r"^(?:so |and |ok |hi |hey )?(?:is|are)\s+(?!there\b|anywhere\b|anything\b|anyone\b|anybody\b|somewhere\b|someone\b|something\b|it\b|they\b|you\b|u\b)\S+.*\b(?:open|still open|running|still running|closed|shut)\b"),
    re.compile(r"\b(?:opening (?:hours|times)|open (?:hours|times)|hours|times) (?:of|for)\s+\S+"),
    re.compile(r"\S+\s+(?:opening (?:hours|times)|open times)\b"),
)


def asks_about_a_named_service(text: str) -> bool:
    """True for "when is X open", "is X still open", "X opening hours": a question about one named service."""
    plain = _plain(text)
    if open_now_need_intent(plain) is not None:
        return False
    return any(pattern.search(plain) for pattern in _NAMED_SERVICE_QUESTION)
