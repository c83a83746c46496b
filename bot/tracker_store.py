"""Where conversations are kept, for how long, and how a person erases theirs.

Rasa Open Source 3.6 keeps every conversation in its tracker store for ever, with the full text of every
message, and has no way to delete one (anchors §4: PII anonymisation is Rasa Pro and leaves the tracker store
alone; RasaHQ/rasa#10719 asks for deletion "to be compliant with GDPR"). What people tell signpost is about their
health, so it is special category data (anchors §6): we keep as little as we can, for as short a time as we can.

``PrivateSQLTrackerStore`` keeps Rasa's ``events`` table (SQLite or PostgreSQL) with three more columns, and:

* **appends, never rewrites**: Rasa's ``SQLTrackerStore.save`` counts the stored events and writes the tracker's
  events after that count, so when two servers save one person's tracker at once the second writer's events are
  skipped (two servers lost 20 of 40 user messages that way), and after an erasure a stale tracker writes the
  whole erased conversation back. Here each row has a number per sender (``seq``, unique with ``sender_id``); a
  save appends exactly the events that turn added, as one block numbered after the stored tail, in one
  transaction. Two writers cannot take the same numbers (the unique index refuses the second; it reads the new
  tail and appends after it), so blocks never interleave and are never dropped.
* **a turn built on an erased conversation is not written**: a tracker remembers the last stored event it was
  read from; if that event is gone when the turn is saved, the person said "forget me" (or the conversation
  expired) on another server meanwhile, and nothing of the old conversation comes back.
* **a turn is stored once**: a user message whose channel id (``message_id``: Twilio's MessageSid, Telegram's
  update id, the REST client's id) is already stored for that sender is a retry, and its second turn is not saved.
* **retention per conversation**: each conversation (a Rasa session: from ``action_session_start`` to the next)
  has its number (``conversation``), and ``purge(older_than)`` deletes each conversation whose own latest event
  is older, as the privacy notice promises, not a person's every session at once. It runs when the store
  starts, then at most every ``purge_every_minutes`` when conversations are read or saved, and on demand with
  ``signpost purge`` (e.g. from cron).
* **erasure**: when a turn ran ``action_forget_me``, ``save`` deletes every stored event of that sender instead
  of saving; the next message finds no tracker and Rasa starts a fresh conversation. Nothing of the erased turn is
  streamed to an event broker either.
* **off the event loop**: database work runs in a worker thread, so one slow query does not stall every other
  conversation this server is answering.
* **an outage is waited out, then said**: while the database cannot be reached (a restart, a fail-over), a read or
  write is tried again for up to ``OUTAGE_WAIT_SECONDS``; the turn is late, not lost, and holds its conversation's
  lock meanwhile, so the person's next message still comes after it. A longer outage fails the turn (and, until
  the database answers again, later turns fail at once rather than each waiting): Rasa's
  ``FailSafeTrackerStore`` would instead answer from an empty conversation and keep the turn in memory only (lost
  without a word), so ``pass_errors_on`` makes it pass our errors on, and the channel answers with its fallback
  (channels/fallback.py: the emergency guidance, or "Sorry, I can't look up services just now" with 999 and the
  lines that are always open). Nothing of such a turn is stored.

Sender ids are already keyed pseudonyms (channels/identity.py). Logs here carry counts only, never ids.

Configured in bot/endpoints.yml (``type: bot.tracker_store.PrivateSQLTrackerStore``). The URL and the retention
period come from the environment (``SIGNPOST_TRACKER_URL``, ``SIGNPOST_RETENTION_HOURS``: bot/settings.py) unless
the endpoints file gives ``url`` / ``retention_hours``, so that no database password is ever written to a file.
A database written by Rasa's own SQL store (or an earlier signpost) is upgraded in place when the store starts.
"""
from __future__ import annotations

import asyncio
import json
import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable, Iterable, List, Optional, Sequence, Text, TypeVar

import sqlalchemy as sa
import sqlalchemy.exc
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, Event, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.orm import declarative_base

