"""Schema changes go through Alembic: a directory made by the release before migrations upgrades with no data
lost, on SQLite and on PostgreSQL, and the migrations end exactly at the models' schema."""
from __future__ import annotations

import datetime as dt
import os
from typing import Iterator

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, select, text
from sqlalchemy.engine import Engine

from knowledge.formats.importer import import_hsds
from knowledge.store.db import (
    BASELINE_REVISION,
    alembic_config,
    all_metadata,
    create_schema,
    head_revision,
    make_engine,
    schema_revision,
    session_scope,
)
from knowledge.store.models import Service
from tests.support.postgres import own_schema


@pytest.fixture
def sqlite_database(tmp_path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path / 'old-directory.db'}")
    yield engine
    engine.dispose()


@pytest.fixture
def pg_database() -> Iterator[Engine]:
    """An empty schema of its own on the shared PostgreSQL server, dropped afterwards."""
    with own_schema("signpost_migrate") as url:
        engine = make_engine(url)
        try:
            yield engine
        finally:
            engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request) -> Engine:
    return request.getfixturevalue("sqlite_database" if request.param == "sqlite" else "pg_database")


def make_previous_release_database(engine: Engine) -> None:
    """Tables exactly as the previous release's create_all made them (the baseline revision) and no
    alembic_version, as that release left them."""
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), BASELINE_REVISION)
        connection.execute(text("DROP TABLE alembic_version"))


#: A small directory written with the previous release's columns only: every table has rows.
OLD_ROWS = {
    "organization": [dict(id="org-1", name="Wendmoor Recovery Trust", alternate_name="WRT", description="A charity.",
                          email="hello@example.org", website="https://example.org")],
    "taxonomy": [dict(id="tax-1", name="signpost needs", description="", uri=None, version="1")],
    "taxonomy_term": [dict(id="term-1", code="alcohol", name="Alcohol", description="Help with drinking",
                           parent_id=None, taxonomy="signpost needs", taxonomy_id="tax-1", term_uri=None)],
    "location": [dict(id="loc-1", organization_id="org-1", location_type="physical", name="Dunmere Hub",
                      description=None, url=None, latitude=51.5, longitude=-2.5)],
    "service": [dict(id="svc-1", organization_id="org-1", name="Dunmere Alcohol Service", alternate_name=None,
                     description="Alcohol advice and detox.", url="https://example.org/alcohol",
                     email=None, status="active", application_process="Call us.", eligibility_description="18+",
                     fees_description="Free", minimum_age=18, maximum_age=None, alert=None,
                     assured_date=dt.date(2026, 10, 1), last_modified=dt.datetime(2026, 10, 1, 9, 30),
                     source="Wendmoor Council directory", source_url="https://example.org/directory",
                     is_national=False, is_crisis_line=False),
                dict(id="svc-2", organization_id="org-1", name="Wendmoor Night Line", alternate_name=None,
                     description="Talk at night.", url=None, email=None, status="inactive",
                     application_process=None, eligibility_description=None, fees_description=None,
                     minimum_age=None, maximum_age=None, alert="Closed for now", assured_date=dt.date(2025, 1, 2),
                     last_modified=dt.datetime(2025, 1, 2, 0, 0), source="Wendmoor Council directory",
                     source_url=None, is_national=True, is_crisis_line=True)],
    "address": [dict(id="adr-1", location_id="loc-1", attention=None, address_1="1 Market Street", address_2=None,
                     city="Dunmere", region=None, state_province="Wendmoor", postal_code="ZZ9 1AA", country="GB",
                     address_type="physical")],
    "service_at_location": [dict(id="sal-1", service_id="svc-1", location_id="loc-1", description=None)],
    "phone": [dict(id="ph-1", service_id="svc-1", location_id=None, number="01632 960123", extension=None,
                   type="voice", description="Reception", position=0),
              dict(id="ph-2", service_id="svc-2", location_id=None, number="07700 900456", extension=None,
                   type="text", description=None, position=1)],
    "schedule": [dict(id="sch-1", service_id="svc-1", location_id=None, service_at_location_id=None,
                      valid_from=None, valid_to=None, dtstart=None, until=None, freq="WEEKLY", interval=1,
                      byday="MO,TU,WE,TH,FR", opens_at=dt.time(9), closes_at=dt.time(17), description=None,
                      notes=None, closes_on_bank_holidays=True),
                 dict(id="sch-2", service_id=None, location_id=None, service_at_location_id="sal-1",
                      valid_from=dt.date(2026, 1, 1), valid_to=None, dtstart=None, until=None, freq="WEEKLY",
                      interval=2, byday="SA", opens_at=dt.time(20), closes_at=dt.time(2), description="late",
                      notes=None, closes_on_bank_holidays=False)],
    "service_area": [dict(id="area-1", service_id="svc-1", name="Wendmoor", description=None, extent=None,
                          extent_type=None, uri=None)],
    "attribute": [dict(id="att-1", link_id="svc-1", link_type="service", link_entity="service",
                       taxonomy_term_id="term-1", value=None)],
}


