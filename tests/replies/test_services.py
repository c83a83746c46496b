"""Replies in plain English: what each service is, how to reach it, whether it is open, and an open door."""
from __future__ import annotations

from datetime import date, datetime, time

import pytest

from knowledge.bundled.loader import load_bundled
from knowledge.hours.engine import LONDON, OpeningStatus
from knowledge.needs.catalogue import ALCOHOL, FAMILY
from knowledge.places.areas import Area
from knowledge.search.finder import Contact, Match, Person, find_services
from knowledge.store.models import (
    Address,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
)
from replies.services import ACKNOWLEDGE_FAMILY, OPEN_DOOR, SMS_LENGTH, describe_match, describe_result

SUNDAY_2AM = datetime(2026, 11, 29, 2, 0, tzinfo=LONDON)
TUESDAY_11AM = datetime(2026, 12, 1, 11, 0, tzinfo=LONDON)
OPEN_UNTIL_5 = OpeningStatus(True, True, False, datetime(2026, 12, 1, 17, 0, tzinfo=LONDON), None)
UNKNOWN = OpeningStatus(False, False, False, None, None)


def a_match(**changes) -> Match:
    values = dict(
        service_id="s1",
        name="Alderton Alcohol Service",
        organisation="Alderton Trust",
        reasons=("helps with drinking", "in Alderton", "open now"),
        status=OPEN_UNTIL_5,
        contacts=(Contact("phone", "01632 960000"),),
        has_verified_contact=True,
        assured_date=date(2026, 10, 1),
        source="Testshire Council directory",
        is_national=False,
        is_crisis_line=False,
        description="Help to stop or cut down drinking. We also see families. Ask for a nurse.",
        address="1 Test Street, Alderton XX1 1AA",
    )
    values.update(changes)
    return Match(**values)


def test_a_service_in_one_short_message():
    text = describe_match(a_match(), TUESDAY_11AM)
    assert text.splitlines() == [
        "Alderton Alcohol Service (Alderton Trust): Help to stop or cut down drinking.",
        "Call 01632 960000. At 1 Test Street, Alderton XX1 1AA.",
        "Open now until 5pm.",
    ]


def test_a_label_that_gives_the_number_is_used_as_written():
    match = a_match(contacts=(Contact("text", "85258", "Text SHOUT to 85258. Free."),), address=None)
    assert "Text SHOUT to 85258. Free." in describe_match(match, TUESDAY_11AM)
    match = a_match(contacts=(Contact("text", "01632 960001"),), address=None)
    assert "Text 01632 960001." in describe_match(match, TUESDAY_11AM)


def test_old_details_carry_a_warning_with_the_month_they_were_checked():
    text = describe_match(a_match(assured_date=date(2024, 3, 1)), TUESDAY_11AM)
    assert "Details last checked March 2024: please check before you travel." in text
    national = describe_match(a_match(assured_date=date(2024, 3, 1), is_national=True), TUESDAY_11AM)
    assert "please check before you call." in national
    recent = describe_match(a_match(assured_date=date(2026, 1, 5)), TUESDAY_11AM)
    assert "last checked" not in recent


def test_no_checked_contact_says_so_and_shows_no_contact_facts():
    match = a_match(has_verified_contact=False, contacts=(Contact("phone", "01632 960000"),), status=UNKNOWN)
    text = describe_match(match, TUESDAY_11AM)
    assert "I don't have checked contact details for this service yet." in text
    assert "01632" not in text and "Test Street" not in text
    assert "Opening hours not known." in text


def test_a_long_description_is_cut_to_keep_the_message_short():
    match = a_match(description="Word " * 200)
    text = describe_match(match, TUESDAY_11AM)
    assert len(text) <= SMS_LENGTH
    assert "…" in text


# --- Whole replies, from real searches --------------------------------------------------------------------------


def add_local(session, name, *, description, hours, phone="01632 960000", city="Alderton", address=True):
    organisation = Organization(name=f"{name} Trust", description="")
    service = Service(name=name, description=description, organization=organisation, source="Testshire directory",
                      assured_date=date(2026, 10, 1))
    if phone:
        service.phones.append(Phone(number=phone, type="voice"))
    for byday, opens, closes in hours:
        service.schedules.append(Schedule(byday=byday, opens_at=opens, closes_at=closes))
    if not address:  # known only by the area it serves: no street address to walk in to
        service.service_areas.append(ServiceArea(name=city))
        session.add_all([organisation, service])
        session.flush()
        return
    location = Location(organization=organisation, name=name)
    location.addresses.append(Address(address_1="1 Test Street", city=city, state_province="Testshire",
                                      postal_code="XX1 1AA"))
    service.service_at_locations.append(ServiceAtLocation(location=location))
    session.add_all([organisation, service, location])
    session.flush()


