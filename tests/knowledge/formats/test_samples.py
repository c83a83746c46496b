"""Every real and official sample in ``shared/directory-samples`` loads as it is (variants are derived here, the
files are never edited), with only truly broken records named and nothing of a rejected record written."""
from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from knowledge.formats.exporter import export_hsds
from knowledge.formats.fields import PROSE_FIELDS
from knowledge.formats.ids import scope_for, scoped
from knowledge.formats.importer import import_hsds, read_hsds_file
from knowledge.store.db import session_scope
from knowledge.store.models import (
    Attribute,
    Base,
    CostOption,
    HolidaySchedule,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
)

SAMPLES = Path(__file__).resolve().parents[4] / "shared" / "directory-samples"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
TODAY = dt.date(2026, 12, 1)
SOURCE = "Sample feed"
SCOPE = scope_for(SOURCE)

_WEEK = "MO,TU,WE,TH,FR,SA,SU"
_BEFORE, _BETWEEN, _AFTER = (dt.date.min, dt.date(2026, 12, 24)), (dt.date(2026, 12, 29), dt.date(2026, 12, 30)), (
    dt.date(2027, 1, 1), dt.date.max)
#: oruk1_full.json's location schedules after its holidays: closed 25-28 December, 10am-2pm on 31 December.
EXPECTED_ROWS = sorted(
    [(day, dt.time(9), *span) for day in ("MO", "TU,WE,TH,FR") for span in (_BEFORE, _BETWEEN, _AFTER)]
    + [("SA", dt.time(10), *span) for span in (_BEFORE, _BETWEEN, _AFTER)]
    + [(_WEEK, dt.time(10), dt.date(2026, 12, 31), dt.date(2026, 12, 31))]
)


def sample(name: str):
    return read_hsds_file(SAMPLES / name)


def load(session, data, **kwargs):
    return import_hsds(session, data, source=SOURCE, today=TODAY, **kwargs)


def all_stored_text(session) -> list[str]:
    texts = []
    for service in session.scalars(select(Service)):
        texts += [service.name, service.description, service.eligibility_description or "",
                  service.fees_description or "", service.alert or ""]
        if service.organization is not None:
            texts += [service.organization.name, service.organization.description]
    return texts


# ---- HSDS 3.0 / ORUK 3.0 official examples ------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["hsds3-service-full.json", "hsds3-organization-full.json"])
def test_hsds3_full_examples_load_with_shared_nested_objects_kept_once(engine, name):
    with session_scope(engine) as session:
        report = load(session, sample(name))
    stored = scoped(SCOPE, "ac148810-d857-441c-9679-408f346de14b")
    assert report.created == [stored] and report.rejected == []
    messages = [message for _, message in report.warnings]
    # The one schedule uses count/byweekno/byyearday: named once, and the service shows "hours not known".
    assert sum("uses count" in m and "hours not known" in m for m in messages) == 1
    with session_scope(engine) as session:
        service = session.get(Service, stored)
        # The same phone nested under the service, its location and its contacts is one phone.
        assert session.scalar(select(func.count()).select_from(Phone)) == 1
        assert service.schedules == [] and all(sal.schedules == [] for sal in service.service_at_locations)
        assert service.organization.name == "Example Organization Inc."
        assert [sal.location.addresses[0].postal_code for sal in service.service_at_locations] == ["ABC 1234"]
        assert [(lang.name, lang.code) for lang in service.languages] == [("Urdu", "ur")]
        assert session.scalar(select(func.count()).select_from(CostOption)) == 1
        assert len(service.attributes) == 1


def test_oruk3_full_example_drops_a_weekly_rule_with_month_days_by_name(engine):
    with session_scope(engine) as session:
        report = load(session, sample("oruk3-service-full.json"))
    assert len(report.created) == 1 and report.rejected == []
    assert any("schedule 48102e86-bb50-41c4-8f1e-e269368c41d1" in m and "bymonthday need freq MONTHLY" in m
               for _, m in report.warnings)
    with session_scope(engine) as session:
        assert session.scalar(select(func.count()).select_from(Schedule)) == 0
        assert session.scalar(select(func.count()).select_from(ServiceAtLocation)) == 1


