"""What a person needs, in a fixed set of plain codes, and how to recognise a service that meets it.

Every council's directory uses its own words: one says "substance misuse recovery", another "alcohol advice",
a third tags "Drug and alcohol services" in a local taxonomy. So a :class:`Need` carries vocabulary (words and
stems) that is matched against a service's taxonomy terms *and* its name and description. A need has two
vocabularies:

* ``vocabulary``: words that say the service is *for* this need ("needle exchange" for harm reduction);
* ``related``: words for services that usually help too, but are not specific ("substance misuse" for
  drinking; any drug or alcohol service for someone leaving prison).

Some words are only meaningful next to drink or drugs ("families", "young people", "groups" appear all over a
council directory), so those needs set ``needs_substance_context``: a service must *also* be a drug or alcohol
service for the match to count.

Vocabulary syntax: lower case; a trailing ``*`` is a stem (``drink*`` matches "drinking", "drinkers"); several
words are a phrase matched in order. Text is normalised first (accents, apostrophes and punctuation removed), so
"Al-Anon" is written ``al anon`` and "someone else's" ``someone elses``.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Iterable, Sequence

__all__ = [
    "Need",
    "Fit",
    "NEEDS",
    "ALCOHOL",
    "DRUGS",
    "CUT_DOWN",
    "FAMILY",
    "YOUNG_PEOPLE",
    "YOUNG_FAMILY",
    "CRIMINAL_JUSTICE",
    "HOUSING",
    "PEER_SUPPORT",
    "HARM_REDUCTION",
    "MENTAL_HEALTH",
    "GENERAL",
    "OUT_OF_HOURS",
    "normalise_text",
    "need_by_code",
    "need_for_intent",
    "need_for_substance",
    "service_fit",
]


def normalise_text(text: str | None) -> str:
    """Lower case, no accents, apostrophes dropped, any other punctuation a space, single spaces.

    ``"Al-Anon Family Groups (UK & Eire)"`` -> ``"al anon family groups uk eire"``.
    """
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
    plain = re.sub(r"['\u2019`]", "", plain)
    plain = re.sub(r"[^a-z0-9]+", " ", plain)
    return plain.strip()


def _compile(words: Iterable[str]) -> re.Pattern[str] | None:
    """One regex for a vocabulary, matching whole words (stems may run on: ``drink*``)."""
    parts = []
    for entry in words:
        tokens = normalise_text(entry.replace("*", " STEM ")).split()
        pattern_tokens: list[str] = []
        for token in tokens:
            if token == "stem":
                if pattern_tokens:
                    pattern_tokens[-1] += r"\w*"
                continue
            pattern_tokens.append(re.escape(token))
        if pattern_tokens:
            parts.append(" ".join(pattern_tokens))
    if not parts:
        return None
    # Longest first so a phrase wins over its first word in the alternation (it makes no difference to
    # whether there is a match, but keeps `.group()` useful when debugging).
    parts.sort(key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(parts) + r")\b")


class Fit(IntEnum):
    """How well a service fits a need; higher is better. Taxonomy beats free text (a council tagged it)."""

    NONE = 0
    RELATED_TEXT = 1
    RELATED_TAXONOMY = 2
    TEXT = 3
    TAXONOMY = 4


@dataclass(frozen=True)
class Need:
    code: str
    #: Plain words for the need, e.g. "help with drinking".
    label: str
    #: How a reply opens: "Here's {lead} in Cheltenham."
    lead: str
    #: Why a service that fits was chosen, as shown to the person: "helps with drinking".
    reason: str
    vocabulary: tuple[str, ...] = field(repr=False)
    related: tuple[str, ...] = field(default=(), repr=False)
    needs_substance_context: bool = False
    #: Help a person must go and get (needles, naloxone): a service in their own town matters most.
    collected_in_person: bool = False
    _pattern: re.Pattern[str] | None = field(default=None, init=False, repr=False, compare=False)
    _related_pattern: re.Pattern[str] | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_pattern", _compile(self.vocabulary))
        object.__setattr__(self, "_related_pattern", _compile(self.related))

    def matches(self, text: str) -> bool:
        """Does (already normalised) ``text`` use this need's own vocabulary?"""
        return bool(self._pattern and self._pattern.search(text))

    def matches_related(self, text: str) -> bool:
        return bool(self._related_pattern and self._related_pattern.search(text))


