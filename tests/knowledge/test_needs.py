"""Needs: intents map to needs, and a council's own words for a service are recognised."""
from __future__ import annotations

import pytest

from knowledge.needs.catalogue import (
    ALCOHOL,
    CRIMINAL_JUSTICE,
    CUT_DOWN,
    DRUGS,
    FAMILY,
    GENERAL,
    HARM_REDUCTION,
    HOUSING,
    MENTAL_HEALTH,
    NEEDS,
    OUT_OF_HOURS,
    PEER_SUPPORT,
    YOUNG_PEOPLE,
    Fit,
    need_by_code,
    need_for_intent,
    need_for_substance,
    normalise_text,
    service_fit,
)


@pytest.mark.parametrize(
    "intent, code",
    [
        ("help_alcohol", "alcohol"),
        ("help_drugs", "drugs"),
        ("cut_down", "cut_down"),
        ("worried_about_someone", "family"),
        ("family_support", "family"),
        ("young_person", "young_people"),
        ("prison_release", "criminal_justice"),
        ("homeless", "housing"),
        ("peer_support", "peer_support"),
        ("harm_reduction", "harm_reduction"),
        ("mental_health", "mental_health"),
        ("whats_open_now", "out_of_hours"),
        ("unsure", "general"),
        ("greet", "general"),
        ("", "general"),
    ],
)
def test_every_dialogue_intent_has_a_need(intent, code):
    assert need_for_intent(intent).code == code


def test_an_open_question_with_a_substance_narrows_to_drink_or_drugs():
    assert need_for_intent("unsure", substance="booze") is ALCOHOL
    assert need_for_intent("unsure", substance="heroin") is DRUGS
    # A specific intent keeps its own need whatever the substance.
    assert need_for_intent("family_support", substance="crack") is FAMILY


@pytest.mark.parametrize(
    "word, need",
    [("alcohol", ALCOHOL), ("vodka", ALCOHOL), ("cider", ALCOHOL), ("gear", DRUGS), ("spice", DRUGS),
     ("crack cocaine", DRUGS), ("ketamine", DRUGS), (None, GENERAL), ("stuff", GENERAL)],
)
def test_substance_words_map_to_alcohol_or_drugs(word, need):
    assert need_for_substance(word) is need


def test_need_by_code_round_trips_and_defaults_to_general():
    for code, need in NEEDS.items():
        assert need_by_code(code) is need
    assert need_by_code("nonsense") is GENERAL
    assert need_by_code(None) is GENERAL


def test_every_need_speaks_plainly():
    for need in NEEDS.values():
        assert need.label and need.reason and need.lead
        assert "substance misuse" not in need.label


def test_normalise_text_drops_punctuation_accents_and_apostrophes():
    assert normalise_text("Al-Anon Family Groups (UK & Eire)") == "al anon family groups uk eire"
    assert normalise_text("Recovery Café") == "recovery cafe"
    assert normalise_text("someone else's drinking") == "someone elses drinking"


def test_taxonomy_beats_free_text_beats_related_words():
    assert service_fit(ALCOHOL, ["Alcohol"], "Hub", "") is Fit.TAXONOMY
    assert service_fit(ALCOHOL, [], "Alcohol Advice Centre", "") is Fit.TEXT
    assert service_fit(ALCOHOL, ["Substance misuse"], "Hub", "") is Fit.RELATED_TAXONOMY
    assert Fit.TAXONOMY > Fit.TEXT > Fit.RELATED_TAXONOMY > Fit.RELATED_TEXT > Fit.NONE


def test_a_council_that_says_substance_misuse_recovery_matches_drink_and_drugs():
    name, description = "Testshire Recovery Service", "Substance misuse recovery for adults in Testshire."
    assert service_fit(ALCOHOL, [], name, description) is Fit.RELATED_TEXT
    assert service_fit(DRUGS, [], name, description) is Fit.RELATED_TEXT
    assert service_fit(GENERAL, [], name, description) is Fit.TEXT
    assert service_fit(OUT_OF_HOURS, [], name, description) is Fit.TEXT


def test_stems_and_phrases_match_directory_words():
    assert service_fit(ALCOHOL, [], "Drinkers' group", "") is Fit.TEXT
    assert service_fit(HARM_REDUCTION, [], "Needle exchange", "Pharmacy scheme") is Fit.TEXT
    assert service_fit(HARM_REDUCTION, [], "Pharmacy", "We give out naloxone kits") is Fit.TEXT
    assert service_fit(CRIMINAL_JUSTICE, [], "Through the Gate", "Support on release from HMP") is Fit.TEXT
    assert service_fit(HOUSING, [], "Night shelter", "For people sleeping rough") is Fit.TEXT
    assert service_fit(MENTAL_HEALTH, [], "Dual diagnosis team", "") is Fit.TEXT
    assert service_fit(PEER_SUPPORT, [], "AA meeting", "Alcoholics Anonymous, Tuesdays") is Fit.TEXT
    assert service_fit(PEER_SUPPORT, [], "SMART Recovery", "Mutual aid for drug and alcohol problems") is Fit.TEXT
    assert service_fit(CUT_DOWN, [], "Drink less", "Brief advice on alcohol") is Fit.TEXT
    assert service_fit(FAMILY, [], "Carers' group", "For carers and concerned others of people who drink") is Fit.TEXT


def test_drink_words_do_not_fit_a_drugs_only_service_and_vice_versa():
    assert service_fit(ALCOHOL, ["Drugs"], "Opiate clinic", "Methadone and heroin support") is Fit.NONE
    assert service_fit(DRUGS, ["Alcohol"], "Alcohol Advice Centre", "Help with drinking") is Fit.NONE


def test_family_youth_and_group_words_need_a_drug_or_alcohol_service():
    # A council directory is full of family services, youth clubs and groups that are not about drink or drugs.
    assert service_fit(FAMILY, ["Families"], "Families First", "Parenting support for all families") is Fit.NONE
    assert service_fit(YOUNG_PEOPLE, [], "Youth club", "Games and sport for young people") is Fit.NONE
    assert service_fit(PEER_SUPPORT, [], "Knitting group", "Meets on Mondays") is Fit.NONE
    # ... but the same words count for a drug and alcohol service.
    assert service_fit(FAMILY, ["Families"], "Families First", "For families affected by drug use") is Fit.TAXONOMY
    assert service_fit(YOUNG_PEOPLE, [], "Young people's service", "Drug and alcohol help for under 18s") is Fit.TEXT


def test_words_inside_other_words_do_not_match():
    # "aa" must be a word, "spice" is not "spicer", "crack" is not "crackers".
    assert service_fit(ALCOHOL, [], "Bazaar", "Spicer Street crackers") is Fit.NONE
    assert service_fit(DRUGS, [], "Bazaar", "Spicer Street crackers") is Fit.NONE


def test_help_for_a_young_person_worried_about_a_parent_is_recognised_from_a_service_s_own_words():
    from knowledge.needs.catalogue import YOUNG_FAMILY

    young_carers = service_fit(YOUNG_FAMILY, ["Young carers", "Children affected by parental substance use"],
                               "Wendmoor Young Carers", "")
    assert young_carers is Fit.TAXONOMY
    # Families words alone are support for adults; without drink or drugs a youth club is not this help.
    assert service_fit(YOUNG_FAMILY, ["Family support"], "Families Together", "for partners of drinkers") < Fit.TEXT
    assert service_fit(YOUNG_FAMILY, ["Youth club"], "Saturday Youth Club", "Games and sport.") is Fit.NONE
    assert need_by_code("young_family") is YOUNG_FAMILY
