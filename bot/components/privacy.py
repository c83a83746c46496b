"""Rasa graph component that makes a plain "forget me" always mean `forget_me`.

The notice tells people to say "forget me" to delete the chat, so that phrase (and the obvious ways of saying it:
"delete my messages", "wipe this chat", misspelt, with "please") must never depend on how the classifier happened
to train: someone on a shared phone who asks for the chat to go must not get "sorry, I didn't follow". The model
still learns `forget_me` from data/nlu/privacy.yml for the less obvious wordings; this only adds a floor.

Only whole messages that are a request to delete count ("how do I delete my account on facebook" does not), and
the component sits before bot.components.crisis.CrisisOverride, so "forget me i want to die" is still an
emergency.
"""
from __future__ import annotations

import re
from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.components.intents import force_intent

FORGET_ME_INTENT = "forget_me"

_POLITE_START = r"(?:(?:please|pls|plz|can you|could you|can u|i want you to|i want to|id like you to|just|ok|okay|now)\s+)*"
_POLITE_END = r"(?:\s+(?:please|pls|plz|now|thanks|thank you|ta|asap|right now|all of it|everything))*"
_FORGET = r"(?:forget|forgett|forgt|foget|frget|forgot)"
_DELETE = r"(?:delete|delet|delte|dlete|deleet|del|erase|wipe|whipe|clear|remove|get rid of|destroy)"
_WHOSE = r"(?:my|this|the|our|all my|all this|all the|all of this|all of my|all of the|these|me and my)"
_WHAT = (
    r"(?:messages?|msgs?|messgaes?|mesages?|chats?|conversations?|convos?|conversaton|history|data|details|"
    r"texts?|info|information|records?|everything i said|what i said|what i wrote|what ive said|what ive written)"
)
_REQUEST = re.compile(
    rf"^{_POLITE_START}(?:"
    rf"{_FORGET}\s+(?:me|about me|all about me|i was here|i said anything|everything|my {_WHAT}|this {_WHAT})"
    rf"|{_DELETE}\s+(?:{_WHOSE}\s+)?{_WHAT}"
    rf"|{_DELETE}\s+(?:me|everything|it all|all of it|all this)"
    rf")(?:\s+(?:too|as well|from your records|from your system|off your system))?{_POLITE_END}$"
)


def normalise(text: str) -> str:
    """Lower case, apostrophes dropped, other punctuation as spaces, single spaces."""
    lowered = text.lower().replace("'", "").replace("\u2019", "")
    return " ".join(re.sub(r"[^a-z0-9 ]+", " ", lowered).split())


def is_forget_me_request(text: str) -> bool:
    """True when the whole message asks us to delete the conversation."""
    return bool(_REQUEST.match(normalise(text)))


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class ForgetMeOverride(GraphComponent):
    """Sets the intent to `forget_me` (confidence 1.0) when the message is a plain request to delete."""

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> ForgetMeOverride:
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            if is_forget_me_request(message.get(TEXT) or ""):
                force_intent(message, FORGET_ME_INTENT)
        return messages
