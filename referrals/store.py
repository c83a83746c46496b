"""Every query on the outbox: add a request, take due ones, record the outcome, cancel a conversation's.

Each method is one unit of work (one transaction). ``add`` commits before it returns the reference, so a
person is only ever told "sent" about a request that is on disk. ``claim`` takes one entry with a conditional
UPDATE (the lease), so two workers never send the same entry, and an entry held by a worker that died is taken
again once the lease runs out.
"""
from __future__ import annotations

import datetime as dt
import secrets
import uuid
from dataclasses import dataclass
from typing import ContextManager

from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from knowledge.store.db import make_engine, session_scope
from referrals import settings
from referrals.models import PENDING, TELL_ADMIN, OutboxBase, OutboxEntry, utcnow
from referrals.request import CallbackRequest
from referrals.sealing import Sealer

#: No 0/O, 1/I/L: a reference is read out over the phone.
_REFERENCE_LETTERS = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def new_reference() -> str:
    return "SP-" + "".join(secrets.choice(_REFERENCE_LETTERS) for _ in range(6))


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
        OutboxBase.metadata.create_all(self.engine)

    def _unit(self) -> ContextManager[Session]:
        """One unit of work on the outbox's database, as the directory's sessions are."""
        return session_scope(self.engine)

    # ------------------------------------------------------------------ the conversation side

    def add(self, request: CallbackRequest, sender_id: str) -> str:
        """Writes the request (sealed) and commits; returns its reference. Raises if it could not be written."""
        for _ in range(5):
            reference = new_reference()
            try:
                with self._unit() as session:
                    session.add(
                        OutboxEntry(
                            id=str(uuid.uuid4()),
                            reference=reference,
                            conversation_tag=self.sealer.conversation_tag(sender_id),
                            sealed=self.sealer.seal(request.to_payload()),
                            state=PENDING,
                            attempts=0,
                            next_attempt_at=utcnow(),
                        )
                    )
                return reference
            except IntegrityError:
                continue  # the same random reference twice: draw again
        raise RuntimeError("could not draw an unused reference")

    def cancel_conversation(self, sender_id: str) -> int:
        """Deletes every undelivered request of a conversation ("forget me"); returns how many."""
        tag = self.sealer.conversation_tag(sender_id)
        with self._unit() as session:
            result = session.execute(delete(OutboxEntry).where(OutboxEntry.conversation_tag == tag))
            return int(result.rowcount or 0)

    # ------------------------------------------------------------------ the worker side

    def due_ids(self, now: dt.datetime | None = None, limit: int = 50) -> list[str]:
        now = now or utcnow()
        with self._unit() as session:
            return list(
                session.scalars(
                    select(OutboxEntry.id)
                    .where(
                        OutboxEntry.next_attempt_at <= now,
                        or_(OutboxEntry.lease_until.is_(None), OutboxEntry.lease_until < now),
                    )
                    .order_by(OutboxEntry.next_attempt_at, OutboxEntry.created_at)
                    .limit(limit)
                )
            )

    def claim(self, entry_id: str, lease_seconds: float, now: dt.datetime | None = None) -> Claimed | None:
        """Takes one due entry for ``lease_seconds`` and counts the try; None if another worker has it."""
        now = now or utcnow()
        with self._unit() as session:
            taken = session.execute(
                update(OutboxEntry)
                .where(
                    and_(
                        OutboxEntry.id == entry_id,
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
            payload = self.sealer.open(entry.sealed)
            return Claimed(
                entry.id, entry.reference, entry.state, entry.attempts, CallbackRequest.from_payload(payload)
            )

    def delivered(self, entry_id: str) -> None:
        """Delivered (or handed to the admin): nothing of it is kept."""
        with self._unit() as session:
            session.execute(delete(OutboxEntry).where(OutboxEntry.id == entry_id))

    def retry_later(self, entry_id: str, wait_seconds: float, error: str, *, tell_admin: bool = False) -> None:
        with self._unit() as session:
            values = {
                "lease_until": None,
                "next_attempt_at": utcnow() + dt.timedelta(seconds=wait_seconds),
                "last_error": error[:120],
            }
            if tell_admin:
                values["state"] = TELL_ADMIN
            session.execute(update(OutboxEntry).where(OutboxEntry.id == entry_id).values(**values))

    def counts(self) -> dict[str, int]:
        """How many requests wait, by state (for `signpost referrals status`): numbers only."""
        with self._unit() as session:
            rows = session.execute(select(OutboxEntry.state, func.count()).group_by(OutboxEntry.state)).all()
        return {state: int(count) for state, count in rows}

    def stored_bytes(self) -> list[bytes]:
        """The sealed column as stored (tests show nothing readable is on disk)."""
        with self._unit() as session:
            return [bytes(value) for value in session.scalars(select(OutboxEntry.sealed))]