def write_old_rows(engine: Engine) -> None:
    with engine.begin() as connection:
        tables = {name: _table(connection, name) for name in OLD_ROWS}
        for name, rows in OLD_ROWS.items():  # dict order is foreign-key order
            connection.execute(tables[name].insert(), rows)


def read_old_rows(engine: Engine) -> dict:
    """Every row of every old table, only the previous release's columns, in id order."""
    with engine.connect() as connection:
        found = {}
        for name, rows in OLD_ROWS.items():
            table = _table(connection, name)
            columns = [table.c[column] for column in rows[0]]
            found[name] = [dict(row._mapping) for row in connection.execute(select(*columns).order_by(table.c.id))]
        return found


def _table(connection, name: str):
    from sqlalchemy import MetaData, Table

    return Table(name, MetaData(), autoload_with=connection)


def schema_differences(engine: Engine) -> list:
    """What the database's schema lacks or has beyond the models (Alembic's autogenerate comparison): the
    directory's, the signpost events' and the outbox's (every table the app writes here).

    SQLite does not enforce VARCHAR lengths, so a length-only difference there is not a difference."""
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diffs = compare_metadata(context, all_metadata())
    if engine.dialect.name == "sqlite":
        diffs = [d for d in diffs if not (isinstance(d, list) and d[0][0] == "modify_type"
                                          and "VARCHAR" in str(d[0][5]) and "VARCHAR" in str(d[0][6]))]
    return diffs


# --- Tests ----------------------------------------------------------------------------------------------------


def test_a_previous_release_directory_upgrades_with_no_data_lost(database):
    make_previous_release_database(database)
    write_old_rows(database)
    before = read_old_rows(database)
    assert before == {name: sorted(rows, key=lambda r: r["id"]) for name, rows in OLD_ROWS.items()}

    assert create_schema(database) == f"upgraded from {BASELINE_REVISION}"

    assert read_old_rows(database) == before  # every row, every value
    with database.connect() as connection:
        assert schema_revision(connection) == head_revision()
    assert schema_differences(database) == []
    with session_scope(database) as session:  # the models read the upgraded rows, relationships included
        service = session.get(Service, "svc-1")
        assert [p.number for p in service.phones] == ["01632 960123"]
        assert [a.name for a in service.service_areas] == ["Wendmoor"]
        assert [t.name for t in service.taxonomy_terms] == ["Alcohol"]
        assert service.service_at_locations[0].location.addresses[0].postal_code == "ZZ9 1AA"
        assert service.id_scope is None

    # What the new schema is for: a council's feed with long ids, stored under its own scope.
    long_id = "x" * 150
    with session_scope(database) as session:
        report = import_hsds(session, [{"id": long_id, "name": "Long id service", "description": "Advice.",
                                        "status": "active", "assured_date": "2026-11-01"}],
                             source="A council with a very long feed name", checked=dt.date(2026, 11, 1))
    assert report.created and not report.rejected
    assert create_schema(database) == "current"
    old_ids = {name: {row["id"] for row in rows} for name, rows in OLD_ROWS.items()}
    after = read_old_rows(database)
    assert {name: [r for r in rows if r["id"] in old_ids[name]] for name, rows in after.items()} == before


def test_an_empty_database_is_created_at_the_newest_revision(database):
    assert create_schema(database) == "created"
    with database.connect() as connection:
        assert schema_revision(connection) == head_revision()
    assert schema_differences(database) == []
    assert create_schema(database) == "current"


def test_the_migrations_alone_build_the_models_schema(database):
    """Every change to knowledge/store/models.py needs a revision: running them all must end at the models."""
    with database.begin() as connection:
        command.upgrade(alembic_config(connection), "head")
    assert schema_differences(database) == []
    assert set(inspect(database).get_table_names()) >= {name for m in all_metadata() for name in m.tables}


