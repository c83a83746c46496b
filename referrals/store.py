"""Every query on the outbox: add a request, take due ones, record the outcome, cancel a conversation's.

Each method is one unit of work (one transaction). ``add`` commits before it returns the reference, so a
person is only ever told "sent" about a request that is on disk; given the request's token it is idempotent
(the same "yes" run twice is one request, one reference, one delivery). ``claim`` takes one entry with a
conditional UPDATE (the lease), so two workers never send the same entry, and an entry held by a worker that died
is taken again once the lease runs out. "Forget me" deletes what no worker holds; what a worker is sending at
that moment cannot be called back, so it is marked never to be tried again and the person is told.
"""
from __future__ import annotations

import datetime as dt
import secrets
import uuid
from dataclasses import dataclass
from typing import ContextManager

from sqlalchemy import and_, delete, func, inspect, or_, select, text, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

from knowledge.store.db import make_engine, session_scope
from referrals import settings
from referrals.models import FORGOTTEN, PENDING, SENT, TELL_ADMIN, WAITING, OutboxBase, OutboxEntry, utcnow
from referrals.request import CallbackRequest
from referrals.sealing import Sealer

#: No 0/O, 1/I/L: a reference is read out over the phone.
_REFERENCE_LETTERS = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def new_reference() -> str:
    return "SP-" + "".join(secrets.choice(_REFERENCE_LETTERS) for _ in range(6))


@dataclass(frozen=True)
class Cancelled:
    """What "forget me" did to a conversation's call-back requests."""

    #: Deleted before anything was sent.
    cancelled: int = 0
    #: Being sent at that moment, or sent already: the service may still call.
    already_on_its_way: int = 0


@dataclass(frozen=True)
class Claimed:
    """An entry a worker holds: decrypted, with the number of this try."""

    id: str
    reference: str
    state: str
    attempt: int
    request: CallbackRequest