@pytest.mark.parametrize("name", ["hsds3-service-list-page.json", "oruk3-service-list-page.json"])
def test_list_pages_load_and_say_they_are_one_page_of_ten(engine, name):
    with session_scope(engine) as session:
        report = load(session, sample(name))
    assert len(report.created) == 1 and report.rejected == [] and report.warnings == []
    assert any("page 1 of 10" in note for note in report.notes)


def test_organization_full_attaches_the_organisation_to_its_nested_services(engine):
    data = sample("hsds3-organization-full.json")
    second = copy.deepcopy(data["services"][0])
    second["id"] = "a-second-service"
    second.pop("organization", None)
    data["services"].append(second)
    with session_scope(engine) as session:
        report = load(session, data)
    assert len(report.created) == 2 and any("organisation 'Example Organization Inc.'" in n for n in report.notes)
    with session_scope(engine) as session:
        assert session.get(Service, scoped(SCOPE, "a-second-service")).organization.id == scoped(
            SCOPE, "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610")


def test_organization_full_gives_a_service_with_no_phone_or_location_the_organisations(engine):
    """The official sample's service, once as it is and once with no phones, contacts or locations of its own:
    the bare one gets the organisation's phone and its location (with the address); the other keeps its own."""
    data = sample("hsds3-organization-full.json")
    bare = copy.deepcopy(data["services"][0])
    bare.update(id="a-bare-service", phones=[], contacts=[], service_at_locations=[])
    own_phone = copy.deepcopy(bare)
    own_phone.update(id="a-service-with-its-own-phone", phones=[{"id": "own", "number": "01632 960123"}])
    data["services"] += [bare, own_phone]
    with session_scope(engine) as session:
        report = load(session, data)
    assert len(report.created) == 3 and report.rejected == []
    assert any("1 with no phone of their own were given the organisation's phone numbers" in note
               and "2 with no location of their own were given the organisation's locations" in note
               for note in report.notes)
    with session_scope(engine) as session:
        service = session.get(Service, scoped(SCOPE, "a-bare-service"))
        assert [phone.number for phone in service.phones] == [data["phones"][0]["number"]]  # as the sample has it
        assert [(sal.location.name, sal.location.addresses[0].postal_code)
                for sal in service.service_at_locations] == [("MyCity Civic Center", "ABC 1234")]
        own = session.get(Service, scoped(SCOPE, "a-service-with-its-own-phone"))
        # Its own phone first; the organisation's location brings that location's phone with it.
        assert [(phone.number, phone.location_id is not None) for phone in own.phones] == [
            ("01632 960123", False), (data["phones"][0]["number"], True)]
        assert [sal.location.name for sal in own.service_at_locations] == ["MyCity Civic Center"]
        original = session.get(Service, scoped(SCOPE, "ac148810-d857-441c-9679-408f346de14b"))
        assert len(original.phones) == 1 and len(original.service_at_locations) == 1


def test_a_monthly_schedule_with_month_days_is_kept(engine):
    data = sample("hsds3-service-full.json")
    data["schedules"] = [{"id": "monthly", "freq": "MONTHLY", "bymonthday": "1,15", "opens_at": "10:00",
                          "closes_at": "12:00"}]
    data["service_at_locations"][0]["schedules"] = []
    data["service_at_locations"][0]["location"]["schedules"] = []
    with session_scope(engine) as session:
        report = load(session, data)
    assert not any("schedule" in m for _, m in report.warnings)
    with session_scope(engine) as session:
        row = session.scalars(select(Schedule)).one()
        assert (row.freq, row.bymonthday, row.byday) == ("MONTHLY", "1,15", None)


