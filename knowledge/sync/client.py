"""A polite HTTP client for directory APIs: timeouts, retries with backoff, and a rate limit.

A council's directory API is often a small server shared with its own website, so we never hammer it: requests
are spaced by ``min_interval`` seconds, failures that may pass (timeouts, dropped connections, 429 and 5xx
answers, a body cut short) are retried after a growing pause, and anything else fails at once with a message a
council officer can act on.
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any, Callable, Mapping

import requests

#: Answers worth asking again: the server is busy or briefly broken.
RETRYABLE_STATUSES = frozenset({429, 500, 502, 503, 504})

#: Never wait longer than this for one retry, whatever a Retry-After header asks.
MAX_RETRY_PAUSE = 60.0


class FeedError(RuntimeError):
    """The feed could not be read completely; the message says what happened, in plain words."""


@dataclass
class ClientSettings:
    """How patient and how polite to be. Tests shrink the pauses; the defaults suit a real council server."""

    timeout: float = 20.0
    retries: int = 3
    backoff: float = 1.0
    min_interval: float = 0.25
    user_agent: str = "signpost-directory-sync (+https://github.com/signpost)"


class FeedClient:
    """GET JSON from one API, counting requests so the summary can say how much was asked of the server."""

    def __init__(
        self,
        settings: ClientSettings | None = None,
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.settings = settings or ClientSettings()
        self.requests_made = 0
        self._sleep = sleep
        self._clock = clock
        self._last_request_at: float | None = None
        self._http = requests.Session()
        self._http.headers.update({"Accept": "application/json", "User-Agent": self.settings.user_agent})

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> "FeedClient":
        return self

    def __exit__(self, *_exc) -> None:
        self.close()

    def get_json(self, url: str, *, params: Mapping[str, Any] | None = None, what: str) -> Any:
        """The parsed JSON at ``url``; ``what`` names it in errors ("page 3", "service 42")."""
        attempts = self.settings.retries + 1
        last: _Retry | None = None
        for attempt in range(attempts):
            if last is not None:
                self._sleep(self._pause(attempt, last))
            outcome = self._try_once(url, params, what)
            if not isinstance(outcome, _Retry):
                return outcome
            last = outcome
        raise FeedError(f"{what}: {last.reason} (tried {attempts} times)")

    def _pause(self, attempt: int, last: "_Retry") -> float:
        """Exponential backoff, or the server's own Retry-After when it gives one (within reason)."""
        if last.retry_after is not None:
            return min(last.retry_after, MAX_RETRY_PAUSE)
        return min(self.settings.backoff * (2 ** (attempt - 1)), MAX_RETRY_PAUSE)

    def _wait_for_turn(self) -> None:
        if self._last_request_at is not None:
            wait = self.settings.min_interval - (self._clock() - self._last_request_at)
            if wait > 0:
                self._sleep(wait)
        self._last_request_at = self._clock()

    def _try_once(self, url: str, params: Mapping[str, Any] | None, what: str) -> Any:
        self._wait_for_turn()
        self.requests_made += 1
        try:
            response = self._http.get(url, params=params, timeout=self.settings.timeout)
        except requests.Timeout:
            return _Retry(f"no answer within {self.settings.timeout:g} seconds")
        except requests.ConnectionError as error:
            return _Retry(f"could not connect ({_short(error)})")
        except requests.RequestException as error:
            raise FeedError(f"{what}: the request failed ({_short(error)})") from None
        if response.status_code in RETRYABLE_STATUSES:
            return _Retry(f"the server answered HTTP {response.status_code}", _retry_after(response))
        if response.status_code == 404:
            raise FeedError(f"{what}: not found (HTTP 404) at {response.url}")
        if response.status_code >= 400:
            raise FeedError(f"{what}: the server refused it (HTTP {response.status_code}) at {response.url}")
        try:
            return json.loads(response.content.decode(response.encoding or "utf-8-sig", errors="strict"))
        except (UnicodeDecodeError, LookupError):
            return _Retry("the answer is not UTF-8 text")
        except json.JSONDecodeError as error:
            return _Retry(f"the answer is not complete JSON ({error.msg} at character {error.pos})")


@dataclass
class _Retry:
    reason: str
    retry_after: float | None = None


def _retry_after(response: requests.Response) -> float | None:
    value = response.headers.get("Retry-After", "").strip()
    try:
        return float(value) if value else None
    except ValueError:
        return None


def _short(error: Exception) -> str:
    return type(error).__name__
