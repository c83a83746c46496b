"""The wording of an answer about one named service: its weekly hours, whether it is open now, when it next
opens; or, for a service that has closed, that it has closed and what can help instead.

Plain words for every channel, no Rasa. Hours come from ``knowledge.hours.engine`` (describe_rules for the week,
describe_status for now and next opening); contact details only as the directory holds them.
"""
from __future__ import annotations

from datetime import datetime
from typing import Sequence

from knowledge.hours.engine import describe_rules, describe_status, opening_status
from knowledge.search.names import NamedService


def _contact_line(contacts: Sequence) -> str:
    parts = []
    for contact in contacts:
        if contact.kind == "phone":
            parts.append(f"Call {contact.value}.")
        elif contact.kind == "text":
            parts.append(f"Text {contact.value}.")
        elif contact.kind == "web" and not parts:
            parts.append(f"Website: {contact.value}")
        if len(parts) == 2:
            break
    return " ".join(parts)


def describe_hours(named: NamedService, now: datetime, contacts: Sequence = ()) -> str:
    """ "Wyre Night Line is open: every day 8pm to 8am. Closed now. Opens today at 8pm. Call ..." """
    lines = []
    if named.rules:
        week = describe_rules(named.rules)
        week = week[0].lower() + week[1:] if week.startswith("Every") else week
        lines.append(f"{named.name} is open: {week}.")
        lines.append(describe_status(opening_status(named.rules, now), now) + ".")
    else:
        lines.append(f"I don't have checked opening hours for {named.name} yet, so I can't say if it's open now.")
    contact = _contact_line(contacts)
    if contact:
        lines.append(contact)
    return "\n".join(lines)


def describe_closed(named: NamedService) -> str:
    """A service asked for by name that is no longer running, named as closed."""
    if named.status == "temporarily closed":
        return f"{named.name} is closed for now, so I can't offer it at the moment."
    return f"{named.name} has closed, so I can't offer it any more."


ALTERNATIVES_LEAD = "These can help instead:"
NOT_FOUND = (
    "I couldn't find a service with that name in my list. "
    "You can ask me \"what's open now?\" and I'll show what can help at this hour."
)
