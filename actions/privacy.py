"""What we keep, and forgetting it: the privacy notice and action_forget_me.

The notice says, once per conversation and after the first real answer (never before emergency guidance), what
is kept, for how long, who can read it, and how to delete it now. It is honest that the team running the service
can read conversations: "we never share it" alone would hide that. The retention period in it is the one the
tracker store applies (SIGNPOST_RETENTION_HOURS, bot/settings.py), so the words and the behaviour cannot drift.

action_forget_me only speaks and ends any question in progress: the erasure itself is done by the tracker store
(bot/tracker_store.py) when it sees that this turn ran action_forget_me, so nothing of the conversation, this
turn included, is saved.
"""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot import settings
from replies.callback import ALREADY_ON_ITS_WAY as CALLBACK_ON_ITS_WAY
from replies.callback import CANCELLED as CALLBACK_CANCELLED
from replies.privacy import FORGOTTEN
from replies.services import OPEN_DOOR

NOTICE_SLOT = "privacy_notice_shown"



def retention_phrase(hours: float) -> str:
    """'24 hours', '3 days', '1 hour', '30 minutes': how long we keep a chat, in plain words."""
    if hours < 1:
        minutes = max(1, round(hours * 60))
        return f"{minutes} minute" + ("" if minutes == 1 else "s")
    if hours >= 48 and hours % 24 == 0:
        return f"{int(hours // 24)} days"
    whole = round(hours)
    return f"{whole} hour" + ("" if whole == 1 else "s")


def privacy_notice(hours: float | None = None) -> str:
    """The notice text for a retention period (default: the configured one)."""
    period = retention_phrase(settings.retention_hours() if hours is None else hours)
    return (
        f"About this chat: we keep what you write for {period}, then delete it. "
        "The council team that runs this service can read it. We don't pass it on. "
        "To delete it now, just say \"forget me\". " + OPEN_DOOR
    )


def notice_is_due(tracker: Tracker) -> bool:
    """Whether this conversation has not had the notice yet."""
    return not tracker.get_slot(NOTICE_SLOT)


def add_privacy_notice(
    dispatcher: CollectingDispatcher, tracker: Tracker, *, always: bool = False
) -> List[EventType]:
    """Sends the notice unless this conversation has had it (or ``always``); call it after the answer."""
    if not notice_is_due(tracker) and not always:
        return []
    dispatcher.utter_message(text=privacy_notice())
    return [SlotSet(NOTICE_SLOT, True)]


class ActionPrivacyNotice(Action):
    """The notice after a response that is not a custom action (the greeting), once per conversation."""

    def name(self) -> Text:
        return "action_privacy_notice"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        return add_privacy_notice(dispatcher, tracker)


class ActionForgetMe(Action):
    def name(self) -> Text:
        return "action_forget_me"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        from actions.callback import cancel_pending  # a call-back not yet delivered is cancelled too

        callbacks = cancel_pending(tracker.sender_id)
        if callbacks.cancelled:
            dispatcher.utter_message(text=CALLBACK_CANCELLED)
        if callbacks.already_on_its_way:  # being sent as the person asked: say so, never "nothing was sent"
            dispatcher.utter_message(text=CALLBACK_ON_ITS_WAY)
        dispatcher.utter_message(text=FORGOTTEN)
        if tracker.active_loop.get("name"):
            return [ActiveLoop(None), SlotSet("requested_slot", None)]
        return []
