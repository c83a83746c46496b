"""Benchmark: `signpost report` over a year of anonymous events (a million rows) on SQLite and PostgreSQL.

Loads a generated year of realistic traffic (tests/insight/traffic.py) into a temporary SQLite file and into a
fresh schema on the local PostgreSQL (dropped afterwards), then times, for the financial year 2026/27 (all the
rows) and for one month: counting the figures in the database (median of several runs), and drawing the page
(charts), the CSV and the ODS. Prints the git revision with the machine.

    .venv/bin/python bench/bench_report.py [--rows 1000000] [--runs 3] [--pg-url URL | --no-pg]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import text  # noqa: E402

from bench._server import print_header, write_json  # noqa: E402
from insight import store  # noqa: E402
from insight.exports import write_csv, write_ods  # noqa: E402
from insight.figures import build_figures  # noqa: E402
from insight.html import render_report  # noqa: E402
from insight.periods import parse_period  # noqa: E402
from knowledge.store.db import make_engine, session_scope  # noqa: E402
from tests.insight.traffic import traffic  # noqa: E402

YEAR = parse_period("2026/27")
MONTH = parse_period("2026-12")
TODAY = date(2027, 4, 2)  # the year is over: final figures
BATCH = 20_000


def load(engine, rows: int) -> float:
    """Write ``rows`` or so generated events over the year; returns the seconds taken (generation included)."""
    asks_per_week = round(rows / (365 / 7))
    started = time.perf_counter()
    batch = []
    with session_scope(engine) as session:
        for event in traffic(YEAR.start, (YEAR.end - YEAR.start).days, asks_per_week):
            batch.append(event)
            if len(batch) >= BATCH:
                store.add_events(session, batch)
                batch.clear()
        store.add_events(session, batch)
    with engine.begin() as connection:
        connection.execute(text("ANALYZE"))
    return time.perf_counter() - started


def time_report(engine, period, runs: int, folder: Path) -> dict:
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        with session_scope(engine) as session:
            figures = build_figures(session, period, TODAY)
        timings.append(time.perf_counter() - started)
    started = time.perf_counter()
    page = render_report(figures, TODAY)
    rendered = time.perf_counter() - started
    started = time.perf_counter()
    write_csv(figures, folder / "figures.csv")
    write_ods(figures, folder / "figures.ods")
    exported = time.perf_counter() - started
    return {"period": period.code, "events": figures.asks + figures.crises, "count_median_s": statistics.median(timings),
            "count_worst_s": max(timings), "page_s": rendered, "csv_ods_s": exported, "page_kb": len(page) / 1024}


def bench(name: str, url: str, rows: int, runs: int, folder: Path) -> list[dict]:
    engine = make_engine(url)
    store.ensure_schema(engine)
    with session_scope(engine) as session:
        existing = store.count_events(session)
    loaded = load(engine, rows) if existing == 0 else 0.0
    with session_scope(engine) as session:
        total = store.count_events(session)
    print(f"-- {name}: {total:,} events in the table (loaded in {loaded:.1f} s, generation included)")
    results = []
    for period in (YEAR, MONTH):
        result = {"database": name, "rows_in_table": total, **time_report(engine, period, runs, folder)}
        results.append(result)
        print(f"   {result['period']:>8}: {result['events']:>9,} events counted in {result['count_median_s']:.2f} s "
              f"(median of {runs}, worst {result['count_worst_s']:.2f} s); page with 6 charts "
              f"{result['page_s']:.2f} s ({result['page_kb']:.0f} kB); CSV + ODS {result['csv_ods_s']:.2f} s",
              flush=True)
    engine.dispose()
    return results


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pg-url", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--no-pg", action="store_true")
    parser.add_argument("--json")
    args = parser.parse_args(argv[1:])
    machine = print_header(f"signpost report over a year of events ({args.rows:,} rows)", argv)
    results: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="signpost-bench-report-") as scratch:
        folder = Path(scratch)
        results += bench("SQLite", f"sqlite:///{folder / 'events.db'}", args.rows, args.runs, folder)
        if not args.no_pg:
            schema = f"signpost_bench_report_{uuid.uuid4().hex[:10]}"
            admin = make_engine(args.pg_url)
            with admin.begin() as connection:
                connection.execute(text(f'CREATE SCHEMA "{schema}"'))
            try:
                url = f"{args.pg_url}?options=-csearch_path%3D{schema}"
                results += bench("PostgreSQL", url, args.rows, args.runs, folder)
            finally:
                with admin.begin() as connection:
                    connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
                admin.dispose()
    write_json(args.json, {"machine": machine, "results": results})
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
