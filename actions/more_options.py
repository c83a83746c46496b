"""action_more_options: the next few options after the first answer, on every channel.

The first answer shows at most three local options and the out-of-hours ones open now; "more options" (a button,
"Reply 1 for More options" by SMS, or the person's own words) runs the same search again from the conversation's
slots and shows the next ones, fresh from the directory. ``more_options_shown`` counts what was already given.
"""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.clock import now_for
from actions.conversation import message_metadata
from actions.directory import DirectoryUnavailable, directory_session
from actions.find_services import MORE_SHOWN_SLOT, SMS_CHANNEL, menu_size, search_from, utter_answer
from replies.services import MORE_OPTIONS_BUTTON, OPEN_DOOR, SMS_TURN_BUDGET, describe_more, describe_unavailable

#: Options shown per "more options".
PAGE = 3


class ActionMoreOptions(Action):
    def name(self) -> Text:
        return "action_more_options"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        shown = int(tracker.get_slot(MORE_SHOWN_SLOT) or 0)
        sms = tracker.get_latest_input_channel() == SMS_CHANNEL
        try:
            with directory_session() as session:
                result = search_from(session, tracker)
                left = len(result.more) - shown - PAGE
                buttons = [MORE_OPTIONS_BUTTON] if left > 0 else []
                budget = SMS_TURN_BUDGET - menu_size(buttons) - 2 if sms else None
                messages = describe_more(result, shown=shown, compact=sms, budget=budget, limit=PAGE)
        except DirectoryUnavailable:
            now = now_for(message_metadata(tracker))
            messages, buttons = describe_unavailable(now), []
        given = max(0, len(messages) - 2) if messages and messages[-1] == OPEN_DOOR else 0
        utter_answer(dispatcher, messages, buttons, None)
        return [SlotSet(MORE_SHOWN_SLOT, shown + given)]
