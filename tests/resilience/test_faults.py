"""Never silent, through a real Rasa server with the trained model, on every channel, whatever part fails.

One Rasa server (started through bot.rasa_entry as `signpost run` does, with our endpoints and credentials, and a
2-second action timeout) runs for the module. What sits at its action server's port changes from test to test:
nothing (not started / killed), the real rasa-sdk action server, the real action server with every action raising
(tests/resilience/raising_actions.py), or a hung one (tests/resilience/slow_action_server.py). The conversation
store is the local PostgreSQL reached through a TCP relay this test can cut, so "the database is down" is real.

Each time: an emergency gets the emergency guidance first, and anything else gets at least one message, with 999
and the lines that are always open when the search could not run. REST, SMS (signed, as Twilio sends) and
Telegram (the fake Bot API from tests/channels) are all asked.
"""
from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import time
import urllib.error
import urllib.request
import uuid
import xml.etree.ElementTree as ElementTree
import zlib
from pathlib import Path
from typing import Iterator, List
from urllib.parse import urlencode

import pytest
import sqlalchemy as sa
from twilio.request_validator import RequestValidator

from bot import settings
from bot.cli.serve import _credentials_for, _endpoints_for
from tests.channels.fake_telegram_api import FakeTelegramApi
from tests.support.postgres import PG_URL
from tests.support.relay import Relay
from tests.support.server import free_port
from tests.support.services import unavailable

TWILIO_AUTH_TOKEN = "faults-twilio-auth-token"
TELEGRAM_TOKEN = "123456:faults-telegram-token"
TELEGRAM_SECRET = "faults-telegram-secret"
EMERGENCY = "my son isnt breathing"
SEARCH = "need help with my drinking"
SAFETY_NET_START = "Sorry, I can't look up services just now."


# --- the server under test --------------------------------------------------------------------------------------


