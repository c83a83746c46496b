"""Rasa graph component: "anywhere open today for clean works" is a need plus "open now", not a service name.

The classifier learned `opening_hours` from "when is X open" and can take "anywhere open today for X" for it,
so the reply looked for a service called "clean works". When the whole message asks for something open now for a
need (`actions.open_now.open_now_need_intent`), this component sets that need's intent instead, so the normal
search runs; `action_note_need` then sets the `wants_open_now` slot. The other way round, "when is the family
group open" is a question about one named service (`opening_hours`), never a search that asks for the town. It
only corrects intents that cannot be right for such a question, and sits before the crisis override, so danger to
life still wins.
"""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from actions.open_now import asks_about_a_named_service, open_now_need_intent
from bot.components.intents import force_intent, predicted_intent

#: Intents that a need-plus-open-now question may be mistaken for.
CORRECTABLE = frozenset(
    {"opening_hours", "whats_open_now", "inform", "unsure", DEFAULT_NLU_FALLBACK_INTENT_NAME}
)
#: Intents that "when is <service> open" may be mistaken for (the service's name can sound like a need:
#: "when is the family group open").
NAMED_SERVICE_CORRECTABLE = CORRECTABLE | {
    "help_alcohol", "help_drugs", "cut_down", "worried_about_someone", "family_support", "young_person",
    "prison_release", "homeless", "peer_support", "harm_reduction", "mental_health",
}
OPENING_HOURS_INTENT = "opening_hours"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class OpenNowNeedOverride(GraphComponent):
    """Sets the need's intent when a message asks for something open now for that need."""

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> OpenNowNeedOverride:
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            predicted = predicted_intent(message)
            intent = open_now_need_intent(text) if predicted in CORRECTABLE else None
            if intent is None and predicted in NAMED_SERVICE_CORRECTABLE and asks_about_a_named_service(text):
                intent = OPENING_HOURS_INTENT
            if intent is not None and intent != predicted:
                force_intent(message, intent)
        return messages
