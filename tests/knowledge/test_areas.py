"""Areas: places are learnt from the directory itself and found in what people actually type."""
from __future__ import annotations

from dataclasses import dataclass

import pytest

from knowledge.places.areas import Area, AreaIndex, edit_distance, normalise_postcode, postcode_district
from knowledge.store.models import Address, Location, Organization, Service, ServiceArea, ServiceAtLocation


@dataclass(frozen=True)
class Place:  # the gazetteer's shape (knowledge.bundled.loader.Place), kept local so tests choose their own places
    name: str
    county: str
    postcode_districts: tuple[str, ...] = ()
    wider_areas: tuple[str, ...] = ()


def add_located_service(session, name, *, city, county, postcode, areas=()):
    organisation = Organization(name=f"{name} org", description="")
    service = Service(name=name, description="", organization=organisation, source="test")
    location = Location(organization=organisation, name=name)
    location.addresses.append(
        Address(address_1="1 Test Street", city=city, state_province=county, postal_code=postcode)
    )
    service.service_at_locations.append(ServiceAtLocation(location=location))
    for area in areas:
        service.service_areas.append(ServiceArea(name=area))
    session.add_all([organisation, service, location])
    session.flush()
    return service


@pytest.fixture
def index(db_session) -> AreaIndex:
    """A council directory (Worcestershire, Selby) plus a tiny gazetteer (Cheltenham, Leicester, Coventry, Reading)."""
    add_located_service(db_session, "Wyre Recovery", city="Worcester", county="Worcestershire", postcode="WR1 2AB",
                        areas=["Worcester City", "Worcestershire"])
    add_located_service(db_session, "Redditch Hub", city="Redditch", county="Worcestershire", postcode="b97 4aa")
    add_located_service(db_session, "Selby Drop-in", city="Selby", county="North Yorkshire", postcode="YO8 4AA")
    add_located_service(db_session, "Stoke Service", city="Stoke-on-Trent", county="Staffordshire", postcode="ST1 1AA")
    db_session.commit()
    places = [
        Place("Cheltenham", "Gloucestershire", ("GL50", "GL51")),
        Place("Leicester", "Leicester", ("LE1",), ("Leicestershire",)),
        Place("Coventry", "Coventry", ("CV1",)),
        Place("Reading", "Berkshire", ("RG1",)),
        Place("Milton Keynes", "Milton Keynes", ("MK9",)),
    ]
    return AreaIndex.build(db_session, places=places)


def test_postcodes_are_normalised_with_or_without_the_space():
    assert normalise_postcode("wr12ab") == "WR1 2AB"
    assert normalise_postcode("my postcode is Wr1 2ab thanks") == "WR1 2AB"
    assert normalise_postcode("GL50 1AA") == "GL50 1AA"
    assert normalise_postcode("help") is None
    assert postcode_district("wr12ab") == "WR1"
    assert postcode_district("gl50") == "GL50"
    assert postcode_district("EC1A 1BB") == "EC1A"
    assert postcode_district("hello") is None


def test_edit_distance_counts_a_swap_as_one():
    assert edit_distance("leicster", "leicester") == 1
    assert edit_distance("cheltnam", "cheltenham") == 2
    assert edit_distance("leicsetre", "leicester") == 2
    assert edit_distance("abc", "xyzzz", limit=1) == 2  # early stop returns limit + 1


def test_towns_counties_and_service_areas_come_from_the_directory(index):
    assert index.resolve("Worcester") == Area("Worcester", "town", None, ("Worcestershire",))
    county = index.resolve("worcestershire")
    assert county.kind == "county" and county.name == "Worcestershire"
    assert index.resolve("worcester city").kind == "service_area"
    assert "Redditch" in index.names() and "WR1" in index.names()


def test_gazetteer_places_and_their_wider_areas(index):
    leicester = index.resolve("leicester")
    assert leicester.kind == "town" and "Leicestershire" in leicester.containing
    assert index.resolve("Cheltenham").containing == ("Gloucestershire",)
    assert set(index.members("Gloucestershire")) >= {"Cheltenham"}


