"""Search: need × area × time × age against real directories (SQLite and PostgreSQL).

Local services here are fictional (Testshire, with Ofcom's drama numbers 01632 960xxx and postcode area XX);
national lines are the bundled, verified ones, loaded through the ordinary importer.
"""
from __future__ import annotations

from datetime import date, datetime, time

import pytest
from sqlalchemy import event

from knowledge.bundled.loader import load_bundled
from knowledge.hours.engine import LONDON
from knowledge.needs.catalogue import (
    ALCOHOL,
    CUT_DOWN,
    DRUGS,
    FAMILY,
    GENERAL,
    HARM_REDUCTION,
    MENTAL_HEALTH,
    OUT_OF_HOURS,
    YOUNG_PEOPLE,
    Fit,
)
from knowledge.places.areas import Area, AreaIndex
from knowledge.search.finder import SAFETY_NET, Person, find_service_by_name, find_services
from knowledge.store.models import (
    Address,
    Attribute,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    TaxonomyTerm,
)

SUNDAY_2AM = datetime(2026, 11, 29, 2, 0, tzinfo=LONDON)
TUESDAY_11AM = datetime(2026, 12, 1, 11, 0, tzinfo=LONDON)
SATURDAY_11AM = datetime(2026, 11, 28, 11, 0, tzinfo=LONDON)

WEEKDAYS = [("MO,TU,WE,TH,FR", time(9), time(17))]
ALWAYS = [("MO,TU,WE,TH,FR,SA,SU", time(0), time(23, 59))]


def add_service(
    session,
    name,
    *,
    description="",
    taxonomy=(),
    city=None,
    county="Testshire",
    postcode=None,
    areas=(),
    hours=(),
    phone="01632 960000",
    status="active",
    minimum_age=None,
    maximum_age=None,
    crisis=False,
    source="Testshire Council directory",
):
    organisation = Organization(name=f"{name} Trust", description="")
    service = Service(
        name=name,
        description=description,
        organization=organisation,
        status=status,
        minimum_age=minimum_age,
        maximum_age=maximum_age,
        is_crisis_line=crisis,
        source=source,
        assured_date=date(2026, 10, 1),
    )
    if phone:
        service.phones.append(Phone(number=phone, type="voice"))
    for byday, opens, closes in hours:
        service.schedules.append(Schedule(byday=byday, opens_at=opens, closes_at=closes))
    for area in areas:
        service.service_areas.append(ServiceArea(name=area))
    for term_name in taxonomy:
        term = session.query(TaxonomyTerm).filter_by(name=term_name).one_or_none()
        if term is None:
            term = TaxonomyTerm(name=term_name, description="")
            session.add(term)
        service.attributes.append(Attribute(taxonomy_term=term, link_type="service"))
    if city:
        location = Location(organization=organisation, name=name)
        location.addresses.append(
            Address(address_1="1 Test Street", city=city, state_province=county, postal_code=postcode or "XX9 9XX")
        )
        service.service_at_locations.append(ServiceAtLocation(location=location))
        session.add(location)
    session.add_all([organisation, service])
    session.flush()
    return service


