"""The directory data that ships with signpost, and the small gazetteer of places it covers.

- ``data/national.json``: national helplines, only facts marked VERIFIED in the project's research notes, each with
  its named source and the research date as ``assured_date``.
- ``data/local_seeds.json``: the help services named in the seed documents (Cheltenham/Gloucestershire, Blackburn with
  Darwen, Leicester/Leicestershire, Coventry) as those documents describe them: no contact facts, historical dates.
  They are old by design; ``check_directory`` reports them as ``stale``.
- ``data/places.json``: towns -> county or unitary authority (+ a few postcode districts), for the area resolver.

Both directory files are HSDS 3.0 JSON and go through the ordinary importer, so the bundled data obeys exactly the
rules a council's own feed does.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import List, Tuple

from sqlalchemy.orm import Session

from knowledge.formats.importer import ImportReport, import_hsds, read_hsds_file

DATA_DIR = Path(__file__).resolve().parent / "data"
NATIONAL_FILE = DATA_DIR / "national.json"
LOCAL_SEEDS_FILE = DATA_DIR / "local_seeds.json"
PLACES_FILE = DATA_DIR / "places.json"


def load_bundled(session: Session, *, include_seeds: bool = True) -> ImportReport:
    """Import the bundled national (and, by default, seed) services into the session's database.

    Idempotent: records are merged by id, so loading twice updates rather than duplicates. The bundled ids are
    unique already, so they are stored unscoped (``scope=""``). The caller commits.
    """
    report = import_hsds(session, read_hsds_file(NATIONAL_FILE), scope="")
    if include_seeds:
        report.merge(import_hsds(session, read_hsds_file(LOCAL_SEEDS_FILE), scope=""))
    return report


def bundled_service_ids() -> frozenset:
    """The ids of every bundled service: `kb check` holds these to a stricter standard than a council's data."""
    from knowledge.bundled.facts import NATIONAL, SEEDS

    return frozenset(facts["id"] for facts in (*NATIONAL, *SEEDS))


@dataclass(frozen=True)
class Place:
    """A town and the council area it is in. ``county`` is the county or unitary authority whose name the
    bundled services use in ``service_area.name``; ``wider_areas`` are bigger areas it also belongs to (e.g.
    Leicester, a unitary authority, is also in Leicestershire)."""

    name: str
    county: str
    postcode_districts: Tuple[str, ...] = ()
    wider_areas: Tuple[str, ...] = ()

    @property
    def area_names(self) -> Tuple[str, ...]:
        """Every area name a service covering this place might use, most specific first."""
        names = [self.name]
        for area in (self.county, *self.wider_areas):
            if area not in names:
                names.append(area)
        return tuple(names)


@lru_cache(maxsize=1)
def _places() -> Tuple[Place, ...]:
    data = json.loads(PLACES_FILE.read_text(encoding="utf-8"))
    return tuple(
        Place(
            name=item["name"],
            county=item["county"],
            postcode_districts=tuple(d.upper() for d in item.get("postcode_districts", ())),
            wider_areas=tuple(item.get("wider_areas", ())),
        )
        for item in data["places"]
    )


def load_places() -> List[Place]:
    """The bundled gazetteer (see ``data/places.json`` for its source note)."""
    return list(_places())


def places_source() -> str:
    return json.loads(PLACES_FILE.read_text(encoding="utf-8"))["source"]
