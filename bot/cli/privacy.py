"""`signpost purge`: delete conversations older than the retention period."""
from __future__ import annotations

import argparse
import os
import sys

from bot import settings
from bot.cli.common import EXIT_OK, EXIT_USAGE
from insight.retention import purge_expired_events


def purge() -> int:
    """Deletes conversations older than the retention period and says how many (never which)."""
    try:
        hours = settings.retention_hours()
    except ValueError as error:
        print(error, file=sys.stderr)
        return EXIT_USAGE
    os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
    from bot.tracker_store import PrivateSQLTrackerStore

    # The store purges as it opens; that count is the answer.
    store = PrivateSQLTrackerStore(retention_hours=hours, purge_every_minutes=0)
    removed = store.purge_expired()
    kept = store.count_conversations()
    store.engine.dispose()
    print(f"Removed {store.removed_at_start + removed} conversation(s) older than {hours:g} hours; {kept} kept.")
    print(purge_expired_events())  # anonymous events have their own, longer period (insight/retention.py)
    return EXIT_OK


def _purge(_: argparse.Namespace) -> int:
    return purge()


def register(commands: argparse._SubParsersAction) -> None:
    pg = commands.add_parser("purge", help="delete conversations older than the retention period")
    pg.set_defaults(handler=_purge)
