"""One incomplete place never costs a service: variants of the real fixtures (tests/knowledge/fixtures/
oruk1_full.json, the official HSDS 3.0 sample) with a location or address broken in the ways feeds break them.

What a texter needs from a service is how to reach it and whether it is near them: the service is kept with its
phones; a town with no postcode still places it ("im in Testtown"), a place that cannot be used is left out by name.
"""
from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import func, select

from knowledge.formats.ids import scope_for, scoped
from knowledge.formats.importer import import_hsds, read_hsds_file
from knowledge.formats.report import build_summary
from knowledge.hours.engine import LONDON
from knowledge.needs.catalogue import GENERAL
from knowledge.places.areas import AreaIndex
from knowledge.search.finder import find_services
from knowledge.store.db import session_scope
from knowledge.store.models import Address, Location, Phone, Schedule, Service

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SAMPLES = Path(__file__).resolve().parents[4] / "shared" / "directory-samples"
TODAY = dt.date(2026, 12, 1)
TUESDAY_11AM = dt.datetime(2026, 12, 1, 11, 0, tzinfo=LONDON)
SOURCE = "Sample feed"
SCOPE = scope_for(SOURCE)
FIRST = "b1f7c0de-0000-4000-8000-000000000001"


def oruk1_full() -> list:
    return read_hsds_file(FIXTURES / "oruk1_full.json")


def first_location(records: list) -> dict:
    return records[0]["service_at_locations"][0]["location"]


def first_address(records: list) -> dict:
    return first_location(records)["physical_addresses"][0]


def load(engine, records):
    with session_scope(engine) as session:
        return import_hsds(session, records, source=SOURCE, today=TODAY)


def messages(report) -> list:
    return [message for record, message in report.warnings if record == FIRST]


def test_an_address_with_no_postcode_is_kept_for_its_town_and_found_there(engine):
    records = oruk1_full()
    del first_address(records)["postal_code"]
    records[0]["service_areas"] = []  # so only the address can place the service in Testtown
    report = load(engine, records)
    assert report.rejected == [] and len(report.created) == 2
    assert messages(report) == ["address addr-1 has no postcode (postal_code); address kept without it"]
    with session_scope(engine) as session:
        address = session.scalars(select(Address)).one()
        assert (address.address_1, address.city, address.postal_code) == ("1 Example Street", "Testtown", "")
        area = AreaIndex.build(session, places=[]).resolve("testtown")
        result = find_services(session, need=GENERAL, area=area, now=TUESDAY_11AM)
        [match] = [m for m in result.local if m.service_id == scoped(SCOPE, FIRST)]
        assert match.address == "1 Example Street, Testtown"


def test_an_address_with_only_a_postcode_is_kept_for_its_district(engine):
    records = oruk1_full()
    address = first_address(records)
    del address["address_1"], address["city"]
    report = load(engine, records)
    assert report.rejected == []
    assert messages(report) == [
        "address addr-1 has no street (address_1) or town (city); address kept without it"]
    with session_scope(engine) as session:
        stored = session.scalars(select(Address)).one()
        assert (stored.address_1, stored.city, stored.postal_code) == ("", "", "ZZ9 9ZZ")


@pytest.mark.parametrize("town", [None, "Online", " nationwide "])
def test_an_address_with_no_town_or_postcode_is_left_out_and_the_service_kept(engine, town):
    """"Online" or "Nationwide" in the town is not a place: it would become a town people could name."""
    records = oruk1_full()
    address = first_address(records)
    del address["postal_code"]
    address["city"] = town
    report = load(engine, records)
    assert report.rejected == [] and len(report.created) == 2
    assert messages(report) == [
        "address addr-1 has no town or postcode, so it cannot place the service; address left out"]
    with session_scope(engine) as session:
        assert session.scalar(select(func.count()).select_from(Address)) == 0
        assert session.get(Location, scoped(SCOPE, "loc-1")).name == "Fictional Hub"


