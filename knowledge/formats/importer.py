"""Import a directory feed: any format :mod:`knowledge.formats.detect` recognises, one record at a time.

Formats: HSDS 3.0 and ORUK 3.0 (lists, API pages, ``service_full``, ``organization_full``), ORUK 1.0 and
Outpost-based feeds. Each record goes reader (its format, to HSDS 3.0 shape) -> :func:`~knowledge.formats.hsds3.
parse_service` (the common parsed form, checked) -> :func:`~knowledge.formats.writer.write_service`.

A batch of records is written on one SAVEPOINT and one flush (each table's rows in one executemany); if the
database or the writer refuses any of them, that batch is written again one record per SAVEPOINT. So a bad record is
reported with its id (or index) and the reason, and nothing of it is written, while the good records in the same
file still go in. The caller owns the transaction
(``with session_scope(engine) as session: import_hsds(session, data, ...)``).

Decisions worth knowing:

* **Ids are unique per feed**: stored as ``<scope>:<id>``, the scope made from the source (see
  :mod:`knowledge.formats.ids`). Import again with the same source to update; the bundled directory passes
  ``scope=""``.
* **An id twice in one file**: one copy is kept (the one changed most recently, else the later one) and the
  report says which; the others are left out.
* **Times.** A time without an offset (``09:00``) is wall-clock Europe/London, which is what UK publishers mean.
  A time with ``Z`` or an offset is converted using the UK offset on the schedule's ``dtstart``/``valid_from``
  date, else on the import date. ``00:00``-``23:59`` (all day) is kept as it is whatever the offset.
* **Provenance.** Every service ends with a source and a checked date (``assured_date``): the record's own
  ``source``/``assured_date`` win; otherwise the ``source``/``checked`` arguments; otherwise the checked date is
  the import date (reported as a warning) and a record with no source at all is rejected.
* **Hours the engine cannot follow** leave the service with "hours not known" and a warning naming the schedule.
"""
from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Set, Tuple

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from knowledge.formats import detect
from knowledge.formats.fields import RecordError, raw_id
from knowledge.formats.hsds3 import Context, parse_service
from knowledge.formats.writer import KnownRows, discard_children, look_up_batch, write_children, write_service
from knowledge.store.models import Service

__all__ = [
    "ImportFileError", "RecordError", "ImportReport", "read_hsds_file", "service_records", "import_hsds",
    "service_ids", "MAX_FILE_BYTES",
]

#: Feeds bigger than this are refused before parsing: a council directory is a few MB at most.
MAX_FILE_BYTES = 50 * 1024 * 1024


class ImportFileError(Exception):
    """The whole file cannot be read as a directory feed (not JSON, wrong encoding, wrong shape, too big)."""


@dataclass
class ImportReport:
    """What an import did. ``created``/``updated`` hold stored service ids; ``rejected`` and ``warnings`` hold
    ``(record id or "#index", reason)`` pairs, with the feed's own ids. ``notes`` are about the whole file."""

    created: List[str] = field(default_factory=list)
    updated: List[str] = field(default_factory=list)
    rejected: List[Tuple[str, str]] = field(default_factory=list)
    warnings: List[Tuple[str, str]] = field(default_factory=list)
    notes: List[str] = field(default_factory=list)
    format: Optional[str] = None
    #: Stored ids of the locations written that asked for their exact address to be hidden.
    hidden_locations: Set[str] = field(default_factory=set)

    @property
    def ok(self) -> bool:
        return not self.rejected

    def merge(self, other: "ImportReport") -> "ImportReport":
        self.created += other.created
        self.updated += other.updated
        self.rejected += other.rejected
        self.warnings += other.warnings
        self.notes += other.notes
        self.hidden_locations |= other.hidden_locations
        return self

    def summary(self) -> str:
        return (
            f"{len(self.created)} created, {len(self.updated)} updated, "
            f"{len(self.rejected)} rejected, {len(self.warnings)} warnings"
        )


# ----------------------------------------------------------------------------------------------------------------
# Files
# ----------------------------------------------------------------------------------------------------------------


