"""One anonymous signpost event: the coarse facts of one answer, and nothing that points to a person.

What it holds, and why no more:

- the *day and hour* (Europe/London), never minutes: enough for demand by hour of week;
- the *need* (a fixed code), the *council area* (an ONS code, never what was typed), the *channel*;
- whether the ask was for the person themself or someone else, and an *age band* when an age was said;
- how many local services fitted and how many of those were open (capped at :data:`MAX_COUNTED`), and whether
  out-of-hours lines were all we could offer;
- for emergencies, only the *crisis type*.

No message text, no sender, no conversation id, no timestamp finer than the hour.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from insight.areas import area_code
from knowledge.hours.engine import LONDON
from knowledge.places.areas import Area

ASK = "ask"
CRISIS = "crisis"

#: Counts of local services are capped: "4" means "4 or more" (the search shows at most four).
MAX_COUNTED = 4

#: Rasa's input channel names -> what a report calls them. The web widget speaks through the REST channel.
CHANNELS = {"rest": "web", "widget": "web", "sms": "sms", "telegram": "telegram"}
CHANNEL_ORDER = ("web", "sms", "telegram", "other")

#: Age bands (upper bound inclusive) for the age of the person the help is for, when an age was said.
AGE_BANDS = ((17, "under 18"), (24, "18 to 24"), (49, "25 to 49"), (64, "50 to 64"), (200, "65 and over"))
AGE_UNKNOWN = "not said"


@dataclass(frozen=True)
class SignpostEvent:
    kind: str
    day: date
    hour: int
    channel: str
    need: str | None = None
    area_code: str | None = None
    for_whom: str | None = None
    age_band: str | None = None
    local_fitted: int | None = None
    local_open: int | None = None
    out_of_hours_only: bool | None = None
    crisis_type: str | None = None

    @property
    def hour_of_week(self) -> int:
        """0 = Monday 00:00–00:59 … 167 = Sunday 23:00–23:59."""
        return self.day.weekday() * 24 + self.hour


def channel_name(input_channel: str | None) -> str:
    return CHANNELS.get((input_channel or "").strip().lower(), "other")


def age_band(age: int | None) -> str:
    if age is None:
        return AGE_UNKNOWN
    for upper, label in AGE_BANDS:
        if age <= upper:
            return label
    return AGE_UNKNOWN


def _local_hour(now: datetime) -> tuple[date, int]:
    local = now.astimezone(LONDON) if now.tzinfo else now.replace(tzinfo=LONDON)
    return local.date(), local.hour


def ask_event(
    *,
    need: str,
    area: Area | None,
    now: datetime,
    input_channel: str | None,
    for_whom: str | None,
    age: int | None,
    local_fitted: int,
    local_open: int,
    any_local_open: bool | None = None,
) -> SignpostEvent:
    """The event for one answer to "what can help?"."""
    day, hour = _local_hour(now)
    fitted = min(max(local_fitted, 0), MAX_COUNTED)
    return SignpostEvent(
        kind=ASK,
        day=day,
        hour=hour,
        channel=channel_name(input_channel),
        need=need,
        area_code=area_code(area),
        for_whom="someone_else" if for_whom == "someone_else" else "self",
        age_band=age_band(age),
        local_fitted=fitted,
        local_open=min(max(local_open, 0), fitted),
        out_of_hours_only=not (local_open > 0 if any_local_open is None else any_local_open),
    )


def event_from_search(result, input_channel: str | None) -> SignpostEvent:
    """The event for a :class:`knowledge.search.finder.SearchResult`: every local service that could be offered and
    how many were open, not only the few shown (a fifth option open at 2am is still something open)."""
    return ask_event(
        need=result.need.code,
        area=result.area,
        now=result.now,
        input_channel=input_channel,
        for_whom=result.person.for_whom,
        age=result.person.age,
        local_fitted=result.local_count,
        local_open=result.local_open_count,
        any_local_open=result.any_local_open,
    )


def crisis_event(crisis_type: str | None, now: datetime, input_channel: str | None) -> SignpostEvent:
    """The event for emergency guidance: its type and hour only, to count crises."""
    day, hour = _local_hour(now)
    return SignpostEvent(
        kind=CRISIS, day=day, hour=hour, channel=channel_name(input_channel),
        crisis_type=crisis_type or "unspecified",
    )
