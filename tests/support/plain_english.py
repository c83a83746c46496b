"""Checks on how the assistant speaks: reading ease and words that blame or label people.

Shared by the tests of domain responses and of the texts actions, safety and channels write (extract §5.6).
"""
from __future__ import annotations

import re

#: Words that label or blame people; services use some of them, we never do in our own words.
BLAMING_WORDS = (
    "addict", "addicts", "alcoholic", "alcoholics", "junkie", "junkies", "abuser", "abusers", "misuser",
    "misusers", "substance misuse", "substance abuse", "drug abuse", "alcohol abuse", "clean", "dirty",
    "denial", "your fault", "you should have", "irresponsible", "relapsed", "failed", "non-compliant",
)
_BLAMING = re.compile(r"\b(" + "|".join(re.escape(w) for w in BLAMING_WORDS) + r")\b", re.IGNORECASE)


def syllables(word: str) -> int:
    word = word.lower()
    count = len(re.findall(r"[aeiouy]+", word))
    if word.endswith("e") and not word.endswith(("le", "ee")) and count > 1:
        count -= 1
    return max(count, 1)


def flesch_reading_ease(text: str) -> float:
    """Flesch reading ease (higher is easier; 60+ is plain English). Numbers and links are not words here."""
    sentences = [s for s in re.split(r"[.!?]+|\n", text) if re.search(r"[A-Za-z]", s)]
    words = re.findall(r"[A-Za-z']+", re.sub(r"https?://\S+", "", text))
    if not words:
        return 100.0
    total_syllables = sum(syllables(w) for w in words)
    return 206.835 - 1.015 * (len(words) / max(len(sentences), 1)) - 84.6 * (total_syllables / len(words))


def blaming_words(text: str) -> list[str]:
    return [m.group(0) for m in _BLAMING.finditer(text)]
