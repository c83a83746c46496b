"""Plans and call-backs run as the action server runs them: the bundled directory plus two fictional Oakhaven
services (tests/plan/oakhaven.json, Ofcom drama numbers), a real outbox and a council routes file."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Iterator

import pytest

from actions import callback
from knowledge.store.db import make_engine
from referrals.sealing import Sealer, new_key
from referrals.store import Outbox
from tests.support.directory import actions_directory

OAKHAVEN = Path(__file__).with_name("oakhaven.json")
ALCOHOL_SERVICE = "test-oakhaven-alcohol"
RECOVERY_HUB = "test-oakhaven-recovery"
SUNDAY_2AM = "2026-11-29T02:00:00"
TUESDAY_11AM = "2026-12-01T11:00:00"


@pytest.fixture
def directory_database(tmp_path, monkeypatch) -> Iterator[str]:
    feed = json.loads(OAKHAVEN.read_text())
    with actions_directory(tmp_path, monkeypatch, feed=feed, clock_override=True, scope="") as url:
        yield url


@pytest.fixture
def routes_file(tmp_path, monkeypatch) -> Path:
    """The council's routes: only the Recovery Hub takes call-back requests (by email)."""
    path = tmp_path / "referral-routes.yml"
    path.write_text(
        f"services:\n  {RECOVERY_HUB}:\n    email: referrals@oakhaven-recovery.example\n"
        "    call_back_within: 2 working days\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("SIGNPOST_REFERRAL_ROUTES", str(path))
    monkeypatch.setenv("SIGNPOST_OUTBOX_KEY", new_key())  # call-backs are offered only with an outbox key
    return path


@pytest.fixture
def outbox(tmp_path, monkeypatch) -> Iterator[Outbox]:
    key = new_key()
    url = f"sqlite:///{tmp_path / 'outbox.db'}"
    monkeypatch.setenv("SIGNPOST_OUTBOX_KEY", key)
    monkeypatch.setenv("SIGNPOST_OUTBOX_URL", url)
    callback._outbox = None
    box = Outbox(make_engine(url), Sealer(key))
    box.create_schema()
    yield box
    callback._outbox = None
    box.engine.dispose()
