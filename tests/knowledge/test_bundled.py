"""The bundled directory data: only verified national facts, seed services as the seeds describe them, and a
gazetteer that covers every area the seed services name."""
from __future__ import annotations

import datetime as dt
import json
from collections import Counter

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from knowledge.bundled import generate
from knowledge.bundled.loader import LOCAL_SEEDS_FILE, NATIONAL_FILE, load_bundled, load_places
from knowledge.formats.importer import service_records
from knowledge.hours.engine import opening_status, schedule_from_hsds
from knowledge.quality.check import STALE, STALE_NO_CONTACT, TOLERATED_KINDS, check_directory
from knowledge.store.models import Service, ServiceArea

#: Every number helplines.md (re-checked 2026-12-01) marks VERIFIED (number, not necessarily hours), and nothing
#: else. Alcoholics Anonymous (0800 917 7650) and Al-Anon (0800 0086 811) became verified, though dated, then.
VERIFIED_NUMBERS = {
    "999", "111", "116 123", "85258", "0300 123 6600", "82111", "0300 123 1110", "0800 358 3456",
    "0800 1111", "0808 800 4444", "101", "0800 917 7650", "0800 0086 811",
}
#: Numbers helplines.md marks UNVERIFIED or stale: they must never be bundled. Addiction Family Support's
#: 0300 888 3853 stopped being verified on 2026-12-01.
UNVERIFIED_NUMBERS = {"0300 888 3853", "020 7407 0215", "020 7403 0888", "0300 999 1212"}
NEEDS = {"alcohol", "drugs", "family", "young-people", "criminal-justice", "housing", "peer-support", "harm-reduction",
         "naloxone", "mental-health", "crisis", "cut-down"}
SEED_AREAS = {"Cheltenham", "Gloucestershire", "Stroud", "Blackburn with Darwen", "Leicester", "Leicestershire", "Coventry"}


def _raw(path):
    return service_records(json.loads(path.read_text(encoding="utf-8")))


def _services(session, prefix):
    return session.scalars(
        select(Service)
        .where(Service.id.like(f"{prefix}%"))
        .options(selectinload(Service.phones), selectinload(Service.schedules), selectinload(Service.attributes))
        .order_by(Service.id)
    ).all()


def test_bundled_data_loads_cleanly_and_reloading_updates(bundled_session):
    national, seeds = _raw(NATIONAL_FILE), _raw(LOCAL_SEEDS_FILE)
    assert 15 <= len(seeds) <= 25
    report = load_bundled(bundled_session)
    assert report.rejected == [] and report.warnings == [] and report.created == []
    assert len(report.updated) == len(national) + len(seeds)


def test_national_services_carry_only_verified_facts(bundled_session):
    everything = _services(bundled_session, "national-")
    services = [s for s in everything if s.status == "active"]
    assert len(services) == 17
    numbers = {p.number for s in everything for p in s.phones}
    assert numbers == VERIFIED_NUMBERS
    assert not numbers & UNVERIFIED_NUMBERS
    for service in everything:
        assert service.is_national
        assert service.assured_date == dt.date(2026, 12, 1)
        assert "helplines.md, re-checked 2026-12-01" in service.source and "VERIFIED" in service.source
    # No longer verified: listed as inactive (so an older directory stops offering it) with nothing to show.
    [withdrawn] = [s for s in everything if s.status != "active"]
    assert (withdrawn.id, withdrawn.status, withdrawn.phones, withdrawn.schedules) == (
        "national-addiction-family-support", "inactive", [], [])
    assert withdrawn.source.startswith("UNVERIFIED since 2026-12-01")
    crisis = {s.id for s in services if s.is_crisis_line}
    assert crisis == {"national-999", "national-nhs-111", "national-samaritans", "national-shout"}
    by_id = {s.id: s for s in services}
    assert "mental-health option" in by_id["national-nhs-111"].description
    assert [p.type for p in by_id["national-shout"].phones] == ["text"]
    assert by_id["national-childline"].maximum_age == 18
    assert by_id["national-cgl-webchat"].minimum_age == 13
    # Hours only where verified.
    no_hours = {"national-nacoa", "national-childline", "national-shelter", "national-aa-phone", "national-al-anon",
                "national-smart-recovery", "national-cgl-webchat", "national-frank-text", "national-aa-chat"}
    assert {s.id for s in services if not s.schedules} == no_hours
    # Dated sources say so where people read them.
    assert "Older pages (2014 and 2022) give its hours as 10am to 10pm" in by_id["national-al-anon"].description
    assert "hours are not confirmed" in by_id["national-aa-phone"].description
    assert "2023 copy" in by_id["national-samaritans"].source and "4 Nov 2024" in by_id["national-shout"].source


