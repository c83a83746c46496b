"""Real receivers for delivery tests: an SMTP server with STARTTLS (aiosmtpd) and an HTTPS webhook receiver.

The TLS certificate is made here with `cryptography` (a throwaway CA and a server certificate for 127.0.0.1),
so both sides really negotiate TLS and the client really verifies the server.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import http.server
import ipaddress
import json
import ssl
import threading
import time
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

from aiosmtpd.controller import Controller
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from referrals.delivery import DELIVERY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, verify_signature
from tests.support.server import free_port


@dataclass(frozen=True)
class TlsCertificates:
    ca_file: Path
    cert_file: Path
    key_file: Path

    def client_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.ca_file))

    def server_context(self) -> ssl.SSLContext:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(str(self.cert_file), str(self.key_file))
        return context


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def make_certificates(folder: Path) -> TlsCertificates:
    now = dt.datetime.now(dt.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(_name("signpost test CA"))
        .issuer_name(_name("signpost test CA"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True, content_commitment=False,
                          key_encipherment=False, data_encipherment=False, key_agreement=False,
                          encipher_only=False, decipher_only=False),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name("127.0.0.1"))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    certs = TlsCertificates(folder / "ca.pem", folder / "server.pem", folder / "server.key")
    certs.ca_file.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    certs.cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    certs.key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return certs


# ---- SMTP ----------------------------------------------------------------------------------------------------


@dataclass
class Received:
    envelope_to: list[str]
    message: EmailMessage
    over_tls: bool


@dataclass
class _Handler:
    received: list[Received] = field(default_factory=list)
    #: When set, RCPT waits until ``release`` is set (a worker can be killed in the middle of a delivery).
    hold_rcpt: bool = False
    reached_rcpt: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        self.reached_rcpt.set()
        while self.hold_rcpt and not self.release.is_set():
            await asyncio.sleep(0.05)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.received.append(
            Received(list(envelope.rcpt_tos), message_from_bytes(envelope.content, policy=policy.default), session.ssl is not None)
        )
        return "250 Message accepted for delivery"


class _Authenticator:
    """One user and password; AUTH is offered only after STARTTLS (auth_require_tls)."""

    def __init__(self, user: str, password: str) -> None:
        self.user, self.password = user.encode(), password.encode()

    def __call__(self, server, session, envelope, mechanism, auth_data):
        from aiosmtpd.smtp import AuthResult, LoginPassword

        ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (self.user, self.password)
        return AuthResult(success=ok, handled=False)


class SmtpServer:
    """aiosmtpd on 127.0.0.1 that requires STARTTLS before any mail (``tls=False``: offers none at all)."""

    def __init__(
        self, certs: TlsCertificates, *, tls: bool = True, hold_rcpt: bool = False, port: int | None = None,
        login: tuple[str, str] | None = None,
    ) -> None:
        self.handler = _Handler(hold_rcpt=hold_rcpt)
        self.port = port or free_port()
        options = {"tls_context": certs.server_context(), "require_starttls": True} if tls else {}
        if login is not None:
            options.update(authenticator=_Authenticator(*login), auth_require_tls=True, auth_required=True)
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port, **options)

    @property
    def received(self) -> list[Received]:
        return self.handler.received

    def __enter__(self) -> "SmtpServer":
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.handler.release.set()
        self.controller.stop()


# ---- webhook -------------------------------------------------------------------------------------------------


@dataclass
class Hook:
    headers: dict[str, str]
    body: bytes
    signature_ok: bool
    #: The status the receiver answered; None while held, and for a call it dropped unanswered.
    answered: int | None = None

    @property
    def json(self) -> dict:
        return json.loads(self.body)

    @property
    def delivery_id(self) -> str:
        return self.headers.get(DELIVERY_HEADER, "")


class WebhookReceiver:
    """An HTTPS server that checks each call's signature, as a council's receiver would, and answers ``status``."""

    def __init__(self, certs: TlsCertificates, secret: str, *, status: int = 200, hold: bool = False) -> None:
        self.secret = secret
        self.status = status
        self.calls: list[Hook] = []
        #: When set, a call waits unanswered until ``release`` is set and is then dropped (not accepted), so a
        #: worker can be killed in the middle of a delivery.
        self.hold = hold
        self.reached = threading.Event()
        self.release = threading.Event()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                ok = verify_signature(
                    receiver.secret, self.headers.get(TIMESTAMP_HEADER, ""), body,
                    self.headers.get(SIGNATURE_HEADER, ""),
                )
                hook = Hook(dict(self.headers), body, ok)
                receiver.calls.append(hook)
                if receiver.hold:
                    receiver.reached.set()
                    receiver.release.wait(timeout=120)
                    self.close_connection = True
                    return  # dropped unanswered: the receiver never accepted it
                hook.answered = receiver.status if ok else 401
                self.send_response(hook.answered)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self.port = free_port()
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.server.socket = certs.server_context().wrap_socket(self.server.socket, server_side=True)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.port}/signpost/callbacks"

    def __enter__(self) -> "WebhookReceiver":
        self.thread.start()
        return self

    @property
    def accepted(self) -> list[Hook]:
        return [call for call in self.calls if call.answered is not None and 200 <= call.answered < 300]

    def __exit__(self, *exc) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


def wait_for(condition, timeout: float = 20.0, interval: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return condition()
