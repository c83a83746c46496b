"""Store one service in the common parsed form (see :mod:`knowledge.formats.hsds3`): the only write path.

A service already in the database is replaced with its children (the feed is the truth for it); organisations,
locations, taxonomies and terms are merged by their stored id. The caller runs this inside a SAVEPOINT (a batch's,
or on a retry the record's own), so a failure leaves nothing of the record behind.

Speed (bench/bench_scale.py): a batch's rows are written in one flush at the end (the caller's), not one before
every look-up. Autoflush is off while a record is written, so a row this record or its batch has added but not yet
flushed is found through :class:`_Rows` (the session's ``get`` only sees flushed rows). The only flushes left inside a record
are where rows are deleted and rows with the same ids may come back (a service's or a location's children).
The rows a batch of records merges by id (services, organisations, locations, taxonomies, terms) are looked up
with one query per table for the whole batch (:func:`look_up_batch`), not one ``session.get`` each. A service's
own rows (phones, schedules, areas, services at locations, attributes, ...) are not ORM objects at all: they are
held as plain values (:class:`ChildRows`) and inserted after the flush with one executemany per table
(:func:`write_children`).
"""
from __future__ import annotations

from typing import Any, Dict, Iterable, List, Optional, Set, Tuple

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from knowledge.formats.fields import Json, RecordError
from knowledge.store.models import (
    Address,
    Attribute,
    CostOption,
    HolidaySchedule,
    Language,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
    new_id,
)

#: Tables whose rows a record merges by id, and so looks up before writing.
MERGED = (Service, Organization, Location, Taxonomy, TaxonomyTerm)
#: Ids per ``IN (...)`` query: well under SQLite's limit on bound parameters.
_IDS_PER_QUERY = 500


class KnownRows:
    """The stored rows (or their absence) for the ids a batch of records looks up, read with one query per table.

    Held for one batch of records in one session. Rows the batch adds are recorded as they are added; a row added
    by a record that was then rolled back (its SAVEPOINT) or a row deleted since is treated as absent, so the
    answers stay what ``session.get`` would say. An id not looked up is asked of the session as before.
    """

    def __init__(self) -> None:
        self.rows: Dict[Tuple[type, str], Any] = {}
        self.children = ChildRows()

    def knows(self, model: type, row_id: str) -> bool:
        return (model, row_id) in self.rows

    def get(self, model: type, row_id: str) -> Optional[Any]:
        row = self.rows[(model, row_id)]
        if row is None:
            return None
        state = inspect(row)
        return None if state.transient or state.detached or state.deleted or state.was_deleted else row

    def remember(self, row: Any) -> None:
        self.rows[(type(row), row.id)] = row


class ChildRows:
    """A service's own rows (phones, schedules, areas, ...), held as plain values until :func:`write_children`
    inserts each table's rows with one executemany: built as ORM objects, they were most of an import's time.

    A value that is ``None`` is left out, so the column's default applies, exactly as the ORM does for ``None``.
    Nothing else in the session refers to these rows; the services and locations they belong to have the
    collections that hold them expired once they are written, so a later read (in the same session) loads them.
    """

    def __init__(self) -> None:
        self.rows: Dict[type, List[Json]] = {model: [] for model in CHILD_MODELS}
        self.owners: List[Tuple[Any, Tuple[str, ...]]] = []

    def add(self, model: type, values: Json, **extra: Any) -> str:
        """Hold one row; returns its id (generated if the feed gave none)."""
        row = {key: value for key, value in dict(values, **extra).items() if value is not None}
        if "id" not in row:
            row["id"] = new_id()
        self.rows[model].append(row)
        return row["id"]

    def written_for(self, owner: Any, collections: Tuple[str, ...]) -> None:
        self.owners.append((owner, collections))


#: The tables :class:`ChildRows` holds, in the order they are inserted (a service at a location before the
#: schedules and holiday schedules that refer to it).
CHILD_MODELS = (ServiceAtLocation, Phone, Schedule, HolidaySchedule, ServiceArea, Language, CostOption, Attribute)
#: A service's collections of those rows, expired once they are written.
SERVICE_CHILDREN = ("phones", "schedules", "holiday_schedules", "service_areas", "service_at_locations",
                    "attributes", "languages", "cost_options")


def write_children(session: Session, known: KnownRows) -> None:
    """Insert the child rows the batch's records hold (after the flush that wrote their services, locations and
    terms), one executemany per table and set of columns. The caller runs it on the same SAVEPOINT."""
    children, known.children = known.children, ChildRows()
    for model in CHILD_MODELS:
        by_columns: Dict[Tuple[str, ...], List[Json]] = {}
        for row in children.rows[model]:
            by_columns.setdefault(tuple(sorted(row)), []).append(row)
        for rows in by_columns.values():
            session.execute(model.__table__.insert(), rows)
    for owner, collections in children.owners:
        session.expire(owner, collections)


