"""`signpost kb sync`: a live ORUK/HSDS API read whole, then written in one transaction, or not at all.

The API is a local server (tests/knowledge/feed_server.py) serving the real samples in
shared/directory-samples/ as paged ``/services`` and ``/services/{id}``, with faults injected per request.
"""
from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import or_, select

from knowledge.formats.exporter import export_hsds
from knowledge.formats.importer import import_hsds
from knowledge.store.db import create_schema, make_engine, session_scope
from knowledge.store.models import Service
from knowledge.sync.apply import EmptyFeedError
from knowledge.sync.client import ClientSettings, FeedClient, FeedError
from knowledge.sync.feed import read_feed
from knowledge.sync.runner import default_source, sync_directory
from knowledge.sync.schedule import ScheduledSync
from tests.knowledge.feed_server import Feed, FeedServer, page_body

PROJECT = Path(__file__).resolve().parents[2]
SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "directory-samples"

#: Fast and patient enough for a local server: short pauses so fault tests take a second, not minutes.
FAST = ClientSettings(timeout=0.5, retries=2, backoff=0.01, min_interval=0.0)


def sample(name: str):
    return json.loads((SAMPLES / name).read_text(encoding="utf-8-sig"))


@pytest.fixture(scope="module")
def bristol() -> list:
    return sample("oruk1-bristol-council-services.json")


@pytest.fixture(scope="module")
def clean(bristol) -> list:
    """Bristol records with a name and an id of their own (the feed's few broken ones are tested elsewhere)."""
    counts: dict = {}
    for record in bristol:
        counts[record.get("id")] = counts.get(record.get("id"), 0) + 1
    return [r for r in bristol if (r.get("name") or "").strip() and counts[r.get("id")] == 1]


@pytest.fixture
def server():
    feed_server = FeedServer(timeout_sleep=1.2).start()
    yield feed_server
    feed_server.stop()


def directory_snapshot(engine) -> list:
    with session_scope(engine) as session:
        return export_hsds(session)


def feed_id(stored_id: str) -> str:
    """A stored id without the feed's scope prefix (Bristol's ids hold no colon)."""
    return stored_id.rsplit(":", 1)[-1]


def status_of(engine, feed_id: str) -> str | None:
    """The status of the service the feed calls ``feed_id`` (stored under the feed's scope, if any)."""
    with session_scope(engine) as session:
        statuses = session.scalars(
            select(Service.status).where(or_(Service.id == feed_id, Service.id.like(f"%:{feed_id}")))
        ).all()
    assert len(statuses) <= 1, statuses
    return statuses[0] if statuses else None


# --- Reading a whole feed -----------------------------------------------------------------------------------------


def test_bristol_feed_is_read_page_by_page_and_each_shallow_service_in_full(server, bristol):
    server.add_feed("bristol", Feed(records=bristol, style="oruk1"))
    with FeedClient(FAST) as client:
        read = read_feed(client, server.url("bristol"), per_page=100)
        requests_made = client.requests_made
    assert read.pages == 9  # 819 services, 100 a page
    assert len(read.records) == len(bristol) == read.declared_total
    # Bristol's list records have no child arrays: each is fetched again from /services/{id}.
    assert read.details_fetched == len(bristol)
    assert requests_made == 9 + len(bristol)
    assert sum(1 for path in server.requests if "/services/" in path) == len(bristol)


def test_oruk3_and_hsds3_list_pages_are_completed_from_services_id(server):
    for name, page_file, full_file in (
        ("oruk3", "oruk3-service-list-page.json", "oruk3-service-full.json"),
        ("hsds3", "hsds3-service-list-page.json", "hsds3-service-full.json"),
    ):
        listed, full = sample(page_file)["contents"], sample(full_file)
        server.add_feed(name, Feed(records=listed, style="oruk3", details={full["id"]: full}))
        with FeedClient(FAST) as client:
            read = read_feed(client, server.url(name) + "/services")
        assert read.pages == 1 and read.details_fetched == 1
        assert read.records == [full], name  # the list's one-to-one fields replaced by the full record


def test_outpost_pages_with_nested_records_are_not_fetched_again(server):
    content = sample("outpost-buckinghamshire-services-page.json")["content"]
    server.add_feed("bucks", Feed(records=content, style="oruk1"))
    with FeedClient(FAST) as client:
        read = read_feed(client, server.url("bucks"), per_page=7)
    assert read.pages == 3 and read.details_fetched == 0
    assert [r["id"] for r in read.records] == [r["id"] for r in content]


