"""Delivery against real receivers: aiosmtpd with STARTTLS and an HTTPS webhook receiver that checks signatures."""
from __future__ import annotations

import pytest

from referrals.delivery import DELIVERY_HEADER
from referrals.routes import Routes
from referrals.settings import RetryPolicy, SmtpSettings
from referrals.worker import Worker
from tests.referrals.conftest import PHONE, SERVICE_ID, make_request
from tests.referrals.servers import SmtpServer, WebhookReceiver
from tests.support.server import free_port

SECRET = "webhook-secret-for-tests-0123456789"
ADMIN = "admin@council.example"


def smtp_for(server_port: int) -> SmtpSettings:
    return SmtpSettings(host="127.0.0.1", port=server_port, sender="signpost@council.example", timeout=5)


def email_routes() -> Routes:
    return Routes.parse({"services": {SERVICE_ID: {"email": "referrals@anytown.example"}}})


def webhook_routes(url: str) -> Routes:
    return Routes.parse({"services": {SERVICE_ID: {"webhook": url, "secret": SECRET}}})


def worker(outbox, routes, certs, *, smtp_port, attempts=3, admin=ADMIN) -> Worker:
    return Worker(
        outbox, routes, smtp=smtp_for(smtp_port), admin_email=admin,
        policy=RetryPolicy(max_attempts=attempts, first_wait_seconds=0, lease_seconds=30),
        ssl_context=certs.client_context(),
    )


def test_email_goes_over_starttls_with_the_request_and_leaves_the_outbox(outbox, certs):
    reference = outbox.add(make_request(), "sender-1")
    with SmtpServer(certs) as smtp:
        summary = worker(outbox, email_routes(), certs, smtp_port=smtp.port).deliver_due()
    assert summary.delivered == 1
    (mail,) = smtp.received
    assert mail.over_tls and mail.envelope_to == ["referrals@anytown.example"]
    body = mail.message.get_content()
    assert reference in mail.message["Subject"] and reference in body
    assert "07700 900123" in body and "Sam" in body and "weekday mornings" in body
    assert "do not leave a message" in body
    assert outbox.counts() == {}


def test_a_server_without_starttls_never_gets_the_request(sqlite_outbox, certs):
    sqlite_outbox.add(make_request(), "sender-1")
    with SmtpServer(certs, tls=False) as smtp:
        summary = worker(sqlite_outbox, email_routes(), certs, smtp_port=smtp.port).deliver_due()
    assert smtp.received == []
    assert summary.to_retry == 1 and summary.errors == ["SMTP server offers no STARTTLS"]
    assert sqlite_outbox.counts() == {"pending": 1}


def test_webhook_is_signed_and_carries_the_request(outbox, certs):
    reference = outbox.add(make_request(), "sender-1")
    with WebhookReceiver(certs, SECRET) as hook:
        summary = worker(outbox, webhook_routes(hook.url), certs, smtp_port=free_port()).deliver_due()
    assert summary.delivered == 1
    (call,) = hook.calls
    assert call.signature_ok
    assert call.json["reference"] == reference and call.json["phone"] == PHONE and call.json["message_ok"] is False
    assert call.delivery_id
    assert outbox.counts() == {}


def test_a_wrong_secret_is_refused_by_the_receiver_and_retried(sqlite_outbox, certs):
    sqlite_outbox.add(make_request(), "sender-1")
    with WebhookReceiver(certs, "the-receivers-other-secret-000000") as hook:
        summary = worker(sqlite_outbox, webhook_routes(hook.url), certs, smtp_port=free_port()).deliver_due()
    assert [c.signature_ok for c in hook.calls] == [False]
    assert summary.errors == ["HTTP 401"] and sqlite_outbox.counts() == {"pending": 1}


def test_unreachable_mail_server_retries_with_backoff_then_the_admin_is_told(sqlite_outbox, certs):
    """Requests go by webhook to a receiver that is down; after the last try the admin gets it by email."""
    reference = sqlite_outbox.add(make_request(), "sender-1")
    down = f"https://127.0.0.1:{free_port()}/hook"
    with SmtpServer(certs) as smtp:
        w = worker(sqlite_outbox, webhook_routes(down), certs, smtp_port=smtp.port, attempts=3)
        passes = [w.deliver_due() for _ in range(3)]
    assert [p.to_retry for p in passes] == [1, 1, 0]
    assert passes[-1].handed_to_admin == 1
    (mail,) = smtp.received
    assert mail.envelope_to == [ADMIN]
    assert reference in mail.message["Subject"] and "pass it on by hand" in mail.message.get_content()
    assert sqlite_outbox.counts() == {}


