"""The directory in memory (knowledge/search/snapshot.py): the same answers as from the database, hours read the one
way, one directory version per snapshot, rebuilt by the action server when the directory changes.

Local services are fictional (Testshire, Ofcom drama numbers, postcode area XX).
"""
from __future__ import annotations

import datetime as dt
import random
from contextlib import contextmanager
from datetime import datetime, time
from typing import Iterator

import pytest
import yaml
from sqlalchemy import event

from knowledge.bundled.loader import load_bundled
from knowledge.formats.importer import import_hsds
from knowledge.hours.engine import LONDON
from knowledge.needs.catalogue import ALCOHOL, FAMILY, GENERAL, YOUNG_PEOPLE, need_by_code
from knowledge.places.areas import AreaIndex
from knowledge.search.finder import Person, find_services, services_by_id
from knowledge.search.snapshot import DirectorySnapshot, hold
from knowledge.store.db import create_schema, make_engine, session_factory, session_scope
from knowledge.store.models import Schedule, Service
from tests.knowledge.test_search import ALWAYS, SUNDAY_2AM, TUESDAY_11AM, WEEKDAYS, add_service
from tests.relevance.county import build


@contextmanager
def statements_run(session) -> Iterator[list[str]]:
    """The SQL statements the session's engine runs inside the block (to show a search reads nothing)."""
    statements: list[str] = []

    def record(_connection, _cursor, statement, *_args):
        statements.append(statement)

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)

#: Tuesday 1 December 2026 is the first day of the month and its first Tuesday; the 8th is neither.
FIRST_TUESDAY = datetime(2026, 12, 1, 11, 0, tzinfo=LONDON)
SECOND_TUESDAY = datetime(2026, 12, 8, 11, 0, tzinfo=LONDON)


@pytest.fixture
def monthly(db_session):
    """Two Alderton clinics open only once a month: on the 1st (``bymonthday``) and on the first Tuesday."""
    load_bundled(db_session, include_seeds=False)
    for name, row in (
        ("Alderton Month-Day Clinic", Schedule(freq="MONTHLY", bymonthday="1", opens_at=time(10), closes_at=time(16))),
        ("Alderton First-Tuesday Clinic", Schedule(freq="MONTHLY", byday="1TU", opens_at=time(10), closes_at=time(16))),
    ):
        service = add_service(db_session, name, description="Alcohol clinic.", taxonomy=["Alcohol"], city="Alderton",
                              postcode="XX1 1AA")
        service.schedules.append(row)
    db_session.commit()
    return db_session


def _status(result, name):
    return next(m.status for m in result.local if m.name == name)


@pytest.mark.parametrize("with_snapshot", [False, True])
def test_search_honours_month_days_and_ordinal_weekdays(monthly, with_snapshot):
    index = AreaIndex.build(monthly, places=[])
    snapshot = DirectorySnapshot.build(monthly) if with_snapshot else None
    area = index.resolve("Alderton")
    first = find_services(monthly, need=ALCOHOL, area=area, now=FIRST_TUESDAY, area_index=index, snapshot=snapshot)
    later = find_services(monthly, need=ALCOHOL, area=area, now=SECOND_TUESDAY, area_index=index, snapshot=snapshot)
    for name in ("Alderton Month-Day Clinic", "Alderton First-Tuesday Clinic"):
        assert _status(first, name).open_now, name
        assert not _status(later, name).open_now, name
        assert _status(later, name).next_opens_at.date() == dt.date(2027, 1, 1 if "Day" in name else 5), name


@pytest.fixture
def testshire(db_session):
    load_bundled(db_session, include_seeds=False)
    s = db_session
    add_service(s, "Alderton Alcohol Service", description="Help to stop or cut down drinking.",
                taxonomy=["Alcohol"], city="Alderton", postcode="XX1 1AA", hours=WEEKDAYS)
    add_service(s, "Testshire Recovery", description="Substance misuse recovery for adults across the county.",
                areas=["Testshire"], hours=WEEKDAYS, minimum_age=18)
    add_service(s, "Brockley Night Line", description="Alcohol help line.", taxonomy=["Alcohol"], city="Brockley",
                postcode="XX2 3BB", hours=ALWAYS)
    add_service(s, "Old Alderton Clinic", description="Alcohol clinic.", taxonomy=["Alcohol"], city="Alderton",
                postcode="XX1 5DD", hours=ALWAYS, status="defunct")
    s.commit()
    return s