@pytest.mark.parametrize(
    "text, name",
    [
        ("cheltnam", "Cheltenham"),
        ("leicster", "Leicester"),
        ("coventy", "Coventry"),
        ("im in cheltenham", "Cheltenham"),
        ("near Worcester please", "Worcester"),
        ("around REDDITCH", "Redditch"),
        ("Stoke on Trent", "Stoke-on-Trent"),
        ("stoke-on-trent", "Stoke-on-Trent"),
        ("miltonkeynes", "Milton Keynes"),
        ("worried about my son in redditch, he drinks", "Redditch"),
        ("Worcester, Worcestershire", "Worcester"),
    ],
)
def test_places_are_found_in_whole_messages_with_typos(index, text, name):
    area = index.resolve(text)
    assert area is not None and area.name == name


@pytest.mark.parametrize(
    "text",
    ["help", "drink", "son", "sell", "silly", "i need help with my drinking", "my son", "hello?", "im 15",
     "worried about my sons drinking", "cant stop using gear", "got nowhere to sleep tonight", "yes", "", "   "],
)
def test_ordinary_words_are_not_places(index, text):
    assert index.resolve(text) is None


def test_a_place_that_is_also_a_word_needs_to_be_given_as_a_place(index):
    assert index.resolve("i was reading about drink") is None
    assert index.resolve("reading").name == "Reading"
    assert index.resolve("i live in reading").name == "Reading"


def test_short_names_are_never_matched_fuzzily(index):
    # "selby" is five letters: one typo is allowed, but only with the same first letter.
    assert index.resolve("selbi").name == "Selby"
    assert index.resolve("kelby") is None


def test_postcode_districts_of_service_addresses_are_known(index):
    area = index.resolve("my postcode is wr12ab")
    assert area.kind == "postcode_district" and area.name == "WR1" and area.postcode_district == "WR1"
    assert area.containing == ("Worcester", "Worcestershire")
    assert index.resolve("B97 4AA").containing[0] == "Redditch"
    assert index.resolve("gl50").containing == ("Cheltenham", "Gloucestershire")


def test_an_unknown_but_well_formed_postcode_still_resolves_so_the_reply_can_say_so(index):
    area = index.resolve("NE1 4ST")
    assert area == Area(name="NE1", kind="postcode_district", postcode_district="NE1", containing=())
    assert index.resolve("ne1") == area  # a bare district as the whole answer
    assert index.resolve("i am in ne1").name == "NE1"


def test_a_resolved_name_resolves_to_itself(index):
    # The bot stores area.name in a slot and resolves it again later.
    for text in ("cheltnam", "wr1 2ab", "Worcestershire", "worcester city"):
        area = index.resolve(text)
        assert index.resolve(area.name) == area


def test_county_abbreviations(index):
    assert index.resolve("worcs").name == "Worcestershire"
    assert index.resolve("glos") == index.resolve("Gloucestershire")


def test_the_index_knows_when_the_directory_has_changed(db_session, index):
    assert index.is_current(db_session)
    add_located_service(db_session, "Kidderminster Hub", city="Kidderminster", county="Worcestershire",
                        postcode="DY10 1AA")
    db_session.commit()
    assert not index.is_current(db_session)
    rebuilt = AreaIndex.build(db_session, places=[])
    assert rebuilt.resolve("kiddermister").name == "Kidderminster"
    assert rebuilt.version != index.version


def test_the_bundled_gazetteer_is_used_by_default(db_session):
    index = AreaIndex.build(db_session)
    assert index.resolve("cheltenham").containing == ("Gloucestershire",)


def test_the_whole_country_is_not_an_area(db_session):
    national = Service(name="A national line", description="", is_national=True, source="test")
    national.service_areas.append(ServiceArea(name="England"))
    local = Service(name="A local line", description="", source="test")
    local.service_areas.append(ServiceArea(name="Nationwide"))
    db_session.add_all([national, local])
    db_session.commit()
    index = AreaIndex.build(db_session, places=[])
    assert index.resolve("anywhere in england") is None
    assert index.resolve("nationwide") is None


# --- places as people write them (issue 8) -------------------------------------------------------------------------