def test_a_feed_counting_pages_from_zero_is_read_from_its_first_page(server, bristol):
    records = bristol[:30]

    server.add_feed("zero", Feed(records=records, style="oruk1"))
    original = server._httpd.RequestHandlerClass.do_GET

    def zero_based(handler):  # page=N on this server means the (N+1)th page, Spring's default
        if "/zero/services?" in handler.path:
            number = int(handler.path.split("page=")[1].split("&")[0])
            handler.path = handler.path.replace(f"page={number}", f"page={number + 1}", 1)
        return original(handler)

    server._httpd.RequestHandlerClass.do_GET = zero_based
    with FeedClient(FAST) as client:
        read = read_feed(client, server.url("zero"), per_page=10, details="never")
    assert [r["id"] for r in read.records] == [r["id"] for r in records]


@pytest.mark.parametrize("style", ["oruk1", "oruk3"])
@pytest.mark.parametrize("ends_by", ["pages", "items"])
@pytest.mark.parametrize("count", [30, 27])  # the last page full, and part full
def test_a_feed_with_no_last_flag_is_read_to_its_end_by_its_page_or_item_count(server, bristol, style, ends_by,
                                                                                count):
    """Pages that say only how many pages there are (or only how many services), never which page is the last:
    every record is read, and no page past the end is asked for (this server answers one with a 404)."""
    records = bristol[:count]
    server.add_feed("counted", Feed(records=records, style=style, ends_by=ends_by))
    body = page_body(server.feeds["counted"], 1, 10)
    assert not {"last", "last_page"} & body.keys()  # what this test is about: no flag to stop on
    assert ("totalPages" in body or "total_pages" in body) == (ends_by == "pages")
    with FeedClient(FAST) as client:
        read = read_feed(client, server.url("counted"), per_page=10, details="never")
    assert [r["id"] for r in read.records] == [r["id"] for r in records]
    assert read.pages == 3 and len(server.requests) == 3


# --- Politeness ---------------------------------------------------------------------------------------------------


def test_requests_are_spaced_and_retries_back_off(server, bristol):
    server.add_feed("bristol", Feed(records=bristol[:20], style="oruk1"))
    server.fail("bristol", page=2, kind="500", times=2)
    pauses: list[float] = []
    settings = ClientSettings(timeout=2, retries=3, backoff=0.05, min_interval=0.02)
    with FeedClient(settings, sleep=lambda s: (pauses.append(round(s, 3)), __import__("time").sleep(s))) as client:
        read = read_feed(client, server.url("bristol"), per_page=10, details="never")
    assert len(read.records) == 20
    backoffs = [p for p in pauses if p >= 0.05]
    assert backoffs == [0.05, 0.1]  # doubling after each server error on page 2
    assert all(0 < p <= 0.02 for p in pauses if p < 0.05)  # the rate limit kept the other requests apart


# --- Writing: added, changed, withdrawn -------------------------------------------------------------------------


def test_sync_writes_what_a_file_import_of_the_same_records_writes(server, bristol, tmp_path):
    server.add_feed("bristol", Feed(records=bristol, style="oruk1"))
    synced = make_engine(f"sqlite:///{tmp_path / 'synced.db'}")
    imported = make_engine(f"sqlite:///{tmp_path / 'imported.db'}")
    for engine in (synced, imported):
        create_schema(engine)
    outcome = sync_directory(synced, server.url("bristol"), settings=FAST, source="Bristol feed")
    # What /services/{id} answers for each listed record (for an id listed twice, the first record with it).
    first_with_id: dict = {}
    for record in bristol:
        first_with_id.setdefault(str(record.get("id")), record)
    as_served = [first_with_id[str(record.get("id"))] for record in bristol]
    with session_scope(imported) as session:
        report = import_hsds(session, copy.deepcopy(as_served), source="Bristol feed")
    assert sorted(outcome.summary.added) == sorted(feed_id(i) for i in report.created) and report.created
    assert outcome.summary.rejected == report.rejected
    assert outcome.summary.changed == [] and outcome.summary.withdrawn == []
    strip = lambda services: [{k: v for k, v in s.items() if k != "last_modified"} for s in services]  # noqa: E731
    assert strip(directory_snapshot(synced)) == strip(directory_snapshot(imported))

    again = sync_directory(synced, server.url("bristol"), settings=FAST, source="Bristol feed")
    assert again.summary.added == again.summary.changed == again.summary.withdrawn == []
    assert sorted(again.summary.unchanged) == sorted(feed_id(i) for i in report.created)
    for engine in (synced, imported):
        engine.dispose()


