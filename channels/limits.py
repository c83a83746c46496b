"""Fair under abuse: request limits per client address and per sender, and a daily cap on SMS sent to one number.

Why: one script sending 30 requests at a time, a new sender id on each, slowed everyone else's emergency replies
from 71 ms to 2.1 s; and every SMS we send costs the council money, so nobody may run up the bill by texting all
night. Someone in danger is never refused, but emergency words buy nothing more than the guidance: over a limit, a
message the crisis rules see as an emergency gets the emergency guidance from safety/ at once, without a Rasa turn
(REST, Telegram); under it, it runs as usual. The SMS daily cap never holds back emergency guidance.

* **Requests** (REST channel and the widget's files): fixed windows counted in the channels' key-value store
  (``channels.dedup``: Redis when ``SIGNPOST_REDIS_URL`` is set, so every replica counts together; else memory).
  Over a limit the channel answers 429 with ``Retry-After``. Settings, each a comma list of ``COUNT/SECONDS``:
  ``SIGNPOST_LIMIT_PER_ADDRESS`` (default ``30/10``: no hourly cap, as a council office or a college may put
  many people behind one address), ``SIGNPOST_LIMIT_PER_SENDER`` (default ``10/10,200/3600``); ``off`` switches
  one off. Telegram counts per chat only (its updates all come from Telegram's servers) and answers a chat over
  its limit with a short text instead of a turn, as a 429 would make Telegram redeliver for hours.
* **Client address**: the TCP peer, unless the peer is one of ``SIGNPOST_TRUSTED_PROXIES`` (comma list of
  addresses or networks, e.g. ``127.0.0.1,10.0.0.0/8``): then the right-most address in ``X-Forwarded-For`` that
  is not itself a trusted proxy. Without the setting the header is ignored, so a client cannot choose its address,
  and requests from this machine itself (loopback) are not limited per address: behind a local reverse proxy that
  nobody declared, every person would otherwise share one address and one limit. Per-sender limits still apply.
* **SMS segments**: at most ``SIGNPOST_SMS_SEGMENTS_PER_DAY`` (default 60) segments to one number per UK day;
  the text that crosses the cap is a kind message (``SMS_CAP_REPLY``, with 999 and Samaritans), then nothing more
  that day except emergency guidance.

Counter keys hold pseudonyms (``channels.identity``), never an address, number or text.
"""

from __future__ import annotations

import ipaddress
import logging
import os
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

from channels.dedup import KeyValueStore
from channels.identity import pseudonymise

logger = logging.getLogger(__name__)

PER_ADDRESS_ENV = "SIGNPOST_LIMIT_PER_ADDRESS"
PER_SENDER_ENV = "SIGNPOST_LIMIT_PER_SENDER"
TRUSTED_PROXIES_ENV = "SIGNPOST_TRUSTED_PROXIES"
SMS_SEGMENTS_ENV = "SIGNPOST_SMS_SEGMENTS_PER_DAY"

DEFAULT_PER_ADDRESS = "30/10"
DEFAULT_PER_SENDER = "10/10,200/3600"
DEFAULT_SMS_SEGMENTS_PER_DAY = 60
_TWO_DAYS = 2 * 24 * 3600  # a day's counters outlive the day, whatever the time zone

# Facts here (999; Samaritans 116 123, free, 24 hours) are VERIFIED in shared/research/helplines.md.
SMS_CAP_REPLY = (
    "We've sent a lot of texts today, so I'll pause until tomorrow. If you're in danger, call 999. "
    "Samaritans: 116 123, free, any time. You can text me again tomorrow."
)
TOO_MANY_REQUESTS = "Too many messages at once. Please wait a moment and try again. If anyone is in danger, call 999."


@dataclass(frozen=True)
class Window:
    count: int
    seconds: int


def parse_windows(spec: str, setting: str = "limit") -> Tuple[Window, ...]:
    """``"20/10,300/3600"`` → two windows; ``"off"`` or ``""`` → none. Anything else is a clear error."""
    spec = spec.strip().lower()
    if spec in ("", "off", "none", "0"):
        return ()
    windows = []
    for part in spec.split(","):
        count, _, seconds = part.strip().partition("/")
        try:
            window = Window(int(count), int(seconds))
        except ValueError:
            raise ValueError(f"{setting} must look like '20/10,300/3600' (COUNT/SECONDS), not {spec!r}") from None
        if window.count < 1 or window.seconds < 1:
            raise ValueError(f"{setting}: counts and seconds must be at least 1, not {part.strip()!r}")
        windows.append(window)
    return tuple(windows)


def _windows_from_env(name: str, default: str) -> Tuple[Window, ...]:
    return parse_windows(os.environ.get(name, default), name)


