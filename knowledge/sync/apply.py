"""Write what a sync read into the directory, in the caller's one transaction, and say what changed.

The feed is the council's whole directory, so after importing it every service that came from the same feed
before but is no longer in it is *withdrawn*: marked ``inactive`` (never offered), not deleted, so its history
and source stay and it comes back if the feed lists it again. A record the feed still lists but that is now
broken (rejected) keeps its last good copy instead of being withdrawn.

"Changed" compares each service's content (its HSDS export, without generated ids and timestamps) before and
after, so a feed that re-sends the same records reports them as unchanged.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any, Iterable

from sqlalchemy import false, or_, select, update
from sqlalchemy.orm import Session, selectinload

from knowledge.formats.exporter import service_to_hsds
from knowledge.formats.importer import import_hsds
from knowledge.store.models import Attribute, Location, Service, ServiceAtLocation, utcnow

#: What a withdrawn service becomes: HSDS "inactive" (never offered, kept).
WITHDRAWN_STATUS = "inactive"

#: Fields of an export that change without the service changing.
_VOLATILE_KEYS = frozenset({"last_modified"})


class EmptyFeedError(RuntimeError):
    """The feed listed no usable services: withdrawing everything would be a mistake, so nothing is done."""


@dataclass
class SyncSummary:
    """What one sync did; ``rejected`` and ``warnings`` are ``(record id, reason)`` pairs from the importer."""

    source: str
    added: list = field(default_factory=list)
    changed: list = field(default_factory=list)
    unchanged: list = field(default_factory=list)
    withdrawn: list = field(default_factory=list)
    kept_rejected: list = field(default_factory=list)
    rejected: list = field(default_factory=list)
    warnings: list = field(default_factory=list)

    def headline(self) -> str:
        return (
            f"{len(self.added)} added, {len(self.changed)} changed, {len(self.unchanged)} unchanged, "
            f"{len(self.withdrawn)} withdrawn, {len(self.rejected)} rejected"
        )


def apply_feed(
    session: Session,
    records: list,
    *,
    source: str,
    checked: dt.date | None = None,
    today: dt.date | None = None,
) -> SyncSummary:
    """Import ``records`` (a whole feed) as ``source`` and withdraw that source's services it no longer lists.

    Runs inside the caller's transaction: if anything here raises, the caller's rollback leaves the directory
    exactly as it was.
    """
    if not records:
        raise EmptyFeedError("the feed listed no services; the directory was left as it was")
    before = _snapshots(session, _ids_from(session, source))
    kwargs: dict[str, Any] = {"source": source, "checked": checked}
    if today is not None:
        kwargs["today"] = today
    report = import_hsds(session, records, **kwargs)
    summary = SyncSummary(source=source, rejected=list(report.rejected), warnings=list(report.warnings))
    listed = set(report.created) | set(report.updated)
    if not listed:
        raise EmptyFeedError(
            f"none of the feed's {len(records)} records could be used; the directory was left as it was"
        )
    after = _snapshots(session, listed)
    for service_id in sorted(listed):
        if service_id not in before:
            summary.added.append(service_id)
        elif before[service_id] != after.get(service_id):
            summary.changed.append(service_id)
        else:
            summary.unchanged.append(service_id)
    rejected_labels = {label for label, _ in report.rejected}
    for service_id, (status, _digest) in sorted(before.items()):
        if service_id in listed:
            continue
        if _still_listed(service_id, rejected_labels):
            summary.kept_rejected.append(service_id)
        elif status != WITHDRAWN_STATUS:
            summary.withdrawn.append(service_id)
    _mark_modified(session, summary.changed, {})
    _mark_modified(session, summary.withdrawn, {"status": WITHDRAWN_STATUS})
    return _with_feed_ids(summary, source)


def _ids_from(session: Session, source: str) -> list:
    """The services an earlier sync (or import) of this feed stored: same id scope, or same source."""
    return list(session.scalars(select(Service.id).where(or_(Service.source == source, _same_scope(source)))))


def _with_feed_ids(summary: SyncSummary, source: str) -> SyncSummary:
    """The summary with the ids the council's feed uses (stored ids carry the feed's scope as a prefix)."""
    prefix = f"{_scope(source)}:" if _scope(source) else None
    for name in ("added", "changed", "unchanged", "withdrawn", "kept_rejected"):
        ids = getattr(summary, name)
        ids[:] = [i[len(prefix):] if prefix and i.startswith(prefix) else i for i in ids]
    return summary


def _scope(source: str) -> str | None:
    try:
        from knowledge.formats.ids import scope_for
    except ImportError:  # an importer that does not scope ids
        return None
    return scope_for(source)


def _same_scope(source: str):
    """Service.id_scope == the scope the importer gives ``source`` (when the importer scopes ids by feed)."""
    scope = _scope(source)
    return Service.id_scope == scope if scope else false()


def _snapshots(session: Session, ids: Iterable[str]) -> dict:
    """id -> (status, digest of the service's content) for the given services."""
    ids = list(ids)
    found: dict = {}
    for start in range(0, len(ids), 500):
        services = session.scalars(
            select(Service)
            .where(Service.id.in_(ids[start:start + 500]))
            .options(
                selectinload(Service.organization),
                selectinload(Service.phones),
                selectinload(Service.schedules),
                selectinload(Service.service_areas),
                selectinload(Service.service_at_locations)
                .selectinload(ServiceAtLocation.location)
                .selectinload(Location.addresses),
                selectinload(Service.service_at_locations).selectinload(ServiceAtLocation.schedules),
                selectinload(Service.attributes).selectinload(Attribute.taxonomy_term),
            )
        ).all()
        for service in services:
            found[service.id] = (service.status, _digest(service_to_hsds(session, service)))
    return found


def _digest(exported: Any) -> str:
    return hashlib.sha1(json.dumps(_content(exported, top=True), sort_keys=True, default=str).encode()).hexdigest()


def _content(value: Any, *, top: bool = False) -> Any:
    """The export without timestamps and without the generated ids of nested objects."""
    if isinstance(value, dict):
        return {
            key: _content(item)
            for key, item in value.items()
            if key not in _VOLATILE_KEYS and (top or not (key == "id" or key.endswith("_id")))
        }
    if isinstance(value, list):
        return sorted((_content(item) for item in value), key=lambda item: json.dumps(item, sort_keys=True, default=str))
    return value


def _still_listed(service_id: str, rejected_labels: set) -> bool:
    """Whether a stored service is one the feed still lists but sent broken this time (its raw id)."""
    return service_id in rejected_labels or any(service_id.endswith(f":{label}") for label in rejected_labels)


def _mark_modified(session: Session, ids: list, values: dict) -> None:
    """Set ``values`` and stamp ``last_modified``: the action server's directory fingerprint includes the newest
    stamp, so a change that touched only a service's phones or hours is still seen at the next turn."""
    for start in range(0, len(ids), 500):
        session.execute(
            update(Service)
            .where(Service.id.in_(ids[start:start + 500]))
            .values(last_modified=utcnow(), **values)
            .execution_options(synchronize_session=False)
        )
    session.flush()
