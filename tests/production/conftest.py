"""Fixtures for the production set-up tests: the real Redis and PostgreSQL on this machine.

Other people's tests use the same Redis and PostgreSQL at the same time, so every run gets its own Redis key
prefix and its own PostgreSQL schema, and removes them afterwards. A missing service skips the test, except under
``CI=true`` where it fails (a production test that silently does not run proves nothing).
"""
from __future__ import annotations

import uuid
from typing import Iterator

import pytest

from tests.support.postgres import own_schema
from tests.support.services import unavailable

REDIS_URL = "redis://127.0.0.1:6379/0"


def service_unreachable(what: str, error: Exception) -> None:
    """Skip, or fail under CI=true, when a service the test needs is not running."""
    unavailable(f"{what} not reachable: {type(error).__name__}: {str(error).strip()[:200]}")


@pytest.fixture
def redis_prefix() -> Iterator[str]:
    """A key prefix of this test's own on the local Redis; every key under it is deleted afterwards."""
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except Exception as error:  # noqa: BLE001 - any failure means "not available here"
        service_unreachable("Redis at 127.0.0.1:6379", error)
    prefix = f"signpost-test-{uuid.uuid4().hex[:12]}:"
    try:
        yield prefix
    finally:
        for key in client.scan_iter(match=prefix + "*", count=500):
            client.delete(key)
        client.close()


def redis_keys(prefix: str) -> list[bytes]:
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    try:
        return list(client.scan_iter(match=prefix + "*", count=500))
    finally:
        client.close()


@pytest.fixture
def pg_schema_url() -> Iterator[str]:
    """An SQLAlchemy URL for a fresh schema of this test's own on the local PostgreSQL, dropped afterwards."""
    with own_schema("signpost_prod") as url:
        yield url
