"""`signpost run` as an operator runs it: a part killed is restarted, the Rasa server answers meanwhile, health says
which parts are up, the kept pseudonym key carries conversations across a restart, and the limits hold.

No SIGNPOST_PSEUDONYM_KEY is given: the key file (SIGNPOST_PSEUDONYM_KEY_FILE, in the test's folder) is made once.
"""
from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from typing import Iterator, List

import pytest

from bot import settings
from tests.resilience.test_faults import stable_model_copy
from tests.support.server import free_port

EMERGENCY = "my son isnt breathing"
SEARCH = "need help with my drinking"


class Run:
    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.key_file = workdir / "var" / "pseudonym.key"
        self.env = {
            **settings.rasa_environment(),
            "SIGNPOST_DATABASE_URL": f"sqlite:///{workdir / 'directory.db'}",
            "SIGNPOST_TRACKER_URL": f"sqlite:///{workdir / 'conversations.db'}",
            "SIGNPOST_PSEUDONYM_KEY_FILE": str(self.key_file),
            "SIGNPOST_LIMIT_PER_SENDER": "10/10",
        }
        for name in ("SIGNPOST_PSEUDONYM_KEY", "SIGNPOST_REDIS_URL", "SIGNPOST_RETENTION_HOURS", "TWILIO_AUTH_TOKEN",
                     "TELEGRAM_TOKEN", "SIGNPOST_LIMIT_PER_ADDRESS", "SIGNPOST_TRUSTED_PROXIES"):
            self.env.pop(name, None)
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        cli = [sys.executable, "-m", "bot.cli"]
        subprocess.run(cli + ["kb", "init"], cwd=settings.PROJECT_ROOT, env=self.env, check=True,
                       stdout=subprocess.DEVNULL)
        model = stable_model_copy(self.workdir)
        log = open(self.workdir / "run.log", "wb")
        code = ("import sys; from pathlib import Path; from bot.cli import serve; "
                f"sys.exit(serve.run({self.port}, {free_port()}, model=Path({str(model)!r})))")
        self.process = subprocess.Popen([sys.executable, "-c", code], cwd=settings.PROJECT_ROOT, env=self.env,
                                        stdout=log, stderr=subprocess.STDOUT)
        self.wait_until(lambda: self.parts().get("actions") == "up", 300, "signpost run did not start")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()

    def log(self) -> str:
        return (self.workdir / "run.log").read_text(errors="replace")[-3000:]

    def wait_until(self, ready, seconds: float, problem: str) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"signpost run exited: {problem}\n{self.log()}")
            try:
                if ready():
                    return
            except (urllib.error.URLError, OSError, ValueError, LookupError):
                pass
            time.sleep(0.5)
        pytest.fail(f"{problem} in {seconds} s\n{self.log()}")

    def health(self) -> tuple[int, dict]:
        try:
            with urllib.request.urlopen(self.base + "/webhooks/health/", timeout=10) as answer:
                return answer.status, json.loads(answer.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"{}")

    def parts(self) -> dict:
        return self.health()[1].get("parts", {})

    def child(self, marker: str) -> int:
        """The pid of the supervised child whose command line holds ``marker``."""
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except (OSError, IndexError, ValueError):
                continue
            if ppid == self.process.pid and marker in cmdline:
                return int(entry.name)
        raise LookupError(marker)

    def say(self, text: str, sender: str) -> tuple[int, List[str], dict]:
        body = json.dumps({"sender": sender, "message": text}).encode()
        request = urllib.request.Request(self.base + "/webhooks/rest/webhook", data=body,
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=60) as answer:
                return answer.status, [m.get("text", "") for m in json.loads(answer.read())], dict(answer.headers)
        except urllib.error.HTTPError as error:
            return error.code, [], dict(error.headers)


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> Iterator[Run]:
    if not settings.MODEL_FILE.exists():
        pytest.fail(f"No trained model at {settings.MODEL_FILE}: run `signpost train`.")
    server = Run(tmp_path_factory.mktemp("supervised"))
    try:
        server.start()
        yield server
    finally:
        server.stop()


def test_health_reports_every_part_up(run: Run) -> None:
    status, body = run.health()
    assert status == 200
    assert body == {"status": "ok", "parts": {"rasa": "up", "actions": "up", "conversations": "up",
                                              "directory": "up"}}


def test_the_pseudonym_key_is_made_once_and_private(run: Run) -> None:
    assert run.key_file.exists()
    assert stat.S_IMODE(os.stat(run.key_file).st_mode) == 0o600


def test_a_killed_action_server_is_restarted_and_the_rasa_server_answers_meanwhile(run: Run) -> None:
    before = run.child("rasa_sdk")
    os.kill(before, signal.SIGKILL)
    status, texts, _ = run.say(EMERGENCY, f"sup-{uuid.uuid4().hex[:8]}")
    assert status == 200 and texts[0].startswith("Call 999 now."), texts
    status, texts, _ = run.say(SEARCH, f"sup-{uuid.uuid4().hex[:8]}")
    assert status == 200 and texts, texts
    run.wait_until(lambda: run.parts().get("actions") == "up", 120, "the action server was not restarted")
    assert run.child("rasa_sdk") != before
    assert "signpost: action server stopped" in (run.workdir / "run.log").read_text(errors="replace")
    sender = f"sup-{uuid.uuid4().hex[:8]}"
    assert any("postcode" in t for t in run.say(SEARCH, sender)[1])
    found = "\n".join(run.say("Cheltenham", sender)[1])
    assert found and not found.startswith("Sorry, I can't look up services"), found


def test_a_sender_over_the_limit_gets_429_but_an_emergency_still_gets_through(run: Run) -> None:
    sender = f"sup-{uuid.uuid4().hex[:8]}"
    statuses = [run.say("hello", sender) for _ in range(12)]
    limited = [s for s in statuses if s[0] == 429]
    assert limited, [s[0] for s in statuses]
    assert 1 <= int(limited[0][2]["Retry-After"]) <= 10
    status, texts, _ = run.say(EMERGENCY, sender)
    assert status == 200 and texts[0].startswith("Call 999 now.")


def test_a_killed_rasa_server_is_restarted_and_the_conversation_carries_on(run: Run) -> None:
    sender = f"sup-{uuid.uuid4().hex[:8]}"
    asked = run.say(SEARCH, sender)[1]
    assert any("postcode" in t for t in asked), asked
    before = run.child("rasa run")
    os.kill(before, signal.SIGKILL)
    run.wait_until(lambda: run.child("rasa run") != before, 30, "the Rasa server was not started again")
    run.wait_until(lambda: run.health()[1].get("status") == "ok", 300, "the Rasa server did not come back")
    # Same key after the restart, so the same person reaches the same conversation: the answer to the area
    # question asked before the crash is understood as one.
    found = "\n".join(run.say("Cheltenham", sender)[1])
    assert "Cheltenham" in found or "Gloucestershire" in found, found
