"""action_opening_hours: is a named service open now, and if not, when does it next open."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.clock import now_for
from actions.conversation import latest_entity, latest_text, message_metadata
from actions.directory import DirectoryUnavailable, directory_session
from actions.privacy import add_privacy_notice
from knowledge.search.finder import find_service_by_name
from replies.services import describe_match, describe_unavailable


class ActionOpeningHours(Action):
    def name(self) -> Text:
        return "action_opening_hours"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        asked_for = latest_entity(tracker, "service_name") or latest_text(tracker)
        now = now_for(message_metadata(tracker))
        try:
            with directory_session() as session:
                matches = find_service_by_name(session, asked_for, now=now, limit=2)
                texts = [describe_match(match, now) for match in matches]
        except DirectoryUnavailable:
            for text in describe_unavailable(now):
                dispatcher.utter_message(text=text)
            return []
        if not texts:
            dispatcher.utter_message(
                text=(
                    "I couldn't find that service in my list. "
                    "You can ask me \"what's open now?\" and I'll show what can help at this hour."
                ),
                buttons=[{"title": "What's open now?", "payload": "/whats_open_now"}],
            )
            return add_privacy_notice(dispatcher, tracker)
        for text in texts:
            dispatcher.utter_message(text=text)
        return [SlotSet("service_name", matches[0].name), *add_privacy_notice(dispatcher, tracker)]
