"""A schema of a test's own on the shared local PostgreSQL, so runs side by side never see each other's rows.

Every suite that tests on PostgreSQL (directory, conversations, insight, migrations, production, faults) uses
:func:`own_schema`: it makes ``<prefix>_<random>``, yields an SQLAlchemy URL whose connections use that schema, and
drops the schema afterwards. A server that cannot be reached skips on a developer's machine and fails under CI
(tests/support/services.py).
"""
from __future__ import annotations

import uuid
from contextlib import contextmanager
from typing import Iterator

import sqlalchemy as sa

from tests.support.services import unavailable

PG_URL = "postgresql://postgres@127.0.0.1:5432/test"


def schema_url(schema: str) -> str:
    """The URL whose connections read and write ``schema`` first."""
    return f"{PG_URL}?options=-csearch_path%3D{schema}"


@contextmanager
def own_schema(prefix: str) -> Iterator[str]:
    """Yields the URL of a new, empty schema named ``<prefix>_<random>``; drops it (and all in it) afterwards."""
    schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(PG_URL, future=True)
    try:
        with admin.begin() as connection:
            connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    except Exception as error:  # noqa: BLE001 - any connection failure means "not available here"
        admin.dispose()
        unavailable(f"PostgreSQL not reachable at 127.0.0.1:5432: {type(error).__name__}: {str(error).strip()[:200]}")
    try:
        yield schema_url(schema)
    finally:
        with admin.begin() as connection:
            connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