def test_a_null_location_leaves_out_that_place_keeps_the_service_and_its_phones(engine):
    """The fixture's only place carries the hours: without it the hours are not known, never partial."""
    records = oruk1_full()
    sal = records[0]["service_at_locations"][0]
    sal["location"] = None
    sal["phones"] = [{"id": "p-at-place", "number": "01632 960101"}]
    report = load(engine, records)
    assert report.rejected == [] and len(report.created) == 2
    found = messages(report)
    assert "service_at_location sal-1 has no location object; location left out" in found
    assert any("sal-1 has hours but no usable location" in m and "hours not known" in m for m in found)
    with session_scope(engine) as session:
        service = session.get(Service, scoped(SCOPE, FIRST))
        assert service.service_at_locations == [] and service.schedules == []
        assert sorted(p.number for p in service.phones) == ["01632 960100", "01632 960101", "07700 900100"]
        assert session.scalar(select(func.count()).select_from(Phone).where(Phone.location_id.is_not(None))) == 0


def test_a_location_with_an_unknown_type_is_left_out_and_the_other_place_kept(engine):
    records = oruk1_full()
    good = copy.deepcopy(records[0]["service_at_locations"][0])
    good["id"], good["location"]["id"], good["regular_schedules"], good["holiday_schedules"] = "sal-2", "loc-2", [], []
    records[0]["service_at_locations"][0]["regular_schedules"] = []
    records[0]["service_at_locations"][0]["holiday_schedules"] = []
    first_location(records)["location_type"] = "in person"
    records[0]["service_at_locations"].append(good)
    report = load(engine, records)
    assert report.rejected == []
    assert messages(report) == ["location loc-1 has an unknown location_type 'in person'; location left out"]
    with session_scope(engine) as session:
        service = session.get(Service, scoped(SCOPE, FIRST))
        assert [sal.location.id for sal in service.service_at_locations] == [scoped(SCOPE, "loc-2")]


def test_a_location_with_no_id_is_kept_under_the_same_made_up_id_every_import(engine):
    records = oruk1_full()
    del first_location(records)["id"]
    report = load(engine, records)
    stored_id = f"{scoped(SCOPE, FIRST)}#location-1"
    assert report.rejected == [] and messages(report) == [
        f"location at service_at_location sal-1 has no id; kept under the id {stored_id}"]
    again = load(engine, records)
    assert again.rejected == [] and len(again.updated) == 2
    with session_scope(engine) as session:
        [sal] = session.get(Service, scoped(SCOPE, FIRST)).service_at_locations
        assert sal.location.id == stored_id and sal.location.addresses[0].postal_code == "ZZ9 9ZZ"
        assert session.scalar(select(func.count()).select_from(Location)) == 1
        assert session.scalar(select(func.count()).select_from(Schedule)) > 0  # its hours stay with it


def test_the_official_hsds3_sample_with_a_bad_address_keeps_its_service(engine):
    data = read_hsds_file(SAMPLES / "hsds3-service-full.json")
    for address in data["service_at_locations"][0]["location"]["addresses"]:
        address.pop("postal_code", None)
        address.pop("city", None)
    report = load(engine, data)
    assert report.rejected == [] and len(report.created) == 1
    assert any("address left out" in message for _, message in report.warnings)


def test_the_report_says_what_signpost_does_about_each_place_left_out(engine):
    records = oruk1_full()
    records[1]["service_at_locations"] = [{"id": "sal-x", "location": None}]
    del first_address(records)["postal_code"]
    report = load(engine, records)
    summary = build_summary("oruk1_full.json", report, [], names={}, schema="none")
    actions = {row.problem: row.action for row in summary.rows}
    assert actions["service_at_location sal-x has no location object; location left out"].startswith(
        "Loaded without that place")
    assert "Its town still matches" in actions[
        "address addr-1 has no postcode (postal_code); address kept without it"]


def test_an_outpost_location_with_no_street_keeps_its_town_and_postcode(engine):
    """Buckinghamshire's page, with service 1's street blanked: its town and postcode still place it. Its
    "Nationwide" locations (services 7, 12, 17, 19) are Outpost's way to say "no place" and stay silent."""
    page = read_hsds_file(SAMPLES / "outpost-buckinghamshire-services-page.json")
    page["content"][0]["locations"][0]["address_1"] = " "
    report = load(engine, page)
    assert report.rejected == []
    address_warnings = [(record, m) for record, m in report.warnings if "address" in m]
    assert address_warnings == [("1", "address address-1 has no street (address_1); address kept without it")]
    with session_scope(engine) as session:
        [sal] = session.get(Service, scoped(SCOPE, "1")).service_at_locations
        stored = sal.location.addresses[0]
        assert (stored.address_1, stored.city, stored.postal_code) == ("", "Aylesbury", "HP21 7JF")
        assert session.get(Service, scoped(SCOPE, "7")).service_at_locations[0].location.addresses == []
