"""`signpost report --period P --out report.html [--csv F] [--ods F]`: what people asked for, for commissioners.

Whole periods only (a month, ISO week, quarter or financial year): see insight/periods.py for why.
"""
from __future__ import annotations

import argparse
import sys
from datetime import date, datetime
from pathlib import Path

from bot.cli.common import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE


def report(period_text: str, out: Path | None, csv_path: Path | None, ods_path: Path | None,
           database_url: str | None = None, today: date | None = None) -> int:
    from sqlalchemy.exc import SQLAlchemyError

    from insight.periods import PeriodError, parse_period

    try:
        period = parse_period(period_text)
    except PeriodError as error:
        print(error, file=sys.stderr)
        return EXIT_USAGE
    if today is None:
        from knowledge.hours.engine import LONDON

        today = datetime.now(LONDON).date()  # periods are UK calendar periods
    if period.start > today:
        print(f"{period.code} has not started yet: there is nothing to report.", file=sys.stderr)
        return EXIT_USAGE
    if not (out or csv_path or ods_path):
        print("Say where to write the report: --out report.html, --csv figures.csv or --ods figures.ods.",
              file=sys.stderr)
        return EXIT_USAGE

    from insight.exports import write_csv, write_ods
    from insight.figures import build_figures
    from insight.html import render_report
    from insight.store import ensure_schema
    from knowledge.store.db import make_engine, session_scope

    engine = make_engine(database_url)
    try:
        ensure_schema(engine)
        with session_scope(engine) as session:
            figures = build_figures(session, period, today)
    except SQLAlchemyError as error:
        print(f"Could not read the events ({type(error).__name__}); nothing was written.", file=sys.stderr)
        return EXIT_PROBLEMS
    finally:
        engine.dispose()
    if out:
        out.write_text(render_report(figures, today), encoding="utf-8")
    if csv_path:
        write_csv(figures, csv_path)
    if ods_path:
        write_ods(figures, ods_path)
    state = "provisional: the period has not ended" if figures.provisional else "final"
    written = ", ".join(str(p) for p in (out, csv_path, ods_path) if p)
    print(f"Report for {period.title} ({state}) written to {written}.")
    return EXIT_OK


def _report(args: argparse.Namespace) -> int:
    return report(args.period, args.out, args.csv, args.ods)


def register(commands: argparse._SubParsersAction) -> None:
    rp = commands.add_parser(
        "report",
        help="what people asked for, for commissioners: a whole month, ISO week, quarter or financial year",
    )
    rp.add_argument("--period", required=True,
                    help="2026-12 (a month), 2026-W49 (an ISO week), 2026-Q4 (a quarter) or 2026/27 (a financial year)")
    rp.add_argument("--out", type=Path, help="the report as an HTML page")
    rp.add_argument("--csv", type=Path, help="the figures as CSV")
    rp.add_argument("--ods", type=Path, help="the figures as an ODS workbook")
    rp.set_defaults(handler=_report)
