"""Benchmark at council scale: import 10,000 services, then search need x area x time over them.

The services are generated from the shapes of real feeds (shared/directory-samples/): the ORUK 3.0 and HSDS 3.0
``service_full`` examples, Buckinghamshire's Outpost records and a full ORUK 1.0 record (children as
``/services/{id}`` returns them; tests/knowledge/fixtures/oruk1_full.json), a quarter each, imported as four
feeds through the real importer. Each copy gets its own ids, a fictional town, county and postcode district
(``XX`` districts do not exist), a fictional phone number from Ofcom's drama range, and varied names, words and
hours. Nothing is mocked: the searches are ``find_services`` as the action server calls it (a new unit of work
per search, the cached area index), on SQLite and, with ``--url``, PostgreSQL.

    .venv/bin/python bench/bench_scale.py [--services 10000] [--runs 5] [--url postgresql://...] [--import-only]

Prints the revision, import time and peak RSS, and search p50/p95/max per kind of area and overall.
"""
from __future__ import annotations

import argparse
import copy
import json
import random
import resource
import statistics
import sys
import tempfile
import time
import uuid
from datetime import date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import text  # noqa: E402

from bench._server import print_header, write_json  # noqa: E402
from knowledge.bundled.loader import load_bundled  # noqa: E402
from knowledge.formats.importer import import_hsds  # noqa: E402
from knowledge.hours.engine import LONDON  # noqa: E402
from knowledge.needs.catalogue import ALCOHOL, DRUGS, FAMILY, GENERAL, YOUNG_PEOPLE  # noqa: E402
from knowledge.places.areas import AreaIndex, directory_fingerprint  # noqa: E402
from knowledge.store.db import create_schema, drop_schema, make_engine, session_scope  # noqa: E402

PROJECT = Path(__file__).resolve().parent.parent
SAMPLES = PROJECT.parent / "shared" / "directory-samples"

PREFIXES = ["Wend", "Dun", "Brack", "Quill", "Marl", "Thist", "Orrin", "Pell", "Sorl", "Varn", "Grel", "Hob"]
SUFFIXES = ["mere", "holt", "wick", "stow", "combe", "dale", "wold", "by"]
NAMES = ["Recovery Service", "Alcohol Team", "Drug and Alcohol Service", "Family Support", "Young People's Service",
         "Community Hub", "Peer Support Group", "Housing Advice", "Needle Exchange", "Wellbeing Cafe"]
WORDS = [
    "Substance misuse recovery for adults.", "Alcohol advice and detox.", "Needle exchange and naloxone.",
    "Support for families and carers affected by drinking.", "Young people's drug and alcohol service.",
    "Mutual aid meetings.", "Housing advice.", "Community centre activities.",
]
HOURS = [
    [("MO,TU,WE,TH,FR", "09:00", "17:00")],
    [("MO,TU,WE,TH,FR,SA,SU", "00:00", "23:59")],
    [("TU,TH", "18:00", "21:00")],
    [("SA,SU", "10:00", "14:00"), ("MO,WE,FR", "20:00", "08:00")],
]
#: Nested objects that stand for shared vocabulary: their ids stay the same in every copy.
SHARED_KEYS = frozenset({"taxonomy_term", "taxonomy", "taxonomies", "service_taxonomys", "service_taxonomies"})


def templates() -> dict:
    """One record of each real shape."""
    def load(name: str):
        return json.loads((SAMPLES / name).read_text(encoding="utf-8-sig"))

    return {
        "oruk3": load("oruk3-service-full.json"),
        "hsds3": load("hsds3-service-full.json"),
        "outpost": load("outpost-buckinghamshire-services-page.json")["content"][0],
        "oruk1": json.loads((PROJECT / "tests/knowledge/fixtures/oruk1_full.json").read_text())[0],
    }