def test_services_gone_from_the_feed_are_withdrawn_not_deleted_and_come_back(server, clean, engine):
    records = copy.deepcopy(clean[:40])
    server.add_feed("council", Feed(records=records, style="oruk1"))
    first = sync_directory(engine, server.url("council"), settings=FAST)
    assert len(first.summary.added) == 40

    gone = [records.pop(5), records.pop(10)]
    records[0]["description"] = "Now also open on Saturday mornings."
    second = sync_directory(engine, server.url("council"), settings=FAST)
    assert sorted(second.summary.withdrawn) == sorted(str(r["id"]) for r in gone)
    assert second.summary.changed == [str(records[0]["id"])]
    assert len(second.summary.unchanged) == 37 and second.summary.added == []
    assert [status_of(engine, str(r["id"])) for r in gone] == ["inactive", "inactive"]
    with session_scope(engine) as session:
        assert session.query(Service).filter(Service.source == default_source(server.url("council"))).count() == 40

    records.append(gone[0])
    third = sync_directory(engine, server.url("council"), settings=FAST)
    assert third.summary.changed == [str(gone[0]["id"])]  # listed again: active again
    assert status_of(engine, str(gone[0]["id"])) == "active"
    assert third.summary.withdrawn == []  # the other one stays withdrawn, not withdrawn twice


def test_other_sources_are_never_withdrawn(server, bristol, sqlite_engine):
    with session_scope(sqlite_engine) as session:
        import_hsds(session, copy.deepcopy(bristol[100:103]), source="A file the council imported")
    server.add_feed("council", Feed(records=bristol[:5], style="oruk1"))
    outcome = sync_directory(sqlite_engine, server.url("council"), settings=FAST)
    assert outcome.summary.withdrawn == []
    assert {status_of(sqlite_engine, str(r["id"])) for r in bristol[100:103]} == {"active"}


def test_an_empty_feed_changes_nothing(server, bristol, sqlite_engine):
    server.add_feed("council", Feed(records=bristol[:5], style="oruk1"))
    sync_directory(sqlite_engine, server.url("council"), settings=FAST)
    before = directory_snapshot(sqlite_engine)
    server.feeds["council"].records = []
    with pytest.raises(EmptyFeedError, match="listed no services"):
        sync_directory(sqlite_engine, server.url("council"), settings=FAST)
    assert directory_snapshot(sqlite_engine) == before


# --- Faults: each leaves the directory as it was and says what happened --------------------------------------------

FAULT_CASES = {
    "500s on a page": (dict(page=3, kind="500", times=3), r"page 3 of the service list: the server answered HTTP 500 \(tried 3 times\)"),
    "timeouts": (dict(page=2, kind="timeout", times=3), r"page 2 of the service list: no answer within 0\.5 seconds"),
    "truncated JSON": (dict(service="__third__", kind="truncated", times=3), r"service .+: the answer is not complete JSON"),
    "a page that vanishes": (dict(page=4, kind="vanish"), r"page 4 .*not found \(HTTP 404\).*said it had 4 pages, so it changed"),
}


@pytest.mark.parametrize("case", FAULT_CASES, ids=list(FAULT_CASES))
def test_a_failed_sync_changes_nothing_and_says_why(server, bristol, engine, case):
    fault, message = FAULT_CASES[case]
    records = copy.deepcopy(bristol[:40])
    server.add_feed("council", Feed(records=records, style="oruk1"))
    sync_directory(engine, server.url("council"), settings=FAST, per_page=10)
    before = directory_snapshot(engine)

    # The council's next version: one service changed, one gone, one new; then the read fails.
    records[0]["description"] = "Changed in the feed that fails."
    records.pop(1)
    records.append(copy.deepcopy(bristol[50]))
    fault = dict(fault)
    if fault.get("service") == "__third__":
        fault["service"] = str(records[2]["id"])
    server.fail("council", **fault)
    with pytest.raises(FeedError, match=message):
        sync_directory(engine, server.url("council"), settings=FAST, per_page=10)
    assert directory_snapshot(engine) == before


