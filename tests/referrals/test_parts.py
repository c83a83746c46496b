"""The plain parts: call-back numbers, routes, sealing and the outbox's own rules."""
from __future__ import annotations

import pytest

from referrals.phone import callback_number
from referrals.routes import EMAIL, WEBHOOK, Routes, RoutesError
from referrals.sealing import Sealer, SealError, new_key
from referrals.settings import NotConfigured, RetryPolicy
from tests.referrals.conftest import PHONE, SERVICE_ID, make_request


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("07700 900123", "07700900123"),
        ("+44 7700 900123", "07700900123"),
        ("(01632) 960 001", "01632960001"),
        ("0044 20 7946 0000", "02079460000"),
        ("0300 123 6600", "03001236600"),
    ],
)
def test_numbers_a_service_can_call_back(typed, expected):
    assert callback_number(typed) == expected


@pytest.mark.parametrize(
    "typed",
    ["999", "111", "116 123", "85258", "0800 1111", "0800 123 4567", "09098 765432", "07700 9001", "my number",
     "", "070 1234 5678 9"],
)
def test_numbers_that_reach_no_one_person_are_refused(typed):
    assert callback_number(typed) is None


def test_routes_read_email_and_webhook(monkeypatch, tmp_path):
    monkeypatch.setenv("TEST_ROUTE_SECRET", "s" * 32)
    file = tmp_path / "routes.yml"
    file.write_text(
        "services:\n"
        "  a:\n    email: referrals@anytown.example\n    call_back_within: 2 working days\n"
        "  b:\n    webhook: https://crm.anytown.example/hook\n    secret_env: TEST_ROUTE_SECRET\n",
        encoding="utf-8",
    )
    routes = Routes.load(file)
    assert routes.route_for("a").kind == EMAIL and routes.route_for("a").call_back_within == "2 working days"
    assert routes.route_for("b").kind == WEBHOOK and routes.route_for("b").secret == "s" * 32
    assert routes.route_for("c") is None
    assert "s" * 32 not in routes.route_for("b").describe()


@pytest.mark.parametrize(
    "entry, problem",
    [
        ({"email": "not an address"}, "not an email address"),
        ({"webhook": "http://crm.anytown.example/hook", "secret": "s" * 20}, "https"),
        ({"webhook": "https://crm.anytown.example/hook", "secret": "short"}, "secret"),
        ({"email": "a@b.example", "webhook": "https://x.example"}, "not both"),
        ({"phone": "01632 960000"}, "expected"),
    ],
)
def test_bad_routes_name_the_service_and_the_problem(entry, problem):
    with pytest.raises(RoutesError, match=problem) as error:
        Routes.parse({"services": {"svc-1": entry}})
    assert "svc-1" in str(error.value)


def test_directory_email_only_when_the_council_allows_it_and_the_service_takes_referrals():
    allowed = Routes.parse({"directory_referral_emails": True})
    assert allowed.route_for("x", service_email="in@svc.example", application_process="Self-referral welcome").target \
        == "in@svc.example"
    assert allowed.route_for("x", service_email="in@svc.example", application_process="Drop in") is None
    assert Routes.parse({}).route_for("x", service_email="in@svc.example", application_process="Refer") is None


def test_no_routes_file_means_no_call_backs(monkeypatch):
    monkeypatch.delenv("SIGNPOST_REFERRAL_ROUTES", raising=False)
    assert Routes.load().route_for(SERVICE_ID) is None


def test_sealed_records_hold_nothing_readable_and_need_the_key(sqlite_outbox):
    sqlite_outbox.add(make_request(), "sender-1")
    (stored,) = sqlite_outbox.stored_bytes()
    for secret in (PHONE.encode(), b"Sam", b"Anytown", b"mornings"):
        assert secret not in stored
    with pytest.raises(SealError):
        Sealer(new_key()).open(stored)


def test_a_missing_or_bad_key_is_a_clear_error(monkeypatch):
    monkeypatch.delenv("SIGNPOST_OUTBOX_KEY", raising=False)
    with pytest.raises(NotConfigured, match="new-key"):
        Sealer()
    with pytest.raises(NotConfigured, match="Fernet"):
        Sealer("not-a-key")


def test_waits_double_and_stop_at_an_hour():
    policy = RetryPolicy(max_attempts=10, first_wait_seconds=60)
    assert [policy.wait_after(n) for n in (1, 2, 3, 4)] == [60, 120, 240, 480]
    assert policy.wait_after(9) == 3600


def test_forget_me_cancels_only_that_conversations_requests(outbox):
    outbox.add(make_request(), "sender-1")
    outbox.add(make_request(name="Jo"), "sender-1")
    outbox.add(make_request(name="Al"), "sender-2")
    assert outbox.cancel_conversation("sender-1") == 2
    assert outbox.counts() == {"pending": 1}


def test_a_claimed_request_is_not_taken_twice(outbox):
    outbox.add(make_request(), "sender-1")
    (entry_id,) = outbox.due_ids()
    first = outbox.claim(entry_id, lease_seconds=60)
    assert first is not None and first.attempt == 1 and first.request.phone == PHONE
    assert outbox.claim(entry_id, lease_seconds=60) is None
    assert outbox.due_ids() == []


def test_references_are_short_and_unambiguous(sqlite_outbox):
    references = {sqlite_outbox.add(make_request(), f"s{n}") for n in range(20)}
    assert len(references) == 20
    for reference in references:
        assert reference.startswith("SP-") and len(reference) == 9
        assert not set(reference[3:]) & set("01OIL")