# --- Vocabulary --------------------------------------------------------------------------------------------------

_ALCOHOL_WORDS = (
    "alcohol*", "drink*", "drunk*", "booze", "alcoholics anonymous", "aa", "drinkline", "drinkaware",
    "sober*", "sobriety", "al anon", "alateen", "nacoa", "liver",
)
_DRUG_WORDS = (
    "drug*", "heroin", "opiat*", "opioid*", "crack", "cocaine", "cannabis", "spice", "methadone",
    "buprenorphine", "subutex", "narcotic*", "ketamine", "chemsex", "steroid*", "mephedrone", "gbl", "ghb",
    "benzodiazepine*", "benzos", "legal highs", "psychoactive", "nps", "needle*", "syringe*", "naloxone",
    "injecting", "talk to frank", "cocaine anonymous", "narcotics anonymous", "amphetamine*", "mdma", "ecstasy",
)
#: Words a drug-and-alcohol directory uses for services that cover both.
_TREATMENT_WORDS = (
    "substance misuse", "substance use", "substance abuse", "substances", "addiction*", "addict*",
    "recovery", "detox*", "rehab*", "rehabilitation", "dependency", "dependence", "dual diagnosis",
    "drug and alcohol", "drugs and alcohol", "alcohol and drug*", "twelve step*", "12 step*",
    "smart recovery", "mutual aid",
)
_ANY_SUBSTANCE_HELP = _ALCOHOL_WORDS + _DRUG_WORDS + _TREATMENT_WORDS

