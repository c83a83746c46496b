"""Emergency guidance (safety/guidance.py): action first, verified numbers only, SMS-sized."""

from __future__ import annotations

import re

import pytest

from safety.crisis import CrisisType
from safety.guidance import MAX_MESSAGE_CHARS, OPEN_DOOR, emergency_guidance

# Numbers verified in /work/shared/research/helplines.md that guidance may use.
ALLOWED_NUMBERS = {"999", "111", "116 123", "85258"}


@pytest.mark.parametrize("crisis_type", list(CrisisType))
def test_first_message_is_the_999_action(crisis_type: CrisisType) -> None:
    first = emergency_guidance(crisis_type)[0]
    assert "call 999" in first.lower()
    assert len(first) <= 80  # short enough to read at a glance


@pytest.mark.parametrize("crisis_type", list(CrisisType))
def test_messages_are_short_and_end_with_an_open_door(crisis_type: CrisisType) -> None:
    messages = emergency_guidance(crisis_type)
    assert 3 <= len(messages) <= 7
    assert all(0 < len(m) <= MAX_MESSAGE_CHARS for m in messages)
    assert messages[-1] == OPEN_DOOR


@pytest.mark.parametrize("crisis_type", list(CrisisType))
def test_only_verified_numbers_appear(crisis_type: CrisisType) -> None:
    text = " ".join(emergency_guidance(crisis_type))
    numbers = set(re.findall(r"\d[\d ]*\d|\d", text))
    assert {n.strip() for n in numbers} <= ALLOWED_NUMBERS
    assert "http" not in text and "@" not in text


def test_suicidal_guidance_starts_with_acting_on_thoughts_and_lists_helplines() -> None:
    messages = emergency_guidance(CrisisType.SUICIDAL)
    assert messages[0] == "If you might act on these thoughts, call 999 now."
    text = " ".join(messages)
    assert "116 123" in text and "Samaritans" in text
    assert "SHOUT" in text and "85258" in text
    assert "111" in text


@pytest.mark.parametrize(
    ("crisis_type", "must_say"),
    [
        (CrisisType.NOT_BREATHING, ["cpr"]),
        (CrisisType.UNCONSCIOUS, ["recovery position", "stay with them"]),
        (CrisisType.OVERDOSE, ["what was taken", "naloxone", "don't leave them"]),
        (CrisisType.POISONING, ["what was swallowed"]),
        (CrisisType.SEIZURE, ["move things away", "don't hold them down", "anything in their mouth"]),
        (CrisisType.SELF_HARM, ["116 123", "85258"]),
        (CrisisType.VIOLENCE, ["somewhere safe"]),
        (CrisisType.CHILD_AT_RISK, ["stay with them", "the person on the phone will help you"]),
    ],
)
def test_what_to_do_while_waiting(crisis_type: CrisisType, must_say: list[str]) -> None:
    text = " ".join(emergency_guidance(crisis_type)).lower()
    for phrase in must_say:
        assert phrase.lower() in text


def test_string_value_and_unknown_type_still_get_999() -> None:
    assert emergency_guidance("overdose") == emergency_guidance(CrisisType.OVERDOSE)
    for unknown in (None, "not_a_type"):
        messages = emergency_guidance(unknown)
        assert "999" in messages[0] and messages[-1] == OPEN_DOOR


def test_no_blame_words() -> None:
    text = " ".join(" ".join(emergency_guidance(t)) for t in CrisisType).lower()
    for word in ("your fault", "should have", "stupid", "addict", "abuser"):
        assert word not in text
