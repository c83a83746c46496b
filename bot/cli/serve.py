"""`signpost run`: start the action server and the Rasa server, keep them running, and stop them together.

Both start through bot.rasa_entry, which redacts message text and ids from their logs at every level. A part that
stops is restarted with backoff (``Supervisor``); meanwhile the other keeps serving, and the Rasa server answers
from safety/ when the action server is away (channels/fallback.py). ``/webhooks/health/`` on the Rasa server says
which parts are up (channels/health.py).
"""
from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from bot import settings
from bot.cli.common import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE
from channels.identity import ensure_pseudonym_key

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


def _answers(url: str, timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status == 200
    except (urllib.error.URLError, ConnectionError, OSError):
        return False


#: Restart delays after a part stops: 1 s, 2 s, 4 s … at most 30 s; back to 1 s once it has run for a minute.
FIRST_RESTART_DELAY = 1.0
MAX_RESTART_DELAY = 30.0
HEALTHY_AFTER_SECONDS = 60.0


@dataclass
class Part:
    """One supervised process: started, watched, and restarted with backoff when it stops."""

    name: str
    argv: list[str]
    process: subprocess.Popen | None = None
    started_at: float = 0.0
    restarts: int = 0
    next_start: float = 0.0

    def delay(self) -> float:
        return min(MAX_RESTART_DELAY, FIRST_RESTART_DELAY * 2 ** max(0, self.restarts - 1))


class Supervisor:
    """Keeps every part running until asked to stop. One part failing never stops the others: the Rasa server
    keeps answering (from safety/ when the action server is down: channels/fallback.py) while the action server
    restarts, and a crashed Rasa server is restarted too."""

    def __init__(self, parts: list[Part], env: dict[str, str], clock=time.monotonic) -> None:
        self.parts = parts
        self._env = env
        self._clock = clock

    def _start(self, part: Part) -> None:
        part.process = subprocess.Popen(part.argv, cwd=settings.PROJECT_ROOT, env=self._env)
        part.started_at = self._clock()
        if part.restarts:
            print(f"signpost: {part.name} restarted (restart {part.restarts}).", file=sys.stderr, flush=True)

    def start(self) -> None:
        for part in self.parts:
            self._start(part)

    def check(self) -> None:
        """Restart any part that has stopped, once its backoff delay has passed."""
        now = self._clock()
        for part in self.parts:
            if part.process is None:
                if now >= part.next_start:
                    self._start(part)
                continue
            code = part.process.poll()
            if code is None:
                if part.restarts and now - part.started_at >= HEALTHY_AFTER_SECONDS:
                    part.restarts = 0  # it has stayed up: the next failure restarts quickly again
                continue
            part.restarts += 1
            part.process = None
            part.next_start = now + part.delay()
            print(f"signpost: {part.name} stopped (exit code {code}); restarting in {part.delay():.0f} s.",
                  file=sys.stderr, flush=True)

    def running(self) -> list[subprocess.Popen]:
        return [p.process for p in self.parts if p.process is not None]

    def stop(self) -> None:
        _stop(self.running())


def _stop(processes: Iterable[subprocess.Popen]) -> None:
    processes = list(processes)
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


def _parts(port: int, actions_port: int, model: Path, endpoints: Path, credentials: Path, debug: bool) -> list[Part]:
    """The processes `signpost run` supervises. A new long-running process is one more Part here; work that runs
    inside this supervising process (the directory sync scheduler) starts in `run` below."""
    log_level = ["--debug"] if debug else []
    parts = [
        Part("action server", [*_ENTRY, "rasa_sdk", "--actions", "actions", "--port", str(actions_port), *log_level]),
        Part("Rasa server", [
            *_ENTRY, "rasa", "run",
            "--model", str(model),
            "--endpoints", str(endpoints),
            "--credentials", str(credentials),
            "--port", str(port),
            "--cors", "*",
            *log_level,
        ]),
    ]
    if os.environ.get("SIGNPOST_OUTBOX_KEY", "").strip():
        # Call-backs are switched on: deliver them from the outbox (bot/cli/referrals.py, referrals/worker.py).
        parts.append(Part("call-back delivery", [sys.executable, "-m", "bot.cli", "referrals", "deliver"]))
    return parts


def _check_before_start() -> str | None:
    """A problem that would stop signpost from working, with what to do about it; None when all is well."""
    from knowledge.store.db import DirectoryMissing, database_url, existing_sqlite_url

    try:
        existing_sqlite_url(database_url())  # a moved or deleted directory file is never made again empty
    except DirectoryMissing as missing:
        return str(missing)
    return None


def run(port: int, actions_port: int, model: Path | None = None, debug: bool = False) -> int:
    model = model or settings.MODEL_FILE
    if not model.exists():
        print(f"No trained model at {model}: run `signpost train` first.", file=sys.stderr)
        return EXIT_PROBLEMS
    try:
        settings.retention_hours()
        settings.sync_interval_minutes()
        pseudonym_key_source = ensure_pseudonym_key()
    except ValueError as error:
        print(error, file=sys.stderr)
        return EXIT_USAGE
    problem = _check_before_start()
    if problem:
        print(problem, file=sys.stderr)
        return EXIT_PROBLEMS
    env = settings.rasa_environment()
    endpoints = _endpoints_for(actions_port)
    credentials = _credentials_for(env)
    supervisor = Supervisor(_parts(port, actions_port, model, endpoints, credentials, debug), env)
    stopping = False

    def request_stop(signum, _frame) -> None:
        nonlocal stopping
        stopping = True

    previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    scheduled_sync = None
    announced = False
    try:
        from bot.sync_scheduler import start_scheduled_sync  # SIGNPOST_SYNC_URL: sync the directory on a schedule

        scheduled_sync = start_scheduled_sync()
        supervisor.start()
        while not stopping:
            supervisor.check()
            if not announced and _answers(f"http://127.0.0.1:{port}/", timeout=1):
                announced = True
                print(f"signpost is running: chat page at http://localhost:{port}/webhooks/widget/ "
                      f"(REST channel: /webhooks/rest/webhook, health: /webhooks/health/; pseudonym key "
                      f"{pseudonym_key_source}). Press Ctrl+C to stop.", flush=True)
            time.sleep(0.5)
        return EXIT_OK
    finally:
        if scheduled_sync is not None:
            scheduled_sync.stop(timeout=5)
        supervisor.stop()
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
