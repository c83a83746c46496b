"""Work the Rasa server did on every action call for nothing: checking a fixed JSON schema against its meta-schema.

Profiled under load (bench/profile_turn.py, bench/README.md), 43 % of the Rasa server's busy time went to
``RemoteAction._validate_action_result``: it calls ``jsonschema.validate(result, schema)``, which first checks the
(large, constant) events schema against JSON Schema's meta-schema and builds a new validator, on every call to the
action server (RasaHQ/rasa#11717 reports the same slowdown with jsonschema 4). Here the validator is built and
the schema checked once; each action server response is still validated against the same schema and a bad one
raises the same ``ValidationError`` with Rasa's explanation.

Installed by bot/rasa_entry.py before the Rasa server starts.
"""
from __future__ import annotations

import functools
from typing import Any, Dict, Text

_MARK = "_signpost_cached_validator"


@functools.lru_cache(maxsize=1)
def _action_result_validator() -> Any:
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction

    schema = RemoteAction.action_response_format_spec()
    validator_class = validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


def _validate_action_result(self: Any, result: Dict[Text, Any]) -> bool:
    from jsonschema.exceptions import best_match
    from rasa.core.actions.action import DOCS_BASE_URL

    error = best_match(_action_result_validator().iter_errors(result))
    if error is None:
        return True
    error.message += (
        ". Failed to validate Action server response from API, make sure your response from the Action endpoint "
        f"is valid. For more information about the format visit {DOCS_BASE_URL}/custom-actions"
    )
    raise error


def install() -> None:
    """Validate action server responses with one validator built once (idempotent)."""
    from rasa.core.actions.action import RemoteAction

    if getattr(RemoteAction._validate_action_result, _MARK, False):
        return
    setattr(_validate_action_result, _MARK, True)
    RemoteAction._validate_action_result = _validate_action_result