def test_a_feed_that_shrinks_while_being_read_changes_nothing(server, bristol, sqlite_engine):
    records = copy.deepcopy(bristol[:40])
    feed = Feed(records=records, style="oruk3")
    server.add_feed("council", feed)
    sync_directory(sqlite_engine, server.url("council"), settings=FAST, per_page=10)
    before = directory_snapshot(sqlite_engine)

    def drop_ten_after_page_one(number: int) -> None:
        if number == 1:
            del feed.records[25:]  # pages 3 and 4 are gone by the time we ask for them

    feed.after_page = drop_ten_after_page_one
    with pytest.raises(FeedError, match="changed while it was being read"):
        sync_directory(sqlite_engine, server.url("council"), settings=FAST, per_page=10)
    assert directory_snapshot(sqlite_engine) == before


def test_a_server_error_that_passes_is_retried_and_the_sync_completes(server, bristol, sqlite_engine):
    server.add_feed("council", Feed(records=bristol[:30], style="oruk1"))
    server.fail("council", page=2, kind="500", times=2)
    server.fail("council", service=str(bristol[7]["id"]), kind="truncated", times=1)
    outcome = sync_directory(sqlite_engine, server.url("council"), settings=FAST, per_page=10)
    assert len(outcome.summary.added) + len(outcome.summary.rejected) == 30
    assert outcome.requests == 3 + 30 + 3  # 3 pages, 30 services, 3 retries


# --- The command ----------------------------------------------------------------------------------------------------


def run_cli(*args: str, database: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, SIGNPOST_DATABASE_URL=f"sqlite:///{database}")
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", "kb", "sync", *args], cwd=PROJECT, env=env,
        capture_output=True, text=True, timeout=120,
    )


def test_kb_sync_command_prints_a_summary_and_fails_safely(server, bristol, tmp_path):
    records = copy.deepcopy(bristol[:25])  # Bristol's first record has no name: the summary names it
    assert not (records[0].get("name") or "").strip()
    server.add_feed("council", Feed(records=records, style="oruk1"))
    database = tmp_path / "directory.db"
    done = run_cli(server.url("council"), "--rate", "1000", "--source", "Anytown feed", database=database)
    assert done.returncode == 1, done.stderr  # a rejected record is a problem to act on
    assert "24 added, 0 changed, 0 unchanged, 0 withdrawn, 1 rejected" in done.stdout
    assert f"rejected {records[0]['id']}:" in done.stdout
    assert "services in full" in done.stderr  # the progress bar

    withdrawn = records.pop(1)
    server.fail("council", page=1, kind="500", times=10)
    failed = run_cli(server.url("council"), "--rate", "1000", "--retries", "1", "--no-progress",
                     "--source", "Anytown feed", database=database)
    assert failed.returncode == 3
    assert "Sync failed, nothing was changed: page 1 of the service list: the server answered HTTP 500" in failed.stderr
    engine = make_engine(f"sqlite:///{database}")
    assert status_of(engine, str(withdrawn["id"])) == "active"

    server.faults.clear()
    again = run_cli(server.url("council"), "--rate", "1000", "--no-progress", "--source", "Anytown feed",
                    database=database)
    assert "0 added, 0 changed, 23 unchanged, 1 withdrawn, 1 rejected" in again.stdout
    assert f"withdrawn (no longer in the feed, now inactive): {withdrawn['id']}" in again.stdout
    assert status_of(engine, str(withdrawn["id"])) == "inactive"
    engine.dispose()


# --- On a schedule, seen by the running assistant without a restart ---------------------------------------------


def with_a_place(record: dict, town: str, postcode: str) -> dict:
    """A copy of a real ORUK 1.0 record, now delivered at a (fictional) town's community hub."""
    placed = copy.deepcopy(record)
    placed["service_at_locations"] = [{"id": f"sal-{town}", "location": {
        "id": f"loc-{town}", "name": f"{town} Community Hub",
        "physical_addresses": [{"id": f"adr-{town}", "address_1": "1 Market Street", "city": town,
                                "postal_code": postcode}],
    }}]
    return placed