def read_hsds_file(path: str | Path, *, max_bytes: int = MAX_FILE_BYTES) -> Any:
    """Read a JSON feed: UTF-8 (a byte-order mark is tolerated). Raises :class:`ImportFileError` with a clear
    message for anything else, so the CLI can print it as it is."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as error:
        raise ImportFileError(f"cannot read {path}: {error.strerror or error}") from error
    if size > max_bytes:
        raise ImportFileError(f"{path} is {size} bytes; the limit is {max_bytes} bytes")
    raw = path.read_bytes()
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ImportFileError(f"{path} is UTF-16; save it as UTF-8 and try again")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportFileError(
            f"{path} is not UTF-8 (bad byte at position {error.start}); save it as UTF-8 and try again"
        ) from error
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise ImportFileError(f"{path} is not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}") from error


def service_records(data: Any) -> List[Any]:
    """The service records in a feed, as the feed wrote them (any shape :mod:`knowledge.formats.detect` knows)."""
    try:
        return detect.recognise(data).records
    except detect.FeedShapeError as error:
        raise ImportFileError(str(error)) from None


# ----------------------------------------------------------------------------------------------------------------
# Import
# ----------------------------------------------------------------------------------------------------------------


def import_hsds(
    session: Session,
    data: Any,
    *,
    source: Optional[str] = None,
    checked: Optional[dt.date] = None,
    today: Optional[dt.date] = None,
    scope: Optional[str] = None,
) -> ImportReport:
    """Merge a feed into the directory; see the module docstring for the rules.

    ``source``/``checked`` fill in records that lack ``source``/``assured_date``. ``scope`` overrides the id scope
    made from the source (``""``: ids as they are, for the bundled directory). ``today`` (the import date) is a
    parameter so tests are repeatable.
    """
    today = today or dt.date.today()
    try:
        feed = detect.recognise(data)
    except detect.FeedShapeError as error:
        raise ImportFileError(str(error)) from None
    report = ImportReport(notes=list(feed.notes), format=feed.format)
    for note in (_fields_not_stored(feed), _contact_details_not_stored(feed)):
        if note:
            report.notes.append(note)
    left_out = _copies_left_out(feed.records, report)
    kept = [(index, record) for index, record in enumerate(feed.records) if index not in left_out]
    for start in range(0, len(kept), BATCH_SIZE):
        parsed_batch = [_parse_one(feed, index, record, Context(source=source, checked=checked, today=today,
                                                                 scope=scope))
                        for index, record in kept[start:start + BATCH_SIZE]]
        known = look_up_batch(session, [parsed for _, parsed, _ in parsed_batch if not isinstance(parsed, str)])
        _write_batch(session, parsed_batch, known, report)
    hidden = _hidden_addresses_note(len(report.hidden_locations))
    if hidden:
        report.notes.append(hidden)
    return report


#: Records parsed together so that the rows they merge by id are looked up in one query per table (the writer).
BATCH_SIZE = 200


def _parse_one(feed: detect.Feed, index: int, record: Any, context: Context) -> Tuple[str, Any, Context]:
    """(label, the parsed record or the reason it was rejected, its context)."""
    label = _label(record, index)
    try:
        return label, parse_service(feed.to_hsds3(record), context), context
    except RecordError as error:
        return label, str(error), context


def _write_batch(session: Session, batch: List[Tuple[str, Any, Context]], known: KnownRows,
                 report: ImportReport) -> None:
    """Write a batch of parsed records on one SAVEPOINT with one flush, so each table's new rows go in as one
    executemany rather than one INSERT per row and record. If any record fails, the whole batch is undone and
    written again one record per SAVEPOINT (:func:`_write_one`): the failing record is named and writes nothing,
    and the others still go in, exactly as if every record had been written on its own."""
    marks = [len(context.warnings) for _, _, context in batch]
    try:
        with session.begin_nested():
            existed = [write_service(session, parsed, context.warnings, known)
                       for _, parsed, context in batch if not isinstance(parsed, str)]
            session.flush()
            write_children(session, known)
    except (RecordError, SQLAlchemyError):
        discard_children(known)
        for (_, _, context), mark in zip(batch, marks):
            del context.warnings[mark:]  # the records are written again, and warn again
        for label, parsed, context in batch:
            _write_one(session, label, parsed, context, known, report)
        return
    outcomes = iter(existed)
    for label, parsed, context in batch:
        if isinstance(parsed, str):
            report.rejected.append((label, parsed))
        else:
            _report_written(report, label, parsed, context, next(outcomes))


def _write_one(session: Session, label: str, parsed: Any, context: Context, known: KnownRows,
               report: ImportReport) -> None:
    """Write one parsed record on its own SAVEPOINT, so a rejected record writes nothing and loses no other."""
    if isinstance(parsed, str):
        report.rejected.append((label, parsed))
        return
    try:
        with session.begin_nested():
            existed = write_service(session, parsed, context.warnings, known)
            session.flush()
            write_children(session, known)
    except (RecordError, SQLAlchemyError) as error:
        discard_children(known)
        reason = str(error) if isinstance(error, RecordError) else _db_reason(error)
        report.rejected.append((label, reason))
        return
    _report_written(report, label, parsed, context, existed)


def _report_written(report: ImportReport, label: str, parsed: Any, context: Context, existed: bool) -> None:
    report.warnings.extend((label, message) for message in context.warnings)
    report.hidden_locations.update(context.hidden_locations)
    (report.updated if existed else report.created).append(parsed["service"]["id"])


def _copies_left_out(records: Sequence[Any], report: ImportReport) -> set:
    """Indexes of records whose id appears again in the file and which are not the copy kept; says which."""
    places: Dict[str, List[int]] = {}
    for index, record in enumerate(records):
        record_id = raw_id(record)
        if record_id is not None:
            places.setdefault(record_id, []).append(index)
    left_out = set()
    for record_id, indexes in places.items():
        if len(indexes) < 2:
            continue
        kept = max(indexes, key=lambda i: (_modified(records[i]), i))
        others = [i for i in indexes if i != kept]
        left_out.update(others)
        shown = ", ".join(f"#{i}" for i in others[:5]) + (f" and {len(others) - 5} more" if len(others) > 5 else "")
        report.warnings.append((record_id, (
            f"id appears {len(indexes)} times in the file: kept record #{kept} "
            f"({'changed most recently' if _modified(records[kept]) else 'the last copy'}), left out {shown}")))
    return left_out


def _modified(record: Any) -> str:
    """When a record says it was last changed (ISO text sorts by date), or "" if it does not say."""
    if not isinstance(record, dict):
        return ""
    metadata = record.get("pc_metadata") if isinstance(record.get("pc_metadata"), dict) else {}
    for value in (record.get("last_modified"), record.get("updated_at"), metadata.get("date_modified")):
        if isinstance(value, str) and value.strip():
            return value.strip()
    return ""


def _fields_not_stored(feed: detect.Feed) -> Optional[str]:
    """One note naming the top-level fields signpost does not use, with how many records carry them."""
    counts: Counter = Counter()
    for record in feed.records:
        if isinstance(record, dict):
            counts.update(key for key, value in record.items()
                          if key not in feed.read_fields and value not in (None, "", [], {}))
    if not counts:
        return None
    listed = ", ".join(f"{key} ({count})" for key, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
    return f"Fields signpost does not use, so not stored (records that fill them in): {listed}."


def _contact_details_not_stored(feed: detect.Feed) -> Optional[str]:
    """One note saying what of the records' contacts is not kept: the contacts field is read, so the note above
    does not name it, but only its phones and one email are stored."""
    named = sum(1 for record in feed.records if isinstance(record, dict) and any(
        isinstance(contact, dict) and any(str(contact.get(key) or "").strip() for key in ("name", "title"))
        for contact in (record.get("contacts") if isinstance(record.get("contacts"), list) else [])))
    if not named:
        return None
    return (f"Contacts' names and titles are not stored ({named} records name a contact): signpost keeps each "
            "contact's phone numbers (described by the contact's title) and, for a service with no email of its "
            "own, the first contact's email.")


def _hidden_addresses_note(count: int) -> Optional[str]:
    """One note for the places that asked for their exact address to be hidden: a choice the council made, so it is
    said as done (never as parts "missing"), with what is kept."""
    if not count:
        return None
    places = "1 place asked for its" if count == 1 else f"{count} places asked for their"
    return (f"{places} exact address to be hidden: only the town is kept (not the street, postcode, map position "
            "or place name), so the service is still found in its town but its address is never shown.")


def _label(record: Any, index: int) -> str:
    return raw_id(record) or f"#{index}"


def _db_reason(error: SQLAlchemyError) -> str:
    detail = str(getattr(error, "orig", error)).strip().splitlines()
    return "the database refused it: " + (detail[0] if detail else type(error).__name__)


def service_ids(session: Session) -> Sequence[str]:
    """All service ids in the directory (handy for reports and tests)."""
    return list(session.scalars(select(Service.id).order_by(Service.id)))
