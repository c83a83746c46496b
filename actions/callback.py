"""A call-back that is never lost: action_callback_start, callback_form's validation, and action_callback_submit.

Only services the council has given a referral route (referrals/routes.py) can be asked to call back. The form
asks only what the service needs: a first name or nickname (optional), a UK number (checked with the directory's
number rules), a good time, whether a message may be left, and a yes to one consent sentence naming the service
and all it will receive. "stop" at any question ends it with nothing sent. The request is written, encrypted, to
the outbox (referrals/store.py) and committed before the person is told it is on its way; a worker delivers it.

Emergencies and "forget me" are never taken as answers: the slot mappings leave them out, and the rules in
data/rules/callback.yml end the form with the emergency guidance or the erasure.
"""
from __future__ import annotations

import logging
import os
import re
import secrets
import threading
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.exc import SQLAlchemyError

from actions.clock import now_for
from actions.conversation import message_metadata
from actions.directory import DirectoryUnavailable, directory_session
from knowledge.search.finder import Match, services_by_id
from knowledge.store.models import Service
from referrals.phone import callback_number, ending
from referrals.request import CallbackRequest
from referrals.routes import Route, current_routes
from referrals.sealing import SealError
from referrals.settings import OUTBOX_KEY_ENV, NotConfigured
from referrals.store import Cancelled, Outbox
from replies import callback as words
from replies.plan import OFFER_BUTTON

logger = logging.getLogger(__name__)

FORM = "callback_form"
SERVICE, NAME, PHONE, TIME, MESSAGE_OK, CONSENT = (
    "callback_service", "callback_name", "callback_phone", "callback_time", "callback_message_ok", "callback_consent",
)
FORM_SLOTS = [SERVICE, NAME, PHONE, TIME, MESSAGE_OK, CONSENT]
#: A random token given to each call-back form when it starts (no personal data). With the conversation it is the
#: request's idempotency key, so the same "yes" run twice (a retried message, an expired lock) is one request.
TOKEN = "callback_token"
#: A slot answered with "not given" (an empty value would count as unanswered).
NOT_GIVEN = "-"

_YES = {"yes", "y", "yeah", "yea", "yep", "yup", "ye", "ok", "okay", "sure", "please", "yes please", "go ahead",
        "send it", "fine", "thats fine", "that's fine", "of course", "aye", "yess", "yes send it"}
_NO = {"no", "n", "nope", "nah", "no thanks", "no thank you", "dont", "don't", "do not", "rather not", "no dont",
       "no don't", "na"}
_STOP = {"stop", "cancel", "never mind", "nevermind", "forget it", "dont send", "don't send", "quit", "exit",
         "i changed my mind", "changed my mind", "not now"}
_SKIP = {"skip", "no name", "rather not say", "id rather not say", "i'd rather not say", "prefer not to say", "none",
         "no", "pass", "-"}
_NAME = re.compile(r"^[^\W\d_][^\W\d_ '\-]*(?:[ '\-][^\W\d_]+){0,2}$")


def _plain(text: Any) -> str:
    return re.sub(r"[^\w' ]", " ", str(text or "").lower()).strip().replace("  ", " ")


def yes_or_no(text: Any) -> Optional[bool]:
    plain = " ".join(_plain(text).split())
    if plain in _YES:
        return True
    if plain in _NO:
        return False
    return None


def wants_to_stop(text: Any) -> bool:
    return " ".join(_plain(text).split()) in _STOP


# ---- routes ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Routed:
    match: Match
    route: Route
    directory_email: str | None


def routed_services(session, ids: List[str], *, now) -> List[Routed]:
    """The services among ``ids`` (in order) that take call-back requests, with their route."""
    routes = current_routes()
    if not routes.by_service and not routes.directory_referral_emails:
        return []
    if not os.environ.get(OUTBOX_KEY_ENV, "").strip():
        return []  # no outbox key: a request could not be kept safely, so none is offered
    found: List[Routed] = []
    for match in services_by_id(session, ids, now=now):
        service = session.get(Service, match.service_id)
        route = routes.route_for(
            match.service_id, service_email=service.email, application_process=service.application_process
        )
        if route is not None:
            from_directory = None if match.service_id in routes.by_service else route.target
            found.append(Routed(match, route, from_directory))
    return found


def _routed_now(tracker: Tracker) -> List[Routed]:
    ids = tracker.get_slot("plan_ids") or []
    if not ids:
        return []
    try:
        with directory_session() as session:
            return routed_services(session, ids, now=now_for(message_metadata(tracker)))
    except DirectoryUnavailable:
        return []


