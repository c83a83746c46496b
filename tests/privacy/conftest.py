"""Fixtures for the privacy tests: the real conversation store on SQLite and PostgreSQL, and a real server at DEBUG.

``tracker_store_url`` is parametrised: a test that asks for it runs once on a SQLite file and once on the local
PostgreSQL (its own schema, dropped afterwards; skipped with the reason when PostgreSQL is not running).

``privacy_server`` is the shared `signpost run --debug` server (tests/support/server.py): its own conversation
database, a known pseudonym key (so tests can tell which stored id a client id becomes) and SMS switched on, its
output captured to a file for the log test.
"""
from __future__ import annotations

import uuid
from typing import Iterator

import pytest
import sqlalchemy as sa

from tests.support.postgres import PG_URL
from tests.support.server import PSEUDONYM_KEY, SignpostServer
from tests.support.services import unavailable


@pytest.fixture(scope="session")
def _pg_tracker_schema() -> Iterator[str]:
    schema = f"signpost_privacy_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(PG_URL, future=True)
    try:
        with admin.begin() as connection:
            connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    except Exception as error:  # noqa: BLE001 - any connection failure means "not available here"
        admin.dispose()
        unavailable(f"PostgreSQL not reachable at 127.0.0.1:5432: {type(error).__name__}: {str(error).strip()[:200]}")
    try:
        yield schema
    finally:
        with admin.begin() as connection:
            connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def tracker_store_url(request, tmp_path) -> Iterator[str]:
    """An empty conversation database: a SQLite file, or a fresh schema on the local PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'conversations.db'}"
        return
    schema = request.getfixturevalue("_pg_tracker_schema")
    yield f"{PG_URL}?options=-csearch_path%3D{schema}"
    # Each test starts empty: the events table is Rasa's, created by the first store.
    engine = sa.create_engine(f"{PG_URL}?options=-csearch_path%3D{schema}", future=True)
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
