"""Turn a bot reply (text + quick-reply buttons) into what a medium can show.

* SMS has no buttons: choices become a numbered list ("Reply 1 for …") and a later reply of "1" maps back to that
  choice's payload (``ChoiceMemory``). Text is kept to GSM-7 where possible (curly quotes, dashes and odd spaces
  replaced) because one non-GSM character halves the length of every segment; messages are packed to a few
  segments each and split only at blank lines, line ends or spaces, never inside a phone number, so the number
  stays whole and tappable ("Samaritans: 116 123").
* Telegram has inline keyboards and a 4096-character limit per message: long text is split the same careful way
  and the keyboard goes on the last part.

Nothing here logs message text.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Callable, Dict, Iterable, List, Optional, Sequence

from channels.dedup import KeyValueStore, tolerant

# --- GSM-7 -----------------------------------------------------------------------------------------------------

_GSM7_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿"
    "abcdefghijklmnopqrstuvwxyzäöñüà"
)
# Extension-table characters cost two septets (escape + char).
_GSM7_EXTENSION = set("^{}\\[~]|€\f")

_GSM7_REPLACEMENTS = {
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "\u00b4": "'", "`": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-", "\u2212": "-",
    "\u2026": "...",
    "\u00a0": " ", "\u202f": " ", "\u2007": " ", "\u2009": " ", "\u200a": " ", "\u2002": " ", "\u2003": " ",
    "\t": " ",
    "\u2022": "-", "\u00b7": "-", "\u25cf": "-",
    "\u200b": "", "\u200c": "", "\u200d": "", "\ufeff": "",
}

SMS_MAX_BODY_CHARS = 1600  # Twilio's limit for one message body
DEFAULT_SMS_MAX_SEGMENTS = 3
TELEGRAM_MAX_MESSAGE_UTF16 = 4096


def to_gsm7(text: str) -> str:
    """Replace typographic characters that have a plain GSM-7 equivalent; leave everything else (e.g. emoji)."""
    return "".join(_GSM7_REPLACEMENTS.get(char, char) for char in text)


def is_gsm7(text: str) -> bool:
    return all(char in _GSM7_BASIC or char in _GSM7_EXTENSION for char in text)


def sms_segments(text: str) -> int:
    """How many SMS segments a body costs: GSM-7 160/153 septets, otherwise UCS-2 70/67 UTF-16 units."""
    if not text:
        return 0
    if is_gsm7(text):
        units = sum(2 if char in _GSM7_EXTENSION else 1 for char in text)
        single, multi = 160, 153
    else:
        units = len(text.encode("utf-16-le")) // 2
        single, multi = 70, 67
    if units <= single:
        return 1
    return -(-units // multi)


def utf16_length(text: str) -> int:
    """Telegram counts message length in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


# --- splitting -------------------------------------------------------------------------------------------------

# Digits separated by single spaces or hyphens ("116 123", "0300 123 6600", "+44 7700 900123"): never break inside.
_PHONE_LIKE = re.compile(r"\+?\d[\d \-]*\d")


def _protected_spans(text: str) -> List[range]:
    return [range(match.start(), match.end()) for match in _PHONE_LIKE.finditer(text)]


def _break_points(text: str) -> List[int]:
    protected = _protected_spans(text)
    return [
        index
        for index, char in enumerate(text)
        if char == " " and not any(index in span for span in protected)
    ]


def _split_line(line: str, fits: Callable[[str], bool]) -> List[str]:
    """Split one line at spaces outside phone numbers; cut mid-word only when a single word cannot fit."""
    parts: List[str] = []
    rest = line.strip()
    while rest and not fits(rest):
        candidates = [point for point in _break_points(rest) if fits(rest[:point].rstrip())]
        if candidates:
            cut = candidates[-1]
            parts.append(rest[:cut].rstrip())
            rest = rest[cut + 1 :].lstrip()
            continue
        # One unbreakable run longer than the limit (a very long URL): cut it hard, outside digits if we can.
        cut = 1
        while cut < len(rest) and fits(rest[: cut + 1]):
            cut += 1
        parts.append(rest[:cut])
        rest = rest[cut:].lstrip()
    if rest:
        parts.append(rest)
    return parts


def _pack(units: Iterable[str], separator: str, fits: Callable[[str], bool]) -> List[str]:
    """Greedily join units with ``separator`` while the result still fits."""
    chunks: List[str] = []
    current = ""
    for unit in units:
        candidate = f"{current}{separator}{unit}" if current else unit
        if fits(candidate):
            current = candidate
        else:
            if current:
                chunks.append(current)
            current = unit
    if current:
        chunks.append(current)
    return chunks


def split_text(text: str, fits: Callable[[str], bool]) -> List[str]:
    """Split text into parts that each ``fits``: at blank lines first, then line ends, then spaces."""
    pieces: List[str] = []
    for paragraph in re.split(r"\n\s*\n", text.strip()):
        paragraph = paragraph.strip()
        if not paragraph:
            continue
        if fits(paragraph):
            pieces.append(paragraph)
            continue
        lines: List[str] = []
        for line in paragraph.split("\n"):
            lines.extend([line.strip()] if fits(line.strip()) else _split_line(line, fits))
        pieces.extend(_pack([line for line in lines if line], "\n", fits))
    return _pack(pieces, "\n\n", fits)


