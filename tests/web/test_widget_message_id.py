"""The widget names each message with a random ``message_id`` and keeps it for "Try again", in real Chromium.

Why: when the reply is lost on the way back (the phone's signal drops after the server took the message), "Try
again" sends the message a second time. With the same ``message_id`` the REST channel hands Rasa the same
``UserMessage.message_id`` and the conversation store keeps the turn once (channels/rest.py).
"""

from __future__ import annotations

import json
import re
import urllib.request

import pytest

pytestmark = pytest.mark.usefixtures("browser")

MESSAGE_ID = re.compile(r"^m-[0-9a-f]{32}$")  # within the REST channel's 1-64 letters, digits, - _ . :


def open_widget(page) -> None:
    page.get_by_role("button", name="Chat: get support").click()
    page.get_by_role("dialog", name=re.compile("chat", re.I)).wait_for()


def type_and_send(page, text: str) -> None:
    box = page.get_by_label("Type your message")
    box.fill(text)
    box.press("Enter")


def wait_for_bot_count(page, count: int) -> None:
    page.wait_for_function(
        """n => document.querySelector('[data-signpost-widget]')
                .shadowRoot.querySelectorAll('.sp-msg.sp-bot').length >= n""",
        arg=count,
        timeout=30_000,
    )


def received_by_the_bot(widget_server) -> list:
    with urllib.request.urlopen(widget_server.url("/test/received"), timeout=10) as resp:
        return json.load(resp)


def test_try_again_after_a_lost_reply_sends_the_same_message_id(page, widget_server, needs_scripted) -> None:
    bodies = []
    lost = {"left": 1}

    def lose_the_first_reply(route) -> None:
        bodies.append(route.request.post_data_json)
        if lost["left"]:
            lost["left"] -= 1
            route.fetch()  # the server gets the message and answers ...
            route.abort("internetdisconnected")  # ... but the answer never reaches the phone
        else:
            route.continue_()

    page.route("**/webhooks/rest/webhook", lose_the_first_reply)
    page.goto(widget_server.url("/webhooks/widget/demo"))
    open_widget(page)
    before = page.locator(".sp-msg.sp-bot").count()
    type_and_send(page, "hello")
    retry = page.get_by_role("button", name="Try again")
    retry.wait_for()
    retry.click()
    wait_for_bot_count(page, before + 1)
    type_and_send(page, "something else")
    wait_for_bot_count(page, before + 2)

    first, again, other = bodies
    assert (first["message"], again["message"], other["message"]) == ("hello", "hello", "something else")
    assert MESSAGE_ID.match(first["message_id"])
    assert again["message_id"] == first["message_id"]
    assert other["message_id"] != first["message_id"] and MESSAGE_ID.match(other["message_id"])
    # The id reaches Rasa's UserMessage both times (the server really took the first try).
    received = received_by_the_bot(widget_server)
    mine = [r["message_id"] for r in received if r["sender"] == received[-1]["sender"]]
    assert mine[-3:] == [first["message_id"], first["message_id"], other["message_id"]]
