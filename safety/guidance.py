"""Emergency guidance for each kind of crisis, as short separate messages.

Why separate messages: each item goes out as its own chat bubble or SMS, so the first one a
frightened person sees is the action ("Call 999 now."). Each stays under `MAX_MESSAGE_CHARS`
so it fits a short SMS run and is easy to read on a small screen.

Only contacts verified in /work/shared/research/helplines.md appear here: 999 (emergency
services), NHS 111, Samaritans 116 123 and Shout (text SHOUT to 85258). The wording follows
NHS first-aid basics (call 999, recovery position, do not restrain a seizure) without
clinical detail the call handler will give anyway.
"""

from __future__ import annotations

from safety.crisis import CrisisType

MAX_MESSAGE_CHARS = 300

#: Short on purpose: by SMS the whole reply after the 999 line must fit two segments (306 characters), so that an
#: emergency costs at most three texts (tests/replies/test_reply_size.py).
OPEN_DOOR = "I'm here any time you want to talk."

_SAMARITANS = "Samaritans: call free on 116 123, any time, day or night."
_SHOUT = "If talking is hard, text SHOUT to 85258. It's free, day or night."

_GUIDANCE: dict[CrisisType, tuple[str, ...]] = {
    CrisisType.NOT_BREATHING: (
        "Call 999 now.",
        "Say they are not breathing. The call handler will talk you through CPR step by step.",
        "Put the phone on speaker so your hands are free. Stay with them until help arrives.",
    ),
    CrisisType.UNCONSCIOUS: (
        "Call 999 now.",
        "If they are breathing, roll them on their side in the recovery position so they "
        "can't choke. Tilt their head back a little to keep the airway open.",
        "Stay with them and keep checking their breathing. If it stops, tell 999 straight away.",
    ),
    CrisisType.OVERDOSE: (
        "Call 999 now.",
        "Tell them what was taken, how much and when. Nobody gets in trouble for calling.",
        "If it might be heroin or other opioids and you have naloxone, use it now.",
        "Don't leave them. If they are breathing but drowsy, put them on their side and keep "
        "checking their breathing.",
    ),
    CrisisType.POISONING: (
        "Call 999 now.",
        "Tell them what was swallowed, how much and when. Keep the bottle or packet for the "
        "ambulance crew.",
        "Don't try to make them sick. If they are breathing but drowsy, put them on their "
        "side in the recovery position and stay with them.",
    ),
    CrisisType.SEIZURE: (
        "Call 999 now.",
        "Move things away that could hurt them. Put something soft under their head.",
        "Don't hold them down or put anything in their mouth.",
        "When the shaking stops, roll them on their side and stay with them. Tell 999 about any "
        "drinking: seizures after stopping can be serious.",
    ),
    CrisisType.WITHDRAWAL: (
        "Call 999 now.",
        "Stopping drink or tablets like diazepam suddenly can cause fits and severe confusion. "
        "It needs a doctor now.",
        "Tell them when the drinking or tablets stopped and what is happening.",
        "Don't be alone: ask someone to stay with you, or stay with them, until help arrives.",
    ),
    CrisisType.SUICIDAL: (
        "If you might act on these thoughts, call 999 now.",
        "I'm really glad you told me. You don't have to go through this alone.",
        _SAMARITANS,
        _SHOUT,
        "Or call NHS 111 and choose the mental health option.",
    ),
    CrisisType.SELF_HARM: (
        "If you or someone else is badly hurt or bleeding a lot, call 999 now.",
        "Thanks for telling me. You don't have to go through this alone.",
        _SAMARITANS,
        _SHOUT,
        "For an injury or help today, call NHS 111. It has a mental health option too.",
    ),
    CrisisType.VIOLENCE: (
        "Call 999 now if you or anyone else is in danger.",
        "If you can, get somewhere safe, like a room you can lock or a neighbour's home.",
        "If you can't talk on the phone, call 999 anyway and listen to the call handler.",
    ),
    CrisisType.CHILD_AT_RISK: (
        "Call 999 now. You are doing the right thing.",
        "Tell them where you are and that the grown-up won't wake up or isn't well.",
        "Stay with them if it's safe. The person on the phone will help you.",
        "If there's a neighbour or another grown-up you trust nearby, ask them to come.",
    ),
}


def emergency_guidance(crisis_type: CrisisType | str | None) -> list[str]:
    """Emergency messages for `crisis_type`, action first, ending with an open door.

    Accepts the enum or its string value, since the value arrives from a Rasa entity. None
    (the model predicted `emergency` but no rule named a type) or an unknown value still gets
    the general emergency message rather than nothing.
    """
    try:
        resolved = CrisisType(crisis_type)
    except ValueError:
        return [
            "If someone's life is in danger, call 999 now.",
            "Stay with them if it's safe and do what the call handler tells you.",
            OPEN_DOOR,
        ]
    return [*_GUIDANCE[resolved], OPEN_DOOR]
