"""A plan to keep: the offer after a search answer, and action_send_plan.

The search answer (actions/find_services.py) calls ``plan_offer`` once it has its result: the offer is one short
message with buttons, and the conversation keeps the services' ids in the ``plan_ids`` slot (ids only; every fact
is read fresh when the plan is written). action_send_plan writes the plan for the medium: a compact SMS, one
Telegram message, or, on the web widget, a view that the widget shows only after a warning that others using the
device could see it, and that it never stores.
"""
from __future__ import annotations

import logging
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.clock import now_for
from actions.conversation import message_metadata
from actions.directory import DirectoryUnavailable, directory_session
from knowledge.needs.catalogue import need_by_code
from knowledge.search.finder import SearchResult, services_by_id
from replies.plan import (
    CALLBACK_BUTTON,
    NOTHING_TO_PLAN,
    OFFER,
    OFFER_BUTTON,
    WEB_INTRO,
    Plan,
    build_plan,
    plan_ids,
    plan_sms,
    plan_text,
    plan_view,
    what_to_say,
)

logger = logging.getLogger(__name__)

PLAN_SLOT = "plan_ids"
#: The key of the widget's custom payload (channels/web/widget.js renders it).
WIDGET_PAYLOAD_KEY = "signpost_plan"


def plan_offer(session, result: SearchResult) -> tuple[Dict[Text, Any] | None, List[EventType]]:
    """After a search answer: the offer message (text and buttons, or None) and the events keeping the plan's ids.

    The caller sends the message after the answer's services; a call-back button is added where one of the
    services takes call-back requests (actions/callback.py).
    """
    ids = plan_ids(result)
    if not ids:
        return None, [SlotSet(PLAN_SLOT, None)]
    buttons = [OFFER_BUTTON]
    from actions.callback import routed_services  # the call-back module reads the council's routes

    if routed_services(session, ids, now=result.now):
        buttons.append(CALLBACK_BUTTON)
    return {"text": OFFER, "buttons": buttons}, [SlotSet(PLAN_SLOT, ids)]


def plan_for(tracker: Tracker, session, now) -> Plan:
    ids = tracker.get_slot(PLAN_SLOT) or []
    need_code = tracker.get_slot("need")
    say = what_to_say(
        need_by_code(need_code) if need_code else None,
        tracker.get_slot("for_whom") or "self",
        tracker.get_slot("relationship"),
    )
    return build_plan(services_by_id(session, ids, now=now), now, say)


class ActionSendPlan(Action):
    def name(self) -> Text:
        return "action_send_plan"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        if not tracker.get_slot(PLAN_SLOT):
            dispatcher.utter_message(text=NOTHING_TO_PLAN)
            return []
        now = now_for(message_metadata(tracker))
        try:
            with directory_session() as session:
                plan = plan_for(tracker, session, now)
        except DirectoryUnavailable:
            plan = None
        if plan is None or plan.empty:
            dispatcher.utter_message(text=NOTHING_TO_PLAN)
            return []
        channel = tracker.get_latest_input_channel()
        if channel == "sms":
            dispatcher.utter_message(text=plan_sms(plan))
        elif channel == "rest":
            # The widget shows the plan only after its shared-device warning, and never stores it.
            dispatcher.utter_message(text=WEB_INTRO, json_message={WIDGET_PAYLOAD_KEY: plan_view(plan)})
        else:
            dispatcher.utter_message(text=plan_text(plan))
        return []