ALCOHOL = Need(
    code="alcohol",
    label="help with drinking",
    lead="what can help with drinking",
    reason="helps with drinking",
    vocabulary=_ALCOHOL_WORDS,
    related=_TREATMENT_WORDS,
)
DRUGS = Need(
    code="drugs",
    label="help with drugs",
    lead="what can help with drugs",
    reason="helps with drugs",
    vocabulary=_DRUG_WORDS,
    related=_TREATMENT_WORDS,
)
CUT_DOWN = Need(
    code="cut_down",
    label="help to cut down",
    lead="what can help you cut down",
    reason="helps people cut down",
    vocabulary=(
        "cut down", "cutting down", "cut back", "cutting back", "drink less", "drinking less", "use less",
        "reduce your drinking", "reducing your drinking", "reduce drinking", "controlled drinking",
        "moderat*", "brief advice", "brief intervention*", "safer drinking", "lower risk", "drinkline",
        "drinkaware",
    ),
    related=_ANY_SUBSTANCE_HELP,
    needs_substance_context=True,
)
FAMILY = Need(
    code="family",
    label="support for families",
    lead="support for families",
    reason="helps families",
    vocabulary=(
        "famil*", "carer*", "concerned other*", "loved one*", "relatives", "friends and family",
        "someone elses", "someone you care about", "someone close", "affected by someone", "al anon",
        "alateen", "nacoa", "adfam", "drugfam", "children of", "parents of", "living with someone",
        "parental", "a parents", "worried about a parent", "young carer*", "kinship",
    ),
    related=_ANY_SUBSTANCE_HELP,
    needs_substance_context=True,
)
YOUNG_PEOPLE = Need(
    code="young_people",
    label="help for young people",
    lead="help for young people",
    reason="for young people",
    vocabulary=(
        "young people", "young person*", "young adult*", "youth", "teen*", "under 18*", "under 19*",
        "under 21*", "under 25*", "children and young", "students", "childline", "school*", "young carer*",
    ),
    related=_ANY_SUBSTANCE_HELP,
    needs_substance_context=True,
)
#: A child or young person worried about a parent's (or other family member's) drinking or drug use: help for
#: *them* (Childline, Nacoa, a young people's service, young carers), never adult treatment "for you".
YOUNG_FAMILY = Need(
    code="young_family",
    label="help for young people worried about someone's drinking or drugs",
    lead="help for young people worried about someone's drinking or drug use",
    reason="helps young people worried about someone at home",
    vocabulary=(
        "young people", "young person*", "youth", "teen*", "young carer*", "childline", "nacoa", "alateen",
        "children of", "children affected", "parental", "worried about a parent", "a parents",
    ),
    related=("children", "child", "under 18*", "under 19*"),
    needs_substance_context=True,
)
CRIMINAL_JUSTICE = Need(
    code="criminal_justice",
    label="help after prison",
    lead="help after prison or on probation",
    reason="helps people leaving prison or on probation",
    vocabulary=(
        "prison*", "probation", "through the gate", "offender*", "ex offender*", "criminal justice",
        "resettlement", "custody", "liaison and diversion", "released", "leaving prison", "nacro",
        "drug rehabilitation requirement", "alcohol treatment requirement", "court order*",
    ),
    related=_ANY_SUBSTANCE_HELP,
)
HOUSING = Need(
    code="housing",
    label="help with somewhere to stay",
    lead="help with somewhere to stay",
    reason="helps with somewhere to stay",
    vocabulary=(
        "homeless*", "rough sleep*", "nowhere to sleep", "nowhere to stay", "hostel*", "night shelter*",
        "shelter", "emergency accommodation", "supported housing", "housing", "accommodation",
        "no fixed abode", "street outreach", "streetlink", "sleeping rough",
    ),
    related=_ANY_SUBSTANCE_HELP,
)
PEER_SUPPORT = Need(
    code="peer_support",
    label="groups and peer support",
    lead="groups and peer support",
    reason="groups and peer support",
    vocabulary=(
        "peer*", "mutual aid", "support group*", "group*", "meeting*", "alcoholics anonymous",
        "narcotics anonymous", "cocaine anonymous", "aa", "smart recovery", "al anon", "twelve step*",
        "12 step*", "fellowship", "recovery community", "recovery communities", "recovery cafe*", "drop in*",
        "buddy*", "mentor*",
    ),
    related=_ANY_SUBSTANCE_HELP,
    needs_substance_context=True,
)
HARM_REDUCTION = Need(
    code="harm_reduction",
    label="needles and naloxone",
    lead="help with needles and naloxone",
    reason="needles, naloxone and safer use",
    vocabulary=(
        "needle*", "syringe*", "naloxone", "harm reduction", "safer injecting", "injecting equipment",
        "nsp", "blood borne", "bbv", "hepatitis", "safer use",
    ),
    related=_ANY_SUBSTANCE_HELP,
    collected_in_person=True,
)
MENTAL_HEALTH = Need(
    code="mental_health",
    label="help with mental health",
    lead="help with mental health and drink or drugs",
    reason="helps with mental health",
    vocabulary=(
        "mental health", "dual diagnosis", "co occurring", "depress*", "anxiety", "suicid*", "struggling",
        "emotional", "talking therap*", "counsel*", "psycholog*", "samaritans", "crisis",
    ),
    related=_ANY_SUBSTANCE_HELP,
)
GENERAL = Need(
    code="general",
    label="drug and alcohol help",
    lead="drug and alcohol help",
    reason="drug and alcohol help",
    vocabulary=_ANY_SUBSTANCE_HELP,
)
OUT_OF_HOURS = Need(
    code="out_of_hours",
    label="help open now",
    lead="what's open now",
    reason="drug and alcohol help",
    vocabulary=_ANY_SUBSTANCE_HELP,
)