# --- choices ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Choice:
    title: str
    payload: str


def choices_from_buttons(buttons: Optional[Sequence[Dict[str, Any]]]) -> List[Choice]:
    """Rasa buttons/quick replies are dicts with ``title`` and ``payload`` (payload defaults to the title)."""
    choices = []
    for button in buttons or []:
        title = str(button.get("title") or button.get("payload") or "").strip()
        payload = str(button.get("payload") or title).strip()
        if title:
            choices.append(Choice(title=title, payload=payload))
    return choices


_NUMBER_REPLY = re.compile(r"^\s*#?(\d{1,2})\s*[.)]?\s*$")


def chosen_number(reply: str) -> Optional[int]:
    """ "1", " 2 ", "3." or "#4" → the number; anything else → None."""
    match = _NUMBER_REPLY.match(reply or "")
    return int(match.group(1)) if match else None


class ChoiceMemory:
    """The last numbered choices offered to each (pseudonymous) sender, so "2" can mean "the second option"."""

    def __init__(self, store: KeyValueStore, ttl_seconds: int = 24 * 3600) -> None:
        # A day: people texting at night may answer the next morning; after that "1" is probably not an answer.
        self._store = store
        self._ttl = ttl_seconds

    @staticmethod
    def _key(sender_id: str) -> str:
        return f"choices:{sender_id}"

    async def remember(self, sender_id: str, choices: Sequence[Choice]) -> None:
        """Keep the menu just sent; a store outage only costs the numbers their meaning (never a reply)."""
        if not choices:
            # The latest reply had no menu: an old menu's numbers would now be misleading.
            await self.forget(sender_id)
            return
        value = json.dumps([[choice.title, choice.payload] for choice in choices])
        await tolerant(self._store.set(self._key(sender_id), value, self._ttl), None, "remembering choices")

    async def forget(self, sender_id: str) -> None:
        await tolerant(self._store.delete(self._key(sender_id)), None, "forgetting choices")

    async def resolve(self, sender_id: str, reply: str) -> Optional[Choice]:
        """The choice a number picks; with the store down the number is read as the text it is."""
        number = chosen_number(reply)
        if number is None:
            return None
        stored = await tolerant(self._store.get(self._key(sender_id)), None, "reading choices")
        if not stored:
            return None
        choices = [Choice(title, payload) for title, payload in json.loads(stored)]
        if 1 <= number <= len(choices):
            return choices[number - 1]
        return None


# --- SMS -------------------------------------------------------------------------------------------------------


@dataclass
class RenderedSms:
    messages: List[str]
    choices: List[Choice]


def _message_text(message: Dict[str, Any]) -> str:
    """The visible text of one collected Rasa message (text, then any image/attachment link)."""
    lines = []
    if message.get("text"):
        lines.append(str(message["text"]))
    if message.get("image"):
        lines.append(str(message["image"]))
    if isinstance(message.get("attachment"), str):
        lines.append(message["attachment"])
    return "\n".join(lines)


#: The emergency line ("Call 999 now."): when a turn starts with it, it goes as a text of its own, first, so the
#: first thing a frightened person's phone shows is what to do.
_EMERGENCY_LINE = re.compile(r"\b999\b")


def turn_segments(messages: Sequence[str]) -> int:
    """What a whole turn costs: the segments of every text in it."""
    return sum(sms_segments(message) for message in messages)


def render_sms(bot_messages: Sequence[Dict[str, Any]], max_segments: int = DEFAULT_SMS_MAX_SEGMENTS) -> RenderedSms:
    """Render one turn's collected messages as a few short SMS bodies plus the numbered choices offered.

    Choices are numbered across the whole turn so each number means one thing. Custom JSON payloads are
    dropped: they are for richer channels. Messages are packed into as few texts as fit ``max_segments`` each (a
    reply written to three segments in all goes as one text); an opening emergency line that names 999 is sent
    alone, first.
    """
    blocks: List[str] = []
    choices: List[Choice] = []
    for message in bot_messages:
        text = _message_text(message)
        offered = choices_from_buttons(message.get("buttons") or message.get("quick_replies"))
        menu_lines = [f"Reply {len(choices) + index} for {choice.title}" for index, choice in enumerate(offered, 1)]
        choices.extend(offered)
        block = "\n".join(part for part in [text.strip(), "\n".join(menu_lines)] if part)
        if block:
            blocks.append(to_gsm7(block))

    def fits(candidate: str) -> bool:
        return len(candidate) <= SMS_MAX_BODY_CHARS and sms_segments(candidate) <= max_segments

    first: List[str] = []
    if len(blocks) > 1 and "\n" not in blocks[0].strip() and _EMERGENCY_LINE.search(blocks[0]) and fits(blocks[0]):
        first = [blocks.pop(0).strip()]
    messages = first + (split_text("\n\n".join(blocks), fits) if blocks else [])
    return RenderedSms(messages=messages, choices=choices)


# --- Telegram --------------------------------------------------------------------------------------------------


def split_for_telegram(text: str, limit: int = TELEGRAM_MAX_MESSAGE_UTF16) -> List[str]:
    """Split text into Telegram messages of at most ``limit`` UTF-16 units, at sensible places."""
    return split_text(text, lambda candidate: utf16_length(candidate) <= limit)
