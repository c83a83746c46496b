"""ForgetMeOverride on real Rasa Messages, and its place in the pipeline (before the crisis override)."""
from __future__ import annotations

import yaml
from rasa.shared.nlu.training_data.message import Message

from bot import settings
from bot.components.privacy import ForgetMeOverride


def classified(text: str, intent: str, confidence: float) -> Message:
    message = Message(data={"text": text})
    message.set("intent", {"name": intent, "confidence": confidence}, add_to_output=True)
    message.set("intent_ranking", [{"name": intent, "confidence": confidence}], add_to_output=True)
    return message


def test_a_plain_request_becomes_forget_me_whatever_the_model_guessed():
    (message,) = ForgetMeOverride().process([classified("forget me", "nlu_fallback", 0.45)])
    assert message.get("intent") == {"name": "forget_me", "confidence": 1.0}
    assert [e["name"] for e in message.get("intent_ranking")] == ["forget_me", "nlu_fallback"]


def test_other_messages_keep_the_model_s_intent():
    (message,) = ForgetMeOverride().process([classified("forget it", "deny", 0.9)])
    assert message.get("intent") == {"name": "deny", "confidence": 0.9}


def test_it_runs_before_the_crisis_override_so_danger_still_wins():
    names = [c["name"] for c in yaml.safe_load(settings.CONFIG.read_text())["pipeline"]]
    assert names.index("bot.components.privacy.ForgetMeOverride") == len(names) - 2
    assert names[-1] == "bot.components.crisis.CrisisOverride"
