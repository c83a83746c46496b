"""Everything the assistant says outside the domain's responses reads as plain, kind English.

Domain responses are checked in tests/test_training_data.py; here: emergency guidance, the confidentiality
answer, channel replies, and search replies built from the bundled directory in the situations people write in.
"""
from __future__ import annotations

import datetime as dt

import pytest

from actions import confidentiality
from channels import sms, telegram
from knowledge.hours.engine import LONDON
from knowledge.needs.catalogue import need_by_code
from knowledge.places.areas import AreaIndex
from knowledge.search.finder import Person, find_services
from replies.services import OPEN_DOOR, describe_result, describe_unavailable
from safety.crisis import CrisisType
from safety.guidance import emergency_guidance
from tests.support.plain_english import blaming_words, flesch_reading_ease

MIN_READING_EASE = 60


def _authored_texts() -> list[tuple[str, str]]:
    texts = []
    for crisis_type in [*CrisisType, None]:
        for i, message in enumerate(emergency_guidance(crisis_type)):
            texts.append((f"guidance {crisis_type}:{i}", message))
    for name in ("PRIVATE", "EXCEPTION", "YOUNG_PERSON", "ABOUT_US"):
        texts.append((f"confidentiality {name}", getattr(confidentiality, name)))
    texts.append(("directory unavailable", describe_unavailable(dt.datetime(2026, 11, 29, 2, tzinfo=LONDON))[0]))
    for module in (sms, telegram):
        for name in dir(module):
            if name.endswith("_REPLY") and isinstance(getattr(module, name), str):
                texts.append((f"{module.__name__}.{name}", getattr(module, name)))
    return texts


@pytest.mark.parametrize("name, text", _authored_texts(), ids=lambda v: v if isinstance(v, str) and len(v) < 60 else "")
def test_authored_text_is_plain_and_does_not_blame(name, text):
    assert flesch_reading_ease(text) >= MIN_READING_EASE, (name, round(flesch_reading_ease(text)))
    assert blaming_words(text) == [], name


def test_every_emergency_reply_starts_with_what_to_do_and_ends_with_an_open_door():
    for crisis_type in [*CrisisType, None]:
        messages = emergency_guidance(crisis_type)
        assert "999" in messages[0], crisis_type
        assert "any time" in messages[-1].lower(), crisis_type


SITUATIONS = [
    ("alcohol", "Cheltenham", Person(), dt.datetime(2026, 11, 29, 2, 0, tzinfo=LONDON)),
    ("drugs", None, Person(), dt.datetime(2026, 11, 24, 11, 0, tzinfo=LONDON)),
    ("family", "Coventry", Person(for_whom="someone_else", relationship="son"), dt.datetime(2026, 11, 28, 23, 0, tzinfo=LONDON)),
    ("young_people", None, Person(age=15), dt.datetime(2026, 11, 24, 16, 0, tzinfo=LONDON)),
    ("criminal_justice", "Leicester", Person(), dt.datetime(2026, 11, 29, 2, 0, tzinfo=LONDON)),
    ("housing", "Blackburn", Person(), dt.datetime(2026, 11, 29, 2, 0, tzinfo=LONDON)),
    ("mental_health", None, Person(), dt.datetime(2026, 11, 29, 2, 0, tzinfo=LONDON)),
]


@pytest.mark.parametrize("need, place, person, now", SITUATIONS, ids=[s[0] for s in SITUATIONS])
def test_search_replies_lead_plainly_and_close_with_an_open_door(bundled_session, need, place, person, now):
    index = AreaIndex.build(bundled_session)
    area = index.resolve(place) if place else None
    result = find_services(bundled_session, need=need_by_code(need), area=area, now=now, person=person,
                           area_index=index)
    messages = describe_result(result)
    lead, last = messages[0], messages[-1]
    assert flesch_reading_ease(lead) >= MIN_READING_EASE, lead
    assert blaming_words(lead) == [], lead
    assert OPEN_DOOR in last
    assert len(messages) >= 3, "at least one option between the lead and the open door: never a dead end"
