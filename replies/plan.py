"""A plan to keep: the services chosen, how to reach each, when each is next open, what to say, and who is
there at any hour. Written once; shaped for SMS (few segments, plain GSM-7 characters), Telegram (one message)
and the web widget (a structured view it can print or copy, never stored).

The conversation keeps only the ids of the services (``plan_ids``); every fact in a plan is read fresh from the
directory when the plan is written (knowledge.search.finder.services_by_id), so a plan never repeats a stale
answer. Contact details appear only when the record holds them and says where they came from.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Sequence

from knowledge.hours.engine import LONDON, describe_status
from knowledge.needs.catalogue import Need
from knowledge.search.finder import Match, SearchResult
from replies.services import OPEN_DOOR

__all__ = [
    "Plan",
    "plan_ids",
    "build_plan",
    "plan_text",
    "plan_sms",
    "plan_view",
    "what_to_say",
    "OFFER",
    "OFFER_BUTTON",
    "CALLBACK_BUTTON",
    "ACTION_BUTTON_PAYLOADS",
    "NOTHING_TO_PLAN",
]

#: Services a plan lists by name (the "two or three chosen"), and lines for any hour below them.
MAX_CHOSEN = 3
MAX_LINES = 2

OFFER = "Would you like these as a short plan to keep, with what to say when you call?"
OFFER_BUTTON = {"title": "Send me this as a plan", "payload": "/ask_plan"}
CALLBACK_BUTTON = {"title": "Ask a service to call me", "payload": "/ask_callback"}
#: Command payloads of buttons that actions (not domain responses) offer; channels/commands.py lets them through.
ACTION_BUTTON_PAYLOADS = frozenset({OFFER_BUTTON["payload"], CALLBACK_BUTTON["payload"]})
NOTHING_TO_PLAN = (
    "I don't have any services to put in a plan yet. Tell me what you need help with, and where you are, "
    "and I'll find some. " + OPEN_DOOR
)
WEB_INTRO = "Here is your plan. It is not saved on this device: print it or copy it if you want to keep it."
DANGER = "If anyone is in danger, call 999."


@dataclass(frozen=True)
class Plan:
    chosen: tuple[Match, ...]
    lines: tuple[Match, ...]
    say: str
    now: datetime

    @property
    def empty(self) -> bool:
        return not self.chosen and not self.lines


def _is_any_hour_line(match: Match) -> bool:
    return match.is_crisis_line or (match.is_national and match.status.always_open)


def plan_ids(result: SearchResult) -> list[str]:
    """The ids a plan is made of, from a search answer: local services with checked contacts first (or, when there
    are none, the national services that fit), then support for a family member, then lines open at any hour."""
    chosen = [m for m in result.local if m.has_verified_contact][:MAX_CHOSEN]
    if not chosen:
        chosen = [m for m in result.out_of_hours if m.has_verified_contact and not _is_any_hour_line(m)][:MAX_CHOSEN]
    family = [m for m in result.for_family if m.has_verified_contact][:1]
    chosen = (chosen + family)[: MAX_CHOSEN + 1]
    taken = {m.service_id for m in chosen}
    lines = [m for m in result.out_of_hours if _is_any_hour_line(m) and m.service_id not in taken][:MAX_LINES]
    return [m.service_id for m in chosen + lines]


def what_to_say(need: Need | None, for_whom: str = "self", relationship: str | None = None) -> str:
    """The words to open a call with: asking for help for yourself is "referring yourself"."""
    topic = need.label if need is not None and need.code not in ("general", "out_of_hours") else "help with drink or drugs"
    if for_whom == "someone_else":
        who = f"my {relationship}" if relationship else "someone close to me"
        return f"Hi, I'm calling about {who}. How can they get help, and is there support for me too?"
    return f"Hi, I'd like to refer myself for {topic}."


def build_plan(matches: Sequence[Match], now: datetime, say: str) -> Plan:
    """Splits the services (in plan_ids order) into those chosen and the lines open at any hour."""
    chosen = [m for m in matches if not _is_any_hour_line(m)][: MAX_CHOSEN + 1]
    lines = [m for m in matches if _is_any_hour_line(m)][:MAX_LINES]
    return Plan(tuple(chosen), tuple(lines), say, now)


# ---- the parts of one entry ---------------------------------------------------------------------------------


def _contact(match: Match) -> str:
    if not match.has_verified_contact:
        return "No checked contact details yet"
    phones = [c for c in match.contacts if c.kind in ("phone", "text")]
    if phones:
        first = phones[0]
        return ("Text " if first.kind == "text" else "Call ") + first.value
    web = [c for c in match.contacts if c.kind == "web"]
    if web:
        return "Online: " + web[0].value
    return "Email: " + match.contacts[0].value


def _when(match: Match, now: datetime) -> str:
    status = match.status
    if status.known and status.always_open:
        return "Open 24 hours"
    text = describe_status(status, now)
    # A plan is read later: "now" would go stale, so it says until when, or when it next opens.
    return text.replace("Open now until", "Open until").replace("Closed now. Opens", "Next opens")


def _made_on(now: datetime) -> str:
    local = now.astimezone(LONDON)
    return f"{local.day} {local.strftime('%B')} {local.year}"


# ---- media --------------------------------------------------------------------------------------------------


def plan_text(plan: Plan) -> str:
    """One message (Telegram and anything else that shows text): a heading, numbered services, the words to
    say, the lines for any hour, 999, and the open door."""
    parts = [f"Your plan ({_made_on(plan.now)})"]
    for number, match in enumerate(plan.chosen, start=1):
        entry = f"{number}. {match.name}\n{_contact(match)}. {_when(match, plan.now)}."
        if match.address and not match.is_national:
            entry += f"\nAt {match.address}."
        parts.append(entry)
    parts.append(f'When you call, you could say: "{plan.say}"')
    if plan.lines:
        parts.append("At any hour:\n" + "\n".join(f"{m.name}: {_contact(m)}. {_when(m, plan.now)}." for m in plan.lines))
    parts.append(f"{DANGER} {OPEN_DOOR}")
    return "\n\n".join(parts)


def _short_contact(match: Match) -> str:
    """The number alone (or the web address); nothing when the name already says it ("NHS 111")."""
    contact = _contact(match).replace("Call ", "").replace("Online: ", "")
    digits = "".join(ch for ch in contact if ch.isdigit())
    return "" if digits and digits in "".join(ch for ch in match.name if ch.isdigit()) else contact


def _short_when(match: Match, now: datetime) -> str:
    return _when(match, now).replace("Next opens", "opens").replace("Open until", "open until").replace(
        " at ", " ").replace("Open 24 hours", "24 hours").replace(
        "Opening hours not known", "hours not known")


def _sms_entry(match: Match, now: datetime) -> str:
    return ", ".join(filter(None, [" ".join(filter(None, [match.name, _short_contact(match)])), _short_when(match, now)]))


def plan_sms(plan: Plan) -> str:
    """The same plan in as few SMS segments as it can: one line a service, short words, GSM-7 characters only."""
    lines = ["Your plan:"]
    lines += [f"{number} {_sms_entry(match, plan.now)}" for number, match in enumerate(plan.chosen, start=1)]
    lines.append(f'Say: "{plan.say}"')
    if plan.lines:
        lines.append("Any time: " + ". ".join(
            " ".join(filter(None, [m.name, _short_contact(m)])) for m in plan.lines
        ))
    lines.append("Danger: 999. Message us any time, day or night.")
    return "\n".join(lines)


def plan_view(plan: Plan) -> dict:
    """What the web widget shows (and prints or copies): plain data, never stored by the widget."""
    return {
        "title": "Your plan",
        "made": _made_on(plan.now),
        "services": [
            {
                "name": match.name,
                "contact": _contact(match),
                "when": _when(match, plan.now),
                "address": match.address if match.address and not match.is_national else None,
            }
            for match in plan.chosen
        ],
        "say": plan.say,
        "lines": [{"name": m.name, "contact": _contact(m), "when": _when(m, plan.now)} for m in plan.lines],
        "footer": f"{DANGER} {OPEN_DOOR}",
        "text": plan_text(plan),
    }
