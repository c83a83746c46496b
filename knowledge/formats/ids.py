"""Stored ids: a feed's ids are unique within that feed, not across councils.

Two councils both numbering their services from "1" must never overwrite each other, so a feed's shared objects
(services, organisations, locations, taxonomy terms) are stored as ``<scope>:<id>``, where the scope is a short
name made from the feed's source ("Anytown Council directory" -> ``anytown-council-directory``). Objects that
belong to one service (phones, schedules, areas, attributes, …) are stored under that service's id,
``<service id>#<id>``, so the same phone nested under two services is two rows, and the same phone nested twice
under one service is one row. The bundled directory has no scope: its ids are already unique.

Exports strip these prefixes again, so a council gets back the ids it sent.
"""
from __future__ import annotations

import hashlib
import re
from typing import Optional

from knowledge.formats.fields import RecordError
from knowledge.store.models import ID_LENGTH

#: A scope is at most this long, leaving room in :data:`ID_LENGTH` for a feed's own ids.
SCOPE_LENGTH = 48


def scope_for(source: Optional[str]) -> str:
    """A stable short name for a feed's source: lower case letters, digits and hyphens."""
    words = re.findall(r"[a-z0-9]+", (source or "").lower())
    slug = "-".join(words)
    if len(slug) > SCOPE_LENGTH:
        digest = hashlib.sha1(slug.encode()).hexdigest()[:8]
        slug = slug[: SCOPE_LENGTH - 9].rstrip("-") + "-" + digest
    return slug


def scoped(scope: Optional[str], original: str) -> str:
    """The stored id of a feed's shared object."""
    stored = f"{scope}:{original}" if scope else original
    if len(stored) > ID_LENGTH:
        raise RecordError(f"id is too long ({len(original)} characters): {original[:40]}…")
    return stored


def owned(owner: str, original: Optional[str]) -> Optional[str]:
    """The stored id of an object that belongs to one service (or location); ``None`` stays ``None`` (a new id
    is generated). Over-long combinations are shortened to a digest, still stable across imports."""
    if original is None:
        return None
    stored = f"{owner}#{original}"
    if len(stored) > ID_LENGTH:
        stored = f"{owner[: ID_LENGTH - 42]}#{hashlib.sha1(stored.encode()).hexdigest()}"
    return stored


def original_id(stored: Optional[str], *, scope: Optional[str] = None, owner: Optional[str] = None) -> Optional[str]:
    """The id the feed used, for export: ``stored`` without its ``<owner>#`` or ``<scope>:`` prefix."""
    if stored is None:
        return None
    if owner and stored.startswith(owner + "#"):
        return stored[len(owner) + 1:]
    if scope and stored.startswith(scope + ":"):
        return stored[len(scope) + 1:]
    return stored
