"""Fixtures for call-back delivery: an outbox on SQLite and on PostgreSQL, test TLS certificates, a request."""
from __future__ import annotations

from typing import Iterator

import pytest
from sqlalchemy.engine import Engine

from knowledge.store.db import make_engine
from referrals.models import OutboxBase
from referrals.request import CallbackRequest
from referrals.sealing import Sealer, new_key
from referrals.store import Outbox
from tests.referrals.servers import TlsCertificates, make_certificates

#: Fictional service and an Ofcom drama-range mobile number.
SERVICE_ID = "test-anytown-recovery"
PHONE = "07700900123"


@pytest.fixture(scope="session")
def certs(tmp_path_factory) -> TlsCertificates:
    return make_certificates(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def outbox_key() -> str:
    return new_key()


@pytest.fixture
def sqlite_outbox_engine(tmp_path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path / 'outbox.db'}")
    yield engine
    engine.dispose()


@pytest.fixture
def pg_outbox_engine(pg_engine: Engine) -> Iterator[Engine]:
    """The test session's own PostgreSQL schema (tests/conftest.py); the outbox table is emptied after each test."""
    OutboxBase.metadata.create_all(pg_engine)
    yield pg_engine
    with pg_engine.begin() as connection:
        connection.execute(OutboxBase.metadata.tables["referral_outbox"].delete())


@pytest.fixture(params=["sqlite", "postgresql"])
def outbox(request, outbox_key) -> Outbox:
    engine = request.getfixturevalue("sqlite_outbox_engine" if request.param == "sqlite" else "pg_outbox_engine")
    box = Outbox(engine, Sealer(outbox_key))
    box.create_schema()
    return box


@pytest.fixture
def sqlite_outbox(sqlite_outbox_engine, outbox_key) -> Outbox:
    box = Outbox(sqlite_outbox_engine, Sealer(outbox_key))
    box.create_schema()
    return box


def make_request(**changes) -> CallbackRequest:
    fields = dict(
        service_id=SERVICE_ID,
        service_name="Anytown Recovery (test)",
        phone=PHONE,
        good_time="weekday mornings",
        message_ok=False,
        consent="Anytown Recovery (test) will get your name Sam, your number ending 123, and when to call.",
        name="Sam",
    )
    fields.update(changes)
    return CallbackRequest(**fields)
