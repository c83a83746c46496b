"""Privacy through the running assistant: `signpost run --debug` with the trained model (fixture privacy_server).

"Forget me" really removes the stored conversation; the privacy notice comes once, after the first answer (and
after emergency guidance); the conversation store holds pseudonyms, never the client's id; and the logs of both
servers at DEBUG hold no message text, phone number or id.
"""
from __future__ import annotations

import urllib.parse
import urllib.request
import uuid
import xml.etree.ElementTree as ElementTree

import pytest
import sqlalchemy as sa
from twilio.request_validator import RequestValidator

from tests.support.server import TWILIO_AUTH_TOKEN, Conversation

pytestmark = pytest.mark.slow

NOTICE_START = "About this chat:"
SUNDAY_2AM = "2026-11-29T02:00:00+00:00"


def stored(server, sender_id: str) -> list[tuple[str, str | None, str | None]]:
    """(type, intent, action) of every stored event of one conversation, in order."""
    engine = sa.create_engine(server.tracker_url, future=True)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                sa.text("SELECT type_name, intent_name, action_name FROM events WHERE sender_id = :s ORDER BY id"),
                {"s": sender_id},
            ).all()
        return [tuple(row) for row in rows]
    finally:
        engine.dispose()


def all_stored_senders(server) -> set[str]:
    engine = sa.create_engine(server.tracker_url, future=True)
    try:
        with engine.connect() as connection:
            return set(connection.execute(sa.text("SELECT DISTINCT sender_id FROM events")).scalars())
    finally:
        engine.dispose()


def texts(replies: list[dict]) -> list[str]:
    return [r.get("text", "") for r in replies]


def test_forget_me_removes_the_stored_conversation_and_the_next_message_starts_afresh(privacy_server, pseudonym):
    person = Conversation(privacy_server, sender=f"web-{uuid.uuid4().hex}", metadata={"now": SUNDAY_2AM})
    stored_as = pseudonym("rest", person.sender)
    person.say("need help with my drinking")
    person.say("Cheltenham")
    assert ("user", "help_alcohol", None) in stored(privacy_server, stored_as)

    reply = "\n".join(texts(person.say("forget me")))

    assert "deleted" in reply and "start again" in reply
    assert stored(privacy_server, stored_as) == [], "nothing of the conversation is kept, the last turn included"

    again = texts(person.say("hi"))
    events = stored(privacy_server, stored_as)
    assert [intent for kind, intent, _ in events if kind == "user"] == ["greet"], "a fresh conversation"
    assert again[-1].startswith(NOTICE_START), "a new conversation gets the notice again"


def test_misspelt_and_other_wordings_also_erase(privacy_server, pseudonym):
    for wording in ("forgt me pls", "delete this chat", "wipe this conversation"):
        person = Conversation(privacy_server, sender=f"web-{uuid.uuid4().hex}")
        person.say("hello")
        assert stored(privacy_server, pseudonym("rest", person.sender))
        assert "deleted" in "\n".join(texts(person.say(wording))), wording
        assert stored(privacy_server, pseudonym("rest", person.sender)) == [], wording


def test_forget_me_while_asked_for_the_area_erases_and_does_not_ask_again(privacy_server, pseudonym):
    person = Conversation(privacy_server, sender=f"web-{uuid.uuid4().hex}")
    assert "Which town" in "\n".join(texts(person.say("cant stop using gear")))
    reply = "\n".join(texts(person.say("forget me")))
    assert "deleted" in reply and "Which town" not in reply
    assert stored(privacy_server, pseudonym("rest", person.sender)) == []


def test_the_privacy_notice_comes_once_after_the_first_answer(privacy_server):
    person = privacy_server.conversation(now=SUNDAY_2AM)
    first = texts(person.say("need help with my drinking in Cheltenham"))
    assert not first[0].startswith(NOTICE_START), "the answer comes first"
    notices = [t for t in first if t.startswith(NOTICE_START)]
    assert notices == [first[-1]]
    assert "24 hours" in notices[0] and "forget me" in notices[0] and "can read it" in notices[0]

    for message in ("whats open now", "when is drinkline open", "hello"):
        assert not [t for t in texts(person.say(message)) if t.startswith(NOTICE_START)], message


def test_emergency_guidance_comes_before_the_notice(privacy_server):
    person = privacy_server.conversation()
    replies = texts(person.say("my son isnt breathing"))
    assert "999" in replies[0]
    assert replies[-1].startswith(NOTICE_START)


def test_the_store_holds_keyed_pseudonyms_never_the_client_s_id(privacy_server, pseudonym):
    raw = f"web-{uuid.uuid4().hex}"
    Conversation(privacy_server, sender=raw).say("hello")
    senders = all_stored_senders(privacy_server)
    assert pseudonym("rest", raw) in senders
    assert not [s for s in senders if raw in s]
    assert all(s.split(":")[0] in {"rest", "sms", "telegram"} and len(s.split(":")[1]) == 64 for s in senders)


def _text_by_sms(server, phone: str, body: str) -> list[str]:
    url = server.base_url + "/webhooks/sms/webhook"
    params = {"From": phone, "To": "+447700900000", "Body": body, "MessageSid": "SM" + uuid.uuid4().hex,
              "AccountSid": "ACprivacy000000000000000000000000"}
    request = urllib.request.Request(
        url, data=urllib.parse.urlencode(params).encode(), method="POST",
        headers={"Content-Type": "application/x-www-form-urlencoded",
                 "X-Twilio-Signature": RequestValidator(TWILIO_AUTH_TOKEN).compute_signature(url, params)},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return [m.text or "" for m in ElementTree.fromstring(response.read()).iter("Message")]


def test_forget_me_by_sms_erases_the_texter_s_conversation(privacy_server, pseudonym):
    phone = "+447700900" + str(uuid.uuid4().int)[:3]
    assert _text_by_sms(privacy_server, phone, "need help with drugs")
    assert stored(privacy_server, pseudonym("sms", phone))
    assert "deleted" in "\n".join(_text_by_sms(privacy_server, phone, "forget me"))
    assert stored(privacy_server, pseudonym("sms", phone)) == []


def test_logs_at_debug_hold_no_message_text_phone_number_or_id(privacy_server, pseudonym):
    marker = f"Quixotrellis{uuid.uuid4().hex[:8]}"
    number = "07700 900" + str(uuid.uuid4().int)[:3]
    raw_sender = f"web-{uuid.uuid4().hex}"
    phone = "+447700900" + str(uuid.uuid4().int)[:3]

    web = Conversation(privacy_server, sender=raw_sender, metadata={"now": SUNDAY_2AM})
    web.say(f"my brother {marker} drinks, call me on {number}")
    web.say(f"{marker} Gloucester")
    web.say("forget me")
    sms_replies = _text_by_sms(privacy_server, phone, f"need help with drugs {marker} {number}")
    assert sms_replies, "the SMS channel answered"

    log = privacy_server.log_path.read_text(errors="replace")
    assert "DEBUG" in log and "rasa.core.processor" in log, "the server really logged at DEBUG"
    # The record that carries the parsed text (Rasa 3.6.21: structlog "processor.message.parse") was logged, redacted.
    assert "event=processor.message.parse" in log
    leaks = {
        "message text": marker,
        "phone number in the text": number.replace(" ", "")[-6:],
        "phone number in the text (spaced)": number,
        "web sender id": raw_sender,
        "web pseudonym": pseudonym("rest", raw_sender).split(":")[1],
        "SMS number": phone[3:],
        "SMS pseudonym": pseudonym("sms", phone).split(":")[1],
    }
    assert {what: value for what, value in leaks.items() if value in log} == {}
