"""The plan view in real Chromium: behind a shared-device warning (again after hiding), printable on its own,
copyable, never stored, gone on quick exit, and accessible (axe-core)."""
from __future__ import annotations

import re

import pytest

from tests.web.plan_fixture import sample_plan_view
from tests.web.test_widget_browser import bot_messages, open_widget, run_axe, send

pytestmark = pytest.mark.usefixtures("browser", "needs_scripted")

SHADOW = "document.querySelector('[data-signpost-widget]').shadowRoot"


def ask_for_plan(page, widget_server, **goto):
    page.goto(goto.get("url") or widget_server.url("/webhooks/widget/demo"))
    dialog = open_widget(page)
    send(page, "/ask_plan")
    dialog.get_by_role("region", name="Your plan").wait_for()
    return dialog


def test_the_plan_waits_behind_a_warning_and_asks_again_after_hiding(page, widget_server):
    dialog = ask_for_plan(page, widget_server)
    plan = dialog.get_by_role("region", name="Your plan")
    assert "anyone who uses this device could see your plan" in plan.inner_text()
    assert "01632 960101" not in plan.inner_text(), "nothing of the plan is on screen before the warning"
    plan.get_by_role("button", name="Show my plan").click()
    text = plan.inner_text()
    assert "Oakhaven Alcohol Service" in text and "Next opens tomorrow at 9am" in text
    assert "refer myself" in text and "At any hour" in text and "999" in text
    assert plan.get_by_role("link", name="01632 960101").get_attribute("href") == "tel:01632960101"
    plan.get_by_role("button", name="Hide plan").click()
    assert "01632 960101" not in plan.inner_text()
    assert plan.get_by_role("button", name="Show my plan").is_visible()
    assert page.js_errors == []


def test_print_shows_only_the_plan(page, widget_server):
    dialog = ask_for_plan(page, widget_server)
    page.evaluate("() => { window.__printed = 0; }")
    plan = dialog.get_by_role("region", name="Your plan")
    plan.get_by_role("button", name="Show my plan").click()
    plan.get_by_role("button", name="Print").click()
    printable = page.evaluate(f"() => {SHADOW}.querySelector('.sp-print-frame').contentDocument.body.innerText")
    assert "Oakhaven Recovery Hub" in printable and "refer myself" in printable
    assert "Type your message" not in printable and "Exit this page" not in printable


def test_copy_puts_the_plan_text_on_the_clipboard(browser, widget_server):
    from tests.web.conftest import open_local_page

    page = open_local_page(browser, permissions=["clipboard-read", "clipboard-write"])
    try:
        dialog = ask_for_plan(page, widget_server)
        plan = dialog.get_by_role("region", name="Your plan")
        plan.get_by_role("button", name="Show my plan").click()
        plan.get_by_role("button", name="Copy").click()
        plan.get_by_role("status").filter(has_text=re.compile("Copied")).wait_for()
        assert page.evaluate("() => navigator.clipboard.readText()") == sample_plan_view()["text"]
    finally:
        page.context.close()


def test_the_plan_is_never_stored_even_when_the_chat_is(page, widget_server, host_site):
    dialog = ask_for_plan(page, widget_server, url=host_site.page("plan-persist.html", persist="true"))
    dialog.get_by_role("region", name="Your plan").get_by_role("button", name="Show my plan").click()
    stored = page.evaluate("() => JSON.stringify(sessionStorage) + JSON.stringify(localStorage) + document.cookie")
    assert "01632 960101" not in stored and "Oakhaven" not in stored
    page.reload()
    page.wait_for_function(f"() => {SHADOW}.querySelectorAll('.sp-msg.sp-bot').length >= 2")
    assert "not saved on this device" in bot_messages(page).last.inner_text()  # the chat came back ...
    assert page.evaluate(f"() => {SHADOW}.querySelector('.sp-plan')") is None  # ... and the plan did not


def test_quick_exit_takes_the_plan_away(page, widget_server):
    dialog = ask_for_plan(page, widget_server)
    dialog.get_by_role("region", name="Your plan").get_by_role("button", name="Show my plan").click()
    dialog.get_by_role("button", name=re.compile("Exit this page")).click()
    page.wait_for_url(re.compile("bbc.co.uk"))
    assert "Oakhaven" not in page.content()


def test_the_plan_view_has_no_accessibility_violations(axe_page, widget_server):
    dialog = ask_for_plan(axe_page, widget_server)
    dialog.get_by_role("region", name="Your plan").get_by_role("button", name="Show my plan").click()
    assert run_axe(axe_page) == []
    dialog.get_by_role("region", name="Your plan").get_by_role("button", name="Hide plan").click()
    assert run_axe(axe_page) == []
