"""Each ranking rule of issue 8, on its own (knowledge/ranking) and through the search on the fictional county."""
from __future__ import annotations

import datetime as dt

import pytest

from knowledge.bundled.loader import load_bundled
from knowledge.formats.importer import import_hsds
from knowledge.hours.engine import LONDON
from knowledge.needs.catalogue import ALCOHOL, CUT_DOWN, FAMILY, HARM_REDUCTION, Fit, need_by_code
from knowledge.places.areas import AreaIndex
from knowledge.ranking.groups import person_groups, service_groups
from knowledge.ranking.model import NO_CONTACT, Facts, rank, score
from knowledge.ranking.offers import offered_text
from knowledge.search.finder import Person, find_services
from tests.relevance.county import build

# --- What a description offers ----------------------------------------------------------------------------------


def test_a_negated_clause_is_not_an_offer_but_the_rest_of_the_sentence_is():
    text = offered_text("Prescriptions and flu jabs. We do not run a needle exchange: ask us where the nearest one is.")
    assert "needle" not in text and "ask us where the nearest one is" in text


def test_a_negation_in_the_reason_a_service_exists_is_about_the_people_not_the_offer():
    text = offered_text("For grandparents bringing up a child because the parents' drug use means they cannot.")
    assert "for grandparents bringing up a child" in text and "drug use" in text
    assert "detox" not in offered_text("We cannot offer detox because we are not a clinic.")


def test_refreshments_and_statements_about_people_are_not_offers():
    assert "drink" not in offered_text("Low-cost food for families, with tea, coffee and soft drinks.")
    assert "drink" not in offered_text("Fun swimming for families. Drinks and snacks in the café.")
    assert "drinking" not in offered_text("Support for anyone facing abuse. Abuse is often worse when a partner drinks.")
    assert "addiction" not in offered_text("Books on mental health, recovery and addiction to borrow.")


def test_html_is_read_as_text():
    assert offered_text("<p>Help with <strong>drinking</strong> &amp; drugs.</p>") == "help with drinking drugs"


# --- Special groups -------------------------------------------------------------------------------------------


def test_a_service_belongs_to_a_group_by_what_it_is_not_by_what_it_mentions():
    assert service_groups("through the gate ; prison release", None, None) == {"prison"}
    assert service_groups("recovery hub ; drug and alcohol treatment", 18, None) == frozenset()
    assert service_groups("youth trust", None, None) == {"young_people"}
    assert service_groups("alcohol support", None, 17) == {"young_people"}
    assert service_groups("alcohol support", 55, None) == {"older"}


def test_a_person_is_in_a_group_by_what_they_ask_their_age_or_whom_they_write_about():
    assert person_groups("criminal_justice") == {"prison"}
    assert person_groups("alcohol", age=15) == {"young_people"}
    assert person_groups("family", for_whom="someone_else", age=16) == {"family", "young_people"}
    assert person_groups("alcohol", age=70) == {"older"}
    assert person_groups("peer_support", stated=("women",)) == {"women"}


# --- The score ---------------------------------------------------------------------------------------------------


def facts(**changes) -> Facts:
    values = dict(
        key="a", name="A", fit=int(Fit.TAXONOMY), need_reason="helps with drinking", groups=frozenset(),
        person_groups=frozenset(), minimum_age=None, maximum_age=None, person_age=None, proximity=3,
        availability="open", names_substance=False, contactable=True,
    )
    values.update(changes)
    return Facts(**values)


def test_every_factor_is_a_reason_with_its_points():
    scored = score(facts(groups=frozenset({"family"}), person_groups=frozenset({"family"}), minimum_age=55,
                         person_age=60, has_contact=True))
    assert scored.reasons == (
        "helps with drinking: for exactly this +40", "for families +12", "for this age +4",
        "a checked phone, text or web contact +3", "in the place itself +10", "open now +30",
    )
    assert scored.score == 99 and scored.offered


def test_a_service_for_a_group_the_person_is_not_in_is_not_offered():
    scored = score(facts(groups=frozenset({"prison"})))
    assert not scored.offered and scored.excluded == "only for people leaving prison or on probation"
    assert score(facts(contactable=False)).excluded == NO_CONTACT