NEEDS: dict[str, Need] = {
    need.code: need
    for need in (
        ALCOHOL, DRUGS, CUT_DOWN, FAMILY, YOUNG_PEOPLE, YOUNG_FAMILY, CRIMINAL_JUSTICE, HOUSING, PEER_SUPPORT,
        HARM_REDUCTION, MENTAL_HEALTH, GENERAL, OUT_OF_HOURS,
    )
}

_INTENT_NEEDS: dict[str, str] = {
    "help_alcohol": "alcohol",
    "help_drugs": "drugs",
    "cut_down": "cut_down",
    "worried_about_someone": "family",
    "family_support": "family",
    "young_person": "young_people",
    "prison_release": "criminal_justice",
    "homeless": "housing",
    "peer_support": "peer_support",
    "harm_reduction": "harm_reduction",
    "mental_health": "mental_health",
    "whats_open_now": "out_of_hours",
    "unsure": "general",
}

#: Substance words (the `substance` entity's values and common slang) that mean drink rather than drugs.
_ALCOHOL_SUBSTANCES = frozenset(
    "alcohol drink drinking drinks booze beer lager cider wine vodka spirits whisky whiskey gin rum "
    "cans bevvy bevvies".split()
)
_DRUG_SUBSTANCES = frozenset(
    "drugs drug heroin gear smack brown crack rock cocaine coke charlie cannabis weed skunk spice mamba "
    "ketamine ket mdma ecstasy pills benzos valium xanax methadone subutex opiates opioids fentanyl meth "
    "speed amphetamine amphetamines mephedrone gbl ghb steroids nitrous".split()
)


def need_by_code(code: str | None) -> Need:
    """The need for a stored code; an unknown or empty code is ``general`` (any drug or alcohol help)."""
    return NEEDS.get((code or "").strip(), GENERAL)


def need_for_substance(substance: str | None) -> Need:
    """``alcohol`` for drink words, ``drugs`` for drug words, else ``general``."""
    words = set(normalise_text(substance).split())
    if words & _ALCOHOL_SUBSTANCES:
        return ALCOHOL
    if words & _DRUG_SUBSTANCES:
        return DRUGS
    return GENERAL


def need_for_intent(intent: str | None, substance: str | None = None) -> Need:
    """The need behind a dialogue intent (docs/dialogue.md).

    ``worried_about_someone`` is ``family``: the search then covers help for the person the family member worries
    about (by ``Person.substance``) *and* support for the family member. A substance named with an open question
    (``unsure``, ``whats_open_now`` keep their own need) narrows ``general`` to drink or drugs.
    """
    code = _INTENT_NEEDS.get((intent or "").strip())
    if code is None or code == "general":
        return need_for_substance(substance)
    return NEEDS[code]


def service_fit(need: Need, taxonomy_terms: Sequence[str], name: str, description: str) -> Fit:
    """How well one service fits ``need``, from its taxonomy term names and its own words.

    Taxonomy terms are a council's deliberate tags, so they count for more than words in a description.
    For needs with ``needs_substance_context``, the service must also be a drug or alcohol service (by taxonomy
    or by its words) before family/youth/group words count.
    """
    return fit_of_normalised(need, normalise_text(" ; ".join(taxonomy_terms)), normalise_text(f"{name} ; {description}"))


def fit_of_normalised(need: Need, taxonomy: str, text: str) -> Fit:
    """:func:`service_fit` for taxonomy and text already passed through :func:`normalise_text` (search keeps them
    so, once per directory version, rather than normalising every service's words on every search)."""
    if need.needs_substance_context and not (GENERAL.matches(taxonomy) or GENERAL.matches(text)):
        return Fit.NONE
    if need.matches(taxonomy):
        return Fit.TAXONOMY
    if need.matches(text):
        return Fit.TEXT
    if need.matches_related(taxonomy):
        return Fit.RELATED_TAXONOMY
    if need.matches_related(text):
        return Fit.RELATED_TEXT
    return Fit.NONE
