"""Where conversations are kept, for how long, and how a person erases theirs.

Rasa Open Source 3.6 keeps every conversation in its tracker store for ever, with the full text of every
message, and has no way to delete one (anchors §4: PII anonymisation is Rasa Pro and leaves the tracker store
alone; RasaHQ/rasa#10719 asks for deletion "to be compliant with GDPR"). What people tell signpost is about their
health, so it is special category data (anchors §6): we keep as little as we can, for as short a time as we can.

``PrivateSQLTrackerStore`` is Rasa's ``SQLTrackerStore`` (same table, SQLite or PostgreSQL) plus:

* **retention**: ``purge(older_than)`` deletes every conversation whose latest event is older. It runs when the
  store starts, then at most every ``purge_every_minutes`` when conversations are read or saved (a server runs
  for weeks), and on demand with ``signpost purge`` (e.g. from cron).
* **erasure**: when a turn ran ``action_forget_me``, ``save`` deletes every stored event of that sender instead
  of saving. Rasa saves the tracker once at the end of each turn (``MessageProcessor.handle_message``), inside
  the sender's ticket lock, so no other message of the same person can write in between; the next message finds
  no tracker and Rasa starts a fresh conversation (``action_session_start``). Nothing of the erased turn is
  streamed to an event broker either.

Sender ids are already keyed pseudonyms (channels/identity.py). Logs here carry counts only, never ids.

Configured in bot/endpoints.yml (``type: bot.tracker_store.PrivateSQLTrackerStore``). The URL and the retention
period come from the environment (``SIGNPOST_TRACKER_URL``, ``SIGNPOST_RETENTION_HOURS``: bot/settings.py) unless
the endpoints file gives ``url`` / ``retention_hours``, so that no database password is ever written to a file.
"""
from __future__ import annotations

import logging
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Optional, Text

import sqlalchemy as sa
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot import settings

logger = logging.getLogger(__name__)

#: The action that asks the store to erase the conversation (actions/privacy.py).
FORGET_ME_ACTION = "action_forget_me"
DEFAULT_PURGE_EVERY_MINUTES = 10.0


def asked_to_forget(tracker: DialogueStateTracker) -> bool:
    """True when the latest turn (everything since the last user message) ran ``action_forget_me``."""
    for event in reversed(tracker.events):
        if isinstance(event, ActionExecuted) and event.action_name == FORGET_ME_ACTION:
            return True
        if isinstance(event, UserUttered):
            return False
    return False


def _ensure_sqlite_folder(url: str) -> None:
    """SQLite creates the file but not its folder (var/ is not in git)."""
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)


class PrivateSQLTrackerStore(SQLTrackerStore):
    """An SQL tracker store that forgets: conversations expire, and a person can erase theirs at once."""

    def __init__(
        self,
        domain: Optional[Domain] = None,
        host: Optional[Text] = None,
        event_broker: Optional[EventBroker] = None,
        retention_hours: Optional[float] = None,
        purge_every_minutes: float = DEFAULT_PURGE_EVERY_MINUTES,
        **kwargs: Any,
    ) -> None:
        # Rasa passes the endpoint's `url` as `host`; a full URL there is used as it is (SQLTrackerStore.get_db_url).
        url = host or settings.tracker_url()
        _ensure_sqlite_folder(url)
        kwargs.pop("url", None)
        super().__init__(domain=domain, host=url, event_broker=event_broker, **kwargs)
        hours = float(retention_hours) if retention_hours is not None else settings.retention_hours()
        if not hours > 0:
            raise ValueError("retention_hours must be more than 0")
        self.retention = timedelta(hours=hours)
        self.purge_every_seconds = float(purge_every_minutes) * 60
        self._last_purge = 0.0
        self.removed_at_start = self.purge_expired()
        logger.info(
            "Conversation store ready (%s); kept for %g hours; removed %d expired conversation(s).",
            self.engine.dialect.name, hours, self.removed_at_start,
        )

    # ------------------------------------------------------------------ retention

    def purge(self, older_than: datetime) -> int:
        """Deletes every conversation whose latest event is older than ``older_than``; returns how many.

        One DELETE with the "latest event" test in a subquery, so a conversation that gets a new message while
        this runs is judged on that message and kept.
        """
        events = self.SQLEvent.__table__
        latest = sa.func.max(events.c.timestamp)
        expired = (
            sa.select(events.c.sender_id)
            .group_by(events.c.sender_id)
            .having(sa.or_(latest < older_than.timestamp(), latest.is_(None)))
        )
        with self.engine.begin() as connection:
            count = connection.execute(
                sa.select(sa.func.count()).select_from(expired.subquery())
            ).scalar_one()
            if count:
                connection.execute(sa.delete(events).where(events.c.sender_id.in_(expired.scalar_subquery())))
        self._last_purge = time.monotonic()
        return int(count)

    def purge_expired(self, now: Optional[datetime] = None) -> int:
        """Deletes the conversations older than the retention period; returns how many."""
        now = now or datetime.now(timezone.utc)
        return self.purge(now - self.retention)

    def _purge_if_due(self) -> None:
        if time.monotonic() - self._last_purge >= self.purge_every_seconds:
            removed = self.purge_expired()
            if removed:
                logger.info("Removed %d expired conversation(s).", removed)

    # ------------------------------------------------------------------ erasure

    def erase(self, sender_id: Text) -> int:
        """Deletes every stored event of ``sender_id`` (all sessions); returns how many events were deleted."""
        events = self.SQLEvent.__table__
        with self.engine.begin() as connection:
            result = connection.execute(sa.delete(events).where(events.c.sender_id == sender_id))
        return int(result.rowcount or 0)

    # ------------------------------------------------------------------ Rasa's interface

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Saves the new events, or erases the whole conversation when this turn ran ``action_forget_me``."""
        if asked_to_forget(tracker):
            removed = self.erase(tracker.sender_id)
            logger.info("Erased a conversation at the person's request (%d stored events).", removed)
            return
        self._purge_if_due()
        await super().save(tracker)

    async def retrieve(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        # Purge first, so a conversation past its time is never picked up again.
        self._purge_if_due()
        return await super().retrieve(sender_id)

    def count_conversations(self) -> int:
        """How many conversations are stored (for `signpost purge` and tests)."""
        events = self.SQLEvent.__table__
        with self.engine.connect() as connection:
            return int(
                connection.execute(sa.select(sa.func.count(sa.distinct(events.c.sender_id)))).scalar_one()
            )
