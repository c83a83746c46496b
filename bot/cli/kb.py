"""`signpost kb ...`: create, load, export and check the service directory."""
from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

from bot.cli.common import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE


def _kb_init(args: argparse.Namespace) -> int:
    from knowledge.bundled.loader import load_bundled
    from knowledge.store.db import create_schema, drop_schema, make_engine, session_scope

    engine = make_engine()
    if args.reset:
        drop_schema(engine)
    create_schema(engine)
    with session_scope(engine) as session:
        report = load_bundled(session)
    _print_import_report(report, what="bundled directory")
    return EXIT_PROBLEMS if report.rejected else EXIT_OK


def _kb_import(args: argparse.Namespace) -> int:
    from knowledge.formats.importer import ImportFileError, import_hsds, read_hsds_file
    from knowledge.store.db import create_schema, make_engine, session_scope

    try:
        checked = date.fromisoformat(args.checked) if args.checked else None
    except ValueError:
        print(f"--checked must be a date like 2026-11-25, not {args.checked!r}", file=sys.stderr)
        return EXIT_USAGE
    try:
        data = read_hsds_file(Path(args.file))
    except ImportFileError as error:
        print(f"Could not import {args.file}: {error}", file=sys.stderr)
        return EXIT_USAGE
    engine = make_engine()
    create_schema(engine)
    with session_scope(engine) as session:
        report = import_hsds(session, data, source=args.source, checked=checked)
    _print_import_report(report, what=args.file)
    return EXIT_PROBLEMS if report.rejected else EXIT_OK


def _kb_export(args: argparse.Namespace) -> int:
    from knowledge.formats.exporter import export_hsds
    from knowledge.store.db import make_engine, session_scope

    with session_scope(make_engine()) as session:
        services = export_hsds(session)
    Path(args.file).write_text(json.dumps(services, indent=2, ensure_ascii=False), encoding="utf-8")
    print(f"Wrote {len(services)} services to {args.file}")
    return EXIT_OK


def _kb_check(args: argparse.Namespace) -> int:
    from knowledge.quality.check import TOLERATED_KINDS, check_directory
    from knowledge.store.db import make_engine, session_scope

    with session_scope(make_engine()) as session:
        problems = check_directory(session, max_age_days=args.max_age_days, today=date.today())
    failing = [p for p in problems if p.kind not in TOLERATED_KINDS]
    for problem in problems:
        note = "" if problem in failing else " (shows no contact details: noted, not failing)"
        print(f"{problem.kind}: {problem.service_name} ({problem.service_id}): {problem.detail}{note}")
    if failing:
        print(f"Directory check failed: {len(failing)} problem(s).")
        return EXIT_PROBLEMS
    print("Directory check passed: every active service is sourced, dated and readable.")
    return EXIT_OK


def _print_import_report(report, *, what: str) -> None:
    print(
        f"Loaded {what}: {len(report.created)} new, {len(report.updated)} updated, "
        f"{len(report.rejected)} rejected."
    )
    for record_id, reason in report.rejected:
        print(f"  rejected {record_id}: {reason}")
    for warning in report.warnings:
        print(f"  warning: {warning}")


def register(commands: argparse._SubParsersAction) -> None:
    kb = commands.add_parser("kb", help="the service directory").add_subparsers(dest="kb_command", required=True)
    init = kb.add_parser("init", help="create the schema and load the bundled directory")
    init.add_argument("--reset", action="store_true", help="drop every table first")
    init.set_defaults(handler=_kb_init)
    imp = kb.add_parser("import", help="add services from an HSDS 3.0 JSON file, merging by id")
    imp.add_argument("file")
    imp.add_argument("--source", help="where these records came from, for records that do not say")
    imp.add_argument("--checked", help="the date the records were checked (YYYY-MM-DD), for records that do not say")
    imp.set_defaults(handler=_kb_import)
    exp = kb.add_parser("export", help="write the directory as HSDS 3.0 JSON")
    exp.add_argument("file")
    exp.set_defaults(handler=_kb_export)
    check = kb.add_parser("check", help="fail when a record is unsourced, unreadable or out of date")
    check.add_argument("--max-age-days", type=int, default=365)
    check.set_defaults(handler=_kb_check)
