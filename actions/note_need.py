"""action_note_need: remember what the person needs, for whom, and where, from what they already said.

It also adds the one short Samaritans/Shout line when the message shows distress without danger to life.
"""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import latest_entity, latest_text, message_metadata
from actions.directory import DirectoryUnavailable, area_index, directory_session
from actions.open_now import asks_open_now, need_intent_in
from actions.people import WhoIsWriting, read_message
from knowledge.needs.catalogue import need_for_intent, need_for_substance
from safety.distress import SUPPORT_LINE, is_distress

#: Intents where the person is asking about someone else's drinking or drug use.
_ABOUT_SOMEONE_ELSE = {"worried_about_someone"}
#: Intents about support for the family member themselves.
_FAMILY = {"family_support"}
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

        text = latest_text(tracker)
        said = read_message(text)
        whose_use = said.whose_use or self._whose_use_by_intent(tracker, intent)
        wants_open_now = intent == "whats_open_now" or asks_open_now(text)

        if intent not in _DETAIL_ONLY or tracker.get_slot("need") is None:
            substance = latest_entity(tracker, "substance") or tracker.get_slot("substance")
            if intent == "whats_open_now":
                intent = need_intent_in(text) or intent  # "what's open tonight for needles": needles, open now
            need = need_for_intent(intent, substance=substance)
            if said.whose_use == "self" and intent in _ABOUT_SOMEONE_ELSE | _FAMILY:
                need = need_for_substance(substance or text)  # "since my wife died i drink": their own drinking
            events.append(SlotSet("need", need.code))
        if whose_use is not None:
            events.append(SlotSet("for_whom", whose_use))
        elif intent not in _DETAIL_ONLY and tracker.get_slot("for_whom") is None:
            events.append(SlotSet("for_whom", "self"))
        events += self._people(tracker, said, whose_use)
        if wants_open_now:
            events.append(SlotSet("wants_open_now", True))

        if is_distress(text):
            # "i cant cope anymore" without danger to life: their need is answered as usual, with one line offering
            # someone to talk to now. Danger to life never reaches this action (the emergency rule answers it).
            dispatcher.utter_message(text=SUPPORT_LINE)

        try:
            area_name = self._area_from_message(tracker, text)
        except DirectoryUnavailable:
            area_name = None  # the search will say it cannot look things up, and give the lines that always work
        if area_name:
            events.append(SlotSet("area", area_name))
            events.append(SlotSet("area_unrecognised", None))
        return events

    @staticmethod
    def _whose_use_by_intent(tracker: Tracker, intent: str) -> str | None:
        if intent in _ABOUT_SOMEONE_ELSE or latest_entity(tracker, "relationship"):
            return "someone_else"
        return None

    @staticmethod
    def _people(tracker: Tracker, said: WhoIsWriting, whose_use: str | None) -> List[EventType]:
        """The writer's age, the age of the person who needs help, and whose use it is (relationship)."""
        events: List[EventType] = []
        if said.writer_age is not None:
            events.append(SlotSet("writer_age", float(said.writer_age)))
        for_whom = whose_use or tracker.get_slot("for_whom") or "self"
        age_of_person = said.writer_age if for_whom == "self" else said.other_age
        if age_of_person is not None:
            events.append(SlotSet("age", float(age_of_person)))
        if said.subject_relationship:
            events.append(SlotSet("relationship", said.subject_relationship))
        elif whose_use == "self":
            events.append(SlotSet("relationship", None))  # a wife who died is not the one drinking
        if said.groups:
            known = list(tracker.get_slot("groups") or [])
            events.append(SlotSet("groups", known + [g for g in said.groups if g not in known]))
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
