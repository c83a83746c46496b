"""action_emergency: emergency guidance first, whatever else was going on.

The crisis layer (safety/crisis.py, applied by bot/components/crisis.py) marks the message; this action only
speaks. It also ends any question in progress, so the next message is not taken as an answer to it.
"""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.clock import now_for
from actions.conversation import latest_entity, message_metadata
from actions.privacy import add_privacy_notice
from insight.recorder import record_crisis
from safety.crisis import CrisisType
from safety.guidance import emergency_guidance


class ActionEmergency(Action):
    def name(self) -> Text:
        return "action_emergency"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        crisis_type = _crisis_type(latest_entity(tracker, "crisis_type"))
        for text in emergency_guidance(crisis_type):
            dispatcher.utter_message(text=text)
        record_crisis(crisis_type, now_for(message_metadata(tracker)), tracker.get_latest_input_channel())
        # The privacy notice (first time only) comes after the guidance, never before it.
        events: List[EventType] = add_privacy_notice(dispatcher, tracker)
        if tracker.active_loop.get("name"):
            events += [ActiveLoop(None), SlotSet("requested_slot", None)]
        return events


def _crisis_type(value: str | None) -> CrisisType | None:
    try:
        return CrisisType(value) if value else None
    except ValueError:
        return None
