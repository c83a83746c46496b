"""The ONS GSS code of the council area a resolved place lies in (data/area_codes.json, with its source).

Events hold the code, never the words a person typed: "cheltnam", "GL52 3AB" and "Cheltenham" all become
E07000078. A place inside a district (a town, a postcode district) takes the district's code; a county named on
its own takes the county's code; a place we have no code for is "unknown", and no place at all is "not_given".
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from knowledge.needs.catalogue import normalise_text
from knowledge.places.areas import Area

CODES_FILE = Path(__file__).resolve().parent / "data" / "area_codes.json"

UNKNOWN = "unknown"
NOT_GIVEN = "not_given"


@dataclass(frozen=True)
class CodeBook:
    district_by_place: dict[str, str]
    county_by_name: dict[str, str]
    names: dict[str, str]  # code -> ONS name


@lru_cache(maxsize=1)
def code_book() -> CodeBook:
    data = json.loads(CODES_FILE.read_text(encoding="utf-8"))
    districts: dict[str, str] = {}
    names: dict[str, str] = {}
    for district in data["districts"]:
        names[district["code"]] = district["name"]
        for place in district["places"]:
            districts[normalise_text(place)] = district["code"]
    counties = {normalise_text(c["name"]): c["code"] for c in data["counties"]}
    names.update({c["code"]: c["name"] for c in data["counties"]})
    return CodeBook(districts, counties, names)


def area_code(area: Area | None) -> str:
    """The most specific ONS code for ``area``: its district, else a county named alone, else "unknown"."""
    if area is None:
        return NOT_GIVEN
    if area.kind == "unknown":
        return UNKNOWN
    book = code_book()
    names = [normalise_text(n) for n in (area.name, *area.containing)]
    for name in names:
        if name in book.district_by_place:
            return book.district_by_place[name]
    for name in names:
        if name in book.county_by_name:
            return book.county_by_name[name]
    return UNKNOWN


def area_label(code: str) -> str:
    """What a report calls an area: its ONS name and code, or plain words for the two non-codes."""
    if code == NOT_GIVEN:
        return "No area given"
    if code == UNKNOWN:
        return "Area without a known code"
    name = code_book().names.get(code)
    if name is None:
        return code
    if code.startswith("E10"):
        return f"{name} ({code}, county: district not given)"
    return f"{name} ({code})"
