"""A local directory API for the sync tests: serves real sample records as paged ORUK/HSDS ``/services``.

Each feed is mounted at ``/<name>/services`` (list, paged with ``page``/``per_page``) and
``/<name>/services/<id>`` (one service in full). Page shapes follow the specs: ``oruk1`` is Spring style
(``content``, ``totalPages``, ``totalElements``, ``first``/``last``) as ORUK 1.0 and Outpost serve it; ``oruk3`` is
the HSDS 3.0 / ORUK 3.0 page (``contents``, ``total_pages``, ``total_items``, ``first_page``/``last_page``).
``ends_by`` says how a page tells the reader where the list ends: ``"last"`` (every field above), ``"pages"`` (the
page count alone: no last flag, no item count) or ``"items"`` (the item count alone: no last flag, no page count),
as some real APIs answer.

Faults are queued per request target and consumed one request at a time: ``500`` (server error), ``timeout``
(answers after the client has given up), ``truncated`` (JSON cut short), ``vanish`` (404: the page is gone).
"""
from __future__ import annotations

import json
import math
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

FAULTS = ("500", "timeout", "truncated", "vanish")


@dataclass
class Feed:
    records: list
    style: str = "oruk1"
    #: id -> the full record /services/{id} returns; records not here are served as listed.
    details: dict = field(default_factory=dict)
    #: Called after each list page is served (a test can change the feed between calls).
    after_page: object = None
    #: "last", "pages" or "items": which of the page's fields say where the list ends (module docstring).
    ends_by: str = "last"


class FeedServer:
    def __init__(self, timeout_sleep: float = 1.5) -> None:
        self.feeds: dict[str, Feed] = {}
        self.faults: dict[tuple, list] = {}
        self.requests: list[str] = []
        self.timeout_sleep = timeout_sleep
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._httpd.daemon_threads = True
        self._httpd.block_on_close = False
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, name: str) -> str:
        return f"{self.base}/{name}"

    def start(self) -> "FeedServer":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def add_feed(self, name: str, feed: Feed) -> None:
        self.feeds[name] = feed

    def fail(self, name: str, *, page: int | None = None, service: str | None = None, kind: str, times: int = 1):
        assert kind in FAULTS
        target = (name, "page", page) if page is not None else (name, "service", str(service))
        self.faults.setdefault(target, []).extend([kind] * times)

    def next_fault(self, target: tuple) -> str | None:
        with self._lock:
            queue = self.faults.get(target)
            return queue.pop(0) if queue else None


#: The fields a page leaves out, by style and by how it says where the list ends.
_LEFT_OUT = {
    ("oruk3", "pages"): ("last_page", "total_items"), ("oruk3", "items"): ("last_page", "total_pages"),
    ("oruk1", "pages"): ("last", "totalElements"), ("oruk1", "items"): ("last", "totalPages"),
}


def page_count(feed: Feed, per_page: int) -> int:
    return max(1, math.ceil(len(feed.records) / per_page))


def page_body(feed: Feed, number: int, per_page: int) -> dict:
    total = len(feed.records)
    pages = page_count(feed, per_page)
    chunk = feed.records[(number - 1) * per_page:number * per_page] if number >= 1 else []
    if feed.style == "oruk3":
        body = {"total_items": total, "total_pages": pages, "page_number": number, "size": len(chunk),
                "first_page": number == 1, "last_page": number >= pages, "empty": not chunk, "contents": chunk}
    else:
        body = {"totalElements": total, "totalPages": pages, "number": number, "size": len(chunk),
                "first": number == 1, "last": number >= pages, "empty": not chunk, "content": chunk}
    for key in _LEFT_OUT.get((feed.style, feed.ends_by), ()):
        del body[key]
    return body


def _handler_for(server: FeedServer):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *_args) -> None:  # quiet test output
            return

        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            parts = urlsplit(self.path)
            server.requests.append(self.path)
            segments = [unquote(s) for s in parts.path.strip("/").split("/")]
            feed = server.feeds.get(segments[0]) if segments else None
            if feed is None or len(segments) < 2 or segments[1] != "services" or len(segments) > 3:
                return self._send(404, {"error": "not found"})
            if len(segments) == 2:
                query = parse_qs(parts.query)
                number = int(query.get("page", ["1"])[0])
                per_page = int(query.get("per_page", ["50"])[0])
                target = (segments[0], "page", number)
                body = page_body(feed, number, per_page)
                if number > page_count(feed, per_page):
                    return self._send(404, {"error": "no such page"})
                self._answer(target, body)
                if callable(feed.after_page):
                    feed.after_page(number)
                return None
            record_id = segments[2]
            record = feed.details.get(record_id) or next(
                (r for r in feed.records if isinstance(r, dict) and str(r.get("id")) == record_id), None)
            if record is None:
                return self._send(404, {"error": "no such service"})
            return self._answer((segments[0], "service", record_id), record)

        def _answer(self, target: tuple, body) -> None:
            fault = server.next_fault(target)
            if fault == "500":
                return self._send(500, {"error": "internal error"})
            if fault == "vanish":
                return self._send(404, {"error": "not found"})
            if fault == "timeout":
                time.sleep(server.timeout_sleep)
            raw = json.dumps(body).encode("utf-8")
            if fault == "truncated":
                raw = raw[: len(raw) // 2]
            return self._send_raw(200, raw)

        def _send(self, status: int, body) -> None:
            self._send_raw(status, json.dumps(body).encode("utf-8"))

        def _send_raw(self, status: int, raw: bytes) -> None:
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (a timeout test)

    return Handler
