"""Sending one request: by email (SMTP with STARTTLS, never in the clear) or by a signed HTTPS webhook.

Both carry a stable id for the request (the email's Message-ID, the webhook's X-Signpost-Delivery header), so
if a worker dies after the receiver accepted a request but before the outbox noted it, the one repeat that
follows is recognisable as the same request.

Webhook signature (for the council's receiver): ``X-Signpost-Signature: sha256=<hex>``, the HMAC-SHA256 with the
route's secret of ``<X-Signpost-Timestamp>.<raw body>``; reject a timestamp more than 5 minutes old.
``verify_signature`` does exactly that check.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import smtplib
import ssl
import time
import urllib.error
import urllib.request
from email.message import EmailMessage
from email.utils import formatdate
from typing import Any

from referrals.settings import SmtpSettings

SIGNATURE_HEADER = "X-Signpost-Signature"
TIMESTAMP_HEADER = "X-Signpost-Timestamp"
DELIVERY_HEADER = "X-Signpost-Delivery"
SIGNATURE_TOLERANCE_SECONDS = 300


class DeliveryError(RuntimeError):
    """A send failed. ``kind`` is safe to log and store (no personal data)."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


def send_email(
    smtp: SmtpSettings,
    to: str,
    subject: str,
    body: str,
    *,
    message_id: str,
    ssl_context: ssl.SSLContext | None = None,
) -> None:
    message = EmailMessage()
    message["From"] = smtp.sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = message_id
    message.set_content(body)
    context = ssl_context or ssl.create_default_context()
    try:
        with smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout) as client:
            client.ehlo()
            if not client.has_extn("starttls"):
                raise DeliveryError("SMTP server offers no STARTTLS")
            client.starttls(context=context)
            client.ehlo()
            if smtp.user:
                client.login(smtp.user, smtp.password or "")
            refused = client.send_message(message)
            if refused:
                raise DeliveryError("SMTP recipient refused")
    except DeliveryError:
        raise
    except (smtplib.SMTPException, OSError) as error:
        raise DeliveryError(type(error).__name__) from None


def signature(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode("utf-8"), timestamp.encode("ascii") + b"." + body, hashlib.sha256)
    return "sha256=" + digest.hexdigest()


def verify_signature(secret: str, timestamp: str, body: bytes, given: str, *, now: float | None = None) -> bool:
    """What a receiver checks: the signature matches and the timestamp is recent."""
    try:
        age = abs((now if now is not None else time.time()) - int(timestamp))
    except (TypeError, ValueError):
        return False
    return age <= SIGNATURE_TOLERANCE_SECONDS and hmac.compare_digest(signature(secret, timestamp, body), given or "")


def send_webhook(
    url: str,
    secret: str,
    payload: dict[str, Any],
    *,
    delivery_id: str,
    ssl_context: ssl.SSLContext | None = None,
    timeout: float = 30.0,
) -> None:
    body = json.dumps(payload, sort_keys=True).encode("utf-8")
    timestamp = str(int(time.time()))
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            TIMESTAMP_HEADER: timestamp,
            SIGNATURE_HEADER: signature(secret, timestamp, body),
            DELIVERY_HEADER: delivery_id,
            "User-Agent": "signpost-referrals",
        },
    )
    context = ssl_context or ssl.create_default_context()
    try:
        with urllib.request.urlopen(request, timeout=timeout, context=context) as response:
            if not 200 <= response.status < 300:
                raise DeliveryError(f"HTTP {response.status}")
    except urllib.error.HTTPError as error:
        raise DeliveryError(f"HTTP {error.code}") from None
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise DeliveryError(type(reason).__name__ if not isinstance(reason, str) else "URLError") from None