@pytest.fixture
def directory(db_session):
    load_bundled(db_session, include_seeds=False)
    add_local(db_session, "Alderton Alcohol Service", description="Help to stop or cut down drinking.",
              hours=[("MO,TU,WE,TH,FR", time(9), time(17))])
    add_local(db_session, "Alderton Families Together",
              description="Support for families affected by a loved one's drinking.",
              hours=[("TU,TH", time(18), time(21))])
    db_session.commit()
    return db_session


ALDERTON = Area("Alderton", "town", None, ("Testshire",))


def _check_reply(messages):
    assert messages[-1] == OPEN_DOOR
    assert all(len(message) <= SMS_LENGTH for message in messages)
    lead = messages[0].lower()
    assert "substance misuse" not in lead and "service user" not in lead


def test_when_local_help_is_open_it_leads(directory):
    messages = describe_result(find_services(directory, need=ALCOHOL, area=ALDERTON, now=TUESDAY_11AM))
    _check_reply(messages)
    assert messages[0] == "Here's what can help with drinking in Alderton:"
    assert messages[1].startswith("Alderton Alcohol Service")
    # Then the lines open now, national ones; never more than three local options.
    assert any("Open now" in m and "Alderton" not in m for m in messages[2:-1])


def test_at_2am_out_of_hours_help_leads(directory):
    messages = describe_result(find_services(directory, need=ALCOHOL, area=ALDERTON, now=SUNDAY_2AM))
    _check_reply(messages)
    assert messages[0] == "Here's what can help with drinking in Alderton:"
    assert "Open now" in messages[1]  # a line open now comes before the local service that is shut
    local = next(m for m in messages if m.startswith("Alderton Alcohol Service"))
    assert messages.index(local) > 1 and "Closed now. Opens tomorrow at 9am." in local


def test_an_area_we_have_nothing_for_is_named_and_national_help_follows(directory):
    area = Area("NE1", "postcode_district", "NE1", ())
    messages = describe_result(find_services(directory, need=ALCOHOL, area=area, now=SUNDAY_2AM))
    _check_reply(messages)
    assert messages[0] == "I don't have local services for NE1 yet. These can help wherever you are in England:"
    assert "Open now" in messages[1]


def test_a_family_member_is_acknowledged_and_gets_support_for_themself(directory):
    person = Person(for_whom="someone_else", relationship="son")
    messages = describe_result(find_services(directory, need=FAMILY, area=ALDERTON, now=TUESDAY_11AM, person=person))
    _check_reply(messages)
    assert messages[0].startswith(ACKNOWLEDGE_FAMILY)
    assert "your son" in messages[0]
    for_you = [m for m in messages if m.startswith("For you: ")]
    assert for_you and "Alderton Families Together" in for_you[0]
    assert any(m.startswith("For your son: Alderton Alcohol Service") for m in messages)


def test_anywhere_gives_national_help(directory):
    messages = describe_result(find_services(directory, need=ALCOHOL, area=None, now=TUESDAY_11AM))
    _check_reply(messages)
    assert messages[0] == "Here's what can help with drinking, wherever you are in England:"


def test_a_local_service_with_no_way_to_contact_it_is_never_offered(db_session):
    load_bundled(db_session, include_seeds=False)
    for name in ("Alderton Recovery Café", "Alderton Outreach Project"):
        add_local(db_session, name, description="Help with drinking for people in Alderton.", hours=[], phone=None,
                  address=False)
    db_session.commit()
    result = find_services(db_session, need=ALCOHOL, area=ALDERTON, now=SUNDAY_2AM)
    messages = describe_result(result)
    _check_reply(messages)
    assert not any("Alderton Recovery Café" in m or "Alderton Outreach Project" in m for m in messages)
    assert messages[0] == (
        "I don't have checked contact details for local services in Alderton yet. "
        "These can help wherever you are in England:"
    )
    assert "Open now" in messages[1]


def test_local_help_with_unknown_hours_is_not_promised_to_open(db_session):
    load_bundled(db_session, include_seeds=False)
    add_local(db_session, "Alderton Drop-in", description="Help with drinking.", hours=[], phone=None)
    db_session.commit()
    messages = describe_result(find_services(db_session, need=ALCOHOL, area=ALDERTON, now=SUNDAY_2AM))
    _check_reply(messages)
    drop_in = next(m for m in messages if m.startswith("Alderton Drop-in"))
    assert "Opening hours not known." in drop_in and "No phone listed. At 1 Test Street" in drop_in
    assert "Open now" in messages[1]  # a line that is open comes before help whose hours we do not know
    assert not any("when it opens" in m.lower() or m.startswith("When they open") for m in messages)
