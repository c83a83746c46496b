"""validate_area_form: turn the answer to "which town or postcode?" into an area we know, or "anywhere".

The answer is never asked for twice: an answer we cannot place still moves the conversation on, to the help
that works wherever the person is.
"""
from __future__ import annotations

import re
from typing import Any, Dict, Text

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.conversation import ANYWHERE, is_skip_answer
from actions.directory import DirectoryUnavailable, area_index, directory_session
from safety.distress import SUPPORT_LINE, is_distress

#: An unplaced answer is repeated back only when it looks like a place name or a postcode, not a sentence.
_PLACE_LIKE = re.compile(r"^[A-Za-z][A-Za-z .'-]{1,40}$|^[A-Za-z]{1,2}\d[A-Za-z\d]?(?: ?\d[A-Za-z]{2})?$")


class ValidateAreaForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_area_form"

    async def validate_area(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> Dict[Text, Any]:
        text = str(slot_value or "").strip()
        if is_distress(text):
            # "i cant cope anymore" given as the answer: the search goes on, with someone to talk to now.
            dispatcher.utter_message(text=SUPPORT_LINE)
        if not text or is_skip_answer(text):
            return {"area": ANYWHERE, "area_unrecognised": None}
        try:
            with directory_session() as session:
                area = area_index(session).resolve(text)
        except DirectoryUnavailable:
            return {"area": ANYWHERE, "area_unrecognised": None}
        if area is not None:
            return {"area": area.name, "area_unrecognised": None}
        unplaced = text if _PLACE_LIKE.match(text) and len(text.split()) <= 3 else None
        return {"area": ANYWHERE, "area_unrecognised": unplaced}
