"""A real signpost server for end-to-end tests (fixture `signpost_server`, shared by tests/conftest.py): `signpost run` on free ports, a fresh directory, the trained model.

The model is trained once per run by `make test` (`signpost train`, reused when nothing changed); these tests
never train. The server runs with SIGNPOST_CLOCK_OVERRIDE=1 so each message can say what time it is.
"""
from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

import pytest

from bot import settings
from tests.channels.fake_telegram_api import FakeTelegramApi


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str, timeout: float = 2.0) -> int:
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.status


#: A fixed pseudonym key, so tests can tell which stored id a client's id becomes.
PSEUDONYM_KEY = "signpost-e2e-tests-pseudonym-key-0123456789"
#: Channel secrets the test server runs with, so SMS and Telegram are switched on as in production.
TWILIO_AUTH_TOKEN = "e2e-twilio-auth-token"
TELEGRAM_TOKEN = "123456:e2e-telegram-token"
TELEGRAM_SECRET = "e2e-telegram-webhook-secret"
#: Call-backs are switched on in the test server: a fixed outbox key (so tests can open the outbox), a routes file
#: in the server's folder that tests write (the action server re-reads it when it changes), and an SMTP port that a
#: test can bring up with aiosmtpd (tests/referrals/servers.py); the worker trusts the test CA made here.
OUTBOX_KEY = "c2lnbnBvc3QtZTJlLW91dGJveC1rZXktMDAwMDAwMDA="


@dataclass
class SignpostServer:
    base_url: str
    database_url: str
    process: subprocess.Popen
    log_path: Path
    telegram_api: FakeTelegramApi
    tracker_url: str
    outbox_url: str = ""
    routes_file: Path | None = None
    smtp_port: int = 0
    tls_dir: Path | None = None

    def post_json(self, path: str, body: Any, timeout: float = 30.0) -> tuple[int, Any]:
        data = json.dumps(body).encode("utf-8")
        request = urllib.request.Request(
            self.base_url + path, data=data, headers={"Content-Type": "application/json"}, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            payload = error.read()
            try:
                return error.code, json.loads(payload or b"null")
            except ValueError:
                return error.code, payload.decode("utf-8", "replace")

    def conversation(self, **metadata: Any) -> "Conversation":
        return Conversation(self, sender=f"e2e-{uuid.uuid4().hex[:12]}", metadata=dict(metadata))


@dataclass
class Conversation:
    """One person talking to the assistant over the REST channel."""

    server: SignpostServer
    sender: str
    metadata: dict = field(default_factory=dict)

    def say(self, message: str, **metadata: Any) -> list[dict]:
        body = {"sender": self.sender, "message": message, "metadata": {**self.metadata, **metadata}}
        status, replies = self.server.post_json("/webhooks/rest/webhook", body)
        assert status == 200, f"REST channel answered {status}: {replies}"
        assert isinstance(replies, list) and replies, f"no reply to {message!r}"
        return replies

    def say_text(self, message: str, **metadata: Any) -> str:
        return "\n".join(reply.get("text", "") for reply in self.say(message, **metadata))


@pytest.fixture(scope="session")
def signpost_server(tmp_path_factory) -> Iterator[SignpostServer]:
    if not settings.MODEL_FILE.exists():
        pytest.fail(f"No trained model at {settings.MODEL_FILE}: `make test` trains it (or run `signpost train`).")
    workdir = tmp_path_factory.mktemp("signpost-e2e")
    database_url = f"sqlite:///{workdir / 'directory.db'}"
    port, actions_port = free_port(), free_port()
    telegram_api = FakeTelegramApi(token=TELEGRAM_TOKEN).start()
    env = {
        **settings.rasa_environment(),
        "SIGNPOST_DATABASE_URL": database_url,
        # Test conversations go to the test's own folder, not var/conversations.db.
        "SIGNPOST_TRACKER_URL": f"sqlite:///{workdir / 'conversations.db'}",
        "SIGNPOST_CLOCK_OVERRIDE": "1",
        "SIGNPOST_PSEUDONYM_KEY": PSEUDONYM_KEY,
        "TWILIO_ACCOUNT_SID": "ACe2e00000000000000000000000000000",
        "TWILIO_AUTH_TOKEN": TWILIO_AUTH_TOKEN,
        "TWILIO_NUMBER": "+447700900000",
        "SIGNPOST_PUBLIC_URL": f"http://127.0.0.1:{port}",
        "TELEGRAM_TOKEN": TELEGRAM_TOKEN,
        "TELEGRAM_WEBHOOK_SECRET": TELEGRAM_SECRET,
        "TELEGRAM_API_BASE_URL": telegram_api.base_url,
        # Many test modules share this server and talk to it faster than a person types; limits have their own
        # tests (tests/channels/test_rest.py, tests/resilience/).
        "SIGNPOST_LIMIT_PER_ADDRESS": "off",
        "SIGNPOST_LIMIT_PER_SENDER": "off",
    }
    env.pop("SIGNPOST_RETENTION_HOURS", None)
    from tests.referrals.servers import make_certificates

    tls_dir = workdir / "tls"
    tls_dir.mkdir()
    certs = make_certificates(tls_dir)
    routes_file = workdir / "referral-routes.yml"
    routes_file.write_text("services: {}\n", encoding="utf-8")
    smtp_port = free_port()
    env.update({
        "SIGNPOST_OUTBOX_KEY": OUTBOX_KEY,
        "SIGNPOST_OUTBOX_URL": f"sqlite:///{workdir / 'outbox.db'}",
        "SIGNPOST_REFERRAL_ROUTES": str(routes_file),
        "SIGNPOST_SMTP_HOST": "127.0.0.1",
        "SIGNPOST_SMTP_PORT": str(smtp_port),
        "SIGNPOST_SMTP_FROM": "signpost@council.example",
        "SIGNPOST_ADMIN_EMAIL": "admin@council.example",
        "SIGNPOST_REFERRAL_RETRY_SECONDS": "1",
        "SSL_CERT_FILE": str(certs.ca_file),
    })
    signpost = [sys.executable, "-m", "bot.cli"]
    subprocess.run(signpost + ["kb", "init"], cwd=settings.PROJECT_ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL)
    log_path = workdir / "server.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            # At DEBUG, so the privacy tests can show that even debug logs hold no message text or ids.
            signpost + ["run", "--port", str(port), "--actions-port", str(actions_port), "--debug"],
            cwd=settings.PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
    server = SignpostServer(
        f"http://127.0.0.1:{port}", database_url, process, log_path, telegram_api, env["SIGNPOST_TRACKER_URL"],
        outbox_url=env["SIGNPOST_OUTBOX_URL"], routes_file=routes_file, smtp_port=smtp_port, tls_dir=tls_dir,
    )
    try:
        deadline = time.monotonic() + 480  # a shared 2-core machine under load can take minutes
        while True:
            if process.poll() is not None:
                pytest.fail(f"signpost run exited early:\n{log_path.read_text(errors='replace')[-3000:]}")
            try:
                if _get(f"{server.base_url}/") == 200 and _get(f"http://127.0.0.1:{actions_port}/health") == 200:
                    break
            except (urllib.error.URLError, OSError):
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"signpost run did not start in time:\n{log_path.read_text(errors='replace')[-3000:]}")
            time.sleep(1)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
        telegram_api.stop()
