"""The table of anonymous signpost events (its own declarative base, so the directory's schema tools leave it be).

The primary key is a random number, not a sequence: rows carry no order that could be lined up with the
conversation store's timestamps. Every column is a coarse category or a small count (see insight/event.py).
"""
from __future__ import annotations

import secrets

from sqlalchemy import BigInteger, Boolean, Column, Date, Index, Integer, SmallInteger, String
from sqlalchemy.orm import declarative_base

InsightBase = declarative_base()


def random_key() -> int:
    """A random positive 62-bit key (fits BIGINT and SQLite's INTEGER)."""
    return secrets.randbits(62) or 1


class EventRow(InsightBase):
    __tablename__ = "signpost_event"

    # On SQLite an INTEGER primary key *is* the rowid, so even the hidden rowid is random, not insertion order.
    id = Column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=False,
                default=random_key)
    kind = Column(String(8), nullable=False)
    day = Column(Date, nullable=False)
    hour = Column(SmallInteger, nullable=False)
    channel = Column(String(16), nullable=False)
    need = Column(String(32))
    area_code = Column(String(16))
    for_whom = Column(String(16))
    age_band = Column(String(16))
    local_fitted = Column(SmallInteger)
    local_open = Column(SmallInteger)
    out_of_hours_only = Column(Boolean)
    crisis_type = Column(String(32))

    __table_args__ = (Index("ix_signpost_event_kind_day", "kind", "day"),)
