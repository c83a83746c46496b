"""The outbox table. Its own metadata, so it can live in the directory's database or a separate one.

In the clear: only what scheduling needs (when to try next, how many tries, who holds it now), the random
reference the person was given, and two keyed hashes (the conversation, and the request's idempotency key). Who
the person is, their number and the service they chose are in ``sealed``.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Column, DateTime, Integer, LargeBinary, String
from sqlalchemy.orm import declarative_base

OutboxBase = declarative_base()

#: Waiting to be delivered (or being delivered, while ``lease_until`` is in the future).
PENDING = "pending"
#: Every try failed: the council's admin address is to be told (and it is deleted once they are).
TELL_ADMIN = "tell_admin"
#: "Forget me" came while a worker was sending it: never tried again if this send fails, deleted either way.
FORGOTTEN = "forgotten"
#: Delivered (or handed to the admin). Only the reference and the two keyed hashes are kept, with ``sealed``
#: emptied, so the same "yes" run a second time gets the same reference and is not sent again; removed after
#: ``settings.SENT_KEPT_SECONDS`` (and at once by "forget me").
SENT = "sent"
#: The states of a request still to be sent (``counts`` and the worker see only these).
WAITING = (PENDING, TELL_ADMIN)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


class OutboxEntry(OutboxBase):
    __tablename__ = "referral_outbox"

    id = Column(String(36), primary_key=True)
    reference = Column(String(16), nullable=False, unique=True)
    #: A keyed hash of the conversation (sealing.Sealer.conversation_tag), so "forget me" can cancel.
    conversation_tag = Column(String(64), nullable=False, index=True)
    #: A keyed hash of the conversation and the request token set when its call-back form started
    #: (sealing.Sealer.request_key): the same request written twice is one row. None for rows made before 0006.
    request_key = Column(String(64), unique=True, index=True)
    sealed = Column(LargeBinary, nullable=False)
    state = Column(String(16), nullable=False, default=PENDING)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    attempts = Column(Integer, nullable=False, default=0)
    next_attempt_at = Column(DateTime, nullable=False, default=utcnow, index=True)
    #: While a worker sends this entry, no other worker takes it; a worker that dies lets go when this passes.
    lease_until = Column(DateTime)
    #: The kind of the last failure ("SMTPConnectError", "HTTP 500"): never personal data.
    last_error = Column(String(120))
