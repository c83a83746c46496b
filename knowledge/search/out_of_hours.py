"""Which national lines and local 24-hour services to offer when the person needs help now, and the safety net
of always-open lines used when the directory holds none."""
from __future__ import annotations

from datetime import date
from typing import Sequence

from knowledge.hours.engine import OpeningStatus
from knowledge.needs.catalogue import GENERAL, MENTAL_HEALTH, Fit, Need
from knowledge.search.candidates import Candidate, service_age_limits
from knowledge.search.results import Match
from knowledge.search.snapshot import Contact

#: How many out-of-hours options lead when nothing local is open, and how many are kept "for later" otherwise.
OUT_OF_HOURS_LEAD = 4
FOR_LATER = 2


# --- Out of hours ---------------------------------------------------------------------------------------------


def voice_first(candidate: Candidate) -> int:
    return 0 if any(c.kind == "phone" for c in candidate.contacts) else 1


#: Needs whose national lines are specific enough to offer even when their hours are not known (Childline for a
#: young person, Shelter for somewhere to stay, a family helpline). For drink or drugs in general many lines carry
#: the same tag, and a line of unknown hours at 2am is a poor signpost, so those needs rely on open lines.
_UNKNOWN_HOURS_NEEDS = frozenset(
    {"young_people", "young_family", "housing", "family", "criminal_justice", "peer_support"}
)
#: Needs that crisis lines meet directly (not only as a safety net).
_CRISIS_LINES_FIT = frozenset({"mental_health"})


def out_of_hours_options(
    local: list[Candidate],
    national: list[Candidate],
    needs: Sequence[Need],
    any_local_open: bool,
) -> list[tuple[Candidate, Need | None]]:
    """Out-of-hours options in the order described in the module docstring, one per national organisation."""
    chosen: list[tuple[Candidate, Need | None]] = []
    seen: set[str] = set()

    def take(candidate: Candidate, need: Need | None) -> bool:
        key = candidate.organisation_key if candidate.service.is_national else f"service:{candidate.service.id}"
        if key in seen:
            return False
        seen.add(key)
        chosen.append((candidate, need))
        return True

    crisis = sorted(
        (c for c in national if c.service.is_crisis_line and c.status.open_now and c.verified),
        key=lambda c: (
            0 if service_age_limits(c.service) != (None, None) else 1,  # a line for the person's own age group first
            voice_first(c),
            -max(int(c.fit_for(need)) for need in needs),
            -int(c.fit_for(MENTAL_HEALTH)),
            c.breadth,  # made for this (Samaritans) before a line for everything (NHS 111)
            c.service.name,
        ),
    )
    others = [c for c in national if not c.service.is_crisis_line and c.verified]

    if any_local_open:
        # Something local is open now; keep national options for later, 24-hour ones first.
        for need in needs:
            for c in sorted(
                (c for c in others if c.status.known and c.fit_for(need) >= Fit.TEXT),
                key=lambda c: (-int(c.status.always_open), -int(c.status.open_now), -int(c.fit_for(need)), c.service.name),
            ):
                if take(c, need):
                    break
        always = [c for c in others if c.status.always_open and c.fit_for(GENERAL) > Fit.NONE]
        for c in always + crisis:
            if len(chosen) >= FOR_LATER:
                break
            take(c, None)
        chosen = chosen[:FOR_LATER]
        # Lines made for exactly a specific need (Childline and Nacoa for a young person, Shelter for somewhere to
        # stay) are offered even when their hours are not confirmed.
        for need in needs:
            if need.code in _UNKNOWN_HOURS_NEEDS:
                for c in sorted((c for c in others if not c.status.known and c.fit_for(need) >= Fit.TEXT),
                                key=lambda c: (-int(c.fit_for(need)), voice_first(c), c.service.name)):
                    take(c, need)
        return chosen

    # 1. Local 24/7 services that fit, and local crisis lines, open now.
    for c in local:
        if c.status.open_now and (c.service.is_crisis_line or (c.status.always_open and c.fit > Fit.NONE)):
            take(c, needs[0])
    # 2-3. National lines open now that fit the need, then any drug/alcohol line open now; room is left for a
    # crisis line. For mental health, the crisis lines *are* the lines that fit, so they come first.
    for need in needs:
        if need.code in _CRISIS_LINES_FIT:
            for c in crisis:
                if c.fit_for(need) >= Fit.TEXT and len(chosen) < OUT_OF_HOURS_LEAD - 2:
                    take(c, need)
    def open_lines_for(need: Need) -> None:
        open_lines = [c for c in others if c.status.open_now and c.fit_for(need) >= Fit.TEXT]
        for c in sorted(open_lines, key=lambda c: (-int(c.fit_for(need)), voice_first(c), c.breadth, c.service.name)):
            if len(chosen) >= OUT_OF_HOURS_LEAD - 1:
                break
            take(c, need)

    for need in needs:
        open_lines_for(need)
    # 4. For specific needs, one line that fits but whose hours we do not know (Childline for a 15-year-old comes
    # before drug and alcohol lines in general); room is kept for a crisis line.
    for need in needs:
        if need.code not in _UNKNOWN_HOURS_NEEDS or len(chosen) >= OUT_OF_HOURS_LEAD - 1:
            continue
        unknown = [c for c in others if not c.status.known and c.fit_for(need) >= Fit.TEXT]
        unknown.sort(
            key=lambda c: (-int(c.fit_for(need)), -int(c.fit_for(need, text_only=True)), voice_first(c), c.service.name)
        )
        for c in unknown:
            if take(c, need):
                break
    open_lines_for(GENERAL)
    # 5. The first crisis line as the safety net, then more crisis lines.
    for c in crisis:
        if len(chosen) >= OUT_OF_HOURS_LEAD or take(c, None):
            break
    for c in crisis:
        if len(chosen) >= OUT_OF_HOURS_LEAD:
            break
        take(c, None)
    return chosen


# --- Safety net -------------------------------------------------------------------------------------------------

_ALWAYS_OPEN = OpeningStatus(known=True, open_now=True, always_open=True, closes_at=None, next_opens_at=None)

#: Used only when the directory itself holds no contactable line open now (an empty or broken directory), so
#: the reply is never a dead end. Facts are the VERIFIED rows of research/helplines.md, with their sources.
SAFETY_NET: tuple[Match, ...] = (
    Match(
        service_id="safety-net-samaritans",
        name="Samaritans",
        organisation="Samaritans",
        reasons=("anywhere in England", "open 24 hours"),
        status=_ALWAYS_OPEN,
        contacts=(Contact(kind="phone", value="116 123", label="Free to call, 24 hours a day."),),
        has_verified_contact=True,
        assured_date=date(2026, 11, 24),
        source="samaritans.org 'contact a Samaritan' page (research/helplines.md)",
        is_national=True,
        is_crisis_line=True,
        description="Someone to talk to, any time, if you are struggling or having thoughts of suicide.",
    ),
    Match(
        service_id="safety-net-nhs-111",
        name="NHS 111",
        organisation="NHS",
        reasons=("anywhere in England", "open 24 hours"),
        status=_ALWAYS_OPEN,
        contacts=(Contact(kind="phone", value="111"),),
        has_verified_contact=True,
        assured_date=date(2026, 11, 24),
        source="NHS GP surgery pages citing NHS 111 (research/helplines.md)",
        is_national=True,
        is_crisis_line=True,
        description="Urgent medical advice for anyone, any age, when it is not a 999 emergency.",
    ),
)
