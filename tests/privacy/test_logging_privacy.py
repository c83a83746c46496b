"""bot.logging_privacy on real loggers: what Rasa-style records become, and that our own records are left alone."""
from __future__ import annotations

import io
import json
import logging

import pytest

from bot import logging_privacy

MARKER = "Zanzibarquux"
PHONE = "07700 900461"


@pytest.fixture
def captured():
    """A handler on the root logger, added AFTER install(), as Rasa adds its handlers after bot.rasa_entry runs."""
    previous = logging.getLogRecordFactory()
    logging_privacy.install()
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s - %(message)s"))
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
        logging.setLogRecordFactory(previous)
        logging_privacy._installed_factory = None


def test_rasa_f_string_messages_keep_their_leading_words_only(captured):
    text = f"my son {MARKER} call me on {PHONE}"
    logging.getLogger("rasa.core.processor").debug(
        f"Received user message '{text}' with intent '{{'name': 'greet'}}' and entities '[]'"
    )
    logging.getLogger("rasa.core.lock_store").debug("Acquired lock for conversation 'rest:3f1c'.")
    output = captured.getvalue()
    assert "Received user message [redacted]" in output
    assert "Acquired lock for conversation [redacted]" in output
    assert MARKER not in output and "900461" not in output and "3f1c" not in output


def test_percent_style_arguments_are_redacted_and_the_template_kept(captured):
    logging.getLogger("sanic.access").info("%s %s %d", "POST", f"/x?q={MARKER}", 200)
    logging.getLogger("rasa_sdk.forms").debug("Validating %(value)s now, 100%%", {"value": MARKER})
    output = captured.getvalue()
    assert "[redacted] [redacted] [redacted]" in output
    assert "Validating [redacted] now, 100%" in output
    assert MARKER not in output


def test_structlog_json_keeps_only_the_event_name(captured):
    logging.getLogger("rasa.core.actions.forms").debug(
        json.dumps({"event": "forms.slot.extracted", "slot_value": MARKER, "level": "debug"})
    )
    output = captured.getvalue()
    assert "event=forms.slot.extracted" in output and MARKER not in output


def test_exceptions_keep_their_type_and_frames_but_not_their_message(captured):
    try:
        raise ValueError(f"could not save row ({MARKER}, {PHONE})")
    except ValueError:
        logging.getLogger("rasa.core.tracker_store").exception("Error happened")
    output = captured.getvalue()
    assert "ValueError: [redacted]" in output and "test_logging_privacy.py" in output
    assert MARKER not in output and "900461" not in output


def test_our_own_loggers_are_trusted_and_left_as_they_are(captured):
    logging.getLogger("channels.rest").info("rest.webhook.rejected status=%s reason=%s", 400, "'message' too long")
    logging.getLogger("bot.tracker_store").info("Removed %d expired conversation(s).", 3)
    output = captured.getvalue()
    assert "rest.webhook.rejected status=400 reason='message' too long" in output
    assert "Removed 3 expired conversation(s)." in output


def test_install_is_idempotent(captured):
    factory = logging.getLogRecordFactory()
    logging_privacy.install()
    assert logging.getLogRecordFactory() is factory


@pytest.mark.parametrize("message, expected", [
    ("Rasa server is up and running.", "Rasa server is up and running."),
    ("Starting Rasa server on http://0.0.0.0:5005", "Starting Rasa server on [redacted]"),
    ("12 events in tracker", "[redacted]"),
])
def test_redact_message(message, expected):
    assert logging_privacy.redact_message(message) == expected