class RateLimiter:
    """Fixed-window counters per (scope, key); ``check`` counts one request and says how long to wait if over."""

    def __init__(
        self,
        store: KeyValueStore,
        windows: Dict[str, Sequence[Window]],
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._store = store
        self._windows = {kind: tuple(ws) for kind, ws in windows.items()}
        self._clock = clock

    @classmethod
    def from_env(cls, store: KeyValueStore) -> "RateLimiter":
        return cls(
            store,
            {
                "address": _windows_from_env(PER_ADDRESS_ENV, DEFAULT_PER_ADDRESS),
                "sender": _windows_from_env(PER_SENDER_ENV, DEFAULT_PER_SENDER),
            },
        )

    async def retry_after(self, scope: str, kind: str, key: str) -> Optional[int]:
        """Count this request; None when it is within every window, else the seconds until it would be."""
        now = self._clock()
        wait: Optional[int] = None
        for window in self._windows.get(kind, ()):
            slot = int(now // window.seconds)
            counter = f"limit:{scope}:{kind}:{window.count}/{window.seconds}:{slot}:{key}"
            used = await self._store.incr(counter, 1, window.seconds + 1)
            if used > window.count:
                remaining = max(1, int((slot + 1) * window.seconds - now + 0.999))
                wait = max(wait or 0, remaining)
        return wait

    async def check_request(self, scope: str, address: Optional[str], sender_id: Optional[str] = None) -> Optional[int]:
        """The wait for a request from ``address`` (and ``sender_id`` when known), or None if it may go ahead.

        ``address`` is None for a request not limited per address (see ``address_to_limit``). A store that cannot
        be reached lets the request through: being fair must never make us silent.
        """
        try:
            waits = [await self.retry_after(scope, "address", pseudonymise("address", address)) if address else None]
            if sender_id:
                waits.append(await self.retry_after(scope, "sender", sender_id))
        except Exception as error:  # noqa: BLE001
            logger.warning("limits: counter store unavailable (%s); request let through", type(error).__name__)
            return None
        over = [w for w in waits if w is not None]
        if over:
            logger.info("limits: %s request over its %s limit", scope, "sender" if waits[0] is None else "address")
            return max(over)
        return None


# --- client address ----------------------------------------------------------------------------------------------

Network = Any  # ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_trusted_proxies(spec: str) -> List[Network]:
    networks = []
    for part in spec.split(","):
        part = part.strip()
        if part:
            try:
                networks.append(ipaddress.ip_network(part, strict=False))
            except ValueError:
                raise ValueError(f"{TRUSTED_PROXIES_ENV}: {part!r} is not an IP address or network") from None
    return networks


def trusted_proxies_from_env() -> List[Network]:
    return parse_trusted_proxies(os.environ.get(TRUSTED_PROXIES_ENV, ""))


def _is_trusted(address: str, trusted: Sequence[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    return any(ip in network for network in trusted)


def client_address(peer: str, forwarded_for: Optional[str], trusted: Sequence[Network]) -> str:
    """The client's address: the peer, or (only behind a trusted proxy) the last untrusted X-Forwarded-For hop."""
    if not trusted or not forwarded_for or not _is_trusted(peer, trusted):
        return peer or "unknown"
    hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _is_trusted(hop, trusted):
            return hop[:64]
    return hops[0][:64] if hops else peer


def request_address(request: Any, trusted: Sequence[Network]) -> Optional[str]:
    """The address to limit a Sanic request by (``client_address``), or None for loopback with no trusted proxy
    declared: a local reverse proxy nobody told us about would otherwise put everyone under one limit."""
    peer = getattr(request, "ip", "") or ""
    if not trusted and _is_loopback(peer):
        return None
    return client_address(peer, request.headers.get("x-forwarded-for"), trusted)


def _is_loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address.strip()).is_loopback
    except ValueError:
        return False


# --- SMS segments ------------------------------------------------------------------------------------------------


def sms_segments_per_day_from_env() -> int:
    raw = os.environ.get(SMS_SEGMENTS_ENV, "").strip()
    if not raw:
        return DEFAULT_SMS_SEGMENTS_PER_DAY
    try:
        cap = int(raw)
    except ValueError:
        raise ValueError(f"{SMS_SEGMENTS_ENV} must be a whole number of segments, not {raw!r}") from None
    if cap < 1:
        raise ValueError(f"{SMS_SEGMENTS_ENV} must be at least 1")
    return cap


class SmsDailyCap:
    """Counts the SMS segments sent to each sender per UK day; past the cap, one kind message, then nothing."""

    def __init__(self, store: KeyValueStore, cap: int, today: Callable[[], str] | None = None) -> None:
        self._store = store
        self.cap = cap
        self._today = today or _uk_date

    def _key(self, sender_id: str) -> str:
        return f"limit:sms:segments:{self._today()}:{sender_id}"

    async def used(self, sender_id: str) -> int:
        value = await self._store.get(self._key(sender_id))
        return int(value) if value else 0

    async def allow(self, sender_id: str, segments: int) -> str:
        """Count ``segments`` about to be sent. Answers "send"; past the cap "cap" once (send SMS_CAP_REPLY
        instead), then "silent". Counting first keeps replicas sharing a Redis store exact."""
        total = await self._store.incr(self._key(sender_id), segments, _TWO_DAYS)
        if total <= self.cap:
            return "send"
        if await self._store.set_if_absent(self._key(sender_id) + ":told", "1", _TWO_DAYS):
            logger.info("limits: SMS daily cap reached for a sender")
            return "cap"
        return "silent"

    async def record(self, sender_id: str, segments: int) -> None:
        """Count segments sent regardless of the cap (emergency guidance)."""
        await self._store.incr(self._key(sender_id), segments, _TWO_DAYS)


def _uk_date() -> str:
    try:
        from zoneinfo import ZoneInfo

        return datetime.now(ZoneInfo("Europe/London")).date().isoformat()
    except Exception:  # noqa: BLE001
        return datetime.utcnow().date().isoformat()