@pytest.fixture
def testshire(db_session):
    """Testshire: Alderton (XX1) and Brockley (XX2), a county-wide service, and the bundled national lines."""
    load_bundled(db_session, include_seeds=False)
    s = db_session
    add_service(s, "Alderton Alcohol Service", description="Help to stop or cut down drinking.",
                taxonomy=["Alcohol"], city="Alderton", postcode="XX1 1AA", hours=WEEKDAYS)
    add_service(s, "Aardvark Drop-in", description="Alcohol drop-in.", taxonomy=["Alcohol"], city="Alderton",
                postcode="XX1 2AA", hours=[("MO,TU,WE,TH,FR,SA", time(10), time(14))], phone=None)
    add_service(s, "Testshire Recovery", description="Substance misuse recovery for adults across the county.",
                areas=["Testshire"], hours=WEEKDAYS, minimum_age=18)
    add_service(s, "Brockley Young People's Service", description="Drug and alcohol help for young people.",
                taxonomy=["Young people"], city="Brockley", postcode="XX2 3BB", hours=WEEKDAYS, maximum_age=18)
    add_service(s, "Alderton Families Together", taxonomy=["Families"], city="Alderton", postcode="XX1 4CC",
                description="Support for families affected by a loved one's drinking or drug use.",
                hours=[("TU,TH", time(18), time(21))])
    add_service(s, "Old Alderton Clinic", description="Alcohol clinic.", taxonomy=["Alcohol"], city="Alderton",
                postcode="XX1 5DD", hours=ALWAYS, status="defunct")
    add_service(s, "Paused Alderton Clinic", description="Alcohol clinic.", taxonomy=["Alcohol"], city="Alderton",
                postcode="XX1 5DE", hours=ALWAYS, status="temporarily closed")
    add_service(s, "Othershire Alcohol Team", description="Alcohol help.", taxonomy=["Alcohol"], city="Elsewhere",
                county="Othershire", postcode="XX8 1AA", hours=WEEKDAYS)
    add_service(s, "Brockley Needle Exchange", description="Clean needles and naloxone.", city="Brockley",
                postcode="XX2 9ZZ", hours=WEEKDAYS)
    s.commit()
    return s


def search(session, need, where, now, limit=4, **person):
    area = AreaIndex.build(session, places=[]).resolve(where) if where else None
    return find_services(session, need=need, area=area, now=now, person=Person(**person), limit=limit)


def names(matches):
    return [m.name for m in matches]


def all_names(result):
    return names(result.local) + names(result.out_of_hours) + names(result.for_family)


# --- Status and age ---------------------------------------------------------------------------------------------


def test_services_that_are_not_active_are_never_offered(testshire):
    for now in (SUNDAY_2AM, TUESDAY_11AM):
        result = search(testshire, ALCOHOL, "Alderton", now)
        assert "Old Alderton Clinic" not in all_names(result)
        assert "Paused Alderton Clinic" not in all_names(result)
    assert find_service_by_name(testshire, "old alderton clinic", now=TUESDAY_11AM) == []


def test_a_fifteen_year_old_never_gets_an_adults_only_service(testshire):
    result = search(testshire, YOUNG_PEOPLE, "Testshire", TUESDAY_11AM, age=15)
    assert "Testshire Recovery" not in all_names(result)
    assert result.local[0].name == "Brockley Young People's Service"
    assert "for young people" in result.local[0].reasons


def test_an_adult_never_gets_a_young_peoples_service_or_childline(testshire):
    for now in (SUNDAY_2AM, TUESDAY_11AM):
        result = search(testshire, GENERAL, "Testshire", now, limit=10, age=30)
        assert "Brockley Young People's Service" not in all_names(result)
        assert "Childline" not in all_names(result)
        assert "Testshire Recovery" in all_names(result)


def test_unknown_age_gets_everything_that_fits_except_services_for_special_groups(testshire):
    result = find_services(testshire, need=GENERAL, area=Area("Testshire", "county", None, ()), now=TUESDAY_11AM,
                           limit=10)
    assert {"Testshire Recovery", "Alderton Alcohol Service"} <= set(names(result.local))
    # Young people's services and needle exchanges are for their own people: only for someone who is young or asks.
    assert not {"Brockley Young People's Service", "Brockley Needle Exchange"} & set(names(result.local))


# --- Need fit ---------------------------------------------------------------------------------------------------


def test_a_directory_that_says_substance_misuse_recovery_matches_drink_and_drugs(testshire):
    for need in (ALCOHOL, DRUGS):
        result = search(testshire, need, "Alderton", TUESDAY_11AM, limit=10)
        recovery = next(m for m in result.local if m.name == "Testshire Recovery")
        assert recovery.fit is Fit.RELATED_TAXONOMY  # "Recovery" in its own name: what it is, not a mention
        assert "drug and alcohol service" in recovery.reasons


