"""Serves the embeddable web chat widget and its pages from the Rasa server itself.

Councils embed the widget with one script tag pointing here, so the widget's code is
always the version that matches the bot.  This channel receives no messages: the
widget talks to the REST channel (``channels/rest.py``, ``/webhooks/rest/webhook``).

Routes (under ``/webhooks/widget``):
  ``/``            chat.html  - a simple full-page chat
  ``/demo``        demo.html  - a made-up council page with the widget embedded
  ``/widget.js``   the widget
  ``/widget.css``  its styles (loaded by widget.js into its shadow root)
  ``/page.css``    styles of the two pages above (not of the widget)

Only the files named in ``STATIC_FILES`` can be served: there is no path from the URL to
the file system, so directory traversal is impossible by construction.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels.dedup import KeyValueStore, store_from_env
from channels.limits import TOO_MANY_REQUESTS, RateLimiter, request_address, trusted_proxies_from_env

WEB_DIR = Path(__file__).resolve().parent / "web"

# Pages change with the bot; revalidate every time (cheap, and a council never serves
# a stale page).  Scripts and styles may be cached briefly: a fix reaches every council
# site within five minutes.
HTML_CACHE = "no-cache"
ASSET_CACHE = "public, max-age=300"

# The pages only load our own script and style and only talk to this server.
PAGE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
    "img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)


@dataclass(frozen=True)
class StaticFile:
    filename: str
    content_type: str
    cache_control: str
    is_page: bool = False


STATIC_FILES: Dict[str, StaticFile] = {
    "": StaticFile("chat.html", "text/html; charset=utf-8", HTML_CACHE, is_page=True),
    "demo": StaticFile("demo.html", "text/html; charset=utf-8", HTML_CACHE, is_page=True),
    "widget.js": StaticFile("widget.js", "text/javascript; charset=utf-8", ASSET_CACHE),
    "widget.css": StaticFile("widget.css", "text/css; charset=utf-8", ASSET_CACHE),
    "page.css": StaticFile("page.css", "text/css; charset=utf-8", ASSET_CACHE),
}


def _serve(static: StaticFile) -> HTTPResponse:
    headers = {
        "Cache-Control": static.cache_control,
        "X-Content-Type-Options": "nosniff",
    }
    if static.is_page:
        headers["Content-Security-Policy"] = PAGE_CSP
        headers["Referrer-Policy"] = "no-referrer"
    else:
        # Council pages on other origins load these files.
        headers["Cross-Origin-Resource-Policy"] = "cross-origin"
    body = (WEB_DIR / static.filename).read_bytes()
    return response.raw(body, content_type=static.content_type, headers=headers)


class WidgetInput(InputChannel):
    """A "channel" that only serves the widget's static files, within the per-address limit (channels/limits.py)."""

    def __init__(self, store: Optional[KeyValueStore] = None) -> None:
        self._limiter = RateLimiter.from_env(store if store is not None else store_from_env())
        self._trusted_proxies = trusted_proxies_from_env()

    async def _limited(self, request: Request) -> Optional[HTTPResponse]:
        wait = await self._limiter.check_request(self.name(), request_address(request, self._trusted_proxies))
        if wait is None:
            return None
        return response.json({"error": TOO_MANY_REQUESTS, "retry_after": wait}, status=429,
                             headers={"Retry-After": str(wait)})

    @classmethod
    def name(cls) -> Text:
        return "widget"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "WidgetInput":
        return cls()

    def blueprint(
        self, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> Blueprint:
        widget = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)

        @widget.route("/", methods=["GET", "HEAD"])
        async def chat_page(request: Request) -> HTTPResponse:
            return await self._limited(request) or _serve(STATIC_FILES[""])

        @widget.route("/<name:str>", methods=["GET", "HEAD"])
        async def static_file(request: Request, name: str) -> HTTPResponse:
            limited = await self._limited(request)
            if limited is not None:
                return limited
            # "" is the trailing-slash form of the chat page, /webhooks/widget/.
            static = STATIC_FILES.get(name)
            if static is None:
                return response.json({"error": "Not found."}, status=404)
            return _serve(static)

        return widget
