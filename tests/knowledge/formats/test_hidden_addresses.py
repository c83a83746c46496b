"""A place that asks for its exact address to be hidden (Outpost's ``mask_exact_address``, set for a refuge or a
women's service) keeps only its town: its street, postcode, map point and name are never stored, so no reply or
export can show them, and the service is still found in its town. From a variant of the Buckinghamshire Outpost
page: service 20 (Aces Wheelchair Basketball, at Stoke Mandeville Stadium, Guttmann Road, Aylesbury HP21 9PP)
marked as hidden.
"""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from sqlalchemy import select

from knowledge.formats.exporter import export_hsds
from knowledge.formats.ids import scope_for, scoped
from knowledge.formats.importer import import_hsds, read_hsds_file
from knowledge.formats.report import as_csv, as_html, as_text, build_summary
from knowledge.hours.engine import LONDON
from knowledge.needs.catalogue import GENERAL
from knowledge.places.areas import AreaIndex
from knowledge.search.finder import find_services
from knowledge.store.db import session_scope
from knowledge.store.models import Base, Location, Service
from replies.plan import build_plan, plan_sms, plan_text, plan_view
from replies.services import compact_match, describe_match

SAMPLES = Path(__file__).resolve().parents[4] / "shared" / "directory-samples"
TODAY = dt.date(2026, 12, 1)
TUESDAY_11AM = dt.datetime(2026, 12, 1, 11, 0, tzinfo=LONDON)
SOURCE = "Buckinghamshire Family Information Service"
HIDDEN = "20"
#: What the page gives for service 20's place, none of which may be stored or shown once it is hidden.
EXACT = ("Guttmann", "HP21 9PP", "HP219PP", "9PP", "Stoke Mandeville Stadium", "-0.800143", "51.800377")


def page(hidden: bool = True) -> dict:
    data = read_hsds_file(SAMPLES / "outpost-buckinghamshire-services-page.json")
    [service] = [s for s in data["content"] if str(s["id"]) == HIDDEN]
    service["locations"][0]["mask_exact_address"] = hidden
    # As a women's service would describe itself (so a drug and alcohol search offers it); the sample's own text
    # names the stadium, which a hidden place's publisher would not: free text is theirs, and signpost cannot
    # find an address in it.
    service["description"] = service["organisation"]["description"] = "Support for women worried about their drinking or drug use."
    return data


def load(engine, data):
    with session_scope(engine) as session:
        return import_hsds(session, data, source=SOURCE, today=TODAY)


def hidden_id() -> str:
    return scoped(scope_for(SOURCE), HIDDEN)


def stored_text(session) -> str:
    """Every value of every row of every table, as one text to search."""
    values = []
    for table in Base.metadata.sorted_tables:
        for row in session.execute(select(table)).all():
            values += [str(value) for value in row if value is not None]
    return "\n".join(values)


def test_a_hidden_place_keeps_only_its_town(engine):
    report = load(engine, page())
    assert report.rejected == []
    with session_scope(engine) as session:
        [sal] = session.get(Service, hidden_id()).service_at_locations
        location = sal.location
        assert (location.name, location.latitude, location.longitude) == (None, None, None)
        [address] = location.addresses
        assert (address.address_1, address.address_2, address.city, address.postal_code) == ("", None, "Aylesbury", "")
        text = stored_text(session)
    assert "Aylesbury" in text
    assert [part for part in EXACT if part in text] == []


def test_the_report_counts_hidden_places_in_plain_words_and_never_calls_them_missing(engine):
    report = load(engine, page())
    assert ("1 place asked for its exact address to be hidden: only the town is kept (not the street, postcode, "
            "map position or place name), so the service is still found in its town but its address is never "
            "shown.") in report.notes
    assert [message for record, message in report.warnings if record == HIDDEN] == []
    summary = build_summary("outpost.json", report, [], names={}, schema="none")
    for rendered in (as_text(summary), as_csv(summary), as_html(summary)):
        assert "exact address to be hidden" in rendered
        assert "missing" not in rendered.lower() and "has no street" not in rendered
        assert [part for part in EXACT if part in rendered] == []


def test_without_the_flag_the_same_place_keeps_its_address_and_no_note(engine):
    """The variant's only change is the flag: unmasked, the sample's address is stored as it was."""
    report = load(engine, page(hidden=False))
    assert not any("hidden" in note for note in report.notes)
    with session_scope(engine) as session:
        [sal] = session.get(Service, hidden_id()).service_at_locations
        [address] = sal.location.addresses
        assert (address.address_1, address.postal_code) == ("Guttmann Road", "HP21 9PP")


def test_hiding_an_address_already_stored_removes_it(engine):
    """A feed that marks a place hidden after it was imported: the next import leaves nothing of the old address."""
    load(engine, page(hidden=False))
    report = load(engine, page())
    assert hidden_id() in report.updated
    with session_scope(engine) as session:
        assert [part for part in EXACT if part in stored_text(session)] == []


def found_in(session, where: str):
    area = AreaIndex.build(session, places=[]).resolve(where)
    result = find_services(session, need=GENERAL, area=area, now=TUESDAY_11AM)
    return [match for match in result.local if match.service_id == hidden_id()]


def test_a_hidden_place_is_found_in_its_town_and_by_a_postcode_there_and_no_reply_shows_its_address(engine):
    load(engine, page())
    with session_scope(engine) as session:
        [match] = found_in(session, "aylesbury")
        # Service 1 is at HP21 7JF, Aylesbury: the index places the district HP21 in Aylesbury.
        assert [m.service_id for m in found_in(session, "HP21 7AB")] == [hidden_id()]
    assert match.address is None
    assert any("Aylesbury" in reason for reason in match.reasons)
    plan = build_plan([match], TUESDAY_11AM, "I'd like some support.")
    shown = [describe_match(match, TUESDAY_11AM), compact_match(match, TUESDAY_11AM), plan_text(plan),
             plan_sms(plan), json.dumps(plan_view(plan))]
    assert all("0777 777 7777" in text or "07777777777" in text for text in shown[:2])
    assert [(part, text) for text in shown for part in EXACT if part in text] == []


def test_the_export_of_a_hidden_place_has_only_its_town(engine):
    load(engine, page())
    with session_scope(engine) as session:
        exported = export_hsds(session)
    [service] = [s for s in exported if s["id"] == HIDDEN]
    [address] = service["service_at_locations"][0]["location"]["addresses"]
    assert address["city"] == "Aylesbury"
    text = json.dumps(exported)
    assert [part for part in EXACT if part in text] == []


def test_a_hidden_place_with_no_town_is_left_out_by_name_and_the_service_kept(engine):
    data = page()
    [service] = [s for s in data["content"] if str(s["id"]) == HIDDEN]
    service["locations"][0]["city"] = "Nationwide"
    report = load(engine, data)
    assert hidden_id() in report.created
    [message] = [message for record, message in report.warnings if record == HIDDEN]
    assert message == ("address address-20 asked for its exact address to be hidden and names no town, the only "
                       "part signpost keeps of it; address left out")
    summary = build_summary("outpost.json", report, [], names={}, schema="none")
    [row] = [row for row in summary.rows if row.record == HIDDEN]
    assert row.action.startswith("Loaded without that address: signpost keeps only the town")
    with session_scope(engine) as session:
        location = session.get(Location, scoped(scope_for(SOURCE), "20"))
        assert location.addresses == [] and location.name is None
        assert [part for part in EXACT if part in stored_text(session)] == []
