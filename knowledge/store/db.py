"""Engines and sessions for the directory database.

SQLite is the embedded default; any SQLAlchemy URL works (PostgreSQL in production). Sessions are scoped to
one unit of work: ``with session_scope(engine) as session: ...`` commits on success and rolls back on error.
"""
from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from sqlalchemy import event
from sqlalchemy.engine import Engine, create_engine
from sqlalchemy.orm import Session, sessionmaker

from knowledge.store.models import Base

#: Where the directory lives when SIGNPOST_DATABASE_URL is not set: a SQLite file in the project's var/.
DEFAULT_SQLITE_PATH = Path(__file__).resolve().parents[2] / "var" / "signpost.db"


def database_url() -> str:
    """The directory's SQLAlchemy URL: ``SIGNPOST_DATABASE_URL`` or the project's SQLite file."""
    url = os.environ.get("SIGNPOST_DATABASE_URL", "").strip()
    if url:
        return url
    DEFAULT_SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{DEFAULT_SQLITE_PATH}"


def make_engine(url: str | None = None) -> Engine:
    """Create an engine in SQLAlchemy 2.0 style; SQLite gets foreign keys switched on."""
    url = url or database_url()
    engine = create_engine(url, future=True, pool_pre_ping=not url.startswith("sqlite"))
    if engine.dialect.name == "sqlite":
        # SQLite ignores ON DELETE CASCADE unless asked; the directory relies on it when merging imports.
        @event.listens_for(engine, "connect")
        def _enable_foreign_keys(dbapi_connection, _record) -> None:  # pragma: no cover - driver hook
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

    return engine


def create_schema(engine: Engine) -> None:
    Base.metadata.create_all(engine)


def drop_schema(engine: Engine) -> None:
    Base.metadata.drop_all(engine)


def session_factory(engine: Engine) -> sessionmaker:
    return sessionmaker(bind=engine, future=True, expire_on_commit=False)


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """One unit of work: commit if the block succeeds, roll back if it raises."""
    session = session_factory(engine)()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
