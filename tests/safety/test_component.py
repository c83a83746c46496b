"""CrisisOverride (bot/components/crisis.py) on real Rasa Message objects and in a real graph."""

from __future__ import annotations

import asyncio
import logging
import os
import textwrap
from pathlib import Path

import pytest

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")

from rasa.engine.graph import ExecutionContext, GraphSchema  # noqa: E402
from rasa.engine.recipes.default_recipe import DefaultV1Recipe  # noqa: E402
from rasa.engine.storage.local_model_storage import LocalModelStorage  # noqa: E402
from rasa.engine.storage.resource import Resource  # noqa: E402
from rasa.shared.nlu.training_data.message import Message  # noqa: E402

from bot.components.crisis import CRISIS_TYPE_ENTITY, EMERGENCY_INTENT, CrisisOverride  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parents[2]


def _message(text: str, intent: str | None = None, ranking: list[tuple[str, float]] | None = None,
             entities: list[dict] | None = None) -> Message:
    message = Message(data={"text": text})
    if intent is not None:
        message.set("intent", {"name": intent, "confidence": 0.9}, add_to_output=True)
    if ranking is not None:
        message.set(
            "intent_ranking", [{"name": n, "confidence": c} for n, c in ranking], add_to_output=True
        )
    if entities is not None:
        message.set("entities", entities, add_to_output=True)
    return message


@pytest.fixture
def component(tmp_path: Path) -> CrisisOverride:
    """Created the way Rasa creates it: through `create` with real storage and context."""
    storage = LocalModelStorage(tmp_path)
    context = ExecutionContext(GraphSchema({}), "test-model")
    return CrisisOverride.create({}, storage, Resource("crisis_override"), context)


def test_registered_with_the_default_recipe_as_untrainable_intent_classifier() -> None:
    registered = DefaultV1Recipe._from_registry("bot.components.crisis.CrisisOverride")
    assert registered.clazz is CrisisOverride
    assert registered.types == {DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER}
    assert registered.is_trainable is False


def test_crisis_message_is_forced_to_emergency_with_crisis_type(component: CrisisOverride) -> None:
    text = "hes not breathin"
    message = _message(
        text, intent="greet", ranking=[("greet", 0.9), ("emergency", 0.05), ("inform", 0.05)],
        entities=[{"entity": "relationship", "value": "son", "start": 0, "end": 3}],
    )
    [result] = component.process([message])
    output = result.as_dict(only_output_properties=True)
    assert output["intent"] == {"name": EMERGENCY_INTENT, "confidence": 1.0}
    names = [entry["name"] for entry in output["intent_ranking"]]
    assert names == ["emergency", "greet", "inform"]  # emergency first, never twice
    crisis_entities = [e for e in output["entities"] if e["entity"] == CRISIS_TYPE_ENTITY]
    assert crisis_entities == [
        {"entity": "crisis_type", "value": "not_breathing", "start": 0, "end": len(text),
         "confidence": 1.0, "extractor": "CrisisOverride"}
    ]
    assert any(e["entity"] == "relationship" for e in output["entities"])  # others kept


def test_message_without_intent_or_entities_still_gets_both(component: CrisisOverride) -> None:
    [result] = component.process([_message("i want to kill myself")])
    assert result.get("intent")["name"] == "emergency"
    assert result.get("intent_ranking")[0]["name"] == "emergency"
    assert result.get("entities")[0]["value"] == "suicidal"


def test_ordinary_message_is_left_alone(component: CrisisOverride) -> None:
    message = _message("worried about my sons drinking", intent="worried_about_someone",
                       ranking=[("worried_about_someone", 0.9)], entities=[])
    before = dict(message.data)
    [result] = component.process([message])
    assert result.data == before


def test_model_emergency_is_kept_without_inventing_a_type(component: CrisisOverride) -> None:
    message = _message("please come quick", intent="emergency", ranking=[("emergency", 0.9)])
    [result] = component.process([message])
    assert result.get("intent")["name"] == "emergency"
    assert not [e for e in result.get("entities", []) if e["entity"] == CRISIS_TYPE_ENTITY]