@pytest.fixture
def punctuated(db_session) -> AreaIndex:
    """A directory whose place names carry "&", an apostrophe, a comma and a prefix, as council data does."""
    add_located_service(db_session, "Lynn Recovery", city="King's Lynn", county="Norfolk", postcode="PE30 1AA")
    add_located_service(db_session, "Yarmouth Alcohol Hub", city="Great Yarmouth", county="Norfolk", postcode="NR30 1AA")
    add_located_service(db_session, "Sussex Alcohol Line", city="Brighton & Hove", county="East Sussex", postcode="BN1 1AA")
    add_located_service(db_session, "Humber Drug Help", city="Hull", county="East Riding", postcode="HU1 1AA",
                        areas=["Hull, East Riding"])
    add_located_service(db_session, "Brum Drug Hub", city="Birmingham", county="West Midlands", postcode="B1 1AA")
    add_located_service(db_session, "Avon Drop-in", city="Stratford-upon-Avon", county="Warwickshire",
                        postcode="CV37 6AA")
    db_session.commit()
    return AreaIndex.build(db_session, places=[])


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("yarmouth", "Great Yarmouth"),
        ("im in yarmouth", "Great Yarmouth"),
        ("lynn", "King's Lynn"),
        ("kings lynn", "King's Lynn"),
        ("King\u2019s Lynn", "King's Lynn"),
        ("king\u2018s lynn", "King's Lynn"),
        ("brum", "Birmingham"),
        ("near brum pls", "Birmingham"),
        ("Brighton & Hove", "Brighton & Hove"),
        ("brighton and hove", "Brighton & Hove"),
        ("Hull, East Riding", "Hull, East Riding"),
        ("hull", "Hull"),
        ("stratford", "Stratford-upon-Avon"),
    ],
)
def test_places_are_understood_as_people_write_them(punctuated, text, name):
    found = punctuated.resolve(text)
    assert found is not None and found.name == name


def test_an_alias_leads_to_the_same_area_as_the_place_itself(punctuated):
    assert punctuated.resolve("yarmouth") == punctuated.resolve("Great Yarmouth")
    assert punctuated.resolve("yarmouth").containing == ("Norfolk",)


def test_a_local_name_for_a_place_no_service_covers_is_not_a_place(index):
    assert index.resolve("brum") is None  # the gazetteer alias applies only when Birmingham is known


@pytest.mark.parametrize(
    ("text", "district"), [("WR1", "WR1"), ("wr1", "WR1"), ("im in WR1", "WR1"), ("WR1 please", "WR1"), ("PE30", "PE30")]
)
def test_a_postcode_district_alone_is_a_place(index, text, district):
    found = index.resolve(text)
    assert found is not None and found.kind == "postcode_district" and found.name == district


def test_the_gazetteer_aliases_are_documented_data():
    import json

    from knowledge.bundled.loader import PLACES_FILE

    aliases = json.loads(PLACES_FILE.read_text(encoding="utf-8"))["aliases"]
    assert aliases["brum"] == "Birmingham" and "_note" in aliases


@pytest.mark.parametrize(
    ("typed", "service"),
    [
        ("king\u2019s lynn", "Lynn Recovery"),
        ("lynn", "Lynn Recovery"),
        ("brighton and hove", "Sussex Alcohol Line"),
        ("Brighton & Hove", "Sussex Alcohol Line"),
        ("Hull, East Riding", "Humber Drug Help"),
        ("yarmouth", "Yarmouth Alcohol Hub"),
        ("brum", "Brum Drug Hub"),
    ],
)
def test_a_place_written_any_way_gets_its_local_services(db_session, punctuated, typed, service):
    """The area the index gives back is one the search finds local services for (same normalising both sides)."""
    from datetime import datetime

    from knowledge.hours.engine import LONDON
    from knowledge.needs.catalogue import need_by_code
    from knowledge.search.finder import find_services

    area = punctuated.resolve(typed)
    result = find_services(
        db_session, need=need_by_code("general"), area=area, now=datetime(2026, 11, 24, 11, tzinfo=LONDON),
        area_index=punctuated,
    )
    assert service in [match.name for match in result.local]
