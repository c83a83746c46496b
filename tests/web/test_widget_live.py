"""The widget in real Chromium talking to the real assistant (`signpost run`, trained model, directory)."""
from __future__ import annotations

import re

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("browser")]

REPLY_TIMEOUT_MS = 60_000


def _bot_text_count(page) -> int:
    return page.evaluate(
        "() => document.querySelector('[data-signpost-widget]').shadowRoot.querySelectorAll('.sp-msg.sp-bot').length"
    )


def _wait_for_more_bot_messages(page, than: int) -> None:
    page.wait_for_function(
        """n => document.querySelector('[data-signpost-widget]')
                .shadowRoot.querySelectorAll('.sp-msg.sp-bot').length > n""",
        arg=than,
        timeout=REPLY_TIMEOUT_MS,
    )


def test_a_conversation_through_the_widget_on_the_demo_council_page(page, signpost_server):
    page.goto(signpost_server.base_url + "/webhooks/widget/demo")
    page.get_by_role("button", name="Chat: get support").click()
    page.get_by_role("dialog", name=re.compile("chat", re.I)).wait_for()

    before = _bot_text_count(page)
    box = page.get_by_label("Type your message")
    box.fill("i need help with my drinking")
    box.press("Enter")
    _wait_for_more_bot_messages(page, before)

    log = page.locator(".sp-msg.sp-bot")
    # The demo page says where it is (data-area), so options come at once or after one question at most.
    if "town" in log.last.inner_text().lower():
        before = _bot_text_count(page)
        page.get_by_role("group", name="Suggested replies").get_by_role("button", name="Skip").click()
        _wait_for_more_bot_messages(page, before)
    page.wait_for_function(
        """() => [...document.querySelector('[data-signpost-widget]').shadowRoot
                  .querySelectorAll('.sp-msg.sp-bot')].some(m => m.textContent.includes('Open now'))""",
        timeout=REPLY_TIMEOUT_MS,
    )
    # Phone numbers from the directory are real tel: links.
    tel_links = page.locator(".sp-msg.sp-bot a[href^='tel:']")
    assert tel_links.count() >= 1
