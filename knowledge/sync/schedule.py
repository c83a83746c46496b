"""Sync on a schedule, in the background of a running assistant.

A daemon thread runs one sync at start and then every ``interval`` seconds. A sync that fails is logged (what
failed, never any personal data: a directory holds none) and tried again at the next interval; the directory
keeps its last good state meanwhile. The action server reads the directory afresh each turn and rebuilds its
area index when the directory's fingerprint changes, so nothing needs restarting.
"""
from __future__ import annotations

import logging
import threading
from typing import Callable

from sqlalchemy.engine import Engine

from knowledge.sync.runner import SyncOutcome, sync_directory

logger = logging.getLogger(__name__)


class ScheduledSync:
    """``start()`` it once; ``stop()`` ends it between syncs (a sync under way finishes or fails first)."""

    def __init__(
        self,
        engine_factory: Callable[[], Engine],
        url: str,
        *,
        interval: float,
        source: str | None = None,
        sync: Callable[..., SyncOutcome] = sync_directory,
        **sync_options,
    ) -> None:
        if interval <= 0:
            raise ValueError("the sync interval must be more than 0 seconds")
        self.url = url
        self.interval = interval
        self.source = source
        self.runs = 0
        self.failures = 0
        self.last_outcome: SyncOutcome | None = None
        self.last_error: str | None = None
        self._engine_factory = engine_factory
        self._sync = sync
        self._options = sync_options
        self._stopping = threading.Event()
        self._finished_one = threading.Condition()
        self._thread = threading.Thread(target=self._loop, name="signpost-directory-sync", daemon=True)

    def start(self) -> "ScheduledSync":
        self._thread.start()
        return self

    def stop(self, timeout: float = 30.0) -> None:
        self._stopping.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def wait_for_runs(self, count: int, timeout: float) -> bool:
        """Block until ``count`` syncs have finished (well or not); for tests and the supervisor's start-up."""
        with self._finished_one:
            return self._finished_one.wait_for(lambda: self.runs >= count, timeout)

    def run_once(self) -> None:
        engine = self._engine_factory()
        try:
            outcome = self._sync(engine, self.url, source=self.source, **self._options)
        except Exception as error:  # noqa: BLE001 - any failure must leave the assistant running
            self.failures += 1
            self.last_error = f"{type(error).__name__}: {error}"
            logger.warning("Directory sync failed; the directory was left as it was: %s", self.last_error)
        else:
            self.last_outcome, self.last_error = outcome, None
            logger.info("Directory sync from %s: %s", outcome.read.url, outcome.summary.headline())
        finally:
            engine.dispose()
            with self._finished_one:
                self.runs += 1
                self._finished_one.notify_all()

    def _loop(self) -> None:
        while not self._stopping.is_set():
            self.run_once()
            self._stopping.wait(self.interval)
