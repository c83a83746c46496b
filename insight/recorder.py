"""Writing events off the reply's path: an answer is never broken or delayed by the record of it.

The actions call :func:`record_answer` / :func:`record_crisis`. They only build a small event and put it on a
queue (no I/O); one background thread writes queued events in batches, creates the table on first use, and
deletes events older than the retention period (``SIGNPOST_INSIGHT_RETENTION_DAYS``) at most once an hour.
Any failure is logged by its kind only (an error's text could hold values) and the events of that batch are
dropped: a lost count is better than a late or missing answer.
"""
from __future__ import annotations

import atexit
import logging
import queue
import threading
import time
from datetime import datetime

from sqlalchemy.engine import Engine

from insight import store
from insight.event import SignpostEvent, crisis_event, event_from_search
from insight.retention import first_kept_day

logger = logging.getLogger(__name__)

BATCH = 200
PURGE_EVERY_SECONDS = 3600.0


class Recorder:
    """A queue and the one thread that empties it into the event table at ``url``."""

    def __init__(self, url: str | None = None) -> None:
        self._url = url
        self._queue: queue.Queue[SignpostEvent] = queue.Queue(maxsize=10_000)
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()
        self._engine: Engine | None = None
        self._engine_url: str | None = None
        self._last_purge: float | None = None  # purge on the first write, then at most hourly
        self.dropped = 0

    def record(self, event: SignpostEvent) -> None:
        """Queue one event; never raises, never waits."""
        try:
            self._ensure_thread()
            self._queue.put_nowait(event)
        except queue.Full:
            self.dropped += 1
            logger.warning("Signpost event queue full; one event not recorded.")
        except Exception as error:  # noqa: BLE001 - recording must never break an answer
            self.dropped += 1
            logger.error("Could not queue a signpost event (%s).", type(error).__name__)

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until every queued event has been handled (written or dropped); False on timeout."""
        deadline = time.monotonic() + timeout
        while self._queue.unfinished_tasks:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.01)
        return True

    def _ensure_thread(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        with self._start_lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="signpost-insight", daemon=True)
                self._thread.start()

    def _engine_for_writes(self) -> Engine:
        """The engine for the configured database (the directory's, unless a URL was given), made on first use
        and again whenever SIGNPOST_DATABASE_URL changes."""
        from knowledge.store.db import database_url, make_engine

        url = self._url or database_url()
        if self._engine is None or self._engine_url != url:
            if self._engine is not None:
                self._engine.dispose()
            engine = make_engine(url)
            store.ensure_schema(engine)
            self._engine, self._engine_url = engine, url
        return self._engine

    def _run(self) -> None:
        while True:
            batch = [self._queue.get()]
            while len(batch) < BATCH:
                try:
                    batch.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            try:
                self._write(batch)
            except Exception as error:  # noqa: BLE001 - logged by kind, the thread carries on
                self.dropped += len(batch)
                logger.error("Could not record %d signpost event(s) (%s).", len(batch), type(error).__name__)
                self._engine = None  # start afresh next time (the database may have come back)
            finally:
                for _ in batch:
                    self._queue.task_done()

    def _write(self, batch: list[SignpostEvent]) -> None:
        from knowledge.store.db import session_scope

        with session_scope(self._engine_for_writes()) as session:
            store.add_events(session, batch)
            if self._last_purge is None or time.monotonic() - self._last_purge > PURGE_EVERY_SECONDS:
                store.purge_before(session, first_kept_day())
                self._last_purge = time.monotonic()


_default = Recorder()
atexit.register(lambda: _default.flush(timeout=2.0))


def default_recorder() -> Recorder:
    return _default


def record_answer(result, input_channel: str | None) -> None:
    """Record the answer an action gave (a knowledge.search SearchResult). Never raises."""
    try:
        _default.record(event_from_search(result, input_channel))
    except Exception as error:  # noqa: BLE001 - recording must never break an answer
        logger.error("Could not make a signpost event (%s).", type(error).__name__)


def record_crisis(crisis_type: str | None, now: datetime, input_channel: str | None) -> None:
    """Count emergency guidance given (its type only). Never raises."""
    try:
        value = getattr(crisis_type, "value", crisis_type)
        _default.record(crisis_event(value, now, input_channel))
    except Exception as error:  # noqa: BLE001 - recording must never break an answer
        logger.error("Could not make a signpost event (%s).", type(error).__name__)
