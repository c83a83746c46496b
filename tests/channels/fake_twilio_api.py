"""A local HTTP server playing the one part of Twilio's REST API we use: ``POST …/Accounts/{sid}/Messages.json``.

Real HTTP on 127.0.0.1 (random port, ``http.server`` in a thread), so twilio's own ``Client`` and its aiohttp
transport run end to end: set ``client.api.base_url`` (``SmsSettings.api_base_url``) to ``api.base_url``.
Every attempt is recorded; ``fail_next`` makes the next N attempts answer 500 (as Twilio does in an outage),
``reject_numbers`` answers 400 with Twilio's error 21610 (the number has unsubscribed at the carrier) and
``delay_seconds`` makes each answer slow, so two senders overlap.
"""

from __future__ import annotations

import base64
import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, List, Optional, Set, Tuple
from urllib.parse import parse_qsl


@dataclass
class FakeTwilioApi:
    account_sid: str
    auth_token: str
    attempts: List[Dict[str, str]] = field(default_factory=list)  # every POST, accepted or not
    accepted: List[Dict[str, str]] = field(default_factory=list)  # the messages "sent"
    fail_next: int = 0
    reject_numbers: Set[str] = field(default_factory=set)
    delay_seconds: float = 0.0

    def __post_init__(self) -> None:
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._server: Optional[ThreadingHTTPServer] = None

    def start(self) -> "FakeTwilioApi":
        api = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                length = int(self.headers.get("content-length") or 0)
                form = dict(parse_qsl(self.rfile.read(length).decode("utf-8"), keep_blank_values=True))
                status, body = api._answer(self.path, self.headers.get("authorization") or "", form)
                encoded = json.dumps(body).encode("utf-8")
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(encoded)))
                self.end_headers()
                self.wfile.write(encoded)

            def log_message(self, *args: Any) -> None:
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
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def bodies(self) -> List[str]:
        with self._lock:
            return [message["Body"] for message in self.accepted]

    def _answer(self, path: str, authorization: str, form: Dict[str, str]) -> Tuple[int, Dict[str, Any]]:
        expected = "Basic " + base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
        if authorization != expected:
            return 401, {"code": 20003, "message": "Authenticate", "status": 401}
        if path != f"/2010-04-01/Accounts/{self.account_sid}/Messages.json":
            return 404, {"code": 20404, "message": "The requested resource was not found", "status": 404}
        if self.delay_seconds:
            time.sleep(self.delay_seconds)
        with self._lock:
            self.attempts.append(form)
            if self.fail_next > 0:
                self.fail_next -= 1
                return 500, {"code": 20500, "message": "Internal Server Error", "status": 500}
            if form.get("To") in self.reject_numbers:
                return 400, {"code": 21610, "message": "Attempt to send to unsubscribed recipient", "status": 400}
            self.accepted.append(form)
            sid = f"SM{next(self._ids):032d}"
        return 201, {"sid": sid, "account_sid": self.account_sid, "to": form.get("To"), "from": form.get("From"),
                     "body": form.get("Body"), "status": "queued"}
