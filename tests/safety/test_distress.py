"""Distress without danger to life (safety/distress.py): a support line, never instead of the answer."""
from __future__ import annotations

import pytest

from safety.distress import SUPPORT_LINE, is_distress


@pytest.mark.parametrize(
    "text",
    [
        "i cant cope anymore",
        "my husband drinks every night and i cant cope anymore. im in worcester",
        "im at the end of my rope with his drinking",
        "at the end of my rope",
        "so low",
        "i\u2019m at my wits end with my son",
        "its all getting too much, my partner is on the gear again",
    ],
)
def test_distress_is_heard(text):
    assert is_distress(text)


@pytest.mark.parametrize(
    "text",
    [
        "i cant cope anymore i want to die",  # danger to life: emergency guidance, not a line
        "so low i want to end it",
        "i drink too much",
        "need help with my drinking",
        "too much wine last night",
    ],
)
def test_danger_or_plain_need_is_not_distress(text):
    assert not is_distress(text)


def test_the_support_line_offers_only_verified_numbers_and_is_one_short_line():
    assert "116 123" in SUPPORT_LINE and "85258" in SUPPORT_LINE and "999" not in SUPPORT_LINE
    assert len(SUPPORT_LINE) <= 160 and "\n" not in SUPPORT_LINE


def test_the_support_line_is_plain_and_does_not_blame():
    from tests.support.plain_english import blaming_words, flesch_reading_ease

    assert flesch_reading_ease(SUPPORT_LINE) >= 60 and blaming_words(SUPPORT_LINE) == []
