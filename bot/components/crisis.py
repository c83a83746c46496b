"""Rasa graph component that forces the `emergency` intent when the crisis rules fire.

Why a component and not only training data: the classifier can miss a rare, misspelt or
indirect message about danger to life. `safety.crisis.detect` is a rule layer that does not
depend on the model; this component applies it to every message after the classifier and the
FallbackClassifier (it must be last in the pipeline), so the `emergency` rule runs in any state
of the conversation, including mid-form.

What it changes on a message when a rule fires:
- `intent` becomes {"name": "emergency", "confidence": 1.0};
- `intent_ranking` gets emergency first (any earlier emergency entry is removed);
- a `crisis_type` entity is added (replacing any other `crisis_type`), spanning the message
  text, so the `crisis_type` slot and `action_emergency` can pick the right guidance.

When the model itself predicted `emergency`, it is kept (a model hit is never undone). When the
FallbackClassifier replaced an `emergency` best guess with `nlu_fallback`, the emergency guess
is restored: for danger to life, a false alarm costs less than a miss.

Privacy: logs carry the rule name and type only, never message text.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_CONFIDENCE,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    EXTRACTOR,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from bot.components.intents import force_intent, predicted_intent
from safety.crisis import CrisisSignal, detect

logger = logging.getLogger(__name__)

EMERGENCY_INTENT = "emergency"
CRISIS_TYPE_ENTITY = "crisis_type"


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False
)
class CrisisOverride(GraphComponent):
    """Overrides the predicted intent with `emergency` when `safety.crisis` detects danger."""

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> CrisisOverride:
        """Creates the component; it has no configuration and nothing to train."""
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        """Applies the crisis rules to each message (in place) and returns the messages."""
        for message in messages:
            self._process_message(message)
        return messages

    def _process_message(self, message: Message) -> None:
        text = message.get(TEXT) or ""
        signal = detect(text)
        if signal is not None:
            force_intent(message, EMERGENCY_INTENT, confidence=1.0)
            _set_crisis_type(message, signal, text)
            logger.debug(
                "Crisis rule fired: type=%s rule=%s", signal.crisis_type.value, signal.matched
            )
            return
        if predicted_intent(message) == EMERGENCY_INTENT:
            return  # The model's own emergency prediction stands; no type is known.
        restored = _emergency_hidden_by_fallback(message)
        if restored is not None:
            force_intent(message, EMERGENCY_INTENT, confidence=restored)
            logger.debug("Restored emergency intent hidden by the fallback classifier.")


def _emergency_hidden_by_fallback(message: Message) -> Optional[float]:
    """Confidence of `emergency` if it was the best real intent before `nlu_fallback`."""
    if predicted_intent(message) != DEFAULT_NLU_FALLBACK_INTENT_NAME:
        return None
    ranking = [
        entry
        for entry in message.get(INTENT_RANKING_KEY) or []
        if entry.get(INTENT_NAME_KEY) != DEFAULT_NLU_FALLBACK_INTENT_NAME
    ]
    if ranking and ranking[0].get(INTENT_NAME_KEY) == EMERGENCY_INTENT:
        return float(ranking[0].get(PREDICTED_CONFIDENCE_KEY) or 0.0)
    return None


def _set_crisis_type(message: Message, signal: CrisisSignal, text: Text) -> None:
    entities = [
        entity
        for entity in message.get(ENTITIES) or []
        if entity.get(ENTITY_ATTRIBUTE_TYPE) != CRISIS_TYPE_ENTITY
    ]
    entities.append(
        {
            ENTITY_ATTRIBUTE_TYPE: CRISIS_TYPE_ENTITY,
            ENTITY_ATTRIBUTE_VALUE: signal.crisis_type.value,
            ENTITY_ATTRIBUTE_START: 0,
            ENTITY_ATTRIBUTE_END: len(text),
            ENTITY_ATTRIBUTE_CONFIDENCE: 1.0,
            EXTRACTOR: CrisisOverride.__name__,
        }
    )
    message.set(ENTITIES, entities, add_to_output=True)
