"""Which local services are near an area, and how near: in the place itself, covering the wider area, or based
elsewhere in it. Worked out once per area and directory version (the snapshot keeps it).

Place names are compared with one normaliser (:func:`knowledge.needs.catalogue.normalise_text`), the same the area
index uses, so "Brighton & Hove", "King's Lynn" and "Hull, East Riding" find their services. Asked about a county,
a service for the whole county is "in the place" and one town's service counts as the wider area.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, fields

from knowledge.needs.catalogue import normalise_text
from knowledge.places.areas import Area, AreaIndex, postcode_district
from knowledge.search.snapshot import DirectorySnapshot, ServiceRecord

__all__ = [
    "AreaScope", "area_scope", "locate", "local_services", "IN_PLACE", "COVERS_AREA", "ELSEWHERE_IN_AREA",
    "PART_OF_AREA",
]


@dataclass(frozen=True)
class AreaScope:
    """Normalised names that count as "in the area" (``inside``: the place and the places in it) or "covering it"
    (``covering``: the areas that contain it), and the postcode districts to look up."""

    inside: frozenset[str]
    covering: frozenset[str]
    districts: frozenset[str]  # upper case, for SQL
    display: dict[str, str]
    #: The place asked about itself (its name and postcode district), apart from the towns inside a county.
    own: frozenset[str] = frozenset()
    #: Asked about a county (it has towns inside it), not a town, service area or postcode district.
    is_wider_area: bool = False

    @property
    def names(self) -> set[str]:
        return set(self.inside | self.covering) - {d.lower() for d in self.districts}


def area_scope(area: Area, index: AreaIndex) -> AreaScope:
    """The names and districts a search of ``area`` looks for (``index`` knows which towns lie in a county)."""
    inside_names = [area.name, *index.members(area.name)]
    covering_names = list(area.containing)
    display: dict[str, str] = {}
    inside: set[str] = set()
    covering: set[str] = set()
    districts: set[str] = set()
    for name in inside_names:
        key = normalise_text(name)
        display.setdefault(key, name)
        inside.add(key)
        district = postcode_district(name) if re.fullmatch(r"[A-Za-z]{1,2}\d[A-Za-z\d]?", name.strip()) else None
        if district:
            districts.add(district)
    if area.postcode_district:
        districts.add(area.postcode_district.upper())
        inside.add(area.postcode_district.lower())
    for name in covering_names:
        key = normalise_text(name)
        display.setdefault(key, name)
        if key not in inside:
            covering.add(key)
    own = {normalise_text(area.name)} | ({area.postcode_district.lower()} if area.postcode_district else set())
    return AreaScope(
        frozenset(inside), frozenset(covering), frozenset(districts), display, frozenset(own), area.kind == "county"
    )


#: How close a local service is: in the place itself, serving the whole wider area (a county-wide service area),
#: or based elsewhere in the wider area (an address in another town of the county). National services are 0.
IN_PLACE, COVERS_AREA, ELSEWHERE_IN_AREA = 3, 2, 1
#: In one town of the county asked about: as near as a county-wide service is to a town.
PART_OF_AREA = COVERS_AREA


def locate(service: ServiceRecord, scope: AreaScope) -> tuple[int, str | None]:
    """How close a loaded local service is to the area (IN_PLACE, COVERS_AREA, ELSEWHERE_IN_AREA; 0 no match),
    and why, in words."""
    best = (0, None)
    for key, what in service.places:
        if key in scope.inside:
            name = scope.display.get(key, key.upper() if what == "district" else key.title())
            if what == "district":
                _line, town = service.first_address
                name = town or name
            reason = f"covers {name}" if what == "area" else f"in {name}"
            # Asked about a county: a service for the whole of it is nearer the person than one town's service.
            whole = what == "area" and key in scope.own
            closeness = IN_PLACE if whole or not scope.is_wider_area else PART_OF_AREA
            if best[0] < closeness:
                best = (closeness, reason)
        elif key in scope.covering and what == "area" and best[0] < COVERS_AREA:
            best = (COVERS_AREA, f"covers {scope.display.get(key, key.title())}")
        elif key in scope.covering and best[0] < ELSEWHERE_IN_AREA:
            _line, town = service.first_address
            best = (ELSEWHERE_IN_AREA, f"in {town or scope.display.get(key, key.title())}")
    return best


#: How many areas' local services a snapshot keeps worked out (about a thousand entries each at 10,000 services).
AREAS_KEPT = 64


def local_services(snapshot: DirectorySnapshot, scope: AreaScope) -> tuple[tuple[ServiceRecord, int, str | None], ...]:
    """The area's local services that are signposts, in name order, each with how close it is and why: the same in
    every search of the area in one directory version, so worked out once per snapshot."""
    kept = snapshot.memo.setdefault("areas", {})
    key = tuple(  # the whole scope, whatever it holds (its dict of display names as items)
        tuple(sorted(value.items())) if isinstance(value, dict) else value
        for value in (getattr(scope, f.name) for f in fields(scope))
    )
    found = kept.get(key)
    if found is None:
        located = []
        for service in snapshot.local(scope.names, scope.districts):
            proximity, place = locate(service, scope)
            if proximity and service.signpost:
                located.append((service, proximity, place))
        if len(kept) >= AREAS_KEPT:
            kept.clear()
        found = kept[key] = tuple(located)
    return found
