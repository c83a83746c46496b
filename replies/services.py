"""Plain-English replies from search results, written once for every channel (SMS, Telegram, web).

Short messages (about 320 characters, an SMS and a bit), no jargon, no blame. Contact details appear only when the
record holds them *and* says where they came from; otherwise we say so instead of guessing. Details checked more
than a year ago carry a warning to check first.
"""
from __future__ import annotations

import re
from datetime import datetime
from typing import Sequence

from knowledge.hours.engine import LONDON, describe_status
from knowledge.search.finder import SAFETY_NET, Contact, Match, SearchResult

__all__ = ["describe_match", "describe_result", "OPEN_DOOR", "SMS_LENGTH", "ACKNOWLEDGE_FAMILY"]

OPEN_DOOR = "You can message any time, day or night."
SMS_LENGTH = 320
ACKNOWLEDGE_FAMILY = "It's hard when someone you love is struggling."
STALE_AFTER_DAYS = 365
#: How many local services a reply shows (the search may return more); SMS threads get long quickly.
MAX_LOCAL_SHOWN = 3
#: Of those, how many without a checked contact: they cannot be acted on tonight, and each costs an SMS, so one is
#: enough to tell the person local help exists.
MAX_UNCONTACTABLE_SHOWN = 1

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
    else:
        contact = "I don't have checked contact details for this service yet."
    status = describe_status(match.status, now) + "."
    stale = _stale_line(match, now)
    fixed = " ".join(filter(None, [contact, status, stale]))
    room = SMS_LENGTH - len(head) - len(fixed) - 6
    summary = _first_sentence(match.description, max(60, min(160, room)))
    lines.append(f"{head}: {summary}" if summary else head)
    lines.extend(part for part in (contact, status, stale) if part)
    return "\n".join(lines)


def _is_night(now: datetime) -> bool:
    hour = now.astimezone(LONDON).hour
    return hour >= 18 or hour < 6


def _place_phrase(result: SearchResult) -> str:
    area = result.area
    if area is None or area.kind == "unknown" or not result.area_has_services:
        return ""
    return f" in {area.name}"


def _lead(result: SearchResult) -> str:
    need = result.help_need or result.need
    place = _place_phrase(result)
    person = result.person
    if person.for_whom == "someone_else":
        who = f"your {person.relationship}" if person.relationship else "them"
        return f"Here's {need.lead} for {who}{place}."
    return f"Here's {need.lead}{place}."


def _local_to_show(local: Sequence[Match]) -> list[Match]:
    """The best local services, in search order, with at most MAX_UNCONTACTABLE_SHOWN lacking a checked contact."""
    shown: list[Match] = []
    uncontactable = 0
    for match in local:
        if len(shown) == MAX_LOCAL_SHOWN:
            break
        if not match.has_verified_contact:
            if uncontactable == MAX_UNCONTACTABLE_SHOWN:
                continue
            uncontactable += 1
        shown.append(match)
    return shown


def describe_result(result: SearchResult) -> list[str]:
    """The whole reply as short messages: a lead, the services, family support, and an open door."""
    now = result.now
    when = "tonight" if _is_night(now) else "right now"
    messages: list[str] = []
    area = result.area
    local = _local_to_show(result.local)

    if area is not None and (area.kind == "unknown" or not result.area_has_services):
        messages.append(
            f"I don't have local services for {area.name} yet. These can help wherever you are in England:"
        )
        messages.extend(describe_match(m, now) for m in result.out_of_hours)
    elif area is not None and not local:
        label = (result.help_need or result.need).label
        messages.append(
            f"I couldn't find local {label} for {area.name} in my list. These can help wherever you are in England:"
        )
        messages.extend(describe_match(m, now) for m in result.out_of_hours)
    elif not local:
        messages.append(_lead(result).rstrip(".") + ", wherever you are in England:")
        messages.extend(describe_match(m, now) for m in result.out_of_hours)
    elif result.any_local_open:
        messages.append(_lead(result))
        messages.extend(describe_match(m, now) for m in local)
        if result.out_of_hours:
            messages.append("If you need help later, these are there too:")
            messages.extend(describe_match(m, now) for m in result.out_of_hours)
    else:
        if any(m.status.known for m in local):
            messages.append(f"{_lead(result)} Nothing near you is open right now, but these can help {when}:")
        else:
            messages.append(
                f"{_lead(result)} I don't know if the services near you are open right now, "
                f"but these can help {when}:"
            )
        messages.extend(describe_match(m, now) for m in result.out_of_hours)
        if any(m.status.known for m in local):
            messages.append(f"When they open, these{_place_phrase(result)} can help too:")
        else:
            messages.append(f"There is local help{_place_phrase(result)} too, though I don't know its hours:")
        messages.extend(describe_match(m, now) for m in local)

    if result.person.for_whom == "someone_else":
        messages[0] = f"{ACKNOWLEDGE_FAMILY} {messages[0]}"
    family = list(result.for_family)
    if family:
        messages.append("And for you: " + describe_match(family[0], now))
        messages.extend(describe_match(m, now) for m in family[1:])
    messages.append(OPEN_DOOR)
    return messages


def describe_unavailable(now: datetime) -> list[str]:
    """The reply when the directory cannot be read: never a dead end, only lines verified in research."""
    return [
        "Sorry, I can't look up services just now. If anyone is in danger, call 999. These can help at any time:",
        *(describe_match(match, now) for match in SAFETY_NET),
        OPEN_DOOR,
    ]