def test_what_a_service_is_ranks_above_what_its_description_mentions(testshire):
    add_service(testshire, "Alderton Wellbeing Hub", description="Advice on money, housing and drinking.",
                city="Alderton", postcode="XX1 6AA", hours=WEEKDAYS, phone="01632 960111")
    result = search(testshire, ALCOHOL, "Alderton", TUESDAY_11AM, limit=10)
    assert names(result.local)[0] == "Alderton Alcohol Service"
    assert result.local[0].fit is Fit.TAXONOMY
    assert result.local[0].reasons == ("helps with drinking", "in Alderton", "open now")
    wellbeing = next(m for m in result.local if m.name == "Alderton Wellbeing Hub")
    assert wellbeing.fit is Fit.TEXT and wellbeing.score < result.local[0].score
    # Every result keeps its reasons, with the points each factor gave.
    assert result.local[0].ranking[0] == "helps with drinking: for exactly this +40"
    assert "open now +30" in result.local[0].ranking


def test_a_needle_exchange_is_offered_only_to_someone_who_asks_for_needles(testshire):
    for need in (ALCOHOL, DRUGS):
        result = search(testshire, need, "Brockley", TUESDAY_11AM, age=30)
        assert "Brockley Needle Exchange" not in all_names(result)
    result = search(testshire, HARM_REDUCTION, "Brockley", TUESDAY_11AM, age=30)
    assert result.local[0].name == "Brockley Needle Exchange"


# --- Area -------------------------------------------------------------------------------------------------------


def test_local_means_the_town_and_services_covering_its_county_never_another_county(testshire):
    result = search(testshire, ALCOHOL, "alderton", TUESDAY_11AM, age=30)
    local = names(result.local)
    assert "Testshire Recovery" in local  # covers the whole county Alderton is in
    assert "Othershire Alcohol Team" not in all_names(result)
    recovery = next(m for m in result.local if m.name == "Testshire Recovery")
    assert "covers Testshire" in recovery.reasons
    assert all(not m.is_national for m in result.local)


def test_a_county_finds_services_in_all_its_towns(testshire):
    result = find_services(testshire, need=GENERAL, area=AreaIndex.build(testshire, places=[]).resolve("testshire"),
                           now=TUESDAY_11AM, limit=10)
    assert {"Alderton Alcohol Service", "Testshire Recovery"} <= set(names(result.local))
    young = find_services(testshire, need=GENERAL, area=AreaIndex.build(testshire, places=[]).resolve("testshire"),
                          now=TUESDAY_11AM, limit=10, person=Person(age=15))
    assert "Brockley Young People's Service" in names(young.local)


def test_a_postcode_finds_services_in_its_district(testshire):
    result = search(testshire, HARM_REDUCTION, "my postcode is xx29zz", TUESDAY_11AM, age=30)
    assert result.area.name == "XX2"
    assert result.local[0].name == "Brockley Needle Exchange"
    assert "in Brockley" in result.local[0].reasons
    assert "Othershire Alcohol Team" not in all_names(result)


def test_a_typo_in_the_town_still_finds_it(testshire):
    result = search(testshire, ALCOHOL, "im in aldertn", TUESDAY_11AM)
    assert result.area.name == "Alderton"
    assert result.local[0].name == "Alderton Alcohol Service"


def test_a_postcode_we_have_nothing_for_gives_national_help(testshire):
    result = search(testshire, ALCOHOL, "NE1 4ST", TUESDAY_11AM)
    assert result.area.name == "NE1" and result.local == () and not result.area_has_services
    assert result.out_of_hours and result.out_of_hours[0].has_verified_contact


def test_an_unplaced_area_has_no_local_services(testshire):
    area = Area(name="Atlantis", kind="unknown", postcode_district=None, containing=())
    result = find_services(testshire, need=ALCOHOL, area=area, now=TUESDAY_11AM)
    assert result.local == () and result.out_of_hours


# --- Ranking and contact ----------------------------------------------------------------------------------------


