"""action_find_services: what can help with this need, here, and what is open now."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.clock import now_for
from actions.conversation import ANYWHERE, known_age, known_writer_age, message_metadata
from actions.directory import DirectoryUnavailable, area_index, directory_session
from actions.plan import plan_offer
from actions.privacy import add_privacy_notice, notice_is_due, privacy_notice
from insight.recorder import record_answer
from knowledge.needs.catalogue import need_by_code
from knowledge.places.areas import Area
from knowledge.search.finder import Person, SearchResult, find_services
from replies.services import (
    MORE_OPTIONS_BUTTON,
    OPEN_DOOR,
    SMS_TURN_BUDGET,
    describe_result,
    describe_unavailable,
)

#: How many of the search's further options ("more options") this conversation has seen since the first answer.
MORE_SHOWN_SLOT = "more_options_shown"

#: The channel name of the SMS connector (channels/sms.py): replies there are compact and kept to three segments.
SMS_CHANNEL = "sms"


def person_from(tracker: Tracker) -> Person:
    """Who the help is for, from the slots the dialogue filled (the NLU and action_note_need fill them)."""
    writer_age = known_writer_age(tracker)
    for_whom = tracker.get_slot("for_whom") or "self"
    return Person(
        age=known_age(tracker),
        for_whom=for_whom,
        relationship=tracker.get_slot("relationship"),
        substance=tracker.get_slot("substance"),
        writer_age=writer_age if for_whom == "someone_else" else None,
        wants_open_now=bool(tracker.get_slot("wants_open_now")),
        groups=tuple(tracker.get_slot("groups") or ()),
    )


def search_from(session, tracker: Tracker) -> SearchResult:
    """The search this conversation asks for: its need, area, person and clock."""
    need = need_by_code(tracker.get_slot("need") or "general")
    now = now_for(message_metadata(tracker))
    return find_services(
        session, need=need, area=area_from(session, tracker), now=now, person=person_from(tracker),
        area_index=area_index(session),
    )


def area_from(session, tracker: Tracker) -> Area | None:
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


def menu_size(buttons: List[Dict[str, Any]]) -> int:
    """Characters the SMS channel adds for buttons ("Reply 1 for More options", one line each)."""
    return sum(len(f"Reply {n} for {b['title']}") + 1 for n, b in enumerate(buttons, 1))


def sms_budget(buttons: List[Dict[str, Any]], offer_text: str | None, notice_due: bool) -> int:
    """What is left of three GSM-7 segments for the answer once the menu, offer and privacy notice are counted."""
    fixed = menu_size(buttons) + 2
    if offer_text:
        fixed += len(offer_text) + 2
    if notice_due:
        fixed += len(privacy_notice()) + 2
    return SMS_TURN_BUDGET - fixed


def utter_answer(
    dispatcher: CollectingDispatcher, messages: List[str], buttons: List[Dict[str, Any]], offer_text: str | None
) -> None:
    """The answer's messages, then the choices (more options, a plan, ...) before a closing open door, so the
    conversation still ends on "You can message any time"."""
    closing = messages[-1:] if messages and messages[-1] == OPEN_DOOR else []
    body = messages[: len(messages) - len(closing)]
    if buttons and not offer_text and body:
        body, last = body[:-1], body[-1]
        for text in body:
            dispatcher.utter_message(text=text)
        dispatcher.utter_message(text=last, buttons=buttons)
    else:
        for text in body:
            dispatcher.utter_message(text=text)
        if buttons:
            dispatcher.utter_message(text=offer_text, buttons=buttons)
    for text in closing:
        dispatcher.utter_message(text=text)


class ActionFindServices(Action):
    def name(self) -> Text:
        return "action_find_services"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        now = now_for(message_metadata(tracker))
        sms = tracker.get_latest_input_channel() == SMS_CHANNEL
        notice_due = notice_is_due(tracker)
        offer, plan_events, buttons, offer_text = None, [], [], None
        try:
            with directory_session() as session:
                result = search_from(session, tracker)
                offer, plan_events = plan_offer(session, result)  # "send me this as a plan"; ids kept
                buttons = ([MORE_OPTIONS_BUTTON] if result.more else []) + list((offer or {}).get("buttons") or [])
                # By SMS the buttons' numbered menu says it all; the offer's question would cost a segment.
                offer_text = None if sms else (offer or {}).get("text")
                budget = sms_budget(buttons, offer_text, notice_due) if sms else None
                messages = describe_result(result, compact=sms, budget=budget, open_door=not notice_due)
            record_answer(result, tracker.get_latest_input_channel())  # anonymous counts; never delays the reply
        except DirectoryUnavailable:
            messages = describe_unavailable(now)
            plan_events, buttons, offer_text = [], [], None
            if notice_due and messages[-1] == OPEN_DOOR:
                messages = messages[:-1]  # the notice comes last and carries the open door itself
        utter_answer(dispatcher, messages, buttons, offer_text)
        return plan_events + [SlotSet(MORE_SHOWN_SLOT, 0)] + add_privacy_notice(dispatcher, tracker)