def test_availability_is_weighted_not_the_first_key():
    near_and_exact = facts(key="hub", name="Hub", availability="within_a_day")
    far_and_open = facts(key="line", name="Line", fit=int(Fit.RELATED_TAXONOMY), proximity=0)
    assert [s.facts.key for s in rank([far_and_open, near_and_exact])] == ["hub", "line"]
    # Asking for something open now doubles what being open is worth.
    assert score(facts(wants_open_now=True)).score - score(facts()).score == 30


def test_an_adults_only_limit_is_not_a_fit_to_the_person_but_an_age_group_is():
    adults = score(facts(minimum_age=18, person_age=72)).score
    assert adults == score(facts(person_age=72)).score
    assert score(facts(minimum_age=55, person_age=72)).score == adults + 4
    assert score(facts(minimum_age=11, maximum_age=18, person_age=15)).score == adults + 4


def test_a_website_with_no_hours_is_there_any_time_but_a_line_you_can_ring_comes_first():
    website = facts(key="web", name="Advice website", availability="unknown", has_contact=True, online_only=True)
    line = facts(key="line", name="Line", availability="open", has_contact=True)
    assert "online, any time +30" in score(website).reasons and "a checked web address +1" in score(website).reasons
    assert score(website).score > score(facts(availability="unknown", has_contact=True)).score
    assert [s.facts.key for s in rank([website, line])] == ["line", "web"]


def test_a_family_member_s_own_support_comes_before_help_for_the_one_they_worry_about():
    for_them = facts(key="them", name="A young people's service", groups=frozenset({"young_people"}),
                     person_groups=frozenset({"young_people", "family"}), minimum_age=11, maximum_age=18,
                     person_age=16)
    for_you = facts(key="you", name="Family support", groups=frozenset({"family"}),
                    person_groups=frozenset({"young_people", "family"}), for_writer=True)
    assert "help for you +10" in score(for_you).reasons
    assert [s.facts.key for s in rank([for_them, for_you])] == ["you", "them"]


def test_help_collected_in_person_counts_nearness_three_times():
    in_town = facts(key="town", name="Town pharmacy", fit=int(Fit.TEXT), collected_in_person=True)
    elsewhere = facts(key="far", name="Tagged exchange", proximity=1, groups=frozenset({"injecting"}),
                      person_groups=frozenset({"injecting"}), collected_in_person=True)
    assert score(in_town).score - score(facts(fit=int(Fit.TEXT))).score == 20
    assert [s.facts.key for s in rank([elsewhere, in_town])] == ["town", "far"]
    # Without it, the tagged exchange two towns away would lead.
    plain = [facts(key="town", name="Town pharmacy", fit=int(Fit.TEXT)),
             facts(key="far", name="Tagged exchange", proximity=1, groups=frozenset({"injecting"}),
                   person_groups=frozenset({"injecting"}))]
    assert [s.facts.key for s in rank(plain)] == ["far", "town"]


def test_equal_scores_put_a_specialist_and_then_the_narrower_purpose_first():
    gp = facts(key="gp", name="A Health Centre Alcohol Clinic", breadth=1)
    hub = facts(key="hub", name="Z Recovery Hub", specialist=True, breadth=2)
    assert [s.facts.key for s in rank([gp, hub])] == ["hub", "gp"]
    broad = facts(key="111", name="Alpha line", breadth=3)
    narrow = facts(key="sam", name="Zulu line", breadth=1)
    assert [s.facts.key for s in rank([broad, narrow])] == ["sam", "111"]


def test_ties_are_broken_the_same_way_every_time():
    a, b = facts(key="2", name="Beta"), facts(key="1", name="Alpha")
    assert [s.facts.name for s in rank([a, b])] == [s.facts.name for s in rank([b, a])] == ["Alpha", "Beta"]


# --- Through the search, on the fictional county --------------------------------------------------------------


@pytest.fixture
def county(db_session):
    load_bundled(db_session, include_seeds=False)
    assert import_hsds(db_session, build(), today=dt.date(2026, 11, 20)).rejected == []
    db_session.commit()
    return db_session


def search(session, need, where, when, **person):
    index = AreaIndex.build(session)
    return find_services(session, need=need, area=index.resolve(where), now=when, person=Person(**person),
                         area_index=index)


TUESDAY_11AM = dt.datetime(2026, 12, 1, 11, 0, tzinfo=LONDON)


def names(matches):
    return [m.name for m in matches]


