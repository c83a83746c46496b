"""Local servers for the channel tests.

``FakeTelegramApi`` is a real HTTP server on 127.0.0.1 (random port, ``http.server`` in a thread) that plays the
parts of the Telegram Bot API our connector uses, so python-telegram-bot's real request layer (HTTPXRequest) runs
end to end: point ``Bot(base_url=api.base_url)`` at it. Every call is recorded with its decoded parameters.

``LocalSanicServer`` runs a Sanic app (Rasa's channel machinery) on 127.0.0.1 in its own thread and event loop,
as ``rasa run`` would, so tests talk to it over real HTTP.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, List, Optional, Set
from urllib.parse import parse_qsl

BOT_USER = {
    "id": 7000000001,
    "is_bot": True,
    "first_name": "Signpost test",
    "username": "signpost_test_bot",
    "can_join_groups": False,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}


@dataclass
class ApiCall:
    method: str
    params: Dict[str, Any]


@dataclass
class FakeTelegramApi:
    token: str
    calls: List[ApiCall] = field(default_factory=list)
    blocked_chats: Set[int] = field(default_factory=set)  # chats that "blocked the bot": sendMessage → 403

    def __post_init__(self) -> None:
        self._message_ids = itertools.count(100)
        self._lock = threading.Lock()
        self._server: Optional[ThreadingHTTPServer] = None

    # --- lifecycle -------------------------------------------------------------------------------------------------

    def start(self) -> "FakeTelegramApi":
        api = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                length = int(self.headers.get("content-length") or 0)
                raw = self.rfile.read(length).decode("utf-8")
                status, body = api._answer(self.path, self.headers.get("content-type") or "", raw)
                encoded = json.dumps(body).encode("utf-8")
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(encoded)))
                self.end_headers()
                self.wfile.write(encoded)

            do_GET = do_POST

            def log_message(self, *args: Any) -> None:  # keep test output quiet
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    @property
    def base_url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}/bot"

    # --- queries for tests -----------------------------------------------------------------------------------------

    def calls_to(self, method: str) -> List[ApiCall]:
        with self._lock:
            return [call for call in self.calls if call.method == method]

    def sent_texts(self) -> List[str]:
        return [call.params["text"] for call in self.calls_to("sendMessage")]

    def clear(self) -> None:
        with self._lock:
            self.calls.clear()

    # --- the API -----------------------------------------------------------------------------------------------------

    @staticmethod
    def _decode(content_type: str, raw: str) -> Dict[str, Any]:
        """PTB posts form fields whose non-string values are JSON (e.g. reply_markup); accept JSON bodies too."""
        if content_type.startswith("application/json"):
            return json.loads(raw or "{}")
        params: Dict[str, Any] = {}
        for name, value in parse_qsl(raw, keep_blank_values=True):
            try:
                params[name] = json.loads(value) if value[:1] in "{[" or value.lstrip("-").isdigit() else value
            except json.JSONDecodeError:
                params[name] = value
        return params

    def _answer(self, path: str, content_type: str, raw: str) -> "tuple[int, Dict[str, Any]]":
        prefix = f"/bot{self.token}/"
        if not path.startswith(prefix):
            return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
        method = path[len(prefix) :].split("?")[0]
        params = self._decode(content_type, raw)
        with self._lock:
            self.calls.append(ApiCall(method, params))
        if method == "getMe":
            return 200, {"ok": True, "result": BOT_USER}
        if method in ("setWebhook", "deleteWebhook", "answerCallbackQuery"):
            return 200, {"ok": True, "result": True}
        if method in ("sendMessage", "editMessageReplyMarkup"):
            chat_id = int(params["chat_id"])
            if chat_id in self.blocked_chats:
                return 403, {"ok": False, "error_code": 403, "description": "Forbidden: bot was blocked by the user"}
            message = {
                "message_id": params.get("message_id") or next(self._message_ids),
                "date": int(time.time()),
                "chat": {"id": chat_id, "type": "private", "first_name": "Test"},
                "from": BOT_USER,
            }
            if "text" in params:
                message["text"] = params["text"]
            if isinstance(params.get("reply_markup"), dict):
                message["reply_markup"] = params["reply_markup"]
            return 200, {"ok": True, "result": message}
        return 404, {"ok": False, "error_code": 404, "description": "Not Found: method not found"}


class LocalSanicServer:
    """Run a Sanic app on 127.0.0.1 (random port) in a background thread with its own event loop."""

    def __init__(self, app: Any) -> None:
        from sanic import Sanic

        # Sanic 21.12 rewrites its own methods ("touch-up") when an app starts; a second app in the same process
        # then fails unless test mode keeps the originals (this is what sanic-testing does too).
        Sanic.test_mode = True
        self.app = app
        self.loop = asyncio.new_event_loop()
        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(128)
        self.port = self._sock.getsockname()[1]
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._error: Optional[BaseException] = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        try:
            server = self.loop.run_until_complete(
                self.app.create_server(sock=self._sock, return_asyncio_server=True, access_log=False)
            )
            self.loop.run_until_complete(server.startup())
            self.loop.run_until_complete(server.before_start())
            self.loop.run_until_complete(server.after_start())
        except BaseException as error:  # surface start-up failures in the test, not a silent hang
            self._error = error
            self._ready.set()
            return
        self._ready.set()
        self.loop.run_forever()
        self.loop.run_until_complete(server.before_stop())
        server.close()
        self.loop.run_until_complete(server.after_stop())

    def start(self) -> "LocalSanicServer":
        self._thread.start()
        self._ready.wait(20)
        if self._error is not None:
            raise self._error
        return self

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)
