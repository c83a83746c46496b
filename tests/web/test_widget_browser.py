"""The widget in real Chromium: conversation, keyboard use, quick exit, safety, layout, axe-core.

Skipped (with the reason) only when /usr/bin/chromium or node_modules/axe-core is missing.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from channels.limits import TOO_MANY_REQUESTS

# Same path the ``browser`` fixture checks before it lets these tests run.
AXE_JS = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"

pytestmark = pytest.mark.usefixtures("browser")

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# What reaches the bot: the REST channel's keyed pseudonym of the widget's random id, never the id itself.
SENDER_PATTERN = re.compile(r"^rest:[0-9a-f]{64}$")
REPLY_TIMEOUT_MS = 30_000


# ---------- helpers ----------

def open_widget(page):
    page.get_by_role("button", name="Chat: get support").click()
    dialog = page.get_by_role("dialog", name=re.compile("chat", re.I))
    dialog.wait_for()
    return dialog


def bot_messages(page):
    return page.locator(".sp-msg.sp-bot")


def send(page, text: str) -> None:
    before = bot_messages(page).count()
    box = page.get_by_label("Type your message")
    box.fill(text)
    box.press("Enter")
    wait_for_bot_count(page, before + 1)


def wait_for_bot_count(page, count: int) -> None:
    page.wait_for_function(
        """n => document.querySelector('[data-signpost-widget]')
                .shadowRoot.querySelectorAll('.sp-msg.sp-bot').length >= n""",
        arg=count,
        timeout=REPLY_TIMEOUT_MS,
    )


def shadow_active_label(page) -> str:
    """Text or aria-label of the focused element inside the widget."""
    return page.evaluate(
        """() => {
            const host = document.querySelector('[data-signpost-widget]');
            const el = host && host.shadowRoot.activeElement;
            if (!el) return '';
            return el.getAttribute('aria-label') || el.id || el.textContent.trim();
        }"""
    )


def run_axe(page) -> list[dict]:
    page.add_script_tag(path=str(AXE_JS))
    results = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        WCAG_TAGS,
    )
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["html"][:160] for n in v["nodes"]]}
        for v in results["violations"]
    ]


# ---------- conversation ----------

def test_conversation_with_typed_message_and_quick_reply(page, widget_server) -> None:
    page.goto(widget_server.url("/webhooks/widget/demo"))
    open_widget(page)
    assert bot_messages(page).count() == 1  # the welcome

    send(page, "hello")
    assert page.locator(".sp-msg.sp-user").last.inner_text().endswith("hello")
    quick_replies = page.get_by_role("group", name="Suggested replies").get_by_role("button")
    if widget_server.scripted:
        assert quick_replies.all_inner_texts() == ["Find support near me", "I'm worried about someone"]
    if quick_replies.count():
        before = bot_messages(page).count()
        title = quick_replies.first.inner_text()
        quick_replies.first.click()
        wait_for_bot_count(page, before + 1)
        assert page.locator(".sp-msg.sp-user").last.inner_text().endswith(title)
        assert page.get_by_role("group", name="Suggested replies").count() in (0, 1)

    if widget_server.scripted:
        reply = bot_messages(page).last
        assert "Example Recovery Service" in reply.inner_text()
        assert reply.get_by_role("link", name="01632 960 123").get_attribute("href") == "tel:01632960123"
        web_link = reply.get_by_role("link", name="https://example.org/help")
        assert web_link.get_attribute("href") == "https://example.org/help"
        assert web_link.get_attribute("rel") == "noopener noreferrer"

        received = widget_server.received()[-2:]
        assert [r["text"] for r in received] == ["hello", "/help_alcohol"]
        for r in received:
            assert r["metadata"] == {"channel": "web", "area": "Cheltenham"}
            assert SENDER_PATTERN.match(r["sender"])
        assert received[0]["sender"] == received[1]["sender"]
    assert page.js_errors == []


def test_council_site_on_another_origin_talks_to_the_bot(page, widget_server, host_site, needs_scripted) -> None:
    url = host_site.page("cross-origin.html", area="Gloucester", now="2025-01-04T02:30:00+00:00")
    page.goto(url)
    open_widget(page)
    send(page, "hi")
    assert "What would you like help with?" in bot_messages(page).last.inner_text()
    assert widget_server.received()[-1]["metadata"] == {
        "channel": "web",
        "area": "Gloucester",
        "now": "2025-01-04T02:30:00+00:00",
    }


def test_each_page_load_gets_a_new_random_sender(page, widget_server, needs_scripted) -> None:
    senders = []
    for _ in range(2):
        page.goto(widget_server.url("/webhooks/widget/demo"))
        open_widget(page)
        send(page, "hi")
        senders.append(widget_server.received()[-1]["sender"])
    assert senders[0] != senders[1]
    assert all(SENDER_PATTERN.match(s) for s in senders)


def test_nothing_is_stored_by_default(page, widget_server) -> None:
    page.goto(widget_server.url("/webhooks/widget/demo"))
    open_widget(page)
    send(page, "hello")
    assert page.context.cookies() == []
    assert page.evaluate("localStorage.length") == 0
    assert page.evaluate("sessionStorage.length") == 0


def test_typing_indicator_shows_while_waiting(page, widget_server, needs_scripted) -> None:
    page.goto(widget_server.url("/webhooks/widget/demo"))
    open_widget(page)
    box = page.get_by_label("Type your message")
    box.fill("slow")
    box.press("Enter")
    status = page.get_by_role("status")
    page.wait_for_function(
        """() => document.querySelector('[data-signpost-widget]').shadowRoot
                .querySelector('.sp-typing').textContent.includes('typing')"""
    )
    wait_for_bot_count(page, 2)
    assert status.inner_text().strip() == ""


def test_network_error_shows_plain_message_and_retry_works(page, widget_server) -> None:
    failures = {"left": 1}

    def fail_once(route) -> None:
        if failures["left"]:
            failures["left"] -= 1
            route.abort("internetdisconnected")
        else:
            route.continue_()

    page.route("**/webhooks/rest/webhook", fail_once)
    page.goto(widget_server.url("/webhooks/widget/demo"))
    open_widget(page)
    box = page.get_by_label("Type your message")
    box.fill("hello")
    box.press("Enter")
    retry = page.get_by_role("button", name="Try again")
    retry.wait_for()
    assert "did not send" in page.locator(".sp-error").inner_text()
    retry.click()
    wait_for_bot_count(page, 2)
    assert page.locator(".sp-error").count() == 0


def test_a_limit_shows_the_server_s_words_with_999_and_retry_works(page, widget_server) -> None:
    limited = {"left": 1}

    def limit_once(route) -> None:
        if limited["left"]:
            limited["left"] -= 1
            route.fulfill(status=429, content_type="application/json", headers={"Retry-After": "3"},
                          body=json.dumps({"error": TOO_MANY_REQUESTS, "retry_after": 3}))
        else:
            route.continue_()

    page.route("**/webhooks/rest/webhook", limit_once)
    page.goto(widget_server.url("/webhooks/widget/demo"))
    open_widget(page)
    box = page.get_by_label("Type your message")
    box.fill("hello")
    box.press("Enter")
    retry = page.get_by_role("button", name="Try again")
    retry.wait_for()
    notice = page.locator(".sp-error").inner_text()
    assert TOO_MANY_REQUESTS in notice and "999" in notice
    assert "internet connection" not in notice
    retry.click()
    wait_for_bot_count(page, 2)
    assert page.locator(".sp-error").count() == 0


# ---------- safety ----------

def test_reply_with_html_renders_as_text(page, widget_server, needs_scripted) -> None:
    page.goto(widget_server.url("/webhooks/widget/demo"))
    open_widget(page)
    send(page, "xss")
    page.wait_for_timeout(300)  # give any injected handler a chance to run
    reply = bot_messages(page).last
    assert '<img src=x onerror="window.__xss=1">' in reply.inner_text()
    assert "<script>window.__xss=2</script>" in reply.inner_text()
    assert page.evaluate("window.__xss") is None
    counts = page.evaluate(
        """() => {
            const root = document.querySelector('[data-signpost-widget]').shadowRoot;
            return {
                img: root.querySelectorAll('img').length + document.querySelectorAll('img').length,
                script: root.querySelectorAll('script').length,
                jsLinks: [...root.querySelectorAll('a')].filter(a => !/^(https?|tel):/.test(a.href)).length,
            };
        }"""
    )
    assert counts == {"img": 0, "script": 0, "jsLinks": 0}
    button = page.get_by_role("button", name='<img src=x onerror="window.__xss=4">')
    assert button.count() == 1


def test_always_shows_in_danger_call_999(page, widget_server) -> None:
    page.goto(widget_server.url("/webhooks/widget/demo"))
    dialog = open_widget(page)
    link = dialog.get_by_role("link", name="999")
    assert link.get_attribute("href") == "tel:999"
    assert "In danger? Call 999" in dialog.locator(".sp-danger").inner_text()


def test_low_contrast_brand_colour_falls_back_to_accessible_blue(page, host_site) -> None:
    page.goto(host_site.page("yellow.html", colour="#ffee00"))
    launcher = page.get_by_role("button", name="Chat: get support")
    assert launcher.evaluate("el => getComputedStyle(el).backgroundColor") == "rgb(29, 112, 184)"
    page.goto(host_site.page("purple.html", colour="#4c2c92"))
    launcher = page.get_by_role("button", name="Chat: get support")
    assert launcher.evaluate("el => getComputedStyle(el).backgroundColor") == "rgb(76, 44, 146)"


# ---------- quick exit ----------

def test_quick_exit_button_replaces_page_and_leaves_nothing(page, widget_server, host_site) -> None:
    before = host_site.page("before.html", title="Earlier page")
    chat = host_site.page("persist.html", persist="true")
    page.goto(before)
    page.goto(chat)
    open_widget(page)
    send(page, "hello")
    stored = page.evaluate("JSON.parse(sessionStorage.getItem('signpost-chat'))")
    assert [m["from"] for m in stored["messages"]] == ["bot", "user", "bot"]

    page.get_by_role("button", name="Emergency Exit this page").click()
    page.wait_for_url("https://www.bbc.co.uk/weather")
    page.go_back()
    assert page.url == before, "Back returned to the chat page: exit must use location.replace"

    page.goto(chat)  # same tab, same origin: sessionStorage would still be there
    fresh = page.evaluate("JSON.parse(sessionStorage.getItem('signpost-chat'))")
    assert fresh["sender"] != stored["sender"]
    assert [m["from"] for m in fresh["messages"]] == ["bot"]  # only a new welcome
    open_widget(page)
    assert bot_messages(page).count() == 1  # only a fresh welcome


def test_persisted_chat_survives_moving_between_pages(page, host_site, widget_server) -> None:
    first = host_site.page("persist-a.html", persist="true")
    second = host_site.page("persist-b.html", persist="true")
    page.goto(first)
    open_widget(page)
    send(page, "hello")
    page.goto(second)
    page.get_by_role("dialog").wait_for()
    assert page.locator(".sp-msg.sp-user").last.inner_text().endswith("hello")
    assert page.evaluate("localStorage.length") == 0 and page.context.cookies() == []


def test_shift_three_times_exits(page, widget_server) -> None:
    page.goto(widget_server.url("/webhooks/widget/demo"))
    open_widget(page)
    send(page, "hello")
    for _ in range(3):
        page.keyboard.press("Shift")
    page.wait_for_url("https://www.bbc.co.uk/weather")
    assert page.get_by_role("heading").inner_text() == "Weather"


def test_typing_capitals_does_not_exit(page, widget_server) -> None:
    page.goto(widget_server.url("/webhooks/widget/demo"))
    open_widget(page)
    page.keyboard.press("Shift")
    page.keyboard.press("Shift+A")
    page.keyboard.press("Shift")
    page.keyboard.press("Shift+B")
    page.keyboard.press("Shift")
    page.wait_for_timeout(300)
    assert page.url.endswith("/webhooks/widget/demo")


# ---------- keyboard ----------

def test_keyboard_only_flow(page, widget_server, host_site) -> None:
    page.goto(host_site.page("keyboard.html"))  # a page with no other controls
    page.keyboard.press("Tab")
    assert shadow_active_label(page) == "Chat: get support"
    launcher_outline = page.evaluate(
        """() => {
            const el = document.querySelector('[data-signpost-widget]').shadowRoot.activeElement;
            const s = getComputedStyle(el);
            return [s.outlineStyle, s.outlineWidth, s.boxShadow];
        }"""
    )
    assert launcher_outline[2] != "none", "focused launcher has no visible focus ring"

    page.keyboard.press("Enter")
    assert shadow_active_label(page) == "sp-input"
    page.keyboard.type("hello")
    page.keyboard.press("Enter")
    wait_for_bot_count(page, 2)
    assert shadow_active_label(page) == "sp-input"

    outline = page.evaluate(
        """() => {
            const el = document.querySelector('[data-signpost-widget]').shadowRoot.activeElement;
            const s = getComputedStyle(el);
            return [s.outlineStyle, s.outlineWidth];
        }"""
    )
    assert outline == ["solid", "3px"]

    page.keyboard.press("Tab")
    assert shadow_active_label(page) == "Send"
    page.keyboard.press("Tab")
    assert shadow_active_label(page) == "999"

    if widget_server.scripted:
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Shift+Tab")
        assert shadow_active_label(page) == "I'm worried about someone"
        page.keyboard.press("Enter")
        wait_for_bot_count(page, 3)
        assert "That sounds hard" in bot_messages(page).last.inner_text()
        assert shadow_active_label(page) == "sp-input"

    page.keyboard.press("Escape")
    assert page.get_by_role("dialog").count() == 0
    assert shadow_active_label(page) == "Chat: get support"
    page.keyboard.press("Enter")
    assert shadow_active_label(page) == "sp-input"
    assert bot_messages(page).count() >= 2, "closing and reopening lost the conversation"


def test_controls_have_labels_and_targets_of_at_least_24px(page, widget_server) -> None:
    page.goto(widget_server.url("/webhooks/widget/demo"))
    open_widget(page)
    send(page, "hello")
    sizes = page.evaluate(
        """() => [...document.querySelector('[data-signpost-widget]').shadowRoot
                .querySelectorAll('button, input')]
                .filter(el => el.offsetParent !== null)
                .map(el => { const r = el.getBoundingClientRect();
                             return [el.textContent.trim() || el.id, r.width, r.height]; })"""
    )
    assert len(sizes) >= 5
    for name, width, height in sizes:
        assert width >= 24 and height >= 24, (name, width, height)
    log = page.get_by_role("log", name="Conversation")
    assert log.get_attribute("aria-live") == "polite"


# ---------- layout ----------

@pytest.mark.parametrize("width, height", [(320, 640), (640, 400)])  # phone; 1280x800 at 200% zoom
def test_no_horizontal_scroll_on_small_screens(browser, widget_server, width, height) -> None:
    context = browser.new_context(viewport={"width": width, "height": height})
    try:
        page = context.new_page()
        page.goto(widget_server.url("/webhooks/widget/demo"))
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        open_widget(page)
        send(page, "hello " + "averyveryverylongwordwithoutanyspaces" * 3)
        dims = page.evaluate(
            """() => {
                const root = document.querySelector('[data-signpost-widget]').shadowRoot;
                const panel = root.querySelector('.sp-panel').getBoundingClientRect();
                const log = root.querySelector('.sp-log');
                return {doc: document.documentElement.scrollWidth, left: panel.left,
                        right: panel.right, logOverflow: log.scrollWidth - log.clientWidth};
            }"""
        )
        assert dims["doc"] <= width
        assert dims["left"] >= 0 and dims["right"] <= width
        assert dims["logOverflow"] <= 0
        assert page.get_by_label("Type your message").is_visible()
        assert page.get_by_role("button", name="Send").is_visible()
    finally:
        context.close()


# ---------- axe-core ----------

@pytest.mark.parametrize("width", [1280, 320])
def test_axe_finds_no_wcag_violations_on_demo_page_with_widget_open(axe_page, widget_server, width) -> None:
    page = axe_page
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(widget_server.url("/webhooks/widget/demo"))
    assert run_axe(page) == []  # closed: launcher only
    open_widget(page)
    send(page, "hello")  # a reply, with quick replies showing
    assert run_axe(page) == []


def test_axe_finds_no_wcag_violations_on_chat_page(axe_page, widget_server) -> None:
    page = axe_page
    page.goto(widget_server.url("/webhooks/widget/"))
    page.get_by_role("region", name="Signpost chat").wait_for()
    send(page, "hello")
    assert run_axe(page) == []


def test_axe_check_sees_inside_the_widget(axe_page, widget_server) -> None:
    """Guards the zero-violation tests above: an unlabelled control in the shadow root is caught."""
    page = axe_page
    page.goto(widget_server.url("/webhooks/widget/demo"))
    open_widget(page)
    page.evaluate(
        """() => document.querySelector('[data-signpost-widget]').shadowRoot
                .querySelector('.sp-form').appendChild(document.createElement('input'))"""
    )
    assert "label" in [v["id"] for v in run_axe(page)]