def test_a_service_with_a_phone_comes_before_an_equal_walk_in_with_no_phone(testshire):
    result = search(testshire, ALCOHOL, "Alderton", TUESDAY_11AM)
    assert names(result.local)[:2] == ["Alderton Alcohol Service", "Aardvark Drop-in"]
    assert "a checked phone, text or web contact +3" in result.local[0].ranking
    # Saturday 11am: the walk-in drop-in is open and has an address to go to; the service with a phone is closed.
    result = search(testshire, ALCOHOL, "Alderton", SATURDAY_11AM)
    drop_in = result.local[0]
    assert drop_in.name == "Aardvark Drop-in" and drop_in.contacts == () and drop_in.address
    assert drop_in.status.open_now


def test_a_service_with_no_way_to_contact_it_is_never_offered(testshire):
    add_service(testshire, "Alderton Ghost Project", description="Alcohol help.", taxonomy=["Alcohol"],
                areas=["Alderton"], hours=ALWAYS, phone=None)
    result = search(testshire, ALCOHOL, "Alderton", SUNDAY_2AM, limit=10)
    assert "Alderton Ghost Project" not in all_names(result) + names(result.first) + names(result.more)
    assert result.uncontactable_local == 1


def test_contacts_are_only_what_the_record_holds(testshire):
    result = search(testshire, ALCOHOL, "Alderton", TUESDAY_11AM)
    service = result.local[0]
    assert [(c.kind, c.value) for c in service.contacts] == [("phone", "01632 960000")]
    assert service.source == "Testshire Council directory"
    assert service.address == "1 Test Street, Alderton XX1 1AA"


# --- Out of hours -----------------------------------------------------------------------------------------------


def _assert_no_emergency_or_police_numbers(matches):
    numbers = {c.value for m in matches for c in m.contacts}
    assert not numbers & {"999", "101", "112"}


def test_at_2am_on_sunday_out_of_hours_options_lead_and_are_open(testshire):
    result = search(testshire, ALCOHOL, "Alderton", SUNDAY_2AM)
    assert not result.any_local_open
    assert result.local  # still listed, for when they open
    first = result.out_of_hours[0]
    assert first.status.open_now and first.has_verified_contact and first.is_national
    ooh = names(result.out_of_hours)
    assert "FRANK" in ooh  # a 24-hour drug and alcohol line
    assert {"Samaritans", "NHS 111"} & set(ooh)  # the safety net
    assert "Drinkline" not in ooh  # closed at 2am
    assert all(m.status.open_now for m in result.out_of_hours)
    _assert_no_emergency_or_police_numbers(result.out_of_hours)
    assert len(ooh) == len(set(ooh)) <= 4


def test_at_11am_on_tuesday_local_services_lead_and_two_national_options_wait_for_later(testshire):
    result = search(testshire, ALCOHOL, "Alderton", TUESDAY_11AM)
    assert result.any_local_open
    assert result.local[0].status.open_now
    assert 1 <= len(result.out_of_hours) <= 2
    assert all(m.is_national for m in result.out_of_hours)
    assert {"Drinkline", "Al-Anon helpline"} & set(names(result.out_of_hours))  # open now and about drinking
    _assert_no_emergency_or_police_numbers(result.out_of_hours)


def test_a_local_crisis_line_comes_first_out_of_hours(testshire):
    add_service(testshire, "Testshire Crisis Line", description="Mental health crisis support, day and night.",
                areas=["Testshire"], hours=ALWAYS, crisis=True)
    testshire.commit()
    result = search(testshire, ALCOHOL, "Alderton", SUNDAY_2AM)
    assert result.out_of_hours[0].name == "Testshire Crisis Line"
    assert not result.out_of_hours[0].is_national


def test_a_local_service_open_24_hours_counts_as_open(testshire):
    add_service(testshire, "Alderton Alcohol Night Line", description="Alcohol support, 24 hours.",
                taxonomy=["Alcohol"], areas=["Alderton"], hours=ALWAYS)
    testshire.commit()
    result = search(testshire, ALCOHOL, "Alderton", SUNDAY_2AM)
    assert result.any_local_open
    assert result.local[0].name == "Alderton Alcohol Night Line"
    assert "open 24 hours" in result.local[0].reasons


