"""action_note_need: remember what the person needs, for whom, and where, from what they already said."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import age_from_text, latest_entity, latest_text, message_metadata
from actions.directory import DirectoryUnavailable, area_index, directory_session
from knowledge.needs.catalogue import need_for_intent

#: Intents where the person is asking about someone else's drinking or drug use.
_ABOUT_SOMEONE_ELSE = {"worried_about_someone"}
#: Intents that only add a detail (a place, an age) to the need already noted.
_DETAIL_ONLY = {"inform"}


class ActionNoteNeed(Action):
    def name(self) -> Text:
        return "action_note_need"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        intent = (tracker.latest_message.get("intent") or {}).get("name") or ""
        events: List[EventType] = []

        if intent not in _DETAIL_ONLY or tracker.get_slot("need") is None:
            substance = latest_entity(tracker, "substance") or tracker.get_slot("substance")
            need = need_for_intent(intent, substance=substance)
            events.append(SlotSet("need", need.code))
        if intent in _ABOUT_SOMEONE_ELSE or latest_entity(tracker, "relationship"):
            events.append(SlotSet("for_whom", "someone_else"))
        elif intent not in _DETAIL_ONLY and tracker.get_slot("for_whom") is None:
            events.append(SlotSet("for_whom", "self"))

        text = latest_text(tracker)
        if tracker.get_slot("age") is None and intent in {"young_person", "inform"}:
            age = age_from_text(text)
            if age is not None:
                events.append(SlotSet("age", float(age)))

        try:
            area_name = self._area_from_message(tracker, text)
        except DirectoryUnavailable:
            area_name = None  # the search will say it cannot look things up, and give the lines that always work
        if area_name:
            events.append(SlotSet("area", area_name))
            events.append(SlotSet("area_unrecognised", None))
        return events

    @staticmethod
    def _area_from_message(tracker: Tracker, text: str) -> str | None:
        """A place named in this message, or preset by the page that embeds us; the message wins."""
        with directory_session() as session:
            index = area_index(session)
            place = latest_entity(tracker, "place")
            for candidate in (place, text):
                if candidate:
                    area = index.resolve(candidate)
                    if area is not None:
                        return area.name
            if tracker.get_slot("area") is None:
                preset = message_metadata(tracker).get("area")
                if isinstance(preset, str) and preset.strip():
                    area = index.resolve(preset)
                    return area.name if area is not None else preset.strip()[:80]
        return None
