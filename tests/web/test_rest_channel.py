"""The REST channel on a real Sanic server, wired by Rasa's own ``register``."""

from __future__ import annotations

import json
import re
import uuid

import pytest

from channels.rest import (
    MAX_BODY_BYTES,
    MAX_MESSAGE_CHARS,
    MAX_SENDER_CHARS,
    MetadataRestInput,
)


def new_sender() -> str:
    return f"test-{uuid.uuid4().hex[:12]}"


def test_channel_is_named_rest_so_it_serves_the_usual_webhook() -> None:
    assert MetadataRestInput.name() == "rest"
    assert MetadataRestInput().url_prefix() == "rest"


def test_health_route(scripted_server) -> None:
    status, _, body = scripted_server.request("GET", "/webhooks/rest/")
    assert status == 200 and json.loads(body) == {"status": "ok"}


def test_metadata_reaches_on_new_message_and_replies_come_back(scripted_server, rest_pseudonym) -> None:
    sender = new_sender()
    stored_as = rest_pseudonym(sender)
    metadata = {"area": "Cheltenham", "channel": "web", "now": "2025-01-04T02:30:00+00:00"}
    status, replies = scripted_server.post_json(
        {"sender": sender, "message": "hello", "metadata": metadata}
    )
    assert status == 200
    assert replies[0]["recipient_id"] == stored_as
    assert replies[0]["text"] == "Hello. What would you like help with?"
    assert [b["payload"] for b in replies[0]["buttons"]] == ["/help_alcohol", "/worried_about_someone"]

    received = [r for r in scripted_server.received() if r["sender"] == stored_as]
    assert len(received) == 1
    message_id = received[0].pop("message_id")
    assert message_id  # a message without an id from the client still gets one (Rasa's own)
    assert received == [
        {"sender": stored_as, "text": "hello", "input_channel": "rest", "metadata": metadata}
    ]


def test_the_client_s_sender_id_never_reaches_the_bot_only_its_keyed_pseudonym(
    scripted_server, rest_pseudonym
) -> None:
    sender = new_sender()
    for message in ("hi", "and again"):
        status, _ = scripted_server.post_json({"sender": sender, "message": message})
        assert status == 200
    senders = [r["sender"] for r in scripted_server.received()]
    assert all(sender not in s for s in senders)
    # Stable: both messages reach the same conversation, under "rest:" and an HMAC-SHA256 of the id.
    assert senders.count(rest_pseudonym(sender)) == 2
    assert re.fullmatch(r"rest:[0-9a-f]{64}", rest_pseudonym(sender))


@pytest.mark.parametrize("metadata", ["Cheltenham", ["area", "x"], 42, None])
def test_metadata_that_is_not_an_object_is_ignored(scripted_server, rest_pseudonym, metadata) -> None:
    sender = new_sender()
    status, _ = scripted_server.post_json({"sender": sender, "message": "hi", "metadata": metadata})
    assert status == 200
    (received,) = [r for r in scripted_server.received() if r["sender"] == rest_pseudonym(sender)]
    assert received["metadata"] is None


def test_client_cannot_choose_the_input_channel(scripted_server, rest_pseudonym) -> None:
    sender = new_sender()
    status, _ = scripted_server.post_json(
        {"sender": sender, "message": "hi", "input_channel": "twilio"}
    )
    assert status == 200
    (received,) = [r for r in scripted_server.received() if r["sender"] == rest_pseudonym(sender)]
    assert received["input_channel"] == "rest"


def test_longest_allowed_message_and_sender_are_accepted(scripted_server) -> None:
    sender = "s" * (MAX_SENDER_CHARS - 1) + "x"
    status, replies = scripted_server.post_json(
        {"sender": sender, "message": "é" * MAX_MESSAGE_CHARS}
    )
    assert status == 200 and replies


@pytest.mark.parametrize(
    "body, expected_error",
    [
        ({"sender": "a"}, "'message' must be a non-empty string."),
        ({"sender": "a", "message": 5}, "'message' must be a non-empty string."),
        ({"sender": "a", "message": "   "}, "'message' must be a non-empty string."),
        ({"sender": "a", "message": "x" * (MAX_MESSAGE_CHARS + 1)}, "at most 2000 characters"),
        ({"message": "hi"}, "'sender' must be a non-empty string."),
        ({"sender": 7, "message": "hi"}, "'sender' must be a non-empty string."),
        ({"sender": "a" * (MAX_SENDER_CHARS + 1), "message": "hi"}, "at most 128 characters"),
        (["sender", "message"], "must be a JSON object"),
    ],
)
def test_invalid_bodies_get_400_with_a_clear_error(scripted_server, body, expected_error) -> None:
    before = len(scripted_server.received())
    status, payload = scripted_server.post_json(body)
    assert status == 400
    assert expected_error in payload["error"]
    assert len(scripted_server.received()) == before, "an invalid message reached the bot"


def test_non_json_body_is_400(scripted_server) -> None:
    status, _, body = scripted_server.request(
        "POST", "/webhooks/rest/webhook", b"sender=a&message=hi",
        {"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert status == 400 and json.loads(body) == {"error": "Request body is not valid JSON."}


def test_invalid_utf8_is_400(scripted_server) -> None:
    raw = b'{"sender": "a", "message": "caf\xe9"}'
    status, _, body = scripted_server.request(
        "POST", "/webhooks/rest/webhook", raw, {"Content-Type": "application/json"}
    )
    assert status == 400 and json.loads(body) == {"error": "Request body is not valid UTF-8."}


def test_oversized_body_is_413(scripted_server) -> None:
    before = len(scripted_server.received())
    padding = "x" * MAX_BODY_BYTES
    raw = json.dumps({"sender": "a", "message": "hi", "metadata": {"pad": padding}}).encode()
    status, _, body = scripted_server.request(
        "POST", "/webhooks/rest/webhook", raw, {"Content-Type": "application/json"}
    )
    assert status == 413 and "larger than" in json.loads(body)["error"]
    assert len(scripted_server.received()) == before


def test_bot_failure_still_answers_and_logs_no_message_text(scripted_server) -> None:
    secret = f"boom my name is Zebedee{uuid.uuid4().hex[:6]} and I use heroin"
    sender = new_sender()
    status, replies = scripted_server.post_json({"sender": sender, "message": secret})
    # Never silent: the bot raised, so the channel answers from safety/ (channels/fallback.py).
    assert status == 200 and replies
    assert "call 999" in replies[0]["text"]
    assert all("Zebedee" not in reply.get("text", "") for reply in replies)
    # Also a rejected request, which is logged too.
    scripted_server.post_json({"sender": sender, "message": secret + "x" * MAX_MESSAGE_CHARS})

    log = scripted_server.log_path.read_text(errors="replace")
    assert "fallback: the bot failed to handle a message (RuntimeError)" in log
    assert "rest.webhook.rejected status=400" in log
    assert "Zebedee" not in log
    assert sender not in log


def test_cors_preflight_allows_a_council_site(scripted_server) -> None:
    """Rasa's --cors handling (configure_cors) must work with our blueprint."""
    status, headers, _ = scripted_server.request(
        "OPTIONS",
        "/webhooks/rest/webhook",
        headers={
            "Origin": "https://www.anytown.gov.uk",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert status in (200, 204)
    lowered = {k.lower(): v for k, v in headers.items()}
    assert lowered["access-control-allow-origin"] in ("*", "https://www.anytown.gov.uk")
