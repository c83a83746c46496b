"""Where each service's call-back requests go, as the council sets it: email or a signed webhook.

The council names a file in SIGNPOST_REFERRAL_ROUTES (YAML or JSON):

    services:
      anytown-recovery:                  # the service's id in the directory
        email: referrals@anytown-recovery.example
        call_back_within: 2 working days # optional: what the person is told to expect
      anytown-night-line:
        webhook: https://crm.anytown.example/signpost/callbacks
        secret_env: ANYTOWN_WEBHOOK_SECRET   # or `secret:`; at least 16 characters
    # Optional: a service whose directory record has an email and whose application process (HSDS
    # `application_process`) says it takes referrals gets requests at that email, without a line above.
    directory_referral_emails: true

No file, or a service not named in it, means the service takes no call-back requests through signpost: the
person is told how to contact it themselves instead.

The file is read again whenever it changes (``current_routes``), by the actions and the delivery worker alike,
so a service the council routes while both run is offered in chat and delivered, with no restart.
"""
from __future__ import annotations

import json
import logging
import os
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping
from urllib.parse import urlsplit

import yaml

from referrals import settings

logger = logging.getLogger(__name__)

EMAIL = "email"
WEBHOOK = "webhook"
_EMAIL_SHAPE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_LOOPBACK = {"127.0.0.1", "localhost", "::1"}
_MIN_SECRET = 16
#: Words in an HSDS application_process that say the service takes referrals.
_TAKES_REFERRALS = re.compile(r"\brefer(?:ral|rals|red|ring)?\b|\bself[- ]refer", re.IGNORECASE)


class RoutesError(ValueError):
    """The routes file cannot be used; the message names the service and the problem."""


@dataclass(frozen=True)
class Route:
    kind: str  # EMAIL or WEBHOOK
    target: str  # an email address or an https URL
    secret: str | None = None  # webhooks only
    call_back_within: str | None = None

    def describe(self) -> str:
        """For logs and the CLI: the kind and the host, never a secret."""
        if self.kind == EMAIL:
            return f"email to {self.target.split('@', 1)[1]}"
        return f"webhook to {urlsplit(self.target).hostname}"


def _webhook_url(value: str, service_id: str) -> str:
    parts = urlsplit(value)
    if parts.scheme == "https" and parts.hostname:
        return value
    if parts.scheme == "http" and parts.hostname in _LOOPBACK:
        return value  # a receiver on the same machine (and the tests)
    raise RoutesError(f"{service_id}: webhook must be an https:// URL, not {value!r}")


def _route(service_id: str, entry: Any) -> Route:
    if not isinstance(entry, Mapping):
        raise RoutesError(f"{service_id}: expected `email:` or `webhook:` settings")
    within = entry.get("call_back_within")
    within = str(within).strip() if within else None
    if entry.get(EMAIL) and entry.get(WEBHOOK):
        raise RoutesError(f"{service_id}: give `email` or `webhook`, not both")
    if entry.get(EMAIL):
        address = str(entry[EMAIL]).strip()
        if not _EMAIL_SHAPE.match(address):
            raise RoutesError(f"{service_id}: {address!r} is not an email address")
        return Route(EMAIL, address, call_back_within=within)
    if entry.get(WEBHOOK):
        url = _webhook_url(str(entry[WEBHOOK]).strip(), service_id)
        secret = entry.get("secret")
        if not secret and entry.get("secret_env"):
            secret = os.environ.get(str(entry["secret_env"]), "")
        if not secret or len(str(secret)) < _MIN_SECRET:
            raise RoutesError(f"{service_id}: a webhook needs a secret of at least {_MIN_SECRET} characters")
        return Route(WEBHOOK, url, secret=str(secret), call_back_within=within)
    raise RoutesError(f"{service_id}: expected `email:` or `webhook:`")


@dataclass(frozen=True)
class Routes:
    by_service: Mapping[str, Route]
    directory_referral_emails: bool = False

    def route_for(
        self, service_id: str, *, service_email: str | None = None, application_process: str | None = None
    ) -> Route | None:
        """The route for a service: the council's line for it, else (when allowed) its directory email."""
        route = self.by_service.get(service_id)
        if route is not None:
            return route
        if (
            self.directory_referral_emails
            and service_email
            and _EMAIL_SHAPE.match(service_email.strip())
            and _TAKES_REFERRALS.search(application_process or "")
        ):
            return Route(EMAIL, service_email.strip())
        return None

    @classmethod
    def parse(cls, data: Any) -> "Routes":
        if data is None:
            return cls({})
        if not isinstance(data, Mapping):
            raise RoutesError("the routes file must hold `services:` (a mapping of service id to settings)")
        services = data.get("services") or {}
        if not isinstance(services, Mapping):
            raise RoutesError("`services:` must map each service id to its settings")
        routes = {str(service_id): _route(str(service_id), entry) for service_id, entry in services.items()}
        return cls(routes, directory_referral_emails=bool(data.get("directory_referral_emails")))

    @classmethod
    def load(cls, path: str | os.PathLike[str] | None = None) -> "Routes":
        """The routes in ``path`` (default: SIGNPOST_REFERRAL_ROUTES); none when no file is configured."""
        path = path if path is not None else settings.routes_file()
        if not path:
            return cls({})
        file = Path(path)
        try:
            text = file.read_text(encoding="utf-8")
        except OSError as error:
            raise RoutesError(f"cannot read the routes file {file}: {error.strerror}") from None
        try:
            data = json.loads(text) if file.suffix.lower() == ".json" else yaml.safe_load(text)
        except (ValueError, yaml.YAMLError) as error:
            raise RoutesError(f"{file} is not valid {'JSON' if file.suffix == '.json' else 'YAML'}: {error}") from None
        return cls.parse(data)


_current_lock = threading.Lock()
_current: dict[str, Any] = {"key": None, "routes": Routes({})}


def current_routes() -> Routes:
    """The routes in SIGNPOST_REFERRAL_ROUTES, read again when the setting or the file changes.

    An unusable file means no routes (logged once per change): no call-back is offered, and the worker keeps
    what it cannot route until the council puts the file right (its retries, then the admin)."""
    path = settings.routes_file()
    try:
        key = (path, os.stat(path).st_mtime_ns) if path else None
    except OSError:
        key = (path, None)
    with _current_lock:
        if _current["key"] != key:
            try:
                _current["routes"] = Routes.load(path) if path else Routes({})
            except RoutesError as error:
                logger.error("Referral routes unusable, so no call-backs are offered or routed: %s", error)
                _current["routes"] = Routes({})
            _current["key"] = key
        return _current["routes"]