class Faults:
    def __init__(self, workdir: Path, relay: Relay, schema: str) -> None:
        self.workdir = workdir
        self.relay = relay
        self.port = free_port()
        self.actions_port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.telegram_api = FakeTelegramApi(token=TELEGRAM_TOKEN).start()
        self.env = {
            **settings.rasa_environment(),
            "SIGNPOST_DATABASE_URL": f"sqlite:///{workdir / 'directory.db'}",
            "SIGNPOST_TRACKER_URL": f"postgresql://postgres@127.0.0.1:{relay.port}/test"
                                    f"?options=-csearch_path%3D{schema}",
            "SIGNPOST_PSEUDONYM_KEY": "faults-pseudonym-key-0123456789abcdef",
            "SIGNPOST_ACTION_TIMEOUT_SECONDS": "2",
            "SIGNPOST_LIMIT_PER_ADDRESS": "off",
            "SIGNPOST_LIMIT_PER_SENDER": "off",
            "TWILIO_ACCOUNT_SID": "AC" + "0" * 32,
            "TWILIO_AUTH_TOKEN": TWILIO_AUTH_TOKEN,
            "TWILIO_NUMBER": "+447700900000",
            "SIGNPOST_PUBLIC_URL": self.base,
            "TELEGRAM_TOKEN": TELEGRAM_TOKEN,
            "TELEGRAM_WEBHOOK_SECRET": TELEGRAM_SECRET,
            "TELEGRAM_API_BASE_URL": self.telegram_api.base_url,
        }
        self.env.pop("SIGNPOST_REDIS_URL", None)
        self.env.pop("SIGNPOST_RETENTION_HOURS", None)
        self.rasa: subprocess.Popen | None = None
        self.actions: subprocess.Popen | None = None
        self._chat_ids = iter(range(7000, 10**6))
        self._update_ids = iter(range(1, 10**6))

    # servers

    def start_rasa(self) -> None:
        subprocess.run([sys.executable, "-m", "bot.cli", "kb", "init"], cwd=settings.PROJECT_ROOT, env=self.env,
                       check=True, stdout=subprocess.DEVNULL)
        old_env = dict(os.environ)
        os.environ.update(self.env)  # _endpoints_for / _credentials_for read the environment
        try:
            endpoints = _endpoints_for(self.actions_port)
            credentials = _credentials_for(self.env)
        finally:
            os.environ.clear()
            os.environ.update(old_env)
        log = open(self.workdir / "rasa.log", "wb")
        self.rasa = subprocess.Popen(
            [sys.executable, "-m", "bot.rasa_entry", "rasa", "run", "--model", str(stable_model_copy(self.workdir)),
             "--endpoints", str(endpoints), "--credentials", str(credentials), "--port", str(self.port)],
            cwd=settings.PROJECT_ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
        )
        self._wait(lambda: self.health_status() == 200, 300, "the Rasa server did not start",
                   process=self.rasa)

    def start_actions(self, package: str = "actions", **env: str) -> None:
        # A few attempts: on a shared machine another program may hold the port for a moment.
        for _attempt in range(3):
            self.stop_actions()
            self.actions = subprocess.Popen(
                [sys.executable, "-m", "bot.rasa_entry", "rasa_sdk", "--actions", package, "--port",
                 str(self.actions_port)],
                cwd=settings.PROJECT_ROOT, env={**self.env, **env},
                stdout=open(self.workdir / "actions.log", "ab"), stderr=subprocess.STDOUT,
            )
            deadline = time.monotonic() + 180
            while self.actions.poll() is None and time.monotonic() < deadline:
                with contextlib.suppress(urllib.error.URLError, OSError, ValueError, KeyError):
                    if self.health()["parts"].get("actions") == "up":
                        return
                time.sleep(0.5)
            time.sleep(5)
        pytest.fail("the action server did not start:\n"
                    + (self.workdir / "actions.log").read_text(errors="replace")[-3000:])

    def start_hung_actions(self) -> None:
        self.stop_actions()
        self.actions = subprocess.Popen(
            [sys.executable, str(Path(__file__).with_name("slow_action_server.py")), str(self.actions_port)],
            cwd=settings.PROJECT_ROOT, env=self.env,
        )
        self._wait(lambda: self.health()["parts"].get("actions") == "up", 30, "the hung server did not start",
                   process=self.actions)

    def stop_actions(self) -> None:
        if self.actions is not None:
            self.actions.kill()
            self.actions.wait(timeout=10)
            self.actions = None

    def stop(self) -> None:
        self.stop_actions()
        if self.rasa is not None:
            self.rasa.terminate()
            try:
                self.rasa.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.rasa.kill()
        self.telegram_api.stop()

    def _wait(self, ready, seconds: float, problem: str, process: subprocess.Popen) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if process.poll() is not None:
                pytest.fail(f"{problem}: it exited\n{self.log_tail()}")
            try:
                if ready():
                    return
            except (urllib.error.URLError, OSError, ValueError, KeyError):
                pass
            time.sleep(0.5)
        pytest.fail(f"{problem} in {seconds} s\n{self.log_tail()}")

    def log_tail(self) -> str:
        path = self.workdir / "rasa.log"
        return path.read_text(errors="replace")[-3000:] if path.exists() else ""

    # health

    def health_status(self) -> int:
        try:
            with urllib.request.urlopen(self.base + "/webhooks/health/", timeout=10) as answer:
                return answer.status
        except urllib.error.HTTPError as error:
            return error.code

    def health(self) -> dict:
        with urllib.request.urlopen(self.base + "/webhooks/health/", timeout=10) as answer:
            return json.loads(answer.read())

    # channels

    def rest(self, text: str, sender: str | None = None) -> List[str]:
        body = json.dumps({"sender": sender or f"faults-{uuid.uuid4().hex[:8]}", "message": text}).encode()
        request = urllib.request.Request(self.base + "/webhooks/rest/webhook", data=body,
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=60) as answer:
            assert answer.status == 200
            return [m.get("text", "") for m in json.loads(answer.read())]

    def sms(self, text: str, number: str | None = None) -> List[str]:
        params = {"MessageSid": "SM" + uuid.uuid4().hex, "AccountSid": "AC" + "0" * 32,
                  "From": number or f"+447700900{uuid.uuid4().int % 900 + 100}", "To": "+447700900000",
                  "Body": text, "NumMedia": "0"}
        url = self.base + "/webhooks/sms/webhook"
        signature = RequestValidator(TWILIO_AUTH_TOKEN).compute_signature(url, params)
        request = urllib.request.Request(url, data=urlencode(params).encode(), headers={
            "Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": signature})
        with urllib.request.urlopen(request, timeout=60) as answer:
            assert answer.status == 200
            root = ElementTree.fromstring(answer.read())
        return [element.text or "" for element in root.findall("Message")]

    def telegram(self, text: str, chat_id: int | None = None) -> List[str]:
        chat_id = chat_id or next(self._chat_ids)
        before = len(self.telegram_api.calls_to("sendMessage"))
        update = {"update_id": next(self._update_ids), "message": {
            "message_id": 1, "date": int(time.time()), "chat": {"id": chat_id, "type": "private"},
            "from": {"id": chat_id, "is_bot": False, "first_name": "Sam"}, "text": text}}
        request = urllib.request.Request(self.base + "/webhooks/telegram/webhook", data=json.dumps(update).encode(),
                                         headers={"Content-Type": "application/json",
                                                  "X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET})
        with urllib.request.urlopen(request, timeout=60) as answer:
            assert answer.status == 200
        deadline = time.monotonic() + 10
        sent: List[str] = []
        while time.monotonic() < deadline:
            sent = [c.params["text"] for c in self.telegram_api.calls_to("sendMessage")[before:]
                    if str(c.params.get("chat_id")) == str(chat_id)]
            if sent:
                break
            time.sleep(0.1)
        return sent


def stable_model_copy(workdir: Path) -> Path:
    """A whole copy of the trained model: another session may be writing models/ while these tests start."""
    copy = workdir / "model.tar.gz"
    for _ in range(60):
        shutil.copyfile(settings.MODEL_FILE, copy)
        try:
            with tarfile.open(copy) as archive:
                archive.getmembers()
            return copy
        except (tarfile.TarError, OSError, EOFError, zlib.error):
            time.sleep(5)
    pytest.fail(f"{settings.MODEL_FILE} stayed unreadable for 5 minutes")


def _pg_schema_or_skip() -> str:
    schema = f"signpost_faults_{uuid.uuid4().hex[:12]}"
    engine = sa.create_engine(PG_URL, future=True)
    try:
        with engine.begin() as connection:
            connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    except Exception as error:  # noqa: BLE001
        if os.environ.get("CI") == "true":
            raise
        unavailable(f"PostgreSQL not reachable at 127.0.0.1:5432 ({type(error).__name__})")
    finally:
        engine.dispose()
    return schema


@pytest.fixture(scope="module")
def faults(tmp_path_factory) -> Iterator[Faults]:
    if not settings.MODEL_FILE.exists():
        pytest.fail(f"No trained model at {settings.MODEL_FILE}: run `signpost train`.")
    schema = _pg_schema_or_skip()
    relay = Relay().start()
    server = Faults(tmp_path_factory.mktemp("faults"), relay, schema)
    try:
        server.start_rasa()
        yield server
    finally:
        server.stop()
        relay.stop()
        engine = sa.create_engine(PG_URL, future=True)
        with engine.begin() as connection:
            connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


# --- checks ------------------------------------------------------------------------------------------------------


def assert_emergency(texts: List[str]) -> None:
    assert texts, "no reply to an emergency"
    assert texts[0].startswith("Call 999 now."), texts


def assert_safety_net(texts: List[str]) -> None:
    joined = "\n".join(texts)
    assert joined.startswith(SAFETY_NET_START), texts
    assert "999" in joined and "116 123" in joined, texts


def assert_every_channel(faults: Faults, check_search=assert_safety_net) -> None:
    for channel in (faults.rest, faults.sms, faults.telegram):
        assert_emergency(channel(EMERGENCY))
        check_search(channel(SEARCH))


# --- the faults --------------------------------------------------------------------------------------------------


def test_action_server_not_started(faults: Faults) -> None:
    faults.stop_actions()
    assert faults.health()["parts"]["actions"] == "down"
    assert faults.health()["status"] == "degraded"
    assert_every_channel(faults)


def test_action_server_killed_mid_conversation_then_back(faults: Faults) -> None:
    faults.start_actions()
    sender = f"faults-{uuid.uuid4().hex[:8]}"
    asked = faults.rest(SEARCH, sender=sender)
    assert any("town" in t.lower() or "postcode" in t.lower() for t in asked), asked  # the area question
    faults.stop_actions()
    assert_safety_net(faults.rest("Cheltenham", sender=sender))  # the form's validation cannot run
    faults.start_actions()
    # The half-done question does not swallow the next, unrelated message: "hello" is a greeting, not a town.
    greeting = faults.rest("hello", sender=sender)
    assert greeting and greeting[0].startswith("Hi, I'm signpost"), greeting


def test_every_action_raising(faults: Faults) -> None:
    faults.start_actions("tests.resilience.raising_actions")
    assert_every_channel(faults)


def test_action_server_hung(faults: Faults) -> None:
    faults.start_hung_actions()
    try:
        started = time.monotonic()
        assert_emergency(faults.rest(EMERGENCY))
        assert time.monotonic() - started < 5  # guidance at once, not after the action timeout
        started = time.monotonic()
        assert_safety_net(faults.rest(SEARCH))
        assert time.monotonic() - started < 15  # the 2 s action timeout, not Rasa's 5 minutes
        assert_emergency(faults.sms(EMERGENCY))
        assert_emergency(faults.telegram(EMERGENCY))
    finally:
        faults.stop_actions()


def test_directory_unreadable(faults: Faults) -> None:
    # The real action server with its directory database unreachable: the actions themselves say so kindly.
    faults.start_actions(SIGNPOST_DATABASE_URL="postgresql://postgres@127.0.0.1:1/nothing")
    assert faults.health()["parts"]["actions"] == "up"
    person = uuid.uuid4().int % 900 + 100
    conversations = [
        lambda text: faults.rest(text, sender=f"faults-dir-{person}"),
        lambda text: faults.sms(text, number=f"+447700900{person}"),
        lambda text: faults.telegram(text, chat_id=90000 + person),
    ]
    for say in conversations:
        assert_emergency(say(EMERGENCY))
        asked = say(SEARCH)
        assert any("postcode" in t for t in asked), asked
        texts = say("Cheltenham")
        joined = "\n".join(texts)
        assert texts and "999" in joined and "116 123" in joined, texts


def test_conversation_store_down(faults: Faults) -> None:
    faults.start_actions()
    assert faults.health()["parts"]["conversations"] == "up"
    faults.relay.cut()
    try:
        # The store waits 6 s for the database, then fails the turn (bot/tracker_store.py: not Rasa's
        # FailSafeTrackerStore, which would answer from an empty conversation and keep nothing): the channel's
        # fallback says the look-up failed; the emergency still comes first.
        assert_every_channel(faults)
        assert faults.health()["parts"]["conversations"] == "down"
    finally:
        faults.relay.start()
    deadline = time.monotonic() + 30
    while faults.health()["parts"]["conversations"] != "up" and time.monotonic() < deadline:
        time.sleep(0.5)
    assert faults.rest("hello")[0].startswith("Hi, I'm signpost")


def test_rasa_command_text_is_read_as_words(faults: Faults) -> None:
    faults.start_actions()
    sender = f"faults-{uuid.uuid4().hex[:8]}"
    for command in ('/inform{"age": 1e309}', "/restart", "/session_start", '/help_alcohol{"age": 1e309}'):
        assert faults.rest(command, sender=sender), command
    # The conversation is not left silent: a search still gets a real answer afterwards.
    faults.rest(SEARCH, sender=sender)
    found = faults.rest("Cheltenham", sender=sender)
    assert found and not "\n".join(found).startswith(SAFETY_NET_START), found
    # Our own button payload still works as a command.
    assert faults.rest("/help_alcohol", sender=f"faults-{uuid.uuid4().hex[:8]}")