from bot import settings

logger = logging.getLogger(__name__)

#: The action that asks the store to erase the conversation (actions/privacy.py).
FORGET_ME_ACTION = "action_forget_me"
SESSION_START_ACTION = "action_session_start"
DEFAULT_PURGE_EVERY_MINUTES = 10.0
#: Attempts to append a block when other writers keep taking the numbers first (each retry reads the new tail).
APPEND_ATTEMPTS = 8
#: How long a read or write waits for an unreachable database to come back before the turn fails (seconds): long
#: enough for a restart or fail-over, short enough that an SMS reply still fits Twilio's window (channels/sms.py).
OUTAGE_WAIT_SECONDS = 6.0
FIRST_OUTAGE_PAUSE_SECONDS = 0.1
LONGEST_OUTAGE_PAUSE_SECONDS = 1.0
#: libpq settings so that a PostgreSQL that stops answering (a hung server, a half-open network) fails a call
#: within seconds, inside the outage wait, instead of holding a turn (and its conversation's lock) for the
#: kernel's TCP timeout, many minutes: 2 s to connect, and a connection whose sent data goes unacknowledged for
#: 5 s, or that is silent and fails keepalive probes for about 9 s, is dropped.
POSTGRESQL_TIMEOUTS = {"connect_timeout": 2, "tcp_user_timeout": 5000, "keepalives": 1, "keepalives_idle": 5,
                       "keepalives_interval": 2, "keepalives_count": 2}

Base = declarative_base()
T = TypeVar("T")


class ConversationEvent(Base):
    """One event of one conversation: Rasa's ``events`` columns, plus where it sits (conversation, seq)."""

    __tablename__ = "events"

    id = sa.Column(sa.Integer, sa.Sequence("events_seq"), primary_key=True)
    sender_id = sa.Column(sa.String(255), nullable=False, index=True)
    type_name = sa.Column(sa.String(255), nullable=False)
    timestamp = sa.Column(sa.Float)
    intent_name = sa.Column(sa.String(255))
    action_name = sa.Column(sa.String(255))
    data = sa.Column(sa.Text)
    #: Which conversation (Rasa session) of this sender, counted from 0.
    conversation = sa.Column(sa.Integer)
    #: Position among all of this sender's stored events; unique with sender_id, so appends cannot collide.
    seq = sa.Column(sa.Integer)
    #: The channel's id for a user message, to recognise a retried message.
    message_id = sa.Column(sa.String(255))


SENDER_SEQ_INDEX = sa.Index("ix_events_sender_seq", ConversationEvent.sender_id, ConversationEvent.seq, unique=True)
EVENTS = ConversationEvent.__table__

#: Set on every tracker this store reads or writes: what of it is already stored.
_STORED = "_signpost_stored"


@dataclass(frozen=True)
class Stored:
    """How many of a tracker's events are stored, and the ``seq`` of the last of them (None: nothing yet)."""

    count: int
    last_seq: Optional[int]


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


def _row(sender_id: Text, event: Event, conversation: int, seq: int) -> dict[str, Any]:
    data = event.as_dict()
    return {
        "sender_id": sender_id,
        "type_name": event.type_name,
        "timestamp": data.get("timestamp"),
        "intent_name": (data.get("parse_data") or {}).get("intent", {}).get("name"),
        "action_name": data.get("name"),
        "data": json.dumps(data),
        "conversation": conversation,
        "seq": seq,
        "message_id": getattr(event, "message_id", None) if isinstance(event, UserUttered) else None,
    }


def _starts_conversation(event: Event, previous_type: Optional[str], previous_action: Optional[str]) -> bool:
    """A conversation begins at ``action_session_start`` (or a SessionStarted that follows no such action)."""
    if isinstance(event, ActionExecuted):
        return event.action_name == SESSION_START_ACTION
    if isinstance(event, SessionStarted):
        return not (previous_type == ActionExecuted.type_name and previous_action == SESSION_START_ACTION)
    return False


