"""Fixtures for insight tests: an event database on SQLite and on the local PostgreSQL (its own schema per run).

PostgreSQL is skipped with the reason when it is not running, except under CI=true, where that is a failure.
"""
from __future__ import annotations

import uuid
from typing import Iterator

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine

from insight.store import ensure_schema
from knowledge.store.db import make_engine
from tests.support.services import unavailable

PG_URL = "postgresql://postgres@127.0.0.1:5432/test"


@pytest.fixture(scope="session")
def pg_insight_url() -> Iterator[str]:
    schema = f"signpost_insight_{uuid.uuid4().hex[:12]}"
    admin = make_engine(PG_URL)
    try:
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as error:  # noqa: BLE001 - any connection failure means "not available here"
        admin.dispose()
        unavailable(f"PostgreSQL not reachable at 127.0.0.1:5432: {type(error).__name__}")
    try:
        yield f"{PG_URL}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def insight_url(request, tmp_path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'insight.db'}"
        return
    url = request.getfixturevalue("pg_insight_url")
    engine = make_engine(url)
    ensure_schema(engine)
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM signpost_event"))
    engine.dispose()
    yield url


@pytest.fixture
def insight_engine(insight_url) -> Iterator[Engine]:
    engine = make_engine(insight_url)
    ensure_schema(engine)
    yield engine
    engine.dispose()
