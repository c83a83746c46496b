"""Engines and sessions for the directory database.

SQLite is the embedded default; any SQLAlchemy URL works (PostgreSQL in production). Sessions are scoped to
one unit of work: ``with session_scope(engine) as session: ...`` commits on success and rolls back on error.
"""
from __future__ import annotations

import os
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Iterator

from sqlalchemy import MetaData, event, inspect, text
from sqlalchemy.engine import Connection, Engine, create_engine
from sqlalchemy.exc import SQLAlchemyError
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


class DirectoryMissing(SQLAlchemyError):
    """The directory's SQLite file is not where it is configured to be (moved, deleted, a typo in the URL).

    SQLite would silently make a new, empty file there, and the assistant would then find no services at all with
    no error anywhere. Callers that read the directory treat this like any other database failure.
    """


def existing_sqlite_url(url: str) -> str:
    """``url`` for a SQLite file that must already exist: opened read-write but never created (``mode=rw``), so a
    file moved away while a server runs is an error too, not a new empty directory. Other URLs are unchanged."""
    if not url.startswith("sqlite:///"):
        return url
    location, _, query = url[len("sqlite:///"):].partition("?")
    if location in ("", ":memory:") or location.startswith("file:"):
        return url
    path = Path(location)
    if not path.exists():
        raise DirectoryMissing(
            f"The service directory {path} is missing. Load it with `signpost kb init`, or set "
            f"SIGNPOST_DATABASE_URL to where the file is now."
        )
    return f"sqlite:///file:{path}?{'&'.join(filter(None, [query, 'mode=rw', 'uri=true']))}"


def make_engine(url: str | None = None, *, create: bool = False) -> Engine:
    """Create an engine in SQLAlchemy 2.0 style; SQLite gets foreign keys switched on.

    The configured directory (no ``url`` given) must already exist unless ``create`` (``kb init``, ``kb sync``):
    see ``DirectoryMissing``. An explicit ``url`` is opened as given.
    """
    if url is None:
        url = database_url() if create else existing_sqlite_url(database_url())
    engine = create_engine(url, future=True, pool_pre_ping=not url.startswith("sqlite"))
    if engine.dialect.name == "sqlite":
        _make_sqlite_transactions_real(engine)
    return engine


#: Alembic's scripts: one revision per change to the models (README "Schema changes").
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
#: The schema of the release before migrations existed; a database with tables but no alembic_version has it.
BASELINE_REVISION = "0001_baseline"


def all_metadata() -> list[MetaData]:
    """Every table the app keeps in this database: the directory's, the anonymous signpost events (insight/) and
    the call-back outbox (referrals/). Each package keeps its own declarative base, so `kb init --reset` drops the
    directory's alone; the migrations and a new database's schema have them all. (Plain SQLAlchemy models, no
    Rasa; imported here, not at the top, so that those packages may import this module.)"""
    from insight.models import InsightBase
    from referrals.models import OutboxBase

    return [Base.metadata, InsightBase.metadata, OutboxBase.metadata]


def alembic_config(connection: Connection | None = None):
    """Alembic's configuration for the directory; with ``connection``, migrations run in its transaction."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


@lru_cache(maxsize=1)
def head_revision() -> str:
    """The newest revision in knowledge/store/migrations/versions."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def schema_revision(connection: Connection) -> str | None:
    """The revision the database says it is at; None when it has no alembic_version (the baseline, or empty)."""
    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _make_sqlite_transactions_real(engine: Engine) -> None:
    """SQLite connections that keep SQLAlchemy's transaction promises.

    Python's sqlite3 driver starts a transaction only before a data change, so a SAVEPOINT (the importer takes
    one per record) opened first became the outermost transaction and its RELEASE committed at once: an import
    or a sync that failed half way stayed half written, and each record cost a disk sync. Here the driver's own
    transaction handling is off and every SQLAlchemy transaction is a real BEGIN ... COMMIT (SQLAlchemy's
    documented recipe for pysqlite). Files use write-ahead logging, so the assistant keeps reading the directory
    while a sync writes it. Foreign keys are switched on: SQLite ignores ON DELETE CASCADE unless asked, and
    the directory relies on it when merging imports.
    """
    in_memory = engine.url.database in (None, "", ":memory:")

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # pragma: no cover - driver hook
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        if not in_memory:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:  # pragma: no cover - driver hook
        # Straight to the driver: the BEGIN is bookkeeping, not a query (tests count queries per search).
        connection.connection.cursor().execute("BEGIN")


def create_schema(engine: Engine) -> str:
    """Bring the directory's schema to the newest revision, keeping every row.

    An empty database gets the tables as the models define them (all of :func:`all_metadata`; events or an outbox
    already there are kept), stamped at the newest revision. A database made by an earlier release is upgraded
    through the migrations (one made before migrations existed is first stamped as the baseline), never recreated.
    Returns what it did: "created", "current" or "upgraded from X".
    """
    with engine.begin() as connection:
        if not inspect(connection).has_table("service"):
            for metadata in all_metadata():
                metadata.create_all(connection, checkfirst=True)
            _stamp(connection, head_revision())
            return "created"
        current = schema_revision(connection)
        if current == head_revision():
            return "current"
        from alembic import command

        config = alembic_config(connection)
        if current is None:
            command.stamp(config, BASELINE_REVISION)
        command.upgrade(config, "head")
        return f"upgraded from {current or BASELINE_REVISION}"


def _stamp(connection: Connection, revision: str) -> None:
    from alembic import command

    command.stamp(alembic_config(connection), revision)


def drop_schema(engine: Engine) -> None:
    """Drop every directory table and the migration stamp (`kb init --reset`)."""
    Base.metadata.drop_all(engine)
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))


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