def test_validator_test_list_keeps_one_copy_of_its_repeated_id_and_says_which(engine):
    with session_scope(engine) as session:
        report = load(session, sample("oruk3-validator-test-service-list.json"))
    assert report.created == [scoped(SCOPE, "ac148810-d857-441c-9679-408f346de14b")] and report.rejected == []
    [(record_id, message)] = [w for w in report.warnings if "appears" in w[1]]
    assert record_id == "ac148810-d857-441c-9679-408f346de14b"
    assert message.startswith("id appears 128 times in the file: kept record #") and "and 122 more" in message


# ---- ORUK 1.0 -------------------------------------------------------------------------------------------------------


def test_bristol_loads_with_no_html_left_and_only_the_nameless_record_rejected(sqlite_engine):
    with session_scope(sqlite_engine) as session:
        report = load(session, sample("oruk1-bristol-council-services.json"))
    assert report.format == "ORUK 1.0"
    assert report.rejected == [("def5ccd4-f121-df4d-60d2-4dc0d69ff555", "missing name")]
    assert len(report.created) == 817  # 819 records: one nameless, one second copy of an id
    [duplicate] = [m for _, m in report.warnings if "appears" in m]
    assert duplicate == "id appears 2 times in the file: kept record #810 (changed most recently), left out #373"
    assert any("pc_targetAudience" in note for note in report.notes)
    with session_scope(sqlite_engine) as session:
        texts = all_stored_text(session)
        assert not [t for t in texts if "<p>" in t or "&amp;" in t or "&nbsp;" in t or "<br" in t]
        symes = session.scalars(select(Service).where(Service.name == "@symes Community Building")).one()
        assert "Facilities\n\n- FREE Wi-Fi\n- Lift\n" in symes.description
        # Plain text (no tags) with an "&" keeps its line breaks: it is not read as HTML.
        al_anon = session.get(Organization, scoped(SCOPE, "d907b110-5d67-4468-a7e6-6e4a266b3a00"))
        assert "UK & Eire" in al_anon.description and "drinking.\nOur members" in al_anon.description
        assert symes.organization.website == "http://hwcp.org.uk/"
        # attending type and access are kept as attributes, not dropped.
        kept = {(a.taxonomy_term.taxonomy, a.taxonomy_term.name) for a in session.scalars(select(Attribute))}
        assert ("ORUK attending access", "Drop-in") in kept and ("ORUK attending type", "Venue") in kept


def test_bristol_variant_rejects_only_broken_records_and_writes_nothing_of_them(sqlite_engine):
    data = sample("oruk1-bristol-council-services.json")[:20]
    data[3] = {**data[3], "status": "open"}
    data[5] = {**data[5], "organization": {"id": "ghost-org", "name": "Ghost"}, "eligibilitys": [
        {"id": "e", "minimum_age": 40, "maximum_age": 20}], "id": data[5]["id"]}
    data[5] = {**data[5], "minimum_age": 40, "maximum_age": 20}
    with session_scope(sqlite_engine) as session:
        report = load(session, data)
    assert {record_id for record_id, _ in report.rejected} == {data[0]["id"], data[3]["id"], data[5]["id"]}
    with session_scope(sqlite_engine) as session:
        assert session.get(Organization, scoped(SCOPE, "ghost-org")) is None
        assert session.scalar(select(func.count()).select_from(Service)) == 17