def test_the_snapshot_indexes_active_local_services_by_place_and_district(testshire):
    snapshot = DirectorySnapshot.build(testshire)
    names = lambda records: [r.name for r in records]  # noqa: E731
    assert names(snapshot.local({"alderton"}, set())) == ["Alderton Alcohol Service"]  # the defunct one is not there
    assert names(snapshot.local({"testshire"}, set())) == [
        "Alderton Alcohol Service", "Brockley Night Line", "Testshire Recovery"]
    assert names(snapshot.local(set(), {"XX2"})) == ["Brockley Night Line"]
    assert names(snapshot.local(set(), {"XX3"})) == []
    assert snapshot.national and all(r.is_national for r in snapshot.national)
    assert names(snapshot.national) == sorted(names(snapshot.national))
    assert snapshot.area_index is not None and snapshot.area_index.resolve("Brockley") is not None


def test_an_address_kept_without_its_town_is_placed_by_its_district_and_adds_no_blank_town(testshire):
    service = add_service(testshire, "Chorley Drop-In", description="Alcohol drop-in.", taxonomy=["Alcohol"],
                          city="Chorley", postcode="XX4 4DD")
    service.service_at_locations[0].location.addresses[0].city = ""
    testshire.commit()
    [record] = [r for r in DirectorySnapshot.build(testshire).services.values() if r.name == "Chorley Drop-In"]
    assert record.places == (("testshire", "county"), ("xx4", "district"))
    assert record.first_address == ("1 Test Street XX4 4DD", "")


def test_a_town_alone_places_a_service_but_is_not_given_as_its_address(testshire):
    """What is kept of a place whose exact address is hidden: "At Chorley." is nowhere to walk in to."""
    service = add_service(testshire, "Chorley Women's Service", description="Alcohol support for women.",
                          taxonomy=["Alcohol"], city="Chorley")
    address = service.service_at_locations[0].location.addresses[0]
    address.address_1, address.postal_code = "", ""
    testshire.commit()
    [record] = [r for r in DirectorySnapshot.build(testshire).services.values() if r.name == "Chorley Women's Service"]
    assert record.places == (("chorley", "town"), ("testshire", "county"))
    assert record.first_address == (None, "Chorley")


@pytest.mark.parametrize("need, where, now, person", [
    (ALCOHOL, "Alderton", TUESDAY_11AM, Person()),
    (ALCOHOL, "Testshire", SUNDAY_2AM, Person(age=16)),
    (FAMILY, "XX2 3BB", SUNDAY_2AM, Person(for_whom="someone_else", relationship="son")),
    (GENERAL, None, TUESDAY_11AM, Person()),
    (YOUNG_PEOPLE, "Brockley", SUNDAY_2AM, Person(age=15)),
])
def test_a_search_held_in_memory_answers_as_one_from_the_database(testshire, need, where, now, person):
    index = AreaIndex.build(testshire, places=[])
    area = index.resolve(where) if where else None
    from_database = find_services(testshire, need=need, area=area, now=now, person=person, area_index=index)
    snapshot = DirectorySnapshot.build(testshire)
    in_memory = find_services(testshire, need=need, area=area, now=now, person=person, area_index=index,
                              snapshot=snapshot)
    assert in_memory == from_database


def test_every_relevance_case_is_answered_the_same_from_memory(tmp_path):
    """The fictional county of tests/relevance, every case: the snapshot changes nothing in the answers."""
    from bench.relevance import CASES, person_for

    engine = make_engine(f"sqlite:///{tmp_path / 'county.db'}")
    create_schema(engine)
    with session_scope(engine) as session:
        load_bundled(session, include_seeds=False)
        assert not import_hsds(session, build(), today=dt.date(2026, 11, 20)).rejected
    try:
        with session_scope(engine) as session:
            snapshot = DirectorySnapshot.build(session)
            for case in yaml.safe_load(CASES.read_text(encoding="utf-8")):
                now = dt.datetime.fromisoformat(str(case["now"])).replace(tzinfo=LONDON)
                area = snapshot.area_index.resolve(case["area"]) if case.get("area") else None
                ask = dict(need=need_by_code(case["need"]), area=area, now=now, person=person_for(case),
                           area_index=snapshot.area_index)
                in_memory = find_services(session, **ask, snapshot=snapshot)
                assert in_memory == find_services(session, **ask), case["id"]
                assert in_memory == find_services(session, **ask, snapshot=snapshot, group_alike=False), case["id"]
    finally:
        engine.dispose()


