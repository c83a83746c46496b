"""Fixtures for the web channel and widget tests.

``widget_server``: the server the widget talks to.  By default our scripted server
(``scripted_server.py``: the real channels, registered by Rasa's ``register``, with a
scripted agent).  Set ``SIGNPOST_WIDGET_BASE_URL=http://127.0.0.1:5005`` to point the
browser tests at a running signpost instead (started with ``--cors "*"``); tests that
need the scripted replies then skip.

``host_site``: a second local web server on another port, standing in for a council's
website, so the widget is tested cross-origin as it will be used.

``browser``: Debian's Chromium driven by Playwright (never a downloaded browser).
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import shutil
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator, Optional

import pytest

from tests.support.server import free_port
from tests.support.services import unavailable

REPO_ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("SIGNPOST_CHROMIUM", "/usr/bin/chromium"))
AXE_JS = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


#: The scripted server's pseudonym key, so tests can tell which pseudonym a widget id becomes.
TEST_PSEUDONYM_KEY = "signpost-web-tests-pseudonym-key-0123456789abcdef"


@dataclass
class WidgetServer:
    base_url: str
    scripted: bool
    log_path: Optional[Path] = None

    def url(self, path: str) -> str:
        return self.base_url.rstrip("/") + path

    def request(
        self, method: str, path: str, body: Optional[bytes] = None, headers: Optional[dict] = None
    ) -> tuple[int, dict, bytes]:
        """One HTTP request; returns (status, headers, body) for errors too."""
        req = urllib.request.Request(self.url(path), data=body, method=method, headers=headers or {})
        try:
            with urllib.request.urlopen(req, timeout=20) as resp:
                return resp.status, dict(resp.headers), resp.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()

    def post_json(self, body: Any) -> tuple[int, Any]:
        status, _, payload = self.request(
            "POST",
            "/webhooks/rest/webhook",
            json.dumps(body).encode("utf-8"),
            {"Content-Type": "application/json"},
        )
        return status, json.loads(payload or b"null")

    def received(self) -> list[dict]:
        """What the scripted agent's on_new_message hook received, in order."""
        status, _, payload = self.request("GET", "/test/received")
        assert status == 200
        return json.loads(payload)


def _wait_until_up(url: str, process: subprocess.Popen, log_path: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"scripted server exited:\n{log_path.read_text(errors='replace')[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            time.sleep(0.3)
    pytest.fail(f"scripted server did not start:\n{log_path.read_text(errors='replace')[-3000:]}")


@pytest.fixture(scope="session")
def scripted_server(tmp_path_factory) -> Iterator[WidgetServer]:
    """Our channels on a real Sanic server, with a scripted agent behind Rasa's hook."""
    port = free_port()
    log_path = tmp_path_factory.mktemp("web") / "scripted-server.log"
    env = {
        **os.environ,
        "RASA_TELEMETRY_ENABLED": "false",
        "PYTHONPATH": str(REPO_ROOT),
        "SIGNPOST_PSEUDONYM_KEY": TEST_PSEUDONYM_KEY,
    }
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [sys.executable, str(REPO_ROOT / "tests" / "web" / "scripted_server.py"), "--port", str(port)],
            cwd=REPO_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    server = WidgetServer(f"http://127.0.0.1:{port}", scripted=True, log_path=log_path)
    try:
        _wait_until_up(server.url("/webhooks/rest/"), process, log_path)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture
def rest_pseudonym(monkeypatch) -> Callable[[str], str]:
    """What the scripted server's REST channel turns a client's sender id into (channels/identity.py)."""
    from channels.identity import pseudonymise

    monkeypatch.setenv("SIGNPOST_PSEUDONYM_KEY", TEST_PSEUDONYM_KEY)
    return lambda sender: pseudonymise("rest", sender)


@pytest.fixture(scope="session")
def widget_server(request) -> WidgetServer:
    """The bot server for browser tests: a given base URL, or the scripted server."""
    base_url = os.environ.get("SIGNPOST_WIDGET_BASE_URL", "").strip()
    if base_url:
        return WidgetServer(base_url, scripted=False)
    return request.getfixturevalue("scripted_server")


@pytest.fixture
def needs_scripted(widget_server: WidgetServer) -> None:
    if not widget_server.scripted:
        pytest.skip("needs the scripted responder's fixed replies (SIGNPOST_WIDGET_BASE_URL is set)")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib name
        pass


@dataclass
class HostSite:
    """A stand-in council website on its own origin."""

    base_url: str
    root: Path
    widget_base: str

    def page(
        self,
        name: str,
        *,
        title: str = "Anytown Council test page",
        before_widget: str = "",
        **data: str,
    ) -> str:
        """Writes a page embedding the widget with the given data-* attributes; returns its URL."""
        attrs = " ".join(
            f'data-{key.replace("_", "-")}="{value}"' for key, value in data.items()
        )
        html = f"""<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title></head>
<body><main><h1>{title}</h1><p>Some council text.</p>{before_widget}</main>
<script src="{self.widget_base}/webhooks/widget/widget.js" {attrs} defer></script>
</body></html>"""
        (self.root / name).write_text(html, encoding="utf-8")
        return f"{self.base_url}/{name}"


@pytest.fixture(scope="session")
def host_site(widget_server: WidgetServer, tmp_path_factory) -> Iterator[HostSite]:
    root = tmp_path_factory.mktemp("council-site")
    handler = functools.partial(_QuietHandler, directory=str(root))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield HostSite(
            f"http://127.0.0.1:{httpd.server_address[1]}", root, widget_server.base_url.rstrip("/")
        )
    finally:
        httpd.shutdown()
        httpd.server_close()


# Module scope: Playwright's sync API runs an event loop while it is open, and a session-long loop breaks any
# later test that calls asyncio.run(); a browser per module is cheap.
@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        unavailable(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    if not AXE_JS.exists():
        unavailable(f"axe-core not found at {AXE_JS} (npm ci at the repo root)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    if shutil.which(str(CHROMIUM)) is None:
        unavailable(f"{CHROMIUM} is not executable")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


NEUTRAL_SITE_BODY = "<!DOCTYPE html><html lang='en'><title>Weather</title><h1>Weather</h1></html>"


def open_local_page(browser, **context_options: Any):
    """A page in a fresh context that can reach only this machine.

    Quick-exit targets (BBC Weather) are answered locally with a stand-in page; any
    other outside address is refused, so tests never touch the network.
    """
    context = browser.new_context(**{"viewport": {"width": 1280, "height": 800}, **context_options})

    def only_local(route) -> None:
        host = urllib.parse.urlsplit(route.request.url).hostname or ""
        if host in {"127.0.0.1", "localhost"}:
            route.continue_()
        elif host == "www.bbc.co.uk":
            route.fulfill(status=200, content_type="text/html", body=NEUTRAL_SITE_BODY)
        else:
            route.abort()

    context.route("**/*", only_local)
    new_page = context.new_page()
    errors: list[str] = []
    new_page.on("pageerror", lambda error: errors.append(str(error)))
    new_page.js_errors = errors  # type: ignore[attr-defined]
    return new_page


@pytest.fixture
def page(browser):
    new_page = open_local_page(browser)
    try:
        yield new_page
    finally:
        new_page.context.close()


@pytest.fixture
def axe_page(browser):
    """Like ``page`` but lets axe-core be injected into pages served with our strict CSP."""
    new_page = open_local_page(browser, bypass_csp=True)
    try:
        yield new_page
    finally:
        new_page.context.close()
