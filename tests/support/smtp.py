"""A real SMTP server (aiosmtpd) in the test's event loop, on 127.0.0.1 and a free port.

It keeps every message it accepts (the bytes as received), can be told to answer the next
``RCPT TO`` or ``DATA`` with a 4xx or 5xx reply, can require STARTTLS or speak TLS from the
first byte, and can require a login. ``use_smtp`` points a runtime's settings at it.
"""

from __future__ import annotations

import asyncio
import ssl
import warnings
from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any, Literal

from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session
from pydantic import SecretStr

from refdesk.server.runtime import Runtime
from refdesk.server.tls import ensure_local_tls

ACCEPTED = "250 2.0.0 Message accepted for delivery"


@dataclass(frozen=True)
class Received:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes  # as received: dot-unstuffed, CRLF line ends
    login: str | None

    @property
    def message(self) -> EmailMessage:
        parsed = message_from_bytes(self.data, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed


@dataclass
class Handler:
    received: list[Received] = field(default_factory=list)
    rcpt_replies: deque[str] = field(default_factory=deque)
    data_replies: deque[str] = field(default_factory=deque)
    data_delay: float = 0.0  # seconds before answering DATA (a slow server)

    async def handle_RCPT(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        if self.rcpt_replies:
            return self.rcpt_replies.popleft()
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if self.data_delay:
            await asyncio.sleep(self.data_delay)
        if self.data_replies:
            return self.data_replies.popleft()
        login = session.auth_data.login.decode() if session.auth_data else None
        self.received.append(
            Received(
                mail_from=str(envelope.mail_from),
                rcpt_tos=list(envelope.rcpt_tos),
                data=bytes(envelope.original_content or b""),
                login=login,
            )
        )
        return ACCEPTED


@dataclass
class SmtpServer:
    host: str
    port: int
    handler: Handler
    security: Literal["starttls", "tls", "none"]
    user: str | None = None
    password: str | None = None
    ca_file: Path | None = None

    @property
    def received(self) -> list[Received]:
        return self.handler.received

    def reject_next(
        self, reply: str, *, at: Literal["RCPT", "DATA"] = "RCPT", times: int = 1
    ) -> None:
        """Answer the next ``times`` RCPT TO (or DATA) commands with ``reply``."""
        replies = self.handler.rcpt_replies if at == "RCPT" else self.handler.data_replies
        replies.extend([reply] * times)


def use_smtp(runtime: Runtime, server: SmtpServer, **overrides: Any) -> None:
    """Point the runtime's mail settings at ``server`` (retries shortened to zero)."""
    values: dict[str, Any] = {
        "mail_host": server.host,
        "mail_port": server.port,
        "mail_security": server.security,
        "mail_user": server.user,
        "mail_password": SecretStr(server.password) if server.password else None,
        "mail_from": "Refdesk Test <noreply@refdesk.test>",
        "mail_timeout": 5.0,
    }
    values.update(overrides)
    for name, value in values.items():
        setattr(runtime.settings, name, value)


def _authenticator(user: str, password: str) -> Any:
    def check(
        server: SMTP, session: Session, envelope: Envelope, mechanism: str, auth_data: Any
    ) -> AuthResult:
        ok = (
            isinstance(auth_data, LoginPassword)
            and auth_data.login == user.encode()
            and auth_data.password == password.encode()
        )
        return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)

    return check


@asynccontextmanager
async def running_smtp(
    *,
    security: Literal["starttls", "tls", "none"] = "none",
    tls_dir: Path | None = None,
    user: str | None = None,
    password: str | None = None,
) -> AsyncIterator[SmtpServer]:
    """An SMTP server for the duration of the block. ``starttls`` and ``tls`` need
    ``tls_dir`` (a local CA and a 127.0.0.1 certificate are made there; the client must trust
    ``server.ca_file``); ``user`` makes a login required (over TLS only)."""
    handler = Handler()
    server_tls: ssl.SSLContext | None = None
    ca_file: Path | None = None
    if security != "none":
        assert tls_dir is not None, "TLS needs a directory for the certificates"
        paths = ensure_local_tls(tls_dir)
        server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        server_tls.load_cert_chain(paths.cert, paths.key)
        ca_file = paths.ca_cert
    options: dict[str, Any] = {"hostname": "mail.refdesk.test"}
    if security == "starttls":
        options.update(tls_context=server_tls, require_starttls=True)
    if user is not None:
        options.update(
            authenticator=_authenticator(user, password or ""),
            auth_required=True,
            # Under implicit TLS aiosmtpd does not know the session is encrypted.
            auth_require_tls=security == "starttls",
        )
    loop = asyncio.get_running_loop()

    def factory() -> SMTP:
        with warnings.catch_warnings():
            # Implicit TLS with a login: aiosmtpd cannot tell the session is encrypted.
            warnings.simplefilter("ignore", UserWarning)
            return SMTP(handler, loop=loop, **options)

    listener = await loop.create_server(
        factory,
        "127.0.0.1",
        0,
        ssl=server_tls if security == "tls" else None,
    )
    port = listener.sockets[0].getsockname()[1]
    try:
        yield SmtpServer("127.0.0.1", port, handler, security, user, password, ca_file)
    finally:
        listener.close()
        await listener.wait_closed()
