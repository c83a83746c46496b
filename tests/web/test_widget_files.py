"""The widget channel's static files: types, caching, and no way out of channels/web/."""

from __future__ import annotations

import re

import pytest

from channels.widget import WEB_DIR, WidgetInput


def test_channel_is_named_widget() -> None:
    assert WidgetInput.name() == "widget"
    assert isinstance(WidgetInput.from_credentials(None), WidgetInput)


@pytest.mark.parametrize(
    "path, filename, content_type, cache",
    [
        ("/webhooks/widget/", "chat.html", "text/html; charset=utf-8", "no-cache"),
        ("/webhooks/widget", "chat.html", "text/html; charset=utf-8", "no-cache"),
        ("/webhooks/widget/demo", "demo.html", "text/html; charset=utf-8", "no-cache"),
        ("/webhooks/widget/widget.js", "widget.js", "text/javascript; charset=utf-8", "public, max-age=300"),
        ("/webhooks/widget/widget.css", "widget.css", "text/css; charset=utf-8", "public, max-age=300"),
        ("/webhooks/widget/page.css", "page.css", "text/css; charset=utf-8", "public, max-age=300"),
    ],
)
def test_static_files_are_served_with_the_right_headers(
    scripted_server, path, filename, content_type, cache
) -> None:
    status, headers, body = scripted_server.request("GET", path)
    assert status == 200
    assert headers["content-type"] == content_type
    assert headers["Cache-Control"] == cache
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert body == (WEB_DIR / filename).read_bytes()


def test_pages_carry_a_content_security_policy(scripted_server) -> None:
    _, headers, _ = scripted_server.request("GET", "/webhooks/widget/demo")
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "default-src 'none'" in csp
    assert "frame-ancestors 'none'" in csp


@pytest.mark.parametrize(
    "path",
    [
        "/webhooks/widget/../widget.py",
        "/webhooks/widget/..%2Fwidget.py",
        "/webhooks/widget/%2e%2e%2fwidget.py",
        "/webhooks/widget/..%2F..%2Fbot%2Fcredentials.yml",
        "/webhooks/widget/chat.html",
        "/webhooks/widget/web/widget.js",
        "/webhooks/widget/%2Fetc%2Fpasswd",
        "/webhooks/widget/widget.js%00.html",
    ],
)
def test_nothing_outside_the_listed_files_is_served(scripted_server, path) -> None:
    status, _, body = scripted_server.request("GET", path)
    assert status == 404
    assert b"import" not in body and b"root:" not in body


def test_demo_page_embeds_the_widget_with_one_script_tag() -> None:
    html = (WEB_DIR / "demo.html").read_text(encoding="utf-8")
    assert "Anytown Council — Drug and alcohol support" in html
    scripts = re.findall(r"<script\b[^>]*>", html)
    assert len(scripts) == 1 and 'src="/webhooks/widget/widget.js"' in scripts[0]


def test_widget_never_writes_html_strings() -> None:
    """Bot text must never be parsed as HTML: no innerHTML, outerHTML, insertAdjacentHTML, document.write."""
    source = (WEB_DIR / "widget.js").read_text(encoding="utf-8")
    code = re.sub(r"/\*.*?\*/", "", source, flags=re.S)
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "localStorage", "document.cookie"):
        assert sink not in code, sink