def forget_plans(snapshot, *, one_by_one_only: bool = False) -> None:
    """Drop the local plans a snapshot keeps (knowledge.search.local_ranking.local_plan), or only those scoring one
    by one, so the next such search works everything out afresh."""
    plans = snapshot.memo.get("local_plans", {})
    for key in [key for key in plans if not (one_by_one_only and key[1].group_alike)]:
        del plans[key]


def test_scoring_one_candidate_of_each_kind_answers_as_scoring_every_one(tmp_path):
    """Local candidates with the same Facts but for id and name are scored once per kind and merged in name order
    (knowledge.search.local_ranking.LocalRanking), and a kind's verdict is kept with its plan for the next search at
    another time; that must give what scoring each one afresh gives, "more options" included, in a directory
    where many services are alike (the scale bench's shapes: 12 counties of 8 towns, four kinds of hours)."""
    from bench.bench_scale import generate, templates

    engine = make_engine(f"sqlite:///{tmp_path / 'alike.db'}")
    create_schema(engine)
    rng = random.Random(7)
    with session_scope(engine) as session:
        load_bundled(session, include_seeds=False)
        for number, (kind, template) in enumerate(templates().items()):
            records = generate(kind, template, 150, number * 150, rng)
            assert not import_hsds(session, records, source=f"Bench {kind} feed", checked=dt.date(2026, 11, 1)).rejected
    christmas = datetime(2026, 12, 25, 10, 30, tzinfo=LONDON)
    closing_soon = datetime(2026, 12, 2, 16, 30, tzinfo=LONDON)
    persons = [Person(), Person(for_whom="someone_else", relationship="son", substance="crack cocaine"),
               Person(age=15), Person(for_whom="someone_else", writer_age=13, relationship="dad"),
               Person(substance="heroin", wants_open_now=True)]
    try:
        with session_scope(engine) as session:
            snapshot = DirectorySnapshot.build(session)
            for where in ("Wendmere", "Quillshire", "XX17 1AA", None):
                area = snapshot.area_index.resolve(where) if where else None
                for need in (ALCOHOL, FAMILY, GENERAL, YOUNG_PEOPLE, need_by_code("harm_reduction")):
                    for now in (SUNDAY_2AM, TUESDAY_11AM, christmas, closing_soon):
                        for person in persons:
                            ask = dict(need=need, area=area, now=now, person=person, snapshot=snapshot)
                            # Kept from the searches before, at other times: the plan and its verdicts.
                            by_kind = find_services(session, **ask)
                            said_more = bool(by_kind.more)  # answered before "more options" is worked out
                            forget_plans(snapshot, one_by_one_only=True)  # worked out afresh, nothing kept
                            one_by_one = find_services(session, **ask, group_alike=False)
                            assert by_kind == one_by_one, (where, need.code, now, person)
                            assert said_more == bool(tuple(by_kind.more)) == bool(one_by_one.more)
    finally:
        engine.dispose()


def test_a_search_reads_nothing_from_the_database_when_the_session_holds_a_snapshot(testshire):
    snapshot = DirectorySnapshot.build(testshire)
    hold(testshire, snapshot)
    area = snapshot.area_index.resolve("Alderton")
    with statements_run(testshire) as statements:
        result = find_services(testshire, need=ALCOHOL, area=area, now=TUESDAY_11AM)
    assert statements == []
    assert result.local[0].name == "Alderton Alcohol Service"


def test_services_by_id_read_from_a_held_snapshot_are_those_from_the_database(testshire):
    """A plan or call-back reads the services offered by id: from the snapshot the turn holds, with no query,
    the same matches as from the database (active ones only, in the order asked, each once)."""
    ids = [r.id for r in DirectorySnapshot.build(testshire).services.values() if not r.is_national][:3]
    defunct = testshire.execute(
        Service.__table__.select().where(Service.name == "Old Alderton Clinic")).first().id
    asked = [ids[2], "no-such-service", defunct, ids[0], ids[2], ids[1]]
    from_database = services_by_id(testshire, asked, now=SUNDAY_2AM)
    assert [m.service_id for m in from_database] == [ids[2], ids[0], ids[1]]
    hold(testshire, DirectorySnapshot.build(testshire))
    with statements_run(testshire) as statements:
        from_snapshot = services_by_id(testshire, asked, now=SUNDAY_2AM)
    assert statements == []
    assert from_snapshot == from_database


