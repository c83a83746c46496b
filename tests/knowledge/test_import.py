"""HSDS 3.0 import and export, on SQLite and PostgreSQL (the ``engine`` fixture runs each test on both)."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from knowledge.formats.exporter import export_hsds
from knowledge.formats.ids import original_id, scope_for, scoped
from knowledge.formats.importer import ImportFileError, import_hsds, read_hsds_file
from knowledge.store.db import create_schema, make_engine, session_scope
from knowledge.store.models import Organization, Phone, Schedule, Service, TaxonomyTerm

FIXTURES = Path(__file__).parent / "fixtures"
TODAY = dt.date(2026, 11, 25)
FIXTURE_SCOPE = scope_for("Test fixture written by hand")
RECOVERY = scoped(FIXTURE_SCOPE, "svc-example-recovery")
ORUK_SCOPE = scope_for("ORUK fixture")


def load(name: str):
    return read_hsds_file(FIXTURES / name)


def _without_last_modified(services):
    return [{k: v for k, v in s.items() if k != "last_modified"} for s in services]


def test_service_full_page_is_stored_field_by_field(engine):
    with session_scope(engine) as session:
        report = import_hsds(session, load("service_full.json"), today=TODAY)
    assert report.created == [RECOVERY] and not report.rejected and not report.warnings

    with session_scope(engine) as session:
        service = session.get(Service, RECOVERY)
        assert (service.name, service.status, service.minimum_age, service.maximum_age) == (
            "Example Recovery Service", "active", 18, 99)
        assert service.assured_date == dt.date(2026, 10, 1)
        assert service.source == "Test fixture written by hand"
        assert service.organization.name == "Example Charity"
        assert [(p.number, p.type, p.location_id) for p in service.phones] == [
            ("01632 960123", "voice", None), ("07700 900123", "text", None), ("+44 1632 960456", "voice", scoped(FIXTURE_SCOPE, "loc-hub"))]
        schedules = {original_id(s.id, owner=service.id): s for s in service.schedules}
        assert schedules["sch-weekdays"].closes_on_bank_holidays is True
        assert (schedules["sch-weekdays"].opens_at, schedules["sch-weekdays"].closes_at) == (dt.time(9), dt.time(17))
        # 09:00Z in a summer schedule is 10:00 on a London clock.
        assert (schedules["sch-summer-utc"].opens_at, schedules["sch-summer-utc"].closes_at) == (dt.time(10), dt.time(13))
        # Overnight rows are stored as written: the hours engine reads "closes before opens" as past midnight.
        assert (schedules["sch-night"].opens_at, schedules["sch-night"].closes_at) == (dt.time(22), dt.time(4))
        assert (schedules["sch-monthly"].freq, schedules["sch-monthly"].byday) == ("MONTHLY", "1SA")
        sal = service.service_at_locations[0]
        assert sal.location.addresses[0].postal_code == "ZZ1 1ZZ"
        # 10:00+01:00 on 10 January (GMT) is 09:00 London time.
        assert (sal.schedules[0].opens_at, sal.schedules[0].closes_at) == (dt.time(9), dt.time(13))
        assert json.loads(service.service_areas[0].extent) == {"type": "Point", "coordinates": [-2.07, 51.9]}
        assert sorted(original_id(t.id, scope=FIXTURE_SCOPE) for t in service.taxonomy_terms) == [
            "term-alcohol", "term-drugs"]


def test_round_trip_import_export_import_gives_equal_data(engine, tmp_path):
    with session_scope(engine) as session:
        import_hsds(session, load("service_full.json"), today=TODAY)
        import_hsds(session, load("oruk1.json"), source="ORUK fixture", today=TODAY)
    with session_scope(engine) as session:
        first = export_hsds(session)
    assert [s["id"] for s in first] == ["oruk-svc-1", "svc-example-recovery"]

    # Into a fresh database...
    other = make_engine(f"sqlite:///{tmp_path / 'other.db'}")
    create_schema(other)
    with session_scope(other) as session:
        report = import_hsds(session, json.loads(json.dumps(first)), today=TODAY)
        assert len(report.created) == 2 and not report.rejected
    with session_scope(other) as session:
        assert _without_last_modified(export_hsds(session)) == _without_last_modified(first)
    # ...and back over itself (the update path).
    with session_scope(engine) as session:
        report = import_hsds(session, json.loads(json.dumps(first)), today=TODAY)
        assert sorted(report.updated) == [scoped(ORUK_SCOPE, "oruk-svc-1"), RECOVERY]
    with session_scope(engine) as session:
        assert _without_last_modified(export_hsds(session)) == _without_last_modified(first)
        assert session.scalar(select(func.count()).select_from(Phone)) == 3
    other.dispose()


def test_reimport_replaces_children_and_merges_organization(engine):
    data = load("service_full.json")
    with session_scope(engine) as session:
        import_hsds(session, data, today=TODAY)
    record = data["contents"][0]
    record["phones"] = [{"id": "ph-new", "number": "0300 123 4567"}]
    record["schedules"] = []
    record["organization"]["name"] = "Example Charity (renamed)"
    with session_scope(engine) as session:
        report = import_hsds(session, [record], today=TODAY)
    assert report.updated == [RECOVERY] and report.created == []
    with session_scope(engine) as session:
        service = session.get(Service, RECOVERY)
        assert [original_id(p.id, owner=RECOVERY) for p in service.phones if p.location_id is None] == ["ph-new"]
        assert service.schedules == []
        assert session.get(Organization, scoped(FIXTURE_SCOPE, "org-example")).name == "Example Charity (renamed)"
        assert session.scalar(select(func.count()).select_from(Organization)) == 1


def test_bad_records_are_rejected_with_reasons_and_good_ones_kept(engine):
    with session_scope(engine) as session:
        report = import_hsds(session, load("mixed.json"), today=TODAY)
    reasons = dict(report.rejected)
    warnings = {}
    for label, message in report.warnings:
        warnings.setdefault(label, []).append(message)
    # Broken records are named and left out whole.
    assert "not a service object" in reasons["#1"]
    assert "missing id" in reasons["#2"]
    assert "missing name" in reasons["no-name"]
    assert "missing status" in reasons["no-status"]
    assert "bad status" in reasons["bad-status"]
    assert "bad ages" in reasons["bad-ages"]
    assert "bad dates" in reasons["bad-date"]
    assert "unknown taxonomy term" in reasons["bad-later"]
    assert len(report.rejected) == 8
    # Hours that cannot be read cost the service its hours, not its place in the directory.
    assert any("bad byday" in m and "hours not known" in m for m in warnings["bad-byday"])
    assert any("bad time" in m and "hours not known" in m for m in warnings["bad-time"])
    assert "phone has no number; left out" in warnings["no-number"]
    # A second copy of an id: one copy kept, and the report says which.
    assert warnings["dup"][0] == "id appears 2 times in the file: kept record #12 (the last copy), left out #11"
    assert ("foreign-phone", "phone '+1 212 555 0100' does not look like a UK number") in report.warnings
    with session_scope(engine) as session:
        names = {original_id(s.id, scope="fixture"): s.name for s in session.scalars(select(Service))}
        assert names == {"good-1": "Good One", "foreign-phone": "Foreign Phone", "bad-byday": "Bad Byday",
                         "bad-time": "Bad Time", "no-number": "No Number", "dup": "Dup B"}
        assert session.get(Service, "fixture:bad-time").schedules == []
        # The record that failed while being written left nothing behind (its SAVEPOINT was rolled back).
        assert session.get(Organization, "fixture:org-should-not-exist") is None


def test_source_and_checked_date_come_from_record_then_arguments_then_import_date(engine):
    records = [
        {"id": "own", "name": "Own", "status": "active", "source": "its own", "assured_date": "2026-02-02"},
        {"id": "filled", "name": "Filled", "status": "active"},
    ]
    with session_scope(engine) as session:
        refused = import_hsds(session, records, today=TODAY)
        assert refused.rejected == [("filled", "no source: add 'source' to the record or import with --source")]
        args = import_hsds(session, records, source="council feed", checked=dt.date(2026, 3, 3), today=TODAY)
        assert not args.rejected and not args.warnings
    with session_scope(engine) as session:
        own, filled = session.get(Service, "council-feed:own"), session.get(Service, "council-feed:filled")
        assert (own.source, own.assured_date) == ("its own", dt.date(2026, 2, 2))
        assert (filled.source, filled.assured_date) == ("council feed", dt.date(2026, 3, 3))
    with session_scope(engine) as session:
        today_used = import_hsds(session, records[1:], source="council feed", today=TODAY)
        assert today_used.warnings == [("filled", "no assured_date; recorded the import date 2026-11-25 as checked")]
        assert session.get(Service, "council-feed:filled").assured_date == TODAY


def test_offsets_that_cross_midnight_move_the_day(engine):
    record = {"id": "late", "name": "Late", "status": "active", "source": "t",
              "schedules": [{"id": "s", "byday": "MO,SU", "opens_at": "23:30Z", "closes_at": "03:00Z",
                             "valid_from": "2026-07-01"},
                            {"id": "all-day", "byday": "MO", "opens_at": "00:00Z", "closes_at": "23:59Z",
                             "valid_from": "2026-07-01"}]}
    with session_scope(engine) as session:
        assert not import_hsds(session, [record], today=TODAY).rejected
    with session_scope(engine) as session:
        rows = {original_id(s.id, owner="t:late"): s for s in session.scalars(select(Schedule))}
        assert (rows["s"].byday, rows["s"].opens_at, rows["s"].closes_at) == ("MO,TU", dt.time(0, 30), dt.time(4))
        assert (rows["all-day"].byday, rows["all-day"].opens_at, rows["all-day"].closes_at) == (
            "MO", dt.time(0), dt.time(23, 59))


def test_oruk_1_regular_schedules_eligibility_and_holiday_closures(engine):
    with session_scope(engine) as session:
        report = import_hsds(session, load("oruk1.json"), source="ORUK fixture", today=dt.date(2025, 11, 25))
    stored = scoped(ORUK_SCOPE, "oruk-svc-1")
    assert report.created == [stored] and not report.warnings and report.format == "ORUK 1.0"
    with session_scope(engine) as session:
        service = session.get(Service, stored)
        rows = sorted((s.byday, s.opens_at, s.valid_from or dt.date.min, s.valid_to or dt.date.max)
                      for s in service.schedules)
        # The Christmas closure pauses both regular rules over 25-26 December 2025.
        assert rows == [
            ("MO", dt.time(9, 30), dt.date.min, dt.date(2025, 12, 24)),
            ("MO", dt.time(9, 30), dt.date(2025, 12, 27), dt.date.max),
            ("SA", dt.time(10), dt.date.min, dt.date(2025, 12, 24)),
            ("SA", dt.time(10), dt.date(2025, 12, 27), dt.date.max)]
        assert (service.minimum_age, service.maximum_age) == (16, 65)
        assert service.eligibility_description == "family"


def test_a_past_holiday_closure_changes_nothing(engine):
    with session_scope(engine) as session:
        import_hsds(session, load("oruk1.json"), source="ORUK fixture", today=TODAY)
    with session_scope(engine) as session:
        service = session.get(Service, scoped(ORUK_SCOPE, "oruk-svc-1"))
        assert sorted((s.byday, s.valid_from, s.valid_to) for s in service.schedules) == [
            ("MO", None, None), ("SA", None, None)]


def test_single_object_and_taxonomy_terms_created_once(engine):
    term = {"id": "t-1", "name": "Alcohol", "description": ""}
    one = {"id": "a", "name": "A", "status": "active", "source": "s",
           "attributes": [{"id": "a-1", "taxonomy_term_id": "t-1", "taxonomy_term": term}]}
    two = {"id": "b", "name": "B", "status": "active", "source": "s",
           "attributes": [{"id": "b-1", "taxonomy_term_id": "t-1"}]}
    with session_scope(engine) as session:
        assert import_hsds(session, one, today=TODAY).created == ["s:a"]
        assert import_hsds(session, two, today=TODAY).created == ["s:b"]
    with session_scope(engine) as session:
        assert session.scalar(select(func.count()).select_from(TaxonomyTerm)) == 1


def test_two_feeds_using_the_same_ids_never_overwrite_each_other(engine):
    def record(name, number):
        return {"id": "1", "name": name, "status": "active", "organization": {"id": "1", "name": name + " Org"},
                "phones": [{"id": "1", "number": number}],
                "service_at_locations": [{"id": "1", "location": {"id": "1", "name": name + " hub"}}]}

    with session_scope(engine) as session:
        assert not import_hsds(session, [record("Anytown Help", "01632 960001")], source="Anytown Council",
                               today=TODAY).rejected
        assert not import_hsds(session, [record("Othertown Help", "01632 960002")], source="Othertown Council",
                               today=TODAY).rejected
    with session_scope(engine) as session:
        services = {s.id: s for s in session.scalars(select(Service))}
        assert set(services) == {"anytown-council:1", "othertown-council:1"}
        assert services["anytown-council:1"].phones[0].number == "01632 960001"
        assert services["othertown-council:1"].organization.name == "Othertown Help Org"
        exported = {s["name"]: s for s in export_hsds(session)}
    # Exports give each council back its own ids.
    assert exported["Anytown Help"]["id"] == "1" and exported["Anytown Help"]["organization"]["id"] == "1"
    assert exported["Othertown Help"]["phones"][0]["id"] == "1"
    assert exported["Othertown Help"]["service_at_locations"][0]["location"]["id"] == "1"


def test_over_long_fields_are_rejected_the_same_on_every_database(engine):
    record = {"id": "long", "name": "x" * 300, "status": "active", "source": "s"}
    with session_scope(engine) as session:
        report = import_hsds(session, [record], today=TODAY)
    assert report.rejected == [("long", "name is too long (300 characters; at most 255)")]


# ---- whole-file errors (no database needed) ------------------------------------------------------------------------


def test_read_file_tolerates_a_byte_order_mark(tmp_path):
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps([{"id": "x"}]).encode())
    assert read_hsds_file(path) == [{"id": "x"}]


@pytest.mark.parametrize(
    "content, message",
    [
        ("[{\"name\": \"Caf\xe9\"}]".encode("latin-1"), "is not UTF-8"),
        (json.dumps([]).encode("utf-16"), "UTF-16"),
        (b"{not json", "is not valid JSON"),
    ],
)
def test_read_file_gives_clear_errors(tmp_path, content, message):
    path = tmp_path / "feed.json"
    path.write_bytes(content)
    with pytest.raises(ImportFileError, match=message):
        read_hsds_file(path)


def test_read_file_refuses_oversized_and_missing_files(tmp_path):
    path = tmp_path / "big.json"
    path.write_text("[" + " " * 200 + "]")
    with pytest.raises(ImportFileError, match="the limit is 100 bytes"):
        read_hsds_file(path, max_bytes=100)
    with pytest.raises(ImportFileError, match="cannot read"):
        read_hsds_file(tmp_path / "missing.json")


@pytest.mark.parametrize("data", ["text", 42, {"services": []}, {"contents": {"id": "x"}}])
def test_wrong_shapes_raise_import_file_error(sqlite_engine, data):
    with session_scope(sqlite_engine) as session, pytest.raises(ImportFileError):
        import_hsds(session, data)


def test_a_record_stored_before_ids_were_scoped_is_replaced_not_duplicated(engine):
    with session_scope(engine) as session:  # as the previous release stored it: bare id, no scope
        session.add(Service(id="legacy-1", name="Old Name", status="active", source="Anytown Council",
                            assured_date=dt.date(2026, 1, 1)))
        session.add(Service(id="other-source", name="Kept", status="active", source="Somewhere Else",
                            assured_date=dt.date(2026, 1, 1)))
    records = [{"id": "legacy-1", "name": "New Name", "status": "active"},
               {"id": "other-source", "name": "Different", "status": "active"}]
    with session_scope(engine) as session:
        report = import_hsds(session, records, source="Anytown Council", checked=TODAY, today=TODAY)
    assert report.updated == ["anytown-council:legacy-1"] and report.created == ["anytown-council:other-source"]
    assert ("legacy-1", "replaced the copy stored before ids were kept per feed (same id and source)") in report.warnings
    with session_scope(engine) as session:
        names = {s.id: s.name for s in session.scalars(select(Service))}
    assert names == {"anytown-council:legacy-1": "New Name", "anytown-council:other-source": "Different",
                     "other-source": "Kept"}
