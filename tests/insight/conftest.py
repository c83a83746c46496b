"""Fixtures for insight tests: an event database on SQLite and on the local PostgreSQL (its own schema per run).

PostgreSQL is skipped with the reason when it is not running, except under CI=true, where that is a failure.
"""
from __future__ import annotations

from typing import Iterator

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine

from insight.store import ensure_schema
from knowledge.store.db import make_engine
from tests.support.postgres import own_schema


@pytest.fixture(scope="session")
def pg_insight_url() -> Iterator[str]:
    with own_schema("signpost_insight") as url:
        yield url


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