def discard_children(known: KnownRows) -> None:
    """Forget the child rows held for records that were rolled back."""
    known.children = ChildRows()


def look_up_batch(session: Session, batch: Iterable[Json]) -> KnownRows:
    """One query per table for every id the parsed records in ``batch`` will look up (see :class:`KnownRows`)."""
    wanted: Dict[type, Set[str]] = {model: set() for model in MERGED}
    for parsed in batch:
        for model, row_id in _looked_up_ids(parsed):
            if row_id:
                wanted[model].add(row_id)
    known = KnownRows()
    with session.no_autoflush:
        for model, row_ids in wanted.items():
            ordered = sorted(row_ids)
            for start in range(0, len(ordered), _IDS_PER_QUERY):
                chunk = ordered[start:start + _IDS_PER_QUERY]
                known.rows.update({(model, row_id): None for row_id in chunk})
                for row in session.scalars(select(model).where(model.id.in_(chunk))):
                    known.remember(row)
    return known


def _looked_up_ids(parsed: Json) -> Iterable[Tuple[type, Optional[str]]]:
    """Every (table, id) that writing this parsed record asks for."""
    yield Service, parsed["service"]["id"]
    yield Service, parsed.get("original_id")
    if parsed["organization"] is not None:
        yield Organization, parsed["organization"]["id"]
    for item in parsed["sals"]:
        yield Location, item["location"]["id"]
    for item in parsed["attributes"]:
        if item["taxonomy"] is not None:
            yield Taxonomy, item["taxonomy"]["id"]
        if item["term"] is not None:
            yield Taxonomy, item["term"]["taxonomy_id"]
            yield TaxonomyTerm, item["term"]["id"]
            yield TaxonomyTerm, item["term"]["parent_id"]
        else:
            yield TaxonomyTerm, item["attribute"]["taxonomy_term_id"]


class _Rows:
    """Rows by id for one record: those it added (not flushed yet) first, then the batch's look-up, then the
    session's (no autoflush)."""

    def __init__(self, session: Session, known: Optional[KnownRows] = None) -> None:
        self.session = session
        self.known = known or KnownRows()
        self.added: Dict[Tuple[type, str], Any] = {}

    def get(self, model: type, row_id: str) -> Optional[Any]:
        pending = self.pending(model, row_id)
        if pending is not None:
            return pending
        if self.known.knows(model, row_id):
            return self.known.get(model, row_id)
        return self.session.get(model, row_id)

    def pending(self, model: type, row_id: Optional[str]) -> Optional[Any]:
        """The row with this id that this record (or an earlier record of its batch, written on the same
        SAVEPOINT) added and that is not flushed yet, if any."""
        row = self.added.get((model, row_id)) or self.known.rows.get((model, row_id))
        return row if row is not None and inspect(row).pending else None

    def add(self, row: Any) -> Any:
        self.session.add(row)
        self.added[(type(row), row.id)] = row
        self.known.remember(row)
        return row

    def upsert(self, model: type, values: Json) -> Any:
        row = self.get(model, values["id"])
        if row is None:
            return self.add(model(**values))
        for key, value in values.items():
            setattr(row, key, value)
        return row


def write_service(session: Session, parsed: Json, warnings: List[str], known: KnownRows) -> bool:
    """Write one parsed record. Returns True if the service existed (an update). ``known``: the rows of the
    record's batch from :func:`look_up_batch`; the caller flushes, then inserts the service's own rows with
    :func:`write_children`."""
    with session.no_autoflush:
        return _write_service(_Rows(session, known), parsed, warnings)


def _write_service(rows: _Rows, parsed: Json, warnings: List[str]) -> bool:
    session = rows.session
    values = parsed["service"]
    service = rows.get(Service, values["id"])
    replaced_older = service is None and _replace_unscoped(rows, parsed, warnings)
    existed = service is not None or replaced_older
    if service is not None:
        # Flush the deletes first so children re-imported with the same ids are inserted cleanly.
        for children in (service.phones, service.schedules, service.service_areas, service.service_at_locations,
                         service.attributes, service.languages, service.cost_options, service.holiday_schedules):
            children.clear()
        session.flush()
    else:
        service = rows.add(Service(id=values["id"]))
    for key, value in values.items():
        setattr(service, key, value)
    return _write_children(rows, service, parsed, warnings, existed)


