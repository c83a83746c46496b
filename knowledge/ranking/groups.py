"""Special groups: services for one kind of person, and which groups the person asking is in.

A prison-release team, a young people's service, a family support group, a night shelter, a needle exchange,
a club for over-55s, a women-only group, a student service or a hospital team is excellent for its own people
and wrong for everyone else. A service belongs to a group when its *identity* (taxonomy terms, name,
organisation, eligibility) says so, or its age limits do (an upper limit under 19: young people; a lower limit
of 50 or more: older people). A description that merely mentions families or prison does not make a group
service: the Recovery Hub that "also supports families" is still for everyone.

A person is in a group when they ask for that thing (the need), or by age, or by saying so (``Person.groups``).
"""
from __future__ import annotations

import re
from typing import Iterable

__all__ = ["GROUP_WORDS", "GROUP_LABELS", "service_groups", "person_groups"]

#: Words in a service's identity that make it a service for one group (normalised text, whole words, * = stem).
GROUP_WORDS: dict[str, tuple[str, ...]] = {
    "prison": (
        "prison*", "probation", "through the gate", "offender*", "criminal justice", "resettlement", "custody",
        "liaison and diversion", "courts", "court order*",
    ),
    "young_people": (
        "young people*", "young person*", "youth", "teen*", "young carer*", "children", "child", "childline",
        "under 18*", "under 19*",
    ),
    "family": (
        "famil*", "carer*", "concerned other*", "loved one*", "relatives", "kinship", "al anon", "alateen",
        "nacoa", "adfam", "parents of",
    ),
    "rough_sleepers": (
        "homeless*", "rough sleep*", "night shelter*", "shelter", "hostel*", "street outreach", "housing",
        "accommodation",
    ),
    "injecting": (
        "needle*", "syringe*", "injecting", "harm reduction", "nsp",
    ),
    "older": ("older people", "older adults", "over 50s", "over 55s", "over 60s", "over 65s", "later life"),
    "women": ("women*", "woman", "female", "mothers", "mums"),
    "students": ("student*", "university", "college"),
    "hospital": ("patients only", "hospital patients", "inpatient*"),
}

#: How a reason names each group: "for families".
GROUP_LABELS = {
    "prison": "for people leaving prison or on probation",
    "young_people": "for young people",
    "family": "for families",
    "rough_sleepers": "for people with nowhere to stay",
    "injecting": "needles and safer injecting",
    "older": "for older people",
    "women": "for women",
    "students": "for students",
    "hospital": "for hospital patients",
}

#: The group a person is in because of what they ask for (need codes, knowledge.needs.catalogue).
NEED_GROUPS = {
    "criminal_justice": "prison",
    "young_people": "young_people",
    "young_family": "young_people",
    "family": "family",
    "housing": "rough_sleepers",
    "harm_reduction": "injecting",
}


def _compile(words: Iterable[str]) -> re.Pattern[str]:
    parts = []
    for entry in words:
        tokens = entry.split()
        pattern = " ".join(re.escape(t.rstrip("*")) + (r"\w*" if t.endswith("*") else "") for t in tokens)
        parts.append(pattern)
    return re.compile(r"\b(?:" + "|".join(parts) + r")\b")


_PATTERNS = {group: _compile(words) for group, words in GROUP_WORDS.items()}


def service_groups(identity: str, minimum_age: int | None, maximum_age: int | None) -> frozenset[str]:
    """The special groups a service is for, from its normalised identity text and its age limits."""
    groups = {group for group, pattern in _PATTERNS.items() if pattern.search(identity)}
    if maximum_age is not None and maximum_age < 19:
        groups.add("young_people")
    if minimum_age is not None and minimum_age >= 50:
        groups.add("older")
    if "young_people" in groups and "family" in groups and "carer" not in identity and "parent" not in identity:
        # "children and families" services are for young people and their families alike: count as young people.
        groups.discard("family")
    return frozenset(groups)


def person_groups(
    need_code: str,
    *,
    age: int | None = None,
    writer_age: int | None = None,
    for_whom: str = "self",
    stated: Iterable[str] = (),
) -> frozenset[str]:
    """The special groups the person is in: from the need, their age, whom they write about, what they said."""
    groups = set(stated)
    if need_code in NEED_GROUPS:
        groups.add(NEED_GROUPS[need_code])
    if for_whom == "someone_else" or need_code == "young_family":
        groups.add("family")
    for years in (age, writer_age):
        if years is not None and years < 18:
            groups.add("young_people")
    if age is not None and age >= 55:
        groups.add("older")
    return frozenset(groups)
