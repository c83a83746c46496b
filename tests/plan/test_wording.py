"""Every sentence of plans and call-backs reads plainly (Flesch >= 60) and blames no one."""
from __future__ import annotations

import pytest

from replies import callback as words
from replies import plan
from tests.support.plain_english import blaming_words, flesch_reading_ease

TEXTS = {
    **{name: getattr(words, name) for name in dir(words) if name.isupper() and isinstance(getattr(words, name), str)},
    **{name: getattr(plan, name) for name in ("OFFER", "NOTHING_TO_PLAN", "WEB_INTRO", "DANGER")},
    "consent": words.ask_consent("Oakhaven Recovery Hub", "Sam", "123", "weekday mornings", False),
    "not sent": words.not_sent("Oakhaven Recovery Hub", "Call 01632 960102"),
}


@pytest.mark.parametrize("name", sorted(TEXTS))
def test_plain_and_kind(name):
    text = TEXTS[name]
    assert flesch_reading_ease(text) >= 60, (name, round(flesch_reading_ease(text)))
    assert blaming_words(text) == [], name


@pytest.mark.parametrize("name", ["NOTHING_YET", "NO_ROUTE", "REFUSED", "not sent"])
def test_every_ending_keeps_the_door_open(name):
    assert TEXTS[name].endswith("You can message any time, day or night.")