def _write_children(rows: _Rows, service: Service, parsed: Json, warnings: List[str], existed: bool) -> bool:
    _link_organization(rows, service, parsed["organization"], warnings)
    children, owner = rows.known.children, {"service_id": service.id}
    for position, phone in enumerate(parsed["phones"]):
        children.add(Phone, phone, position=position, **owner)
    for model, key in ((Schedule, "schedules"), (HolidaySchedule, "holidays"), (ServiceArea, "areas"),
                       (Language, "languages"), (CostOption, "cost_options")):
        for values in parsed.get(key, ()):
            children.add(model, values, **owner)
    _write_locations(rows, service, parsed)
    _write_attributes(rows, service, parsed["attributes"], warnings)
    children.written_for(service, SERVICE_CHILDREN)
    return existed


def _replace_unscoped(rows: _Rows, parsed: Json, warnings: List[str]) -> bool:
    """A directory imported before ids were kept per feed stored this record under its bare id: the same record
    from the same source replaces it (its children go with it), so re-importing after an upgrade updates rather
    than duplicates. Returns True if an older copy was replaced."""
    values = parsed["service"]
    if not values.get("id_scope") or parsed.get("original_id") == values["id"]:
        return False
    older = rows.get(Service, parsed["original_id"])
    if older is None or older.id_scope is not None or older.source != values["source"]:
        return False
    rows.session.delete(older)
    rows.session.flush()
    warnings.append("replaced the copy stored before ids were kept per feed (same id and source)")
    return True


def _link_organization(rows: _Rows, service: Service, organization: Any, warnings: List[str]) -> None:
    if organization is None:
        service.organization = None
    elif organization.get("reference_only"):
        existing = rows.get(Organization, organization["id"])
        if existing is None:
            warnings.append(f"organization {organization['id']!r} is not in the directory; link left out")
        service.organization = existing
    else:
        service.organization = rows.upsert(Organization, organization)


def _write_locations(rows: _Rows, service: Service, parsed: Json) -> None:
    position = len(parsed["phones"])
    for item in parsed["sals"]:
        location = rows.upsert(Location, item["location"])
        if service.organization is not None and location.organization_id is None:
            location.organization = service.organization
        _clear_addresses(rows.session, location)
        for address in item["addresses"]:
            location.addresses.append(_new(Address, address))
        children = rows.known.children
        sal_id = children.add(ServiceAtLocation, item["sal"], service_id=service.id, location_id=location.id)
        for schedule in item["schedules"]:
            children.add(Schedule, schedule, service_at_location_id=sal_id)
        for holiday in item.get("holidays", ()):
            children.add(HolidaySchedule, holiday, service_at_location_id=sal_id)
        for phone in item["phones"]:
            children.add(Phone, phone, position=position, location_id=location.id, service_id=service.id)
            position += 1
        children.written_for(location, ("service_at_locations",))


def _clear_addresses(session: Session, location: Location) -> None:
    """A stored location's addresses are replaced: delete them first (flushed), as the new ones may reuse their ids.
    A location this record has just added has none stored, and nothing to flush."""
    if inspect(location).pending:
        location.addresses.clear()
    elif location.addresses:
        location.addresses.clear()
        session.flush()


def _write_attributes(rows: _Rows, service: Service, attributes: List[Json], warnings: List[str]) -> None:
    for item in attributes:
        if item["taxonomy"] is not None:
            rows.upsert(Taxonomy, item["taxonomy"])
        if item["term"] is not None:
            term = dict(item["term"])
            if term["taxonomy_id"] and rows.get(Taxonomy, term["taxonomy_id"]) is None:
                rows.add(Taxonomy(id=term["taxonomy_id"], name=term["taxonomy"] or term["taxonomy_id"]))
            if term["parent_id"] and rows.get(TaxonomyTerm, term["parent_id"]) is None:
                warnings.append(f"taxonomy term {term['name']!r}: its parent is not in the directory; link left out")
                term["parent_id"] = None
            if rows.pending(Taxonomy, term["taxonomy_id"]) or rows.pending(TaxonomyTerm, term["parent_id"]):
                rows.session.flush()  # no relationship() orders these foreign keys: insert what they refer to first
            rows.upsert(TaxonomyTerm, term)
        elif rows.get(TaxonomyTerm, item["attribute"]["taxonomy_term_id"]) is None:
            raise RecordError(f"attribute refers to unknown taxonomy term {item['attribute']['taxonomy_term_id']!r}")
        rows.known.children.add(Attribute, item["attribute"], link_entity="service", link_id=service.id)


def _new(model: type, values: Json, **extra: Any) -> Any:
    """A new row; ids missing from the feed are generated (HSDS requires them, feeds sometimes omit them).
    Generated here rather than by the column default at INSERT: rows that all carry their id are inserted
    together (one executemany per table), a row without one is inserted on its own."""
    clean = dict(values, **extra)
    if clean.get("id") is None:
        clean["id"] = new_id()
    return model(**clean)

