"""`signpost run`: start the action server and the Rasa server together, and stop them together.

Both start through bot.rasa_entry, which redacts message text and ids from their logs at every level.
"""
from __future__ import annotations

import argparse
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Iterable, Sequence

from bot import settings
from bot.cli.common import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE

#: The conversation store: it reads SIGNPOST_TRACKER_URL / SIGNPOST_RETENTION_HOURS itself (bot/settings.py),
#: so a database password stays in the environment and never reaches the temporary endpoints file.
TRACKER_STORE_ENDPOINT = "tracker_store:\n  type: bot.tracker_store.PrivateSQLTrackerStore\n"
#: Conversation locks: in Redis when SIGNPOST_REDIS_URL is set (safe across servers), else in this process.
LOCK_STORE_ENDPOINT = "lock_store:\n  type: bot.lock_store.AtomicRedisLockStore\n"


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
    if not any(line.startswith("lock_store:") for line in text.splitlines()):
        text = text.rstrip() + "\n" + LOCK_STORE_ENDPOINT
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
        settings.sync_interval_minutes()
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
    scheduled_sync = None
    try:
        from bot.sync_scheduler import start_scheduled_sync  # SIGNPOST_SYNC_URL: sync the directory on a schedule

        scheduled_sync = start_scheduled_sync()
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
        if scheduled_sync is not None:
            scheduled_sync.stop(timeout=5)
        _stop(processes)
        endpoints.unlink(missing_ok=True)
        credentials.unlink(missing_ok=True)
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _run(args: argparse.Namespace) -> int:
    return run(args.port, args.actions_port, debug=args.debug)


def register(commands: argparse._SubParsersAction) -> None:
    rn = commands.add_parser("run", help="start the action server and the assistant")
    rn.add_argument("--port", type=int, default=settings.DEFAULT_PORT)
    rn.add_argument("--actions-port", type=int, default=settings.DEFAULT_ACTIONS_PORT)
    rn.add_argument("--debug", action="store_true",
                    help="log at DEBUG (message text and ids are still redacted: bot/logging_privacy.py)")
    rn.set_defaults(handler=_run)
