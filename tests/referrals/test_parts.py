"""The plain parts: call-back numbers, routes, sealing and the outbox's own rules."""
from __future__ import annotations

import datetime as dt
import threading

import pytest

from referrals.phone import callback_number
from referrals.routes import EMAIL, WEBHOOK, Routes, RoutesError
from referrals.sealing import Sealer, SealError, new_key
from referrals.settings import SENT_KEPT_SECONDS, NotConfigured, RetryPolicy
from referrals.store import Cancelled
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
    # Long enough that the sealed text (base64 of random-looking bytes) cannot hold one by chance: a 3-letter name
    # did, about once in 600 runs.
    sqlite_outbox.add(make_request(name="Samwise"), "sender-1")
    (stored,) = sqlite_outbox.stored_bytes()
    for secret in (PHONE.encode(), b"Samwise", b"Anytown", b"mornings"):
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
    assert outbox.cancel_conversation("sender-1") == Cancelled(cancelled=2)
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


# ---- one "yes", one request ------------------------------------------------------------------------------------


def test_the_same_request_written_twice_is_one_request_with_one_reference(outbox):
    first = outbox.add(make_request(), "sender-1", "token-a")
    again = outbox.add(make_request(), "sender-1", "token-a")
    assert again == first
    assert outbox.counts() == {"pending": 1} and len(outbox.due_ids()) == 1
    # Another form (a new token), or another conversation with the same token, is another request.
    assert outbox.add(make_request(), "sender-1", "token-b") != first
    assert outbox.add(make_request(), "sender-2", "token-a") != first
    assert outbox.counts() == {"pending": 3}


def test_two_runs_of_the_same_yes_at_the_same_moment_write_one_request(outbox):
    """Two servers running the same turn at once (an expired lock): the unique key lets one row in."""
    start = threading.Barrier(4)
    references: list[str] = []

    def run() -> None:
        start.wait()
        references.append(outbox.add(make_request(), "sender-1", "token-a"))

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(references) == 4 and len(set(references)) == 1
    assert outbox.counts() == {"pending": 1}


def test_a_sent_request_keeps_only_its_reference_for_a_day_so_a_rerun_is_not_sent_again(outbox):
    reference = outbox.add(make_request(), "sender-1", "token-a")
    (entry_id,) = outbox.due_ids()
    outbox.claim(entry_id, lease_seconds=60)
    outbox.delivered(entry_id)
    assert outbox.counts() == {} and outbox.due_ids() == []
    assert outbox.stored_bytes() == [b""], "nothing of the request itself is kept"
    assert outbox.add(make_request(), "sender-1", "token-a") == reference
    assert outbox.due_ids() == [], "the same yes run after delivery is not queued again"
    # A day after the yes, what was kept goes.
    assert outbox.forget_sent(now=dt.datetime.utcnow() + dt.timedelta(seconds=SENT_KEPT_SECONDS - 60)) == 0
    assert outbox.forget_sent(now=dt.datetime.utcnow() + dt.timedelta(seconds=SENT_KEPT_SECONDS + 60)) == 1
    assert outbox.stored_bytes() == []


# ---- "forget me" while a worker is sending ---------------------------------------------------------------------


def _being_sent(outbox, sender="sender-1"):
    outbox.add(make_request(), sender, "token-a")
    (entry_id,) = outbox.due_ids()
    assert outbox.claim(entry_id, lease_seconds=60) is not None
    return entry_id


def test_forget_me_does_not_delete_a_request_a_worker_is_sending_and_says_so(outbox):
    entry_id = _being_sent(outbox)
    assert outbox.cancel_conversation("sender-1") == Cancelled(already_on_its_way=1)
    assert len(outbox.stored_bytes()) == 1, "the worker's row is still there for it to finish with"
    outbox.delivered(entry_id)
    assert outbox.stored_bytes() == [], "a forgotten request leaves nothing behind once sent"


def test_a_request_forgotten_while_its_send_failed_is_not_tried_again(outbox):
    entry_id = _being_sent(outbox)
    outbox.cancel_conversation("sender-1")
    outbox.retry_later(entry_id, 0, "SMTPConnectError")
    assert outbox.stored_bytes() == [] and outbox.due_ids() == []


def test_a_request_forgotten_while_a_worker_that_died_held_it_is_not_sent_again(outbox):
    entry_id = _being_sent(outbox)
    outbox.cancel_conversation("sender-1")
    later = dt.datetime.utcnow() + dt.timedelta(seconds=61)  # the dead worker's lease has run out
    assert outbox.due_ids(now=later) == [entry_id]
    assert outbox.claim(entry_id, lease_seconds=60, now=later) is None
    assert outbox.stored_bytes() == []


def test_forget_me_after_delivery_says_it_had_gone_and_keeps_nothing(outbox):
    entry_id = _being_sent(outbox)
    outbox.delivered(entry_id)
    assert outbox.cancel_conversation("sender-1") == Cancelled(already_on_its_way=1)
    assert outbox.stored_bytes() == []
