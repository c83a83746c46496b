"""Setting a message's intent from a rule, shared by the override components (crisis, forget me).

A rule that knows better than the classifier puts its intent first with its confidence, and keeps the
classifier's other guesses behind it so the ranking still says what the model thought.
"""
from __future__ import annotations

from typing import Optional, Text

from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, PREDICTED_CONFIDENCE_KEY
from rasa.shared.nlu.training_data.message import Message


def predicted_intent(message: Message) -> Optional[Text]:
    return (message.get(INTENT) or {}).get(INTENT_NAME_KEY)


def force_intent(message: Message, name: Text, confidence: float = 1.0) -> None:
    """Make ``name`` the message's intent, first in the ranking (once), other guesses after it."""
    forced = {INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: confidence}
    ranking = [entry for entry in message.get(INTENT_RANKING_KEY) or [] if entry.get(INTENT_NAME_KEY) != name]
    message.set(INTENT, forced, add_to_output=True)
    message.set(INTENT_RANKING_KEY, [dict(forced), *ranking], add_to_output=True)
