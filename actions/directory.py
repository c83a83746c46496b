"""The action server's single way into the service directory.

One engine per process, and one snapshot of the directory per version (knowledge/search/snapshot.py: every
active service as a plain record, with the area index read in the same transaction): it is built when the
directory's fingerprint (a few aggregate queries, checked at most once a second) differs from the one it was built
for, and reused by every search until then. So a council that imports or syncs its directory is understood at its
next message, without restarting or retraining anything; a search reads nothing from the database; and a unit of
work keeps the snapshot it was first given, so one turn never mixes two versions of the directory.
"""
from __future__ import annotations

import logging
import threading
import time
from contextlib import contextmanager
from typing import Iterator

from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from knowledge.places.areas import AreaIndex
from knowledge.search.snapshot import DirectorySnapshot, held_snapshot, hold, settle_in_memory, snapshot_fingerprint
from knowledge.store.db import make_engine, session_scope

logger = logging.getLogger(__name__)

_lock = threading.Lock()


class DirectoryUnavailable(RuntimeError):
    """The directory could not be read (database down, schema missing). Callers still answer the person."""

_engine: Engine | None = None
_snapshot: DirectorySnapshot | None = None
_builds = 0
_checked_at = 0.0


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


#: The fingerprint is a few aggregate queries (about 5-40 ms over 10,000 services on a busy SQLite machine), so a
#: process checks it at most once a second: a burst of messages shares one check, and a change is still seen by the
#: next message a second after it (an import or a sync takes longer than that to run).
RECHECK_SECONDS = 1.0


def snapshot(session: Session) -> DirectorySnapshot:
    """The directory in memory as ``session`` sees it: the cached snapshot while the directory is unchanged,
    rebuilt once when it has changed (an import, a sync). The unit of work keeps it, so its searches
    (:func:`knowledge.search.finder.find_services`) use it without being passed it."""
    global _snapshot, _builds, _checked_at
    held = held_snapshot(session)
    if held is not None:
        return held
    with _lock:
        recent = _snapshot is not None and time.monotonic() - _checked_at < RECHECK_SECONDS
        if not recent:
            if _snapshot is None or snapshot_fingerprint(session) != _snapshot.version:
                _snapshot = DirectorySnapshot.build(session)
                _builds += 1
                settle_in_memory()  # no full garbage collection walks the new snapshot in the middle of a search
            _checked_at = time.monotonic()
        current = _snapshot
    hold(session, current)
    return current


def area_index(session: Session) -> AreaIndex:
    """The area index of the directory's current snapshot (see :func:`snapshot`)."""
    index = snapshot(session).area_index
    assert index is not None  # a snapshot built from the database always carries its index
    return index


def index_builds() -> int:
    """How many times this process has built the snapshot and its area index (tests check: once per change)."""
    return _builds


def reset() -> None:
    """Forget the engine and index (tests point the actions at another database)."""
    global _engine, _snapshot, _builds, _checked_at
    with _lock:
        if _engine is not None:
            _engine.dispose()
        _engine = None
        _snapshot = None
        _builds = 0
        _checked_at = 0.0
