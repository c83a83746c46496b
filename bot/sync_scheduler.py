"""`signpost run`'s scheduled directory sync, switched on by SIGNPOST_SYNC_URL (bot/settings.py).

Runs in the supervising `signpost run` process, beside the servers it starts: the action server reads the
directory database afresh each turn and rebuilds its area index when the directory changes
(actions/directory.py), so a sync reaches the assistant without a restart or retraining.
"""
from __future__ import annotations

import logging
import sys

from bot import settings
from knowledge.store.db import make_engine
from knowledge.sync.schedule import ScheduledSync

logger = logging.getLogger("knowledge.sync")


def start_scheduled_sync() -> ScheduledSync | None:
    """Start syncing when SIGNPOST_SYNC_URL is set; None when it is not. Raises ValueError for a bad interval."""
    url = settings.sync_url()
    if url is None:
        return None
    minutes = settings.sync_interval_minutes()
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
    print(f"Syncing the directory from {url} now and every {minutes:g} minutes.", flush=True)
    return ScheduledSync(make_engine, url, interval=minutes * 60, source=settings.sync_source()).start()
