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

    engine = make_engine(create=True)  # the one command that may make a new directory
    if args.reset:
        drop_schema(engine)
    schema = create_schema(engine)  # upgrades a directory made by an earlier release (Alembic), keeping its data
    if schema.startswith("upgraded"):
        print(f"Directory schema {schema} to the newest revision.")
    with session_scope(engine) as session:
        report = load_bundled(session)
    _print_import_report(report, what="bundled directory")
    return EXIT_PROBLEMS if report.rejected else EXIT_OK


def _kb_import(args: argparse.Namespace) -> int:
    from knowledge.formats import validation
    from knowledge.formats.detect import FeedShapeError, recognise
    from knowledge.formats.fields import raw_id
    from knowledge.formats.importer import ImportFileError, import_hsds, read_hsds_file
    from knowledge.formats.report import as_text, build_summary, write_report
    from knowledge.store.db import create_schema, make_engine, session_scope

    try:
        checked = date.fromisoformat(args.checked) if args.checked else None
    except ValueError:
        print(f"--checked must be a date like 2026-11-25, not {args.checked!r}", file=sys.stderr)
        return EXIT_USAGE
    report_path = Path(args.report) if args.report else None
    if report_path is not None and report_path.suffix.lower() not in (".html", ".htm", ".csv"):
        print(f"--report must name a .html or .csv file, not {args.report!r}", file=sys.stderr)
        return EXIT_USAGE
    try:
        data = read_hsds_file(Path(args.file))
        feed = recognise(data)
    except (ImportFileError, FeedShapeError) as error:
        print(f"Could not import {args.file}: {error}", file=sys.stderr)
        return EXIT_USAGE
    engine = make_engine(create=True)  # an import writes services: never an empty directory
    create_schema(engine)
    with session_scope(engine) as session:
        report = import_hsds(session, data, source=args.source, checked=checked)

    schema = validation.schema_for(feed.format, args.schema)
    findings = []
    if schema is not None:
        try:
            findings = validation.validate_records(feed.records, schema)
        except FileNotFoundError:
            report.notes.append(f"The official schemas were not found in {validation.schema_dir()}, so the file was "
                                "not checked against them (set SIGNPOST_SCHEMA_DIR).")
            schema = None
    names = {raw_id(record): str(record.get("name") or "").strip()
             for record in feed.records if isinstance(record, dict) and raw_id(record)}
    summary = build_summary(args.file, report, findings, names=names, schema=validation.describe_schema(schema))
    print(as_text(summary))
    if report_path is not None:
        write_report(summary, report_path)
        print(f"Report written to {report_path}")
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
    from knowledge.bundled.loader import bundled_service_ids
    from knowledge.quality.check import check_directory
    from knowledge.quality.verdict import grouped, judge
    from knowledge.store.db import make_engine, session_scope

    try:
        today = date.fromisoformat(args.today) if args.today else date.today()
    except ValueError:
        print(f"--today must be a date like 2026-11-25, not {args.today!r}", file=sys.stderr)
        return EXIT_USAGE
    with session_scope(make_engine()) as session:
        problems = check_directory(session, max_age_days=args.max_age_days, today=today)
    verdict = judge(problems, bundled_ids=bundled_service_ids(), strict=args.strict)
    if verdict.failing:
        print("Failing (fix these before release):")
        for problem in verdict.failing:
            print(f"  {problem.kind}: {problem.service_name} ({problem.service_id}): {problem.detail}")
    if verdict.warnings:
        print("Your own directory data (warnings: worth fixing at source, never a failed check for its age):")
        print("\n".join(f"  {line}" for line in grouped(verdict.warnings)))
    if verdict.noted:
        print("Bundled seed records (old by design, show no contact details: noted, not failing):")
        print("\n".join(f"  {line}" for line in grouped(verdict.noted)))
    if not verdict.passed:
        print(f"Directory check failed: {len(verdict.failing)} problem(s).")
        return EXIT_PROBLEMS
    print("Directory check passed: the bundled directory is sourced, dated and readable"
          + (f"; {len(verdict.warnings)} warning(s) about your own data." if verdict.warnings else "."))
    return EXIT_OK


def _print_import_report(report, *, what: str) -> None:
    print(
        f"Loaded {what}: {len(report.created)} new, {len(report.updated)} updated, "
        f"{len(report.rejected)} rejected."
    )
    for record_id, reason in report.rejected:
        print(f"  rejected {record_id}: {reason}")
    for record_id, message in report.warnings:
        print(f"  warning {record_id}: {message}")


def register(commands: argparse._SubParsersAction) -> None:
    kb = commands.add_parser("kb", help="the service directory").add_subparsers(dest="kb_command", required=True)
    init = kb.add_parser("init", help="create the schema and load the bundled directory")
    init.add_argument("--reset", action="store_true", help="drop the directory's tables first (conversation insight and the call-back outbox are kept)")
    init.set_defaults(handler=_kb_init)
    imp = kb.add_parser("import", help="add services from an HSDS 3.0, ORUK 3.0/1.0 or Outpost JSON file")
    imp.add_argument("file")
    imp.add_argument("--source", help="where these records came from, for records that do not say; also what "
                                      "keeps this feed's ids apart from other councils' (use the same one to update)")
    imp.add_argument("--checked", help="the date the records were checked (YYYY-MM-DD), for records that do not say")
    imp.add_argument("--report", help="also write the report to this .html or .csv file")
    imp.add_argument("--schema", choices=("oruk-3.0", "hsds-3.0"),
                     help="check a 3.0 file against this schema (default: Open Referral UK 3.0)")
    imp.set_defaults(handler=_kb_import)
    exp = kb.add_parser("export", help="write the directory as HSDS 3.0 JSON")
    exp.add_argument("file")
    exp.set_defaults(handler=_kb_export)
    check = kb.add_parser("check", help="fail on problems in the bundled directory; warn about your own data")
    check.add_argument("--max-age-days", type=int, default=365)
    check.add_argument("--strict", action="store_true",
                       help="also fail on your own data's numbers, hours and sources (never on its age)")
    check.add_argument("--today", help="check as of this date (YYYY-MM-DD); default: today")
    check.set_defaults(handler=_kb_check)
