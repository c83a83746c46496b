"""The Rasa server validates each action server response as before, with a validator built once."""
from __future__ import annotations

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.utils.endpoints import EndpointConfig

from bot import rasa_speedups


@pytest.fixture
def action() -> RemoteAction:
    rasa_speedups.install()
    return RemoteAction("action_find_services", EndpointConfig("http://127.0.0.1:1/webhook"))


def test_a_good_response_passes(action):
    good = {"events": [{"event": "slot", "name": "area", "value": "Coventry", "timestamp": None}],
            "responses": [{"text": "hello"}]}
    assert action._validate_action_result(good) is True


@pytest.mark.parametrize("bad", [
    {"events": [{"event": "no_such_event"}], "responses": []},
    {"events": "not a list", "responses": []},
    {"events": [], "responses": ["not an object"]},
])
def test_a_bad_response_raises_rasas_error_with_its_explanation(action, bad):
    with pytest.raises(ValidationError, match="Failed to validate Action server response"):
        action._validate_action_result(bad)


def test_installing_twice_changes_nothing():
    rasa_speedups.install()
    first = RemoteAction._validate_action_result
    rasa_speedups.install()
    assert RemoteAction._validate_action_result is first
