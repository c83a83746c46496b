"""What the environment says about call-backs. Read when needed, so tests and the CLI can set it per run."""
from __future__ import annotations

import os
from dataclasses import dataclass

OUTBOX_KEY_ENV = "SIGNPOST_OUTBOX_KEY"
OUTBOX_URL_ENV = "SIGNPOST_OUTBOX_URL"
ROUTES_FILE_ENV = "SIGNPOST_REFERRAL_ROUTES"
ADMIN_EMAIL_ENV = "SIGNPOST_ADMIN_EMAIL"
MAX_ATTEMPTS_ENV = "SIGNPOST_REFERRAL_MAX_ATTEMPTS"
RETRY_SECONDS_ENV = "SIGNPOST_REFERRAL_RETRY_SECONDS"
LEASE_SECONDS_ENV = "SIGNPOST_REFERRAL_LEASE_SECONDS"

#: Six tries with waits of 1, 2, 4, 8 and 16 minutes: about half an hour before the admin is told.
DEFAULT_MAX_ATTEMPTS = 6
DEFAULT_RETRY_SECONDS = 60.0
#: The longest wait between two tries.
MAX_RETRY_SECONDS = 3600.0
#: How long a worker may hold a request while sending it; a worker that dies is replaced after this.
DEFAULT_LEASE_SECONDS = 120.0
#: How long a sent request's reference and keyed hashes are kept (from the "yes"), so the same "yes" run again
#: is recognised and not sent twice. A second run can only come from the conversation, which is kept 24 hours.
SENT_KEPT_SECONDS = 24 * 3600.0


class NotConfigured(RuntimeError):
    """A setting that call-backs need is missing or unreadable; the message says which and how to fix it."""


def _number(name: str, default: float, *, minimum: float) -> float:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise NotConfigured(f"{name} must be a number, not {raw!r}") from None
    if value < minimum:
        raise NotConfigured(f"{name} must be at least {minimum:g}")
    return value


def outbox_key() -> str:
    key = os.environ.get(OUTBOX_KEY_ENV, "").strip()
    if not key:
        raise NotConfigured(
            f"{OUTBOX_KEY_ENV} is not set: make one with `signpost referrals new-key` and keep it secret."
        )
    return key


def outbox_url() -> str:
    """The outbox database: SIGNPOST_OUTBOX_URL, else the directory's database (one file to back up)."""
    url = os.environ.get(OUTBOX_URL_ENV, "").strip()
    if url:
        return url
    from knowledge.store.db import database_url

    return database_url()


def routes_file() -> str | None:
    return os.environ.get(ROUTES_FILE_ENV, "").strip() or None


def admin_email() -> str | None:
    return os.environ.get(ADMIN_EMAIL_ENV, "").strip() or None


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = DEFAULT_MAX_ATTEMPTS
    first_wait_seconds: float = DEFAULT_RETRY_SECONDS
    lease_seconds: float = DEFAULT_LEASE_SECONDS

    def wait_after(self, attempts: int) -> float:
        """Seconds to wait after ``attempts`` failed tries: doubling each time, capped at an hour."""
        return min(MAX_RETRY_SECONDS, self.first_wait_seconds * 2 ** max(0, attempts - 1))

    @classmethod
    def from_environment(cls) -> "RetryPolicy":
        return cls(
            max_attempts=int(_number(MAX_ATTEMPTS_ENV, DEFAULT_MAX_ATTEMPTS, minimum=1)),
            first_wait_seconds=_number(RETRY_SECONDS_ENV, DEFAULT_RETRY_SECONDS, minimum=0),
            lease_seconds=_number(LEASE_SECONDS_ENV, DEFAULT_LEASE_SECONDS, minimum=1),
        )


@dataclass(frozen=True)
class SmtpSettings:
    """SIGNPOST_SMTP_HOST/PORT/USER/PASSWORD/FROM. STARTTLS is always used: a request is health data."""

    host: str
    port: int
    sender: str
    user: str | None = None
    password: str | None = None
    timeout: float = 30.0

    @classmethod
    def from_environment(cls) -> "SmtpSettings":
        host = os.environ.get("SIGNPOST_SMTP_HOST", "").strip()
        sender = os.environ.get("SIGNPOST_SMTP_FROM", "").strip()
        if not host or not sender:
            raise NotConfigured("Email delivery needs SIGNPOST_SMTP_HOST and SIGNPOST_SMTP_FROM.")
        return cls(
            host=host,
            port=int(_number("SIGNPOST_SMTP_PORT", 587, minimum=1)),
            sender=sender,
            user=os.environ.get("SIGNPOST_SMTP_USER", "").strip() or None,
            password=os.environ.get("SIGNPOST_SMTP_PASSWORD") or None,
            timeout=_number("SIGNPOST_SMTP_TIMEOUT", 30.0, minimum=1),
        )
