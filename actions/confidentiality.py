"""action_confidentiality: honest, plain words on what stays private and when it may not.

People hold back from asking for help because they fear "social services" (extract §8.1–8.2). Saying what
is kept private, and the one exception, is kinder than vague reassurance and does not scare people off.
"""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import known_writer_age
from actions.privacy import add_privacy_notice

PRIVATE = (
    "Drug and alcohol services keep what you tell them private. "
    "They won't tell your family, your employer or the police just because you ask for help."
)
EXCEPTION = (
    "The one exception: if someone is at serious risk of harm, especially a child, "
    "they may have to share that to keep them safe. Most will talk it through with you first."
)
YOUNG_PERSON = (
    "If you're under 18, it's the same: they keep it private unless they're worried you're not safe."
)
ABOUT_US = "You can ask a service how they handle this before you say anything."


class ActionConfidentiality(Action):
    def name(self) -> Text:
        return "action_confidentiality"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        dispatcher.utter_message(text=PRIVATE)
        dispatcher.utter_message(text=EXCEPTION)
        age = known_writer_age(tracker)
        if age is not None and age < 18:
            dispatcher.utter_message(text=YOUNG_PERSON)
        dispatcher.utter_message(text=ABOUT_US)
        # They asked what happens to what they say: tell them about this chat too, even if told before.
        return add_privacy_notice(dispatcher, tracker, always=True)