def _unreachable(error: Exception) -> bool:
    """True when ``error`` says the database could not be reached (connection refused, dropped, timed out), as
    opposed to a statement it refused."""
    if isinstance(error, (sqlalchemy.exc.OperationalError, sqlalchemy.exc.InterfaceError)):
        return True
    return isinstance(error, sqlalchemy.exc.DBAPIError) and bool(error.connection_invalidated)


def _raise(error: Exception) -> None:
    raise error


def pass_errors_on() -> None:
    """Make Rasa's ``FailSafeTrackerStore`` around a ``PrivateSQLTrackerStore`` raise our errors, not hide them.

    Rasa wraps every tracker store in it (``Agent._create_tracker_store``): a failed read becomes "no conversation
    yet" and a failed write goes to a memory store nothing reads. The person would get an answer built as if they
    had said nothing before, and the turn would be missing from the store with nothing said. Raising instead lets
    the channel's fallback answer, which says the look-up failed. Installed when a store is made (Rasa makes the
    store before the Agent that wraps it), so every way of starting Rasa with this store gets it; idempotent.
    """
    from rasa.core.agent import Agent
    from rasa.core.tracker_store import FailSafeTrackerStore

    create = Agent._create_tracker_store
    if getattr(create, "_signpost_passes_errors_on", False):
        return

    def create_tracker_store(store: Any, domain: Domain) -> Any:
        wrapped = create(store, domain)
        if isinstance(store, PrivateSQLTrackerStore) and isinstance(wrapped, FailSafeTrackerStore):
            wrapped._on_tracker_store_error = _raise
        return wrapped

    create_tracker_store._signpost_passes_errors_on = True  # type: ignore[attr-defined]
    Agent._create_tracker_store = staticmethod(create_tracker_store)


class _Erased(Exception):
    """The events a turn was built on are gone: erased (or expired) meanwhile."""