def place(n: int, rng: random.Random) -> tuple[str, str, str]:
    county_number = rng.randrange(len(PREFIXES))
    town_number = rng.randrange(len(SUFFIXES))
    town = PREFIXES[county_number] + SUFFIXES[town_number]
    return town, f"{PREFIXES[county_number]}shire", f"XX{county_number * len(SUFFIXES) + town_number + 1}"


def _rewrite(value, n: int, town: str, county: str, district: str, key: str = ""):
    """Give every nested object of one copy its own id and the copy's place and phone number."""
    if isinstance(value, list):
        return [_rewrite(item, n, town, county, district, key) for item in value]
    if not isinstance(value, dict):
        return value
    out = {}
    for k, item in value.items():
        out[k] = item if k in SHARED_KEYS else _rewrite(item, n, town, county, district, k)
    if "id" in out and key not in SHARED_KEYS:
        out["id"] = f"{out['id']}-{n}"
    if "city" in out:
        out.update(city=town, postal_code=f"{district} {n % 9 + 1}AA", country="GB")
        if "state_province" in out:
            out["state_province"] = county
    if "number" in out and key == "phones":
        out["number"] = f"01632 960{n % 1000:03d}"
    return out


def generate(kind: str, template: dict, count: int, start: int, rng: random.Random) -> list:
    records = []
    for n in range(start, start + count):
        town, county, district = place(n, rng)
        record = _rewrite(copy.deepcopy(template), n, town, county, district)
        record["id"] = f"bench-{kind}-{n}"
        record["name"] = f"{town} {rng.choice(NAMES)} {n}"
        record["description"] = rng.choice(WORDS)
        record.pop("service_areas", None)
        if rng.random() < 0.3:  # a third cover a whole county rather than sit at an address
            area_key = "service_area" if kind in ("oruk1",) else "name"
            record["service_areas"] = [{"id": f"area-{n}", area_key: county}]
        if kind in ("oruk3", "hsds3"):
            record["schedules"] = [
                {"id": f"sch-{n}-{i}", "freq": "WEEKLY", "interval": 1, "byday": byday, "opens_at": opens,
                 "closes_at": closes}
                for i, (byday, opens, closes) in enumerate(rng.choice(HOURS))
            ]
            for sal in record.get("service_at_locations", []):
                sal.pop("schedules", None)
        records.append(record)
    return records


