"""The table of anonymous signpost events (its own declarative base, so the directory's schema tools leave it be).

Rows carry no order that could be lined up with the conversation store's timestamps: the key is (kind, day, a
random number), never a sequence, and on SQLite the table has no rowid (which would count insertions). Keyed by
kind and day first, a report's period is one range of the key, read in order. Every other column is a coarse
category or a small count (see insight/event.py).
"""
from __future__ import annotations

import secrets

from sqlalchemy import BigInteger, Boolean, Column, Date, SmallInteger, String
from sqlalchemy.orm import declarative_base

InsightBase = declarative_base()


def random_key() -> int:
    """A random positive 62-bit number (fits BIGINT)."""
    return secrets.randbits(62) or 1


class EventRow(InsightBase):
    __tablename__ = "signpost_event"

    kind = Column(String(8), primary_key=True)
    day = Column(Date, primary_key=True)
    id = Column(BigInteger, primary_key=True, autoincrement=False, default=random_key)
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

    __table_args__ = {"sqlite_with_rowid": False}