def test_national_hours_read_right_at_night_and_at_weekends(bundled_session):
    by_id = {s.id: s for s in _services(bundled_session, "national-")}

    def status(service_id, when):
        rules = [schedule_from_hsds({"byday": r.byday, "opens_at": r.opens_at.strftime("%H:%M"),
                                     "closes_at": r.closes_at.strftime("%H:%M")}) for r in by_id[service_id].schedules]
        return opening_status(rules, when)

    two_am_sunday = dt.datetime(2026, 11, 29, 2, 0, tzinfo=dt.timezone.utc)
    for always_open in ("national-999", "national-nhs-111", "national-samaritans", "national-shout",
                        "national-frank", "national-police-101"):
        assert status(always_open, two_am_sunday).open_now, always_open
    assert not status("national-drinkline", two_am_sunday).open_now
    assert status("national-drinkline", dt.datetime(2026, 11, 29, 12, 0, tzinfo=dt.timezone.utc)).open_now
    assert not status("national-drinkline", dt.datetime(2026, 11, 29, 17, 0, tzinfo=dt.timezone.utc)).open_now
    assert status("national-drinkline", dt.datetime(2026, 11, 25, 19, 30, tzinfo=dt.timezone.utc)).open_now
    assert status("national-frank-chat", dt.datetime(2026, 11, 29, 15, 0, tzinfo=dt.timezone.utc)).open_now
    assert not status("national-frank-chat", dt.datetime(2026, 11, 29, 18, 30, tzinfo=dt.timezone.utc)).open_now


def test_seed_services_are_described_as_the_seeds_describe_them(bundled_session):
    services = _services(bundled_session, "seed-")
    for service in services:
        assert service.phones == [] and service.schedules == [] and service.service_at_locations == []
        assert not service.is_national and not service.is_crisis_line
        assert service.source.startswith("Seed document [") and ".txt" in service.source
        assert service.assured_date.year <= 2017
        assert service.url is None and service.email is None
        assert service.taxonomy_terms, service.id
    status = {s.id: s.status for s in services}
    assert status["seed-glos-turning-point"] == "defunct"
    assert status["seed-glos-people-and-places"] == "defunct"
    assert status["seed-glos-cgl"] == "active"
    areas = set(bundled_session.scalars(
        select(ServiceArea.name).join(Service).where(Service.id.like("seed-%"))))
    assert areas == SEED_AREAS
    dates = Counter(s.assured_date for s in services)
    assert set(dates) == {dt.date(2017, 1, 1), dt.date(2013, 1, 1), dt.date(2010, 1, 29), dt.date(2016, 10, 12)}


def test_every_service_is_tagged_from_the_local_need_taxonomy(bundled_session):
    services = _services(bundled_session, "")
    codes = {t.code for s in services for t in s.taxonomy_terms}
    assert codes <= NEEDS
    assert {t.taxonomy for s in services for t in s.taxonomy_terms} == {"signpost-needs"}


def test_bundled_national_data_passes_the_check_and_seeds_are_only_stale(bundled_session):
    problems = check_directory(bundled_session, max_age_days=365, today=dt.date(2026, 11, 25))
    assert [p for p in problems if p.service_id.startswith("national-")] == []
    # The seed records are old by design and show no contact facts, so `signpost kb check` tolerates them.
    assert problems and {p.kind for p in problems} == {STALE_NO_CONTACT} <= TOLERATED_KINDS
    # A year and a day after the research date, the national data is stale too: the check really looks.
    later = check_directory(bundled_session, max_age_days=365, today=dt.date(2027, 12, 2))
    assert "national-samaritans" in {p.service_id for p in later if p.kind == STALE}


def test_places_cover_every_area_the_seeds_name():
    places = {p.name: p for p in load_places()}
    assert places["Cheltenham"].county == "Gloucestershire"
    assert {"GL50", "GL51", "GL52", "GL53"} <= set(places["Cheltenham"].postcode_districts)
    assert places["Darwen"].county == "Blackburn with Darwen" and places["Darwen"].postcode_districts == ("BB3",)
    assert places["Leicester"].area_names == ("Leicester", "Leicestershire")
    assert places["Loughborough"].postcode_districts == ("LE11",)
    assert places["Coventry"].county == "Coventry"
    named = {name for p in places.values() for name in p.area_names}
    assert SEED_AREAS <= named
    districts = [d for p in places.values() for d in p.postcode_districts]
    assert len(districts) == len(set(districts)), "a postcode district is listed for two places"


def test_bundled_files_are_exactly_what_the_generator_writes():
    """The JSON is generated from knowledge/bundled/facts.py, never edited by hand."""
    assert generate.differing() == []
    assert generate.main(["--check"]) == 0


def test_generator_check_notices_a_hand_edit(tmp_path):
    for name, text in generate.rendered().items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    assert generate.differing(tmp_path) == []
    edited = (tmp_path / "national.json").read_text(encoding="utf-8").replace("116 123", "116 124")
    (tmp_path / "national.json").write_text(edited, encoding="utf-8")
    assert generate.differing(tmp_path) == ["national.json"]