def percentile(samples: list, fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def current_rss_mib() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() / 2**20


def deep_size(root) -> int:
    """Bytes held by ``root`` and everything it refers to, not counting classes, functions and modules (shared
    with the rest of the program) or objects that live in a module (interned names, the bundled gazetteer's)."""
    import gc
    import types

    shared = (type, types.ModuleType, types.FunctionType, types.BuiltinFunctionType)
    seen: set[int] = set()
    total = 0
    stack = [root]
    while stack:
        obj = stack.pop()
        if id(obj) in seen or isinstance(obj, shared):
            continue
        seen.add(id(obj))
        total += sys.getsizeof(obj)
        stack.extend(gc.get_referents(obj))
    return total


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def time_directory_fingerprint(engine) -> float:
    """p50 of the area index's staleness check (knowledge.places.areas.directory_fingerprint), in ms."""
    samples = []
    with session_scope(engine) as session:
        for _ in range(21):
            started = time.perf_counter()
            directory_fingerprint(session)
            samples.append((time.perf_counter() - started) * 1000)
    p50 = statistics.median(samples[1:])
    print(f"directory fingerprint (areas; its indexes from migration 0003): p50 {p50:.2f} ms")
    return round(p50, 2)


def run(url: str, count: int, runs: int, import_only: bool = False) -> dict:
    engine = make_engine(url)
    drop_schema(engine)
    create_schema(engine)
    rng = random.Random(7)
    kinds = templates()
    per_kind = count // len(kinds)
    feeds = {kind: generate(kind, template, per_kind, i * per_kind, rng) for i, (kind, template) in enumerate(kinds.items())}
    rss_before = peak_rss_mib()
    started, cpu_started = time.perf_counter(), time.process_time()
    created = rejected = 0
    with session_scope(engine) as session:
        load_bundled(session, include_seeds=False)
    for kind, records in feeds.items():
        with session_scope(engine) as session:
            report = import_hsds(session, records, source=f"Bench {kind} feed", checked=date(2026, 11, 1))
        created += len(report.created)
        rejected += len(report.rejected)
    import_seconds = time.perf_counter() - started
    import_cpu_seconds = time.process_time() - cpu_started
    del feeds
    print(f"database: {engine.dialect.name}; imported {created} services ({rejected} rejected) from 4 feeds in "
          f"{import_seconds:.1f} s ({import_cpu_seconds:.1f} s of this process's CPU time); "
          f"peak RSS {peak_rss_mib():.0f} MiB (before import {rss_before:.0f} MiB)")
    imported = {"database": engine.dialect.name, "services": created, "rejected": rejected,
                "import_seconds": round(import_seconds, 2), "import_cpu_seconds": round(import_cpu_seconds, 2),
                "peak_rss_mib": round(peak_rss_mib())}
    imported["directory_fingerprint_ms"] = time_directory_fingerprint(engine)
    if import_only:
        engine.dispose()
        return imported
    # Imported here so that the generator and the import timing (also used by tests) do not depend on search.
    from knowledge.search.finder import Person, find_services
    from knowledge.search.snapshot import DirectorySnapshot, hold, settle_in_memory, snapshot_fingerprint

    with session_scope(engine) as session:
        build_started = time.perf_counter()
        index = AreaIndex.build(session)
        build_ms = (time.perf_counter() - build_started) * 1000
    rss_before_snapshot = current_rss_mib()
    with session_scope(engine) as session:
        snapshot_started = time.perf_counter()
        snapshot = DirectorySnapshot.build(session)
        snapshot_ms = (time.perf_counter() - snapshot_started) * 1000
        settle_in_memory()  # as actions/directory.py does after a build
        fingerprints = []
        for _ in range(20):
            t = time.perf_counter()
            snapshot_fingerprint(session)
            fingerprints.append((time.perf_counter() - t) * 1000)
    records_mib = deep_size(dict(snapshot.services)) / 2**20
    snapshot_mib = deep_size(snapshot) / 2**20
    rss_growth = current_rss_mib() - rss_before_snapshot
    index = snapshot.area_index
    print(f"area index: {len(index.names())} names, built alone in {build_ms:.0f} ms; directory snapshot "
          f"({len(snapshot.services)} active services, with its area index) built once per directory version in "
          f"{snapshot_ms:.0f} ms, {snapshot_mib:.1f} MiB ({records_mib:.1f} MiB of service records; process RSS "
          f"grew {rss_growth:.0f} MiB); fingerprint check (at most once a second per action server) p50 "
          f"{statistics.median(fingerprints):.2f} ms")

    sunday_2am = datetime(2026, 11, 29, 2, 0, tzinfo=LONDON)
    tuesday_11am = datetime(2026, 12, 1, 11, 0, tzinfo=LONDON)
    areas = {"town": "Wendmere", "county": "Quillshire", "postcode": "XX17 1AA", "none": None}
    needs = {"alcohol": ALCOHOL, "drugs": DRUGS, "general": GENERAL, "family": FAMILY, "young people": YOUNG_PEOPLE}
    times = {"Sun 02:00": sunday_2am, "Tue 11:00": tuesday_11am}
    by_area: dict = {name: [] for name in areas}
    cpu: list = []  # the search's own CPU time: less swayed than the wall clock by others' work on shared cores
    local_counts: dict = {}
    first_of_kind: list = []  # a need, area and person not yet searched since the directory last changed
    for area_kind, where in areas.items():
        area = index.resolve(where) if where else None
        for need_name, need in needs.items():
            person = Person(for_whom="someone_else", relationship="son") if need is FAMILY else Person()
            for when in times.values():
                for attempt in range(runs + 1):
                    t, cpu_started = time.perf_counter(), time.thread_time()
                    with session_scope(engine) as session:
                        hold(session, snapshot)  # as actions/directory.py does once per turn
                        result = find_services(session, need=need, area=area, now=when, person=person)
                    elapsed = (time.perf_counter() - t) * 1000
                    if attempt:  # the first of each works out its area's plan (see below)
                        by_area[area_kind].append(elapsed)
                        cpu.append((time.thread_time() - cpu_started) * 1000)
                    elif when is sunday_2am:  # first of its kind in this directory version: nothing kept yet
                        first_of_kind.append(elapsed)
                local_counts[(area_kind, need_name)] = len(result.local)
    every = [ms for samples in by_area.values() for ms in samples]
    for area_kind, samples in by_area.items():
        print(f"search, area {area_kind:8} ({areas[area_kind] or 'anywhere'}): n={len(samples)} p50 "
              f"{statistics.median(samples):.1f} ms, p95 {percentile(samples, 0.95):.1f} ms, max {max(samples):.1f} ms")
    print(f"search, all {len(needs)} needs x {len(areas)} areas x {len(times)} times: n={len(every)} "
          f"p50 {statistics.median(every):.1f} ms, p95 {percentile(every, 0.95):.1f} ms, max {max(every):.1f} ms; "
          f"CPU time p50 {statistics.median(cpu):.1f} ms, p95 {percentile(cpu, 0.95):.1f} ms")
    print(f"search, first of its need x area x person since the directory changed (its local plan worked out): "
          f"n={len(first_of_kind)} p50 {statistics.median(first_of_kind):.1f} ms, "
          f"p95 {percentile(first_of_kind, 0.95):.1f} ms, max {max(first_of_kind):.1f} ms")
    engine.dispose()
    return {
        **imported,
        "first_search_p50_ms": round(statistics.median(first_of_kind), 2),
        "first_search_p95_ms": round(percentile(first_of_kind, 0.95), 2),
        "area_index_build_ms": round(build_ms, 1), "fingerprint_ms": round(statistics.median(fingerprints), 2),
        "snapshot_build_ms": round(snapshot_ms, 1), "snapshot_mib": round(snapshot_mib, 1),
        "snapshot_records_mib": round(records_mib, 1), "snapshot_rss_growth_mib": round(rss_growth),
        "search_p50_ms": round(statistics.median(every), 2), "search_p95_ms": round(percentile(every, 0.95), 2),
        "search_max_ms": round(max(every), 2),
        "search_cpu_p50_ms": round(statistics.median(cpu), 2), "search_cpu_p95_ms": round(percentile(cpu, 0.95), 2),
        "by_area": {k: {"p50": round(statistics.median(v), 2), "p95": round(percentile(v, 0.95), 2)}
                    for k, v in by_area.items()},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--services", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=5, help="searches per need x area x time (after one warm-up)")
    parser.add_argument("--url", default=None,
                        help="a PostgreSQL server URL: the run uses a schema of its own there and drops it")
    parser.add_argument("--import-only", action="store_true", help="time the import only, no searches")
    parser.add_argument("--json", default=None)
    args = parser.parse_args()
    print_header("Directory at scale: import and search", sys.argv)
    if args.url:
        schema = f"signpost_bench_{uuid.uuid4().hex[:10]}"
        admin = make_engine(args.url)
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        try:
            results = run(f"{args.url}?options=-csearch_path%3D{schema}", args.services, args.runs, args.import_only)
        finally:
            with admin.begin() as connection:
                connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()
    else:
        with tempfile.TemporaryDirectory() as tmp:
            results = run(f"sqlite:///{Path(tmp) / 'scale.db'}", args.services, args.runs, args.import_only)
    write_json(args.json, results)


if __name__ == "__main__":
    main()