def test_when_even_the_admin_cannot_be_reached_nothing_is_lost(sqlite_outbox, certs):
    sqlite_outbox.add(make_request(), "sender-1")
    w = worker(sqlite_outbox, email_routes(), certs, smtp_port=free_port(), attempts=2)
    first, second = w.deliver_due(), w.deliver_due()
    assert first.to_retry == 1 and second.admin_pending == 1
    assert sqlite_outbox.counts() == {"tell_admin": 1}
    # The mail server comes back: the admin is told on the next pass, and the request leaves the outbox.
    with SmtpServer(certs) as smtp:
        w.smtp = smtp_for(smtp.port)
        assert w.deliver_due().handed_to_admin == 1
    assert [m.envelope_to for m in smtp.received] == [[ADMIN]]
    assert sqlite_outbox.counts() == {}


def test_the_wait_between_tries_grows(sqlite_outbox, certs):
    from referrals.models import OutboxEntry, utcnow

    sqlite_outbox.add(make_request(), "sender-1")
    w = Worker(sqlite_outbox, email_routes(), smtp=smtp_for(free_port()), admin_email=ADMIN,
               policy=RetryPolicy(max_attempts=5, first_wait_seconds=60, lease_seconds=30),
               ssl_context=certs.client_context())
    w.deliver_due()
    with sqlite_outbox._unit() as session:
        entry = session.query(OutboxEntry).one()
        first_wait = (entry.next_attempt_at - utcnow()).total_seconds()
        entry.next_attempt_at = utcnow()  # as if the minute had passed
    w.deliver_due()
    with sqlite_outbox._unit() as session:
        second_wait = (session.query(OutboxEntry).one().next_attempt_at - utcnow()).total_seconds()
    assert 50 < first_wait <= 60 and 110 < second_wait <= 120


def test_a_service_with_no_route_goes_to_the_admin_not_nowhere(sqlite_outbox, certs):
    sqlite_outbox.add(make_request(service_id="no-route-service"), "sender-1")
    with SmtpServer(certs) as smtp:
        w = worker(sqlite_outbox, email_routes(), certs, smtp_port=smtp.port, attempts=1)
        assert w.deliver_due().handed_to_admin == 1
    assert [m.envelope_to for m in smtp.received] == [[ADMIN]]


@pytest.mark.parametrize("status", [500, 503])
def test_server_errors_are_retried(sqlite_outbox, certs, status):
    sqlite_outbox.add(make_request(), "sender-1")
    with WebhookReceiver(certs, SECRET, status=status) as hook:
        w = worker(sqlite_outbox, webhook_routes(hook.url), certs, smtp_port=free_port(), attempts=5)
        w.deliver_due()
        hook.status = 200
        w.deliver_due()
    assert [c.delivery_id for c in hook.calls] == [hook.calls[0].delivery_id] * 2
    assert hook.calls[0].headers[DELIVERY_HEADER] == hook.calls[1].headers[DELIVERY_HEADER]
    assert sqlite_outbox.counts() == {}


def test_delivery_logs_hold_no_name_number_or_service_words(sqlite_outbox, certs, caplog):
    import logging

    caplog.set_level(logging.DEBUG)
    sqlite_outbox.add(make_request(), "sender-1")
    down = f"https://127.0.0.1:{free_port()}/hook"
    w = worker(sqlite_outbox, webhook_routes(down), certs, smtp_port=free_port(), attempts=2)
    w.deliver_due()
    w.deliver_due()
    assert caplog.records, "the worker says what it did"
    for secret in (PHONE, "07700 900123", "Sam", "mornings", "sender-1"):
        assert secret not in caplog.text


def test_a_mail_server_that_wants_a_login_gets_it_only_over_tls(sqlite_outbox, certs):
    sqlite_outbox.add(make_request(), "sender-1")
    with SmtpServer(certs, login=("signpost", "mail-password-for-tests")) as smtp:
        wrong = worker(sqlite_outbox, email_routes(), certs, smtp_port=smtp.port)
        wrong.smtp = SmtpSettings("127.0.0.1", smtp.port, "signpost@council.example", "signpost", "nope", 5)
        assert wrong.deliver_due().errors == ["SMTPAuthenticationError"]
        right = worker(sqlite_outbox, email_routes(), certs, smtp_port=smtp.port)
        right.smtp = SmtpSettings("127.0.0.1", smtp.port, "signpost@council.example", "signpost",
                                  "mail-password-for-tests", 5)
        from referrals.models import OutboxEntry, utcnow

        with sqlite_outbox._unit() as session:
            session.query(OutboxEntry).update({"next_attempt_at": utcnow()})
        assert right.deliver_due().delivered == 1
    assert len(smtp.received) == 1 and smtp.received[0].over_tls
