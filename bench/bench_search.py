"""Benchmark: search and area resolution over a generated directory of ~1000 services.

Prints timings (median and worst of several runs) for building the area index and the directory snapshot (the
directory in memory, knowledge/search/snapshot.py), resolving places, and searching from the snapshot (as the
action server does), from the database with a prebuilt index, and with nothing prebuilt, at 2am on a Sunday and
11am on a Tuesday. Uses a temporary SQLite file by
default; pass a SQLAlchemy URL (e.g. postgresql://postgres@127.0.0.1:5432/test) to run against another database
(the tables are created and dropped there, so use a scratch database).

    .venv/bin/python bench/bench_search.py [--services 1000] [--url URL]
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import date, datetime
from datetime import time as clock
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import event  # noqa: E402

from knowledge.bundled.loader import load_bundled  # noqa: E402
from knowledge.hours.engine import LONDON  # noqa: E402
from knowledge.needs.catalogue import ALCOHOL, FAMILY, GENERAL, YOUNG_PEOPLE  # noqa: E402
from knowledge.places.areas import AreaIndex  # noqa: E402
from knowledge.search.finder import Person, find_service_by_name, find_services  # noqa: E402
from knowledge.search.snapshot import DirectorySnapshot  # noqa: E402
from knowledge.store.db import create_schema, drop_schema, make_engine, session_scope  # noqa: E402
from knowledge.store.models import (  # noqa: E402
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

PREFIXES = ["Ash", "Birch", "Cedar", "Elm", "Fern", "Hazel", "Oak", "Pine", "Rowan", "Thorn", "Willow", "Yew"]
SUFFIXES = ["ton", "ford", "ley", "bury", "field", "wick", "ham", "stead"]
COUNTIES = [f"{prefix}shire" for prefix in PREFIXES]
TERMS = ["Alcohol", "Drugs", "Family and friends", "Young people", "Peer support", "Harm reduction", "Housing"]
WORDS = [
    "Substance misuse recovery for adults.", "Alcohol advice and detox.", "Needle exchange and naloxone.",
    "Support for families and carers affected by drinking.", "Young people's drug and alcohol service.",
    "Mutual aid meetings.", "Housing advice.", "Community centre activities.",
]
HOURS = [
    [("MO,TU,WE,TH,FR", clock(9), clock(17))],
    [("MO,TU,WE,TH,FR,SA,SU", clock(0), clock(23, 59))],
    [("TU,TH", clock(18), clock(21))],
    [],
]


def generate(session, count: int, seed: int = 7) -> None:
    """A fictional directory: 12 counties x 8 towns, services with tags, hours, areas and locations."""
    rng = random.Random(seed)
    terms = {name: TaxonomyTerm(name=name, description="") for name in TERMS}
    session.add_all(terms.values())
    for n in range(count):
        county = rng.choice(COUNTIES)
        town_number = rng.randrange(8)
        town = f"{PREFIXES[COUNTIES.index(county)]}{SUFFIXES[town_number]}"
        district = f"XX{COUNTIES.index(county) * 8 + town_number + 1}"
        organisation = Organization(name=f"Bench Organisation {n % 150}", description="")
        service = Service(
            name=f"Bench Service {n}",
            description=rng.choice(WORDS),
            organization=organisation,
            status="active" if rng.random() > 0.05 else "inactive",
            minimum_age=rng.choice([None, None, None, 18]),
            maximum_age=rng.choice([None, None, None, 18, 24]),
            source="generated for the benchmark",
            assured_date=date(2026, 1, 1),
        )
        if rng.random() > 0.2:
            service.phones.append(Phone(number=f"01632 96{n % 10000:04d}", type="voice"))
        for byday, opens, closes in rng.choice(HOURS):
            service.schedules.append(Schedule(byday=byday, opens_at=opens, closes_at=closes))
        for term in rng.sample(TERMS, rng.randrange(0, 3)):
            service.attributes.append(Attribute(taxonomy_term=terms[term], link_type="service"))
        if rng.random() < 0.3:
            service.service_areas.append(ServiceArea(name=county))
        else:
            location = Location(organization=organisation, name=service.name)
            location.addresses.append(
                Address(address_1=f"{n} Bench Road", city=town, state_province=county, postal_code=f"{district} 1AA")
            )
            service.service_at_locations.append(ServiceAtLocation(location=location))
            session.add(location)
        session.add_all([organisation, service])
        if n % 200 == 0:
            session.flush()


def timed(action, runs: int) -> tuple[float, float]:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples), max(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--services", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--url", default=None, help="SQLAlchemy URL of a scratch database (default: temp SQLite)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        url = args.url or f"sqlite:///{Path(tmp) / 'bench.db'}"
        engine = make_engine(url)
        drop_schema(engine)
        create_schema(engine)
        start = time.perf_counter()
        with session_scope(engine) as session:
            load_bundled(session, include_seeds=False)
            generate(session, args.services)
        print(f"database: {engine.dialect.name}; generated {args.services} services "
              f"in {time.perf_counter() - start:.1f}s")

        queries = []
        event.listen(engine, "before_cursor_execute", lambda *a: queries.append(1))

        with session_scope(engine) as session:
            median, worst = timed(lambda: AreaIndex.build(session), args.runs)
            index = AreaIndex.build(session)
            print(f"AreaIndex.build: {len(index.names())} names, median {median:.1f} ms, worst {worst:.1f} ms")
            median, worst = timed(lambda: DirectorySnapshot.build(session), max(3, args.runs // 3))
            snapshot = DirectorySnapshot.build(session)
            print(f"DirectorySnapshot.build: {len(snapshot.services)} active services, median {median:.1f} ms, "
                  f"worst {worst:.1f} ms (once per directory version)")
            for text in ("Oakford", "oakfrod", "XX17 1AA", "worried about my son in hazelshire", "help"):
                median, worst = timed(lambda: index.resolve(text), args.runs)
                print(f"resolve({text!r}) -> {getattr(index.resolve(text), 'name', None)!r}: "
                      f"median {median:.2f} ms, worst {worst:.2f} ms")

            sunday_2am = datetime(2026, 11, 29, 2, 0, tzinfo=LONDON)
            tuesday_11am = datetime(2026, 12, 1, 11, 0, tzinfo=LONDON)
            cases = [
                ("alcohol, town, 2am Sunday", ALCOHOL, "Oakford", sunday_2am, Person()),
                ("alcohol, town, 11am Tuesday", ALCOHOL, "Oakford", tuesday_11am, Person()),
                ("general, county, 11am Tuesday", GENERAL, "Hazelshire", tuesday_11am, Person(age=30)),
                ("young people, postcode, 2am", YOUNG_PEOPLE, "XX17 1AA", sunday_2am, Person(age=15)),
                ("family (someone else), county, 2am", FAMILY, "Hazelshire", sunday_2am,
                 Person(for_whom="someone_else", relationship="son")),
                ("anywhere, 2am", ALCOHOL, None, sunday_2am, Person()),
            ]
            for label, need, where, now, person in cases:
                area = index.resolve(where) if where else None

                def from_snapshot():
                    return find_services(session, need=need, area=area, now=now, person=person, snapshot=snapshot)

                def with_index():
                    session.expire_all()
                    return find_services(session, need=need, area=area, now=now, person=person, area_index=index)

                def without_index():
                    session.expire_all()
                    return find_services(session, need=need, area=area, now=now, person=person)

                queries.clear()
                result = from_snapshot()
                statements = len(queries)
                median, worst = timed(from_snapshot, args.runs)
                median_db, _ = timed(with_index, max(3, args.runs // 3))
                median_cold, _ = timed(without_index, max(3, args.runs // 3))
                print(f"find_services[{label}]: local={len(result.local)} ooh={len(result.out_of_hours)} "
                      f"family={len(result.for_family)} queries={statements}; from the snapshot median "
                      f"{median:.1f} ms, worst {worst:.1f} ms; from the database with a prebuilt index median "
                      f"{median_db:.1f} ms; with nothing prebuilt median {median_cold:.1f} ms")

            median, worst = timed(lambda: find_service_by_name(session, "when is bench service 42 open"), args.runs)
            print(f"find_service_by_name: median {median:.1f} ms, worst {worst:.1f} ms")
        if args.url:
            drop_schema(engine)
        engine.dispose()


if __name__ == "__main__":
    main()