class PrivateSQLTrackerStore(SQLTrackerStore):
    """An SQL tracker store that appends safely across servers and forgets: conversations expire, and a person
    can erase theirs at once."""

    Base = Base
    SQLEvent = ConversationEvent

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
        if self.engine.dialect.name == "sqlite":
            self._tune_sqlite(url)
        elif self.engine.dialect.name == "postgresql":
            self._limit_postgresql_waits()
        self._upgrade_table()
        hours = float(retention_hours) if retention_hours is not None else settings.retention_hours()
        if not hours > 0:
            raise ValueError("retention_hours must be more than 0")
        self.retention = timedelta(hours=hours)
        self.purge_every_seconds = float(purge_every_minutes) * 60
        self.outage_wait_seconds = OUTAGE_WAIT_SECONDS
        #: True after a wait for the database ran out, until a call gets through: then nothing waits.
        self._gave_up = False
        pass_errors_on()
        self._last_purge = 0.0
        self.removed_at_start = self.purge_expired()
        logger.info(
            "Conversation store ready (%s); kept for %g hours; removed %d expired conversation(s).",
            self.engine.dialect.name, hours, self.removed_at_start,
        )

    # ------------------------------------------------------------------ schema

    def _tune_sqlite(self, url: str) -> None:
        """SQLite for one server: a few pooled connections and write-ahead logging.

        Rasa's engine opens a new SQLite connection for every read and write and syncs the file to disk on every
        commit; profiled under load that was most of the store's time (bench/README.md). With WAL, readers do not
        wait for a writer and a commit needs no full sync (``synchronous=NORMAL``: a power cut may lose the last
        turns, never the file); a small pool reuses connections across the worker threads.
        """
        self.engine.dispose()
        self.engine = sa.create_engine(
            url, poolclass=sa.pool.QueuePool, pool_size=4, max_overflow=4,
            connect_args={"check_same_thread": False, "timeout": 10},
        )

        @sa.event.listens_for(self.engine, "connect")
        def _pragmas(connection: Any, _record: Any) -> None:
            cursor = connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)

    def _limit_postgresql_waits(self) -> None:
        """Rasa's engine with ``POSTGRESQL_TIMEOUTS`` added to its connection arguments (a schema option it sets
        is kept)."""
        from rasa.core.tracker_store import create_engine_kwargs

        url = self.engine.url
        kwargs = create_engine_kwargs(url.render_as_string(hide_password=False))
        kwargs["connect_args"] = {**POSTGRESQL_TIMEOUTS, **kwargs.get("connect_args", {})}
        self.engine.dispose()
        self.engine = sa.create_engine(url, **kwargs)
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)

    def _upgrade_table(self) -> None:
        """Adds ``conversation``, ``seq`` and ``message_id`` to an ``events`` table written by Rasa's own store.

        Old rows keep their order (``seq`` from ``id``) and are numbered by session (the SessionStarted events
        before them), so retention treats them per conversation too. Several servers may start at once: whatever
        one of them has already done is skipped.
        """
        columns = {column["name"] for column in sa.inspect(self.engine).get_columns("events")}
        missing = [name for name in ("conversation", "seq", "message_id") if name not in columns]
        try:
            with self.engine.begin() as connection:
                for name in missing:
                    kind = "VARCHAR(255)" if name == "message_id" else "INTEGER"
                    connection.execute(sa.text(f"ALTER TABLE events ADD COLUMN {name} {kind}"))
                if missing:
                    # A row's conversation: the SessionStarted events up to it; action_session_start belongs
                    # with the SessionStarted it leads to.
                    connection.execute(sa.text(
                        "UPDATE events SET seq = id, conversation = (SELECT count(*) FROM events AS e "
                        "WHERE e.sender_id = events.sender_id AND e.type_name = 'session_started' "
                        "AND (e.id <= events.id OR (events.action_name = 'action_session_start' AND e.id = "
                        "(SELECT min(n.id) FROM events AS n WHERE n.sender_id = events.sender_id "
                        "AND n.type_name = 'session_started' AND n.id > events.id)))) WHERE seq IS NULL"
                    ))
                SENDER_SEQ_INDEX.create(connection, checkfirst=True)
        except (sqlalchemy.exc.OperationalError, sqlalchemy.exc.ProgrammingError) as error:
            logger.warning("Conversation table upgrade left to another server: %s", type(error).__name__)

    # ------------------------------------------------------------------ retention

    def purge(self, older_than: datetime) -> int:
        """Deletes every conversation whose own latest event is older than ``older_than``; returns how many.

        One DELETE with the "latest event" test in a subquery, so a conversation that gets a new message while
        this runs is judged on that message and kept. A person's other, newer conversation is kept whole.
        """
        latest = sa.func.max(EVENTS.c.timestamp)
        expired = (
            sa.select(EVENTS.c.sender_id, EVENTS.c.conversation)
            .group_by(EVENTS.c.sender_id, EVENTS.c.conversation)
            .having(sa.or_(latest < older_than.timestamp(), latest.is_(None)))
        )
        with self.engine.begin() as connection:
            count = connection.execute(sa.select(sa.func.count()).select_from(expired.subquery())).scalar_one()
            if count:
                connection.execute(
                    sa.delete(EVENTS).where(sa.tuple_(EVENTS.c.sender_id, EVENTS.c.conversation).in_(expired))
                )
        self._last_purge = time.monotonic()
        return int(count)

    def purge_expired(self, now: Optional[datetime] = None) -> int:
        """Deletes the conversations older than the retention period; returns how many."""
        now = now or datetime.now(timezone.utc)
        return self.purge(now - self.retention)

    def _purge_if_due(self) -> None:
        if time.monotonic() - self._last_purge >= self.purge_every_seconds:
            self._last_purge = time.monotonic()
            removed = self.purge_expired()
            if removed:
                logger.info("Removed %d expired conversation(s).", removed)

    # ------------------------------------------------------------------ erasure

    def erase(self, sender_id: Text) -> int:
        """Deletes every stored event of ``sender_id`` (all conversations); returns how many were deleted."""
        with self.engine.begin() as connection:
            result = connection.execute(sa.delete(EVENTS).where(EVENTS.c.sender_id == sender_id))
        return int(result.rowcount or 0)

    # ------------------------------------------------------------------ reading

    def _load(self, sender_id: Text, all_conversations: bool) -> tuple[list[dict], Optional[int]]:
        """The latest conversation's events from its SessionStarted on (as Rasa's store returns them), or every
        event of the sender; and the ``seq`` of the last stored event."""
        query = sa.select(EVENTS.c.data, EVENTS.c.type_name, EVENTS.c.seq).where(EVENTS.c.sender_id == sender_id)
        if not all_conversations:
            latest = sa.select(sa.func.max(EVENTS.c.conversation)).where(EVENTS.c.sender_id == sender_id)
            query = query.where(EVENTS.c.conversation == latest.scalar_subquery())
        with self.engine.connect() as connection:
            rows = connection.execute(query.order_by(EVENTS.c.seq)).all()
        if not rows:
            return [], None
        first = 0
        if not all_conversations:
            starts = [i for i, row in enumerate(rows) if row.type_name == SessionStarted.type_name]
            first = starts[-1] if starts else 0
        return [json.loads(row.data) for row in rows[first:]], rows[-1].seq

    def _retrieve_now(self, sender_id: Text, all_conversations: bool) -> Optional[DialogueStateTracker]:
        self._purge_if_due()
        events, last_seq = self._load(sender_id, all_conversations)
        if not self.domain or not events:
            return None
        tracker = DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)
        setattr(tracker, _STORED, Stored(len(tracker.events), last_seq))
        return tracker

    async def _patiently(self, work: Callable[..., T], *args: Any) -> T:
        """``work(*args)`` in a worker thread; while the database cannot be reached, again after a pause, for up to
        ``outage_wait_seconds`` (the pauses are on the event loop, so waiting turns hold no worker thread)."""
        deadline = time.monotonic() + self.outage_wait_seconds
        pause = FIRST_OUTAGE_PAUSE_SECONDS
        while True:
            try:
                result = await asyncio.to_thread(work, *args)
                self._gave_up = False
                return result
            except sqlalchemy.exc.DBAPIError as error:
                remaining = deadline - time.monotonic()
                if not _unreachable(error):
                    raise
                if remaining <= 0 or self._gave_up:
                    # Once one wait has run out, the outage is long: later turns fail at once (their fallback
                    # answers now, not 6 s later) until a call gets through again.
                    self._gave_up = True
                    raise
                logger.warning("Conversation store unreachable (%s); trying again.", type(error).__name__)
            await asyncio.sleep(min(pause, remaining))
            pause = min(pause * 2, LONGEST_OUTAGE_PAUSE_SECONDS)

    async def retrieve(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        """The latest conversation of ``sender_id`` (purging first, so an expired one is never picked up)."""
        return await self._patiently(self._retrieve_now, sender_id, False)

    async def retrieve_full_tracker(self, conversation_id: Text) -> Optional[DialogueStateTracker]:
        return await self._patiently(self._retrieve_now, conversation_id, True)

    def count_conversations(self) -> int:
        """How many conversations are stored (for `signpost purge` and tests)."""
        groups = sa.select(EVENTS.c.sender_id, EVENTS.c.conversation).distinct().subquery()
        with self.engine.connect() as connection:
            return int(connection.execute(sa.select(sa.func.count()).select_from(groups)).scalar_one())

    # ------------------------------------------------------------------ writing

    def _append(self, sender_id: Text, block: Sequence[Event], stored: Stored, had_user: bool) -> Optional[int]:
        """Appends ``block`` after the stored tail in one transaction; returns the new last ``seq``.

        Returns None when the block is a retried user message already stored. Raises ``_Erased`` when the event
        the tracker was read from is gone.
        """
        message_ids = [e.message_id for e in block if isinstance(e, UserUttered) and e.message_id]
        tail_seq = sa.select(sa.func.max(EVENTS.c.seq)).where(EVENTS.c.sender_id == sender_id).scalar_subquery()
        wanted = [EVENTS.c.seq == tail_seq]
        if stored.last_seq is not None:
            wanted.append(EVENTS.c.seq == stored.last_seq)
        if message_ids:
            wanted.append(sa.and_(EVENTS.c.type_name == UserUttered.type_name, EVENTS.c.message_id.in_(message_ids)))
        # One round trip: the tail, the event this turn was built on, and any copy of this turn's message.
        query = sa.select(
            EVENTS.c.seq, EVENTS.c.conversation, EVENTS.c.type_name, EVENTS.c.action_name, EVENTS.c.message_id
        ).where(EVENTS.c.sender_id == sender_id, sa.or_(*wanted))
        with self.engine.begin() as connection:
            found = connection.execute(query).all()
            if stored.last_seq is not None and not any(row.seq == stored.last_seq for row in found):
                raise _Erased()
            if message_ids and any(row.message_id in message_ids for row in found if row.message_id):
                return None
            tail = max(found, key=lambda row: row.seq) if found else None
            seq = tail.seq + 1 if tail else 0
            conversation = tail.conversation if tail else 0
            previous = (tail.type_name, tail.action_name) if tail else (None, None)
            # A tracker that was not read from here but finds events stored: another server began this
            # conversation at the same moment; its turn goes after, in a conversation of its own if it starts one.
            had_user = had_user or (tail is not None and stored.last_seq is None)
            rows = []
            for offset, event in enumerate(block):
                if _starts_conversation(event, *previous) and had_user:
                    conversation += 1
                    had_user = False
                had_user = had_user or isinstance(event, UserUttered)
                rows.append(_row(sender_id, event, conversation, seq + offset))
                previous = (event.type_name, getattr(event, "action_name", None))
            connection.execute(sa.insert(EVENTS), rows)
        return seq + len(block) - 1

    def _save_now(self, tracker: DialogueStateTracker) -> None:
        if asked_to_forget(tracker):
            removed = self.erase(tracker.sender_id)
            logger.info("Erased a conversation at the person's request (%d stored events).", removed)
            return
        self._purge_if_due()
        stored: Stored = getattr(tracker, _STORED, None) or Stored(0, None)
        events = list(tracker.events)
        block = events[stored.count:]
        if not block:
            return
        had_user = any(isinstance(e, UserUttered) for e in events[: stored.count])
        for attempt in range(APPEND_ATTEMPTS):
            try:
                last_seq = self._append(tracker.sender_id, block, stored, had_user)
            except _Erased:
                logger.info("A turn of an erased conversation was not saved (%d events).", len(block))
                return
            except (sqlalchemy.exc.IntegrityError, sqlalchemy.exc.OperationalError) as error:
                # Another server appended first (unique seq), or SQLite was busy: read the new tail and go again.
                if attempt == APPEND_ATTEMPTS - 1:
                    raise
                logger.debug("Append retried after %s.", type(error).__name__)
                time.sleep(0.005 * (attempt + 1))
                continue
            if last_seq is None:
                logger.info("A retried message was answered again but stored once.")
                return
            setattr(tracker, _STORED, Stored(len(events), last_seq))
            return

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Appends the events this turn added, or erases the whole conversation when it ran ``action_forget_me``."""
        if self.event_broker is not None and not asked_to_forget(tracker):
            await self.stream_events(tracker)
        # Tried again after an outage: a block whose commit went through but whose answer was lost is recognised
        # by its user message's id (Rasa gives every message one) and not stored twice.
        await self._patiently(self._save_now, tracker)

    async def keys(self) -> Iterable[Text]:
        with self.engine.connect() as connection:
            return list(connection.execute(sa.select(EVENTS.c.sender_id).distinct()).scalars())


__all__: List[str] = ["PrivateSQLTrackerStore", "asked_to_forget", "ConversationEvent", "pass_errors_on"]
