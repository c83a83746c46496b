"""action_find_services: what can help with this need, here, and what is open now."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.clock import now_for
from actions.conversation import ANYWHERE, known_age, message_metadata
from actions.directory import DirectoryUnavailable, area_index, directory_session
from actions.plan import plan_offer, utter_with_offer
from actions.privacy import add_privacy_notice, notice_is_due
from insight.recorder import record_answer
from knowledge.needs.catalogue import need_by_code
from knowledge.places.areas import Area
from knowledge.search.finder import Person, find_services
from replies.services import OPEN_DOOR, describe_result, describe_unavailable


class ActionFindServices(Action):
    def name(self) -> Text:
        return "action_find_services"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        need = need_by_code(tracker.get_slot("need") or "general")
        person = Person(
            age=known_age(tracker),
            for_whom=tracker.get_slot("for_whom") or "self",
            relationship=tracker.get_slot("relationship"),
            substance=tracker.get_slot("substance"),
        )
        now = now_for(message_metadata(tracker))
        offer, plan_events = None, []
        try:
            with directory_session() as session:
                area = self._area(session, tracker)
                result = find_services(
                    session, need=need, area=area, now=now, person=person, area_index=area_index(session)
                )
                messages = describe_result(result)
                offer, plan_events = plan_offer(session, result)  # "send me this as a plan"; ids kept
            record_answer(result, tracker.get_latest_input_channel())  # anonymous counts; never delays the reply
        except DirectoryUnavailable:
            messages = describe_unavailable(now)
            offer, plan_events = None, []
        if notice_is_due(tracker) and messages[-1] == OPEN_DOOR:
            messages = messages[:-1]  # the notice comes last and carries the open door itself
        utter_with_offer(dispatcher, messages, offer)
        return plan_events + add_privacy_notice(dispatcher, tracker)

    @staticmethod
    def _area(session, tracker: Tracker) -> Area | None:
        """The area to search: the one we know, an unplaced answer (so the reply can say so), or none."""
        name = tracker.get_slot("area")
        if name and name != ANYWHERE:
            area = area_index(session).resolve(name)
            if area is not None:
                return area
            return Area(name=name, kind="unknown", postcode_district=None, containing=())
        unplaced = tracker.get_slot("area_unrecognised")
        if unplaced:
            return Area(name=unplaced, kind="unknown", postcode_district=None, containing=())
        return None