def test_whats_open_now_puts_open_services_first(testshire):
    result = search(testshire, OUT_OF_HOURS, "Alderton", SATURDAY_11AM)
    assert result.local[0].status.open_now


def test_a_young_person_at_night_gets_lines_for_their_age(testshire):
    result = search(testshire, YOUNG_PEOPLE, "Brockley", SUNDAY_2AM, age=15)
    ooh = names(result.out_of_hours)
    assert "Childline" in ooh  # for their age, though its hours are not confirmed
    childline = next(m for m in result.out_of_hours if m.name == "Childline")
    assert not childline.status.known and "hours not known +15" in childline.ranking
    assert any(m.status.open_now for m in result.first)  # and something open now, in the first answer
    assert result.local[0].name == "Brockley Young People's Service"


def test_for_mental_health_at_night_the_crisis_lines_are_the_help(testshire):
    result = search(testshire, MENTAL_HEALTH, None, SUNDAY_2AM)
    first_two = result.out_of_hours[:2]
    assert all(m.is_crisis_line and "helps with mental health" in m.reasons for m in first_two)
    assert "Samaritans" in names(first_two)


def test_reasons_never_claim_more_than_the_record_says(testshire):
    # FRANK is about drugs: for cutting down drinking it is offered as a drug and alcohol line, not as a
    # cutting-down service.
    result = search(testshire, CUT_DOWN, None, SUNDAY_2AM)
    frank = next(m for m in result.out_of_hours if m.name == "FRANK")
    assert "helps people cut down" not in frank.reasons
    assert "drug and alcohol help" in frank.reasons


@pytest.mark.parametrize("now", [SUNDAY_2AM, TUESDAY_11AM, SATURDAY_11AM])
@pytest.mark.parametrize("need", [ALCOHOL, DRUGS, FAMILY, YOUNG_PEOPLE, GENERAL, OUT_OF_HOURS])
def test_never_a_dead_end(testshire, need, now):
    result = search(testshire, need, "Alderton", now, age=15 if need is YOUNG_PEOPLE else None)
    assert any(m.has_verified_contact for m in result.out_of_hours)


def test_never_a_dead_end_even_with_an_empty_directory(db_session):
    result = find_services(db_session, need=ALCOHOL, area=None, now=SUNDAY_2AM)
    assert result.local == ()
    assert [m.name for m in result.out_of_hours] == [m.name for m in SAFETY_NET]
    assert all(m.has_verified_contact and m.status.open_now for m in result.out_of_hours)


def test_a_naive_time_is_refused(testshire):
    with pytest.raises(ValueError):
        find_services(testshire, need=ALCOHOL, area=None, now=datetime(2026, 12, 1, 11, 0))


# --- Families ---------------------------------------------------------------------------------------------------


def test_a_worried_parent_gets_help_for_their_son_and_for_themself(testshire):
    result = search(testshire, FAMILY, "Alderton", TUESDAY_11AM, for_whom="someone_else", relationship="son",
                    age=30)
    assert result.help_need is GENERAL
    # One ranking: help for their son (open now) and support for the parent themself (the family group, tonight).
    assert names(result.local)[0] == "Alderton Alcohol Service" and result.local[0].for_whom == "them"
    family = next(m for m in result.local if m.name == "Alderton Families Together")
    assert family.for_whom == "you"
    # On Tuesday evening the family group is open and support for the parent leads.
    result = search(testshire, FAMILY, "Alderton", TUESDAY_11AM.replace(hour=19), for_whom="someone_else",
                    relationship="son", age=30)
    assert names(result.local)[:2] == ["Alderton Families Together", "Alderton Alcohol Service"]
    family = result.local[0]
    assert family.for_whom == "you" and "helps families" in family.reasons and "for families +12" in family.ranking
    assert result.local[1].for_whom == "them"
    assert not set(names(result.for_family)) & set(names(result.local))


