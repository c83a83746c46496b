"""``GET /webhooks/health/``: which parts of signpost are up, for operators, load balancers and probes.

    {"status": "ok" | "degraded" | "starting",
     "parts": {"rasa": "up", "actions": "up" | "down", "conversations": "up" | "down", "directory": "up" | "down",
               "redis": "up" | "down"}}

* ``rasa``: the model is loaded and the server can take a turn.
* ``actions``: the action server answers its own ``/health`` (rasa-sdk) within a second.
* ``conversations``: the conversation store answers a read (bot/tracker_store.py).
* ``directory``: the service directory can be read (one row of the services table).
* ``redis``: only when ``SIGNPOST_REDIS_URL`` is set: Redis answers a ``PING``. While it is down the channels
  answer without their shared state (SMS retries may be answered twice, numbered choices and opt-outs are not
  read) and the conversation lock fails, so turns get the fallback replies: degraded, never silent.

The HTTP status is 200 whenever this server can answer people, even "degraded": with the action server or the
directory down every message still gets a reply (channels/fallback.py), so a load balancer must keep sending
traffic here. It is 503 only while the model is still loading. Nothing here holds a message, id or secret.
"""

from __future__ import annotations

import asyncio
import logging
import os
from typing import Any, Awaitable, Callable, Dict, Optional, Text

import aiohttp
from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

logger = logging.getLogger(__name__)

CHECK_TIMEOUT_SECONDS = 1.5
UP, DOWN = "up", "down"


def action_server_health_url(agent: Any) -> Optional[str]:
    """``http://host:port/health`` for the agent's action endpoint (``…/webhook``), or None when there is none."""
    endpoint = getattr(agent, "action_endpoint", None)
    url = getattr(endpoint, "url", None)
    if not url:
        return None
    base = url.rsplit("/webhook", 1)[0] if url.rstrip("/").endswith("/webhook") else url.rstrip("/")
    return base.rstrip("/") + "/health"


async def check_actions(agent: Any) -> str:
    url = action_server_health_url(agent)
    if url is None:
        return DOWN
    try:
        timeout = aiohttp.ClientTimeout(total=CHECK_TIMEOUT_SECONDS)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            async with session.get(url) as answer:
                return UP if answer.status == 200 else DOWN
    except (aiohttp.ClientError, asyncio.TimeoutError, OSError):
        return DOWN


async def check_conversations(agent: Any) -> str:
    store = getattr(agent, "tracker_store", None)
    if store is None:
        return DOWN
    if type(store).__name__ == "FailSafeTrackerStore":
        # Rasa's wrapper turns every failure into "no conversation yet": ask the store inside it.
        store = getattr(store, "_tracker_store", store)
    try:
        await asyncio.wait_for(store.retrieve("health-check"), CHECK_TIMEOUT_SECONDS)
        return UP
    except Exception as error:  # noqa: BLE001 - any failure means "down"; its type is enough to log
        logger.warning("health: conversation store down (%s)", type(error).__name__)
        return DOWN


_directory_engine: Any = None


def _read_directory() -> None:
    """One row of the services table. A missing SQLite file is "down" and is never created here
    (knowledge.store.db.DirectoryMissing)."""
    global _directory_engine
    from sqlalchemy import select

    from knowledge.store.db import make_engine
    from knowledge.store.models import Service

    if _directory_engine is None:
        _directory_engine = make_engine()
    with _directory_engine.connect() as connection:
        connection.execute(select(Service.id).limit(1)).all()


async def check_directory() -> str:
    try:
        await asyncio.wait_for(asyncio.get_running_loop().run_in_executor(None, _read_directory),
                               CHECK_TIMEOUT_SECONDS * 2)
        return UP
    except Exception as error:  # noqa: BLE001
        logger.warning("health: directory down (%s)", type(error).__name__)
        return DOWN


async def check_redis(url: str) -> str:
    """``PING`` on a client of its own, closed after: a health probe must not share a pool a turn is using."""
    import redis.asyncio as redis_asyncio

    client = redis_asyncio.Redis.from_url(
        url, socket_connect_timeout=CHECK_TIMEOUT_SECONDS, socket_timeout=CHECK_TIMEOUT_SECONDS
    )
    try:
        await asyncio.wait_for(client.ping(), CHECK_TIMEOUT_SECONDS * 2)
        return UP
    except Exception as error:  # noqa: BLE001 - any failure means "down"; its type is enough to log
        logger.warning("health: redis down (%s)", type(error).__name__)
        return DOWN
    finally:
        await client.close()


async def optional_parts() -> Dict[str, str]:
    """Parts that exist only in some set-ups: Redis when ``SIGNPOST_REDIS_URL`` is set."""
    url = os.environ.get("SIGNPOST_REDIS_URL", "").strip()
    return {"redis": await check_redis(url)} if url else {}


async def health_report(agent: Any) -> Dict[str, Any]:
    if agent is None or not getattr(agent, "is_ready", lambda: False)():
        return {"status": "starting", "parts": {"rasa": DOWN}}
    actions, conversations, directory, optional = await asyncio.gather(
        check_actions(agent), check_conversations(agent), check_directory(), optional_parts()
    )
    parts = {"rasa": UP, "actions": actions, "conversations": conversations, "directory": directory, **optional}
    return {"status": "ok" if all(v == UP for v in parts.values()) else "degraded", "parts": parts}


class HealthInput(InputChannel):
    """A "channel" that only reports health (``credentials.yml``: ``channels.health.HealthInput``)."""

    @classmethod
    def name(cls) -> Text:
        return "health"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "HealthInput":
        return cls()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        health = Blueprint(f"signpost_health_{id(self)}", __name__)

        @health.route("/", methods=["GET"])
        async def report(request: Request) -> HTTPResponse:
            body = await health_report(getattr(request.app.ctx, "agent", None))
            return response.json(
                body, status=503 if body["status"] == "starting" else 200, headers={"Cache-Control": "no-store"}
            )

        return health