class Outbox:
    def __init__(self, engine: Engine, sealer: Sealer) -> None:
        self.engine = engine
        self.sealer = sealer

    @classmethod
    def from_environment(cls) -> "Outbox":
        outbox = cls(make_engine(settings.outbox_url()), Sealer())
        outbox.create_schema()
        return outbox

    def create_schema(self) -> None:
        """The table as the model says; an outbox made before the request key (revision 0006) gets it, rows kept.

        The outbox may have a database of its own (SIGNPOST_OUTBOX_URL) that the directory's migrations never
        see, so it brings its own table forward, making the change 0006 makes."""
        OutboxBase.metadata.create_all(self.engine)
        self._add_if_missing("request_key", "get_columns",
                             "ALTER TABLE referral_outbox ADD COLUMN request_key VARCHAR(64)")
        self._add_if_missing("ix_referral_outbox_request_key", "get_indexes",
                             "CREATE UNIQUE INDEX ix_referral_outbox_request_key ON referral_outbox (request_key)")

    def _add_if_missing(self, name: str, listed_by: str, statement: str) -> None:
        """Runs ``statement`` unless the outbox table has ``name`` among what Inspector's ``listed_by`` lists."""
        if name in self._names(listed_by):
            return
        try:
            with self.engine.begin() as connection:
                connection.execute(text(statement))
        except SQLAlchemyError:
            if name not in self._names(listed_by):  # not another server making it at the same moment
                raise

    def _names(self, listed_by: str) -> set[str]:
        with self.engine.connect() as connection:
            return {item["name"] for item in getattr(inspect(connection), listed_by)("referral_outbox")}

    def _unit(self) -> ContextManager[Session]:
        """One unit of work on the outbox's database, as the directory's sessions are."""
        return session_scope(self.engine)

    # ------------------------------------------------------------------ the conversation side

    def add(self, request: CallbackRequest, sender_id: str, request_token: str | None = None) -> str:
        """Writes the request (sealed) and commits; returns its reference. Raises if it could not be written.

        With ``request_token`` (set when the call-back form started) the same request written again, by a re-run
        after a retry or an expired lock, is not written twice: the first one's reference is returned."""
        key = self.sealer.request_key(sender_id, request_token) if request_token else None
        for _ in range(5):
            existing = self._reference_for(key) if key else None
            if existing:
                return existing
            reference = new_reference()
            try:
                with self._unit() as session:
                    session.add(
                        OutboxEntry(
                            id=str(uuid.uuid4()),
                            reference=reference,
                            conversation_tag=self.sealer.conversation_tag(sender_id),
                            request_key=key,
                            sealed=self.sealer.seal(request.to_payload()),
                            state=PENDING,
                            attempts=0,
                            next_attempt_at=utcnow(),
                        )
                    )
                return reference
            except IntegrityError:
                continue  # the same random reference twice, or the same request written at this moment: look again
        raise RuntimeError("could not draw an unused reference")

    def _reference_for(self, request_key: str) -> str | None:
        with self._unit() as session:
            return session.scalar(select(OutboxEntry.reference).where(OutboxEntry.request_key == request_key))

    def cancel_conversation(self, sender_id: str, now: dt.datetime | None = None) -> "Cancelled":
        """"Forget me": deletes the conversation's requests that no worker holds (and what is kept of sent ones);
        a request a worker is sending now is marked never to be tried again. Says how many of each."""
        now = now or utcnow()
        tag = self.sealer.conversation_tag(sender_id)
        ours = OutboxEntry.conversation_tag == tag
        not_held = or_(OutboxEntry.lease_until.is_(None), OutboxEntry.lease_until < now)
        with self._unit() as session:
            # Delete first: a worker that takes a row after this statement finds it gone; one that took it
            # before makes it "held", and the update below, a later statement, sees that.
            cancelled = session.execute(delete(OutboxEntry).where(ours, OutboxEntry.state.in_(WAITING), not_held))
            session.execute(delete(OutboxEntry).where(ours, OutboxEntry.state == FORGOTTEN, not_held))
            held = session.execute(
                update(OutboxEntry)
                .where(ours, OutboxEntry.state.in_((*WAITING, FORGOTTEN)), OutboxEntry.lease_until >= now)
                .values(state=FORGOTTEN)
                .execution_options(synchronize_session=False)
            )
            sent = session.execute(delete(OutboxEntry).where(ours, OutboxEntry.state == SENT))
            return Cancelled(
                cancelled=int(cancelled.rowcount or 0),
                already_on_its_way=int(held.rowcount or 0) + int(sent.rowcount or 0),
            )

    # ------------------------------------------------------------------ the worker side

    def due_ids(self, now: dt.datetime | None = None, limit: int = 50) -> list[str]:
        now = now or utcnow()
        with self._unit() as session:
            return list(
                session.scalars(
                    select(OutboxEntry.id)
                    .where(
                        OutboxEntry.state != SENT,
                        OutboxEntry.next_attempt_at <= now,
                        or_(OutboxEntry.lease_until.is_(None), OutboxEntry.lease_until < now),
                    )
                    .order_by(OutboxEntry.next_attempt_at, OutboxEntry.created_at)
                    .limit(limit)
                )
            )

    def claim(self, entry_id: str, lease_seconds: float, now: dt.datetime | None = None) -> Claimed | None:
        """Takes one due entry for ``lease_seconds`` and counts the try; None if another worker has it, or if it
        was forgotten while a worker that has since died was sending it (then it is deleted, not sent again)."""
        now = now or utcnow()
        with self._unit() as session:
            taken = session.execute(
                update(OutboxEntry)
                .where(
                    and_(
                        OutboxEntry.id == entry_id,
                        OutboxEntry.state != SENT,
                        OutboxEntry.next_attempt_at <= now,
                        or_(OutboxEntry.lease_until.is_(None), OutboxEntry.lease_until < now),
                    )
                )
                .values(lease_until=now + dt.timedelta(seconds=lease_seconds), attempts=OutboxEntry.attempts + 1)
                .execution_options(synchronize_session=False)
            )
            if taken.rowcount != 1:
                return None
            entry = session.get(OutboxEntry, entry_id)
            if entry.state == FORGOTTEN:
                session.delete(entry)
                return None
            payload = self.sealer.open(entry.sealed)
            return Claimed(
                entry.id, entry.reference, entry.state, entry.attempts, CallbackRequest.from_payload(payload)
            )

    def delivered(self, entry_id: str) -> None:
        """Delivered (or handed to the admin): nothing of the request is kept. Its reference and keyed hashes stay
        for a day so the same "yes" run again is not sent again; a forgotten one leaves nothing at all."""
        with self._unit() as session:
            session.execute(delete(OutboxEntry).where(OutboxEntry.id == entry_id, OutboxEntry.state == FORGOTTEN))
            session.execute(
                update(OutboxEntry)
                .where(OutboxEntry.id == entry_id, OutboxEntry.state != FORGOTTEN)
                .values(state=SENT, sealed=b"", lease_until=None, last_error=None)
                .execution_options(synchronize_session=False)
            )

    def retry_later(self, entry_id: str, wait_seconds: float, error: str, *, tell_admin: bool = False) -> None:
        """The send failed: try again after ``wait_seconds`` (a forgotten request is deleted instead)."""
        with self._unit() as session:
            session.execute(delete(OutboxEntry).where(OutboxEntry.id == entry_id, OutboxEntry.state == FORGOTTEN))
            values = {
                "lease_until": None,
                "next_attempt_at": utcnow() + dt.timedelta(seconds=wait_seconds),
                "last_error": error[:120],
            }
            if tell_admin:
                values["state"] = TELL_ADMIN
            session.execute(
                update(OutboxEntry).where(OutboxEntry.id == entry_id, OutboxEntry.state != FORGOTTEN).values(**values)
                .execution_options(synchronize_session=False)
            )

    def forget_sent(self, now: dt.datetime | None = None) -> int:
        """Removes what is kept of requests sent more than a day after their "yes" (settings.SENT_KEPT_SECONDS)."""
        cutoff = (now or utcnow()) - dt.timedelta(seconds=settings.SENT_KEPT_SECONDS)
        with self._unit() as session:
            result = session.execute(
                delete(OutboxEntry).where(OutboxEntry.state == SENT, OutboxEntry.created_at < cutoff)
            )
            return int(result.rowcount or 0)

    def counts(self) -> dict[str, int]:
        """How many requests wait, by state (for `signpost referrals status`): numbers only."""
        with self._unit() as session:
            rows = session.execute(
                select(OutboxEntry.state, func.count()).where(OutboxEntry.state.in_(WAITING)).group_by(OutboxEntry.state)
            ).all()
        return {state: int(count) for state, count in rows}

    def stored_bytes(self) -> list[bytes]:
        """The sealed column as stored (tests show nothing readable is on disk)."""
        with self._unit() as session:
            return [bytes(value) for value in session.scalars(select(OutboxEntry.sealed))]