def test_a_worried_parent_at_2am_gets_family_and_24_hour_lines(testshire):
    result = search(testshire, FAMILY, "Alderton", SUNDAY_2AM, for_whom="someone_else", relationship="son",
                    substance="alcohol")
    assert result.help_need is ALCOHOL
    assert result.out_of_hours[0].name == "FRANK"  # open now, and for family and friends too
    assert "helps families" in result.out_of_hours[0].reasons
    assert "Childline" not in all_names(result)  # the parent is an adult
    assert result.for_family and all(m.has_verified_contact or not m.is_national for m in result.for_family)
    organisations = [m.organisation for m in result.out_of_hours + result.for_family if m.is_national]
    assert len(organisations) == len(set(organisations))  # FRANK's phone, text and chat count once


def test_support_for_yourself_as_a_family_member(testshire):
    result = search(testshire, FAMILY, "Alderton", TUESDAY_11AM)
    assert result.local[0].name == "Alderton Families Together"
    assert result.for_family == ()


# --- By name ----------------------------------------------------------------------------------------------------


def test_find_service_by_name_forgives_filler_and_typos(testshire):
    assert find_service_by_name(testshire, "when is frank open", now=SUNDAY_2AM)[0].name == "FRANK"
    assert find_service_by_name(testshire, "samaratins", now=SUNDAY_2AM)[0].name == "Samaritans"
    match = find_service_by_name(testshire, "Alderton alcohol service", now=TUESDAY_11AM)[0]
    assert match.name == "Alderton Alcohol Service" and match.status.open_now
    assert find_service_by_name(testshire, "what time", now=TUESDAY_11AM) == []
    assert find_service_by_name(testshire, "zebra crossing", now=TUESDAY_11AM) == []


# --- Efficiency -------------------------------------------------------------------------------------------------


def _count_queries(session, action):
    statements = []
    engine = session.get_bind()

    def record(_connection, _cursor, statement, *_args):
        if statement.strip().upper() not in ("BEGIN", "COMMIT", "ROLLBACK"):  # transaction control is not a query
            statements.append(1)

    event.listen(engine, "before_cursor_execute", record)
    try:
        action()
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return len(statements)


def test_the_number_of_queries_does_not_grow_with_the_directory(testshire):
    index = AreaIndex.build(testshire, places=[])
    area = index.resolve("Alderton")

    def run():
        testshire.expire_all()
        find_services(testshire, need=ALCOHOL, area=area, now=SUNDAY_2AM, area_index=index)

    before = _count_queries(testshire, run)
    for n in range(30):
        add_service(testshire, f"Alderton Extra {n}", description="Alcohol help.", taxonomy=["Alcohol"],
                    city="Alderton", postcode="XX1 7AA", hours=WEEKDAYS)
    testshire.commit()
    after = _count_queries(testshire, run)
    assert after == before


def test_help_that_fits_only_in_general_must_fit_the_substance_named(db_session):
    """Out of prison and using heroin: a local alcohol-only service is not offered as help after prison."""
    from knowledge.needs.catalogue import CRIMINAL_JUSTICE

    for service_id, name, description in (
        ("alcohol-only", "Riverton Alcohol Advice", "Advice sessions for people who want help with drinking."),
        ("drug-service", "Riverton Drug Service", "Support for people who use heroin, crack and other drugs."),
    ):
        service = Service(id=service_id, name=name, description=description, source="test",
                          assured_date=date(2026, 10, 1))
        service.service_areas.append(ServiceArea(name="Riverton"))
        service.phones.append(Phone(number="01632 960123", type="voice"))
        db_session.add(service)
    db_session.commit()
    area = Area("Riverton", "service_area", None, ())
    now = datetime(2026, 11, 29, 2, tzinfo=LONDON)

    heroin = find_services(db_session, need=CRIMINAL_JUSTICE, area=area, now=now, person=Person(substance="heroin"))
    assert [m.name for m in heroin.local] == ["Riverton Drug Service"]
    anything = find_services(db_session, need=CRIMINAL_JUSTICE, area=area, now=now, person=Person())
    assert {m.name for m in anything.local} == {"Riverton Drug Service", "Riverton Alcohol Advice"}


