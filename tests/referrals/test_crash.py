"""A crash loses nothing and sends nothing twice: the worker runs as `signpost referrals deliver` in a process
that is killed (SIGKILL, no clean-up) in the middle of an SMTP delivery."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from bot import settings
from knowledge.store.db import make_engine
from referrals.sealing import Sealer, new_key
from referrals.store import Outbox
from tests.referrals.conftest import SERVICE_ID, make_request
from tests.referrals.servers import SmtpServer, WebhookReceiver, wait_for

LEASE_SECONDS = 1


@pytest.fixture
def worker_env(tmp_path, certs):
    routes = tmp_path / "routes.yml"
    routes.write_text(f"services:\n  {SERVICE_ID}:\n    email: referrals@anytown.example\n", encoding="utf-8")
    env = {
        **os.environ,
        "SIGNPOST_OUTBOX_KEY": new_key(),
        "SIGNPOST_OUTBOX_URL": f"sqlite:///{tmp_path / 'outbox.db'}",
        "SIGNPOST_REFERRAL_ROUTES": str(routes),
        "SIGNPOST_SMTP_HOST": "127.0.0.1",
        "SIGNPOST_SMTP_FROM": "signpost@council.example",
        "SIGNPOST_SMTP_TIMEOUT": "20",
        "SIGNPOST_ADMIN_EMAIL": "admin@council.example",
        "SIGNPOST_REFERRAL_LEASE_SECONDS": str(LEASE_SECONDS),
        "SIGNPOST_REFERRAL_RETRY_SECONDS": "0",
        # The worker trusts the test CA (OpenSSL's default verify paths read SSL_CERT_FILE).
        "SSL_CERT_FILE": str(certs.ca_file),
    }
    return env


def _outbox(env) -> Outbox:
    box = Outbox(make_engine(env["SIGNPOST_OUTBOX_URL"]), Sealer(env["SIGNPOST_OUTBOX_KEY"]))
    box.create_schema()
    return box


def _deliver_once(env, port) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", "referrals", "deliver", "--once"],
        env={**env, "SIGNPOST_SMTP_PORT": str(port)}, cwd=settings.PROJECT_ROOT,
        capture_output=True, text=True, timeout=120,
    )


def test_killed_mid_delivery_then_restarted_delivers_exactly_once(worker_env, certs):
    # "Yes" was said: the request is on disk. Nothing has run since (the crash between "yes" and delivery).
    reference = _outbox(worker_env).add(make_request(), "sender-1")
    with SmtpServer(certs, hold_rcpt=True) as smtp:
        worker = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "referrals", "deliver", "--once"],
            env={**worker_env, "SIGNPOST_SMTP_PORT": str(smtp.port)}, cwd=settings.PROJECT_ROOT,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        try:
            assert wait_for(smtp.handler.reached_rcpt.is_set, timeout=90), "the worker never reached the server"
            worker.send_signal(signal.SIGKILL)  # mid-delivery: the server has not accepted anything yet
            worker.wait(timeout=10)
        finally:
            if worker.poll() is None:
                worker.kill()
        smtp.handler.hold_rcpt = False
        assert smtp.received == []
        assert _outbox(worker_env).counts() == {"pending": 1}, "the request must survive the crash"

        time.sleep(LEASE_SECONDS + 0.5)  # the dead worker's hold runs out
        restarted = _deliver_once(worker_env, smtp.port)
        assert restarted.returncode == 0, restarted.stderr
        assert "1 delivered" in restarted.stdout
        again = _deliver_once(worker_env, smtp.port)
        assert "0 delivered" in again.stdout
        assert wait_for(lambda: len(smtp.received) >= 1)
        time.sleep(0.3)
    assert len(smtp.received) == 1
    assert reference in smtp.received[0].message["Subject"]
    assert _outbox(worker_env).counts() == {}


WEBHOOK_SECRET = "webhook-secret-for-crash-tests-0123"


def test_killed_mid_webhook_delivery_then_restarted_delivers_exactly_once(worker_env, certs, tmp_path):
    with WebhookReceiver(certs, WEBHOOK_SECRET, hold=True) as hook:
        routes = tmp_path / "routes.yml"
        routes.write_text(f"services:\n  {SERVICE_ID}:\n    webhook: {hook.url}\n    secret_env: CRASH_HOOK_SECRET\n",
                          encoding="utf-8")
        env = {**worker_env, "SIGNPOST_REFERRAL_ROUTES": str(routes), "CRASH_HOOK_SECRET": WEBHOOK_SECRET}
        reference = _outbox(env).add(make_request(), "sender-1", "token")
        worker = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "referrals", "deliver", "--once"], env=env, cwd=settings.PROJECT_ROOT,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        try:
            assert hook.reached.wait(timeout=90), "the worker never reached the receiver"
            worker.send_signal(signal.SIGKILL)  # mid-delivery: the receiver has the call but has not answered
            worker.wait(timeout=10)
        finally:
            if worker.poll() is None:
                worker.kill()
        hook.hold = False
        hook.release.set()  # the held call is dropped unanswered
        assert hook.accepted == []
        assert _outbox(env).counts() == {"pending": 1}, "the request must survive the crash"

        time.sleep(LEASE_SECONDS + 0.5)  # the dead worker's hold runs out
        restarted = _deliver_once(env, 0)
        assert restarted.returncode == 0, restarted.stderr
        assert "1 delivered" in restarted.stdout
        assert "0 delivered" in _deliver_once(env, 0).stdout
    (accepted,) = hook.accepted
    assert accepted.signature_ok and accepted.json["reference"] == reference
    assert {call.delivery_id for call in hook.calls} == {accepted.delivery_id}, "the repeat can be recognised"
    assert len(hook.calls) == 2
    assert _outbox(env).counts() == {}


def test_a_worker_that_is_still_sending_is_not_doubled_by_a_second_worker(worker_env, certs):
    _outbox(worker_env).add(make_request(), "sender-1")
    env = {**worker_env, "SIGNPOST_REFERRAL_LEASE_SECONDS": "60"}
    with SmtpServer(certs, hold_rcpt=True) as smtp:
        first = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "referrals", "deliver", "--once"],
            env={**env, "SIGNPOST_SMTP_PORT": str(smtp.port)}, cwd=settings.PROJECT_ROOT,
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        )
        try:
            assert wait_for(smtp.handler.reached_rcpt.is_set, timeout=90)
            second = _deliver_once(env, smtp.port)
            assert "0 delivered" in second.stdout
            smtp.handler.release.set()
            out, _ = first.communicate(timeout=60)
        finally:
            if first.poll() is None:
                first.kill()
    assert "1 delivered" in out
    assert len(smtp.received) == 1


def test_the_worker_says_what_is_missing(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("SIGNPOST_")}
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "referrals", "deliver", "--once"],
        env=env, cwd=settings.PROJECT_ROOT, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 2
    assert "SIGNPOST_OUTBOX_KEY" in result.stderr and "new-key" in result.stderr
