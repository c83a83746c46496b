"""Alembic's entry point for the directory database.

The database is ``SIGNPOST_DATABASE_URL`` (or the project's SQLite file), unless the caller hands over a
connection in ``config.attributes["connection"]`` (knowledge.store.db.create_schema does, so an upgrade runs in
the caller's transaction). Revisions never import the models: each one states the schema change it makes, so an
old database can be brought forward however the models look today.
"""
from __future__ import annotations

from alembic import context

from knowledge.store.db import all_metadata, database_url, make_engine

config = context.config
#: The directory's tables and the events and outbox tables beside them (revision 0005), so autogenerate
#: compares them all.
target_metadata = all_metadata()


def _configure(**options) -> None:
    context.configure(target_metadata=target_metadata, compare_type=True, **options)


def run_migrations_offline() -> None:
    _configure(url=config.get_main_option("sqlalchemy.url") or database_url(), literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection=connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = make_engine(config.get_main_option("sqlalchemy.url") or database_url())
    try:
        with engine.connect() as connection:
            _configure(connection=connection)
            with context.begin_transaction():
                context.run_migrations()
            connection.commit()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