def test_model_emergency_gets_crisis_type_when_rules_know_it(component: CrisisOverride) -> None:
    message = _message("hes fitting", intent="emergency", ranking=[("emergency", 0.8)])
    [result] = component.process([message])
    assert result.get("intent") == {"name": "emergency", "confidence": 1.0}
    assert result.get("entities")[-1]["value"] == "seizure"


def test_emergency_hidden_by_fallback_is_restored(component: CrisisOverride) -> None:
    message = _message(
        "please come quick", intent="nlu_fallback",
        ranking=[("nlu_fallback", 0.4), ("emergency", 0.35), ("greet", 0.3)],
    )
    [result] = component.process([message])
    assert result.get("intent") == {"name": "emergency", "confidence": 0.35}
    assert [e["name"] for e in result.get("intent_ranking")][:2] == ["emergency", "nlu_fallback"]


def test_fallback_over_another_intent_is_not_touched(component: CrisisOverride) -> None:
    message = _message("mmm", intent="nlu_fallback",
                       ranking=[("nlu_fallback", 0.4), ("greet", 0.35), ("emergency", 0.3)])
    [result] = component.process([message])
    assert result.get("intent")["name"] == "nlu_fallback"


def test_stale_crisis_type_entity_is_replaced(component: CrisisOverride) -> None:
    message = _message("she took the whole packet",
                       entities=[{"entity": "crisis_type", "value": "violence", "start": 0, "end": 3}])
    [result] = component.process([message])
    assert [e["value"] for e in result.get("entities") if e["entity"] == "crisis_type"] == ["overdose"]


def test_every_message_in_a_batch_is_processed(component: CrisisOverride) -> None:
    messages = [_message("hi"), _message("blue lips"), _message(""), _message("cant sleep")]
    results = component.process(messages)
    assert [(m.get("intent") or {}).get("name") for m in results] == [None, "emergency", None, None]


def test_logs_never_contain_message_text(component: CrisisOverride, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    component.process([_message("Sam at 7 Oak Lane isnt breathing")])
    logged = " ".join(record.getMessage() for record in caplog.records).lower()
    assert "oak lane" not in logged and "sam" not in logged
    assert "not_breathing" in logged


NLU_DATA = textwrap.dedent(
    """
    version: "3.1"
    nlu:
    - intent: greet
      examples: |
        - hello
        - hi
    - intent: help_alcohol
      examples: |
        - i need help with my drinking
        - drinking
    - intent: emergency
      examples: |
        - ambulance
        - call an ambulance
    """
)

CONFIG = textwrap.dedent(
    """
    recipe: default.v1
    language: en
    assistant_id: crisis-component-test
    pipeline:
      - name: WhitespaceTokenizer
      - name: KeywordIntentClassifier
      - name: bot.components.crisis.CrisisOverride
    """
)


def test_in_a_trained_pipeline_the_override_reaches_parse_output(tmp_path: Path, monkeypatch) -> None:
    """Train a tiny NLU model with the component last, load it and parse real messages."""
    from rasa.core.agent import Agent
    from rasa.model_training import train_nlu

    monkeypatch.chdir(REPO_ROOT)  # the component is loaded by module path from the repo root
    (tmp_path / "nlu.yml").write_text(NLU_DATA)
    (tmp_path / "config.yml").write_text(CONFIG)
    model_path = train_nlu(
        str(tmp_path / "config.yml"), str(tmp_path / "nlu.yml"), str(tmp_path / "models")
    )
    assert model_path
    agent = Agent.load(model_path)

    crisis = asyncio.run(agent.parse_message("hi, my mate isnt breathin"))
    assert crisis["intent"]["name"] == "emergency"
    assert crisis["intent_ranking"][0]["name"] == "emergency"
    assert {"entity": "crisis_type", "value": "not_breathing"}.items() <= crisis["entities"][0].items()

    ordinary = asyncio.run(agent.parse_message("i need help with my drinking"))
    assert ordinary["intent"]["name"] == "help_alcohol"
    assert not ordinary["entities"]