def test_a_food_larder_offering_soft_drinks_is_not_drinking_help(county):
    result = search(county, ALCOHOL, "Dunmere", TUESDAY_11AM)
    assert "Dunmere Community Food Larder" not in names(result.first) + names(result.more)


def test_a_pharmacy_that_does_not_run_a_needle_exchange_is_not_offered_for_needles(county):
    result = search(county, HARM_REDUCTION, "Dunmere", TUESDAY_11AM)
    assert "Ollerby Lane Pharmacy" not in names(result.first) + names(result.more)
    assert result.first[0].name == "Brackenford Needle Exchange"


def test_a_parent_worried_about_their_son_is_not_sent_to_domestic_abuse_or_swimming(county):
    result = search(county, FAMILY, "Brackenford", TUESDAY_11AM, for_whom="someone_else", relationship="son",
                    substance="alcohol")
    shown = names(result.first) + names(result.more)
    assert "Wendmoor Domestic Abuse Service" not in shown and "Family Swim Sessions" not in shown
    assert result.first[0].name == "Wendmoor Families Together" and result.first[0].for_whom == "you"


def test_cutting_down_is_not_answered_with_prison_or_young_peoples_services(county):
    result = search(county, CUT_DOWN, "Brackenford", TUESDAY_11AM, substance="wine")
    shown = names(result.first) + names(result.more)
    assert not {"Through the Gate Wendmoor", "Junction Young People's Service", "Brackenford Needle Exchange"} & set(
        shown
    )
    assert result.first[0].name in ("Drink Less Wendmoor", "Drinkline")  # both are for exactly this
    assert "Drink Less Wendmoor" in shown


def test_a_young_writer_worried_about_their_mum_gets_help_for_young_people(county):
    result = search(county, FAMILY, "Brackenford", TUESDAY_11AM.replace(hour=16), for_whom="someone_else",
                    relationship="mum", writer_age=14, substance="alcohol")
    shown = names(result.first)
    assert shown[0] == "Junction Young People's Service"
    assert {"Childline", "Nacoa"} <= set(shown)
    adult = {"Wendmoor Recovery Hub", "Brackenford Needle Exchange", "Through the Gate Wendmoor"}
    assert not adult & set(shown + names(result.more))
    assert result.help_need.code == "young_family"


def test_a_writer_s_age_is_not_the_age_of_the_person_they_write_about(county):
    parent = search(county, need_by_code("family"), "Brackenford", TUESDAY_11AM, for_whom="someone_else",
                    relationship="mum", writer_age=35, substance="alcohol")
    assert "Wendmoor Young Carers" not in names(parent.first) + names(parent.more)
    assert parent.help_need.code == "alcohol"


def test_a_county_asked_about_puts_its_county_wide_service_before_one_town_s(county):
    result = search(county, ALCOHOL, "Wendmoor", TUESDAY_11AM)
    hub = next(m for m in result.first if m.name == "Wendmoor Recovery Hub")
    town = next(m for m in [*result.first, *result.more] if m.name == "Calderwick Recovery Hub")
    assert "in the place itself +10" in hub.ranking and "in the place itself +10" not in town.ranking
    assert names(result.first).index("Wendmoor Recovery Hub") < names([*result.first, *result.more]).index(
        "Calderwick Recovery Hub")


def test_needles_in_a_town_come_from_its_own_pharmacy_first(county):
    result = search(county, HARM_REDUCTION, "Calderwick", dt.datetime(2026, 12, 5, 12, 0, tzinfo=LONDON))
    assert result.first[0].name == "Market Street Pharmacy"


def test_samaritans_lead_nhs_111_for_mental_health_when_both_are_open(county):
    result = search(county, need_by_code("mental_health"), None, TUESDAY_11AM)
    shown = names(result.first)
    assert shown.index("Samaritans") < shown.index("NHS 111")


def test_cutting_down_leads_with_the_local_online_programme(county):
    result = search(county, CUT_DOWN, "Brackenford", TUESDAY_11AM, substance="wine")
    assert result.first[0].name == "Drink Less Wendmoor"
    assert "online, any time +30" in result.first[0].ranking


def test_grandparents_bringing_up_a_grandchild_are_offered_kinship_carers(county):
    result = search(county, need_by_code("family"), "Brackenford", dt.datetime(2026, 12, 2, 11, 0, tzinfo=LONDON),
                    for_whom="someone_else", relationship="daughter", substance="drugs")
    assert "Wendmoor Kinship Carers" in names(result.first)
