"""Distress without danger to life: "i cant cope anymore", "at the end of my rope", "so low".

Why apart from the crisis rules: full emergency guidance ("If you might act on these thoughts, call 999 now")
in answer to "my husband drinks every night and i cant cope anymore" loses what the person asked for (support
for families) and can frighten. Distress keeps the normal answer and adds one short line offering Samaritans
and Shout (both verified in shared/research/helplines.md). Danger to life is still `safety.crisis.detect`'s:
callers check that first, and this only speaks when it found nothing.
"""
from __future__ import annotations

import re

from safety.crisis import detect, normalise

#: The line added to the normal answer. Numbers from shared/research/helplines.md (verified).
SUPPORT_LINE = (
    "It sounds like a lot to carry. If you want to talk to someone now, Samaritans are free on 116 123, "
    "or text SHOUT to 85258, day or night."
)

_DISTRESS_RE = re.compile(
    r"\b(?:cant|cannot|couldnt|can not) (?:cope|handle (?:it|this|him|her|them))\b"
    r"|\b(?:not|no longer|barely|hardly) coping\b|\bstruggling (?:to cope|so much|badly|really bad)\b"
    r"|\bend of my (?:rope|tether)\b|\bwits end\b|\bbreaking point\b|\bat rock bottom\b"
    r"|\b(?:so|really|very|feeling|feel|felt|been) (?:low|down|hopeless|desperate|broken|lost)\b"
    r"|\bhopeless\b|\bin bits\b|\bfalling apart\b"
    r"|\b(?:its|it is|everything is|everything s|it all|its all|all) (?:just |getting |becoming |been )*too much\b"
    r"|\bhow much more (?:of this )?i can take\b|\bcant take (?:much more|it|this)\b|\bdont know what to do anymore\b"
)


def is_distress(text: str) -> bool:
    """True when the message shows distress but no danger to life (the crisis rules find nothing)."""
    if not text or not text.strip() or detect(text) is not None:
        return False
    return bool(_DISTRESS_RE.search(normalise(text)))