def _contact(match: Match | None) -> str | None:
    if match is None or not match.has_verified_contact:
        return None
    for contact in match.contacts:
        if contact.kind == "phone":
            return f"Call {contact.value}"
    return None


# ---- outbox ----------------------------------------------------------------------------------------------------

_outbox_lock = threading.Lock()
_outbox: Outbox | None = None


def outbox() -> Outbox:
    global _outbox
    with _outbox_lock:
        if _outbox is None:
            _outbox = Outbox.from_environment()
        return _outbox


def cancel_pending(sender_id: str) -> Cancelled:
    """"Forget me": cancels this conversation's undelivered requests, and says which were already on their way
    (being sent, or sent). Never raises (the erasure goes on)."""
    try:
        return outbox().cancel_conversation(sender_id)
    except NotConfigured:
        return Cancelled()  # call-backs are not switched on here: nothing can be waiting
    except SQLAlchemyError as error:
        logger.warning("Could not check the outbox for requests to cancel (%s).", type(error).__name__)
        return Cancelled()


# ---- the actions -----------------------------------------------------------------------------------------------


class ActionCallbackStart(Action):
    """Clears any earlier request, gives this one a new token, and presets the service when there is one choice
    (or none at all)."""

    def name(self) -> Text:
        return "action_callback_start"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        events: List[EventType] = [SlotSet(slot, None) for slot in FORM_SLOTS]
        events.append(SlotSet(TOKEN, secrets.token_urlsafe(16)))
        routed = _routed_now(tracker)
        if not routed:
            events.append(SlotSet(SERVICE, NOT_GIVEN))
        elif len(routed) == 1:
            events.append(SlotSet(SERVICE, routed[0].match.service_id))
        return events


class ActionAskCallbackService(Action):
    def name(self) -> Text:
        return "action_ask_callback_service"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        buttons = [{"title": r.match.name, "payload": r.match.name} for r in _routed_now(tracker)]
        dispatcher.utter_message(text=words.ASK_SERVICE, buttons=buttons)
        return []


class _Ask(Action):
    """A question of the form, in words from replies/callback.py, with answer buttons where they help."""

    slot = ""
    text = ""
    buttons: List[Dict[str, str]] = []

    def name(self) -> Text:
        return f"action_ask_{self.slot}"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        dispatcher.utter_message(text=self.text, buttons=list(self.buttons))
        return []


_YES_NO_BUTTONS = [{"title": "Yes", "payload": "yes"}, {"title": "No", "payload": "no"}]


class ActionAskCallbackName(_Ask):
    slot, text, buttons = NAME, words.ASK_NAME, [{"title": "Skip", "payload": "skip"}]


class ActionAskCallbackPhone(_Ask):
    slot, text = PHONE, words.ASK_PHONE


class ActionAskCallbackTime(_Ask):
    slot, text = TIME, words.ASK_TIME


class ActionAskCallbackMessageOk(_Ask):
    slot, text, buttons = MESSAGE_OK, words.ASK_MESSAGE_OK, _YES_NO_BUTTONS


def _chosen(tracker: Tracker) -> Routed | None:
    service_id = tracker.get_slot(SERVICE)
    return next((r for r in _routed_now(tracker) if r.match.service_id == service_id), None)


class ActionAskCallbackConsent(Action):
    def name(self) -> Text:
        return "action_ask_callback_consent"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        chosen = _chosen(tracker)
        name = tracker.get_slot(NAME)
        dispatcher.utter_message(
            text=words.ask_consent(
                chosen.match.name if chosen else "The service",
                None if name in (None, NOT_GIVEN) else name,
                ending(tracker.get_slot(PHONE) or "???"),
                tracker.get_slot(TIME) or "any time",
                bool(tracker.get_slot(MESSAGE_OK)),
            ),
            buttons=[{"title": "Yes, send it", "payload": "yes"}, {"title": "No, don't send", "payload": "no"}],
        )
        return []


def _stopped() -> Dict[Text, Any]:
    """Every remaining question answered "not given" and consent refused: the form ends, nothing is sent."""
    return {NAME: NOT_GIVEN, PHONE: NOT_GIVEN, TIME: NOT_GIVEN, MESSAGE_OK: False, CONSENT: False}


class ValidateCallbackForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_callback_form"

    async def required_slots(
        self, domain_slots: List[Text], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Text]:
        if tracker.get_slot(SERVICE) == NOT_GIVEN or tracker.get_slot(CONSENT) is False:
            return []  # no service takes call-backs, or the person said no / stop: end, send nothing
        return domain_slots

    async def validate_callback_service(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if slot_value == NOT_GIVEN:
            return {SERVICE: NOT_GIVEN}
        if wants_to_stop(slot_value):
            return {SERVICE: NOT_GIVEN, **_stopped()}
        routed = _routed_now(tracker)
        text = _plain(slot_value)
        for number, item in enumerate(routed, start=1):
            if slot_value == item.match.service_id or text in (str(number), _plain(item.match.name)):
                return {SERVICE: item.match.service_id}
        for item in routed:
            if text and text in _plain(item.match.name):
                return {SERVICE: item.match.service_id}
        dispatcher.utter_message(text=words.UNKNOWN_SERVICE)
        return {SERVICE: None}

    async def validate_callback_name(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        text = " ".join(str(slot_value or "").split())
        if wants_to_stop(text):
            return _stopped()
        if _plain(text) in _SKIP:
            return {NAME: NOT_GIVEN}
        text = re.sub(r"^(?:(?:my name is|my names|i'?m|im|call me|it'?s)\s+)", "", text, flags=re.IGNORECASE)
        if 0 < len(text) <= 30 and _NAME.match(text):
            return {NAME: text[0].upper() + text[1:]}
        dispatcher.utter_message(text=words.BAD_NAME)
        return {NAME: None}

    async def validate_callback_phone(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if wants_to_stop(slot_value):
            return _stopped()
        number = callback_number(str(slot_value or ""))
        if number is None:
            dispatcher.utter_message(text=words.BAD_PHONE)
            return {PHONE: None}
        return {PHONE: number}

    async def validate_callback_time(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        text = " ".join(str(slot_value or "").split())
        if wants_to_stop(text):
            return _stopped()
        if not text or len(text) > 80:
            dispatcher.utter_message(text=words.BAD_TIME)
            return {TIME: None}
        return {TIME: text}

    async def validate_callback_message_ok(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if wants_to_stop(slot_value):
            return _stopped()
        answer = yes_or_no(slot_value)
        if answer is None:
            dispatcher.utter_message(text=words.ASK_AGAIN_YES_NO)
        return {MESSAGE_OK: answer}

    async def validate_callback_consent(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if wants_to_stop(slot_value):
            return {CONSENT: False}
        answer = yes_or_no(slot_value)
        if answer is None:
            dispatcher.utter_message(text=words.ASK_AGAIN_YES_NO)
        return {CONSENT: answer}


class ActionCallbackSubmit(Action):
    """Ends every call-back: sent (written to the outbox first), refused, or not possible; then forgets the
    answers in the conversation's slots."""

    def name(self) -> Text:
        return "action_callback_submit"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        clear = [SlotSet(slot, None) for slot in [*FORM_SLOTS, TOKEN]]
        if not tracker.get_slot("plan_ids"):
            dispatcher.utter_message(text=words.NOTHING_YET)
            return clear
        chosen = _chosen(tracker)
        if tracker.get_slot(SERVICE) == NOT_GIVEN and tracker.get_slot(CONSENT) is None:
            dispatcher.utter_message(text=words.NO_ROUTE, buttons=[OFFER_BUTTON])
            return clear
        if tracker.get_slot(CONSENT) is not True or chosen is None:
            dispatcher.utter_message(text=words.REFUSED)
            return clear
        dispatcher.utter_message(text=self._send(tracker, chosen))
        return clear

    @staticmethod
    def _send(tracker: Tracker, chosen: Routed) -> str:
        name = tracker.get_slot(NAME)
        phone = tracker.get_slot(PHONE)
        message_ok = bool(tracker.get_slot(MESSAGE_OK))
        request = CallbackRequest(
            service_id=chosen.match.service_id,
            service_name=chosen.match.name,
            phone=phone,
            good_time=tracker.get_slot(TIME),
            message_ok=message_ok,
            consent=words.ask_consent(
                chosen.match.name, None if name in (None, NOT_GIVEN) else name, ending(phone),
                tracker.get_slot(TIME), message_ok,
            ),
            name=None if name in (None, NOT_GIVEN) else name,
            directory_email=chosen.directory_email,
        )
        contact = _contact(chosen.match)
        try:
            # Committed before we say it is on its way; the same "yes" run again gets the first one's reference.
            reference = outbox().add(request, tracker.sender_id, tracker.get_slot(TOKEN))
        except (NotConfigured, SQLAlchemyError, SealError, RuntimeError) as error:
            logger.error("A call-back request could not be written to the outbox (%s).", type(error).__name__)
            return words.not_sent(chosen.match.name, contact)
        return words.confirmed(
            chosen.match, chosen.match.name, reference, ending(phone), message_ok,
            chosen.route.call_back_within, contact, now_for(message_metadata(tracker)),
        )