def test_full_oruk1_keeps_contact_phones_location_schedules_and_the_rest(engine):
    with session_scope(engine) as session:
        report = load(session, read_hsds_file(FIXTURES / "oruk1_full.json"))
    assert len(report.created) == 2 and report.rejected == [] and report.warnings == []
    first = scoped(SCOPE, "b1f7c0de-0000-4000-8000-000000000001")
    with session_scope(engine) as session:
        service = session.get(Service, first)
        assert service.description == "Free, confidential help with alcohol & drugs.\n\n- Drop-in\n- One-to-one support"
        # Phones under contacts are the service's phones; the same phone under two contacts is one.
        assert [(p.number, p.description) for p in service.phones] == [
            ("01632 960100", "Duty line"), ("07700 900100", "Duty line")]
        [sal] = service.service_at_locations
        assert sal.location.addresses[0].postal_code == "ZZ9 9ZZ"
        rows = sorted((s.byday, s.opens_at, s.valid_from or dt.date.min, s.valid_to or dt.date.max)
                      for s in sal.schedules)
        # Location schedules kept (weekday name, byday and weekday number), the Christmas closure applied and
        # New Year's Eve's own hours in place of the usual ones.
        assert rows == EXPECTED_ROWS
        assert (service.minimum_age, service.maximum_age, service.eligibility_description) == (
            18, 120, "Adults who drink or use drugs")
        assert service.fees_description == "Free"
        assert [lang.name for lang in sorted(service.languages, key=lambda lang: lang.name)] == ["English", "Polish"]
        assert [(c.option, c.amount) for c in service.cost_options] == [("Everything", 0)]
        assert service.organization.website == "https://example.org/"
        assert {t.name for t in service.taxonomy_terms} == {"Substance misuse", "Venue", "Drop-in", "Advice"}
        second = session.get(Service, scoped(SCOPE, "b1f7c0de-0000-4000-8000-000000000002"))
        assert (second.minimum_age, second.maximum_age) == (0, 25)
        assert [(s.byday, s.opens_at) for s in second.schedules] == [("WE", dt.time(18))]
        assert {t.name for t in second.taxonomy_terms} == {"Families"}


def test_full_oruk1_hours_follow_the_holiday_closure(sqlite_engine):
    from knowledge.formats.schedules import rule_of
    from knowledge.hours.engine import LONDON, opening_status

    with session_scope(sqlite_engine) as session:
        load(session, read_hsds_file(FIXTURES / "oruk1_full.json"))
    with session_scope(sqlite_engine) as session:
        rows = session.scalars(select(Schedule).where(Schedule.service_at_location_id.is_not(None))).all()
        rules = [rule_of({c.name: getattr(r, c.name) for c in Schedule.__table__.columns}) for r in rows]

    def open_at(*args):
        return opening_status(rules, dt.datetime(*args, tzinfo=LONDON)).open_now

    assert open_at(2026, 12, 21, 10)       # a Monday before Christmas
    assert not open_at(2026, 12, 28, 10)   # Monday 28th: closed for the holiday
    assert open_at(2027, 1, 4, 10)         # the Monday after: open again
    assert open_at(2026, 12, 31, 13) and not open_at(2026, 12, 31, 15)  # New Year's Eve 10-2 only


def _hours(services: list) -> list:
    """Each exported service's schedules and holiday schedules, its own and at each location."""
    def of(holder: dict) -> tuple:
        return holder.get("schedules"), holder.get("holiday_schedules")

    return [(of(service), [of(sal) for sal in service["service_at_locations"]]) for service in services]


def _prose(node, path: str = "") -> list:
    """Every text for people in an export (descriptions, names, notes...), with where it is."""
    if isinstance(node, list):
        return [item for index, child in enumerate(node) for item in _prose(child, f"{path}[{index}]")]
    if not isinstance(node, dict):
        return []
    found = [(f"{path}.{key}", value) for key, value in node.items() if key in PROSE_FIELDS and isinstance(value, str)]
    return found + [item for key, child in node.items() for item in _prose(child, f"{path}.{key}")]


def _emptied(engine) -> None:
    with engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(table.delete())


