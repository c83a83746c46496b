"""action_opening_hours: "when is X open" -- the weekly hours, open now or not, when it next opens.

Never asks for the person's town: the service is named. The name is matched tolerantly against the directory
itself (knowledge/search/names.py), so a council's own services are known as soon as they are imported. A service
that has closed is named as closed, with what can help instead.
"""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.clock import now_for
from actions.conversation import ANYWHERE, latest_entity, latest_text, message_metadata
from actions.directory import DirectoryUnavailable, area_index, directory_session, snapshot
from actions.privacy import add_privacy_notice
from knowledge.needs.catalogue import GENERAL, NEEDS, normalise_text
from knowledge.search.finder import Person, find_services, services_by_id
from knowledge.search.names import NamedService, find_named_services, query_words
from replies.named_service import ALTERNATIVES_LEAD, NOT_FOUND, describe_closed, describe_hours
from replies.services import describe_match, describe_unavailable

#: Needs checked, most specific first, to find help like a closed service (what it was for).
_SPECIFIC_NEEDS = (
    "harm_reduction", "housing", "young_people", "family", "criminal_justice", "peer_support", "mental_health",
    "cut_down", "alcohol", "drugs",
)
#: At most this many alternatives to a closed service.
ALTERNATIVES = 2


class ActionOpeningHours(Action):
    def name(self) -> Text:
        return "action_opening_hours"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        now = now_for(message_metadata(tracker))
        try:
            with directory_session() as session:
                named = self._asked_for(session, tracker)
                texts = self._answer(session, tracker, named, now)
        except DirectoryUnavailable:
            for text in describe_unavailable(now):
                dispatcher.utter_message(text=text)
            return []
        if not named:
            dispatcher.utter_message(
                text=NOT_FOUND, buttons=[{"title": "What's open now?", "payload": "/whats_open_now"}]
            )
            return add_privacy_notice(dispatcher, tracker)
        for text in texts:
            dispatcher.utter_message(text=text)
        return [SlotSet("service_name", named[0].name), *add_privacy_notice(dispatcher, tracker)]

    @staticmethod
    def _asked_for(session, tracker: Tracker) -> list[NamedService]:
        """The service named in this message; "is it open?" means the one we last talked about."""
        for asked in (latest_entity(tracker, "service_name"), latest_text(tracker)):
            if asked and query_words(asked):
                found = find_named_services(session, asked, limit=2)
                if found:
                    return _best(found)
        previous = tracker.get_slot("service_name")
        if previous and not query_words(latest_text(tracker)):
            return _best(find_named_services(session, previous, limit=1))
        return []

    def _answer(self, session, tracker: Tracker, named: list[NamedService], now) -> list[str]:
        snapshot(session)  # the turn's directory version in memory: the look-ups below read it, not the database
        texts = []
        for service in named:
            if service.is_closed:
                texts.append(describe_closed(service))
                texts.extend(self._alternatives(session, tracker, service, now))
            else:
                matches = services_by_id(session, [service.service_id], now=now)
                contacts = matches[0].contacts if matches and matches[0].has_verified_contact else ()
                texts.append(describe_hours(service, now, contacts))
        return texts

    @staticmethod
    def _alternatives(session, tracker: Tracker, closed: NamedService, now) -> list[str]:
        """Services for what the closed one was for, in the person's area when known."""
        about = normalise_text(f"{closed.name} {closed.description}")
        need = next((NEEDS[code] for code in _SPECIFIC_NEEDS if NEEDS[code].matches(about)), GENERAL)
        area = None
        area_name = tracker.get_slot("area")
        if area_name and area_name != ANYWHERE:
            area = area_index(session).resolve(area_name)
        result = find_services(session, need=need, area=area, now=now, person=Person())
        # Local help like it first (that is what the closed service was), then what is open now.
        offered = [
            m for m in dict.fromkeys((*result.local, *result.first, *result.out_of_hours))
            if m.service_id != closed.service_id and m.has_verified_contact
        ]
        if not offered:
            return []
        return [ALTERNATIVES_LEAD, *(describe_match(match, now) for match in offered[:ALTERNATIVES])]


def _best(found: list[NamedService]) -> list[NamedService]:
    """The best match, and the second too when it scores the same (the name fits both: say both)."""
    return [s for s in found if s.score >= found[0].score - 1e-9][:2]