def test_kb_init_upgrades_a_previous_release_directory(sqlite_database, tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    make_previous_release_database(sqlite_database)
    write_old_rows(sqlite_database)
    before = read_old_rows(sqlite_database)
    env = dict(os.environ, SIGNPOST_DATABASE_URL=str(sqlite_database.url))
    done = subprocess.run([sys.executable, "-m", "bot.cli", "kb", "init"], cwd=Path(__file__).resolve().parents[2],
                          env=env, capture_output=True, text=True, timeout=120)
    assert f"Directory schema upgraded from {BASELINE_REVISION} to the newest revision." in done.stdout, done.stderr
    after = read_old_rows(sqlite_database)
    assert {name: [r for r in rows if r["id"] in {o["id"] for o in OLD_ROWS[name]}] for name, rows in after.items()} \
        == before  # the council's rows are all still there beside the bundled directory


# --- The events and outbox tables (revision 0005) ---------------------------------------------------------------

#: The revision before the events and outbox tables had one of their own.
BEFORE_APP_TABLES = "0004_holiday_schedules"
APP_TABLES = {"signpost_event", "referral_outbox"}


def make_0004_database(engine: Engine) -> None:
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), BEFORE_APP_TABLES)
    assert not APP_TABLES & set(inspect(engine).get_table_names())


def _an_event():
    from insight.event import ASK, SignpostEvent

    return SignpostEvent(kind=ASK, day=dt.date(2026, 11, 30), hour=2, channel="sms", need="alcohol",
                         area_code="E06000016", for_whom="self", age_band=None, local_fitted=2, local_open=0,
                         out_of_hours_only=True, crisis_type=None)


def _a_callback_request():
    from referrals.request import CallbackRequest

    return CallbackRequest(service_id="test-anytown-recovery", service_name="Anytown Recovery (test)",
                           phone="07700900123", good_time="weekday mornings", message_ok=False, name="Sam",
                           consent="Anytown Recovery (test) will get your name Sam, your number ending 123, and "
                                   "when to call.")


def test_a_directory_upgraded_with_the_migrations_gets_the_events_and_outbox_tables(database):
    """A production directory at 0004 that never recorded an event nor queued a call-back: the upgrade makes both
    tables, exactly as the models say, and the insight store and the outbox write to them."""
    from insight import store as insight_store
    from referrals.sealing import Sealer, new_key
    from referrals.store import Outbox

    make_0004_database(database)
    assert create_schema(database) == f"upgraded from {BEFORE_APP_TABLES}"
    assert APP_TABLES <= set(inspect(database).get_table_names())
    assert schema_differences(database) == []
    with session_scope(database) as session:
        assert insight_store.add_events(session, [_an_event()]) == 1
    with session_scope(database) as session:
        assert insight_store.count_events(session) == 1
    outbox = Outbox(database, Sealer(new_key()))
    reference = outbox.add(_a_callback_request(), "someone")
    assert reference.startswith("SP-") and len(outbox.due_ids(dt.datetime(2100, 1, 1))) == 1


def test_events_and_outbox_tables_made_on_first_use_are_kept_with_their_rows(database):
    """The recorder and the outbox made their tables with create_all before 0005 existed: the upgrade leaves them
    and their rows as they are, and the schema is then the models' (create_all made them as 0005 does)."""
    from insight import store as insight_store
    from referrals.sealing import Sealer, new_key
    from referrals.store import Outbox

    make_0004_database(database)
    insight_store.ensure_schema(database)
    outbox = Outbox(database, Sealer(new_key()))
    outbox.create_schema()
    with session_scope(database) as session:
        insight_store.add_events(session, [_an_event(), _an_event()])
    reference = outbox.add(_a_callback_request(), "someone")

    assert create_schema(database) == f"upgraded from {BEFORE_APP_TABLES}"
    assert schema_differences(database) == []
    with session_scope(database) as session:
        assert insight_store.count_events(session) == 2
    with database.connect() as connection:
        assert connection.execute(text("SELECT reference FROM referral_outbox")).scalars().all() == [reference]


def test_kb_init_reset_keeps_the_events_and_outbox(sqlite_database):
    """`kb init --reset` drops the directory only; the new directory's schema keeps the events beside it."""
    from insight import store as insight_store
    from knowledge.store.db import drop_schema

    assert create_schema(sqlite_database) == "created"
    assert APP_TABLES <= set(inspect(sqlite_database).get_table_names())
    with session_scope(sqlite_database) as session:
        insight_store.add_events(session, [_an_event()])
    drop_schema(sqlite_database)
    assert create_schema(sqlite_database) == "created"
    assert schema_differences(sqlite_database) == []
    with session_scope(sqlite_database) as session:
        assert insight_store.count_events(session) == 1


