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

OPEN_DOOR = "I'm here if you want to talk about what else might help. You can message any time."

_SAMARITANS = "Samaritans are there for you any time, day or night. Call free on 116 123."
_SHOUT = "If talking is hard, you can text SHOUT to 85258. It's free, day or night."
_NHS_111_MENTAL_HEALTH = (
    "For urgent mental health help, call NHS 111 and choose the mental health option."
)

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
        "Stay with them and keep checking their breathing. If it stops, tell 999 straight away. "
        "They will talk you through what to do.",
    ),
    CrisisType.OVERDOSE: (
        "Call 999 now.",
        "Tell them what was taken, how much and when, if you know. Nobody is in trouble for "
        "calling. They just need to know to help.",
        "If it might be heroin or other opioids and you have naloxone, use it now.",
        "Don't leave them alone. If they are breathing but drowsy, put them on their side in "
        "the recovery position and keep checking their breathing.",
    ),
    CrisisType.POISONING: (
        "Call 999 now.",
        "Tell them what was swallowed, how much and when. Keep the bottle or packet to show "
        "the ambulance crew.",
        "Don't try to make them sick. If they are breathing but drowsy, put them on their "
        "side in the recovery position and stay with them.",
    ),
    CrisisType.SEIZURE: (
        "Call 999 now.",
        "Move things away that could hurt them. Put something soft under their head if you can.",
        "Don't hold them down and don't put anything in their mouth.",
        "When the shaking stops, roll them on their side and stay with them. Seizures when "
        "someone stops drinking can be very serious, so let 999 know about any drinking.",
    ),
    CrisisType.WITHDRAWAL: (
        "Call 999 now.",
        "Stopping drink or tablets like diazepam suddenly can cause fits and severe confusion. "
        "This needs a doctor straight away.",
        "Tell them when the drinking or tablets stopped and what is happening now.",
        "Don't stay alone. Ask someone to be with you, or stay with them, until help arrives.",
    ),
    CrisisType.SUICIDAL: (
        "If you might act on these thoughts, call 999 now.",
        "I'm really glad you told me. You don't have to go through this on your own.",
        _SAMARITANS,
        _SHOUT,
        _NHS_111_MENTAL_HEALTH,
    ),
    CrisisType.SELF_HARM: (
        "If you or someone else is badly hurt or bleeding a lot, call 999 now.",
        "Thank you for telling me. You don't have to go through this on your own.",
        _SAMARITANS,
        _SHOUT,
        "If you need someone to look at an injury or want help today, call NHS 111. They "
        "also have a mental health option.",
    ),
    CrisisType.VIOLENCE: (
        "Call 999 now if you or anyone else is in danger.",
        "If you can, get somewhere safe, like a room you can lock or a neighbour's home.",
        "If you can't talk on the phone, call 999 anyway and listen to the call handler.",
    ),
    CrisisType.CHILD_AT_RISK: (
        "Call 999 now. You are doing the right thing.",
        "Tell them where you are and that the grown-up won't wake up or isn't well.",
        "Stay with them if it's safe. The person on the phone will help you and tell you "
        "what to do.",
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
