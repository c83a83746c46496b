"""Behaviour of the crisis rule layer (safety/crisis.py): what it must catch and must not."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from bench.crisis_eval import LABELLED_SET, evaluate, load_rows
from safety.crisis import PRIORITY, CrisisSignal, CrisisType, detect, detect_all, normalise

REPO_ROOT = Path(__file__).resolve().parents[2]

# (message, expected type). Written for misspellings, slang, third parties and fragments.
MUST_CATCH: list[tuple[str, CrisisType]] = [
    ("my son isnt breathing", CrisisType.NOT_BREATHING),
    ("my son isn't breathing", CrisisType.NOT_BREATHING),
    ("my son isn\u2019t breathing", CrisisType.NOT_BREATHING),
    ("heeelp hes not breathin", CrisisType.NOT_BREATHING),
    ("he aint breathing", CrisisType.NOT_BREATHING),
    ("my boyfriend has stopped breething", CrisisType.NOT_BREATHING),
    ("hes turning blue", CrisisType.NOT_BREATHING),
    ("lips are blue", CrisisType.NOT_BREATHING),
    ("blue lips", CrisisType.NOT_BREATHING),
    ("i cant find a pulse", CrisisType.NOT_BREATHING),
    # Withdrawal danger in ordinary words (issue 8).
    ("stopped drinking 3 days ago, now confused, sweating, seeing things", CrisisType.WITHDRAWAL),
    ("came off the booze cold turkey and im hallucinating", CrisisType.WITHDRAWAL),
    ("stopped my diazepam suddenly and now im shaking and seeing things", CrisisType.WITHDRAWAL),
    ("ran out of my valium and feel like im going to have a fit", CrisisType.WITHDRAWAL),
    ("my husband stopped drinking and now hes fitting", CrisisType.SEIZURE),
    ("stopped drinking yesterday and now im shaking", CrisisType.WITHDRAWAL),
    ("stopped my valium and im trembling", CrisisType.WITHDRAWAL),
    ("hes not waking up", CrisisType.UNCONSCIOUS),
    ("wont wake up", CrisisType.UNCONSCIOUS),
    ("i cant wake him", CrisisType.UNCONSCIOUS),
    ("shes unconsious", CrisisType.UNCONSCIOUS),
    ("she is unconcious on the floor", CrisisType.UNCONSCIOUS),
    ("my husband collapsed", CrisisType.UNCONSCIOUS),
    ("hes od'd", CrisisType.OVERDOSE),
    ("hes odd", CrisisType.OVERDOSE),
    ("he od", CrisisType.OVERDOSE),
    ("she ODd on heroin", CrisisType.OVERDOSE),
    ("i think he overdoes", CrisisType.OVERDOSE),
    ("took too many pills", CrisisType.OVERDOSE),
    ("she took the whole packet", CrisisType.OVERDOSE),
    ("i took 30 paracetamol", CrisisType.OVERDOSE),
    ("my toddler drank bleach", CrisisType.POISONING),
    ("my 2yr old has drunk some of my wine", CrisisType.POISONING),
    ("i think my drink was spiked", CrisisType.POISONING),
    ("hes fitting", CrisisType.SEIZURE),
    ("shes having a fit", CrisisType.SEIZURE),
    ("hes shaking and fitting", CrisisType.SEIZURE),
    ("he stopped drinking yesterday and now hes having a siezure", CrisisType.SEIZURE),
    ("hes foaming at the mouth", CrisisType.SEIZURE),
    ("i want to kill myself", CrisisType.SUICIDAL),
    ("kms", CrisisType.SUICIDAL),
    ("i want to end it all", CrisisType.SUICIDAL),
    ("dont want to be here anymore", CrisisType.SUICIDAL),
    ("i want to die", CrisisType.SUICIDAL),
    ("no point living", CrisisType.SUICIDAL),
    ("feeling suicidel", CrisisType.SUICIDAL),
    ("im suicidal", CrisisType.SUICIDAL),
    ("i just want it all to stop", CrisisType.SUICIDAL),
    ("i'm better off dead", CrisisType.SUICIDAL),
    ("everyone would be better off without me", CrisisType.SUICIDAL),
    ("i cut myself", CrisisType.SELF_HARM),
    ("i keep hurting myself", CrisisType.SELF_HARM),
    ("relapsed on sh", CrisisType.SELF_HARM),
    ("hes hitting me", CrisisType.VIOLENCE),
    ("she's got a knife", CrisisType.VIOLENCE),
    ("hes going to hurt me", CrisisType.VIOLENCE),
    ("my husband is beating me up", CrisisType.VIOLENCE),
    ("mum collapsed and im on my own", CrisisType.CHILD_AT_RISK),
    ("im 9 and my dad wont wake up", CrisisType.CHILD_AT_RISK),
    ("my mummy wont wake up", CrisisType.CHILD_AT_RISK),
]

# Ordinary support messages and the known false-alarm traps.
MUST_NOT_ALARM: list[str] = [
    "what is an overdose",
    "how do i get naloxone in case of overdose",
    "i overdosed last year and now im clean",
    "my dad died of drink years ago",
    "my brother died of an overdose in 2019",
    "just killing time",
    "this is killing me (the wait)",
    "dying for a drink",
    "im fit and healthy",
    "worried about my sons drinking",
    "need help with heroin",
    "cant sleep",
    "i want to cut down not stop",
    "im 15 and i drink alot",
    "i get the shakes in the morning",
    "my mum will have a fit if she finds out",
    "my mum is going to kill me when she finds out",
    "hit me up later",
    "i hit rock bottom",
    "i cant wake up in the mornings",
    "my dad passes out drunk most nights",
    "i'm not suicidal i just need help stopping",
    "can stopping drinking cause seizures",
    "im scared hes going to overdose one day",
    "my daughter is fitting in well at her new school",
    "hes sitting on the sofa drinking",
    "thats odd",
    "i drink a whole bottle of wine every night",
    "i had a few too many last night",
    "whats open now",
    # A wish for a safe or women-only space is a need, not danger (issue 8).
    "i dont feel safe in mixed groups",
    "are there any women only groups, i dont feel safe around men",
    "i dont feel safe going to aa on my own",
    # Distress without danger to life keeps the normal answer (safety/distress.py adds a support line).
    "i cant cope anymore",
    "my husband drinks every night and i cant cope anymore. im in worcester",
    "at the end of my rope",
    "so low",
    # Withdrawal questions and everyday dependence.
    "can you get the dts from stopping drinking",
    "i get the shakes in the morning until i have a drink",
    "i want to stop drinking but i get the shakes",
    "if i stop drinking i get the shakes",
    "had a seizure from withdrawal years ago, want to stop again safely",
    "im 10 days sober",
    "",
]


@pytest.mark.parametrize(("text", "expected"), MUST_CATCH)
def test_must_catch(text: str, expected: CrisisType) -> None:
    signal = detect(text)
    assert signal is not None, f"missed: {text!r}"
    assert signal.crisis_type is expected


@pytest.mark.parametrize("text", MUST_NOT_ALARM)
def test_must_not_alarm(text: str) -> None:
    assert detect(text) is None


def test_crisis_later_in_message_survives_an_information_question() -> None:
    # A guard removes only its own phrase, never the whole message.
    signal = detect("what is an overdose? my son took loads of pills and wont wake up")
    assert signal is not None and signal.crisis_type is CrisisType.UNCONSCIOUS


def test_past_event_still_alarms_when_it_is_happening_again() -> None:
    assert detect("i overdosed years ago and i have overdosed again tonight") is not None


def test_most_urgent_type_comes_first() -> None:
    # Physical danger now outranks thoughts; a child alone outranks the collapse itself.
    assert detect("ive taken all my pills i want to die").crisis_type is CrisisType.OVERDOSE
    assert detect("im 8 and my mum isnt breathing").crisis_type is CrisisType.CHILD_AT_RISK
    types = [s.crisis_type for s in detect_all("he hit me and i want to kill myself")]
    assert types == [CrisisType.VIOLENCE, CrisisType.SUICIDAL]
    assert list(PRIORITY) == sorted(PRIORITY, key=list(PRIORITY).index)
    assert set(PRIORITY) == set(CrisisType)


def test_matched_is_a_rule_name_not_the_users_words() -> None:
    text = "my partner Jamie isnt breathing at 14 Elm Road"
    signal = detect(text)
    assert isinstance(signal, CrisisSignal)
    assert re.fullmatch(r"[a-z_]+\.[a-z_]+", signal.matched)
    assert signal.matched.split(".")[0] == signal.crisis_type.value
    assert "jamie" not in signal.matched.lower() and "elm" not in signal.matched.lower()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Heeeelp!!", "heelp"),
        ("He isn\u2019t breathin", "he isnt breathing"),
        ("she's UNCONSIOUS", "shes unconscious"),
        ("gonna kms", "going to kill myself"),
        ("he o.d.'d", "he odd"),
        ("cut my self", "cut myself"),
        ("Café. Naïve", "cafe | naive"),
        ("hes sitting down", "hes sitting down"),  # protected: not corrected to "fitting"
        ("overdoing it", "overdoing it"),  # a real word one edit from "overdosing"
    ],
)
def test_normalise(raw: str, expected: str) -> None:
    assert normalise(raw) == expected


def _labelled(split: str):
    return evaluate([row for row in load_rows() if row.split == split])


def test_labelled_set_has_enough_rows_and_hard_negatives() -> None:
    rows = load_rows()
    negatives = [row for row in rows if row.label in ("none", "distress")]
    assert len(rows) >= 250
    assert 0.4 <= len(negatives) / len(rows) <= 0.6
    assert {row.split for row in rows} == {"dev", "test"}
    assert {row.label for row in rows} == {t.value for t in CrisisType} | {"none", "distress"}
    assert LABELLED_SET.name == "crisis_labelled.tsv"


def test_recall_and_false_alarms_on_test_split() -> None:
    result = _labelled("test")
    assert result.positives >= 100 and result.negatives >= 100
    assert result.recall >= 0.98, [row.line for row, _ in result.misses]
    assert result.false_alarm_rate <= 0.05, [row.line for row, _ in result.false_alarms]


def test_recall_and_false_alarms_on_dev_split() -> None:
    # The tuning split: a regression guard, so a rule change that breaks a fixed case fails.
    result = _labelled("dev")
    assert result.recall >= 0.98, [row.line for row, _ in result.misses]
    assert result.false_alarm_rate <= 0.05, [row.line for row, _ in result.false_alarms]


def test_safety_package_does_not_import_rasa() -> None:
    code = (
        "import sys, safety.crisis, safety.guidance; "
        "bad = [m for m in sys.modules if m.split('.')[0] in ('rasa', 'rasa_sdk')]; "
        "sys.exit(1 if bad else 0)"
    )
    completed = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, check=False)
    assert completed.returncode == 0


def test_long_or_repetitive_input_is_read_whole() -> None:
    # Pasted or repeated text is read to the end (its speed is measured by bench/crisis_eval.py, not here).
    assert detect("took " * 3000) is None
    assert detect("a " * 5000) is None
    assert detect("blah " * 3000 + "my son isnt breathing").crisis_type is CrisisType.NOT_BREATHING
    assert detect("not breathing " * 500).crisis_type is CrisisType.NOT_BREATHING


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("i wnt to die", CrisisType.SUICIDAL),  # "wnt" is both "want" and "wont" in texts
        ("he wnt wake up", CrisisType.UNCONSCIOUS),
        ("my 2 yr old drank bleach", CrisisType.POISONING),
    ],
)
def test_ambiguous_sms_spellings(text: str, expected: CrisisType) -> None:
    signal = detect(text)
    assert signal is not None and signal.crisis_type is expected
