"""Plain-English replies from search results, written once for every channel (SMS, Telegram, web).

Short messages (about 320 characters, an SMS and a bit), no jargon, no blame. Contact details appear only when the
record holds them *and* says where they came from; otherwise we say so instead of guessing. Details checked more
than a year ago carry a warning to check first.

The first answer is the search's ``first`` list, in that order (knowledge/search: at most three local options and
the out-of-hours ones open now, by the ranking's score), then an open door; the rest waits for "more options"
(:func:`describe_more`). By SMS each service is one compact line (:func:`compact_match`) and the reply is filled
only while it fits a character budget, so a whole turn stays within three GSM-7 segments (459 characters).
"""
from __future__ import annotations

import re
from datetime import datetime
from typing import Sequence

from knowledge.hours.engine import LONDON, describe_status
from knowledge.search.finder import SAFETY_NET, Contact, Match, SearchResult

__all__ = [
    "describe_match",
    "compact_match",
    "describe_result",
    "describe_more",
    "first_answer",
    "OPEN_DOOR",
    "SMS_LENGTH",
    "SMS_TURN_BUDGET",
    "ACKNOWLEDGE_FAMILY",
    "MORE_OPTIONS_BUTTON",
]

OPEN_DOOR = "You can message any time, day or night."
SMS_LENGTH = 320
ACKNOWLEDGE_FAMILY = "It's hard when someone you love is struggling."
ACKNOWLEDGE_YOUNG = "You don't have to cope with this on your own."
#: Three GSM-7 segments: what a whole SMS turn may cost (the council pays per segment; a frightened person reads it).
SMS_TURN_BUDGET = 3 * 153
#: Offered on every channel after a first answer that has more (SMS shows it as "Reply 1 for More options").
MORE_OPTIONS_BUTTON = {"title": "More options", "payload": "/more_options"}
STALE_AFTER_DAYS = 365

_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)


def _first_sentence(text: str, limit: int) -> str:
    text = " ".join((text or "").split())
    if not text:
        return ""
    match = re.match(r"(.+?[.!?])(\s|$)", text)
    sentence = match.group(1) if match else text
    if len(sentence) <= limit:
        return sentence
    cut = sentence[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:-")
    return cut + "…"


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text or "")


def _contact_line(contact: Contact) -> str:
    label = (contact.label or "").strip()
    if contact.kind in ("phone", "text"):
        # A label that already gives the number says it best ("Text SHOUT to 85258. Free.").
        if label and _digits(contact.value) and _digits(contact.value) in _digits(label):
            return label.rstrip(".") + "."
        verb = "Text" if contact.kind == "text" else "Call"
        return f"{verb} {contact.value}."
    if contact.kind == "web":
        return f"Online: {contact.value}"
    if contact.kind == "email":
        return f"Email: {contact.value}"
    return contact.value


def _contacts_text(match: Match) -> str:
    phones = [c for c in match.contacts if c.kind in ("phone", "text")][:2]
    others = [c for c in match.contacts if c.kind == "web"][:1]
    if not phones and not others:
        others = [c for c in match.contacts if c.kind == "email"][:1]
    return " ".join(_contact_line(c) for c in phones + others)


def _stale_line(match: Match, now: datetime) -> str | None:
    checked = match.assured_date
    if checked is None:
        return None
    today = now.astimezone(LONDON).date() if now.tzinfo else now.date()
    if (today - checked).days <= STALE_AFTER_DAYS:
        return None
    action = "call" if match.is_national else "travel"
    return f"Details last checked {_MONTHS[checked.month - 1]} {checked.year}: please check before you {action}."


def describe_match(match: Match, now: datetime) -> str:
    """One service as a short message: name, what it is, how to reach it, whether it is open, caveats."""
    head = match.name
    if match.organisation and match.organisation.lower() not in match.name.lower():
        head = f"{match.name} ({match.organisation})"
    lines: list[str] = []
    if match.has_verified_contact:
        contact = _contacts_text(match)
        if match.address and not match.is_national:
            contact = (contact + " " if contact else "") + f"At {match.address}."
    elif match.address and match.source and not match.contacts and not match.is_national:
        contact = f"No phone listed. At {match.address}."  # a walk-in service: its address is its contact
    else:
        contact = "I don't have checked contact details for this service yet."
    status = _status_line(match, now)
    stale = _stale_line(match, now)
    fixed = " ".join(filter(None, [contact, status, stale]))
    room = SMS_LENGTH - len(head) - len(fixed) - 6
    summary = _first_sentence(match.description, max(60, min(160, room)))
    lines.append(f"{head}: {summary}" if summary else head)
    lines.extend(part for part in (contact, status, stale) if part)
    return "\n".join(lines)


def _status_line(match: Match, now: datetime) -> str:
    """Open now, when it opens, or on a bank holiday the record is silent on, what is usual and that it may be shut."""
    if match.hours_note:
        return match.hours_note + "."
    return describe_status(match.status, now) + "."


def _short_contact(match: Match) -> str:
    """The one contact a text message has room for: a phone or text number, else the web address, else where."""
    voice = [c for c in match.contacts if c.kind in ("phone", "text")]
    if match.has_verified_contact and voice:
        return _contact_line(voice[0])
    web = [c for c in match.contacts if c.kind == "web"]
    if match.has_verified_contact and web:
        return f"Online: {web[0].value}"
    if match.address and match.source and not match.contacts:
        return f"At {match.address}."
    return "No checked contact details yet."


