"""Checks on the Rasa configuration, domain and training data that `rasa data validate` can't make.

They read the real files (plain YAML, no Rasa import, so they run in a second or two) and build
the real spaCy model into a temporary folder.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Dict, Iterator, List, Set, Tuple

import pytest
import yaml

from bot import spacy_model
from tests.support.plain_english import blaming_words, flesch_reading_ease

ROOT = Path(__file__).resolve().parents[1]
NLU_DIR = ROOT / "data" / "nlu"
HOLDOUT_DIR = ROOT / "tests" / "nlu_holdout"
DOMAIN_DIR = ROOT / "bot" / "domain"
CONFIG = ROOT / "bot" / "config.yml"

# [text](entity), [text]{"entity": ...}
_ANNOTATION = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\{[^}]*\})")
# Numbers a response may contain: 999, NHS 111 and Samaritans 116 123 (verified in helplines.md).
_ALLOWED_NUMBERS = {"999", "111", "116 123"}
OPEN_DOOR = "You can message any time, day or night."


def _load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def _examples(block: dict) -> List[str]:
    return [line[2:].strip() for line in block["examples"].splitlines() if line.startswith("- ")]


def _intent_examples(folder: Path) -> Iterator[Tuple[str, str]]:
    for path in sorted(folder.glob("*.yml")):
        for block in _load(path).get("nlu", []) or []:
            if "intent" in block:
                for example in _examples(block):
                    yield block["intent"], example


def _normalise(text: str) -> str:
    """Strip annotations, case, punctuation and spacing: near-copies count as copies."""
    text = _ANNOTATION.sub(r"\1", text).lower()
    return " ".join(re.sub(r"[^a-z0-9 ]+", " ", text).split())


def _domain() -> Dict[str, dict]:
    merged: Dict[str, dict] = {"intents": [], "responses": {}, "slots": {}, "forms": {}, "actions": []}
    for path in sorted(DOMAIN_DIR.glob("*.yml")):
        part = _load(path)
        merged["intents"] += part.get("intents", [])
        merged["actions"] += part.get("actions", [])
        for key in ("responses", "slots", "forms"):
            merged[key].update(part.get(key, {}) or {})
    return merged


def _synonyms() -> Dict[str, str]:
    mapping: Dict[str, str] = {}
    for path in sorted(NLU_DIR.glob("*.yml")):
        for block in _load(path).get("nlu", []) or []:
            if "synonym" in block:
                for variant in _examples(block):
                    mapping[variant.lower()] = str(block["synonym"])
    return mapping


# --- held-out set -------------------------------------------------------------------------


def test_no_holdout_message_is_in_the_training_data() -> None:
    training = {_normalise(text) for _, text in _intent_examples(NLU_DIR)}
    holdout = list(_intent_examples(HOLDOUT_DIR))
    assert len(holdout) >= 150
    leaked = [text for _, text in holdout if _normalise(text) in training]
    assert leaked == []


def test_holdout_covers_every_intent() -> None:
    held = {intent for intent, _ in _intent_examples(HOLDOUT_DIR)}
    assert held == set(_domain()["intents"])


def test_normalise_treats_annotation_and_case_as_the_same_message() -> None:
    assert _normalise("My [Son](relationship) isn't breathing!") == _normalise("my son isn t breathing")


# --- training data --------------------------------------------------------------------------


def test_every_intent_has_enough_examples_and_no_example_is_in_two_intents() -> None:
    counts: Dict[str, int] = {}
    seen: Dict[str, str] = {}
    clashes: List[Tuple[str, str, str]] = []
    for intent, text in _intent_examples(NLU_DIR):
        counts[intent] = counts.get(intent, 0) + 1
        key = _normalise(text)
        if key in seen and seen[key] != intent:
            clashes.append((text, seen[key], intent))
        seen.setdefault(key, intent)
    assert set(counts) == set(_domain()["intents"])
    assert {i: n for i, n in counts.items() if n < 25} == {}
    assert clashes == []


def test_emergency_examples_cover_third_party_and_misspelt_danger() -> None:
    emergency = {_normalise(t) for i, t in _intent_examples(NLU_DIR) if i == "emergency"}
    for needle in ("breathing", "wake", "overdos", "od d", "fit", "seizure", "end it",
                   "be here anymore", "cut", "hitting me", "collapsed", "breathin", "poison"):
        assert any(needle in text for text in emergency), needle
    assert len(emergency) >= 40


def test_every_ruler_pattern_maps_to_its_canonical_value_through_the_synonyms() -> None:
    synonyms = _synonyms()
    wrong = {}
    for pattern in spacy_model.ruler_patterns():
        phrase, canonical = pattern["pattern"], pattern["id"]
        if phrase != canonical and synonyms.get(phrase) != canonical:
            wrong[phrase] = (synonyms.get(phrase), canonical)
    assert wrong == {}


def test_annotated_entities_are_declared_in_the_domain() -> None:
    declared: Set[str] = set()
    for path in DOMAIN_DIR.glob("*.yml"):
        declared |= set(_load(path).get("entities", []) or [])
    used = set()
    for path in NLU_DIR.glob("*.yml"):
        used |= set(re.findall(r"\]\(([a-z_]+)\)", path.read_text(encoding="utf-8")))
    assert used <= declared
    assert {"relationship", "substance", "age", "place", "service_name"} <= used


# --- domain ---------------------------------------------------------------------------------


def _response_texts() -> Iterator[Tuple[str, str]]:
    for name, variants in _domain()["responses"].items():
        for variant in variants:
            yield name, variant["text"]


def test_responses_only_contain_verified_numbers() -> None:
    for name, text in _response_texts():
        numbers = set(re.findall(r"\d[\d ]*\d|\d", text))
        assert {n.strip() for n in numbers} <= _ALLOWED_NUMBERS, name


def test_responses_are_plain_english_with_an_open_door() -> None:
    for name, text in _response_texts():
        assert flesch_reading_ease(text) >= 60, (name, round(flesch_reading_ease(text)))
        assert blaming_words(text) == [], name
        if name != "utter_ask_area":  # the one question mid-flow; the door is opened right after
            assert OPEN_DOOR in text, name


def test_fallback_always_mentions_999() -> None:
    assert all("999" in text for name, text in _response_texts() if name == "utter_default")


def test_area_question_offers_skip() -> None:
    (ask,) = _domain()["responses"]["utter_ask_area"]
    assert "skip" in ask["text"]
    assert [b["payload"] for b in ask["buttons"]] == ["skip"]


def test_area_is_filled_from_text_only_by_the_form_and_never_by_an_emergency() -> None:
    mappings = _domain()["slots"]["area"]["mappings"]
    from_text = [m for m in mappings if m["type"] == "from_text"]
    assert from_text == [{
        "type": "from_text",
        "not_intent": ["emergency", "forget_me"],
        "conditions": [{"active_loop": "area_form", "requested_slot": "area"}],
    }]
    assert {"type": "custom"} in mappings


def test_the_greeting_offers_the_main_choices_as_buttons() -> None:
    (greet,) = _domain()["responses"]["utter_greet"]
    payloads = {b["payload"] for b in greet["buttons"]}
    assert {"/help_alcohol", "/worried_about_someone", "/whats_open_now"} <= payloads
    assert {p.lstrip("/") for p in payloads} <= set(_domain()["intents"])


# --- config ---------------------------------------------------------------------------------


def test_crisis_override_is_the_last_component_and_spacy_loads_our_model() -> None:
    pipeline = _load(CONFIG)["pipeline"]
    assert pipeline[-1]["name"] == "bot.components.crisis.CrisisOverride"
    spacy_nlp = next(c for c in pipeline if c["name"] == "SpacyNLP")
    assert Path(spacy_nlp["model"]) == spacy_model.DEFAULT_PATH


# --- spaCy model ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def built_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return spacy_model.build(tmp_path_factory.mktemp("spacy") / "model")


def test_build_records_its_version_and_is_idempotent(built_model: Path) -> None:
    version = spacy_model.built_version(built_model)
    assert version == spacy_model.content_version()
    stamp = (built_model / "meta.json").stat().st_mtime_ns
    spacy_model.build(built_model)
    assert (built_model / "meta.json").stat().st_mtime_ns == stamp


def test_built_model_tags_slang_and_lemmatises(built_model: Path) -> None:
    import spacy

    nlp = spacy.load(built_model)
    doc = nlp("Worried about my Lad, hes on the GEAR and my hubby is on the booze")
    found = {(ent.label_, ent.ent_id_) for ent in doc.ents}
    assert found == {("relationship", "son"), ("substance", "heroin"),
                     ("relationship", "husband"), ("substance", "alcohol")}
    assert [t.lemma_ for t in nlp("drinking drinks")] == ["drink", "drink"]
    # Too-short or everyday words are not tagged on their own.
    assert [e.text for e in nlp("i was done with it, k").ents] == []
