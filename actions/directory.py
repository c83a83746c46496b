"""The action server's single way into the service directory.

One engine per process, and an area index that is rebuilt as soon as the directory's place data changes
(a cheap fingerprint query per turn), so that a council that imports its directory is understood at once,
without restarting or retraining anything.
"""
from __future__ import annotations

import logging
import threading
from contextlib import contextmanager
from typing import Iterator

from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from knowledge.places.areas import AreaIndex
from knowledge.store.db import make_engine, session_scope

logger = logging.getLogger(__name__)

_lock = threading.Lock()


class DirectoryUnavailable(RuntimeError):
    """The directory could not be read (database down, schema missing). Callers still answer the person."""

_engine: Engine | None = None
_area_index: AreaIndex | None = None


def engine() -> Engine:
    global _engine
    with _lock:
        if _engine is None:
            _engine = make_engine()
        return _engine


@contextmanager
def directory_session() -> Iterator[Session]:
    """A unit of work on the directory; any database failure becomes DirectoryUnavailable."""
    try:
        with session_scope(engine()) as session:
            yield session
    except SQLAlchemyError as error:
        # The error's text can hold query parameters (a place someone typed): log only its kind.
        logger.error("The service directory is unavailable (%s).", type(error).__name__)
        raise DirectoryUnavailable(type(error).__name__) from None


def area_index(session: Session) -> AreaIndex:
    """The area index, rebuilt when the directory's places have changed since it was built."""
    global _area_index
    with _lock:
        if _area_index is None or not _area_index.is_current(session):
            _area_index = AreaIndex.build(session)
        return _area_index


def reset() -> None:
    """Forget the engine and index (tests point the actions at another database)."""
    global _engine, _area_index
    with _lock:
        if _engine is not None:
            _engine.dispose()
        _engine = None
        _area_index = None
