"""A REST client may name each message (``message_id``) so that sending it again after a lost reply is stored once
(the fault test shows it end to end); a malformed id is a clear 400, never a 5xx."""
from __future__ import annotations

import json

import pytest

from channels.rest import InvalidRequest, parse_webhook_body


def body(**fields) -> bytes:
    return json.dumps({"sender": "someone", "message": "hello", **fields}).encode()


def test_a_message_id_is_accepted_and_kept():
    assert parse_webhook_body(body(message_id="web-3f2a.1:7"))["message_id"] == "web-3f2a.1:7"
    assert "message_id" not in parse_webhook_body(body())


@pytest.mark.parametrize("bad", ["", "x" * 65, "has space", "é", 12, ["a"], {"a": 1}])
def test_a_malformed_message_id_is_refused_with_the_reason(bad):
    with pytest.raises(InvalidRequest) as refused:
        parse_webhook_body(body(message_id=bad))
    assert refused.value.status == 400 and "message_id" in refused.value.error
