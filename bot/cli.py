"""The `signpost` command: load the directory, train the assistant and run it.

    signpost kb init [--reset]            create the schema and load the bundled directory
    signpost kb import FILE [--source S] [--checked YYYY-MM-DD]
    signpost kb export FILE               write the directory as HSDS 3.0 JSON
    signpost kb check [--max-age-days N]  fail when a record is unsourced, unreadable or out of date
    signpost train [--force]              train when the data changed, otherwise reuse the model
    signpost run [--port N] [--actions-port M] [--debug]
    signpost purge                        delete conversations older than the retention period
    signpost telegram set-webhook URL

Rasa is imported only by the commands that need it (it takes seconds to import), and is run as child
processes for `train` and `run` so that the action server and the Rasa server can be stopped together.
`run` starts both through bot.rasa_entry, which redacts message text and ids from their logs at every level.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from datetime import date
from pathlib import Path
from typing import Iterable, Sequence

from bot import settings

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_USAGE = 2


# --------------------------------------------------------------------------- directory


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


# --------------------------------------------------------------------------- training


def _training_inputs() -> list[Path]:
    files = [settings.CONFIG, settings.ENDPOINTS]
    for folder in (settings.DOMAIN, settings.DATA):
        files.extend(sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix in {".yml", ".yaml"}))
    # The crisis component runs inside the model's pipeline.
    files.extend(sorted((settings.BOT_DIR / "components").glob("*.py")))
    return files


def training_fingerprint() -> str:
    """A hash of everything the model is trained from; equal fingerprints mean the model can be reused."""
    import bot.spacy_model as spacy_model

    digest = hashlib.sha256()
    for path in _training_inputs():
        digest.update(os.path.relpath(path, settings.PROJECT_ROOT).encode())
        digest.update(path.read_bytes())
    digest.update(Path(spacy_model.__file__).read_bytes())
    digest.update(sys.version.encode())
    return digest.hexdigest()


def ensure_spacy_model() -> None:
    from bot.spacy_model import build

    build(settings.SPACY_MODEL_DIR)


def model_is_current() -> bool:
    return (
        settings.MODEL_FILE.exists()
        and settings.MODEL_FINGERPRINT.exists()
        and settings.MODEL_FINGERPRINT.read_text().strip() == training_fingerprint()
    )


def train(force: bool = False) -> int:
    ensure_spacy_model()
    if not force and model_is_current():
        print(f"Model is up to date: {settings.MODEL_FILE.relative_to(settings.PROJECT_ROOT)}")
        return EXIT_OK
    settings.MODELS_DIR.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    command = [
        sys.executable, "-m", "rasa", "train",
        "--config", str(settings.CONFIG),
        "--domain", str(settings.DOMAIN),
        "--data", str(settings.DATA),
        "--out", str(settings.MODELS_DIR),
        "--fixed-model-name", settings.MODEL_NAME,
    ]
    result = subprocess.run(command, cwd=settings.PROJECT_ROOT, env=settings.rasa_environment())
    if result.returncode != 0:
        print("Training failed.", file=sys.stderr)
        return EXIT_PROBLEMS
    settings.MODEL_FINGERPRINT.write_text(training_fingerprint())
    print(f"Trained {settings.MODEL_FILE.name} in {time.monotonic() - started:.0f} s.")
    return EXIT_OK


def _train(args: argparse.Namespace) -> int:
    return train(force=args.force)


# --------------------------------------------------------------------------- running


#: The conversation store: it reads SIGNPOST_TRACKER_URL / SIGNPOST_RETENTION_HOURS itself (bot/settings.py),
#: so a database password stays in the environment and never reaches the temporary endpoints file.
TRACKER_STORE_ENDPOINT = "tracker_store:\n  type: bot.tracker_store.PrivateSQLTrackerStore\n"


def _endpoints_for(actions_port: int) -> Path:
    """The endpoints file with the action server on the chosen port (the checked-in one says 5055).

    It always has our tracker store: without one Rasa keeps conversations in memory with no retention and no
    "forget me", so a missing section is added rather than trusted to the checked-in file.
    """
    text = settings.ENDPOINTS.read_text(encoding="utf-8")
    text = text.replace(
        f"localhost:{settings.DEFAULT_ACTIONS_PORT}", f"localhost:{actions_port}"
    ).replace(f"127.0.0.1:{settings.DEFAULT_ACTIONS_PORT}", f"127.0.0.1:{actions_port}")
    if not any(line.startswith("tracker_store:") for line in text.splitlines()):
        text = text.rstrip() + "\n" + TRACKER_STORE_ENDPOINT
    handle = tempfile.NamedTemporaryFile(
        "w", suffix=".yml", prefix="signpost-endpoints-", delete=False, encoding="utf-8"
    )
    with handle:
        handle.write(text)
    return Path(handle.name)


#: Channels switched on by their settings in the environment; each reads its own secrets from there.
_OPTIONAL_CHANNELS = {
    "channels.sms.SmsInput": ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN"),
    "channels.telegram.TelegramInput": ("TELEGRAM_TOKEN", "TELEGRAM_WEBHOOK_SECRET"),
}


def _credentials_for(environ: dict[str, str]) -> Path:
    """bot/credentials.yml plus each optional channel whose settings are present.

    The SMS and Telegram channels refuse to start without their secrets, so they are listed only when
    configured; the secrets stay in the environment, never in a file.
    """
    text = settings.CREDENTIALS.read_text(encoding="utf-8").rstrip() + "\n"
    for channel, required in _OPTIONAL_CHANNELS.items():
        if channel not in text and all(environ.get(name) for name in required):
            text += f"{channel}: {{}}\n"
    handle = tempfile.NamedTemporaryFile(
        "w", suffix=".yml", prefix="signpost-credentials-", delete=False, encoding="utf-8"
    )
    with handle:
        handle.write(text)
    return Path(handle.name)


def _wait_until_up(url: str, processes: Sequence[subprocess.Popen], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(p.poll() is not None for p in processes):
            return False
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return True
        except (urllib.error.URLError, ConnectionError, OSError):
            pass
        time.sleep(0.5)
    return False


def _stop(processes: Iterable[subprocess.Popen]) -> None:
    for process in processes:
        if process.poll() is None:
            process.terminate()
    for process in processes:
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


#: Both servers start through bot.rasa_entry so that log redaction is installed before Rasa configures logging.
_ENTRY = [sys.executable, "-m", "bot.rasa_entry"]


def run(port: int, actions_port: int, model: Path | None = None, debug: bool = False) -> int:
    model = model or settings.MODEL_FILE
    if not model.exists():
        print(f"No trained model at {model}: run `signpost train` first.", file=sys.stderr)
        return EXIT_PROBLEMS
    env = settings.rasa_environment()
    try:
        settings.retention_hours()
    except ValueError as error:
        print(error, file=sys.stderr)
        return EXIT_USAGE
    log_level = ["--debug"] if debug else []
    endpoints = _endpoints_for(actions_port)
    credentials = _credentials_for(env)
    processes: list[subprocess.Popen] = []
    stopping = False

    def request_stop(signum, _frame) -> None:
        nonlocal stopping
        stopping = True

    previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        processes.append(
            subprocess.Popen(
                [*_ENTRY, "rasa_sdk", "--actions", "actions", "--port", str(actions_port), *log_level],
                cwd=settings.PROJECT_ROOT, env=env,
            )
        )
        processes.append(
            subprocess.Popen(
                [
                    *_ENTRY, "rasa", "run",
                    "--model", str(model),
                    "--endpoints", str(endpoints),
                    "--credentials", str(credentials),
                    "--port", str(port),
                    "--cors", "*",
                    *log_level,
                ],
                cwd=settings.PROJECT_ROOT, env=env,
            )
        )
        if _wait_until_up(f"http://127.0.0.1:{port}/", processes, timeout=180):
            print(f"signpost is running: chat page at http://localhost:{port}/webhooks/widget/ "
                  f"(REST channel: /webhooks/rest/webhook). Press Ctrl+C to stop.", flush=True)
        while not stopping and all(p.poll() is None for p in processes):
            time.sleep(0.5)
        failed = [p for p in processes if p.poll() not in (None, 0)]
        return EXIT_PROBLEMS if failed and not stopping else EXIT_OK
    finally:
        _stop(processes)
        endpoints.unlink(missing_ok=True)
        credentials.unlink(missing_ok=True)
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _run(args: argparse.Namespace) -> int:
    return run(args.port, args.actions_port, debug=args.debug)


# --------------------------------------------------------------------------- privacy


def purge() -> int:
    """Deletes conversations older than the retention period and says how many (never which)."""
    try:
        hours = settings.retention_hours()
    except ValueError as error:
        print(error, file=sys.stderr)
        return EXIT_USAGE
    os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
    from bot.tracker_store import PrivateSQLTrackerStore

    # The store purges as it opens; that count is the answer.
    store = PrivateSQLTrackerStore(retention_hours=hours, purge_every_minutes=0)
    removed = store.purge_expired()
    kept = store.count_conversations()
    store.engine.dispose()
    print(f"Removed {store.removed_at_start + removed} conversation(s) older than {hours:g} hours; {kept} kept.")
    return EXIT_OK


def _purge(_: argparse.Namespace) -> int:
    return purge()


# --------------------------------------------------------------------------- channels


def _telegram_set_webhook(args: argparse.Namespace) -> int:
    from channels.telegram import set_webhook_from_environment

    try:
        ok = set_webhook_from_environment(args.url)
    except ValueError as error:
        print(f"{error} (set TELEGRAM_TOKEN and TELEGRAM_WEBHOOK_SECRET first)", file=sys.stderr)
        return EXIT_USAGE
    print("Webhook registered." if ok else "Telegram did not accept the webhook.")
    return EXIT_OK if ok else EXIT_PROBLEMS


# --------------------------------------------------------------------------- entry point


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="signpost", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)

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

    tr = commands.add_parser("train", help="train when the data changed, otherwise reuse the model")
    tr.add_argument("--force", action="store_true")
    tr.set_defaults(handler=_train)

    rn = commands.add_parser("run", help="start the action server and the assistant")
    rn.add_argument("--port", type=int, default=settings.DEFAULT_PORT)
    rn.add_argument("--actions-port", type=int, default=settings.DEFAULT_ACTIONS_PORT)
    rn.add_argument("--debug", action="store_true",
                    help="log at DEBUG (message text and ids are still redacted: bot/logging_privacy.py)")
    rn.set_defaults(handler=_run)

    pg = commands.add_parser("purge", help="delete conversations older than the retention period")
    pg.set_defaults(handler=_purge)

    tg = commands.add_parser("telegram", help="Telegram set-up").add_subparsers(dest="tg_command", required=True)
    hook = tg.add_parser("set-webhook", help="register this server's webhook with Telegram, with the secret")
    hook.add_argument("url")
    hook.set_defaults(handler=_telegram_set_webhook)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
