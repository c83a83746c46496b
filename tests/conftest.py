"""Shared pytest fixtures. Keep each group in its own section; add new groups below the existing ones."""
from __future__ import annotations

from typing import Iterator

import pytest
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from knowledge.store.db import create_schema, make_engine, session_factory
from knowledge.store.models import Base
from tests.support.postgres import own_schema

# ================================================================================================================
# Directory database fixtures
#
# ``engine`` is parametrised over SQLite and PostgreSQL, so a test that asks for it runs on both. PostgreSQL is the
# local server (trust auth); each pytest session gets its own schema, dropped at the end, and every test starts
# with empty tables. Without PostgreSQL, tests skip on a developer machine and fail under CI (tests/support/services.py).
# ================================================================================================================



@pytest.fixture
def sqlite_engine(tmp_path) -> Iterator[Engine]:
    """A fresh SQLite file database with the directory schema (a file, so every connection sees the same data)."""
    engine = make_engine(f"sqlite:///{tmp_path / 'directory.db'}")
    create_schema(engine)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def _pg_schema_engine() -> Iterator[Engine]:
    with own_schema("signpost_test") as url:
        engine = make_engine(url)
        create_schema(engine)
        try:
            yield engine
        finally:
            engine.dispose()


@pytest.fixture
def pg_engine(_pg_schema_engine: Engine) -> Iterator[Engine]:
    """The session's PostgreSQL schema, emptied after each test."""
    yield _pg_schema_engine
    with _pg_schema_engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(table.delete())


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request) -> Engine:
    """The directory database, once on SQLite and once on PostgreSQL."""
    return request.getfixturevalue(f"{request.param}_engine".replace("postgresql", "pg"))


@pytest.fixture
def db_session(engine: Engine) -> Iterator[Session]:
    """A session on an empty directory; the test decides when to commit."""
    session = session_factory(engine)()
    try:
        yield session
    finally:
        session.rollback()
        session.close()


@pytest.fixture
def bundled_session(engine: Engine) -> Iterator[Session]:
    """A session on a directory with the bundled national and seed data loaded and committed."""
    from knowledge.bundled.loader import load_bundled

    session = session_factory(engine)()
    report = load_bundled(session)
    assert report.ok, report.rejected
    session.commit()
    try:
        yield session
    finally:
        session.rollback()
        session.close()


# ---------------------------------------------------------------------------------------------------------------------
# The running assistant (session-scoped: started once, used by tests/e2e, tests/web and others)

from tests.support.server import signpost_server  # noqa: E402,F401  (a fixture, registered by import)
