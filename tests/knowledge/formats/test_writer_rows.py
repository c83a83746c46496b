"""The fast writer stores exactly the rows the first writer did (one ``session.get`` and several flushes per row).

GOLDEN was made by running the same scenario (stored_rows.import_scenario) with the writer of commit 8031335,
before the writer was rewritten for speed; regenerate it only from that commit, never by hand:
``git worktree add /tmp/old 8031335`` and print ``digests(...)`` there. Any difference in what is stored (a row,
a column, a report line) changes a digest.

The service and organization digests were made there with today's ``knowledge/formats/plain_text.py`` copied in
(plain text with ``&`` keeps its line breaks now, as 45 of the Bristol sample's descriptions have; the writer is
not what changed). The same run with 8031335's own plain_text.py still gives the earlier digests
(24f4229116b75d52 and e662125146a2bbbc).
"""
from __future__ import annotations

from sqlalchemy import func, select

from knowledge.formats.ids import original_id
from knowledge.formats.importer import import_hsds
from knowledge.store.db import session_scope
from knowledge.store.models import Organization, Phone, Service
from tests.knowledge.formats.stored_rows import TODAY, digests, import_scenario, stored_rows

GOLDEN = {
    "reports": "5d566ae3534b8022",
    "address (122 rows)": "4fc86d0cf86599cd",
    "attribute (328 rows)": "fb3cba7d2234d84a",
    "cost_option (91 rows)": "5ea6e578c5c1f555",
    "language (92 rows)": "d9bcbf77bf96f073",
    "location (122 rows)": "32cb5c1c697ebfd3",
    "organization (686 rows)": "63dafa6b20d91d40",
    "phone (97 rows)": "68384368b861850c",
    "schedule (382 rows)": "87acc7cce2b640bf",
    "service (947 rows)": "e96497aa1d145e8b",
    "service_area (19 rows)": "69be6229f46e4bf9",
    "service_at_location (122 rows)": "13bc68a33ff5bd62",
    "taxonomy (2 rows)": "5d44b015c1739275",
    "taxonomy_term (35 rows)": "9d3089318a3bf914",
}


def test_many_records_store_the_same_rows_as_the_first_writer(engine):
    reports = import_scenario(lambda: session_scope(engine))
    with session_scope(engine) as session:
        rows = stored_rows(session)
    assert digests(reports, rows) == GOLDEN


def _record(record_id: str, **extra):
    return {"id": record_id, "name": f"Service {record_id}", "status": "active", "assured_date": "2026-11-01",
            "organization": {"id": "org-shared", "name": "Fictional Shared Charity", "description": "x"}, **extra}


def test_a_record_rolled_back_in_a_batch_leaves_nothing_the_next_one_could_mistake_for_stored(engine):
    """The batch look-up says org-shared is absent; the first record adds it and is rolled back (it names an
    unknown term); the next record in the same batch must add it again, and the one after must reuse it."""
    feed = [
        _record("fails", attributes=[{"id": "a-ghost", "taxonomy_term_id": "no-such-term"}]),
        _record("first"),
        _record("second"),
    ]
    with session_scope(engine) as session:
        report = import_hsds(session, feed, source="Fictional feed", today=TODAY)
    assert [label for label, _ in report.rejected] == ["fails"]
    assert len(report.created) == 2
    with session_scope(engine) as session:
        organizations = session.scalars(select(Organization)).all()
        assert [org.name for org in organizations] == ["Fictional Shared Charity"]
        assert sorted(original_id(s.id, scope=s.id_scope) for s in organizations[0].services) == ["first", "second"]


def test_a_record_the_database_refuses_in_a_batch_is_named_and_the_others_are_written_once(engine):
    """A batch goes in on one SAVEPOINT; when the database refuses it (here the second record's phone gets the
    same stored id, ``<service>#<phone>``, as the first's), the batch is written again record by record: only that
    record is rejected, with the database's reason, and the others' rows and warnings are there exactly once."""
    feed = [
        {**_record("first", phones=[{"id": "x#p", "number": "01632 960000"}]), "assured_date": None},
        _record("first#x", phones=[{"id": "p", "number": "01632 960001"}]),
        _record("last"),
    ]
    with session_scope(engine) as session:
        report = import_hsds(session, feed, source="Fictional feed", today=TODAY)
    assert [(label, reason.startswith("the database refused it")) for label, reason in report.rejected] == [
        ("first#x", True)]
    assert [label for label, _ in report.warnings] == ["first"]
    with session_scope(engine) as session:
        stored = sorted(original_id(s.id, scope=s.id_scope) for s in session.scalars(select(Service)))
        assert stored == ["first", "last"]
        assert session.scalar(select(func.count()).select_from(Phone)) == 1