@pytest.mark.parametrize("fixture, today, holder", [
    ("oruk1_full.json", TODAY, "service_at_location"),  # under a service_at_location, closed and changed hours
    ("oruk1.json", dt.date(2025, 11, 25), "service"),   # on the service itself
])
def test_holiday_schedules_are_exported_in_both_shapes_and_round_trip(engine, fixture, today, holder):
    """The export has the holidays as HSDS 3.0 says (rules paused over the dates, dated rules for changed hours)
    and as ORUK 1.0 ``holiday_schedules``; importing it into an empty directory stores the same rows, hours
    included, and exports the same again, descriptions included (lists and paragraphs keep their lines)."""
    with session_scope(engine) as session:
        import_hsds(session, read_hsds_file(FIXTURES / fixture), source=SOURCE, today=today)
    with session_scope(engine) as session:
        exported = export_hsds(session)
        schedules_before = sorted((s.id, s.byday, s.opens_at, s.valid_from, s.valid_to)
                                  for s in session.scalars(select(Schedule)))
    holder_out = exported[0]["service_at_locations"][0] if holder == "service_at_location" else exported[0]
    expected = {
        "oruk1_full.json": [
            {"id": "hs-1", "closed": True, "start_date": "2026-12-25", "end_date": "2026-12-28"},
            {"id": "hs-2", "closed": False, "opens_at": "10:00", "closes_at": "14:00", "start_date": "2026-12-31",
             "end_date": "2026-12-31"}],
        "oruk1.json": [{"id": "hs-1", "closed": True, "start_date": "2025-12-25", "end_date": "2025-12-26"}],
    }[fixture]
    assert holder_out["holiday_schedules"] == expected
    paused = [s for s in holder_out["schedules"] if s.get("valid_to") == (dt.date.fromisoformat(
        expected[0]["start_date"]) - dt.timedelta(days=1)).isoformat()]
    assert paused, "the regular rules stop the day before the closure (HSDS 3.0)"

    _emptied(engine)
    with session_scope(engine) as session:
        report = import_hsds(session, json.loads(json.dumps(exported)), source=SOURCE, today=today)
    assert report.rejected == [] and len(report.created) == len(exported)
    with session_scope(engine) as session:
        again = export_hsds(session)
        assert _hours(again) == _hours(exported)
        assert _prose(again) == _prose(exported)
        assert sorted((s.id, s.byday, s.opens_at, s.valid_from, s.valid_to)
                      for s in session.scalars(select(Schedule))) == schedules_before
        assert session.scalar(select(func.count()).select_from(HolidaySchedule)) == len(expected)
    if fixture == "oruk1_full.json":
        assert exported[0]["description"] == (
            "Free, confidential help with alcohol & drugs.\n\n- Drop-in\n- One-to-one support")


@pytest.mark.parametrize("name", ["oruk1-bristol-council-services.json", "outpost-buckinghamshire-services-page.json"])
def test_export_then_import_keeps_every_text_as_it_was(sqlite_engine, name):
    """Real feeds' HTML stored as plain text, exported and imported again into an empty directory, comes back
    line for line; so does plain text with line breaks, "&" and "<" typed straight into a feed (a variant of the
    sample, derived here)."""
    data = copy.deepcopy(sample(name))
    records = data["content"] if isinstance(data, dict) and "content" in data else data
    records = records if isinstance(records, list) else [records]
    plain = "Help with drink & drugs (<18s call first).\n\n- Drop-in\n- One-to-one support\n1. Ring\n2. Visit"
    next(record for record in records if record.get("name"))["description"] = plain
    with session_scope(sqlite_engine) as session:
        load(session, data)
        exported = export_hsds(session)
    assert exported and any(text.count("\n") for _, text in _prose(exported))
    assert plain in [text for _, text in _prose(exported)]

    _emptied(sqlite_engine)
    with session_scope(sqlite_engine) as session:
        report = load(session, json.loads(json.dumps(exported)))
        assert report.rejected == []
        assert _prose(export_hsds(session)) == _prose(exported)


# ---- Outpost --------------------------------------------------------------------------------------------------------