def test_a_scheduled_sync_reaches_the_assistant_without_a_restart(server, clean, tmp_path, monkeypatch):
    from actions import directory

    url = f"sqlite:///{tmp_path / 'directory.db'}"
    create_schema(make_engine(url))
    monkeypatch.setenv("SIGNPOST_DATABASE_URL", url)
    monkeypatch.setattr(directory, "RECHECK_SECONDS", 0.0)  # check the fingerprint every turn, for a short test
    directory.reset()
    records = copy.deepcopy(clean[:5])
    server.add_feed("council", Feed(records=records, style="oruk1"))
    schedule = ScheduledSync(lambda: make_engine(url), server.url("council"), interval=0.2, settings=FAST)
    schedule.start()
    try:
        assert schedule.wait_for_runs(1, timeout=30) and schedule.last_error is None
        with directory.directory_session() as session:
            assert directory.area_index(session).get("Dunmere") is None
        builds = directory.index_builds()
        for _ in range(3):  # the directory has not changed: every turn reuses the same index
            with directory.directory_session() as session:
                directory.area_index(session)
        assert directory.index_builds() == builds

        records.append(with_a_place(clean[10], "Dunmere", "ZZ9 1AA"))
        assert schedule.wait_for_runs(schedule.runs + 2, timeout=30)  # one whole run after the change
        with directory.directory_session() as session:
            area = directory.area_index(session).resolve("im in dunmere")
            assert area is not None and area.name == "Dunmere"
        assert directory.index_builds() == builds + 1

        server.fail("council", page=1, kind="500", times=1000)
        failures = schedule.failures
        assert schedule.wait_for_runs(schedule.runs + 2, timeout=30)
        assert schedule.failures > failures and "HTTP 500" in schedule.last_error
        assert status_of(make_engine(url), str(clean[10]["id"])) == "active"  # the last good directory stays
    finally:
        schedule.stop()
        directory.reset()
    assert not schedule._thread.is_alive()


def test_schedule_settings(monkeypatch):
    from bot import settings
    from bot.sync_scheduler import start_scheduled_sync

    monkeypatch.delenv("SIGNPOST_SYNC_URL", raising=False)
    monkeypatch.delenv("SIGNPOST_SYNC_INTERVAL_MINUTES", raising=False)
    assert start_scheduled_sync() is None  # no URL: no sync
    assert settings.sync_interval_minutes() == 360
    monkeypatch.setenv("SIGNPOST_SYNC_INTERVAL_MINUTES", "30")
    assert settings.sync_interval_minutes() == 30
    for bad in ("often", "1", "-5"):
        monkeypatch.setenv("SIGNPOST_SYNC_INTERVAL_MINUTES", bad)
        with pytest.raises(ValueError, match="SIGNPOST_SYNC_INTERVAL_MINUTES"):
            settings.sync_interval_minutes()


def test_signpost_run_with_a_sync_url_syncs_the_directory_at_start(server, clean, tmp_path, monkeypatch, capsys):
    """What `signpost run` calls (bot/cli/serve.py) with SIGNPOST_SYNC_URL set: a sync of the configured directory
    from that feed starts at once, under SIGNPOST_SYNC_SOURCE, at the interval set, and stops when asked."""
    import logging

    from bot.sync_scheduler import start_scheduled_sync

    url = f"sqlite:///{tmp_path / 'directory.db'}"
    create_schema(make_engine(url))
    server.add_feed("council", Feed(records=copy.deepcopy(clean[:5]), style="oruk1"))
    monkeypatch.setenv("SIGNPOST_DATABASE_URL", url)
    monkeypatch.setenv("SIGNPOST_SYNC_URL", server.url("council"))
    monkeypatch.setenv("SIGNPOST_SYNC_INTERVAL_MINUTES", "30")
    monkeypatch.setenv("SIGNPOST_SYNC_SOURCE", "Anytown Council service directory")
    sync_logger = logging.getLogger("knowledge.sync")
    handlers, level = list(sync_logger.handlers), sync_logger.level
    schedule = start_scheduled_sync()
    try:
        assert schedule is not None and schedule.interval == 30 * 60
        assert schedule.wait_for_runs(1, timeout=60) and schedule.last_error is None
        assert sorted(schedule.last_outcome.summary.added) == sorted(str(r["id"]) for r in clean[:5])
        assert f"Syncing the directory from {server.url('council')} now and every 30 minutes." in (
            capsys.readouterr().out)
        with session_scope(make_engine(url)) as session:
            sources = session.scalars(select(Service.source)).all()
        assert sources == ["Anytown Council service directory"] * 5
    finally:
        if schedule is not None:
            schedule.stop(timeout=5)
        sync_logger.handlers[:] = handlers  # the handler it added writes to pytest's captured stderr
        sync_logger.setLevel(level)
    assert schedule.runs == 1 and not schedule._thread.is_alive()


