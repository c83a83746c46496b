"""Fixtures for the privacy tests: the real conversation store on SQLite and PostgreSQL, and a real server at DEBUG.

``tracker_store_url`` is parametrised: a test that asks for it runs once on a SQLite file and once on the local
PostgreSQL (its own schema, dropped afterwards; skipped with the reason when PostgreSQL is not running).

``privacy_server`` is the shared `signpost run --debug` server (tests/support/server.py): its own conversation
database, a known pseudonym key (so tests can tell which stored id a client id becomes) and SMS switched on, its
output captured to a file for the log test.
"""
from __future__ import annotations

from typing import Iterator

import pytest
import sqlalchemy as sa

from tests.support.postgres import own_schema
from tests.support.server import PSEUDONYM_KEY, SignpostServer


@pytest.fixture(scope="session")
def _pg_tracker_url() -> Iterator[str]:
    with own_schema("signpost_privacy") as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def tracker_store_url(request, tmp_path) -> Iterator[str]:
    """An empty conversation database: a SQLite file, or a fresh schema on the local PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'conversations.db'}"
        return
    url = request.getfixturevalue("_pg_tracker_url")
    yield url
    # Each test starts empty: the events table is Rasa's, created by the first store.
    engine = sa.create_engine(url, future=True)
    with engine.begin() as connection:
        connection.execute(sa.text("DROP TABLE IF EXISTS events"))
    engine.dispose()


@pytest.fixture(scope="session")
def privacy_server(signpost_server: SignpostServer) -> SignpostServer:
    """The shared test server (tests/support/server.py): it runs at DEBUG with a known pseudonym key."""
    return signpost_server


@pytest.fixture
def pseudonym(monkeypatch):
    """What a channel turns a raw id into on the privacy server (same key)."""
    from channels.identity import pseudonymise

    monkeypatch.setenv("SIGNPOST_PSEUDONYM_KEY", PSEUDONYM_KEY)
    return pseudonymise