# --- The outbox's request key (revision 0006) -------------------------------------------------------------------

BEFORE_REQUEST_KEY = "0005_event_and_outbox_tables"


def make_0005_outbox_with_rows(engine: Engine, sealer) -> list[dict]:
    """A directory at 0005 whose outbox holds two requests written by that release (no request_key column)."""
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), BEFORE_REQUEST_KEY)
    assert "request_key" not in {c["name"] for c in inspect(engine).get_columns("referral_outbox")}
    rows = [
        dict(id=f"entry-{n}", reference=f"SP-AAAAA{n}", conversation_tag=sealer.conversation_tag("someone"),
             sealed=sealer.seal(_a_callback_request().to_payload()), state=state, created_at=dt.datetime(2026, 12, 1),
             attempts=attempts, next_attempt_at=dt.datetime(2026, 12, 1, 0, 5), lease_until=None, last_error=error)
        for n, state, attempts, error in ((1, "pending", 0, None), (2, "tell_admin", 6, "HTTP 500"))
    ]
    with engine.begin() as connection:
        connection.execute(_table(connection, "referral_outbox").insert(), rows)
    return rows


#: The outbox's columns at 0005.
OUTBOX_0005_COLUMNS = ("id", "reference", "conversation_tag", "sealed", "state", "created_at", "attempts",
                       "next_attempt_at", "lease_until", "last_error")


def _outbox_rows(engine: Engine) -> list[dict]:
    with engine.connect() as connection:
        table = _table(connection, "referral_outbox")
        query = select(*(table.c[name] for name in OUTBOX_0005_COLUMNS)).order_by(table.c.id)
        return [{**row._mapping, "sealed": bytes(row.sealed)} for row in connection.execute(query)]


def test_an_outbox_made_by_0005_upgrades_with_its_rows_kept_and_then_writes_each_request_once(database):
    from referrals.sealing import Sealer, new_key
    from referrals.store import Outbox

    sealer = Sealer(new_key())
    rows = make_0005_outbox_with_rows(database, sealer)
    assert create_schema(database) == f"upgraded from {BEFORE_REQUEST_KEY}"
    assert _outbox_rows(database) == rows  # every row, every value
    assert schema_differences(database) == []

    outbox = Outbox(database, sealer)
    outbox.create_schema()  # what the action server does on first use: nothing more to change
    claimed = outbox.claim("entry-1", 60, now=dt.datetime(2026, 12, 1, 1))
    assert claimed.reference == "SP-AAAAA1" and claimed.request.phone == "07700900123"
    first = outbox.add(_a_callback_request(), "someone", "token")
    assert outbox.add(_a_callback_request(), "someone", "token") == first
    assert outbox.counts() == {"pending": 2, "tell_admin": 1}


def test_an_outbox_brought_forward_by_itself_is_then_left_as_it_is_by_0006(database):
    """The outbox's own create_schema makes 0006's change (for an outbox in a database of its own); where it ran
    first in the directory's database, the migration finds the column and index there and keeps the rows."""
    from referrals.sealing import Sealer, new_key
    from referrals.store import Outbox

    sealer = Sealer(new_key())
    rows = make_0005_outbox_with_rows(database, sealer)
    outbox = Outbox(database, sealer)
    outbox.create_schema()
    reference = outbox.add(_a_callback_request(), "someone", "token")
    assert outbox.add(_a_callback_request(), "someone", "token") == reference

    assert create_schema(database) == f"upgraded from {BEFORE_REQUEST_KEY}"
    assert schema_differences(database) == []
    kept = _outbox_rows(database)
    assert [row for row in kept if row["id"].startswith("entry-")] == rows and len(kept) == 3


def test_downgrading_0006_keeps_requests_still_to_send(database):
    from referrals.sealing import Sealer, new_key
    from referrals.store import Outbox

    sealer = Sealer(new_key())
    make_0005_outbox_with_rows(database, sealer)
    assert create_schema(database) == f"upgraded from {BEFORE_REQUEST_KEY}"
    outbox = Outbox(database, sealer)
    outbox.add(_a_callback_request(), "another", "token")
    outbox.delivered("entry-1")  # what is kept of a sent request: the code before 0006 would try to send it
    with database.begin() as connection:
        command.downgrade(alembic_config(connection), BEFORE_REQUEST_KEY)
    assert "request_key" not in {c["name"] for c in inspect(database).get_columns("referral_outbox")}
    assert sorted(row["state"] for row in _outbox_rows(database)) == ["pending", "tell_admin"]
