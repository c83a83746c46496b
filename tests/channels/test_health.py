"""The Redis part of ``GET /webhooks/health/`` against the real local Redis and an address where none listens."""

from __future__ import annotations

import asyncio

import pytest

from channels.health import check_redis, optional_parts
from tests.support.services import unavailable

REDIS_URL = "redis://127.0.0.1:6379/0"
UNREACHABLE_REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there


def redis_or_skip() -> None:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except Exception as error:  # pragma: no cover - depends on the machine
        unavailable(f"needs the local Redis at 127.0.0.1:6379 ({type(error).__name__})")


def test_redis_is_reported_up_or_down() -> None:
    redis_or_skip()
    assert asyncio.run(check_redis(REDIS_URL)) == "up"
    assert asyncio.run(check_redis(UNREACHABLE_REDIS_URL)) == "down"


def test_redis_is_a_part_only_when_it_is_configured(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SIGNPOST_REDIS_URL", raising=False)
    assert asyncio.run(optional_parts()) == {}
    monkeypatch.setenv("SIGNPOST_REDIS_URL", UNREACHABLE_REDIS_URL)
    assert asyncio.run(optional_parts()) == {"redis": "down"}
