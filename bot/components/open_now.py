"""Rasa graph component: "anywhere open today for clean works" is a need plus "open now", not a service name.

The classifier learned `opening_hours` from "when is X open" and can take "anywhere open today for X" for it,
so the reply looked for a service called "clean works". When the whole message asks for something open now for a
need (`actions.open_now.open_now_need_intent`), this component sets that need's intent instead, so the normal
search runs; `action_note_need` then sets the `wants_open_now` slot. It only corrects intents that cannot be
right for such a question, and sits before the crisis override, so danger to life still wins.
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

from actions.open_now import open_now_need_intent
from bot.components.intents import force_intent, predicted_intent

#: Intents that a need-plus-open-now question may be mistaken for.
CORRECTABLE = frozenset(
    {"opening_hours", "whats_open_now", "inform", "unsure", DEFAULT_NLU_FALLBACK_INTENT_NAME}
)


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
            if predicted_intent(message) not in CORRECTABLE:
                continue
            intent = open_now_need_intent(message.get(TEXT) or "")
            if intent is not None and intent != predicted_intent(message):
                force_intent(message, intent)
        return messages