def test_outpost_page_keeps_locations_ages_contacts_taxonomies_and_says_it_is_page_1_of_141(engine):
    with session_scope(engine) as session:
        report = load(session, sample("outpost-buckinghamshire-services-page.json"))
    assert report.format == "Outpost" and len(report.created) == 20 and report.rejected == []
    assert any("page 1 of 141 (2805 services in all)" in note for note in report.notes)
    with session_scope(engine) as session:
        thomley = session.get(Service, scoped(SCOPE, "2"))
        assert (thomley.status, thomley.minimum_age, thomley.maximum_age) == ("active", 12, None)
        [sal] = thomley.service_at_locations
        assert (sal.location.latitude, sal.location.longitude) == (51.771984, -1.090864)
        assert sal.location.addresses[0].postal_code == "HP18 9JZ"
        assert [t.name for t in thomley.taxonomy_terms] == ["Things to do"]
        assert thomley.organization.website == "https://thomley.org.uk/"
        phones = session.scalars(select(Phone).where(Phone.number == "0203 289 6420")).all()
        assert [p.extension for p in phones] == ["303"]
        assert session.scalar(select(func.count()).select_from(Location)) >= 18
        assert session.scalar(select(func.count(Schedule.id))) >= 1


def test_outpost_updated_at_is_the_date_each_record_was_checked(engine):
    """Buckinghamshire's page has no assured_date: each record's updated_at (its UK day) is when it was checked,
    ahead of --checked; a record without one falls back to --checked."""
    page = sample("outpost-buckinghamshire-services-page.json")
    late, undated = copy.deepcopy(page["content"][2]), copy.deepcopy(page["content"][3])
    late.update(id="late-in-summer", updated_at="2024-06-30T23:30:00.000Z")  # 00:30 on 1 July in London
    undated.update(id="undated")
    undated.pop("updated_at")
    page["content"] += [late, undated]
    with session_scope(engine) as session:
        report = load(session, page, checked=dt.date(2026, 11, 20))
    assert report.rejected == [] and not any("assured_date" in message for _, message in report.warnings)
    with session_scope(engine) as session:
        def checked(record_id):
            return session.get(Service, scoped(SCOPE, record_id)).assured_date

        assert checked("1") == dt.date(2021, 1, 13)  # "updated_at": "2021-01-13T12:48:54.730Z"
        assert checked("2") == dt.date(2020, 11, 26)
        assert checked("late-in-summer") == dt.date(2024, 7, 1)
        assert checked("undated") == dt.date(2026, 11, 20)


def test_every_sample_loads_with_nothing_rejected_but_truly_broken_records(sqlite_engine):
    counts = {}
    for path in sorted(SAMPLES.glob("*.json")):
        if path.name.startswith("hsds3-schema"):
            continue
        with session_scope(sqlite_engine) as session:
            report = import_hsds(session, read_hsds_file(path), source=path.name, today=TODAY)
        counts[path.name] = (len(report.created) + len(report.updated), len(report.rejected))
    assert counts == {
        "hsds3-organization-full.json": (1, 0),
        "hsds3-service-full.json": (1, 0),
        "hsds3-service-list-page.json": (1, 0),
        "oruk1-bristol-council-services.json": (817, 1),
        "oruk3-service-full.json": (1, 0),
        "oruk3-service-list-page.json": (1, 0),
        "oruk3-validator-test-service-list.json": (1, 0),
        "outpost-buckinghamshire-services-page.json": (20, 0),
    }


def test_export_gives_back_the_feeds_own_ids(sqlite_engine):
    with session_scope(sqlite_engine) as session:
        load(session, sample("outpost-buckinghamshire-services-page.json"))
        exported = export_hsds(session)
    assert sorted(int(s["id"]) for s in exported)[:3] == [1, 2, 3]
    assert json.dumps(exported).count(SCOPE + ":") == 0