def test_a_change_committed_while_the_snapshot_is_read_is_not_half_in_it(engine):
    """A snapshot is one version: a service committed after its reads began is absent from it, and its version
    is the one before the change (so the next fingerprint check rebuilds it)."""
    with session_scope(engine) as session:
        load_bundled(session, include_seeds=False)
        add_service(session, "Alderton Alcohol Service", taxonomy=["Alcohol"], city="Alderton", postcode="XX1 1AA",
                    hours=WEEKDAYS)
    committed = []

    def commit_a_change(*_args):
        if not committed:  # after the first read of the build: a sync commits a new service in Alderton
            committed.append(True)
            with session_scope(engine) as other:
                add_service(other, "Alderton Late Addition", taxonomy=["Alcohol"], city="Alderton",
                            postcode="XX1 2AA", hours=WEEKDAYS)

    reader = session_factory(engine)()
    try:
        reader.execute(Schedule.__table__.select().limit(1)).all()  # the reader's transaction has begun
        event.listen(engine, "after_cursor_execute", commit_a_change)
        try:
            snapshot = DirectorySnapshot.build(reader)
        finally:
            event.remove(engine, "after_cursor_execute", commit_a_change)
        assert committed
        assert [r.name for r in snapshot.local({"alderton"}, set())] == ["Alderton Alcohol Service"]
    finally:
        reader.rollback()
        reader.close()
    with session_scope(engine) as session:
        assert not snapshot.is_current(session)
        fresh = DirectorySnapshot.build(session)
        assert [r.name for r in fresh.local({"alderton"}, set())] == [
            "Alderton Alcohol Service", "Alderton Late Addition"]
        assert fresh.is_current(session)


def test_the_action_server_keeps_one_snapshot_per_turn_and_rebuilds_it_after_a_change(tmp_path, monkeypatch):
    from actions import directory

    url = f"sqlite:///{tmp_path / 'directory.db'}"
    engine = make_engine(url)
    create_schema(engine)
    with session_scope(engine) as session:
        load_bundled(session, include_seeds=False)
    monkeypatch.setenv("SIGNPOST_DATABASE_URL", url)
    monkeypatch.setattr(directory, "RECHECK_SECONDS", 0.0)
    directory.reset()
    try:
        with directory.directory_session() as turn:
            first = directory.snapshot(turn)
            with session_scope(engine) as other:  # a sync adds a service in the middle of the turn
                add_service(other, "Dunmere Alcohol Team", taxonomy=["Alcohol"], city="Dunmere",
                            postcode="XX7 1AA", hours=WEEKDAYS, county="Dunshire")
            assert directory.snapshot(turn) is first  # the turn keeps the version it started with
            assert directory.area_index(turn) is first.area_index
            assert first.area_index.get("Dunmere") is None
        with directory.directory_session() as turn:
            second = directory.snapshot(turn)
            area = directory.area_index(turn).resolve("Dunmere")
            result = find_services(turn, need=ALCOHOL, area=area, now=TUESDAY_11AM)  # uses the turn's snapshot
        assert second is not first and directory.index_builds() == 2
        assert [m.name for m in result.local] == ["Dunmere Alcohol Team"]
        with directory.directory_session() as turn:
            assert directory.snapshot(turn) is second  # unchanged: no rebuild
        assert directory.index_builds() == 2
    finally:
        directory.reset()
        engine.dispose()


def test_records_read_table_by_table_are_the_records_made_from_the_models(testshire):
    from sqlalchemy import select

    from knowledge.search.snapshot import EAGER, read_active_records, record_of
    from knowledge.store.models import Service

    add_service(testshire, "Alderton Monthly Clinic", description="Alcohol clinic. By referral only.",
                taxonomy=["Alcohol", "Families"], city="Alderton", postcode="XX1 3AA",
                hours=[("MO,TU", time(9), time(12)), ("FR", time(13), time(17))])
    testshire.commit()
    models = testshire.execute(select(Service).where(Service.status == "active").options(*EAGER)).scalars().unique()
    made = {record.id: record for record in map(record_of, models)}
    read = {record.id: record for record in read_active_records(testshire)}
    assert read == made and len(read) > 10
