"""What a call-back request holds, and how it reads to the service that receives it.

Only what the service needs to call back: a first name or nickname (optional), the number, a good time,
whether a message may be left, and the consent sentence the person said yes to (word for word).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any

from referrals.phone import spoken


@dataclass(frozen=True)
class CallbackRequest:
    service_id: str
    service_name: str
    phone: str  # national form, checked by referrals.phone.callback_number
    good_time: str
    message_ok: bool
    consent: str  # the sentence the person agreed to
    name: str | None = None
    #: Set when the route is the service's own directory email (routes.directory_referral_emails).
    directory_email: str | None = None
    asked_at: str = field(default_factory=lambda: dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"))

    def to_payload(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> "CallbackRequest":
        return cls(**{key: payload.get(key) for key in cls.__dataclass_fields__})


def email_subject(reference: str) -> str:
    return f"Call-back request {reference} from signpost"


def email_body(request: CallbackRequest, reference: str) -> str:
    """Plain text, nothing the person did not agree to send."""
    lines = [
        f"Someone has asked {request.service_name} to call them back.",
        "",
        f"Reference: {reference}",
        f"Name: {request.name or 'not given'}",
        f"Phone: {spoken(request.phone)}",
        f"Good time to call: {request.good_time}",
        f"You may leave a message: {'yes' if request.message_ok else 'no, please do not leave a message'}",
        f"Asked at (UTC): {request.asked_at}",
        "",
        "They agreed to this: " + request.consent,
        "",
        "Sent by signpost, the council's drug and alcohol help finder. Please reply to the council's team, not",
        "to the person, if anything is wrong with this request.",
    ]
    return "\n".join(lines)


def webhook_body(request: CallbackRequest, reference: str) -> dict[str, Any]:
    return {"type": "callback_request", "reference": reference, **request.to_payload()}