def compact_match(match: Match, now: datetime) -> str:
    """One service in one line, for SMS: "Wendmoor Recovery Hub: Call 01632 960101. Open now until 5pm." """
    parts = [f"{match.name}:", _short_contact(match), _status_line(match, now)]
    stale = _stale_line(match, now)
    if stale:
        parts.append(stale)
    return " ".join(parts)


def _place_phrase(result: SearchResult) -> str:
    area = result.area
    if area is None or area.kind == "unknown" or not result.area_has_services:
        return ""
    return f" in {area.name}"


def _lead(result: SearchResult, compact: bool = False) -> str:
    need = result.help_need or result.need
    place = _place_phrase(result)
    person = result.person
    if person.young_writer:
        return f"{ACKNOWLEDGE_YOUNG} Here's help for young people{place}:"
    if person.for_whom == "someone_else":
        who = f"your {person.relationship}" if person.relationship else "them"
        if compact:
            return f"{ACKNOWLEDGE_FAMILY} Help for you and {who}{place}:"
        return f"{ACKNOWLEDGE_FAMILY} Here's support for you, and {need.lead} for {who}{place}:"
    return f"Here's {need.lead}{place}:"


def _opening_line(result: SearchResult, compact: bool = False) -> str:
    """The first line: what follows, or plainly that we have nothing (checked) for this place yet."""
    area = result.area
    local_shown = any(not m.is_national for m in result.first)
    anywhere = "These can help anywhere in England:" if compact else "These can help wherever you are in England:"
    if area is not None and (area.kind == "unknown" or not result.area_has_services):
        line = f"I don't have local services for {area.name} yet. {anywhere}"
    elif area is not None and not local_shown and result.uncontactable_local:
        details = "checked local details" if compact else "checked contact details for local services in"
        line = f"I don't have {details} {'for ' if compact else ''}{area.name} yet. {anywhere}"
    elif area is not None and not local_shown:
        label = (result.help_need or result.need).label
        line = f"I couldn't find local {label} for {area.name} in my list. {anywhere}"
    elif area is None:
        return _lead(result, compact).rstrip(":") + ", wherever you are in England:"
    else:
        return _lead(result, compact)
    if compact:
        return line
    if result.person.young_writer:
        return f"{ACKNOWLEDGE_YOUNG} {line}"
    if result.person.for_whom == "someone_else":
        return f"{ACKNOWLEDGE_FAMILY} {line}"
    return line


def first_answer(result: SearchResult) -> list[Match]:
    """The services of the first answer, in reading order (the search decides it; see knowledge/search)."""
    if result.first:
        return list(result.first)
    return [*result.local[:3], *result.out_of_hours, *result.for_family[:1]]


def _label_for(match: Match, result: SearchResult) -> str:
    """For a family member, whom each service is for: "For you:" or "For your son:"."""
    person = result.person
    if person.for_whom != "someone_else" or person.young_writer or match.for_whom is None:
        return ""
    if match.for_whom == "you":
        return "For you: "
    return f"For your {person.relationship}: " if person.relationship else "For them: "


def _fill(messages: list[str], items: Sequence[str], closing: str | None, budget: int | None) -> list[str]:
    """``messages`` + as many ``items`` as fit ``budget`` characters in all (at least one) + ``closing``."""
    def size(parts: Sequence[str]) -> int:
        return sum(len(p) for p in parts) + 2 * max(0, len(parts) - 1)

    tail = [closing] if closing else []
    chosen: list[str] = []
    for item in items:
        if budget is not None and chosen and size([*messages, *chosen, item, *tail]) > budget:
            break
        chosen.append(item)
    return [*messages, *chosen, *tail]


def describe_result(
    result: SearchResult, *, compact: bool = False, budget: int | None = None, open_door: bool = True
) -> list[str]:
    """The first answer as short messages: an opening line, the services (best first), and an open door.

    ``compact``: one line per service (SMS). ``budget``: the most characters the whole reply may take (services
    are left for "more options" when they do not fit). ``open_door=False`` when a closing message (the privacy
    notice) carries it instead.
    """
    now = result.now
    describe = compact_match if compact else describe_match
    services = [_label_for(m, result) + describe(m, now) for m in first_answer(result)]
    return _fill([_opening_line(result, compact)], services, OPEN_DOOR if open_door else None, budget)


def describe_more(
    result: SearchResult, *, shown: int = 0, compact: bool = False, budget: int | None = None, limit: int = 3
) -> list[str]:
    """The next options after the first answer ("more options"): ``shown`` of ``result.more`` were already given."""
    now = result.now
    more = list(result.more)[shown : shown + limit]
    place = _place_phrase(result)
    if not more:
        return [f"That's all I have{place} for now. If anyone is in danger, call 999.", OPEN_DOOR]
    describe = compact_match if compact else describe_match
    services = [_label_for(m, result) + describe(m, now) for m in more]
    return _fill([f"More options{place}:"], services, OPEN_DOOR, budget)


def describe_unavailable(now: datetime) -> list[str]:
    """The reply when the directory cannot be read: never a dead end, only lines verified in research."""
    return [
        "Sorry, I can't look up services just now. If anyone is in danger, call 999. These can help at any time:",
        *(describe_match(match, now) for match in SAFETY_NET),
        OPEN_DOOR,
    ]
