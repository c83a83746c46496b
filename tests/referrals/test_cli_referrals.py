"""`signpost referrals new-key` and `status`, as processes."""
from __future__ import annotations

import os
import subprocess
import sys

from cryptography.fernet import Fernet

from bot import settings


def signpost(*args, env=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bot.cli", "referrals", *args], env=env or dict(os.environ),
                          cwd=settings.PROJECT_ROOT, capture_output=True, text=True, timeout=120)


def test_new_key_prints_a_usable_key():
    result = signpost("new-key")
    assert result.returncode == 0
    Fernet(result.stdout.strip().encode())


def test_status_counts_waiting_requests_and_names_a_bad_routes_file(tmp_path):
    key = signpost("new-key").stdout.strip()
    routes = tmp_path / "routes.yml"
    routes.write_text("services:\n  a:\n    email: referrals@anytown.example\n", encoding="utf-8")
    env = {**os.environ, "SIGNPOST_OUTBOX_KEY": key, "SIGNPOST_OUTBOX_URL": f"sqlite:///{tmp_path / 'o.db'}",
           "SIGNPOST_REFERRAL_ROUTES": str(routes)}
    ok = signpost("status", env=env)
    assert ok.returncode == 0 and "Services taking call-back requests: 1" in ok.stdout
    assert "Waiting to be delivered: 0" in ok.stdout
    routes.write_text("services:\n  a:\n    webhook: http://crm.anytown.example/hook\n", encoding="utf-8")
    bad = signpost("status", env=env)
    assert bad.returncode == 1 and "a: webhook must be an https:// URL" in bad.stderr
