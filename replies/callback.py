"""The words of a call-back request: the questions, the consent sentence, and every way it can end.

Each answer is short and kind, and says plainly what happens next. Nothing is sent without a "yes" to the consent
sentence, which names the service and everything it will receive.
"""
from __future__ import annotations

from knowledge.hours.engine import describe_status
from knowledge.search.finder import Match
from replies.services import OPEN_DOOR

ASK_SERVICE = "Which service would you like to call you?"
ASK_NAME = "What first name or nickname should they ask for? You can reply 'skip'."
ASK_PHONE = "What number should they call? A UK mobile or landline, like 07700 900123."
ASK_TIME = "When is a good time for them to call? For example 'weekday mornings' or 'after 6pm'."
ASK_MESSAGE_OK = "If you don't answer, may they leave a voicemail or text?"
ASK_AGAIN_YES_NO = "Sorry, I didn't catch that. Please reply yes or no."
BAD_NAME = "Just a first name or nickname is fine, or reply 'skip'."
BAD_PHONE = (
    "That doesn't look like a UK mobile or landline number, so I can't pass it on. "
    "Please check it and send it again, like 07700 900123. Or reply 'cancel' if you'd rather not."
)
BAD_TIME = "When would suit you? A few words is fine, like 'any time' or 'after 6pm'."
UNKNOWN_SERVICE = "Sorry, I didn't catch which one. Please pick one of these:"

NOTHING_YET = (
    "I can ask a service to call you once we've found one that fits. Tell me what you need help with, and where "
    "you are, and I'll look. " + OPEN_DOOR
)
NO_ROUTE = (
    "I'm sorry, none of these services takes call-back requests through me yet. You can get in touch with them "
    "yourself: their details are above, and I can send them to you as a plan to keep. " + OPEN_DOOR
)
REFUSED = (
    "OK, I haven't sent anything, and your number won't be passed on. You can still get in touch with them "
    "yourself whenever you're ready. " + OPEN_DOOR
)


def ask_consent(service: str, name: str | None, phone_ending: str, good_time: str, message_ok: bool) -> str:
    """The consent sentence: the service by name, and all it will receive. Only 'yes' sends it."""
    given = f"the name {name}, " if name else ""
    message = "that they may leave a message" if message_ok else "that they should not leave a message"
    return (
        f"Last step. {service} will get {given}your number ending {phone_ending}, when to call ({good_time}), "
        f"and {message}. Nothing else from this chat is sent. Shall I send it? Please reply yes or no."
    )


def confirmed(
    match: Match | None,
    service: str,
    reference: str,
    phone_ending: str,
    message_ok: bool,
    call_back_within: str | None,
    contact: str | None,
    now,
) -> str:
    """What happens next, and when, after a "yes"."""
    parts = [
        f"Thank you. I'm sending your request to {service} now. Your reference is {reference}.",
        f"They will call you on the number ending {phone_ending}.",
        "They may leave a message if you miss them." if message_ok else "They won't leave a message.",
    ]
    if call_back_within:
        parts.append(f"They aim to call back within {call_back_within}.")
    elif match is not None and match.status.known:
        status = describe_status(match.status, now)
        if match.status.open_now:
            parts.append("They are open now, so they may call soon.")
        else:
            parts.append(status.replace("Closed now. Opens", "They open") + ", so expect a call after that.")
    if contact:
        parts.append(f"If you don't hear from them, you can {contact[0].lower() + contact[1:]} and give your reference.")
    parts.append(OPEN_DOOR)
    return " ".join(parts)


def not_sent(service: str, contact: str | None) -> str:
    """The request could not be written: say so, and give the way to do it yourself."""
    yourself = f" You can {contact[0].lower() + contact[1:]} yourself." if contact else ""
    return (
        f"Sorry, something went wrong and I couldn't send your request to {service}. Nothing has been sent."
        f"{yourself} {OPEN_DOOR}"
    )

CANCELLED = "Your call-back request is cancelled, and nothing was sent."
#: "Forget me" while a worker was sending the request (or after it was sent): it cannot be called back.
ALREADY_ON_ITS_WAY = (
    "I couldn't stop your call-back request: it was already on its way to the service, so they may still call "
    "you. If you'd rather not talk to them, that's fine: you can just tell them when they ring."
)
