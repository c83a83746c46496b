"""The action server's single way into the service directory.

One engine per process, and an area index that is rebuilt when it is a minute old, so that a council that
re-imports its directory is understood without restarting (or retraining) anything.
"""
from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from typing import Iterator

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from knowledge.areas import AreaIndex
from knowledge.db import make_engine, session_scope

AREA_INDEX_MAX_AGE_SECONDS = 60.0

_lock = threading.Lock()
_engine: Engine | None = None
_area_index: AreaIndex | None = None
_area_index_built_at = 0.0


def engine() -> Engine:
    global _engine
    with _lock:
        if _engine is None:
            _engine = make_engine()
        return _engine


@contextmanager
def directory_session() -> Iterator[Session]:
    with session_scope(engine()) as session:
        yield session


def area_index(session: Session) -> AreaIndex:
    """The area index, rebuilt from the directory when older than a minute."""
    global _area_index, _area_index_built_at
    with _lock:
        fresh = time.monotonic() - _area_index_built_at < AREA_INDEX_MAX_AGE_SECONDS
        if _area_index is None or not fresh:
            _area_index = AreaIndex.build(session)
            _area_index_built_at = time.monotonic()
        return _area_index


def reset() -> None:
    """Forget the engine and index (tests point the actions at another database)."""
    global _engine, _area_index, _area_index_built_at
    with _lock:
        if _engine is not None:
            _engine.dispose()
        _engine = None
        _area_index = None
        _area_index_built_at = 0.0