def test_a_failure_after_the_records_are_written_rolls_all_of_them_back(clean, engine):
    """The importer takes a savepoint per record; on SQLite those must not commit on their own (db.py)."""
    class LateFailure(Exception):
        pass

    with pytest.raises(LateFailure):
        with session_scope(engine) as session:
            report = import_hsds(session, copy.deepcopy(clean[:20]), source="A feed that fails late")
            assert len(report.created) == 20
            raise LateFailure()
    with session_scope(engine) as session:
        assert session.query(Service).count() == 0


def test_the_action_server_checks_the_directory_at_most_once_a_second(clean, tmp_path, monkeypatch):
    from actions import directory

    url = f"sqlite:///{tmp_path / 'directory.db'}"
    engine = make_engine(url)
    create_schema(engine)
    monkeypatch.setenv("SIGNPOST_DATABASE_URL", url)
    directory.reset()
    try:
        with directory.directory_session() as session:
            first = directory.area_index(session)
        with session_scope(engine) as session:
            import_hsds(session, [with_a_place(clean[3], "Dunmere", "ZZ9 1AA")], source="Anytown feed")
        with directory.directory_session() as session:  # within the second: the same index, no queries
            assert directory.area_index(session) is first
        import time

        time.sleep(directory.RECHECK_SECONDS + 0.1)
        with directory.directory_session() as session:
            assert directory.area_index(session).get("Dunmere") is not None
        assert directory.index_builds() == 2
    finally:
        directory.reset()
        engine.dispose()


@pytest.mark.parametrize("name, page_file, full_file, style", [
    ("oruk3", "oruk3-service-list-page.json", "oruk3-service-full.json", "oruk3"),
    ("hsds3", "hsds3-service-list-page.json", "hsds3-service-full.json", "oruk3"),
    ("outpost", "outpost-buckinghamshire-services-page.json", None, "oruk1"),
])
def test_each_api_shape_syncs_as_a_file_import_of_the_same_records_would(server, sqlite_engine, tmp_path,
                                                                        name, page_file, full_file, style):
    page = sample(page_file)
    listed = page.get("contents", page.get("content"))
    details = {}
    if full_file:
        full = sample(full_file)
        details = {full["id"]: full}
    server.add_feed(name, Feed(records=listed, style=style, details=details))
    outcome = sync_directory(sqlite_engine, server.url(name), settings=FAST, source=f"{name} feed", per_page=7)
    expected = [details.get(str(r["id"]), r) for r in listed]
    imported = make_engine(f"sqlite:///{tmp_path / 'imported.db'}")
    create_schema(imported)
    with session_scope(imported) as session:
        report = import_hsds(session, copy.deepcopy(expected), source=f"{name} feed")
    assert sorted(outcome.summary.added) == sorted(feed_id(i) for i in report.created) and report.created
    assert outcome.summary.rejected == report.rejected
    assert content(directory_snapshot(sqlite_engine)) == content(directory_snapshot(imported))
    imported.dispose()


def content(value, top: bool = True):
    """An export without timestamps and without the ids generated for nested objects a feed gave none."""
    if isinstance(value, list):
        return [content(item, top) for item in value]
    if isinstance(value, dict):
        return {k: content(v, False) for k, v in value.items()
                if k != "last_modified" and (top or k != "id" or not _generated(v))}
    return value


def _generated(value) -> bool:
    import re

    return isinstance(value, str) and bool(re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}", value))


def test_an_api_without_services_id_is_named_with_what_to_do(server, clean, sqlite_engine):
    server.add_feed("listonly", Feed(records=clean[:3], style="oruk1"))
    server.fail("listonly", service=str(clean[0]["id"]), kind="vanish")
    with pytest.raises(FeedError, match=r"not found \(HTTP 404\).*sync with --details never"):
        sync_directory(sqlite_engine, server.url("listonly"), settings=FAST)
    outcome = sync_directory(sqlite_engine, server.url("listonly"), settings=FAST, details="never")
    assert len(outcome.summary.added) == 3 and outcome.read.details_fetched == 0