# --- Bank holidays (issue 8) --------------------------------------------------------------------------------------

CHRISTMAS_11AM = datetime(2026, 12, 25, 11, 0, tzinfo=LONDON)  # a Friday


def test_a_service_silent_on_bank_holidays_is_never_claimed_open_on_one(testshire):
    add_service(testshire, "Alderton Night and Day Line", description="Alcohol help line.", taxonomy=["Alcohol"],
                areas=["Alderton"], hours=ALWAYS, phone="01632 960222")
    testshire.commit()
    result = search(testshire, ALCOHOL, "Alderton", CHRISTMAS_11AM, limit=10)
    weekday = next(m for m in result.local if m.name == "Alderton Alcohol Service")
    assert not weekday.status.open_now
    assert weekday.hours_note == (
        "Usually open Monday to Friday 9am to 5pm; today is a bank holiday, so it may be closed"
    )
    assert "may be closed today (bank holiday)" in weekday.reasons
    assert "bank holiday: may be closed -25" in weekday.ranking
    # A service known to be open (24 hours) ranks above it.
    assert names(result.local).index("Alderton Night and Day Line") < names(result.local).index(weekday.name)
    # The next working day is an ordinary day again.
    after = search(testshire, ALCOHOL, "Alderton", datetime(2026, 12, 29, 11, 0, tzinfo=LONDON))
    assert after.local[0].name == "Alderton Alcohol Service" and after.local[0].hours_note is None


def test_a_schedule_that_says_it_opens_on_bank_holidays_is_believed(testshire):
    service = add_service(testshire, "Alderton Holiday Clinic", description="Alcohol clinic.", taxonomy=["Alcohol"],
                          city="Alderton", postcode="XX1 8AA", hours=WEEKDAYS)
    for row in service.schedules:
        row.notes = "Open on bank holidays too."
    shut = add_service(testshire, "Alderton Shut Clinic", description="Alcohol clinic.", taxonomy=["Alcohol"],
                       city="Alderton", postcode="XX1 8AB", hours=WEEKDAYS)
    for row in shut.schedules:
        row.closes_on_bank_holidays = True
    testshire.commit()
    result = search(testshire, ALCOHOL, "Alderton", CHRISTMAS_11AM, limit=10)
    holiday = next(m for m in result.local if m.name == "Alderton Holiday Clinic")
    assert holiday.status.open_now and holiday.hours_note is None
    closed = next(m for m in result.local if m.name == "Alderton Shut Clinic")
    assert not closed.status.open_now and closed.hours_note is None  # the engine's own rule: closed, known
    assert result.local[0].name == "Alderton Holiday Clinic"


# --- Place names with punctuation (issue 8) ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "where, typed",
    [
        ("Brighton & Hove", "brighton & hove"),
        ("Brighton & Hove", "Brighton and Hove"),
        ("King's Lynn", "kings lynn"),
        ("King's Lynn", "King\u2019s Lynn"),
        ("Hull, East Riding", "hull, east riding"),
    ],
)
def test_places_whose_names_carry_punctuation_find_their_services(db_session, where, typed):
    add_service(db_session, f"{where} Alcohol Team", description="Alcohol help.", taxonomy=["Alcohol"],
                city=where, county="Testshire", postcode="XX5 1AA", hours=WEEKDAYS)
    add_service(db_session, f"{where} Families", description="Support for families affected by drinking.",
                taxonomy=["Families"], areas=[where], hours=WEEKDAYS)
    db_session.commit()
    area = AreaIndex.build(db_session, places=[]).resolve(typed)
    assert area is not None and area.name == where
    result = find_services(db_session, need=FAMILY, area=area, now=TUESDAY_11AM, limit=10)
    assert {f"{where} Alcohol Team", f"{where} Families"} <= set(names(result.local))
