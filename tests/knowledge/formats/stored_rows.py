"""Every row the importer stores, as plain sorted data, so two imports can be compared row by row.

Used by test_writer_rows.py against a golden file made with the writer as it was before it was made fast
(one ``session.get`` and several flushes per row). Made deterministic by leaving out ``service.last_modified``
(the clock) and by naming ids the importer generates (a uuid4 for a nested object the feed gave no id) by what
they belong to rather than by their random value.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
import re
from pathlib import Path
from typing import Any, Dict, List

from sqlalchemy import select
from sqlalchemy.orm import Session

from bench.bench_scale import generate, templates
from knowledge.formats.importer import import_hsds, read_hsds_file
from knowledge.store.models import Base

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SAMPLES = Path(__file__).resolve().parents[4] / "shared" / "directory-samples"
TODAY = dt.date(2026, 12, 1)
_UUID4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
_LEFT_OUT = {("service", "last_modified")}
#: Tables added since the golden file was made (the first writer had none to compare with); their rows are
#: covered by their own tests (holiday_schedule: test_samples.py's export round trip).
_NEW_TABLES = {"holiday_schedule"}


def import_scenario(session_for) -> List[Any]:
    """The imports whose stored rows are compared: the Bristol sample (817 services), the hand-written fixtures,
    30 services of each shape the scale bench makes (locations, addresses, phones, schedules, shared taxonomy
    terms), then the first 60 Bristol records and the bench feeds again with changes (updates that replace
    children), and the fixtures again. Returns each import's report as plain data. ``session_for`` opens one unit
    of work."""
    rng = random.Random(7)
    shapes = _templates_as_first_read()
    bench = [(generate(kind, template, 30, number * 30, rng), f"Bench {kind} feed")
             for number, (kind, template) in enumerate(shapes.items())]
    rng = random.Random(8)
    bench_again = [(generate(kind, template, 20, number * 30 + 10, rng), f"Bench {kind} feed")
                   for number, (kind, template) in enumerate(shapes.items())]
    bristol = read_hsds_file(SAMPLES / "oruk1-bristol-council-services.json")
    changed = []
    for number, record in enumerate(bristol[:60]):
        record = dict(record)
        record["name"] = f"{record.get('name')} (changed)"
        if number % 2 and record.get("contacts"):
            record["contacts"] = record["contacts"][:0]
        changed.append(record)
    feeds = [
        (bristol, "Bristol sample"),
        (read_hsds_file(FIXTURES / "service_full.json"), "Test fixture written by hand"),
        (read_hsds_file(FIXTURES / "oruk1_full.json"), "ORUK fixture"),
        (read_hsds_file(FIXTURES / "mixed.json"), "Mixed fixture"),
        *bench,
        (changed, "Bristol sample"),
        *bench_again,
        (read_hsds_file(FIXTURES / "service_full.json"), "Test fixture written by hand"),
        (read_hsds_file(FIXTURES / "oruk1_full.json"), "ORUK fixture"),
    ]
    reports = []
    for data, source in feeds:
        with session_for() as session:
            report = import_hsds(session, data, source=source, today=TODAY)
        reports.append({"created": sorted(report.created), "updated": sorted(report.updated),
                        "rejected": sorted(map(list, report.rejected)),
                        "warnings": sorted(map(list, report.warnings))})
    return reports


def _templates_as_first_read() -> Dict[str, Any]:
    """The bench's shapes, without the Outpost record's ``updated_at``: the first writer did not read it (it is now
    the record's checked date; tested in test_samples.py), so without it both store the same rows."""
    shapes = templates()
    shapes["outpost"] = {key: value for key, value in shapes["outpost"].items() if key != "updated_at"}
    return shapes


def stored_rows(session: Session) -> Dict[str, List[Dict[str, Any]]]:
    """Every table's rows, sorted, generated ids replaced by stable names."""
    raw = {table.name: [dict(row._mapping) for row in session.execute(select(table))]
           for table in Base.metadata.sorted_tables if table.name not in _NEW_TABLES}
    names = _generated_id_names(raw)
    out = {}
    for table, rows in raw.items():
        clean = []
        for row in rows:
            clean.append({column: _plain(names.get(value, value) if isinstance(value, str) else value)
                          for column, value in sorted(row.items()) if (table, column) not in _LEFT_OUT})
        out[table] = sorted(clean, key=lambda r: json.dumps(r, sort_keys=True))
    return out


def _generated_id_names(raw: Dict[str, List[Dict[str, Any]]]) -> Dict[str, str]:
    """A generated id is a bare uuid4 (feed ids are stored scoped, ``<scope>:<id>``); name it by its table and the
    row's content, numbered in that order. The content includes the ids the row refers to (a generated one by the
    name already given to it: tables come parents first), so the names never depend on the order the database
    returns rows in (PostgreSQL's differs with how the rows were inserted)."""
    names: Dict[str, str] = {}

    def content(row: Dict[str, Any]) -> str:
        return json.dumps({k: _plain(names.get(v, v) if isinstance(v, str) else v)
                           for k, v in row.items() if k != "id"}, sort_keys=True)

    for table, rows in raw.items():
        generated = [row for row in rows if isinstance(row.get("id"), str) and _UUID4.match(row["id"])]
        generated.sort(key=content)
        for number, row in enumerate(generated):
            names[row["id"]] = f"<generated {table} {number}>"
    return names


def _plain(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.time, dt.datetime)):
        return value.isoformat()
    return value


def digests(reports: List[Any], rows: Dict[str, List[Dict[str, Any]]]) -> Dict[str, str]:
    """A short sha256 of the reports and of each table's rows (what the golden file stores)."""
    def digest(value: Any) -> str:
        return hashlib.sha256(json.dumps(value, sort_keys=True).encode("utf-8")).hexdigest()[:16]

    out = {"reports": digest(reports)}
    out.update({f"{table} ({len(table_rows)} rows)": digest(table_rows) for table, table_rows in rows.items()})
    return out
