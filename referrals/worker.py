"""Delivery: take due requests from the outbox, send each by its route, retry with growing waits, tell the admin.

One pass (``Worker.deliver_due``) is what `signpost referrals deliver --once` runs; ``Worker.run`` repeats it
until stopped (what `signpost run` starts). Logs hold references, route kinds and error kinds: never a name,
number or message.
"""
from __future__ import annotations

import logging
import ssl
import threading
from dataclasses import dataclass, field
from typing import Callable

from referrals import settings
from referrals.delivery import DeliveryError, send_email, send_webhook
from referrals.models import TELL_ADMIN
from referrals.request import CallbackRequest, email_body, email_subject, webhook_body
from referrals.routes import EMAIL, Route, Routes, current_routes
from referrals.settings import NotConfigured, RetryPolicy, SmtpSettings
from referrals.store import Claimed, Outbox

logger = logging.getLogger(__name__)


@dataclass
class PassSummary:
    delivered: int = 0
    to_retry: int = 0
    handed_to_admin: int = 0
    admin_pending: int = 0
    errors: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return (
            f"{self.delivered} delivered, {self.to_retry} to try again later, "
            f"{self.handed_to_admin} passed to the admin, {self.admin_pending} waiting to reach the admin"
        )


def _smtp_from_environment() -> SmtpSettings | None:
    try:
        return SmtpSettings.from_environment()
    except NotConfigured:
        return None


class Worker:
    def __init__(
        self,
        outbox: Outbox,
        routes: Routes | Callable[[], Routes],
        *,
        smtp: SmtpSettings | None,
        admin_email: str | None,
        policy: RetryPolicy | None = None,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self.outbox = outbox
        #: Fixed routes, or where to get them each time (``current_routes``: the file, read again when changed).
        self._routes = routes
        self.smtp = smtp
        self.admin_email = admin_email
        self.policy = policy or RetryPolicy()
        self.ssl_context = ssl_context

    @property
    def routes(self) -> Routes:
        return self._routes if isinstance(self._routes, Routes) else self._routes()

    @classmethod
    def from_environment(cls) -> "Worker":
        """The worker `signpost referrals deliver` runs. The routes file is checked now (a bad one stops the start
        with its problem named) and then read again whenever it changes, as the actions do, so a service routed
        after the start is delivered, not failed as "no referral route"."""
        Routes.load()
        return cls(
            Outbox.from_environment(),
            current_routes,
            smtp=_smtp_from_environment(),
            admin_email=settings.admin_email(),
            policy=RetryPolicy.from_environment(),
        )

    # ------------------------------------------------------------------ one pass

    def deliver_due(self) -> PassSummary:
        summary = PassSummary()
        self.outbox.forget_sent()
        for entry_id in self.outbox.due_ids():
            claimed = self.outbox.claim(entry_id, self.policy.lease_seconds)
            if claimed is None:
                continue  # another worker has it
            if claimed.state == TELL_ADMIN:
                self._tell_admin(claimed, "earlier tries failed", summary)
            else:
                self._deliver(claimed, summary)
        return summary

    def _deliver(self, claimed: Claimed, summary: PassSummary) -> None:
        try:
            self._send(claimed)
        except DeliveryError as error:
            summary.errors.append(error.kind)
            if claimed.attempt >= self.policy.max_attempts:
                logger.warning("Call-back %s not delivered after %d tries (%s).", claimed.reference,
                               claimed.attempt, error.kind)
                self._tell_admin(claimed, error.kind, summary)
            else:
                wait = self.policy.wait_after(claimed.attempt)
                logger.info("Call-back %s: try %d failed (%s); next in %.0f s.", claimed.reference,
                            claimed.attempt, error.kind, wait)
                self.outbox.retry_later(claimed.id, wait, error.kind)
                summary.to_retry += 1
            return
        self.outbox.delivered(claimed.id)
        summary.delivered += 1
        logger.info("Call-back %s delivered on try %d.", claimed.reference, claimed.attempt)

    def _route(self, request: CallbackRequest) -> Route:
        routes = self.routes
        route = routes.route_for(request.service_id)
        if route is None and request.directory_email and routes.directory_referral_emails:
            route = Route(EMAIL, request.directory_email)
        if route is None:
            raise DeliveryError("no referral route for the service")
        return route

    def _send(self, claimed: Claimed) -> None:
        request, reference = claimed.request, claimed.reference
        route = self._route(request)
        if route.kind == EMAIL:
            if self.smtp is None:
                raise DeliveryError("SMTP not configured")
            send_email(
                self.smtp, route.target, email_subject(reference), email_body(request, reference),
                message_id=self._message_id(claimed), ssl_context=self.ssl_context,
            )
        else:
            send_webhook(
                route.target, route.secret or "", webhook_body(request, reference),
                delivery_id=claimed.id, ssl_context=self.ssl_context,
            )

    def _message_id(self, claimed: Claimed) -> str:
        domain = self.smtp.sender.rsplit("@", 1)[-1] if self.smtp else "signpost.invalid"
        return f"<{claimed.id}@{domain}>"

    # ------------------------------------------------------------------ the admin

    def _tell_admin(self, claimed: Claimed, reason: str, summary: PassSummary) -> None:
        """The council's admin gets the request to pass on by hand; then it leaves the outbox."""
        try:
            if not self.admin_email or self.smtp is None:
                raise DeliveryError("no admin address or SMTP settings")
            body = (
                f"signpost could not deliver call-back request {claimed.reference} to "
                f"{claimed.request.service_name} after {self.policy.max_attempts} tries "
                f"(last problem: {reason}).\nPlease pass it on by hand, and check that service's referral "
                f"route.\n\n" + email_body(claimed.request, claimed.reference)
            )
            send_email(
                self.smtp, self.admin_email, f"Not delivered: call-back request {claimed.reference}", body,
                message_id=f"<admin-{claimed.id}@{self.smtp.sender.rsplit('@', 1)[-1]}>",
                ssl_context=self.ssl_context,
            )
        except DeliveryError as error:
            logger.error("Call-back %s: cannot reach the admin either (%s); will keep trying.",
                         claimed.reference, error.kind)
            self.outbox.retry_later(claimed.id, self.policy.wait_after(claimed.attempt), error.kind, tell_admin=True)
            summary.admin_pending += 1
            return
        self.outbox.delivered(claimed.id)
        summary.handed_to_admin += 1

    # ------------------------------------------------------------------ for ever

    def run(self, stop: threading.Event, poll_seconds: float = 5.0) -> None:
        """Passes until ``stop`` is set. A pass that fails (database down) is logged and tried again."""
        while not stop.is_set():
            try:
                self.deliver_due()
            except Exception as error:  # noqa: BLE001 - the worker must outlive a bad pass
                logger.error("Delivery pass failed (%s); trying again shortly.", type(error).__name__)
            stop.wait(poll_seconds)
