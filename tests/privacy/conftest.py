"""Fixtures for the privacy tests: the real conversation store on SQLite and PostgreSQL, and a real server at DEBUG.

``tracker_store_url`` is parametrised: a test that asks for it runs once on a SQLite file and once on the local
PostgreSQL (its own schema, dropped afterwards; skipped with the reason when PostgreSQL is not running).

``privacy_server`` is `signpost run --debug` with its own conversation database, a known pseudonym key (so tests
can tell which stored id a client id becomes) and SMS switched on, its output captured to a file for the log test.
It is separate from tests/support/server.py's shared server because it must log at DEBUG.
"""
from __future__ import annotations

import subprocess
import sys
import time
import urllib.error
import uuid
from typing import Iterator

import pytest
import sqlalchemy as sa

from bot import settings
from tests.support.server import SignpostServer, _get, free_port

PG_URL = "postgresql://postgres@127.0.0.1:5432/test"
PSEUDONYM_KEY = "signpost-privacy-tests-pseudonym-key-0123456789"
TWILIO_AUTH_TOKEN = "privacy-twilio-auth-token"


@pytest.fixture(scope="session")
def _pg_tracker_schema() -> Iterator[str]:
    schema = f"signpost_privacy_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(PG_URL, future=True)
    try:
        with admin.begin() as connection:
            connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    except Exception as error:  # noqa: BLE001 - any connection failure means "not available here"
        admin.dispose()
        pytest.skip(f"PostgreSQL not reachable at 127.0.0.1:5432: {type(error).__name__}: {str(error).strip()[:200]}")
    try:
        yield schema
    finally:
        with admin.begin() as connection:
            connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def tracker_store_url(request, tmp_path) -> Iterator[str]:
    """An empty conversation database: a SQLite file, or a fresh schema on the local PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'conversations.db'}"
        return
    schema = request.getfixturevalue("_pg_tracker_schema")
    yield f"{PG_URL}?options=-csearch_path%3D{schema}"
    # Each test starts empty: the events table is Rasa's, created by the first store.
    engine = sa.create_engine(f"{PG_URL}?options=-csearch_path%3D{schema}", future=True)
    with engine.begin() as connection:
        connection.execute(sa.text("DROP TABLE IF EXISTS events"))
    engine.dispose()


@pytest.fixture(scope="session")
def privacy_server(tmp_path_factory) -> Iterator[SignpostServer]:
    if not settings.MODEL_FILE.exists():
        pytest.fail(f"No trained model at {settings.MODEL_FILE}: `make test` trains it (or run `signpost train`).")
    workdir = tmp_path_factory.mktemp("signpost-privacy")
    database_url = f"sqlite:///{workdir / 'directory.db'}"
    port, actions_port = free_port(), free_port()
    env = {
        **settings.rasa_environment(),
        "SIGNPOST_DATABASE_URL": database_url,
        "SIGNPOST_TRACKER_URL": f"sqlite:///{workdir / 'conversations.db'}",
        "SIGNPOST_PSEUDONYM_KEY": PSEUDONYM_KEY,
        "SIGNPOST_CLOCK_OVERRIDE": "1",
        "TWILIO_ACCOUNT_SID": "ACprivacy000000000000000000000000",
        "TWILIO_AUTH_TOKEN": TWILIO_AUTH_TOKEN,
        "TWILIO_NUMBER": "+447700900000",
        "SIGNPOST_PUBLIC_URL": f"http://127.0.0.1:{port}",
    }
    for name in ("TELEGRAM_TOKEN", "TELEGRAM_WEBHOOK_SECRET", "SIGNPOST_RETENTION_HOURS"):
        env.pop(name, None)
    signpost = [sys.executable, "-m", "bot.cli"]
    subprocess.run(signpost + ["kb", "init"], cwd=settings.PROJECT_ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL)
    log_path = workdir / "server.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            signpost + ["run", "--port", str(port), "--actions-port", str(actions_port), "--debug"],
            cwd=settings.PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
    server = SignpostServer(f"http://127.0.0.1:{port}", database_url, process, log_path, telegram_api=None)
    server.tracker_url = env["SIGNPOST_TRACKER_URL"]  # type: ignore[attr-defined]
    try:
        deadline = time.monotonic() + 240
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


@pytest.fixture
def pseudonym(monkeypatch):
    """What a channel turns a raw id into on the privacy server (same key)."""
    from channels.identity import pseudonymise

    monkeypatch.setenv("SIGNPOST_PSEUDONYM_KEY", PSEUDONYM_KEY)
    return pseudonymise
